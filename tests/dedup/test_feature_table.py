"""Packed features (the Dask engine's partitions) give back exactly what was packed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import DedupOptions, Document
from ingest.dedup._feature_table import FeatureTable
from ingest.dedup._features import DocFeatures, compute_features

from ..synthetic import generate

OPTIONS = [DedupOptions(), DedupOptions(num_perm=64, sentence_num_perm=32, seed=7)]


def _same(a: DocFeatures, b: DocFeatures, *, sentence_signatures: bool) -> None:
    assert (a.id, a.name, a.language, a.text_key, a.exact_key, a.words) == (
        b.id, b.name, b.language, b.text_key, b.exact_key, b.words,
    )  # fmt: skip
    np.testing.assert_array_equal(a.shingles, b.shingles)
    np.testing.assert_array_equal(a.signature, b.signature)
    np.testing.assert_array_equal(a.sentence_values, b.sentence_values)
    np.testing.assert_array_equal(a.sentence_sizes, b.sentence_sizes)
    assert a.sentence_sizes.dtype == b.sentence_sizes.dtype
    if sentence_signatures:
        np.testing.assert_array_equal(a.sentence_signatures, b.sentence_signatures)
    else:
        assert a.sentence_signatures.shape == (0, b.sentence_signatures.shape[1])


@pytest.mark.parametrize("options", OPTIONS)
def test_rows_are_the_features_packed_signatures_included(options: DedupOptions) -> None:
    docs = [
        *generate(40, seed=11).docs,
        Document("empty", ""),
        Document("punctuation", "... !!! ---"),
        Document("one", "Word."),
        Document("de", "Die Verhandlungen sind ins Stocken geraten, sagte die Regierung."),
        Document("said", "Talks stalled.", meta={"language": "pt-BR"}),
    ]
    features = compute_features(docs, options)
    assert [f.language for f in features[-2:]] == ["de", "pt"]
    table = FeatureTable.pack(features)
    assert len(table) == len(docs)
    order = [5, 0, 41, 40, 42, 17, 5, 43, 44]  # any order, repeats, the empty ones
    for with_sentences in (False, True):
        rows = table.rows(order, options, sentence_signatures=with_sentences)
        for i, row in zip(order, rows, strict=True):
            _same(row, features[i], sentence_signatures=with_sentences)


@pytest.mark.parametrize("options", OPTIONS)
def test_unsigned_features_pack_to_the_same_table(options: DedupOptions) -> None:
    """``compute_features(signed=False)`` (how a partition is signed) skips only the
    signatures: its table gives back the signed features, signatures included."""
    docs = [*generate(30, seed=5).docs, Document("empty", ""), Document("one", "Word.")]
    signed = compute_features(docs, options)
    unsigned = compute_features(docs, options, signed=False)
    assert all(f.signature.size == 0 and f.sentence_signatures.size == 0 for f in unsigned)
    table = FeatureTable.pack(unsigned)
    rows = table.rows(range(len(docs)), options, sentence_signatures=True)
    for row, features in zip(rows, signed, strict=True):
        _same(row, features, sentence_signatures=True)


def test_a_table_is_smaller_than_the_features_it_packs() -> None:
    features = compute_features(generate(60, seed=2).docs, DedupOptions())
    table = FeatureTable.pack(features)
    arrays = sum(
        f.shingles.nbytes + f.signature.nbytes + f.sentence_values.nbytes + f.sentence_sizes.nbytes
        for f in features
    )
    assert table.nbytes < arrays  # no signatures, though the ids and names are counted
    assert FeatureTable.pack([]).rows([], DedupOptions()) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=6), st.data())
def test_any_texts_round_trip(texts: list[str], data: st.DataObject) -> None:
    docs = [Document(f"d{i}", text) for i, text in enumerate(texts)]
    options = DedupOptions(num_perm=32, sentence_num_perm=16)
    features = compute_features(docs, options)
    table = FeatureTable.pack(features)
    order = data.draw(st.lists(st.integers(0, len(docs) - 1), max_size=8)) if docs else []
    for i, row in zip(order, table.rows(order, options, sentence_signatures=True), strict=True):
        _same(row, features[i], sentence_signatures=True)
