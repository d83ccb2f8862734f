"""The features of an index's documents: in a temporary file, or in memory by column.

A :class:`~ingest.DuplicateIndex` keeps, for every document it holds, the
arrays that verification reads: the shingle set (what ``near`` and
``containment`` compare) and the sentences' stem sets and sizes (what
``paraphrase`` aligns). On news they are about 1.7-3.7 KB a document and the
largest part of an index after its LSH (docs/log/one-process.md): 3.7 GB at a million
synthetic articles. Yet each document's arrays are read only when it is a
candidate of a later one, a few times in its life.

A :class:`FeatureFile` writes each document's arrays to a temporary file as it
is added, its document signature among them (what the estimate of a verified
``near`` or ``containment`` link needs: written once, it is not computed again
for every link), and keeps in memory what every document needs at hand: its id,
name, language, keys, word count and where its arrays are (about 100 bytes and
the strings). :meth:`FeatureFile.get` reads a document back with one ``pread``; the
rows read or added last stay in memory (``_KEPT``), since a family of copies
meets the same earlier copies again and again. :meth:`FeatureFile.spans` maps
the file, so that the compiled kernels read a document's candidates there
without a read or a copy each (:class:`Spans`), and :meth:`FeatureFile.release`
lets the mapped pages go after each batch. The file is private to the process
(``tempfile.TemporaryFile``: no name on most systems, removed when closed).

An index in memory keeps the same arrays in a :class:`FeatureColumns`: one array
a column for all its documents, which the kernels read by :class:`Spans` too.

What is read back is what was written, value for value, so the decisions are
those of an index that holds its features in memory; the operating system's
page cache holds the file while memory allows, and reads it back from disk
when not. A full disk raises the ``OSError`` of the write.

>>> from ingest import Document
>>> from ingest.dedup._features import compute_features, without_signatures
>>> options = DedupOptions()
>>> docs = [Document("a", "The deal was reviewed on Monday. Officials met again.")]
>>> [features] = compute_features(docs, options)
>>> with FeatureFile(options) as held:
...     held.append(features)
...     row = held.get(0)
...     bool((row.shingles == features.shingles).all()), row.words, len(held)
(True, 9, 1)
>>> bool((row.signature == features.signature).all()), row.sentence_signatures.shape
(True, (0, 64))
"""

from __future__ import annotations

import mmap
import os
import tempfile
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ._clusters import Node
from ._features import NO_SIGNATURE, DocFeatures, no_sentence_signatures
from ._options import DedupOptions

__all__ = ["FeatureColumns", "FeatureFile", "Nodes", "Spans"]

#: Rows read or added last that a file keeps in memory (a few KB each): a family's
#: copies are candidates of one another again and again.
_KEPT: Final = 8192

#: The type of every value written: shingle and stem hashes, sentence sizes.
_VALUE: Final = np.dtype("<u4")


@attrs.frozen(eq=False)
class Spans:
    """Where the arrays of some documents of a store are (a document's candidates, in
    order), for the kernels that read them in place
    (:func:`ingest.dedup._verify.screen_candidates`): document ``k``'s shingles are
    ``shingles[shingle_starts[k]:shingle_ends[k]]``, its sentences' sizes
    ``sizes[sentence_starts[k]:sentence_ends[k]]``, their stems *stems* from
    ``value_starts[k]`` on; ``distinct[k]`` of its sentences are distinct. *rows* and
    *positions* give the documents themselves (the numpy path reads them)."""

    rows: Sequence[DocFeatures]
    positions: npt.NDArray[np.int64]
    shingles: npt.NDArray[np.uint32]
    shingle_starts: npt.NDArray[np.int64]
    shingle_ends: npt.NDArray[np.int64]
    stems: npt.NDArray[np.uint32]
    value_starts: npt.NDArray[np.int64]
    sizes: npt.NDArray[Any]
    sentence_starts: npt.NDArray[np.int64]
    sentence_ends: npt.NDArray[np.int64]
    distinct: npt.NDArray[np.uint32]
    exact_keys: npt.NDArray[np.uint64]
    words: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.positions.size)

    @property
    def shingle_counts(self) -> npt.NDArray[np.int64]:
        """Each document's number of shingles."""
        counts: npt.NDArray[np.int64] = self.shingle_ends - self.shingle_starts
        return counts

    @property
    def sentences(self) -> tuple[npt.NDArray[Any], ...]:
        """What the kernels read of the documents' sentences, in their order: the stems,
        the sentences' sizes, where each document's stems start, where its sentences
        start and end, and how many are distinct."""
        return (
            self.stems,
            self.sizes,
            self.value_starts,
            self.sentence_starts,
            self.sentence_ends,
            self.distinct,
        )

    def documents(self, chosen: npt.NDArray[np.intp]) -> list[DocFeatures]:
        """The documents *chosen* (by their place in these spans), read."""
        return [self.rows[int(p)] for p in self.positions[chosen]]

    def subset(self, chosen: npt.NDArray[np.intp]) -> Spans:
        """These spans of the documents *chosen* only (by their place), in that order."""
        return attrs.evolve(
            self,
            positions=self.positions[chosen],
            shingle_starts=self.shingle_starts[chosen],
            shingle_ends=self.shingle_ends[chosen],
            value_starts=self.value_starts[chosen],
            sentence_starts=self.sentence_starts[chosen],
            sentence_ends=self.sentence_ends[chosen],
            distinct=self.distinct[chosen],
            exact_keys=self.exact_keys[chosen],
            words=self.words[chosen],
        )


class FeatureFile(Sequence[DocFeatures]):
    """The features of documents ``0, 1, 2, ...`` (in the order added), their arrays
    in a temporary file (see the module): a sequence, as a list of features is.

    Args:
        options: The options the features were computed with (the width of the
            sentence signatures that the rows read back do not have).
        directory: Where the temporary file goes; the system's default
            (``TMPDIR``) when not given.
    """

    def __init__(self, options: DedupOptions, directory: str | Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="ingest-features-", dir=directory)  # noqa: SIM115 -- closed by close()
        self._fd = self._file.fileno()
        self._no_signatures = no_sentence_signatures(options.sentence_num_perm)
        self._end = 0
        self.ids: list[str] = []
        self._names: list[str] = []
        self._languages: list[str] = []
        self._keys = array("Q")  # text key, exact key: two a document
        self._words = array("q")
        self._offsets = array("q")
        # Shingles, stems, sentences, signature values: four a document.
        self._counts = array("I")
        self._kept: OrderedDict[int, DocFeatures] = OrderedDict()
        # The file mapped, for the kernels that read rows in place (spans), and its bytes.
        self._map: mmap.mmap | None = None
        self._mapped = 0

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """The bytes held in memory: the per-document arrays and the rows kept
        (the strings come on top, as in a list of features)."""
        arrays = (self._keys, self._words, self._offsets, self._counts)
        kept = sum(f.nbytes for f in self._kept.values())
        return sum(a.itemsize * len(a) for a in arrays) + kept

    @property
    def file_bytes(self) -> int:
        """The bytes written to the file."""
        return self._end

    def append(self, features: DocFeatures) -> None:
        """Add *features* as the next row: its arrays and document signature (none when it
        has none); its sentence signatures are not written."""
        parts = (
            features.shingles,
            features.sentence_values,
            features.sentence_sizes,
            features.signature,
        )
        data = b"".join(np.ascontiguousarray(part, dtype=_VALUE).tobytes() for part in parts)
        written = 0
        while written < len(data):
            written += os.pwrite(self._fd, data[written:], self._end + written)
        self._offsets.append(self._end)
        self._end += len(data)
        self.ids.append(features.id)
        self._names.append(features.name)
        self._languages.append(features.language)
        self._keys.extend((features.text_key, features.exact_key))
        self._words.append(features.words)
        self._counts.extend(part.size for part in parts)
        kept = attrs.evolve(features, sentence_signatures=self._no_signatures)
        self._keep(len(self.ids) - 1, kept)

    def get(self, row: int) -> DocFeatures:
        """The features of *row*, as they were added, without sentence signatures."""
        features = self._kept.get(row)
        if features is not None:
            self._kept.move_to_end(row)
            return features
        shingles, values, sentences, signature = self._counts[4 * row : 4 * row + 4]
        size = (shingles + values + sentences + signature) * _VALUE.itemsize
        data = os.pread(self._fd, size, self._offsets[row])
        if len(data) != size:  # pragma: no cover - a tripwire: the file is ours
            raise OSError(f"the features file ended at row {row}: {len(data)} of {size} bytes")
        flat = np.frombuffer(data, dtype=_VALUE)
        sizes_end = shingles + values + sentences
        features = DocFeatures(
            id=self.ids[row],
            name=self._names[row],
            text_key=self._keys[2 * row],
            exact_key=self._keys[2 * row + 1],
            words=self._words[row],
            shingles=flat[:shingles],
            signature=flat[sizes_end:],
            sentence_values=flat[shingles : shingles + values],
            sentence_sizes=flat[shingles + values : sizes_end].astype(np.int64),
            sentence_signatures=self._no_signatures,
            language=self._languages[row],
        )
        self._keep(row, features)
        return features

    def __getitem__(self, row: int) -> DocFeatures:  # type: ignore[override]
        """Row *row* (negative from the end, as in a list); ``IndexError`` past the ends."""
        if not -len(self) <= row < len(self):
            raise IndexError(f"row {row} of a features file of {len(self)}")
        return self.get(row % len(self))

    def nodes(self) -> Nodes:
        """What clustering reads of every row (id, name, words), by row, with no file read."""
        return Nodes(self.ids, self._names, self._words)

    def _keep(self, row: int, features: DocFeatures) -> None:
        self._kept[row] = features
        if len(self._kept) > _KEPT:
            self._kept.popitem(last=False)

    def spans(self, positions: npt.NDArray[np.int64], distinct: npt.NDArray[np.uint32]) -> Spans:
        """Where the rows *positions* (of *distinct* distinct sentences each) are in the
        file, mapped: the kernels read them in place, with no ``pread`` and no copy
        (:class:`Spans`). The pages they touch are the operating system's page
        cache's; :meth:`release` lets the process's mapping of them go."""
        if self._end and (self._map is None or self._mapped < self._end):
            self._map = mmap.mmap(self._fd, 0, access=mmap.ACCESS_READ)
            self._mapped = len(self._map)
        values = (
            np.frombuffer(self._map, dtype=_VALUE, count=self._mapped // _VALUE.itemsize)
            if self._map is not None
            else np.empty(0, dtype=_VALUE)
        )
        rows = positions.astype(np.intp, copy=False)
        # Views of the arrays of every row, dropped on return (an array exporting its
        # buffer cannot grow).
        counts = np.frombuffer(self._counts, dtype=np.uint32).reshape(-1, 4)[rows].astype(np.int64)
        starts = np.frombuffer(self._offsets, dtype=np.int64)[rows] // _VALUE.itemsize
        values_at = starts + counts[:, 0]
        sentences_at = values_at + counts[:, 1]
        return Spans(
            rows=self,
            positions=positions,
            shingles=values,
            shingle_starts=starts,
            shingle_ends=values_at,
            stems=values,
            value_starts=values_at,
            sizes=values,
            sentence_starts=sentences_at,
            sentence_ends=sentences_at + counts[:, 2],
            distinct=distinct,
            exact_keys=np.frombuffer(self._keys, dtype=np.uint64)[2 * rows + 1],
            words=np.frombuffer(self._words, dtype=np.int64)[rows],
        )

    def release(self) -> None:
        """Let the pages of the file that :meth:`spans` read leave the process's memory
        (they stay in the page cache while it has room): a batch's candidates are read
        again from the cache, and the process's resident memory stays that of its
        index, not of the file."""
        if self._map is not None and hasattr(self._map, "madvise"):
            self._map.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        """Remove the file; the rows not kept can no longer be read."""
        self._map = None
        self._file.close()

    def __enter__(self) -> FeatureFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Nodes(Sequence[Node]):
    """The :class:`~ingest.dedup._clusters.Node` of each row of a :class:`FeatureFile`,
    made when asked for (the file is not read)."""

    def __init__(self, ids: list[str], names: list[str], words: Sequence[int]) -> None:
        self._ids, self._names, self._words = ids, names, words

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, row: int) -> Node:  # type: ignore[override]
        return Node(self._ids[row], self._names[row], self._words[row])


class _Column:
    """A numpy array that grows at its end (its room doubles when full), for
    :class:`FeatureColumns`. Views of what it held stay valid as it grows: values once
    written are not changed, and a full array is copied, not resized in place."""

    def __init__(self, dtype: type[np.generic], *, first: int | None = None) -> None:
        self._data = np.empty(1024, dtype=dtype)
        self.size = 0
        if first is not None:
            self.extend(np.array([first], dtype=dtype))

    def extend(self, values: npt.ArrayLike) -> None:
        """Add *values* at the end."""
        values = np.asarray(values, dtype=self._data.dtype)
        end = self.size + values.size
        if end > self._data.size:
            grown = np.empty(max(end, 2 * self._data.size), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = values
        self.size = end

    @property
    def values(self) -> npt.NDArray[Any]:
        """What it holds (a view)."""
        return self._data[: self.size]

    @property
    def nbytes(self) -> int:
        """The bytes of what it holds (not of the room kept for more)."""
        return self.size * self._data.itemsize


class FeatureColumns(Sequence[DocFeatures]):
    """The features of documents ``0, 1, 2, ...`` (in the order added) in memory, by
    column: every document's shingles in one array, its sentence stems in another,
    its sentence sizes in a third, and where each document's start in three more.
    How an in-memory :class:`~ingest.DuplicateIndex` keeps them.

    A list of :class:`~ingest.dedup._features.DocFeatures` holds the same arrays one
    object per document, about 1 KB each besides them, and a pass over a document's
    candidates had to gather each one's arrays first. The columns let the compiled
    kernels read the candidates where they are, by position
    (:func:`ingest.dedup._verify.screen_candidates`); :meth:`get` gives a row back as a
    ``DocFeatures`` whose arrays are views of the columns, without signatures (as the
    index kept them: ``without_signatures``), value for value what was added.

    >>> from ingest import Document
    >>> from ingest.dedup._features import compute_features
    >>> options = DedupOptions()
    >>> docs = [Document("a", "The deal was reviewed on Monday. Officials met again.")]
    >>> [features] = compute_features(docs, options)
    >>> held = FeatureColumns(options)
    >>> held.append(features)
    >>> row = held[0]
    >>> bool((row.shingles == features.shingles).all()), row.words, len(held)
    (True, 9, 1)
    >>> row.signature.size, row.sentence_signatures.shape
    (0, (0, 64))
    """

    def __init__(self, options: DedupOptions) -> None:
        self._no_signatures = no_sentence_signatures(options.sentence_num_perm)
        self.ids: list[str] = []
        self._names: list[str] = []
        self._languages: list[str] = []
        self._text_keys = _Column(np.uint64)
        self.exact_keys = _Column(np.uint64)
        self.words = _Column(np.int64)
        self.shingles = _Column(np.uint32)
        self.shingle_starts = _Column(np.int64, first=0)
        self.sentence_values = _Column(np.uint32)
        self.value_starts = _Column(np.int64, first=0)
        self.sentence_sizes = _Column(np.int64)
        self.sentence_starts = _Column(np.int64, first=0)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """The bytes of the columns (the strings come on top, as in a list of features)."""
        columns = (
            self._text_keys, self.exact_keys, self.words, self.shingles, self.shingle_starts,
            self.sentence_values, self.value_starts, self.sentence_sizes, self.sentence_starts,
        )  # fmt: skip
        return sum(column.nbytes for column in columns)

    def append(self, features: DocFeatures) -> None:
        """Add *features* as the next row (its signatures are not kept)."""
        self.ids.append(features.id)
        self._names.append(features.name)
        self._languages.append(features.language)
        self._text_keys.extend([features.text_key])
        self.exact_keys.extend([features.exact_key])
        self.words.extend([features.words])
        self.shingles.extend(features.shingles)
        self.shingle_starts.extend([self.shingles.size])
        self.sentence_values.extend(features.sentence_values)
        self.value_starts.extend([self.sentence_values.size])
        self.sentence_sizes.extend(features.sentence_sizes)
        self.sentence_starts.extend([self.sentence_sizes.size])

    def get(self, row: int) -> DocFeatures:
        """The features of *row*, as they were added, without signatures."""
        shingles, values, sentences = (
            starts.values[row : row + 2].tolist()
            for starts in (self.shingle_starts, self.value_starts, self.sentence_starts)
        )
        return DocFeatures(
            id=self.ids[row],
            name=self._names[row],
            text_key=int(self._text_keys.values[row]),
            exact_key=int(self.exact_keys.values[row]),
            words=int(self.words.values[row]),
            shingles=self.shingles.values[shingles[0] : shingles[1]],
            signature=NO_SIGNATURE,
            sentence_values=self.sentence_values.values[values[0] : values[1]],
            sentence_sizes=self.sentence_sizes.values[sentences[0] : sentences[1]],
            sentence_signatures=self._no_signatures,
            language=self._languages[row],
        )

    def __getitem__(self, row: int) -> DocFeatures:  # type: ignore[override]
        """Row *row* (negative from the end, as in a list); ``IndexError`` past the ends."""
        if not -len(self) <= row < len(self):
            raise IndexError(f"row {row} of feature columns of {len(self)}")
        return self.get(row % len(self))

    def spans(self, positions: npt.NDArray[np.int64], distinct: npt.NDArray[np.uint32]) -> Spans:
        """Where the rows *positions* (of *distinct* distinct sentences each) are in the
        columns (:class:`Spans`)."""
        shingle_starts, value_starts = self.shingle_starts.values, self.value_starts.values
        sentence_starts = self.sentence_starts.values
        return Spans(
            rows=self,
            positions=positions,
            shingles=self.shingles.values,
            shingle_starts=shingle_starts[positions],
            shingle_ends=shingle_starts[positions + 1],
            stems=self.sentence_values.values,
            value_starts=value_starts[positions],
            sizes=self.sentence_sizes.values,
            sentence_starts=sentence_starts[positions],
            sentence_ends=sentence_starts[positions + 1],
            distinct=distinct,
            exact_keys=self.exact_keys.values[positions],
            words=self.words.values[positions],
        )

    def nodes(self) -> Nodes:
        """What clustering reads of every row (id, name, words), by row."""
        return Nodes(self.ids, self._names, self.words.values.tolist())
