"""Run every fuzz target for a fixed budget and print what happened.

Usage (from the repository root, with ``pip install -e '.[fuzz]'``)::

    python fuzz/run.py --runs 1000000            # executions per target
    python fuzz/run.py --seconds 5               # a smoke run
    python fuzz/run.py --seconds 600 html dedup  # some targets only
    python fuzz/run.py --runs 1000000 --resume dedup  # go on to 1M in total

Targets run one after another (one core). Each prints executions, crashes
and limits hit; the figures are also written to ``fuzz/results.json`` (or
``--results``), after every libFuzzer process, so a run stopped part way
keeps the figures of what it did (``"complete": false``). ``--resume`` goes
on from a target's recorded figures with the corpus found so far (in
``--work``): ``--runs`` is then the total, and the record lists each session.
A crash saves its input and traceback under ``fuzz/crashes/``; turn it into
a regression fixture in ``fixtures/adversarial/``. The exit status is 1 when any target crashed.

The fuzzers import ``ingest`` from this checkout's ``src/`` (not whichever one
is installed), and each session records the commit it ran and whether
``src/`` had uncommitted changes: every libFuzzer process imports the code
afresh, so editing ``src/`` during a run fuzzes the edits, half-made ones
included. For a long run, fuzz a separate ``git worktree`` of the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import attrs

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parent


@attrs.frozen
class Target:
    """One harness: its script, the longest input, seed directories, dictionary.

    ``process_runs``: executions per libFuzzer process, for a target whose process
    grows through no fault of the library (see ``atheris_leak.py``): the run
    goes on in a fresh process, with the corpus found so far.
    """

    name: str
    script: str
    max_len: int
    seeds: tuple[str, ...] = ()
    dictionary: str | None = None
    process_runs: int | None = None


TARGETS: Final = (
    Target("bundle_lenient", "fuzz_bundle_lenient.py", 4096,
           ("fixtures/bundles", "seeds", "fixtures/adversarial"), "bundle.dict"),
    Target("bundle_strict", "fuzz_bundle_strict.py", 4096,
           ("fixtures/bundles", "seeds", "fixtures/adversarial"), "bundle.dict"),
    Target("decode", "fuzz_decode.py", 4096, ("fixtures/encodings", "fixtures/adversarial")),
    Target("html", "fuzz_html.py", 16384, ("fixtures/html", "fixtures/adversarial"), "html.dict"),
    # atheris 3.0 leaks the result of every instrumented numpy comparison (~60 KB
    # per dedup execution): 10,000 executions per process stay far below 2 GB.
    Target("dedup", "fuzz_dedup.py", 4096, ("seeds", "fixtures/dedup"), process_runs=10_000),
    Target("index_file", "fuzz_index_file.py", 16384),
    Target("clean", "fuzz_clean.py", 8192, ("seeds", "fixtures/cleaning"), "clean.dict"),
)  # fmt: skip


def _index_seeds(directory: Path) -> None:
    """Real saved indexes, for the index-file target to mutate."""
    sys.path.insert(0, str(ROOT / "src"))
    import ingest  # noqa: PLC0415 -- only this target needs the library in this process

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for count in (0, 1, 3):
        index = ingest.DuplicateIndex(ingest.DedupOptions(num_perm=16, sentence_num_perm=16))
        index.extend(ingest.Document(name=f"s{i}", text=t[:600]) for i, t in enumerate(texts))
        if count == 0:
            index = ingest.DuplicateIndex(ingest.DedupOptions(num_perm=16, sentence_num_perm=16))
        index.save(directory / f"index-{count}.npz")


def run_target(
    target: Target,
    *,
    runs: int | None,
    seconds: float | None,
    work: Path,
    crash_dir: Path,
    timeout: int,
    previous: dict[str, object] | None = None,
    progress: Callable[[dict[str, object]], None] | None = None,
) -> dict[str, object]:
    """Run one target to its budget; its figures, as the harness wrote them.

    *previous*: the figures of an earlier run to go on from (``--resume``): the
    budget in runs is then the total. *progress* gets the figures so far after
    each libFuzzer process.
    """
    corpus = work / "corpus" / target.name
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = [str(ROOT / s) for s in target.seeds if (ROOT / s).is_dir()]
    if target.name == "index_file":
        seed_dir = work / "seeds-index"
        seed_dir.mkdir(exist_ok=True)
        _index_seeds(seed_dir)
        seeds.append(str(seed_dir))
    stats_path = work / f"{target.name}.stats.json"
    log_path = work / f"{target.name}.log"
    if not previous:
        log_path.unlink(missing_ok=True)
    base_env = dict(
        os.environ,
        FUZZ_STATS=str(stats_path),
        FUZZ_CRASH_DIR=str(crash_dir),
        PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT / "src"), os.environ.get("PYTHONPATH")))),
    )
    command = _command(target, [str(corpus), *seeds], crash_dir, timeout)
    crash_dir.mkdir(parents=True, exist_ok=True)
    tally = _Tally(target.name, log_path, previous)
    # libFuzzer stops for good on a hang or out-of-memory; the input is saved with
    # -artifact_prefix, the run counts it as a crash and goes on with the budget left.
    while True:
        spent = tally.executions
        left_seconds = None if seconds is None else seconds - tally.seconds
        if (runs is not None and spent >= runs) or (left_seconds is not None and left_seconds < 1):
            break
        stats_path.unlink(missing_ok=True)
        process_runs = None if runs is None else runs - spent
        if target.process_runs is not None:
            process_runs = min(process_runs or target.process_runs, target.process_runs)
        env = _budget_env(base_env, process_runs, left_seconds)
        tally.processes += 1
        with log_path.open("ab") as log:
            done = subprocess.run(  # noqa: S603 -- our own harness scripts
                command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
            )
        part = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
        tally.total = _merge(tally.total, part)
        if progress is not None:
            progress(tally.figures(complete=False))
        if done.returncode == 0:
            if target.process_runs is None or not part.get("executions"):
                break
            continue  # this process's share is done; the budget goes on in a new one
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        stop = next((t for t in tail if "ERROR: libFuzzer" in t), f"exit {done.returncode}")
        tally.stops.append(stop)
        tally.total["crashes"] = int(str(tally.total["crashes"])) + 1
        if not part or len(tally.stops) >= 5:
            break  # it cannot start, or keeps stopping: look at the log
    return tally.figures(complete=runs is None or tally.executions >= runs)


class _Tally:
    """The figures of one target's run so far, from an earlier run's if it goes on."""

    def __init__(self, name: str, log: Path, previous: dict[str, object] | None) -> None:
        self.log = log
        self.started = time.monotonic()
        self.total: dict[str, object] = {"target": name, "executions": 0, "crashes": 0}
        self.stops: list[str] = []
        self.processes = 0
        self.earlier_seconds = 0.0
        self.sessions: list[dict[str, object]] = []
        if previous:
            self.total = _merge(self.total, previous)
            self.stops = list(previous.get("libfuzzer_stops", []))  # type: ignore[call-overload]
            self.processes = int(str(previous.get("processes", 0)))
            self.earlier_seconds = float(str(previous.get("wall_seconds", 0)))
            self.sessions = list(previous.get("sessions", []))  # type: ignore[call-overload]
            if not self.sessions:  # recorded before sessions were listed: one session
                self.sessions = [
                    {"executions": self.executions, "wall_seconds": self.earlier_seconds}
                ]
        self.first = self.executions
        self.session_start = datetime.now(UTC).isoformat(timespec="seconds")
        self.code = _code_version()

    @property
    def executions(self) -> int:
        return int(str(self.total["executions"]))

    @property
    def seconds(self) -> float:
        """Seconds of this session."""
        return time.monotonic() - self.started

    def figures(self, *, complete: bool) -> dict[str, object]:
        """The record of the whole run, for results.json."""
        crashes = dict(self.total.get("distinct_crashes", {}))  # type: ignore[call-overload]
        session = {
            "started": self.session_start,
            **self.code,
            "executions": self.executions - self.first,
            "wall_seconds": round(self.seconds, 1),
        }
        return {
            **self.total,
            "distinct_crashes": {site: _relative(file) for site, file in crashes.items()},
            "wall_seconds": round(self.earlier_seconds + self.seconds, 1),
            "libfuzzer_stops": self.stops,
            "processes": self.processes,
            "log": _relative(self.log),
            "complete": complete,
            "sessions": [*self.sessions, session],
        }


def _code_version() -> dict[str, object]:
    """The commit of this checkout and whether ``src/`` differs from it (``{}`` outside git)."""
    git = shutil.which("git")
    if git is None:
        return {}

    def ask(*args: str) -> str:
        command = [git, "-C", str(ROOT), *args]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 -- fixed git arguments
        return done.stdout.strip()

    try:
        return {
            "commit": ask("rev-parse", "HEAD"),
            "src_modified": bool(ask("status", "--porcelain", "--", "src")),
        }
    except subprocess.CalledProcessError:
        return {}


def _command(target: Target, corpora: list[str], crash_dir: Path, timeout: int) -> list[str]:
    """The command line of one libFuzzer process of *target*."""
    command = [
        sys.executable, str(HERE / target.script),
        f"-max_len={target.max_len}", f"-timeout={timeout}", "-rss_limit_mb=2048",
        f"-artifact_prefix={crash_dir}/{target.name}-", "-print_final_stats=1",
        *corpora,
    ]  # fmt: skip
    if target.dictionary:
        command.insert(2, f"-dict={HERE / target.dictionary}")
    return command


def _relative(path: str | Path) -> str:
    """*path* relative to the repository when it is inside it: results.json is committed."""
    resolved = Path(path).resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else str(path)


def _budget_env(base: dict[str, str], runs: int | None, seconds: float | None) -> dict[str, str]:
    env = dict(base)
    env.pop("FUZZ_RUNS", None)
    env.pop("FUZZ_SECONDS", None)
    if runs is not None:
        env["FUZZ_RUNS"] = str(runs)
    if seconds is not None:
        env["FUZZ_SECONDS"] = str(round(seconds, 1))
    return env


def _merge(total: dict[str, object], part: dict[str, object]) -> dict[str, object]:
    """Add the figures of one libFuzzer process to those of the run so far."""
    merged = dict(total)
    for key in ("executions", "crashes", "limits_hit"):
        merged[key] = int(str(total.get(key, 0))) + int(str(part.get(key, 0)))
    outcomes = dict(total.get("outcomes", {}))  # type: ignore[call-overload]
    for key, count in dict(part.get("outcomes", {})).items():  # type: ignore[call-overload]
        outcomes[key] = outcomes.get(key, 0) + count
    merged["outcomes"] = outcomes
    distinct = dict(total.get("distinct_crashes", {}))  # type: ignore[call-overload]
    distinct.update(part.get("distinct_crashes", {}))
    merged["distinct_crashes"] = distinct
    return merged


def _row(stats: dict[str, object]) -> str:
    executions = int(str(stats.get("executions", 0)))
    seconds = float(str(stats.get("wall_seconds", 0))) or 1.0
    return (
        f"{stats['target']:<15} {executions:>10,} {seconds:>8.0f} {executions / seconds:>8.0f} "
        f"{stats.get('crashes', 0)!s:>7} {stats.get('limits_hit', 0)!s:>7}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--runs", type=int, help="executions per target")
    parser.add_argument("--seconds", type=float, help="seconds per target")
    parser.add_argument("--timeout", type=int, default=60, help="seconds one input may take")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="corpus, logs")
    parser.add_argument("--crash-dir", type=Path, default=HERE / "crashes")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on from each target's figures in --results (--runs is the total)",
    )
    args = parser.parse_args(argv)
    if args.runs is None and args.seconds is None:
        parser.error("give a budget: --runs N and/or --seconds S")
    by_name = {t.name: t for t in TARGETS}
    unknown = [n for n in args.targets if n not in by_name]
    if unknown:
        parser.error(f"unknown targets {unknown}; choose from {sorted(by_name)}")
    chosen = [by_name[n] for n in args.targets] or list(TARGETS)
    work: Path = args.work
    results: dict[str, dict[str, object]] = {}
    if args.results.exists():
        results = json.loads(args.results.read_text(encoding="utf-8"))
    print(f"{'target':<15} {'executions':>10} {'seconds':>8} {'exec/s':>8} {'crashes':>7} "
          f"{'limits':>7}", flush=True)  # fmt: skip
    crashed = False
    for target in chosen:

        def record(stats: dict[str, object], name: str = target.name) -> None:
            results[name] = stats
            _write_json(args.results, results)

        stats = run_target(
            target,
            runs=args.runs,
            seconds=args.seconds,
            work=work,
            crash_dir=args.crash_dir,
            timeout=args.timeout,
            previous=results.get(target.name) if args.resume else None,
            progress=record,
        )
        crashed = crashed or bool(stats.get("crashes"))
        record(stats)
        print(_row(stats), flush=True)
    return 1 if crashed else 0


def _write_json(path: Path, value: object) -> None:
    """Write *value* to *path* as JSON, atomically: a stopped run leaves the old file or the new."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    sys.exit(main())
