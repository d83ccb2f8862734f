"""An in-memory LSH over 64-bit band hashes, held in sorted numpy arrays.

What :class:`ingest.DuplicateIndex` uses to find candidates: the buckets of
``datasketch.MinHashLSH`` with the same ``(bands, rows)``
(:func:`ingest.dedup._signature.lsh_params`), each band hashed to 64 bits by
:func:`ingest.dedup._signature.band_hashes`, as the Dask engine's shuffle groups
them. A stored entry is 8 bytes (46 bits of its hash and a 32-bit value), where
``MinHashLSH`` keeps a bytes key, a set and a list entry per band (about 300
bytes): a document's sentences make ~400 entries, so this is what holds a large
index in memory.

Entries are spread over ``2 ** _PARTITION_BITS`` partitions by the top bits
of their hash (the hashes are mixed: the partitions fill evenly). In each
partition, each insert is a small sorted segment, and the last two segments are
merged while the older is at most ``_MERGED_BELOW`` times the newer (each merge
a linear timsort of two sorted runs), so a partition holds a number of sorted
segments logarithmic in its entries. A partition keeps its segments one after
the other in its arrays, and each segment has fences: where each bucket of its
hashes (by the bits after the partition's) starts. A query finds a needle in
every segment of its partition at once, each by two fence reads and a few
comparisons (:class:`_Partition`): a cost that does not grow with the segments'
size, where a binary search reads ~20 hashes far apart in a large one
(docs/log/one-process.md, "Session 8"). A caller looks up many rows per query (a batch
of documents). A merge rewrites the last segments in place; it holds their
hashes, order and sorted copy at once, a 64th of the index at most (about 150 MB
at a million documents) where one array would need gigabytes. A partition's
arrays grow by an eighth when full (the room left unused and the fences count
in :attr:`BandIndex.nbytes`).

**What an entry stores.** Its partition says the top 6 bits of its hash, and
its bucket the next 8 at least (a segment has ``2 ** 8`` buckets or more, their
fences 1 KB): an entry stores the next 32 bits in a ``uint32``, and not the last
``_DROPPED_BITS`` (18). A needle meets an entry of another hash when their 46
first bits are equal: about ``n / 2 ** 40`` entries of a needle's partition of
``n`` by chance. The sentence LSH's groups at a million synthetic documents hold
~330M entries, 5.2M a partition, so 5e-6 a needle at the end, and ~460M needles
over the run (16 bands of each distinct sentence of a document) meet ~1,100
such entries in all, each a candidate pair of sentences that verification (on
exact sets) judges as any other: no link that is not one, and about a
thousandth of a candidate a document to check. Each byte more of the hash
(54 bits kept, 9-byte entries, ~4 chance entries in all) would hold 330 MB more
at that million; 12-byte entries (the whole hash) 1.3 GB more. An index keeps the
whole hash when asked (``exact``: 12 bytes an entry, as :class:`GroupedBandIndex`
files the keys of its rows).

>>> import numpy as np
>>> index = BandIndex(bands=2)
>>> index.insert(np.array([[1, 2], [3, 4]], dtype=np.uint64) << 18, np.array([10, 11]))
>>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64) << 18)
>>> rows.tolist(), values.tolist()
([1, 0], [10, 11])

Hashes apart in their last 18 bits only are equal here (``1 << 18`` and this):

>>> index.query(np.array([[(1 << 18) + (1 << 17) + 1, 0]], dtype=np.uint64))[1].tolist()
[10]
"""

from __future__ import annotations

import itertools
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ._kernels import compiled
from ._shingle import span_positions

__all__ = ["BandIndex", "GroupedBandIndex", "repeated_runs", "shared_rows"]

_Keys = npt.NDArray[np.uint64]
_Values = npt.NDArray[np.integer[Any]]

#: Entries go to one of ``2 ** _PARTITION_BITS`` partitions by the top bits of their hash.
_PARTITION_BITS: Final = 6
_PARTITION_SHIFT: Final = np.uint64(64 - _PARTITION_BITS)
_STARTS: Final = np.arange(1 << _PARTITION_BITS, dtype=np.uint64) << _PARTITION_SHIFT
#: The bits of a hash after its partition's.
_HASH_BITS: Final = np.uint64((1 << (64 - _PARTITION_BITS)) - 1)
_HASH_SHIFT: Final = 64 - _PARTITION_BITS
#: A segment has at least ``2 ** _LEAST_FENCE_BITS`` buckets (``2 ** 8`` fences are 1 KB):
#: an entry's bucket says as many bits of its hash after the partition's, not stored.
_LEAST_FENCE_BITS: Final = 8
#: An entry's *key*: those bits and the next 32, which it stores as a ``uint32``.
_KEY_BITS: Final = _LEAST_FENCE_BITS + 32
_KEY_SHIFT: Final = np.uint64(_HASH_SHIFT - _KEY_BITS)
#: Each value of a key's first bits in place, for two segments, and where each starts.
_FIRSTS: Final = np.tile(np.arange(1 << _LEAST_FENCE_BITS, dtype=np.uint64) << np.uint64(32), 2)
_FIRST_BOUNDS: Final = np.arange((1 << _LEAST_FENCE_BITS) + 1, dtype=np.uint64) << np.uint64(32)
#: An entry stores no more bits of its hash: not the last ``_DROPPED_BITS`` (but in an
#: exact index, whose entries hold the last 32 in a second ``uint32``).
_DROPPED_BITS: Final = int(_KEY_SHIFT)
#: Entries between two fences of a segment, on average between this and twice this.
_PER_FENCE: Final = 4
#: The ``low`` a partition that keeps none gives :func:`~ingest.dedup._kernels.merge_runs`.
_NO_LOW: Final = np.empty(0, dtype=np.uint32)
#: A partition merges its last two segments while the older is at most this many times
#: as large as the newer: each segment more than this many times the next.
_MERGED_BELOW: Final = 4


def _grown(array: npt.NDArray[Any], size: int, needed: int) -> npt.NDArray[Any]:
    """*array*'s first *size* items in an array of at least *needed* items: itself if it
    is large enough, else a copy with an eighth more room (little room unused, a copy
    for each eighth added)."""
    if needed <= array.size:
        return array
    grown = np.empty(max(needed, size + size // 8), dtype=array.dtype)
    grown[:size] = array[:size]
    return grown


class _Partition:
    """The segments of one partition, oldest (largest) first: the entries of segment
    ``s`` at ``[ends[s - 1]:ends[s]]`` (from 0 for the first) of ``high``, ``low`` and
    ``values``.

    An entry's *key* is the first ``_KEY_BITS`` of its hash after the partition's, and
    each segment is sorted by key. Each segment has fences: the keys of segment ``s``
    whose first ``bits[s]`` bits are ``j`` are at ``fences[f + j]:fences[f + j + 1]``
    (``f``: where its fences start, ``fence_ends[s - 1]``), about ``_PER_FENCE`` of them.
    A needle is found in a segment by reading its two fences and comparing the few
    entries between them, a cost that does not grow with the segment, where a binary
    search reads about ``log2(size)`` entries far apart.

    ``bits[s]`` is at least ``_LEAST_FENCE_BITS``, so the bucket of an entry says the
    first ``_LEAST_FENCE_BITS`` bits of its key, and a merge reads them back from the
    fences: an entry stores the other 32 in ``high``, so that two hashes equal but in
    their last ``_DROPPED_BITS`` bits are equal here. An exact partition also stores
    the last 32 bits of each hash in ``low`` (in no order within a key); ``low`` is
    ``None`` in the others.
    """

    __slots__ = ("bits", "ends", "fence_ends", "fences", "high", "low", "values")

    def __init__(self, values: type[np.integer[Any]], *, exact: bool) -> None:
        self.high: npt.NDArray[np.uint32] = np.empty(0, dtype=np.uint32)
        self.low: npt.NDArray[np.uint32] | None = np.empty(0, dtype=np.uint32) if exact else None
        self.values: _Values = np.empty(0, dtype=values)
        self.ends: list[int] = []
        self.fences: npt.NDArray[np.uint32] = np.empty(0, dtype=np.uint32)
        self.fence_ends: list[int] = []
        self.bits: list[int] = []

    @property
    def size(self) -> int:
        return self.ends[-1] if self.ends else 0

    def _firsts(self, number: int) -> npt.NDArray[np.uint32]:
        """Where each value of the first bits of segment *number*'s keys starts, and its
        end: its fences of ``_LEAST_FENCE_BITS`` bits."""
        start = self.fence_ends[number - 1] if number else 0
        step = 1 << (self.bits[number] - _LEAST_FENCE_BITS)
        return self.fences[start : self.fence_ends[number] : step]

    def push(self, hashes: _Keys, values: _Values) -> None:
        """Add the sorted segment ``(hashes, values)`` (of the partition), then merge the
        last segments while the one before the last is at most ``_MERGED_BELOW`` times as
        large: fewer than ``log4(size) + 1`` segments, each entry moved a few times for
        each fourfold growth of the partition."""
        size = self.size
        end = size + hashes.size
        if end > self.values.size:
            self.high = _grown(self.high, size, end)
            self.values = _grown(self.values, size, end)
            if self.low is not None:
                self.low = _grown(self.low, size, end)
        keys = (hashes & _HASH_BITS) >> _KEY_SHIFT
        self.high[size:end] = keys  # the last 32 bits
        if self.low is not None:
            self.low[size:end] = hashes  # the last 32 bits of the hash
        self.values[size:end] = values
        ends = self.ends
        ends.append(end)
        # Where each value of the first bits starts in the last segment, from its start.
        firsts = None
        while len(ends) > 1 and ends[-2] - (ends[-3] if len(ends) > 2 else 0) <= _MERGED_BELOW * (
            ends[-1] - ends[-2]
        ):
            if firsts is None:
                firsts = np.searchsorted(keys, _FIRST_BOUNDS)
            older = self._firsts(len(ends) - 2)
            del ends[-2]
            del self.fence_ends[-1], self.bits[-1]
            low = ends[-2] if len(ends) > 1 else 0
            # The keys of both: the first bits by the fences, then the stored ones.
            counts = np.concatenate((older[1:] - older[:-1], firsts[1:] - firsts[:-1]))
            merged = _FIRSTS.repeat(counts)
            merged |= self.high[low:end]
            keys = self._merge(merged, int(older[-1]) - low, low, end)
            del merged
            firsts += older - low
        self._fence(keys)

    def _merge(self, merged: _Keys, middle: int, low: int, end: int) -> _Keys:
        """The entries ``[low:end]``, two sorted runs whose keys are *merged* (the older
        up to *middle*), sorted by key in place (the older's first where keys are
        equal); their keys, sorted."""
        kernel = compiled("merge_runs")
        if kernel is not None:
            keys: _Keys = kernel(
                merged,
                middle,
                self.high[low:end],
                self.low[low:end] if self.low is not None else _NO_LOW,
                self.values[low:end],
            )
            return keys
        order = np.argsort(merged, kind="stable")  # two sorted runs: timsort merges them
        keys = merged[order]
        self.high[low:end] = keys
        if self.low is not None:
            self.low[low:end] = self.low[low:end][order]
        self.values[low:end] = self.values[low:end][order]
        return keys

    def _fence(self, keys: _Keys) -> None:
        """Make the fences of the last segment, of *keys*, in place of any it had."""
        low = self.ends[-2] if len(self.ends) > 1 else 0
        bits = max((keys.size // _PER_FENCE).bit_length() - 1, _LEAST_FENCE_BITS)
        start = self.fence_ends[-1] if self.fence_ends else 0
        # Fence j: the keys whose first bits are below j, counted by bucket (the keys are
        # sorted: one pass, where a search of each fence reads ~20 keys far apart); the
        # last fence is the segment's end.
        buckets = (keys >> np.uint64(_KEY_BITS - bits)).astype(np.intp)
        fences = np.empty((1 << bits) + 1, dtype=np.intp)
        fences[0] = low
        np.cumsum(np.bincount(buckets, minlength=1 << bits), out=fences[1:])
        fences[1:] += low
        self.fences = _grown(self.fences, start, start + fences.size)
        self.fences[start : start + fences.size] = fences
        self.fence_ends.append(start + fences.size)
        self.bits.append(bits)

    def find(
        self, needles: _Keys, rows: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.intp], _Values]:
        """Every ``(rows[i], value)`` such that the value is filed under ``needles[i]``
        (or, unless the partition is exact, a hash equal but in its last
        ``_DROPPED_BITS``), in any order."""
        keys = (needles & _HASH_BITS) >> _KEY_SHIFT
        shifts = np.uint64(_KEY_BITS) - np.array(self.bits, dtype=np.uint64)
        starts = np.array([0, *self.fence_ends[:-1]], dtype=np.intp)
        kernel = compiled("find_entries")
        if kernel is not None:  # the same pairs, in one compiled pass
            found: tuple[npt.NDArray[np.intp], _Values] = kernel(
                keys,
                needles,
                rows,
                shifts,
                starts,
                self.fences,
                self.high,
                self.low if self.low is not None else _NO_LOW,
                self.values,
            )
            return found
        # Each needle in each segment: its bucket's first and last fence.
        buckets = ((keys >> shifts[:, None]).astype(np.intp) + starts[:, None]).reshape(-1)
        first = self.fences[buckets].astype(np.intp)
        count = self.fences[buckets + 1].astype(np.intp) - first
        at = span_positions(first, count)
        # The entries of a bucket equal in `high` (the hits, and 2 ** -32 of the others),
        # then, in an exact partition, those of them equal in `low`.
        wanted = keys.astype(np.uint32)[None].repeat(len(self.ends), 0).repeat(count)
        same = np.flatnonzero(self.high[at] == wanted)
        # The needle of each: few, so they are found by where the buckets end.
        asked = np.searchsorted(np.cumsum(count), same, side="right") % needles.size
        if self.low is not None:
            hit = self.low[at[same]] == needles[asked].astype(np.uint32)
            asked, same = asked[hit], same[hit]
        return rows[asked], self.values[at[same]]

    @property
    def nbytes(self) -> int:
        low = self.low.nbytes if self.low is not None else 0
        return int(self.high.nbytes + low + self.values.nbytes + self.fences.nbytes)


class BandIndex:
    """Integer values filed under the band hashes of a row, as ``MinHashLSH`` files keys.

    Args:
        bands: Band hashes per row; a row's band ``i`` only meets band ``i``
            of other rows when the hashes say so (:func:`ingest.dedup._signature.band_hashes`
            mixes the band's number in).
        values: The integer type the values are stored as (``np.uint32``: 8 bytes an
            entry instead of 12); queries return them as ``int64``.
        exact: Whether hashes equal but in their last ``_DROPPED_BITS`` bits are told apart
            (entries 4 bytes larger). Unless *exact*, a query also finds the values filed
            under such a hash, about ``n / 2 ** 40`` entries a needle in a partition of
            ``n`` (the module's docstring): candidates that verification rejects.
    """

    def __init__(
        self, bands: int, values: type[np.integer[Any]] = np.int64, *, exact: bool = False
    ) -> None:
        self.bands = bands
        self.values = values
        self._partitions = [_Partition(values, exact=exact) for _ in _STARTS]

    def __len__(self) -> int:
        """The number of entries (rows times bands)."""
        return sum(partition.size for partition in self._partitions)

    @property
    def nbytes(self) -> int:
        """The bytes of the stored hashes and values (4 per entry, 8 if exact, and 8 or 4
        for the value), with the fences and the room the partitions' arrays keep for more."""
        return sum(p.nbytes for p in self._partitions)

    def segment_sizes(self) -> list[list[int]]:
        """The number of entries of each sorted segment of each partition."""
        return [
            [high - low for low, high in itertools.pairwise([0, *partition.ends])]
            for partition in self._partitions
        ]

    def insert(self, keys: _Keys, values: npt.ArrayLike) -> None:
        """File ``values[r]`` under each band hash of row ``keys[r]`` (shape ``rows x bands``)."""
        flat = keys.reshape(-1)
        # Equal hashes in any order (a query sorts what it finds): numpy's quicksort, a
        # third of the time of its stable sort.
        order = np.argsort(flat)
        flat = flat[order]
        spread = np.repeat(np.asarray(values, dtype=self.values), self.bands)[order]
        bounds = _bounds(flat)
        for partition, low, high in zip(self._partitions, bounds, bounds[1:], strict=False):
            if low < high:
                partition.push(flat[low:high], spread[low:high])

    def query(
        self, keys: _Keys, *, ordered: bool = True
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Every ``(row of keys, value)`` such that the value shares a band hash with the row;
        each pair once, sorted by value, then row (unless not *ordered*: a row of one
        band, then, finds each value once, in any order)."""
        flat = keys.reshape(-1)
        # Needles by partition (a radix sort of a byte), in any order within one.
        partitions = (flat >> _PARTITION_SHIFT).astype(np.uint8)
        order = np.argsort(partitions, kind="stable")
        flat = flat[order]
        owner = (order // self.bands).astype(np.intp)
        rows_out: list[npt.NDArray[np.intp]] = [np.empty(0, dtype=np.intp)]
        values_out: list[_Values] = [np.empty(0, dtype=np.int64)]
        counts = np.bincount(partitions, minlength=len(_STARTS))
        bounds = [0, *np.cumsum(counts).tolist()]
        for partition, low, high in zip(self._partitions, bounds, bounds[1:], strict=False):
            if low < high and partition.ends:
                rows, values = partition.find(flat[low:high], owner[low:high])
                rows_out.append(rows)
                values_out.append(values)
        rows = np.concatenate(rows_out)
        found: npt.NDArray[np.int64] = np.concatenate(values_out).astype(np.int64, copy=False)
        if not ordered:
            return rows, found
        # One pair per (value, row), whatever the number of bands that matched: sorted
        # as one 64-bit key when values fit in 32 bits (an index's), else by two keys.
        if np.dtype(self.values) == np.uint32:
            keys = np.sort(_pair_keys(found, rows))  # np.unique: twice as long (numpy 2.4)
            first = np.ones(keys.size, dtype=bool)
            first[1:] = keys[1:] != keys[:-1]
            return _pairs_of(keys[first])
        order = np.lexsort((rows, found))
        rows, found = rows[order], found[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (found[1:] != found[:-1])
        return rows[first], found[first]


def _pair_keys(values: npt.NDArray[np.int64], rows: npt.NDArray[np.intp]) -> _Keys:
    """One 64-bit key per ``(value, row)`` pair that sorts as the pairs do, by value and
    then row: the value (a ``uint32``) above the row (a query has fewer than ``2 ** 32``
    needles)."""
    return (values.astype(np.uint64) << np.uint64(32)) | rows.astype(np.uint64)


def _pairs_of(keys: _Keys) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The ``(rows, values)`` of the pairs of :func:`_pair_keys` *keys*."""
    rows = (keys & np.uint64(0xFFFFFFFF)).astype(np.intp)
    return rows, (keys >> np.uint64(32)).astype(np.int64)


class GroupedBandIndex:
    """A :class:`BandIndex` that files the band hashes of equal rows once.

    The sentence LSH files each distinct sentence of each document, and a family
    of copies repeats most sentences word for word: equal stem sets, equal
    signatures, equal band hashes. Here a row's bands are filed once per *group*
    of equal rows (``bands`` entries of 8 bytes), and each value once under its
    row's key (one entry of 12 bytes: a 64-bit mix of the row's band hashes, told
    apart on all its bits, ``exact``: a row taken for a known one would file no
    bands, a candidate lost where a chance hit in the groups only adds one). A
    query finds the groups as :class:`BandIndex` finds values, then their values:
    the same pairs, in the same order, as a :class:`BandIndex` holding every row.

    Two different rows with the same key would share a group (about 2 ** -64
    per pair of rows).

    >>> index = GroupedBandIndex(bands=2)
    >>> hashes = np.array([[1, 2], [3, 4], [1, 2]], dtype=np.uint64) << 18
    >>> index.insert(hashes, np.array([10, 11, 12]))
    >>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64) << 18)
    >>> rows.tolist(), values.tolist(), len(index), index.groups
    ([1, 0, 1], [10, 11, 12], 6, 2)
    """

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self._groups = BandIndex(bands, values=np.uint32)
        self._members = BandIndex(1, values=np.uint32, exact=True)
        self._group_keys = np.empty(1024, dtype=np.uint64)
        self.groups = 0

    def __len__(self) -> int:
        """The number of entries a :class:`BandIndex` would hold (rows times bands)."""
        return len(self._members) * self.bands

    @property
    def nbytes(self) -> int:
        """The bytes of the groups' entries, the values' entries and the groups' keys."""
        return self._groups.nbytes + self._members.nbytes + self._group_keys.nbytes

    def insert(self, keys: _Keys, values: npt.ArrayLike) -> None:
        """File ``values[r]`` under each band hash of row ``keys[r]`` (shape ``rows x bands``)."""
        keys = keys.reshape(-1, self.bands)
        mixed = _row_keys(keys)
        known = np.zeros(mixed.size, dtype=bool)
        known[self._members.query(mixed[:, None])[0]] = True
        new, first = np.unique(mixed[~known], return_index=True)
        if new.size:
            numbers = np.arange(self.groups, self.groups + new.size, dtype=np.int64)
            self._groups.insert(keys[np.flatnonzero(~known)[first]], numbers)
            end = self.groups + new.size
            if end > self._group_keys.size:
                grown = np.empty(max(end, self._group_keys.size * 5 // 4), dtype=np.uint64)
                grown[: self.groups] = self._group_keys[: self.groups]
                self._group_keys = grown
            self._group_keys[self.groups : end] = new
            self.groups = end
        self._members.insert(mixed[:, None], values)

    def query(self, keys: _Keys) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """As :meth:`BandIndex.query`: every ``(row of keys, value)`` such that the value
        shares a band hash with the row; each pair once, sorted by value, then row."""
        rows, groups = self._groups.query(keys)
        hits, values = self._members.query(self._group_keys[groups][:, None], ordered=False)
        # A value is in one group: each (row, value) pair comes once.
        return _pairs_of(np.sort(_pair_keys(values, rows[hits])))


#: Odd 64-bit multipliers of the row keys' mix (splitmix64's).
_MIX: Final = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xBF58476D1CE4E5B9),
    np.uint64(0x94D049BB133111EB),
)


def _row_keys(keys: _Keys) -> _Keys:
    """A 64-bit key of each row of band hashes: equal rows, equal keys; mixed, so that
    the keys fill :class:`BandIndex`'s partitions evenly."""
    mixed = np.zeros(keys.shape[0], dtype=np.uint64)
    for column in keys.T:
        mixed = (mixed ^ column) * _MIX[0]
        mixed ^= mixed >> np.uint64(30)
        mixed *= _MIX[1]
        mixed ^= mixed >> np.uint64(27)
        mixed *= _MIX[2]
        mixed ^= mixed >> np.uint64(31)
    return mixed


def _bounds(flat: _Keys) -> list[int]:
    """Where each partition's hashes start in the sorted *flat*, and its end."""
    return [*np.searchsorted(flat, _STARTS).tolist(), int(flat.size)]


def repeated_runs(ordered: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Where each run of two or more equal values of the sorted *ordered* starts, and
    its length: the buckets of more than one entry.

    >>> starts, lengths = repeated_runs(np.array([1, 2, 2, 2, 5, 7, 7]))
    >>> starts.tolist(), lengths.tolist()
    ([1, 5], [3, 2])
    """
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    lengths = np.diff(np.append(starts, ordered.size))
    return starts[lengths > 1], lengths[lengths > 1]


def shared_rows(keys: _Keys) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Every ``(row, other)`` pair of two different rows of *keys* (``rows x bands``)
    that share a band hash; each pair once, sorted by other, then row: what a
    :class:`BandIndex` holding each row under its own number answers for *keys*, less
    each row's own, with one sort of the hashes instead of a filing and a search.

    >>> rows, others = shared_rows(np.array([[1, 2], [3, 4], [5, 2]], dtype=np.uint64))
    >>> rows.tolist(), others.tolist()
    ([2, 0], [0, 2])
    """
    count, bands = keys.shape
    flat = keys.reshape(-1)
    order = np.argsort(flat)  # runs of equal hashes, in any order: the pairs are sorted
    starts, lengths = repeated_runs(flat[order])
    # Each entry of a run of equal hashes with each entry of its run.
    sizes = np.repeat(lengths, lengths)
    entries = np.repeat(span_positions(starts, lengths), sizes)
    partners = span_positions(np.repeat(starts, lengths), sizes)
    rows, others = order[entries] // bands, order[partners] // bands
    different = rows != others
    pairs = np.unique(others[different] * count + rows[different])
    return (pairs % count).astype(np.intp), (pairs // count).astype(np.intp)
