"""An in-memory LSH over 64-bit band hashes, held in sorted numpy arrays.

What :class:`ingest.DuplicateIndex` uses to find candidates: the buckets of
``datasketch.MinHashLSH`` with the same ``(bands, rows)``
(:func:`ingest.dedup._signature.lsh_params`), each band hashed to 64 bits by
:func:`ingest.dedup._signature.band_hashes`, as the Dask engine's shuffle groups
them. A stored entry is 16 bytes (hash and value), where ``MinHashLSH``
keeps a bytes key, a set and a list entry per band (about 300 bytes): a
document's sentences make ~400 entries, so this is what holds a large index
in memory.

Entries are spread over ``2 ** _PARTITION_BITS`` partitions by the top bits
of their hash (the hashes are mixed: the partitions fill evenly). In each
partition, each insert is a small sorted segment, and the last two segments are
merged while the older is at most ``_MERGED_BELOW`` times the newer (each merge
a linear timsort of two sorted runs), so a partition holds a number of sorted
segments logarithmic in its entries. A partition keeps its segments one after
the other in one array, each entry's top bits (its partition's, the same for
all) replaced by its segment's number, and each segment has fences: where each
bucket of its hashes (by the bits after the partition's) starts. A query finds a
needle in every segment of its partition at once, each by two fence reads and a
few comparisons (:class:`_Partition`): a cost that does not grow with the
segments' size, where a binary search reads ~20 hashes far apart in a large one
(docs/scaling.md, "Session 8"). A caller looks up many rows per query (a batch
of documents). A merge rewrites the last segments in place; it holds their order
and sorted copy at once, a 64th of the index at most (about 100 MB at a million
documents) where one array would need gigabytes. A partition's array grows by an
eighth when full (the room left unused and the fences count in
:attr:`BandIndex.nbytes`).

>>> import numpy as np
>>> index = BandIndex(bands=2)
>>> index.insert(np.array([[1, 2], [3, 4]], dtype=np.uint64), np.array([10, 11]))
>>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64))
>>> rows.tolist(), values.tolist()
([1, 0], [10, 11])
"""

from __future__ import annotations

import itertools
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ._shingle import span_positions

__all__ = ["BandIndex", "GroupedBandIndex", "shared_rows"]

_Keys = npt.NDArray[np.uint64]
_Values = npt.NDArray[np.integer[Any]]

#: Entries go to one of ``2 ** _PARTITION_BITS`` partitions by the top bits of their hash.
_PARTITION_BITS: Final = 6
_STARTS: Final = np.arange(1 << _PARTITION_BITS, dtype=np.uint64) << np.uint64(64 - _PARTITION_BITS)
#: Where a segment's number goes in a partition's keys, and the bits of the hash kept.
_NUMBER_SHIFT: Final = np.uint64(64 - _PARTITION_BITS)
_HASH_BITS: Final = np.uint64((1 << (64 - _PARTITION_BITS)) - 1)
#: Entries between two fences of a segment, on average between this and twice this.
_PER_FENCE: Final = 4
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
    """The sorted segments of one partition in one array, oldest (largest) first: the
    entries of segment ``s`` at ``keys[ends[s - 1]:ends[s]]`` (from 0 for the first),
    their hashes' top bits replaced by ``s``, so that ``keys[:size]`` is sorted.

    Each segment has fences: the hashes of segment ``s`` whose next ``bits[s]`` bits
    (after the partition's) are ``j`` are at ``keys[fences[f + j]:fences[f + j + 1]]``
    (``f``: where its fences start, ``fence_ends[s - 1]``), about ``_PER_FENCE`` of them.
    A needle is found in a segment by reading its two fences and comparing the few
    hashes between them, a cost that does not grow with the segment, where a binary
    search reads about ``log2(size)`` hashes far apart.
    """

    __slots__ = ("bits", "ends", "fence_ends", "fences", "keys", "values")

    def __init__(self, values: type[np.integer[Any]]) -> None:
        self.keys: _Keys = np.empty(0, dtype=np.uint64)
        self.values: _Values = np.empty(0, dtype=values)
        self.ends: list[int] = []
        self.fences: npt.NDArray[np.uint32] = np.empty(0, dtype=np.uint32)
        self.fence_ends: list[int] = []
        self.bits: list[int] = []

    @property
    def size(self) -> int:
        return self.ends[-1] if self.ends else 0

    def push(self, keys: _Keys, values: _Values) -> None:
        """Add the sorted segment ``(keys, values)``, then merge the last segments while
        the one before the last is at most ``_MERGED_BELOW`` times as large: fewer than
        ``log4(size) + 1`` segments, each entry moved a few times for each fourfold
        growth of the partition."""
        size = self.size
        end = size + keys.size
        self.keys = _grown(self.keys, size, end)
        self.values = _grown(self.values, size, end)
        self.keys[size:end] = (keys & _HASH_BITS) | (np.uint64(len(self.ends)) << _NUMBER_SHIFT)
        self.values[size:end] = values
        self.ends.append(end)
        ends = self.ends
        while len(ends) > 1 and ends[-2] - (ends[-3] if len(ends) > 2 else 0) <= _MERGED_BELOW * (
            ends[-1] - ends[-2]
        ):
            del ends[-2]
            del self.fence_ends[-1], self.bits[-1]
            low = ends[-2] if len(ends) > 1 else 0
            merged = self.keys[low:end]
            merged &= _HASH_BITS
            merged |= np.uint64(len(ends) - 1) << _NUMBER_SHIFT
            order = np.argsort(merged, kind="stable")  # two sorted runs: timsort merges them
            self.keys[low:end] = merged[order]
            self.values[low:end] = self.values[low:end][order]
        self._fence(len(ends) - 1)

    def _fence(self, number: int) -> None:
        """Make the fences of the last segment, *number*, in place of any it had."""
        low = self.ends[number - 1] if number else 0
        high = self.ends[number]
        bits = max(((high - low) // _PER_FENCE).bit_length() - 1, 0)
        start = self.fence_ends[-1] if self.fence_ends else 0
        bounds = np.arange((1 << bits) + 1, dtype=np.uint64) << (_NUMBER_SHIFT - np.uint64(bits))
        bounds[-1] = _HASH_BITS  # the segment's end: no hash is above it
        fences = np.searchsorted(self.keys[low:high] & _HASH_BITS, bounds) + low
        fences[-1] = high
        self.fences = _grown(self.fences, start, start + fences.size)
        self.fences[start : start + fences.size] = fences
        self.fence_ends.append(start + fences.size)
        self.bits.append(bits)

    def find(
        self, needles: _Keys, rows: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.intp], _Values]:
        """Every ``(rows[i], value)`` such that the value is filed under ``needles[i]``,
        in any order."""
        hashes = needles & _HASH_BITS
        shifts = _NUMBER_SHIFT - np.array(self.bits, dtype=np.uint64)
        starts = np.array([0, *self.fence_ends[:-1]], dtype=np.intp)
        # Each needle in each segment: its bucket's first and last fence.
        buckets = ((hashes >> shifts[:, None]).astype(np.intp) + starts[:, None]).reshape(-1)
        low = self.fences[buckets].astype(np.intp)
        count = self.fences[buckets + 1].astype(np.intp) - low
        numbers = np.arange(len(self.ends), dtype=np.uint64) << _NUMBER_SHIFT
        wanted = (numbers[:, None] | hashes).reshape(-1)
        at = span_positions(low, count)
        hit = np.flatnonzero(self.keys[at] == np.repeat(wanted, count))
        # The needle of each hit: few hit, so they are found by where the buckets end.
        asked = np.searchsorted(np.cumsum(count), hit, side="right") % needles.size
        return rows[asked], self.values[at[hit]]

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.values.nbytes + self.fences.nbytes)


class BandIndex:
    """Integer values filed under the band hashes of a row, as ``MinHashLSH`` files keys.

    Args:
        bands: Band hashes per row; a row's band ``i`` only meets band ``i``
            of other rows when the hashes say so (:func:`ingest.dedup._signature.band_hashes`
            mixes the band's number in).
        values: The integer type the values are stored as (``np.uint32``: 12 bytes an
            entry instead of 16); queries return them as ``int64``.
    """

    def __init__(self, bands: int, values: type[np.integer[Any]] = np.int64) -> None:
        self.bands = bands
        self.values = values
        self._partitions = [_Partition(values) for _ in _STARTS]

    def __len__(self) -> int:
        """The number of entries (rows times bands)."""
        return sum(partition.size for partition in self._partitions)

    @property
    def nbytes(self) -> int:
        """The bytes of the stored hashes and values (8 per entry, and 8 or 4), with the
        room the partitions' arrays keep for more."""
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
        order = np.argsort(flat, kind="stable")
        flat = flat[order]
        spread = np.repeat(np.asarray(values, dtype=self.values), self.bands)[order]
        bounds = _bounds(flat)
        for partition, low, high in zip(self._partitions, bounds, bounds[1:], strict=False):
            if low < high:
                partition.push(flat[low:high], spread[low:high])

    def query(self, keys: _Keys) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Every ``(row of keys, value)`` such that the value shares a band hash with the row;
        each pair once, sorted by value, then row."""
        flat = keys.reshape(-1)
        # Needles by partition (a radix sort of a byte), in any order within one.
        partitions = (flat >> _NUMBER_SHIFT).astype(np.uint8)
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
        # One pair per (value, row), whatever the number of bands that matched.
        order = np.lexsort((rows, found))
        rows, found = rows[order], found[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (found[1:] != found[:-1])
        return rows[first], found[first]


class GroupedBandIndex:
    """A :class:`BandIndex` that files the band hashes of equal rows once.

    The sentence LSH files each distinct sentence of each document, and a family
    of copies repeats most sentences word for word: equal stem sets, equal
    signatures, equal band hashes. Here a row's bands are filed once per *group*
    of equal rows (``bands`` entries of 12 bytes), and each value once under its
    row's key (one entry of 12 bytes: a 64-bit mix of the row's band hashes). A
    query finds the groups as :class:`BandIndex` finds values, then their values:
    the same pairs, in the same order, as a :class:`BandIndex` holding every row.

    Two different rows with the same key would share a group (about 2 ** -64
    per pair of rows, as two different bands with the same 64-bit hash share a
    bucket in :class:`BandIndex`).

    >>> index = GroupedBandIndex(bands=2)
    >>> index.insert(np.array([[1, 2], [3, 4], [1, 2]], dtype=np.uint64), np.array([10, 11, 12]))
    >>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64))
    >>> rows.tolist(), values.tolist(), len(index), index.groups
    ([1, 0, 1], [10, 11, 12], 6, 2)
    """

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self._groups = BandIndex(bands, values=np.uint32)
        self._members = BandIndex(1, values=np.uint32)
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
        hits, values = self._members.query(self._group_keys[groups][:, None])
        rows = rows[hits]
        # A value is in one group: each (row, value) pair comes once.
        order = np.lexsort((rows, values))
        return rows[order], values[order]


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
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    lengths = np.diff(np.append(starts, flat.size))
    starts, lengths = starts[lengths > 1], lengths[lengths > 1]
    # Each entry of a run of equal hashes with each entry of its run.
    sizes = np.repeat(lengths, lengths)
    entries = np.repeat(span_positions(starts, lengths), sizes)
    partners = span_positions(np.repeat(starts, lengths), sizes)
    rows, others = order[entries] // bands, order[partners] // bands
    different = rows != others
    pairs = np.unique(others[different] * count + rows[different])
    return (pairs % count).astype(np.intp), (pairs // count).astype(np.intp)
