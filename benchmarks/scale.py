"""De-duplication at scale: one process, the CLI, plain datasketch and the Dask engine.

Usage: ``python benchmarks/scale.py [--corpora synthetic real] [--sizes 10000 100000]
[--engines single every spill fewer near datasketch cli cli-near dask] [--workers 2]
[--memory-limit GB] [--file-docs 5000] [--corpus-dir DIR] [--wcxb DIR]`` (``--sizes
1000000`` for the million; ``--corpus-dir`` keeps the generated corpora and reuses them).

For each corpus and size N, N documents are written as JSONL files of
``--file-docs`` documents, as they are generated (the benchmark's own process
never holds the corpus):

* **synthetic**: news documents with a planted duplicate structure
  (``tests/synthetic.py``: seed-shaped articles, near copies, truncations,
  sentence shuffles with word swaps); clusters of four documents on average;
* **real**: real article text with big families of overlapping copies, as a
  wire story is reprinted and re-cut: each document is a window of 5 to 12
  consecutive paragraphs of one of the WCXB development pages with at least 12
  paragraphs (``--wcxb``, default ``../shared/benchmarks/wcxb``; paragraphs are
  the blank-line separated blocks of ``main_content``), drawn at random, with 0
  to 30 of its words each replaced by a word of the same page. With 1,229
  pages, a family has N / 1,229 documents on average: it grows with N.

Each engine then runs in a fresh Python process from the files to the clusters:

* **single**: :class:`ingest.DuplicateIndex` with the default options (every
  kind), extended with the documents of every file as they are read;
* **spill**: the same as single with ``DuplicateIndex(spill=True)``: each
  document's arrays in a temporary file (what ``ingest dedup`` does);
* **every**: every kind, with ``min_candidate_sentences=0``: every candidate the LSH
  indexes propose is verified and aligned, whether its sentence pairs align or not
  (the default before 8 December 2026);
* **fewer**: every kind, with ``min_candidate_sentences=min_aligned_sentences``:
  a pair that only the sentence LSH proposes is verified, and any pair aligned for
  ``paraphrase``, only when the sentence LSH proposes at least that many sentences
  of each document (or all the shorter one has);
* **near**: the same as single with ``kinds={"exact", "near"}``;
* **datasketch**: the plain pipeline a new user would write first, the
  baseline: ``datasketch.MinHash`` (128 permutations) of each document's
  lower-cased word 5-grams, ``MinHashLSH(threshold=0.7)`` queried then filled
  one document at a time, union-find over every LSH hit, no verification;
* **cli**: ``ingest dedup FILES --no-clean --format jsonl`` (reading, the
  pipeline and its output included);
* **cli-near**: the same with ``--kinds exact,near``, the fast path of the CLI
  (what **near** is to **single**);
* **dask**: :meth:`ingest.engines._dask.DaskEngine.find_duplicates` on the files,
  ``LocalCluster(--workers)``, one partition per file, each worker with
  ``DaskOptions.memory_limit`` (``--memory-limit`` GB; default the option's
  default, 0 for none).

Reported per run: wall time (startup of the cluster included), documents per
second, peak memory (the highest sum of the resident memory of the process and
all its children, sampled every 0.2 s: the CLI's process, Dask's scheduler,
nannies and workers included), the clusters with duplicates, and for the
synthetic corpus pair precision and recall against the planted clusters. For
**single**, **every**, **spill**, **fewer** and **near** a second line gives the stages
(features, candidates, verification on shingle sets, sentence alignment, clustering; seconds), the
pairs verified and aligned, and the bytes per document of the index's arrays
(:attr:`ingest.DuplicateIndex.nbytes`).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import logging
import random
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

from ingest import Cluster, DedupOptions, Document, DuplicateIndex, Member  # noqa: E402
from ingest.core import decode_jsonl_line  # noqa: E402
from ingest.dedup import kernels_available  # noqa: E402


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


def write_corpus(
    documents: Iterator[tuple[Document, int]], directory: Path, file_docs: int
) -> None:
    """*documents* (each with its label) as JSONL files of *file_docs* documents,
    written as they are generated, plus ``labels.json`` (ids and labels).

    A directory that holds a complete corpus (its ``labels.json`` is written last)
    is kept as it is: ``--corpus-dir`` reuses corpora between runs.
    """
    if (directory / "labels.json").exists():
        return
    directory.mkdir(parents=True, exist_ok=True)
    ids: list[str] = []
    labels: list[int] = []
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


#: What ``--engines`` takes: ingest's index with default kinds, with every candidate
#: aligned, with fewer sentences proposed, with exact + near only, and spilled; plain
#: datasketch; the command line with default kinds and with exact + near; the Dask engine.
ENGINES: Final = (
    "single",
    "every",
    "fewer",
    "near",
    "spill",
    "datasketch",
    "cli",
    "cli-near",
    "dask",
)

#: A real-text document: a window of this many consecutive paragraphs, and up to
#: this many word swaps.
WINDOW: Final = (5, 12)
MAX_SWAPS: Final = 30


def wcxb_articles(wcxb: Path) -> list[list[str]]:
    """The paragraphs of each WCXB development page with at least ``WINDOW[1]`` of them."""
    articles = []
    for path in sorted((wcxb / "dev" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        text = truth.get("main_content") or ""
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        if len(paragraphs) >= WINDOW[1]:
            articles.append(paragraphs)
    if not articles:
        raise SystemExit(f"no WCXB pages under {wcxb}; give the directory with --wcxb")
    return articles


def iter_real_text(count: int, seed: int, wcxb: Path) -> Iterator[tuple[Document, int]]:
    """*count* windows of WCXB pages with word swaps, each with its page's number."""
    rng = random.Random(seed)
    articles = wcxb_articles(wcxb)
    vocabularies = [sorted({w for p in article for w in p.split()}) for article in articles]
    for number in range(count):
        label = rng.randrange(len(articles))
        paragraphs = articles[label]
        size = rng.randint(*WINDOW)
        start = rng.randrange(len(paragraphs) - size + 1)
        window = [p.split() for p in paragraphs[start : start + size]]
        spots = [(i, j) for i, words in enumerate(window) for j in range(len(words))]
        for i, j in rng.sample(spots, min(len(spots), rng.randint(0, MAX_SWAPS))):
            window[i][j] = rng.choice(vocabularies[label])
        text = "\n\n".join(" ".join(words) for words in window)
        yield Document(f"real-{number:07d}.txt", text), label


def read_labels(directory: Path) -> tuple[list[str], list[int]]:
    """The ids and planted labels of the corpus in *directory*, in file order."""
    table = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    return table["ids"], table["labels"]


def iter_docs(directory: Path) -> Iterator[Document]:
    """The documents of the corpus in *directory*, in file order, read as they are used
    (the single process holds the index, not the texts; no Dask needed), through the
    JSONL codec every engine reads with."""
    for path in sorted(directory.glob("docs-*.jsonl")):
        with path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                yield decode_jsonl_line(line, str(path), number)


#: The ids of the members of each cluster with duplicates.
_Groups = list[tuple[str, ...]]


def single(
    directory: Path, options: DedupOptions, *, spill: bool = False
) -> tuple[_Groups, dict[str, float]]:
    """The clusters with duplicates of one :class:`DuplicateIndex`, and its stages."""
    with DuplicateIndex(options, spill=spill) as index:
        index.extend(iter_docs(directory))
        start = time.perf_counter()
        clusters = index.clusters()
    stats = attrs.asdict(index.stats)
    stats["clusters"] = time.perf_counter() - start
    stats["bytes_per_doc"] = index.nbytes / max(1, len(index))
    return [c.ids for c in clusters if len(c.members) > 1], stats


def plain_datasketch(directory: Path, num_perm: int = 128, threshold: float = 0.7) -> _Groups:
    """The baseline: word 5-gram MinHash, ``MinHashLSH``, union-find, no verification;
    the clusters with duplicates."""
    from datasketch import MinHash, MinHashLSH  # noqa: PLC0415 - the bench extra

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    parent: list[int] = []
    ids: list[str] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, doc in enumerate(iter_docs(directory)):
        parent.append(key)
        ids.append(doc.id)
        words = doc.text.lower().split()
        grams = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        signature = MinHash(num_perm=num_perm)
        signature.update_batch([g.encode("utf-8") for g in grams])
        for other in lsh.query(signature):
            a, b = find(key), find(other)
            parent[max(a, b)] = min(a, b)
        lsh.insert(key, signature)
    groups: dict[int, list[str]] = {}
    for key, doc_id in enumerate(ids):
        groups.setdefault(find(key), []).append(doc_id)
    return [tuple(group) for group in groups.values() if len(group) > 1]


def cli(directory: Path, kinds: str | None = None) -> _Groups:
    """``ingest dedup`` on the files (``--kinds KINDS``), in a child process; the clusters
    with duplicates."""
    with tempfile.TemporaryDirectory(prefix="ingest-scale-cli-") as tmp:
        out = Path(tmp) / "clusters.jsonl"
        files = [str(f) for f in sorted(directory.glob("docs-*.jsonl"))]
        command = [sys.executable, "-m", "ingest", "dedup", *files, "--no-clean"]
        command += ["--format", "jsonl", "-o", str(out), "--quiet"]
        command += [] if kinds is None else ["--kinds", kinds]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row["cluster"], []).append(row["member"])
    return [tuple(group) for group in groups.values() if len(group) > 1]


def run_one(
    engine: str,
    directory: Path,
    workers: int,
    memory_limit: float | None,
    timeline: Path | None = None,
) -> dict[str, object]:
    """One engine on the corpus in *directory*, in this process; its measurements."""
    stages: dict[str, float] = {}
    ids, labels = read_labels(directory)
    with PeakMemory(timeline=timeline) as memory:
        start = time.perf_counter()
        if engine == "single":
            groups, stages = single(directory, DedupOptions())
        elif engine == "spill":
            groups, stages = single(directory, DedupOptions(), spill=True)
        elif engine == "every":
            groups, stages = single(directory, DedupOptions(min_candidate_sentences=0))
        elif engine == "fewer":
            defaults = DedupOptions()
            fewer = attrs.evolve(defaults, min_candidate_sentences=defaults.min_aligned_sentences)
            groups, stages = single(directory, fewer)
        elif engine == "near":
            groups, stages = single(directory, DedupOptions(kinds=frozenset({"exact", "near"})))
        elif engine == "datasketch":
            groups = plain_datasketch(directory)
        elif engine == "cli":
            groups = cli(directory)
        elif engine == "cli-near":
            groups = cli(directory, kinds="exact,near")
        elif engine == "dask":
            from ingest.engines._dask import DaskEngine, DaskOptions  # noqa: PLC0415

            options = DaskOptions(workers=workers)
            if memory_limit is not None:
                options = attrs.evolve(options, memory_limit=int(memory_limit * 1e9) or None)
            with DaskEngine(options) as dask_engine:
                clusters = dask_engine.find_duplicates(sorted(directory.glob("docs-*.jsonl")))
            groups = [c.ids for c in clusters if len(c.members) > 1]
        else:
            raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
        seconds = time.perf_counter() - start
    if directory.name.startswith("synthetic"):
        as_clusters = [Cluster(g[0], g[0], tuple(Member(i, i, None) for i in g)) for g in groups]
        stages["precision"], stages["recall"] = id_pair_scores(ids, labels, as_clusters)
    return {
        "seconds": seconds,
        "peak_gb": memory.peak / 1e9,
        "clusters": len(groups),
        "stages": stages,
    }


def _stages_line(stages: dict[str, float]) -> str:
    return (
        f"{'':>30} stages: features {stages['features']:.1f} s, candidates "
        f"{stages['candidates']:.1f} s, verify on sets {stages['verify_sets']:.1f} s, "
        f"alignment {stages['verify_paraphrase']:.1f} s, clusters {stages['clusters']:.1f} s; "
        f"{int(stages['pairs'])} pairs verified, {int(stages['alignments'])} aligned, "
        f"{int(stages['skipped'])} with kinds skipped, {int(stages['sized_out'])} ruled out by "
        f"their sizes, {int(stages['unproposed'])} not proposed for alignment, "
        f"{int(stages.get('unverified', 0))} not verified (too few sentences align); "
        f"index arrays {stages['bytes_per_doc']:,.0f} bytes/doc"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=["synthetic", "real"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=["single", "fewer", "near", "datasketch", "cli", "cli-near", "dask"],
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", type=float, help="GB per Dask worker, 0 for none")
    parser.add_argument("--file-docs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus-dir", type=Path, help="keep the corpora here and reuse them (default: a temp dir)"
    )
    parser.add_argument("--wcxb", type=Path, default=ROOT.parent / "shared/benchmarks/wcxb")
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
    kernels = (
        f"numba {importlib.metadata.version('numba')} (ingest[fast])"
        if kernels_available()
        else "none: numpy only (pip install 'ingest[fast]' for numba's)"
    )
    print(f"compiled kernels: {kernels}; each run is a new process and pays their load")
    print(
        f"{'corpus':>9} {'N':>9} {'engine':>10} {'seconds':>9} {'docs/s':>8} {'peak GB':>8} "
        f"{'clusters':>8} {'precision':>9} {'recall':>7}"
    )
    with tempfile.TemporaryDirectory(prefix="ingest-scale-") as tmp:
        root = args.corpus_dir or Path(tmp)
        for corpus in args.corpora:
            for size in args.sizes:
                directory = root / f"{corpus}-{size}-seed{args.seed}-{args.file_docs}"
                documents = (
                    iter_documents(size, seed=args.seed)
                    if corpus == "synthetic"
                    else iter_real_text(size, args.seed, args.wcxb)
                )
                write_corpus(documents, directory, args.file_docs)
                for engine in args.engines:
                    _report(corpus, size, engine, directory, args)


def _report(corpus: str, size: int, engine: str, directory: Path, args: argparse.Namespace) -> None:
    """Run *engine* on *directory* in a child process and print its line(s)."""
    command = [sys.executable, __file__, "--workers", str(args.workers)]
    if args.memory_limit is not None:
        command += ["--memory-limit", str(args.memory_limit)]
    if args.timeline is not None:
        command += ["--timeline", str(args.timeline)]
    command += ["--run", f"{engine}:{directory}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    result = json.loads(output.stdout.strip().splitlines()[-1])
    stages = result["stages"]
    scores = (
        f"{stages['precision']:>9.4f} {stages['recall']:>7.4f}"
        if "precision" in stages
        else f"{'-':>9} {'-':>7}"
    )
    print(
        f"{corpus:>9} {size:>9} {engine:>10} {result['seconds']:>9.1f} "
        f"{size / result['seconds']:>8.0f} {result['peak_gb']:>8.2f} "
        f"{result['clusters']:>8} {scores}",
        flush=True,
    )
    if "features" in stages:
        print(_stages_line(stages), flush=True)


if __name__ == "__main__":
    main()
