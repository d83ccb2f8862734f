"""Show the atheris leak that makes ``run.py`` restart the dedup target's process.

atheris (3.0.0 here) replaces each comparison in instrumented code with a call
that reports the operands to libFuzzer. When a comparison returns something
other than a bool, as ``a == b`` on numpy arrays does, the result is never
freed. The dedup code compares arrays on every input, so a fuzzing process
grows by ~60 KB per execution and reaches libFuzzer's 2 GB limit after
~33,000 executions, though the same harness without instrumentation stays flat
(fuzz/harness.py's ``FUZZ_MEMORY_LOG`` shows it: the RSS grows, the objects the
garbage collector tracks do not; ``FUZZ_TRACEMALLOC`` points at the array
comparisons). Usage: ``python fuzz/atheris_leak.py``; it prints the memory
left behind by 1,000 calls of each function below, instrumented.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import atheris
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.int64]


@atheris.instrument_func  # type: ignore[untyped-decorator]
def compare_with_operator(a: Array, b: Array) -> int:
    """``a == b``: the comparison atheris traces."""
    return int((a == b).sum())


@atheris.instrument_func  # type: ignore[untyped-decorator]
def compare_with_function(a: Array, b: Array) -> int:
    """``np.equal(a, b)``: a call, which atheris does not trace."""
    return int(np.equal(a, b).sum())


def left_behind(function: Callable[[Array, Array], int], calls: int = 1000) -> float:
    """MB still allocated after *calls* calls of *function* on two 10,000-element arrays."""
    a, b = np.arange(10_000), np.arange(10_000)
    tracemalloc.start()
    function(a, b)
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(calls):
        function(a, b)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / 1e6


if __name__ == "__main__":
    for function in (compare_with_operator, compare_with_function):
        print(f"{function.__name__}: {left_behind(function):.1f} MB left after 1,000 calls")
