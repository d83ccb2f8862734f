"""The candidates stage of one process alone: LSH lookups and filing, per step of documents.

Usage: ``python benchmarks/candidates.py CORPUS [--docs 300000] [--step 20480]
[--hashes FILE] [--baseline SRC ...] [--rounds 1]``

``CORPUS`` is a directory of ``benchmarks/scale.py`` (``--corpus-dir``: JSONL files
and ``labels.json``). Its documents' band hashes, as ``DuplicateIndex`` makes them
(document LSH and sentence LSH, batches of ``BATCH``), are computed once by this
tree and kept in ``--hashes`` (default: ``ingest-band-hashes-CORPUS-N.npz`` in the
temporary directory; they depend on the features and the options, not on the LSH's
code). Each tree then replays them
through a fresh ``DuplicateIndex``'s candidate lookups, as ``extend`` runs them
without verification (every document is added): each batch is looked up in the
index (``_lookup``), then among its own documents (``_within``), then filed
(``_file``). Printed per step of ``--step`` documents, in CPU seconds of the
process (the machine may be shared): the lookups (what ``IndexStats.candidates``
times, with the part within the batch), the filing (timed by no stage), the
candidate hits of the step, the bytes per document of the LSH indexes and the
process's resident memory; at the end a digest of every batch's candidates, equal
for trees that find the same candidates in the same order.

With ``--baseline SRC`` (a ``src`` directory of another checkout, for example
``git archive main src | tar -x -C /tmp/main``) each round replays each baseline
and then this tree, each in its own process. The replay reads private names of
``ingest.dedup._index``; a baseline from before ``_within`` took only the batch is
called with its LSH bands too.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import psutil

ROOT: Final = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import iter_docs  # noqa: E402

from ingest import DedupOptions, DuplicateIndex  # noqa: E402
from ingest.dedup._features import DocFeatures  # noqa: E402


def write_hashes(corpus: Path, docs: int, path: Path) -> None:
    """The band hashes of the first *docs* documents of *corpus*, batch by batch, to *path*."""
    from ingest.dedup._features import compute_features  # noqa: PLC0415
    from ingest.dedup._index import BATCH  # noqa: PLC0415

    index = DuplicateIndex(DedupOptions())
    parts: dict[str, list[npt.NDArray[Any]]] = {
        "document": [],
        "with_words": [],
        "sentences": [],
        "owner": [],
        "first": [],
    }
    remaining = itertools.islice(iter_docs(corpus), docs)
    done = 0
    while chunk := list(itertools.islice(remaining, BATCH)):
        [batch] = index._keyed(compute_features(chunk, index.options))  # noqa: SLF001
        for name, part in parts.items():
            array = getattr(batch, name)
            part.append(array + done if name == "owner" else array)
        done += len(chunk)
    arrays = {name: np.concatenate(part) for name, part in parts.items()}
    np.savez(
        path,
        document=arrays["document"],
        with_words=arrays["with_words"],
        sentences=arrays["sentences"],
        owner=arrays["owner"],
        first=arrays["first"],
    )


def replay(path: Path, docs: int, step: int) -> None:
    """Replay the hashes at *path* through a fresh index; a JSON line per step."""
    from ingest.dedup import _index  # noqa: PLC0415

    with np.load(path) as archive:
        stored = {name: archive[name] for name in archive.files}
    owner = stored["owner"]
    index = DuplicateIndex(DedupOptions())
    bands = (index._doc_params[0], index._sentence_params[0])  # noqa: SLF001
    within_of: Callable[..., list[Any]] = _index._within  # noqa: SLF001
    within_takes_bands = len(inspect.signature(within_of).parameters) > 1
    digest = hashlib.sha256()
    process = psutil.Process()
    lookup = within = filing = 0.0
    hits = 0
    batch_size = _index.BATCH
    for start in range(0, docs, batch_size):
        end = min(start + batch_size, docs)
        low, high = np.searchsorted(owner, [start, end])
        batch = _index._Batch(  # noqa: SLF001
            cast("list[DocFeatures]", [None] * (end - start)),  # only counted
            stored["with_words"][start:end],
            stored["document"][start:end],
            stored["sentences"][low:high],
            owner[low:high] - start,
            stored["first"][low:high],
        )
        began = time.process_time()
        found = index._lookup(batch)  # noqa: SLF001
        middle = time.process_time()
        inside = within_of(batch, *bands) if within_takes_bands else within_of(batch)
        looked = time.process_time()
        index._file(batch, np.arange(start, end, dtype=np.intp))  # noqa: SLF001
        lookup += looked - began
        within += looked - middle
        filing += time.process_time() - looked
        for candidates in (*found, *inside):
            documents = np.concatenate([np.empty(0, np.int64), *candidates._documents])  # noqa: SLF001
            pairs = candidates._all_pairs()  # noqa: SLF001
            hits += documents.size + pairs.shape[0]
            digest.update(np.sort(documents).tobytes())
            digest.update(pairs[np.lexsort(pairs.T[::-1])].tobytes())
        if end % step == 0 or end == docs:
            lsh = index._doc_lsh.nbytes + index._sentence_lsh.nbytes  # noqa: SLF001
            lsh += index._sentence_rows.nbytes  # noqa: SLF001
            print(
                json.dumps(
                    {
                        "docs": end,
                        "lookup": lookup,
                        "within": within,
                        "filing": filing,
                        "hits": hits,
                        "lsh_bytes_per_doc": lsh / end,
                        "rss_gb": process.memory_info().rss / 1e9,
                    }
                ),
                flush=True,
            )
            lookup = within = filing = 0.0
            hits = 0
    print(json.dumps({"digest": digest.hexdigest()[:16]}), flush=True)


def run_tree(src: Path | None, hashes: Path, docs: int, step: int) -> list[dict[str, float]]:
    """Replay in a child process with *src* first on the path (this tree's if ``None``)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    command = [sys.executable, __file__, "--replay", str(hashes)]
    command += ["--docs", str(docs), "--step", str(step)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env)  # noqa: S603
    return [json.loads(line) for line in output.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--docs", type=int, default=300_000)
    parser.add_argument("--step", type=int, default=20_480)
    parser.add_argument("--hashes", type=Path)
    parser.add_argument("--baseline", type=Path, action="append", default=[])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.replay:
        replay(args.replay, args.docs, args.step)
        return
    if args.corpus is None:
        parser.error("give a corpus directory of benchmarks/scale.py")
    hashes = args.hashes or Path(
        tempfile.gettempdir(), f"ingest-band-hashes-{args.corpus.name}-{args.docs}.npz"
    )
    if not hashes.exists():
        start = time.perf_counter()
        write_hashes(args.corpus, args.docs, hashes)
        print(f"band hashes of {args.docs:,} documents: {time.perf_counter() - start:.1f} s")
    trees: list[tuple[str, Path | None]] = [(str(b), b) for b in args.baseline]
    trees.append(("this tree", None))
    for number in range(1, args.rounds + 1):
        for name, src in trees:
            rows = run_tree(src, hashes, args.docs, args.step)
            print(f"round {number}, {name}: digest {rows[-1]['digest']}")
            print(
                f"{'docs':>9} {'lookup s':>9} {'within s':>9} {'filing s':>9} {'hits':>9} "
                f"{'LSH B/doc':>10} {'RSS GB':>7}"
            )
            for row in rows[:-1]:
                print(
                    f"{row['docs']:>9,} {row['lookup']:>9.2f} {row['within']:>9.2f} "
                    f"{row['filing']:>9.2f} {row['hits']:>9,} {row['lsh_bytes_per_doc']:>10,.0f} "
                    f"{row['rss_gb']:>7.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
