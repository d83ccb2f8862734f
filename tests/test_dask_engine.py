"""The Dask engine on a 2-worker LocalCluster: the single-process engine's clusters, and files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import numpy as np
import pytest

from ingest import DedupOptions, Document, IdConflictError, OptionsError, write_bundle
from ingest import find_duplicates as single_process

from .conftest import SEEDS
from .synthetic import Corpus, generate, pair_scores

pytest.importorskip("distributed", reason="the Dask engine needs pip install '.[dask]'")

from ingest._dask import DaskEngine, DaskOptions, clean_document
from ingest._dask_stages import band_hashes

DOCS = 2000


@pytest.fixture(scope="module")
def engine() -> Iterator[DaskEngine]:
    with DaskEngine(DaskOptions(workers=2, partition_docs=400)) as dask_engine:
        yield dask_engine


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate(DOCS, seed=7)


def test_clusters_equal_the_single_process_engine(engine: DaskEngine, corpus: Corpus) -> None:
    expected = single_process(corpus.docs)
    assert engine.find_duplicates(corpus.docs) == expected
    assert sum(len(c.members) > 1 for c in expected) > DOCS // 5
    assert pair_scores(corpus, expected) == (1.0, 1.0)


def test_files_in_and_partitioned_jsonl_out(
    engine: DaskEngine, corpus: Corpus, tmp_path: Path
) -> None:
    docs = corpus.docs[:300]
    options = attrs.evolve(DedupOptions(), kinds={"exact", "near", "containment"})
    (tmp_path / "in").mkdir()
    write_bundle(docs[:150], tmp_path / "in" / "a.bundle")
    with (tmp_path / "in" / "b.jsonl").open("w", encoding="utf-8") as out:
        for doc in docs[150:]:
            out.write(json.dumps({"name": doc.name, "text": doc.text}) + "\n")
    inputs = [str(tmp_path / "in" / "*.bundle"), str(tmp_path / "in" / "*.jsonl")]
    run = engine.dedup(inputs, tmp_path / "out", options)
    assert [p.name for p in run.outputs] == ["part-00000.jsonl", "part-00001.jsonl"]
    records = [
        json.loads(line)
        for path in run.outputs
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert run.documents == len(records) == 300
    reread = [Document(r["name"], r["text"]) for r in records]
    expected = {c.id: set(c.ids) for c in single_process(reread, options)}
    found: dict[str, set[str]] = {}
    for record in records:
        found.setdefault(record["cluster"], set()).add(record["id"])
        assert record["representative"] == (record["evidence"] is None)
    assert found == expected
    assert run.clusters == sum(len(ids) > 1 for ids in expected.values())


def test_prepare_runs_on_the_workers_before_signing(engine: DaskEngine) -> None:
    seeds = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    docs = seeds + [Document(f"copy-{d.name}", d.text + "\nRead also:\n- Oil slips") for d in seeds]
    expected = single_process([clean_document(d) for d in docs])
    assert engine.find_duplicates(docs, prepare=clean_document) == expected
    assert len(expected) == 5


def test_repeated_documents_are_dropped_and_id_conflicts_raise(engine: DaskEngine) -> None:
    text = "Officials said on Monday that the talks over the sale had stalled again. " * 4
    doc = Document("a", text)
    assert engine.find_duplicates([doc, doc]) == single_process([doc, doc])
    with pytest.raises(IdConflictError, match="with a different text"):
        engine.find_duplicates([doc, Document("b", "Another text.", id=doc.id)])


def test_a_scheduler_address_connects_and_leaves_the_cluster_running(engine: DaskEngine) -> None:
    docs = [Document("a", "One two three four five six seven.")]
    with DaskEngine(DaskOptions(scheduler=engine.client.scheduler.address)) as other:
        assert other.find_duplicates(docs) == single_process(docs)
        assert other.find_duplicates([]) == []
    assert engine.find_duplicates(docs) == single_process(docs)


def test_inputs_that_match_nothing_raise(engine: DaskEngine, tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="matches no file"):
        engine.dedup([str(tmp_path / "*.jsonl")], tmp_path / "out")


def test_band_hashes_group_equal_bands_only() -> None:
    sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [2, 1, 3, 4]], dtype=np.uint32)
    hashes = band_hashes(sigs, 2, 2)
    assert hashes[0, 0] == hashes[1, 0] != hashes[2, 0]
    assert hashes[0, 1] == hashes[2, 1] != hashes[1, 1]
