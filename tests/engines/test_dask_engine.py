"""The Dask engine on a 2-worker LocalCluster: the single-process engine's clusters, and files."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ingest
from ingest import (
    DedupOptions,
    Document,
    IdConflictError,
    InputError,
    OptionsError,
    write_bundle,
)
from ingest import find_duplicates as single_process

from ..conftest import FIXTURES, SEEDS, run_ingest
from ..synthetic import (
    TWO_SENTENCES_SHARED,
    Corpus,
    brief_in_article,
    generate,
    pair_scores,
    together,
)

pytest.importorskip("distributed", reason="the Dask engine needs pip install '.[dask]'")

import dask
from dask.sizeof import sizeof
from dask.utils import parse_bytes
from distributed.system import MEMORY_LIMIT

from ingest.engines._dask import DaskEngine, DaskOptions, DaskRun, clean_document
from ingest.engines._dask_stages import (
    SLOT_BITS,
    band_hashes,
    block_partitions,
    bucket_pairs,
    empty_pairs,
    read_input,
    select_features,
    sign_partition,
    split_blocks,
    trim_memory,
)

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


def test_the_candidate_rule_is_the_single_process_engine_s(
    engine: DaskEngine, corpus: Corpus
) -> None:
    docs = [*corpus.docs, *TWO_SENTENCES_SHARED, *brief_in_article()]
    every = DedupOptions(min_aligned_sentences=2)
    fewer = attrs.evolve(every, min_candidate_sentences=3)
    expected = single_process(docs, fewer)
    assert engine.find_duplicates(docs, fewer) == expected
    assert expected != single_process(docs, every)  # the two shared sentences: too few
    # The brief shares two whole sentences with the article: not verified at all.
    assert together(single_process(docs, every), "article-001.txt", "brief-001.txt")
    assert not together(expected, "article-001.txt", "brief-001.txt")


def test_partitions_verified_in_groups_give_the_same_clusters(
    engine: DaskEngine, corpus: Corpus
) -> None:
    """14 partitions in 3 groups (5, 5, 4): blocks within and across groups."""
    options = DaskOptions(
        scheduler=engine.client.scheduler.address, partition_docs=150, verify_groups=3
    )
    with DaskEngine(options) as grouped:
        assert grouped.find_duplicates(corpus.docs) == single_process(corpus.docs)


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
    reread = [Document(r["meta"]["path"], r["text"]) for r in records]  # the JSONL codec's layout
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


def test_a_scheduler_that_does_not_answer_is_a_connection_error(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(
        ConnectionError, match=f"no Dask scheduler answered at {address} within 1 s"
    ):
        DaskEngine(DaskOptions(scheduler=address, connect_timeout=1))
    with pytest.raises(
        OptionsError, match=r"^DaskOptions.connect_timeout must be a number > 0, got 0; seconds to"
    ):
        DaskOptions(connect_timeout=0)
    out = tmp_path / "out"
    feed = SEEDS / "tiktok.bundle"
    result = run_ingest(
        "dedup",
        feed,
        "--engine",
        "dask",
        "--scheduler",
        address,
        "--connect-timeout",
        "1",
        "-o",
        out,
    )
    assert result.returncode == 1
    [line] = result.stderr.decode().splitlines()
    assert line.startswith(f"ingest dedup: error: no Dask scheduler answered at {address}")
    assert line.endswith(f"{out} was left as it was")
    assert not out.exists()


def test_inputs_that_match_nothing_raise(engine: DaskEngine, tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="matches no file"):
        engine.dedup([str(tmp_path / "*.jsonl")], tmp_path / "out")


def test_band_hashes_group_equal_bands_only() -> None:
    sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [2, 1, 3, 4]], dtype=np.uint32)
    hashes = band_hashes(sigs, 2, 2)
    assert hashes[0, 0] == hashes[1, 0] != hashes[2, 0]
    assert hashes[0, 1] == hashes[2, 1] != hashes[1, 1]


def test_candidates_are_grouped_by_pair_of_partitions_each_once() -> None:
    def slot(partition: int, row: int) -> int:
        return (partition << SLOT_BITS) | row

    keys = pd.DataFrame(
        {
            "key": np.array([7, 7, 7, 9, 9, 5], dtype=np.int64),
            "slot": np.array([slot(1, 0), slot(0, 3), slot(1, 2), slot(0, 3), slot(1, 0), 1]),
        }
    )
    pairs = bucket_pairs(keys)
    assert len(pairs) == 3  # (0/3, 1/0) in two buckets: once
    # The same pair from two shuffled partitions: kept once.
    blocks = split_blocks(pd.concat([pairs, pairs]))
    assert sorted(blocks) == [(0 << SLOT_BITS) | 1, (1 << SLOT_BITS) | 1]
    assert blocks[1].tolist() == [[slot(0, 3), slot(1, 0)], [slot(0, 3), slot(1, 2)]]
    assert blocks[(1 << SLOT_BITS) | 1].tolist() == [[slot(1, 0), slot(1, 2)]]
    assert split_blocks(pairs.iloc[:0]) == {}
    assert bucket_pairs(keys.iloc[:0]).empty
    assert bucket_pairs(keys.iloc[[0, 3, 5]]).empty  # no key twice


_KEYS = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 2), st.integers(0, 4)), max_size=80)


@given(_KEYS, st.integers(1, 3), st.integers(1, 40))
def test_bucket_pairs_are_the_distinct_pairs_of_a_self_join(
    entries: list[tuple[int, int, int]], group: int, at_once: int
) -> None:
    keys = pd.DataFrame(
        {
            "key": np.array([key for key, _, _ in entries], dtype=np.int64),
            "slot": np.array([p << SLOT_BITS | r for _, p, r in entries], dtype=np.int64),
        }
    )
    joined = keys.merge(keys, on="key")
    expected = {
        (((a >> SLOT_BITS) // group) << SLOT_BITS | (b >> SLOT_BITS) // group, a, b)
        for a, b in zip(joined["slot_x"], joined["slot_y"], strict=True)
        if a < b
    }
    pairs = bucket_pairs(keys, group, at_once=at_once)
    rows = list(pairs.itertuples(index=False, name=None))
    assert len(rows) == len(set(rows))
    assert set(rows) == expected
    assert dict(pairs.dtypes) == dict(empty_pairs().dtypes)


_ROWS = st.tuples(
    st.integers(0, 3),  # block
    st.integers(0, 5),  # sa
    st.integers(0, 5),  # sb
)


@given(st.lists(_ROWS, max_size=60))
def test_a_block_s_rows_are_its_distinct_rows_in_order(rows: list[tuple[int, ...]]) -> None:
    frame = pd.DataFrame(
        {
            name: np.array([row[k] for row in rows], dtype=dtype)
            for k, (name, dtype) in enumerate(empty_pairs().dtypes.items())
        }
    )
    expected: dict[int, list[list[int]]] = {}
    for block, *rest in sorted(set(rows)):
        expected.setdefault(block, []).append(rest)
    blocks = split_blocks(frame)
    assert {block: table.tolist() for block, table in blocks.items()} == expected
    assert all(table.dtype == np.int64 and table.shape[1] == 2 for table in blocks.values())


def test_blocks_pair_groups_of_partitions() -> None:
    def slot(partition: int, row: int) -> int:
        return (partition << SLOT_BITS) | row

    keys = pd.DataFrame(
        {
            "key": np.array([7, 7, 7, 9, 9], dtype=np.int64),
            "slot": np.array([slot(0, 1), slot(2, 0), slot(5, 3), slot(1, 4), slot(2, 2)]),
        }
    )
    blocks = split_blocks(bucket_pairs(keys, 3))  # groups {0, 1, 2}, {3, 4, 5}
    assert sorted(blocks) == [0, 1]  # group 0 with itself; group 0 with group 1
    assert blocks[0].tolist() == [[slot(0, 1), slot(2, 0)], [slot(1, 4), slot(2, 2)]]
    assert blocks[1].tolist() == [[slot(0, 1), slot(5, 3)], [slot(2, 0), slot(5, 3)]]
    assert list(block_partitions(0, 3, 6)) == [0, 1, 2]
    assert list(block_partitions(1, 3, 6)) == [0, 1, 2, 3, 4, 5]
    assert list(block_partitions((1 << SLOT_BITS) | 1, 4, 6)) == [4, 5]  # the last group is short


def test_a_partition_gives_the_features_of_its_own_candidates_only(corpus: Corpus) -> None:
    options = DedupOptions()
    part = sign_partition(2, corpus.docs[:10], options, None, keep_docs=False)
    rows = np.array([[(1 << SLOT_BITS) | 4, (2 << SLOT_BITS) | 3],
                     [(2 << SLOT_BITS) | 3, (2 << SLOT_BITS) | 7],
                     [(2 << SLOT_BITS) | 0, (3 << SLOT_BITS) | 1]])  # fmt: skip
    selected = select_features(part, rows, options)
    assert sorted(selected) == [(2 << SLOT_BITS) | r for r in (0, 3, 7)]
    assert [f.id for f in selected.values()] == [corpus.docs[r].id for r in (0, 3, 7)]


def test_partitions_tell_dask_their_size_and_memory_is_trimmed(corpus: Corpus) -> None:
    docs = corpus.docs[:50]
    part = sign_partition(0, docs, DedupOptions(), None, keep_docs=True)
    arrays = part.table.shingles.nbytes + part.table.sentence_values.nbytes
    texts = sum(len(d.text) for d in docs)
    assert sizeof(part) > arrays + texts
    assert trim_memory() in {0, 1}


def test_workers_get_a_memory_limit_derived_from_the_machine() -> None:
    assert DaskOptions(workers=2).memory_limit == MEMORY_LIMIT // 3 // 2
    assert DaskOptions(workers=4, memory_limit=None).memory_limit is None
    with pytest.raises(
        OptionsError, match=r"^DaskOptions.memory_limit must be an integer >= 1 or None, got 0$"
    ):
        DaskOptions(memory_limit=0)


def test_workers_shuffle_through_a_send_buffer_of_the_options_size(engine: DaskEngine) -> None:
    def limits(dask_worker: Any) -> int:
        return int(dask_worker.extensions["shuffle"].memory_limiter_comms.limit)

    assert engine.options.shuffle_buffer == 128 * 2**20
    assert set(engine.client.run(limits).values()) == {128 * 2**20}
    with DaskEngine(DaskOptions(workers=1, shuffle_buffer=None)) as dasks_own:
        dasks = parse_bytes(dask.config.get("distributed.p2p.comm.buffer"))  # 1 GiB unless set
        assert set(dasks_own.client.run(limits).values()) == {dasks}
    with pytest.raises(
        OptionsError, match=r"^DaskOptions.shuffle_buffer must be an integer >= 1 or None, got 0$"
    ):
        DaskOptions(shuffle_buffer=0)


# -- the public names and `ingest dedup --engine dask` ---------------------------------------


def test_the_engine_is_public_and_imported_on_first_use() -> None:
    assert (ingest.DaskEngine, ingest.DaskOptions, ingest.DaskRun) == (
        DaskEngine,
        DaskOptions,
        DaskRun,
    )
    assert ingest.clean_document is clean_document


def _records(out: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(out.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_cli_dedup_with_dask_clusters_as_the_local_engine(
    engine: DaskEngine, corpus: Corpus, tmp_path: Path
) -> None:
    docs = corpus.docs[:160]
    (tmp_path / "in").mkdir()
    write_bundle(docs[:80], tmp_path / "in" / "a.bundle")
    with (tmp_path / "in" / "b.jsonl").open("w", encoding="utf-8") as lines:
        for doc in docs[80:]:
            lines.write(json.dumps({"name": doc.name, "text": doc.text}) + "\n")
    out = tmp_path / "out"
    address = engine.client.scheduler.address
    inputs = [tmp_path / "in" / "*.bundle", tmp_path / "in" / "b.jsonl"]
    result = run_ingest("dedup", *inputs, "--engine", "dask", "--scheduler", address, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    summary, clusters = result.stderr.decode().splitlines()
    assert (
        summary == "ingest dedup: 160 documents in: 160 written, 0 dropped as duplicates, 0 failed"
    )
    assert clusters.endswith(f"duplicates; 2 JSONL files in {out}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no temporary left
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.jsonl", "part-00001.jsonl"]
    found = {r["id"]: r["cluster"] for r in _records(out)}

    local = run_ingest("dedup", *sorted((tmp_path / "in").iterdir()), "--format", "jsonl", "--all")
    assert local.returncode == 0, local.stderr
    expected = {r["member"]: r["cluster"] for r in map(json.loads, local.stdout.splitlines())}
    assert found == expected
    duplicates = len(found) - len(set(found.values()))
    assert duplicates > 25
    assert f": {len(found) - duplicates} unique, {duplicates} duplicates;" in clusters


def test_cli_dedup_with_dask_finds_the_kinds_asked_for(engine: DaskEngine, tmp_path: Path) -> None:
    """``--kinds`` reaches the engine: the containment of 001 is linked, the paraphrase
    of 004 (linked with every kind, ``tests/cli/test_cli_kinds.py``) is not."""
    dedup = FIXTURES / "dedup"
    inputs = [dedup / "truncated_001.txt", dedup / "paraphrase_of_004.txt", SEEDS / "tiktok.bundle"]
    out = tmp_path / "out"
    address = engine.client.scheduler.address
    result = run_ingest(
        "dedup", *inputs, "--engine", "dask", "--scheduler", address, "-o", out,
        "--kinds", "exact,near,containment",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    clusters = result.stderr.decode().splitlines()[-1]
    assert clusters.startswith("ingest dedup: 1 cluster with duplicates: 6 unique, 1 duplicate;")
    kinds = {r["meta"]["path"]: (r["evidence"] or {}).get("kind") for r in _records(out)}
    assert kinds["truncated_001.txt"] == "containment"
    assert kinds["paraphrase_of_004.txt"] is None


def test_cli_dedup_with_dask_reports_a_bad_record_and_goes_on(
    engine: DaskEngine, tmp_path: Path
) -> None:
    """A JSONL line that is not a document, or holds binary content, fails alone, as
    with the local engine."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"text": "Markets rallied on Monday."}\nnot json\n{"text": "PK\\u0003\\u0004\\u0014"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    address = engine.client.scheduler.address
    result = run_ingest("dedup", feed, "--engine", "dask", "--scheduler", address, "-o", out)
    assert result.returncode == 1
    failed, binary, summary, _ = result.stderr.decode().splitlines()
    assert failed.startswith(f"ingest dedup: failed: {feed}: record (at line 2): not a JSON object")
    assert binary.startswith(
        f"ingest dedup: failed: {feed}: record (at line 3): binary content: looks like ZIP"
    )
    assert summary == "ingest dedup: 3 documents in: 1 written, 0 dropped as duplicates, 2 failed"
    [record] = _records(out)
    assert record["text"] == "Markets rallied on Monday."
    local = run_ingest("clean", feed, "--format", "jsonl")
    assert local.returncode == 1
    assert f"ingest clean: failed: {feed}: record (at line 2): not a JSON object" in (
        local.stderr.decode()
    )


def test_cli_dedup_with_dask_starts_a_local_cluster_without_a_scheduler(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()  # an empty directory is replaced
    result = run_ingest(
        "dedup", SEEDS / "tiktok.bundle", "--engine", "dask", "--workers", "1", "-o", out, "-v"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().splitlines() == [
        f"{out}/part-00000.jsonl: written",
        "ingest dedup: 5 documents in: 5 written, 0 dropped as duplicates, 0 failed",
        f"ingest dedup: 0 clusters with duplicates: 5 unique, 0 duplicates; 1 JSONL file in {out}",
    ]
    assert [r["meta"]["path"][:3] for r in _records(out)] == ["000", "001", "002", "003", "004"]


def test_jsonl_lines_that_are_not_documents_fail_alone_with_their_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"text": "Markets rallied."}\n\n{"text": "bad \xff"}\n[1]\n')
    docs, failures = read_input(feed)  # strict about inputs, never about one record
    assert [d.text for d in docs] == ["Markets rallied."]
    bad_bytes, not_object = failures
    assert (bad_bytes.line, bad_bytes.source) == (3, str(feed))
    assert "not a JSON object" in bad_bytes.reason
    assert not_object.line == 4
    assert not_object.reason == 'not a document: expected a JSON object with a string "text"'


def test_an_input_that_cannot_be_read_stops_the_run_unless_keep_going(tmp_path: Path) -> None:
    page = tmp_path / "image.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary content"):
        read_input(page)
    docs, failures = read_input(page, keep_going=True)
    assert docs == []
    [failure] = failures
    assert "binary content" in failure.reason
