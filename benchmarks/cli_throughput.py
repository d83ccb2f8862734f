"""Throughput and peak memory of ``ingest clean`` on a large generated bundle.

Generates a bundle of SIZE bytes (default 1 GB) from the seed articles, each
copy numbered and given boilerplate blocks to remove, then runs
``ingest clean BUNDLE -o OUT -q --workers N`` for each N, sampling the
resident memory of the command and its worker processes. Prints, per run,
the wall time, MB/s, the CPU time of all its processes (and how many CPUs
that kept busy: under 1 per worker means the machine was shared), the peak
RSS of the main process and of the whole process tree, and checks the
targets of issue 6: peak RSS under 500 MB, and 2 workers at least 1.7x as
fast as 1 (meaningful only on a machine with two idle CPUs: the last line
measures how much two processes can get).

Run: ``python benchmarks/cli_throughput.py [--size 1G] [--workers 1,2]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

import ingest

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "tiktok.bundle"
RSS_TARGET_MB = 500
SPEEDUP_TARGET = 1.7
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
_BOILERPLATE = (
    "\n\nAdvertisement\n\nMOST READ :\nMarkets slip as talks stall\n"
    "Ten things to know this week\nWhy the deal matters\n"
)


def _size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    unit = text[-1:] if text[-1:] in _UNITS else ""
    return int(float(text[: len(text) - len(unit)]) * _UNITS[unit])


def _documents(size: int) -> Iterator[ingest.Document]:
    seeds = [d.text for d in ingest.read_bundle(SEEDS)]
    written = i = 0
    while written < size:
        text = f"Story {i}: {seeds[i % len(seeds)]}{_BOILERPLATE}"
        written += len(text.encode("utf-8")) + 60
        yield ingest.Document(f"{i:09d}.txt", text)
        i += 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(bundle: Path, out: Path, workers: int) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (all processes), peak RSS of the main process and of the tree."""
    cpu = _cpu_seconds()
    command = [sys.executable, "-m", "ingest", "clean", str(bundle), "-o", str(out), "-q"]
    command += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(command)  # noqa: S603 -- our own command
    main = psutil.Process(proc.pid)
    peak_main = peak_tree = 0
    while proc.poll() is None:
        try:
            rss = main.memory_info().rss
            tree = rss + sum(c.memory_info().rss for c in main.children(recursive=True))
        except psutil.Error:
            break
        peak_main, peak_tree = max(peak_main, rss), max(peak_tree, tree)
        time.sleep(0.1)
    proc.wait()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ingest clean exited with {proc.returncode}")
    return wall, _cpu_seconds() - cpu, peak_main / 2**20, peak_tree / 2**20


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _parallelism() -> float:
    """How much faster two processes burn CPU than one, on this machine, now."""
    n = 3_000_000
    start = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [10, 10]))
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        parallel = time.perf_counter() - start
    return serial / parallel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", default="1G", help="bundle size, e.g. 100M or 1G (default 1G)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument(
        "--dir", default=None, help="where to write the bundle (default: a tmp dir)"
    )
    args = parser.parse_args()
    size = _size(args.size)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        bundle = Path(tmp) / "big.bundle"
        t0 = time.perf_counter()
        count = ingest.write_bundle(_documents(size), bundle)
        mb = bundle.stat().st_size / 1e6
        print(f"generated {mb:,.0f} MB ({count:,} documents) in {time.perf_counter() - t0:.0f} s")
        print(
            f"{'workers':>7}  {'wall s':>8}  {'MB/s':>7}  {'CPU s':>7}  {'CPUs busy':>9}  "
            f"{'main RSS MB':>11}  {'tree RSS MB':>11}"
        )
        speeds: dict[int, float] = {}
        peak = 0.0
        for workers in (int(w) for w in args.workers.split(",")):
            wall, cpu, rss_main, rss_tree = _run(bundle, Path(tmp) / "out.bundle", workers)
            speeds[workers] = mb / wall
            peak = max(peak, rss_tree)
            print(
                f"{workers:>7}  {wall:>8.1f}  {mb / wall:>7.2f}  {cpu:>7.1f}  {cpu / wall:>9.2f}  "
                f"{rss_main:>11.0f}  {rss_tree:>11.0f}"
            )
    print(f"peak RSS (whole process tree): {peak:.0f} MB; target < {RSS_TARGET_MB} MB: "
          f"{'met' if peak < RSS_TARGET_MB else 'MISSED'}")  # fmt: skip
    if 1 in speeds and 2 in speeds:
        ratio = speeds[2] / speeds[1]
        verdict = "met" if ratio >= SPEEDUP_TARGET else "MISSED"
        print(f"2 workers / 1 worker: {ratio:.2f}x; target >= {SPEEDUP_TARGET}x: {verdict}")
    print(
        f"CPUs: {psutil.cpu_count()}, load average: {psutil.getloadavg()[0]:.1f}, "
        f"2 processes burn CPU {_parallelism():.2f}x as fast as 1 (the ceiling for the ratio)"
    )


if __name__ == "__main__":
    main()
