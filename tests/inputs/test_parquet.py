"""Parquet in and out, in the layout of datatrove and Dolma (``id``, ``text``, ``metadata``)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import ingest

from ..conftest import SEEDS, run_ingest

pa = pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
pq = pytest.importorskip("pyarrow.parquet")


def _read(path: Path) -> tuple[ingest.Report, list[ingest.Document]]:
    pipeline = ingest.Pipeline(ingest.PipelineOptions(clean=None))
    outcomes = list(pipeline.run([path]))
    return pipeline.report, [o.document for o in outcomes if o.document is not None]


def test_datatrove_rows_are_documents(tmp_path: Path) -> None:
    # As datatrove's ParquetWriter writes them: metadata a struct, plus its media column.
    table = pa.Table.from_pylist(
        [
            {
                "text": "First story.",
                "id": "doc-1",
                "media": [],
                "metadata": {"url": "https://a.example/1", "language": "en"},
            },
            {"text": "Second story.", "id": "doc-2", "media": [], "metadata": {"language": "fr"}},
        ]
    )
    path = tmp_path / "shard.parquet"
    pq.write_table(table, path, row_group_size=1)
    report, docs = _read(path)
    assert report.failures == []
    assert [(d.id, d.text) for d in docs] == [("doc-1", "First story."), ("doc-2", "Second story.")]
    assert docs[0].meta["url"] == "https://a.example/1"
    assert docs[0].meta["language"] == "en"
    assert docs[0].meta["media"] == "[]"


def test_metadata_as_a_json_string_and_rows_without_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": ["Kept text.", None],
            "metadata": [json.dumps({"source": "dolma"}), "{}"],
        }
    )
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    report, docs = _read(path)
    assert [d.meta["source"] for d in docs] == ["dolma"]
    [failure] = report.failures
    assert (failure.line, failure.reason) == (
        2,
        'not a document: expected a JSON object with a string "text"',
    )


def test_rows_of_binary_content_fail_alone(tmp_path: Path) -> None:
    table = pa.table({"id": ["a", "b"], "text": ["Kept text.", "GIF89a\x01\x00\x01\x00\x80"]})
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    report, docs = _read(path)
    assert [d.id for d in docs] == ["a"]
    assert [(f.name, f.line, f.reason) for f in report.failures] == [
        ("record", 2, "binary content: looks like GIF")
    ]


def test_clean_writes_parquet_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"
    done = run_ingest("clean", SEEDS / "tiktok.bundle", "--dedup", "--format", "parquet", "-o", out)
    assert done.returncode == 0, done.stderr.decode()
    table = pq.read_table(out)
    assert table.column_names == ["id", "text", "metadata", "cluster", "representative"]
    assert table.num_rows == 5
    report, docs = _read(out)
    assert report.failures == []
    originals = list(ingest.read_bundle(SEEDS / "tiktok.bundle"))
    assert [d.name for d in docs] == [d.name for d in originals]
    assert [d.id for d in docs] == [d.id for d in originals]


def test_dedup_columns_say_cluster_and_representative(tmp_path: Path) -> None:
    seeds = list(ingest.read_bundle(SEEDS / "tiktok.bundle"))
    copy = ingest.Document("copy.txt", seeds[0].text + "\nOne more line at the end of it.")
    bundle = tmp_path / "in.bundle"
    ingest.write_bundle([*seeds, copy], bundle)
    out = io.BytesIO()
    options = ingest.PipelineOptions(clean=None, dedup=ingest.DedupOptions())
    ingest.Pipeline(options).write([bundle], out, "parquet")
    rows = pq.read_table(pa.BufferReader(out.getvalue())).to_pylist()
    clustered = [r for r in rows if r["cluster"] is not None]
    assert len(rows) == 5  # the copy is dropped, its representative is kept
    assert [(r["representative"], r["cluster"]) for r in clustered] == [(True, clustered[0]["id"])]
    assert all(r["representative"] is None for r in rows if r["cluster"] is None)


def test_jsonl_records_take_metadata_as_well_as_meta(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "d1", "text": "Dolma text.", "metadata": {"year": 2024}}) + "\n",
        encoding="utf-8",
    )
    _, [doc] = _read(feed)
    assert (doc.id, doc.meta["year"]) == ("d1", 2024)


def test_a_damaged_parquet_file_fails_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    report, docs = _read(path)
    assert docs == []
    [failure] = report.failures
    assert failure.reason.startswith("not a readable Parquet file: ")
