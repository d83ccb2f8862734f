"""Giving the C allocator's free memory back to the system.

A process that builds a large index frees many temporary arrays (each batch's
signatures, band hashes, candidates; the copies an LSH partition leaves when it
grows). glibc's ``malloc`` keeps the freed memory in its heap for reuse, and the
holes between live arrays are rarely the size of the next request: at 100,000
synthetic documents ``DuplicateIndex.extend`` ended at 1,221 MB, 309 MB of them
free heap that ``malloc_trim`` gave back (docs/log/one-process.md, "Session 17").
:func:`trim_memory` asks for that; where there is no glibc it does nothing.

>>> trim_memory() in {0, 1}
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

__all__ = ["trim_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(library).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def trim_memory() -> int:
    """Give the C allocator's free memory back to the system (glibc's ``malloc_trim``):
    what temporary arrays leave behind. 1 if memory was released, else 0 (also where
    there is no glibc)."""
    trim = _malloc_trim()
    return 0 if trim is None else int(trim(0))
