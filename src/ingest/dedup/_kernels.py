"""Compiled kernels for the loops numpy cannot vectorise, when numba is installed.

numba is optional (``pip install 'ingest[fast]'``). Every kernel here is a plain
Python function over numpy arrays; :func:`compiled` returns it compiled by
numba, or ``None`` without numba, and the caller then takes its numpy path.
The two give the same numbers (the tests compare them on generated sets), so
no decision depends on whether numba is installed, only the time.

A kernel is compiled on its first use in a process, for the one signature its
caller passes, and kept in numba's on-disk cache (beside this module, or in
the user's cache directory when that is not writable): about a second the
first time on a machine, then a load of some milliseconds. ``import numba``
takes about 0.4 s, paid only by the paths that use a kernel, never by
``import ingest``.

>>> import numpy as np
>>> a = np.array([1, 3, 5, 7], np.uint32)
>>> values = np.array([3, 4, 5, 1, 7], np.uint32)  # the sets [3, 4, 5] and [1, 7]
>>> merge_overlaps(a, values, np.array([3, 5], np.int64)).tolist()
[2, 2]
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["available", "compiled", "merge_overlaps"]

_Hashes: TypeAlias = npt.NDArray[np.uint32]
_Ends: TypeAlias = npt.NDArray[np.int64]
_Counts: TypeAlias = npt.NDArray[np.int64]
MergeOverlaps: TypeAlias = Callable[[_Hashes, _Hashes, _Ends], _Counts]


def merge_overlaps(a: _Hashes, values: _Hashes, ends: _Ends) -> _Counts:
    """How many hashes of the sorted set *a* each set holds: the sets are *values* up
    to ``ends[0]``, then up to ``ends[1]``, ... (each sorted, without repeats).

    One merge of *a* with each set: ``|a| + |s|`` steps, against ``|s| log |a|``
    for a binary search of each hash, and no temporary arrays. It pays where the
    sets are about as large as *a* (the candidates of the document LSH).
    """
    counts = np.zeros(ends.size, dtype=np.int64)
    start = 0
    for k in range(ends.size):
        end = ends[k]
        i, j, shared = 0, start, 0
        while i < a.size and j < end:
            x, y = a[i], values[j]
            if x < y:
                i += 1
            elif y < x:
                j += 1
            else:
                shared += 1
                i += 1
                j += 1
        counts[k] = shared
        start = end
    return counts


#: Each kernel's numba signature: compiled eagerly, for exactly these types.
_SIGNATURES: dict[str, str] = {
    "merge_overlaps": "int64[:](uint32[:], uint32[:], int64[:])",
}
_KERNELS: dict[str, Callable[..., Any]] = {"merge_overlaps": merge_overlaps}


def available() -> bool:
    """Whether numba is installed (without importing it)."""
    return importlib.util.find_spec("numba") is not None


@functools.cache
def compiled(name: str) -> Callable[..., Any] | None:
    """The kernel *name* of this module compiled by numba, or ``None`` without numba.

    >>> compiled("merge_overlaps") is None or callable(compiled("merge_overlaps"))
    True
    """
    kernel, signature = _KERNELS[name], _SIGNATURES[name]  # KeyError: no such kernel
    if not available():
        return None
    import numba  # noqa: PLC0415 (0.4 s: only for the paths that use a kernel)

    try:
        return numba.njit(signature, cache=True, nogil=True)(kernel)
    except RuntimeError:  # no writable cache location: compile for this process only
        return numba.njit(signature, nogil=True)(kernel)
