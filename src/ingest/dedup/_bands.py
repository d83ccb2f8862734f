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
partition, each insert is a small sorted segment, and segments of similar size
are merged (a binary counter, each merge a linear timsort of two sorted runs),
so a partition holds a number of sorted arrays logarithmic in its entries, and
a query looks in each with ``searchsorted``; a caller looks up many rows per
query (a batch of documents), so each segment is searched once per batch. A
merge holds both its inputs, their concatenation and its order at once: the
partitions keep the largest merge to a 64th of the index (about 100 MB at a
million documents) where one segment would need gigabytes, and without a cap
on merges the number of segments stays logarithmic (``_MAX_MERGED`` only stops
a partition's merges beyond a GiB).

>>> import numpy as np
>>> index = BandIndex(bands=2)
>>> index.insert(np.array([[1, 2], [3, 4]], dtype=np.uint64), np.array([10, 11]))
>>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64))
>>> rows.tolist(), values.tolist()
([1, 0], [10, 11])
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ._shingle import span_positions

__all__ = ["BandIndex", "GroupedBandIndex"]

_Keys = npt.NDArray[np.uint64]
_Values = npt.NDArray[np.integer[Any]]

#: Segments are not merged past this many entries (1 GiB of hashes and values):
#: a merge holds both inputs, their concatenation and its order at once.
_MAX_MERGED = 1 << 26

#: Entries go to one of ``2 ** _PARTITION_BITS`` partitions by the top bits of their hash.
_PARTITION_BITS: Final = 6
_STARTS: Final = np.arange(1 << _PARTITION_BITS, dtype=np.uint64) << np.uint64(64 - _PARTITION_BITS)


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
        self._partitions: list[list[tuple[_Keys, _Values]]] = [[] for _ in _STARTS]

    def __len__(self) -> int:
        """The number of entries (rows times bands)."""
        return sum(keys.size for keys, _ in self.segments())

    @property
    def nbytes(self) -> int:
        """The bytes of the stored hashes and values (8 per entry, and 8 or 4)."""
        return sum(keys.nbytes + values.nbytes for keys, values in self.segments())

    def segments(self) -> list[tuple[_Keys, _Values]]:
        """The sorted segments of every partition: ``(hashes, values)``."""
        return [segment for partition in self._partitions for segment in partition]

    def insert(self, keys: _Keys, values: npt.ArrayLike) -> None:
        """File ``values[r]`` under each band hash of row ``keys[r]`` (shape ``rows x bands``)."""
        flat = keys.reshape(-1)
        order = np.argsort(flat, kind="stable")
        flat = flat[order]
        spread = np.repeat(np.asarray(values, dtype=self.values), self.bands)[order]
        bounds = _bounds(flat)
        for segments, low, high in zip(self._partitions, bounds, bounds[1:], strict=False):
            if low < high:
                _push(segments, flat[low:high], spread[low:high])

    def query(self, keys: _Keys) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Every ``(row of keys, value)`` such that the value shares a band hash with the row;
        each pair once, sorted by value, then row."""
        flat = keys.reshape(-1)
        order = np.argsort(flat)  # sorted needles: searchsorted walks each segment once
        flat = flat[order]
        owner = (order // self.bands).astype(np.intp)
        rows_out: list[npt.NDArray[np.intp]] = [np.empty(0, dtype=np.intp)]
        values_out: list[_Values] = [np.empty(0, dtype=np.int64)]
        bounds = _bounds(flat)
        for segments, low, high in zip(self._partitions, bounds, bounds[1:], strict=False):
            needles, needle_rows = flat[low:high], owner[low:high]
            for stored, values in segments if low < high else ():
                start = np.searchsorted(stored, needles, side="left")
                # Most needles miss: the second search is only for those that hit.
                hit = np.flatnonzero(stored[np.minimum(start, stored.size - 1)] == needles)
                if not hit.size:
                    continue
                start = start[hit]
                count = np.searchsorted(stored, needles[hit], side="right") - start
                rows_out.append(np.repeat(needle_rows[hit], count))
                values_out.append(values[span_positions(start, count)])
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


def _push(segments: list[tuple[_Keys, _Values]], keys: _Keys, values: _Values) -> None:
    """Add the sorted segment ``(keys, values)`` to a partition's *segments*, then merge
    segments of similar size: a few sorted arrays whatever the number of entries."""
    segments.append((keys, values))
    while (
        len(segments) > 1
        and segments[-2][0].size <= 2 * segments[-1][0].size
        and segments[-2][0].size + segments[-1][0].size <= _MAX_MERGED
    ):
        (k1, v1), (k2, v2) = segments.pop(), segments.pop()
        merged, merged_values = np.concatenate((k2, k1)), np.concatenate((v2, v1))
        order = np.argsort(merged, kind="stable")  # two sorted runs: timsort merges them
        segments.append((merged[order], merged_values[order]))
