"""Hash sets to MinHash signatures, and signatures to LSH band keys.

Third stage of de-duplication, after :mod:`ingest.dedup._shingle`. The math is
datasketch 2.0's default ``affine32`` scheme, done for many sets at once: each
32-bit input hash ``h`` is pre-mixed with the MurmurHash3 finalizer, then
permutation ``k`` maps it to ``a[k] * h + b[k] mod 2**32`` with ``a[k]`` odd;
the signature keeps the minimum per permutation. The permutation parameters
come from ``numpy.random.RandomState(seed)`` exactly as in
``datasketch.MinHash``, so a signature computed here equals
``MinHash(num_perm, seed).update_batch(hashes)`` with an identity hash
function, value for value (the tests check this).

Band keys are computed here too, apart from any storage, so that an engine
that groups documents by band key (a Dask shuffle, a Redis index) computes
the same keys as :class:`datasketch.MinHashLSH` does.

>>> perms = Permutations.create(num_perm=4, seed=1)
>>> signature(np.array([1, 2, 3], dtype=np.uint32), perms)
array([  63217260,  131247162,  308645290, 1412089388], dtype=uint32)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np
import numpy.typing as npt

from ._shingle import Counts, Hashes, span_positions

if TYPE_CHECKING:
    import datasketch

__all__ = [
    "EMPTY_VALUE",
    "Permutations",
    "Signatures",
    "band_hashes",
    "band_keys",
    "estimate_jaccard",
    "fmix32",
    "lsh_params",
    "memory_lsh",
    "mix64",
    "signature",
    "signatures",
    "signatures_flat",
    "to_minhash",
]

Signatures = npt.NDArray[np.uint32]
"""One signature (``num_perm`` values) or a matrix of them, one per row."""

#: The value of every slot of the signature of an empty set.
EMPTY_VALUE: Final = np.uint32(0xFFFFFFFF)

#: How many input hashes :func:`signatures` permutes at once (bounds memory to
#: ``num_perm * _CHUNK * 4`` bytes).
_CHUNK: Final = 1 << 13

#: Groups of up to this many values are signed by :func:`_small_minimums` (a
#: power of two).
_SMALL: Final = 64

#: Fewer small groups than this are signed as large ones: a reduction each costs
#: less than :func:`_small_minimums`' passes by width (one document's sentences,
#: ~16 groups: 4 against 13 µs a group; ~500 groups: equal; a batch's thousands:
#: 1.0 against 0.65 µs).
_FEW_SMALL: Final = 512


def fmix32(hashes: Hashes) -> Hashes:
    """The MurmurHash3 32-bit finalizer, a bijection that spreads weak hashes.

    >>> fmix32(np.array([0, 1], dtype=np.uint32))
    array([         0, 1364076727], dtype=uint32)
    """
    mixed = hashes ^ (hashes >> np.uint32(16))
    mixed *= np.uint32(0x85EBCA6B)
    mixed ^= mixed >> np.uint32(13)
    mixed *= np.uint32(0xC2B2AE35)
    mixed ^= mixed >> np.uint32(16)
    return mixed


@attrs.frozen(eq=False)
class Permutations:
    """The ``num_perm`` affine permutations of one MinHash family.

    Attributes:
        seed: The seed of ``numpy.random.RandomState`` that drew them.
        a: Odd multipliers, shape ``(num_perm, 1)``.
        b: Offsets, shape ``(num_perm, 1)``.
    """

    seed: int
    a: npt.NDArray[np.uint32]
    b: npt.NDArray[np.uint32]

    @classmethod
    def create(cls, num_perm: int, seed: int) -> Permutations:
        """The permutations ``datasketch.MinHash(num_perm, seed)`` uses under ``affine32``."""
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        a, b = a.reshape(-1, 1), b.reshape(-1, 1)
        a.flags.writeable = b.flags.writeable = False
        return cls(seed, a, b)

    @property
    def num_perm(self) -> int:
        """The number of permutations (the length of a signature)."""
        return int(self.a.shape[0])


def signature(hashes: Hashes, perms: Permutations) -> Signatures:
    """The MinHash signature of one set of 32-bit hashes."""
    row: Signatures = signatures([hashes], perms)[0]
    return row


def signatures(sets: Sequence[Hashes], perms: Permutations) -> Signatures:
    """The signatures of many hash sets, one row each (see :func:`signatures_flat`)."""
    counts = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
    values = np.concatenate(sets) if sets else np.empty(0, dtype=np.uint32)
    return signatures_flat(values.astype(np.uint32, copy=False), counts, perms)


def signatures_flat(values: Hashes, counts: Counts, perms: Permutations) -> Signatures:
    """The signatures of the groups of *values* that *counts* delimit, in one pass.

    Repeated values do not change a minimum, so groups need not be sets. An empty
    group gets the empty signature (every slot :data:`EMPTY_VALUE`), as in datasketch.
    Groups of more than :data:`_SMALL` values (a document's shingles) are signed by
    :func:`_large_minimums`, smaller ones (a sentence's stems) by :func:`_small_minimums`
    when there are :data:`_FEW_SMALL` of them or more (a batch's sentences; one
    document's go with the large ones). Each way takes the same minimums.
    """
    result = np.full((counts.size, perms.num_perm), EMPTY_VALUE, dtype=np.uint32)
    mixed = fmix32(values)
    small = np.flatnonzero((counts > 0) & (counts <= _SMALL))
    if small.size < _FEW_SMALL:
        large, small = np.flatnonzero(counts > 0), small[:0]
    else:
        large = np.flatnonzero(counts > _SMALL)
    if small.size:
        starts = np.cumsum(counts) - counts
        result[small] = _small_minimums(mixed, starts[small], counts[small], perms)
        # The large groups' values, contiguous.
        mixed = mixed[span_positions(starts[large], counts[large])]
    if large.size:
        result[large] = _large_minimums(mixed, counts[large], perms)
    return result


def _large_minimums(mixed: Hashes, counts: Counts, perms: Permutations) -> Signatures:
    """The signatures of the groups of *mixed* values (none empty) that *counts* delimit.

    The values are permuted chunk by chunk as a ``(num_perm, chunk)`` matrix;
    ``np.minimum.reduceat`` then takes each group's minimum along the contiguous axis.
    """
    result = np.empty((counts.size, perms.num_perm), dtype=np.uint32)
    ends = np.cumsum(counts)
    starts = ends - counts
    buffer = np.empty((perms.num_perm, min(_CHUNK, mixed.size)), dtype=np.uint32)
    first = 0
    while first < counts.size:
        # Whole groups per chunk; a group larger than the chunk gets a chunk of its own.
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + _CHUNK, side="right")))
        lo, hi = int(starts[first]), int(ends[last - 1])
        if hi - lo > buffer.shape[1]:
            buffer = np.empty((perms.num_perm, hi - lo), dtype=np.uint32)
        block = buffer[:, : hi - lo]
        np.multiply(perms.a, mixed[lo:hi], out=block)
        block += perms.b
        result[first:last] = np.minimum.reduceat(block, starts[first:last] - lo, axis=1).T
        first = last
    return result


def _small_minimums(
    mixed: Hashes, starts: Counts, counts: Counts, perms: Permutations
) -> Signatures:
    """The signatures of the groups ``mixed[starts[i] : starts[i] + counts[i]]`` (of
    one to :data:`_SMALL` values each).

    A reduction per group costs more than a small group's values, so the groups are
    taken by width (1, 2, 4, ... values): those of at most ``width`` values as a
    ``(width, groups)`` matrix, a group down each column and its last value repeated
    (no minimum changes), permuted as ``(num_perm, width, groups)``, and the minimum
    taken across the rows, elementwise.
    """
    result = np.empty((counts.size, perms.num_perm), dtype=np.uint32)
    low, width = 0, 1
    while low < _SMALL:
        part = np.flatnonzero((counts > low) & (counts <= width))
        step = max(1, _CHUNK // width)
        for first in range(0, part.size, step):
            chunk = part[first : first + step]
            at = starts[chunk] + np.minimum(np.arange(width)[:, None], counts[chunk] - 1)
            permuted = perms.a[:, :, None] * mixed[at]
            permuted += perms.b[:, :, None]
            result[chunk] = np.minimum.reduce(permuted, axis=1).T
        low, width = width, 2 * width
    return result


def estimate_jaccard(left: Signatures, right: Signatures) -> float:
    """The share of equal slots: the MinHash estimate of Jaccard similarity."""
    return float(np.count_nonzero(left == right)) / float(left.size)


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """The ``(bands, rows)`` that ``datasketch.MinHashLSH`` picks for *threshold*.

    datasketch finds them by numerical integration (milliseconds); the result
    of this pure function is cached, so small indexes are cheap to create.
    At least two bands, as ``MinHashLSH`` requires.

    >>> lsh_params(0.5, 128)
    (25, 5)
    """
    # datasketch (and the scipy it loads, ~0.5 s) only once an index needs it:
    # reading, cleaning and extracting start without it.
    from datasketch.lsh import _optimal_param  # noqa: PLC0415

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    if bands < 2:
        # Thresholds near 1 optimise to one band, which MinHashLSH refuses.
        return 2, num_perm // 2
    return int(bands), int(rows)


def memory_lsh(threshold: float, num_perm: int) -> datasketch.MinHashLSH:
    """An in-memory datasketch ``MinHashLSH``, banded as :func:`lsh_params` says."""
    from datasketch import MinHashLSH  # noqa: PLC0415 -- imported when first needed

    return MinHashLSH(
        threshold=threshold, num_perm=num_perm, params=lsh_params(threshold, num_perm)
    )


def band_keys(sig: Signatures, bands: int, rows: int) -> list[bytes]:
    """The bucket key of each band of *sig*, byte for byte as ``MinHashLSH`` stores them.

    >>> band_keys(np.array([1, 2, 3, 4], dtype=np.uint32), 2, 2)
    [b'\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x02', b'\\x00\\x00\\x00\\x03\\x00\\x00\\x00\\x04']
    """
    return [bytes(sig[i * rows : (i + 1) * rows].byteswap().data) for i in range(bands)]


def mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finalizer, elementwise."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values = values * np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def band_hashes(sigs: Signatures, bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each band of each signature row, ``(len(sigs), bands)``.

    Band ``i`` covers slots ``[i * rows, (i + 1) * rows)`` as in
    ``MinHashLSH``: equal bands hash equal, and the band index is mixed in, so
    equal values in different bands do not meet.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    >>> h = band_hashes(sigs, 2, 2)
    >>> bool(h[0, 0] == h[1, 0]), bool(h[0, 1] == h[1, 1]), bool(h[0, 0] == h[0, 1])
    (True, False, False)
    """
    # Integer arrays wrap around silently (only numpy scalars warn): every operand
    # here is an array, so no ``np.errstate`` (it costs more than a small batch).
    blocks = sigs[:, : bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
    state = np.broadcast_to(
        mix64(np.arange(1, bands + 1, dtype=np.uint64)), (len(sigs), bands)
    ).copy()
    for r in range(rows):
        state = mix64(state * np.uint64(0x100000001B3) + blocks[:, :, r])
    return state


def to_minhash(sig: Signatures, perms: Permutations) -> datasketch.MinHash:
    """*sig* as a ``datasketch.MinHash`` (for ``MinHashLSH``), sharing the permutations."""
    import datasketch  # noqa: PLC0415 -- see lsh_params

    return datasketch.MinHash(
        seed=perms.seed,
        hashvalues=sig,
        permutations=np.array([perms.a[:, 0], perms.b[:, 0]]),
        scheme="affine32",
    )
