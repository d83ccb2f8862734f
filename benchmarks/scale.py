"""De-duplication at scale: single process vs the Dask engine on a LocalCluster.

Usage: ``python benchmarks/scale.py [--sizes 10000 100000] [--engines single dask]
[--workers 2] [--memory-limit GB] [--file-docs 5000] [--corpus-dir DIR]``
(``--sizes 1000000`` for the million; ``--corpus-dir`` keeps the generated
corpora and reuses them).

For each size N, a corpus of N synthetic news documents with a planted
duplicate structure (``tests/synthetic.py``: seed-shaped articles, near
copies, truncations, sentence shuffles with word swaps) is written as JSONL
files of ``--file-docs`` documents, as it is generated (the benchmark's own
process never holds the corpus). Each engine then runs in a fresh Python
process from the files to the clusters:

* **single**: :func:`ingest.find_duplicates` on the documents of every file, read
  as the index takes them;
* **dask**: :meth:`ingest.engines._dask.DaskEngine.find_duplicates` on the files,
  ``LocalCluster(--workers)``, one partition per file, each worker with
  ``DaskOptions.memory_limit`` (``--memory-limit`` GB; default the option's
  default, 0 for none).

Reported per run: wall time (startup of the cluster included), peak memory
(the highest sum of the resident memory of the process and all its children,
sampled every 0.2 s: Dask's scheduler, nannies and workers included), and
pair precision and recall of the clusters against the planted ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs
import psutil

ROOT: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.synthetic import id_pair_scores, iter_documents  # noqa: E402

from ingest import Document, find_duplicates  # noqa: E402


class PeakMemory:
    """The peak of the summed RSS of this process and its children, sampled in a thread.

    With a *timeline* file, each sample is also written there as a line: seconds,
    the total, this process's share and the largest child's (GB), and the
    engine's log lines (its stages, ``ingest.dask`` at INFO) as they come.
    """

    def __init__(self, interval: float = 0.2, timeline: Path | None = None) -> None:
        self.interval = interval
        self.peak = 0
        self.started = time.perf_counter()
        self._timeline = timeline.open("w", encoding="utf-8") if timeline else None
        self._handler = logging.Handler()  # the stages into the timeline, while it is open
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        sizes = []
        for proc in [me, *me.children(recursive=True)]:
            try:
                sizes.append(proc.memory_info().rss)
            except psutil.Error:
                continue
        if self._timeline is not None:
            gb = [sum(sizes) / 1e9, sizes[0] / 1e9, max(sizes[1:], default=0) / 1e9]
            self.note("\t".join(f"{value:.2f}" for value in gb))
        return sum(sizes)

    def note(self, line: str) -> None:
        """A line in the timeline, after the seconds since the start."""
        if self._timeline is not None:
            self._timeline.write(f"{time.perf_counter() - self.started:.1f}\t{line}\n")
            self._timeline.flush()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        if self._timeline is not None:
            self._handler.emit = lambda record: self.note(f"# {record.getMessage()}")  # type: ignore[method-assign]
            logging.getLogger("ingest.dask").addHandler(self._handler)
            logging.getLogger("ingest.dask").setLevel(logging.INFO)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())
        if self._timeline is not None:
            logging.getLogger("ingest.dask").removeHandler(self._handler)
            self._timeline.close()


def write_corpus(size: int, seed: int, directory: Path, file_docs: int) -> None:
    """The corpus of :func:`tests.synthetic.generate` as JSONL files of *file_docs*
    documents, written as it is generated, plus ``labels.json`` (ids and labels).

    A directory that holds a complete corpus (its ``labels.json`` is written last)
    is kept as it is: ``--corpus-dir`` reuses corpora between runs.
    """
    if (directory / "labels.json").exists():
        return
    directory.mkdir(parents=True, exist_ok=True)
    ids: list[str] = []
    labels: list[int] = []
    documents = iter_documents(size, seed=seed)
    for number in itertools.count():
        chunk = list(itertools.islice(documents, file_docs))
        if not chunk:
            break
        with (directory / f"docs-{number:05d}.jsonl").open("w", encoding="utf-8") as out:
            for doc, label in chunk:
                out.write(json.dumps({"name": doc.name, "text": doc.text}) + "\n")
                ids.append(doc.id)
                labels.append(label)
    (directory / "labels.json").write_text(
        json.dumps({"ids": ids, "labels": labels}), encoding="utf-8"
    )


def read_labels(directory: Path) -> tuple[list[str], list[int]]:
    """The ids and planted labels of the corpus in *directory*, in file order."""
    table = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    return table["ids"], table["labels"]


def iter_docs(directory: Path) -> Iterator[Document]:
    """The documents of the corpus in *directory*, in file order, read as they are used
    (the single process holds the index, not the texts)."""
    from ingest.engines._dask import read_jsonl  # noqa: PLC0415 - the dask extra is optional

    for path in sorted(directory.glob("docs-*.jsonl")):
        for item in read_jsonl(path):
            if not isinstance(item, Document):
                raise SystemExit(f"the corpus in {directory} is damaged: {item}")
            yield item


def run_one(
    engine: str,
    directory: Path,
    workers: int,
    memory_limit: float | None,
    timeline: Path | None = None,
) -> dict[str, float]:
    """One engine on the corpus in *directory*, in this process; its measurements."""
    with PeakMemory(timeline=timeline) as memory:
        start = time.perf_counter()
        if engine == "single":
            clusters = find_duplicates(iter_docs(directory))
        else:
            from ingest.engines._dask import DaskEngine, DaskOptions  # noqa: PLC0415

            options = DaskOptions(workers=workers)
            if memory_limit is not None:
                options = attrs.evolve(options, memory_limit=int(memory_limit * 1e9) or None)
            with DaskEngine(options) as dask_engine:
                clusters = dask_engine.find_duplicates(sorted(directory.glob("docs-*.jsonl")))
        seconds = time.perf_counter() - start
    ids, labels = read_labels(directory)
    precision, recall = id_pair_scores(ids, labels, clusters)
    return {
        "seconds": seconds,
        "peak_gb": memory.peak / 1e9,
        "precision": precision,
        "recall": recall,
        "clusters": float(sum(len(c.members) > 1 for c in clusters)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["single", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", type=float, help="GB per Dask worker, 0 for none")
    parser.add_argument("--file-docs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus-dir", type=Path, help="keep the corpora here and reuse them (default: a temp dir)"
    )
    parser.add_argument(
        "--timeline",
        type=Path,
        help="write each run's memory samples and stages to FILE-<corpus>-<engine>.tsv",
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: ENGINE:DIRECTORY
    args = parser.parse_args()
    if args.run:
        engine, directory = args.run.split(":", 1)
        timeline = args.timeline and args.timeline.with_name(
            f"{args.timeline.stem}-{Path(directory).name}-{engine}{args.timeline.suffix}"
        )
        result = run_one(engine, Path(directory), args.workers, args.memory_limit, timeline)
        print(json.dumps(result))
        return
    print(
        f"{'N':>9} {'engine':>7} {'seconds':>9} {'docs/s':>8} {'peak GB':>8} "
        f"{'precision':>9} {'recall':>7} {'clusters':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="ingest-scale-") as tmp:
        root = args.corpus_dir or Path(tmp)
        for size in args.sizes:
            directory = root / f"{size}-seed{args.seed}-{args.file_docs}"
            write_corpus(size, args.seed, directory, args.file_docs)
            for engine in args.engines:
                command = [sys.executable, __file__, "--workers", str(args.workers)]
                if args.memory_limit is not None:
                    command += ["--memory-limit", str(args.memory_limit)]
                if args.timeline is not None:
                    command += ["--timeline", str(args.timeline)]
                command += ["--run", f"{engine}:{directory}"]
                output = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
                result = json.loads(output.stdout.strip().splitlines()[-1])
                print(
                    f"{size:>9} {engine:>7} {result['seconds']:>9.1f} "
                    f"{size / result['seconds']:>8.0f} {result['peak_gb']:>8.2f} "
                    f"{result['precision']:>9.4f} {result['recall']:>7.4f} "
                    f"{int(result['clusters']):>8}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
