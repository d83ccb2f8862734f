"""Plain Python loops compiled by numba, when it is installed (``ingest[fast]``).

The stages keep each loop numpy cannot vectorise as a plain Python function over
numpy arrays, and call it compiled (:func:`jit`) when :func:`numba_installed`
says so, else take their numpy path: the two give the same numbers, so no result
depends on numba, only the time. ``import numba`` (about 0.3 s) happens on the
first compilation, never on ``import ingest``.

>>> numba_installed() in (True, False)
True
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

__all__ = ["jit", "numba_installed"]


def numba_installed() -> bool:
    """Whether numba is installed (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def jit(function: Callable[..., Any]) -> Any:
    """*function* compiled by numba on its first call (for the types of that call: a
    read-only array, as a spilled index gives, is a type of its own), cached on disk
    where numba finds a writable place (beside the module, or the user's cache
    directory), else for this process only. Needs numba: see :func:`numba_installed`."""
    import numba  # noqa: PLC0415 (0.3 s: only for the paths that compile a loop)

    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no writable cache location
        return numba.njit(nogil=True)(function)
