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

Then the inputs of issue 19, each with the same workers:

* the same bundle gzipped (``big.bundle.gz``): MB/s of the uncompressed
  bytes (comparable with the plain run) and of the compressed file;
* a WARC.gz of the 181 pages of ``../shared/benchmarks/article-extraction/``
  (built here, gzip per record; skipped when the data is not beside the
  repository), and how long FastWARC and warcio take to read it (each when
  installed);
* the audit page (``ingest.write_report``) of REPORT_DOCS synthetic
  documents with planted duplicates (``tests/synthetic.py``): seconds to find
  the duplicates, seconds to write the page, and its size.

Run: ``python benchmarks/cli_throughput.py [--size 1G] [--workers 1,2] [--report-docs 100000]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

import ingest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "tiktok.bundle"
ARTICLES = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
sys.path.insert(0, str(ROOT))

from tests.synthetic import iter_documents  # noqa: E402

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


def _run(source: Path, out: Path, workers: int) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (all processes), peak RSS of the main process and of the tree."""
    cpu = _cpu_seconds()
    command = [sys.executable, "-m", "ingest", "clean", str(source), "-o", str(out), "-q"]
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
    if proc.returncode not in (0, 1):  # 1: some documents failed (a WARC page without text)
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


_HEADER = (
    f"{'input':<14} {'workers':>7}  {'wall s':>8}  {'MB/s':>7}  {'CPU s':>7}  {'CPUs busy':>9}  "
    f"{'main RSS MB':>11}  {'tree RSS MB':>11}"
)


def _runs(
    label: str, source: Path, out: Path, mb: float, workers: list[int]
) -> tuple[dict[int, tuple[float, float]], float]:
    """Run ``ingest clean`` on *source* per worker count; MB/s (of *mb*) and CPU seconds
    per worker count, and the peak RSS."""
    speeds: dict[int, tuple[float, float]] = {}
    peak = 0.0
    for count in workers:
        wall, cpu, rss_main, rss_tree = _run(source, out, count)
        speeds[count] = (mb / wall, cpu)
        peak = max(peak, rss_tree)
        print(
            f"{label:<14} {count:>7}  {wall:>8.1f}  {mb / wall:>7.2f}  {cpu:>7.1f}  "
            f"{cpu / wall:>9.2f}  {rss_main:>11.0f}  {rss_tree:>11.0f}"
        )
    return speeds, peak


def _gzip(path: Path) -> Path:
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as plain, gzip.open(target, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)
    return target


def _warc_record(uri: str, body: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2019-11-20T00:00:00Z\r\nContent-Type: application/http; msgtype=response"
        f"\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


def build_warc(target: Path) -> int:
    """The 181 article pages as one WARC.gz, gzip per record; how many records."""
    truth = json.loads((ARTICLES / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted((ARTICLES / "html").glob("*.html.gz"))
    with target.open("wb") as out:
        for page in pages:
            url = truth[page.name.split(".", 1)[0]]["url"]
            out.write(_warc_record(url, gzip.decompress(page.read_bytes())))
    return len(pages)


def _warc_parsers(path: Path) -> None:
    """Seconds to iterate *path* and read every record, by FastWARC and warcio (best of 5)."""
    for name in ("fastwarc", "warcio"):
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            with path.open("rb") as handle:
                if name == "fastwarc":
                    try:
                        from fastwarc.warc import ArchiveIterator  # noqa: PLC0415
                    except ImportError:
                        break
                    for record in ArchiveIterator(handle, parse_http=False):
                        record.reader.read()
                else:
                    try:
                        from warcio.archiveiterator import ArchiveIterator as Iterator  # noqa: PLC0415
                    except ImportError:
                        break
                    for record in Iterator(handle, no_record_parse=True):
                        record.raw_stream.read()
            best = min(best, time.perf_counter() - start)
        shown = f"{best:.3f} s" if best != float("inf") else "not installed"
        print(f"  reading every record, {name}: {shown}")


def _report(count: int, tmp: Path) -> None:
    """Seconds to find the duplicates of *count* synthetic documents and to write their page."""
    docs = [doc for doc, _label in iter_documents(count, seed=1)]
    start = time.perf_counter()
    clusters = ingest.find_duplicates(docs)
    found = time.perf_counter() - start
    page = tmp / "report.html"
    start = time.perf_counter()
    summary = ingest.write_report(clusters, docs, page)
    wrote = time.perf_counter() - start
    print(
        f"report of {count:,} documents ({summary.clusters:,} clusters with duplicates, "
        f"{summary.duplicates:,} duplicates): duplicates found in {found:.1f} s; page written "
        f"in {wrote:.1f} s, {page.stat().st_size / 1e6:.1f} MB, {summary.shown:,} clusters and "
        f"{summary.pairs:,} pairs shown"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", default="1G", help="bundle size, e.g. 100M or 1G (default 1G)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument(
        "--dir", default=None, help="where to write the bundle (default: a tmp dir)"
    )
    parser.add_argument(
        "--report-docs", type=int, default=100_000, help="documents of the audit page (0: skip)"
    )
    args = parser.parse_args()
    size = _size(args.size)
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_name:
        tmp = Path(tmp_name)
        bundle = tmp / "big.bundle"
        t0 = time.perf_counter()
        count = ingest.write_bundle(_documents(size), bundle)
        mb = bundle.stat().st_size / 1e6
        print(f"generated {mb:,.0f} MB ({count:,} documents) in {time.perf_counter() - t0:.0f} s")
        print(_HEADER)
        speeds, peak = _runs("bundle", bundle, tmp / "out.bundle", mb, workers)
        packed = _gzip(bundle)
        bundle.unlink()
        packed_mb = packed.stat().st_size / 1e6
        gz_speeds, gz_peak = _runs("bundle.gz", packed, tmp / "out.bundle", mb, workers)
        peak = max(peak, gz_peak)
        for n in workers:
            (gz_rate, gz_cpu), (rate, cpu) = gz_speeds[n], speeds[n]
            print(
                f"bundle.gz, {n} worker{'s' if n > 1 else ''}: {gz_rate:.2f} MB/s of "
                f"uncompressed input ({gz_rate * packed_mb / mb:.3f} MB/s of the "
                f"{packed_mb:,.2f} MB gzip file), {gz_rate / rate:.2f}x the plain bundle's MB/s, "
                f"{gz_cpu / cpu:.2f}x its CPU seconds"
            )
        packed.unlink()
        if ARTICLES.is_dir():
            warc = tmp / "pages.warc.gz"
            records = build_warc(warc)
            warc_mb = warc.stat().st_size / 1e6
            print(f"WARC.gz of {records} article pages: {warc_mb:.1f} MB")
            _warc_speeds, warc_peak = _runs(
                "pages.warc.gz", warc, tmp / "out.bundle", warc_mb, workers
            )
            peak = max(peak, warc_peak)
            _warc_parsers(warc)
        else:
            print(f"no {ARTICLES}: the WARC run is skipped")
        if args.report_docs:
            _report(args.report_docs, tmp)
    print(f"peak RSS (whole process tree): {peak:.0f} MB; target < {RSS_TARGET_MB} MB: "
          f"{'met' if peak < RSS_TARGET_MB else 'MISSED'}")  # fmt: skip
    if 1 in speeds and 2 in speeds:
        ratio = speeds[2][0] / speeds[1][0]
        verdict = "met" if ratio >= SPEEDUP_TARGET else "MISSED"
        print(f"2 workers / 1 worker: {ratio:.2f}x; target >= {SPEEDUP_TARGET}x: {verdict}")
    print(
        f"CPUs: {psutil.cpu_count()}, load average: {psutil.getloadavg()[0]:.1f}, "
        f"2 processes burn CPU {_parallelism():.2f}x as fast as 1 (the ceiling for the ratio)"
    )


if __name__ == "__main__":
    main()
