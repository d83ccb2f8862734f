"""Many documents' features packed into a few flat arrays: how a Dask partition keeps them.

A list of :class:`~ingest.dedup._features.DocFeatures` costs about 1 KB per
document besides its arrays (the objects, the array headers) and carries each
document's MinHash signature, 512 bytes at ``num_perm=128``, though a signature
is a function of the shingle set it is made from. A :class:`FeatureTable`
keeps the arrays of all its documents concatenated, with no signatures, and
gives rows back as ``DocFeatures`` with their signatures computed again, in
one vectorised pass (:meth:`FeatureTable.rows`): the same values, bit for bit.
On the synthetic news of ``benchmarks/scale.py``: ~3.8 KB per document instead
of ~5.1 KB.

>>> from ingest import Document
>>> from ingest.dedup._features import compute_features
>>> options = DedupOptions()
>>> docs = [Document("a", "The deal was reviewed on Monday. Officials met again.")]
>>> [features] = compute_features(docs, options)
>>> table = FeatureTable.pack([features])
>>> [row] = table.rows([0], options)
>>> bool((row.signature == features.signature).all()), row.words == features.words
(True, True)
>>> row.language
'en'

"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ._features import DocFeatures, permutations, restore_sentence_signatures
from ._options import DedupOptions
from ._shingle import Hashes
from ._signature import signatures

__all__ = ["FeatureTable"]

_Ends = npt.NDArray[np.int64]


def _ends(arrays: Sequence[npt.NDArray[np.generic]]) -> _Ends:
    """Where each of *arrays* ends once they are concatenated."""
    return np.cumsum(np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays)))


def _flat(arrays: Sequence[npt.NDArray[np.generic]], dtype: type[np.generic]) -> npt.NDArray:  # type: ignore[type-arg]
    return np.concatenate(arrays).astype(dtype) if arrays else np.empty(0, dtype=dtype)


@attrs.frozen(eq=False)
class FeatureTable:
    """The features of a sequence of documents, by column (see the module).

    Row ``i``'s shingles are ``shingles[shingle_ends[i - 1]:shingle_ends[i]]``
    (from 0 for row 0); its sentence stems and sentence sizes likewise with
    ``value_ends`` and ``sentence_ends``.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    languages: tuple[str, ...]
    text_keys: npt.NDArray[np.uint64]
    exact_keys: npt.NDArray[np.uint64]
    words: npt.NDArray[np.int64]
    shingles: Hashes
    shingle_ends: _Ends
    sentence_values: Hashes
    value_ends: _Ends
    sentence_sizes: npt.NDArray[np.uint32]
    sentence_ends: _Ends

    @classmethod
    def pack(cls, features: Sequence[DocFeatures]) -> FeatureTable:
        """*features*, packed (their signatures are left out)."""
        return cls(
            ids=tuple(f.id for f in features),
            names=tuple(f.name for f in features),
            languages=tuple(f.language for f in features),
            text_keys=np.array([f.text_key for f in features], dtype=np.uint64),
            exact_keys=np.array([f.exact_key for f in features], dtype=np.uint64),
            words=np.array([f.words for f in features], dtype=np.int64),
            shingles=_flat([f.shingles for f in features], np.uint32),
            shingle_ends=_ends([f.shingles for f in features]),
            sentence_values=_flat([f.sentence_values for f in features], np.uint32),
            value_ends=_ends([f.sentence_values for f in features]),
            sentence_sizes=_flat([f.sentence_sizes for f in features], np.uint32),
            sentence_ends=_ends([f.sentence_sizes for f in features]),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """The bytes of the arrays and the strings (roughly: 50 bytes a ``str`` header)."""
        arrays = (
            self.text_keys, self.exact_keys, self.words, self.shingles, self.shingle_ends,
            self.sentence_values, self.value_ends, self.sentence_sizes, self.sentence_ends,
        )  # fmt: skip
        strings = sum(len(s) + 50 for s in (*self.ids, *self.names, *self.languages))
        return sum(a.nbytes for a in arrays) + strings

    def rows(
        self, indices: Sequence[int], options: DedupOptions, *, sentence_signatures: bool = False
    ) -> list[DocFeatures]:
        """Rows *indices* as ``DocFeatures``, with their signatures computed again (under
        *options*, which must be those the features were made with); with their sentence
        signatures too when asked, else none (0 rows, as the indexes keep them)."""
        doc_perms, sentence_perms = permutations(options)
        shingles = [_part(self.shingles, self.shingle_ends, i) for i in indices]
        doc_signatures = signatures(shingles, doc_perms)
        empty = np.empty((0, sentence_perms.num_perm), dtype=np.uint32)
        rows = [
            DocFeatures(
                id=self.ids[i],
                name=self.names[i],
                language=self.languages[i],
                text_key=int(self.text_keys[i]),
                exact_key=int(self.exact_keys[i]),
                words=int(self.words[i]),
                shingles=shingle_set,
                signature=signature,
                sentence_values=_part(self.sentence_values, self.value_ends, i),
                sentence_sizes=_part(self.sentence_sizes, self.sentence_ends, i).astype(np.int64),
                sentence_signatures=empty,
            )
            for i, shingle_set, signature in zip(indices, shingles, doc_signatures, strict=True)
        ]
        return restore_sentence_signatures(rows, options) if sentence_signatures else rows


def _part(values: npt.NDArray[np.generic], ends: _Ends, row: int) -> npt.NDArray:  # type: ignore[type-arg]
    """Row *row*'s slice of a flat column (a view)."""
    start = int(ends[row - 1]) if row else 0
    return values[start : int(ends[row])]
