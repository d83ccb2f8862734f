"""Shared plumbing of the atheris harnesses: outcomes, budgets, crash records.

Every harness is a module with one function, ``check(data: bytes) -> str``,
that feeds *data* to one public entry point of ``ingest``, asserts the
target's invariants and returns the outcome: ``"ok"`` (a result),
``"limit"`` (a :class:`ingest.LimitError`, a resource limit held) or
``"error"`` (another documented :class:`ingest.IngestError`, where the harness
allows one, as in strict mode). Anything else that escapes ``check``, an
assertion included, is a *crash*.

:func:`fuzz_main` runs ``check`` under atheris (libFuzzer). Unlike plain
libFuzzer it does not stop at the first crash: it saves the input and the
traceback under ``--crash-dir`` (once per distinct crash site) and goes on, so
one run reports every distinct crash. The budget comes from the environment:
``FUZZ_RUNS`` (executions) and/or ``FUZZ_SECONDS``; when it is spent the
counters are written as JSON to ``FUZZ_STATS`` and the process exits.
libFuzzer does not return to Python, so the counters are also written every
few seconds, and a hang or out-of-memory (which libFuzzer itself reports and
stops on) still leaves figures behind.

``check`` functions do not need atheris: the test suite calls them directly
on the committed seeds and adversarial fixtures.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

__all__ = ["Check", "Stats", "crash_site", "fuzz_main", "instrumented"]

Check = Callable[[bytes], str]

_FLUSH_SECONDS: Final = 5.0


def instrumented(*, enabled: bool) -> contextlib.AbstractContextManager[Any]:
    """Instrument ``ingest`` for coverage while it is imported, when *enabled*.

    Harnesses import ``ingest`` inside this context with
    ``enabled=__name__ == "__main__"``: tests that import a harness get plain,
    uninstrumented code and need no atheris.
    """
    if not enabled:
        return contextlib.nullcontext()
    import atheris  # noqa: PLC0415 -- only the fuzzing process needs atheris

    return atheris.instrument_imports(include=["ingest"])  # type: ignore[no-any-return]


def crash_site(exc: BaseException) -> str:
    """Where a crash happened: type and the innermost ``ingest`` or harness frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/ingest/" in f.filename or "/fuzz/" in f.filename]
    where = own[-1] if own else (frames[-1] if frames else None)
    place = f"{Path(where.filename).name}:{where.lineno}" if where is not None else "?"
    return f"{type(exc).__name__} at {place}"


class Stats:
    """Counters of one fuzzing run, written as JSON."""

    def __init__(self, target: str, path: Path | None, crash_dir: Path) -> None:
        self.target = target
        self.path = path
        self.crash_dir = crash_dir
        self.started = time.monotonic()
        self.last_flush = self.started
        self.executions = 0
        self.outcomes: Counter[str] = Counter()
        self.crashes: dict[str, str] = {}  # crash site -> saved input file
        self.crash_count = 0

    def record_crash(self, data: bytes, exc: BaseException) -> None:
        self.crash_count += 1
        site = crash_site(exc)
        if site in self.crashes:
            return
        self.crash_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]
        stem = self.crash_dir / f"{self.target}-{digest}"
        stem.with_suffix(".bin").write_bytes(data)
        stem.with_suffix(".txt").write_text(
            "".join(traceback.format_exception(exc)), encoding="utf-8"
        )
        self.crashes[site] = str(stem.with_suffix(".bin"))
        print(f"\n=== {self.target}: new crash {site} -> {stem}.bin", file=sys.stderr)

    def as_json(self) -> dict[str, object]:
        return {
            "target": self.target,
            "executions": self.executions,
            "seconds": round(time.monotonic() - self.started, 1),
            "crashes": self.crash_count,
            "distinct_crashes": self.crashes,
            "limits_hit": self.outcomes["limit"],
            "outcomes": dict(self.outcomes),
        }

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if self.path is not None:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.as_json(), indent=1), encoding="utf-8")
            tmp.replace(self.path)


def _budget() -> tuple[int | None, float | None]:
    runs = os.environ.get("FUZZ_RUNS")
    seconds = os.environ.get("FUZZ_SECONDS")
    return (int(runs) if runs else None, float(seconds) if seconds else None)


def _rss_mb() -> float:
    """This process's resident memory in MB (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _memory_logger() -> Callable[[int], None]:
    """With ``FUZZ_MEMORY_LOG=path``: every ``FUZZ_MEMORY_EVERY`` executions (2,000),
    append the RSS and the number of live Python objects (those the garbage collector
    tracks) to *path*, to tell a leak in Python objects (the count grows) from
    native growth (only the RSS does).
    With ``FUZZ_TRACEMALLOC=1`` too, the memory :mod:`tracemalloc` traces (Python
    objects and numpy buffers) and, every ten lines, its five largest allocation sites."""
    path = os.environ.get("FUZZ_MEMORY_LOG")
    every = int(os.environ.get("FUZZ_MEMORY_EVERY") or 2000)
    traced = bool(path and os.environ.get("FUZZ_TRACEMALLOC"))
    if traced:
        tracemalloc.start(6)

    def log(executions: int) -> None:
        if not path or executions % every:
            return
        line = f"{executions}\t{_rss_mb():.0f}\t{len(gc.get_objects())}"
        if traced:
            line += f"\t{tracemalloc.get_traced_memory()[0] / 1e6:.1f}"
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            if traced and executions % (every * 10) == 0:
                top = tracemalloc.take_snapshot().statistics("traceback")[:5]
                for stat in top:
                    out.write(f"  {stat}\n" + "".join(f"    {f}\n" for f in stat.traceback))

    return log


def _one_input(check: Check, stats: Stats) -> Callable[[bytes], None]:
    runs, seconds = _budget()
    log_memory = _memory_logger()

    def one(data: bytes) -> None:
        try:
            outcome = check(data)
        except Exception as exc:  # noqa: BLE001 -- a crash is what we are looking for
            stats.record_crash(data, exc)
            outcome = "crash"
        stats.executions += 1
        stats.outcomes[outcome] += 1
        log_memory(stats.executions)
        now = time.monotonic()
        done = (runs is not None and stats.executions >= runs) or (
            seconds is not None and now - stats.started >= seconds
        )
        if done or now - stats.last_flush >= _FLUSH_SECONDS:
            stats.flush()
        if done:
            sys.stderr.flush()
            os._exit(0)

    return one


def fuzz_main(target: str, check: Check, argv: list[str] | None = None) -> None:
    """Run *check* under atheris; libFuzzer arguments (corpora, ``-max_len``) pass through."""
    import atheris  # noqa: PLC0415 -- only the fuzzing process needs atheris

    args = list(sys.argv if argv is None else argv)
    crash_dir = Path(os.environ.get("FUZZ_CRASH_DIR", "fuzz/crashes"))
    stats_path = os.environ.get("FUZZ_STATS")
    stats = Stats(target, Path(stats_path) if stats_path else None, crash_dir)
    stats.flush()
    atheris.Setup(args, _one_input(check, stats))
    atheris.Fuzz()
