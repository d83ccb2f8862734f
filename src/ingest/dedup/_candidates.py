"""The candidates of a document, as the LSH indexes return them: arrays, not Python objects.

A search of the LSH indexes for a batch of documents returns a hit per
matching band: for the document LSH ``(row of the batch, index position)``, for
the sentence LSH ``(sentence of the batch, position and sentence of the
candidate)``. :func:`gather` splits them by document of the batch with numpy
(no Python code runs per hit), and :class:`Candidates` keeps each document's
share as arrays until verification asks for the positions to verify, then for
the sentence pairs of the few candidates that get as far as the alignment.

>>> import numpy as np
>>> found = Candidates()
>>> found.add(np.array([7, 3]), np.array([[3, 0, 2], [9, 1, 1], [3, 4, 0]]))
>>> found.positions()
[3, 7, 9]
>>> found.sentence_pairs(3), found.sentence_pairs(7)
([(0, 2), (4, 0)], [])
>>> sorted(found.covering(2)), sorted(found.covering(1))
([3], [3, 9])
>>> [part.tolist() for part in found.covered()], found.documents()
([[3, 9], [2, 1]], {3, 7})
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from ._features import DocFeatures, sentence_signatures
from ._options import DedupOptions, compares_sentences
from ._shingle import span_positions
from ._signature import band_hashes, lsh_params

__all__ = [
    "SENTENCE_BITS",
    "Banding",
    "Candidates",
    "SentenceKeys",
    "colliding_sentences",
    "document_threshold",
    "gather",
    "lsh_banding",
    "split",
]

#: Bits of a sentence number (the index keeps fewer than ``2 ** 20`` sentences a document).
SENTENCE_BITS: Final = 20

#: The share of the pairs at ``near_threshold`` that the document LSH proposes when it
#: is the only source of candidates (:func:`document_threshold`).
_NEAR_RECALL: Final = 0.99

Banding = tuple[int, int]
"""The ``(bands, rows)`` of an LSH index."""

_Positions = npt.NDArray[np.int64]
_Pairs = npt.NDArray[np.int64]
"""Rows ``(candidate position, sentence of the document, sentence of the candidate)``."""

#: No candidates, shared (read-only).
_NO_POSITIONS: Final = np.empty(0, dtype=np.int64)
_NO_POSITIONS.flags.writeable = False
_NO_PAIRS: Final = np.empty((0, 3), dtype=np.int64)
_NO_PAIRS.flags.writeable = False


class Candidates:
    """The candidates of one document: index positions from the document LSH, and the
    candidate sentence pairs from the sentence LSH (:data:`_Pairs` rows)."""

    def __init__(self) -> None:
        self._documents: list[_Positions] = []
        self._pairs: list[_Pairs] = []
        self._sorted: _Pairs | None = None

    def add(self, documents: npt.ArrayLike, pairs: npt.ArrayLike) -> None:
        """Add candidate *documents* (positions) and sentence *pairs* (rows of three)."""
        # Empty parts are not kept: most documents have no candidate of one source.
        documents = np.asarray(documents, dtype=np.int64).reshape(-1)
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 3)
        if documents.size:
            self._documents.append(documents)
        if pairs.size:
            self._pairs.append(pairs)
            self._sorted = None

    def moved(self, positions: npt.NDArray[np.intp]) -> tuple[_Positions, _Pairs]:
        """These candidates' documents and pairs with each position ``p`` read as
        ``positions[p]``, those whose new position is negative left out (rows of a
        batch, as the index files them), for :meth:`add`."""
        if not self._documents and not self._pairs:
            return _NO_POSITIONS, _NO_PAIRS
        documents = positions[np.concatenate([_NO_POSITIONS, *self._documents])]
        pairs = self._all_pairs()
        pairs[:, 0] = positions[pairs[:, 0]]
        return documents[documents >= 0], pairs[pairs[:, 0] >= 0]

    def positions(self, more: Iterable[int] = ()) -> list[int]:
        """Every candidate position (and *more*), once, in order."""
        parts = [*self._documents, *(pairs[:, 0] for pairs in self._pairs)]
        if more := list(more):
            parts.append(np.array(more, dtype=np.int64))
        if not parts:
            return []
        positions: list[int] = np.unique(np.concatenate(parts)).tolist()
        return positions

    def sentence_pairs(self, position: int) -> list[tuple[int, int]]:
        """The candidate sentence pairs ``(sentence of the document, sentence of the
        candidate)`` of the candidate at *position*."""
        pairs = self.pairs()
        low, high = np.searchsorted(pairs[:, 0], [position, position + 1])
        return [(i, j) for i, j in pairs[low:high, 1:].tolist()]

    def pairs(self) -> _Pairs:
        """Every candidate sentence pair, as :data:`_Pairs` rows sorted by position (the
        rows of one position in the order added)."""
        if self._sorted is None:
            pairs = self._all_pairs()
            self._sorted = pairs[np.argsort(pairs[:, 0], kind="stable")]
            self._pairs = [self._sorted] if self._sorted.size else []
        return self._sorted

    def only(self, kept: npt.NDArray[np.bool_]) -> Candidates:
        """These candidates with the sentence pairs *kept* (a flag per row of
        :meth:`pairs`) and no other: a candidate that the sentence LSH alone proposed
        is not one without any."""
        found = Candidates()
        found._documents = self._documents
        found._sorted = self.pairs()[kept]
        found._pairs = [found._sorted] if found._sorted.size else []
        return found

    def covering(self, minimum: int) -> set[int]:
        """The candidate positions proposed for a paraphrase: their sentence pairs cover at
        least *minimum* distinct sentences of the document and as many of the candidate
        (:func:`ingest.dedup._verify.proposes_paraphrase`; the pairs hold one sentence per
        group of equal sentences, as the index files them)."""
        positions, counts = self.covered()
        return set(positions[counts >= minimum].tolist())

    def covered(self) -> tuple[_Positions, npt.NDArray[np.int64]]:
        """The candidate positions with sentence pairs, in order, and the distinct
        sentences the pairs of each cover: the fewer of the document's and the
        candidate's."""
        pairs = self._all_pairs()
        if not pairs.size:
            return _NO_POSITIONS, _NO_POSITIONS
        counts = []
        positions = _NO_POSITIONS
        for side in (1, 2):
            # (position, sentence) as one key: sentences are 20-bit numbers.
            keys = np.sort(pairs[:, 0] << SENTENCE_BITS | pairs[:, side])
            distinct = keys[np.flatnonzero(np.diff(keys, prepend=-1))] >> SENTENCE_BITS
            starts = np.flatnonzero(np.diff(distinct, prepend=-1))
            positions = distinct[starts]
            counts.append(np.diff(starts, append=distinct.size))
        return positions, np.minimum(counts[0], counts[1])

    def documents(self) -> set[int]:
        """The candidate positions that the document LSH proposed."""
        return set(np.concatenate([_NO_POSITIONS, *self._documents]).tolist())

    def _all_pairs(self) -> _Pairs:
        return np.concatenate([_NO_PAIRS, *self._pairs])


def document_threshold(options: DedupOptions) -> float:
    """The threshold of the document LSH (its ``(bands, rows)``: :func:`lsh_params`).

    ``near_threshold`` when the sentence LSH proposes candidates too (``containment`` or
    ``paraphrase`` asked for), and its candidates are verified for ``near`` as well (a
    near copy shares whole sentences). Alone, the document LSH at
    ``near_threshold`` proposes under half of the pairs at exactly that similarity, so it
    is banded for the highest threshold, in steps of 0.05, that proposes
    ``_NEAR_RECALL`` of them (verification still links only pairs at ``near_threshold``).

    >>> document_threshold(DedupOptions(kinds={"exact", "near"}))
    0.4
    >>> document_threshold(DedupOptions())
    0.7
    """
    near = options.near_threshold
    if compares_sentences(options):
        return near
    threshold = near
    while threshold > 0.05:
        bands, rows = lsh_params(threshold, options.num_perm)
        if 1 - (1 - near**rows) ** bands >= _NEAR_RECALL:
            break
        threshold = round(threshold - 0.05, 2)
    return threshold


def lsh_banding(options: DedupOptions) -> tuple[Banding, Banding]:
    """The ``(bands, rows)`` of the document LSH and of the sentence LSH for *options*.

    Every engine bands alike; a stored index (Redis) records them, because buckets
    filed under one banding are not found under another.

    >>> lsh_banding(DedupOptions(kinds={"exact", "near"}))
    ((32, 4), (16, 4))
    """
    return (
        lsh_params(document_threshold(options), options.num_perm),
        lsh_params(options.sentence_threshold, options.sentence_num_perm),
    )


def split(rows: npt.NDArray[np.intp], count: int) -> list[npt.NDArray[np.intp]]:
    """For each row ``0 .. count - 1``, the indices of *rows* that hold it, in order."""
    order = np.argsort(rows, kind="stable")
    bounds = np.searchsorted(rows[order], np.arange(count + 1)).tolist()
    return [order[low:high] for low, high in itertools.pairwise(bounds)]


def gather(
    count: int,
    documents: tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]],
    pairs: tuple[npt.NDArray[np.intp], _Pairs],
) -> list[Candidates]:
    """The candidates of each of *count* documents from the hits of a document LSH search,
    ``(document, position)``, and of a sentence LSH search, ``(document, pair row)``."""
    found = [Candidates() for _ in range(count)]
    doc_rows, positions = documents
    pair_rows, rows = pairs
    for candidates, in_docs, in_pairs in zip(
        found, split(doc_rows, count), split(pair_rows, count), strict=True
    ):
        candidates.add(positions[in_docs], rows[in_pairs])
    return found


@attrs.frozen(eq=False)
class SentenceKeys:
    """A document's keys in the sentence LSH, as every engine files them: the band
    hashes of its distinct sentences (the first copy of each), sorted, and the
    sentence each belongs to. Two documents' keys give the candidate sentence pairs
    the sentence LSH proposes for them (:func:`colliding_sentences`) without an index."""

    hashes: npt.NDArray[np.uint64]
    sentences: npt.NDArray[np.intp]

    @classmethod
    def of(
        cls,
        features: DocFeatures,
        options: DedupOptions,
        signatures: npt.NDArray[np.uint32] | None = None,
    ) -> SentenceKeys:
        """*features*' keys under *options* (those the features were made with), from its
        sentence *signatures* when the caller has them."""
        firsts = features.sentence_firsts
        bands, rows = lsh_banding(options)[1]
        if signatures is None:
            signatures = sentence_signatures(features, options)
        sigs = signatures[firsts]
        hashes = band_hashes(sigs, bands, rows).reshape(-1)
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], np.repeat(firsts, bands)[order])


def colliding_sentences(a: SentenceKeys, b: SentenceKeys) -> npt.NDArray[np.int64]:
    """The sentence pairs ``(i in a, j in b)`` that share a key: the candidate sentence
    pairs that the sentence LSH proposes for the two documents, each once, sorted.

    Band hashes mix in their band's number (:func:`~ingest.dedup.band_hashes`), so a key
    met in another band is another band's: equal keys are what puts two sentences in one
    bucket, whichever band they come from.

    >>> import numpy as np
    >>> a = SentenceKeys(np.array([3, 5, 9], dtype=np.uint64), np.array([0, 1, 1]))
    >>> b = SentenceKeys(np.array([5, 5, 9, 11], dtype=np.uint64), np.array([2, 4, 2, 0]))
    >>> colliding_sentences(a, b).tolist()
    [[1, 2], [1, 4]]
    """
    low = np.searchsorted(b.hashes, a.hashes, side="left")
    counts = np.searchsorted(b.hashes, a.hashes, side="right") - low
    total = int(counts.sum())
    if not total:
        return np.empty((0, 2), dtype=np.int64)
    # The matches of each key of a: the run of its equal keys in b, from low on.
    left = np.repeat(a.sentences, counts).astype(np.int64)
    right = b.sentences[span_positions(low, counts)].astype(np.int64)
    width = int(right.max()) + 1
    codes = np.unique(left * width + right)
    return np.stack([codes // width, codes % width], axis=1)
