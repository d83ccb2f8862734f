"""De-duplication in the pipeline holds the index, not the texts, and writes what it wrote."""

from __future__ import annotations

import gc
import io
import json
import random
import weakref
from pathlib import Path

import pytest

import ingest
from ingest.dedup import BATCH, DuplicateIndex
from ingest.pipeline._options import Outcome
from ingest.pipeline._spill import Spill


def _bundle(tmp_path: Path, count: int) -> Path:
    """*count* distinct documents, every tenth also repeated word for word under a new name."""
    rng = random.Random(count)  # noqa: S311 - test data, not cryptography
    words = [f"w{number}" for number in range(50_000)]
    parts = []
    for number in range(count):
        text = ". ".join(" ".join(rng.choices(words, k=12)) for _ in range(4)) + "."
        parts.append(f"<<<FILE doc-{number:04d}.txt>>>\n{text}\n")
        if number % 10 == 0:
            parts.append(f"<<<FILE copy-{number:04d}.txt>>>\n{text}\n")
    path = tmp_path / "in.bundle"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def test_clustering_starts_with_no_more_than_a_batch_of_documents_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 3 * BATCH
    alive: list[int] = []
    clusters = DuplicateIndex.clusters

    def counted(index: DuplicateIndex) -> list[ingest.Cluster]:
        gc.collect()
        alive.append(sum(isinstance(o, ingest.Document) for o in gc.get_objects()))
        return clusters(index)

    monkeypatch.setattr(DuplicateIndex, "clusters", counted)
    out = io.BytesIO()
    pipeline = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    report = pipeline.write([str(_bundle(tmp_path, count))], out)
    assert report.documents_in > count
    assert report.written == count
    assert len(alive) == 1
    assert alive[0] <= BATCH


def test_outcomes_come_back_from_the_spill_as_they_went_in(tmp_path: Path) -> None:
    pipeline = ingest.Pipeline(ingest.PipelineOptions())
    outcomes = list(pipeline.run([str(_bundle(tmp_path, 30))], None))
    with Spill() as spill:
        for outcome in outcomes:
            spill.append(outcome)
        assert len(spill) == len(outcomes)
        assert list(spill) == outcomes
        assert list(spill) == outcomes  # read again from the start
    assert all(isinstance(o, Outcome) and o.document is not None for o in outcomes)


def test_the_index_is_freed_before_the_second_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second pass holds the clusters, not the index's arrays (most of the memory).
    indexes: list[weakref.ref[DuplicateIndex]] = []
    clusters = DuplicateIndex.clusters

    def watched(index: DuplicateIndex) -> list[ingest.Cluster]:
        indexes.append(weakref.ref(index))
        return clusters(index)

    monkeypatch.setattr(DuplicateIndex, "clusters", watched)
    pipeline = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    outcomes = pipeline.run([str(_bundle(tmp_path, 20))], None)
    first = next(outcomes)
    gc.collect()
    assert len(indexes) == 1
    assert indexes[0]() is None
    assert first.status == "kept"
    assert len([first, *outcomes]) == 22


def _jsonl(tmp_path: Path, records: list[dict[str, str]]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _filler(count: int) -> list[dict[str, str]]:
    rng = random.Random(count)  # noqa: S311 - test data, not cryptography
    words = [f"w{number}" for number in range(50_000)]
    return [
        {"name": f"doc-{n}.txt", "text": " ".join(rng.choices(words, k=30)) + "."}
        for n in range(count)
    ]


@pytest.mark.parametrize("gap", [0, BATCH + 5], ids=["same batch", "next batch"])
def test_a_document_read_twice_is_an_exact_duplicate_of_itself(tmp_path: Path, gap: int) -> None:
    # The second reading comes in the batch of the first, or once the first is indexed:
    # the pipeline asks its batch, then the index (DuplicateIndex.indexed_as).
    first = {"id": "story", "name": "story.txt", "text": "Talks stalled again on Monday."}
    records = [first, *_filler(gap), first]
    outcomes = list(
        ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions())).run(
            [str(_jsonl(tmp_path, records))]
        )
    )
    assert [o.status for o in outcomes] == ["kept"] + ["kept"] * gap + ["duplicate"]
    last = outcomes[-1]
    assert last.duplicate_of == "story"
    assert last.evidence is not None
    assert last.evidence.kind == "exact"


@pytest.mark.parametrize("gap", [0, BATCH + 5], ids=["same batch", "next batch"])
def test_an_id_given_to_two_texts_fails_the_second(tmp_path: Path, gap: int) -> None:
    records = [
        {"id": "story", "name": "first.txt", "text": "Talks stalled again on Monday."},
        *_filler(gap),
        {"id": "story", "name": "second.txt", "text": "A different report altogether."},
    ]
    path = _jsonl(tmp_path, records)
    pipeline = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    outcomes = list(pipeline.run([str(path)]))
    assert [o.status for o in outcomes] == ["kept"] * (gap + 1) + ["failed"]
    failure = outcomes[-1].failure
    assert failure is not None
    assert "'second.txt' has id 'story'" in failure.reason
    assert "'first.txt'" in failure.reason
    assert pipeline.report.balanced
    strict = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions(), strict=True))
    with pytest.raises(ingest.IdConflictError, match=r"second\.txt"):
        list(strict.run([str(path)]))
