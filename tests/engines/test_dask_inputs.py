"""The Dask engine reads what the local engine reads: compressed files, WARC, Parquet; and
``--keep-going`` counts an unreadable input as failed instead of stopping the run."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import ingest

from ..conftest import FIXTURES, SEEDS, run_ingest

pytest.importorskip("distributed", reason="the Dask engine needs pip install '.[dask]'")
pq = pytest.importorskip("pyarrow.parquet", reason="the parquet extra is not installed")

from ingest.engines._dask import DaskEngine, DaskOptions  # noqa: E402

from ..inputs.test_warc import _write as write_warc  # noqa: E402


@pytest.fixture(scope="module")
def engine() -> Iterator[DaskEngine]:
    with DaskEngine(DaskOptions(workers=1)) as dask_engine:
        yield dask_engine


def _inputs(folder: Path) -> list[Path]:
    """The seed articles and the dedup fixtures as a gzipped bundle, a zstd-less JSONL.gz,
    a Parquet file and a WARC.gz."""
    folder.mkdir()
    seeds = folder / "seeds.bundle.gz"
    seeds.write_bytes(gzip.compress((SEEDS / "tiktok.bundle").read_bytes()))
    fixtures = sorted((FIXTURES / "dedup").glob("*.txt"))
    feed = folder / "fixtures.jsonl.gz"
    lines = [json.dumps({"name": p.name, "text": p.read_text(encoding="utf-8")}) for p in fixtures]
    feed.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    table = ingest.Pipeline(ingest.PipelineOptions(clean=None))
    table.write([SEEDS / "001_c51191e24029489c.txt"], folder / "one.parquet", "parquet")
    warc = write_warc(folder / "crawl.warc.gz", per_record_gzip=True)
    return [seeds, feed, folder / "one.parquet", warc]


def _local_clusters(inputs: list[Path]) -> set[frozenset[str]]:
    pipeline = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    list(pipeline.run(inputs))
    return {frozenset(c.ids) for c in pipeline.report.clusters if len(c.members) > 1}


def test_dask_reads_compressed_warc_and_parquet_inputs_as_the_local_engine(
    engine: DaskEngine, tmp_path: Path
) -> None:
    inputs = _inputs(tmp_path / "in")
    run = engine.dedup(inputs, tmp_path / "out", prepare=ingest.clean_document)
    assert run.failures == ()
    assert len(run.outputs) == 4
    records = [
        json.loads(line)
        for path in run.outputs
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    groups: dict[str, set[str]] = {}
    for record in records:
        groups.setdefault(record["cluster"], set()).add(record["id"])
    found = {frozenset(ids) for ids in groups.values() if len(ids) > 1}
    assert found == _local_clusters(inputs)
    assert len(found) >= 4  # the fixtures' duplicates, and the WARC's copy of one page


def test_a_parquet_file_is_one_partition_per_row_group(engine: DaskEngine, tmp_path: Path) -> None:
    seeds = list(ingest.read_bundle(SEEDS / "tiktok.bundle"))
    rows = [{"id": d.id, "text": d.text, "metadata": {"name": d.name}} for d in seeds]
    path = tmp_path / "seeds.parquet"
    pq.write_table(pq.core.pa.Table.from_pylist(rows), path, row_group_size=2)
    run = engine.dedup([path], tmp_path / "out")
    assert [p.name for p in run.outputs] == [f"part-0000{i}.jsonl" for i in range(3)]
    counts = [len(p.read_text(encoding="utf-8").splitlines()) for p in run.outputs]
    assert counts == [2, 2, 1]
    assert run.documents == 5


def test_keep_going_counts_an_unreadable_input_and_goes_on(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    broken = tmp_path / "in" / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(b'{"text": "fine"}\nnot json\n')[:-6])
    out = tmp_path / "out"
    common: list[str | Path] = ["dedup", *inputs, broken]
    common += ["--engine", "dask", "--workers", "1", "-o", out]
    stopped = run_ingest(*common)
    assert stopped.returncode == 1
    assert not out.exists()
    going = run_ingest(*common, "--keep-going")
    assert going.returncode == 1, going.stderr.decode()
    lines = going.stderr.decode().splitlines()
    failed = [line for line in lines if line.startswith("ingest dedup: failed: ")]
    assert len(failed) == 2  # the line that is not JSON, and the cut gzip data
    assert any("not a JSON object" in line for line in failed)
    assert any("the gzip data is corrupt or cut short" in line for line in failed)
    assert any(line.endswith(", 2 failed") for line in lines)
    assert len(list(out.glob("part-*.jsonl"))) == 5
