"""An in-memory LSH over 64-bit band hashes, held in sorted numpy arrays.

What :class:`ingest.DuplicateIndex` uses to find candidates: the buckets of
``datasketch.MinHashLSH`` with the same ``(bands, rows)``
(:func:`ingest.dedup._signature.lsh_params`), each band hashed to 64 bits by
:func:`ingest.dedup._signature.band_hashes`, as the Dask engine's shuffle groups
them. A stored entry is 16 bytes (hash and value), where ``MinHashLSH``
keeps a bytes key, a set and a list entry per band (about 300 bytes): a
document's sentences make ~400 entries, so this is what holds a large index
in memory.

Each insert is a small sorted segment; segments of similar size are merged
(a binary counter, each merge a linear timsort of two sorted runs) up to
``_MAX_MERGED`` entries, so a query looks in a few sorted arrays
(logarithmic in the entries, plus one per ``_MAX_MERGED``) with
``searchsorted``; a caller looks up many rows per query (a batch of
documents), so each segment is searched once per batch.

>>> import numpy as np
>>> index = BandIndex(bands=2)
>>> index.insert(np.array([[1, 2], [3, 4]], dtype=np.uint64), np.array([10, 11]))
>>> rows, values = index.query(np.array([[5, 4], [1, 2]], dtype=np.uint64))
>>> rows.tolist(), values.tolist()
([1, 0], [10, 11])
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BandIndex"]

_Keys = npt.NDArray[np.uint64]
_Values = npt.NDArray[np.int64]

#: Segments are not merged past this many entries (1 GiB of hashes and values):
#: a merge holds both inputs, their concatenation and its order at once.
_MAX_MERGED = 1 << 26


class BandIndex:
    """Integer values filed under the band hashes of a row, as ``MinHashLSH`` files keys.

    Args:
        bands: Band hashes per row; a row's band ``i`` only meets band ``i``
            of other rows when the hashes say so (:func:`ingest.dedup._signature.band_hashes`
            mixes the band's number in).
    """

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self._segments: list[tuple[_Keys, _Values]] = []

    def __len__(self) -> int:
        """The number of entries (rows times bands)."""
        return sum(keys.size for keys, _ in self._segments)

    def insert(self, keys: _Keys, values: npt.ArrayLike) -> None:
        """File ``values[r]`` under each band hash of row ``keys[r]`` (shape ``rows x bands``)."""
        flat = keys.reshape(-1)
        order = np.argsort(flat, kind="stable")
        spread = np.repeat(np.asarray(values, dtype=np.int64), self.bands)
        segments = self._segments
        segments.append((flat[order], spread[order]))
        # Merge segments of similar size: a few sorted arrays whatever the number of entries.
        while (
            len(segments) > 1
            and segments[-2][0].size <= 2 * segments[-1][0].size
            and segments[-2][0].size + segments[-1][0].size <= _MAX_MERGED
        ):
            (k1, v1), (k2, v2) = segments.pop(), segments.pop()
            merged, merged_values = np.concatenate((k2, k1)), np.concatenate((v2, v1))
            order = np.argsort(merged, kind="stable")  # two sorted runs: timsort merges them
            segments.append((merged[order], merged_values[order]))

    def query(self, keys: _Keys) -> tuple[npt.NDArray[np.intp], _Values]:
        """Every ``(row of keys, value)`` such that the value shares a band hash with the row;
        each pair once, sorted by value, then row."""
        flat = keys.reshape(-1)
        order = np.argsort(flat)  # sorted needles: searchsorted walks each segment once
        flat = flat[order]
        owner = (order // self.bands).astype(np.intp)
        rows_out: list[npt.NDArray[np.intp]] = [np.empty(0, dtype=np.intp)]
        values_out: list[_Values] = [np.empty(0, dtype=np.int64)]
        for stored, values in self._segments:
            if not stored.size:
                continue
            low = np.searchsorted(stored, flat, side="left")
            # Most needles miss: the second search is only for those that hit.
            hit = np.flatnonzero(stored[np.minimum(low, stored.size - 1)] == flat)
            if not hit.size:
                continue
            low = low[hit]
            count = np.searchsorted(stored, flat[hit], side="right") - low
            total = int(count.sum())
            at = np.repeat(low - (np.cumsum(count) - count), count) + np.arange(total)
            rows_out.append(np.repeat(owner[hit], count))
            values_out.append(values[at])
        rows, values = np.concatenate(rows_out), np.concatenate(values_out)
        # One pair per (value, row), whatever the number of bands that matched.
        order = np.lexsort((rows, values))
        rows, values = rows[order], values[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (values[1:] != values[:-1])
        return rows[first], values[first]
