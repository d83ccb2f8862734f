"""An index whose documents' arrays are in a temporary file (``spill=True``) decides as
one that holds them in memory, and reads back exactly what it wrote."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest import DedupOptions, Document, DuplicateIndex, find_duplicates
from ingest.dedup import _store, text_key, trim_memory
from ingest.dedup._features import DocFeatures, compute_features
from ingest.dedup._store import FeatureColumns, FeatureFile
from tests.dedup.test_paraphrase import _docs as news_docs
from tests.dedup.test_verification import _families


def _same(a: object, b: object) -> bool:
    return repr(a) == repr(b)


def _assert_same_row(read: DocFeatures, written: DocFeatures) -> None:
    """*read* holds what *written* held, signatures aside."""
    assert (read.id, read.name, read.language) == (written.id, written.name, written.language)
    assert (read.text_key, read.exact_key, read.words) == (
        written.text_key,
        written.exact_key,
        written.words,
    )
    assert np.array_equal(read.shingles, written.shingles)
    assert np.array_equal(read.sentence_values, written.sentence_values)
    assert np.array_equal(read.sentence_sizes, written.sentence_sizes)
    assert read.sentence_sizes.dtype == written.sentence_sizes.dtype


@pytest.mark.parametrize("kept", [_store._KEPT, 3])
def test_rows_read_back_are_the_rows_written(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # 3: almost every row is read back from the file, not from the rows kept.
    monkeypatch.setattr(_store, "_KEPT", kept)
    options = DedupOptions()
    features = compute_features(news_docs(), options)
    with FeatureFile(options) as held:
        for row in features:
            held.append(row)
        assert len(held) == len(features)
        assert held.file_bytes == sum(
            4 * (f.shingles.size + f.sentence_values.size + f.sentence_count + f.signature.size)
            for f in features
        )
        for number in [*range(len(features)), 0, len(features) - 1]:
            read, written = held[number], features[number]
            _assert_same_row(read, written)
            # The document signature is written (links need it); sentence signatures are not.
            assert np.array_equal(read.signature, written.signature)
            assert read.signature.size == options.num_perm
            assert read.sentence_signatures.shape == (0, options.sentence_num_perm)
        assert [n.id for n in held.nodes()] == [f.id for f in features]


@pytest.mark.parametrize("kinds", [None, frozenset({"exact", "near"})])
def test_a_spilled_index_makes_the_clusters_and_evidence_of_one_in_memory(
    kinds: frozenset[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_store, "_KEPT", 5)  # most candidates read from the file
    options = DedupOptions() if kinds is None else DedupOptions(kinds=kinds)
    docs = _families(articles=3, copies=24, seed=5) + news_docs()
    in_memory = find_duplicates(docs, options)
    spilled = find_duplicates(docs, options, spill=True)
    assert _same(spilled, in_memory)
    assert max(len(c.members) for c in in_memory) >= 5  # families of copies


def test_a_spilled_index_answers_add_and_query_as_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_store, "_KEPT", 2)
    docs = _families(articles=2, copies=10, seed=3)
    with DuplicateIndex(spill=True) as spilled:
        memory = DuplicateIndex()
        assert spilled.spilled
        assert not memory.spilled
        for doc in docs[:-1]:
            assert _same(spilled.add(doc), memory.add(doc))
        assert _same(spilled.query(docs[-1]), memory.query(docs[-1]))
        # Its arrays are on disk: it holds far fewer bytes.
        assert spilled.nbytes < memory.nbytes
        path = tmp_path / "index.ingest"
        spilled.save(path)
    loaded = DuplicateIndex.load(path, spill=True)
    assert _same(loaded.clusters(), memory.clusters())
    assert _same(loaded.add(docs[-1]), memory.add(docs[-1]))
    loaded.close()


def test_a_closed_spilled_index_still_gives_its_clusters() -> None:
    docs = [Document("a", "The talks stalled on Monday, officials said. " * 4)] * 2
    index = DuplicateIndex(spill=True)
    index.extend([*docs, Document("b", docs[0].text.upper())])
    before = index.clusters()
    index.close()
    assert _same(index.clusters(), before)
    assert [len(c.members) for c in before] == [2]


def test_trim_memory_answers_whether_it_released_memory() -> None:
    assert trim_memory() in {0, 1}


@pytest.mark.parametrize("spill", [False, True])
def test_indexed_as_gives_the_name_and_text_key_an_id_was_indexed_with(
    spill: bool,  # noqa: FBT001 - a parameter of the test
) -> None:
    doc = Document("a.txt", "Talks stalled again on Monday.", id="story")
    with DuplicateIndex(spill=spill) as index:
        assert index.indexed_as("story") is None
        index.extend([doc, Document("b.txt", "Another text.")])
        assert index.indexed_as("story") == ("a.txt", text_key(doc.text))
        assert index.indexed_as("nothing") is None


def test_feature_columns_give_back_the_rows_added_as_they_grow() -> None:
    """Columns keep every row's arrays value for value (without signatures, as an index
    keeps them in memory), past the room they start with, and rows read before the
    columns grew stay what they were."""
    options = DedupOptions()
    features = compute_features(news_docs(), options) * 12  # past the first 1,024 values
    held = FeatureColumns(options)
    early = []
    for number, row in enumerate(features):
        held.append(row)
        if number == 3:
            early.append(held[3])
    assert len(held) == len(features)
    assert held.shingles.values.size > 1024
    for number in [*range(len(features)), -1]:
        read, written = held[number], features[number]
        _assert_same_row(read, written)
        assert read.signature.size == 0
        assert read.sentence_signatures.shape == (0, options.sentence_num_perm)
    assert np.array_equal(early[0].shingles, features[3].shingles)
    # The arrays, three 8-byte numbers a row (keys, words), and three columns of starts.
    rows = len(features)
    assert held.nbytes == sum(f.nbytes for f in features) + 8 * 3 * rows + 8 * 3 * (rows + 1)
    assert [n.id for n in held.nodes()] == [f.id for f in features]
    with pytest.raises(IndexError, match="row 999"):
        held[999]


def test_the_spans_of_a_growing_file_read_what_was_written() -> None:
    """A features file maps itself again when it grew since it was last mapped, and the
    spans of its rows read back what was written, before and after the pages were
    let go (``release``)."""
    options = DedupOptions()
    features = compute_features(news_docs(), options)
    with FeatureFile(options) as held:
        for number, row in enumerate(features):
            held.append(row)
            positions = np.arange(number + 1, dtype=np.int64)
            spans = held.spans(positions, np.zeros(number + 1, dtype=np.uint32))
            for k, written in enumerate(features[: number + 1]):
                shingles = spans.shingles[spans.shingle_starts[k] : spans.shingle_ends[k]]
                sizes = spans.sizes[spans.sentence_starts[k] : spans.sentence_ends[k]]
                start = spans.value_starts[k]
                stems = spans.stems[start : start + int(sizes.sum())]
                assert np.array_equal(shingles, written.shingles)
                assert np.array_equal(sizes, written.sentence_sizes)
                assert np.array_equal(stems, written.sentence_values)
                assert spans.exact_keys[k] == written.exact_key
                assert spans.words[k] == written.words
            if number % 3 == 0:
                held.release()
        assert len(spans.subset(np.array([2, 0]))) == 2
        assert [f.id for f in spans.documents(np.array([2, 0]))] == [
            features[2].id,
            features[0].id,
        ]
