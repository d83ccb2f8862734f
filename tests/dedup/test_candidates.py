"""The candidate sentence pairs of two documents found from their keys alone, as the
Dask engine's verification finds them: those the sentence LSH proposes."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from ingest import DedupOptions, Document, DuplicateIndex
from ingest.dedup import SentenceKeys, colliding_sentences, compute_features, lsh_banding
from ingest.dedup._features import DocFeatures, sentence_signatures
from ingest.dedup._signature import band_hashes

from ..conftest import FIXTURES, SEEDS

NEWS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "news"


def _docs() -> list[Document]:
    paths = [
        *sorted(SEEDS.glob("*.txt")),
        *sorted((FIXTURES / "dedup").glob("**/*.txt")),
        *sorted((NEWS / "rewrites").glob("*.txt")),
    ]
    assert len(paths) > 40
    return [Document(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _bucketed(a: DocFeatures, b: DocFeatures, options: DedupOptions) -> set[tuple[int, int]]:
    """The pairs of distinct sentences (first copies) of *a* and *b* equal in some band:
    the LSH's definition, sentence by sentence and band by band."""
    banding = lsh_banding(options)[1]
    hashes = [band_hashes(sentence_signatures(f, options), *banding) for f in (a, b)]
    return {
        (i, j)
        for i, j in itertools.product(a.sentence_firsts.tolist(), b.sentence_firsts.tolist())
        if np.any(hashes[0][i] == hashes[1][j])
    }


@pytest.mark.parametrize("threshold", [0.45, 0.7])
def test_colliding_sentences_are_the_pairs_equal_in_a_band(threshold: float) -> None:
    options = DedupOptions(sentence_threshold=threshold)
    features = compute_features(_docs(), options)
    keys = [SentenceKeys.of(f, options) for f in features]
    met = 0
    for (a, ka), (b, kb) in itertools.combinations(zip(features, keys, strict=True), 2):
        found = colliding_sentences(ka, kb)
        assert found.dtype == np.int64
        assert found.tolist() == sorted(map(list, _bucketed(a, b, options)))
        assert colliding_sentences(kb, ka).tolist() == sorted(found[:, ::-1].tolist())
        met += bool(found.size)
    assert met >= 5  # the copies and rewrites share sentences


def test_colliding_sentences_are_the_pairs_the_index_proposes() -> None:
    options = DedupOptions()
    docs = _docs()
    # A document whose sentences repeat: one entry per distinct sentence.
    docs.append(Document("twice", docs[0].text + "\n\n" + docs[0].text))
    *earlier, last = compute_features(docs, options)
    index = DuplicateIndex(options)
    index.extend(docs[:-1])
    [batch] = index._keyed([last])
    [candidates] = index._lookup(batch)
    positions = candidates.positions()
    assert len(positions) > 3
    mine = SentenceKeys.of(last, options)
    for position in positions:
        expected = sorted(set(candidates.sentence_pairs(position)))
        found = colliding_sentences(mine, SentenceKeys.of(earlier[position], options))
        assert [tuple(pair) for pair in found.tolist()] == expected
