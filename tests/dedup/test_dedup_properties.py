"""Properties of de-duplication over generated texts (strategies in tests/strategies.py)."""

from __future__ import annotations

import datasketch
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import DedupOptions, Document, DuplicateIndex, find_duplicates
from ingest.core._text import word_bytes, word_stream, words
from ingest.dedup import verify
from ingest.dedup._features import compute_features
from ingest.dedup._shingle import (
    hash_streams,
    jaccard,
    overlaps,
    shingle_hashes,
    shingles,
    split_sets,
    token_hash,
)
from ingest.dedup._signature import Permutations, estimate_jaccard, signature

from ..strategies import any_text, article_texts, hash_sets

OPTIONS = DedupOptions()


@given(article_texts)
def test_a_document_is_an_exact_duplicate_of_itself(text: str) -> None:
    [a, b] = compute_features([Document("a", text), Document("b", text)], OPTIONS)
    link = verify(a, b, (), OPTIONS)
    assert link is not None
    assert (link.kind, link.estimated, link.exact) == ("exact", 1.0, 1.0)
    assert estimate_jaccard(a.signature, b.signature) == 1.0
    assert jaccard(a.shingles, b.shingles) == 1.0


@given(article_texts)
def test_self_similarity_is_one_for_every_kind(text: str) -> None:
    [a, b] = compute_features([Document("a", text), Document("b", text)], OPTIONS)
    for kind in ("near", "containment", "paraphrase"):
        options = DedupOptions(kinds={kind}, min_aligned_sentences=1)
        link = verify(a, b, [(i, i) for i in range(len(a.sentences))], options)
        if kind == "paraphrase" and not a.sentences:
            assert link is None
            continue
        assert link is not None
        assert (link.kind, link.estimated, link.exact) == (kind, 1.0, 1.0)


@given(any_text)
def test_word_bytes_are_the_encoded_words(text: str) -> None:
    assert word_bytes(text) == [w.encode() for w in words(text)]


@given(hash_sets, st.integers(0, 2**32 - 1))
@settings(max_examples=50)
def test_signature_equals_datasketch(values: list[int], seed: int) -> None:
    minhash = datasketch.MinHash(num_perm=32, seed=seed, hashfunc=lambda v: v)
    minhash.update_batch(values)
    ours = signature(np.unique(np.array(values, dtype=np.uint32)), Permutations.create(32, seed))
    assert np.array_equal(ours, minhash.hashvalues)


@given(a=hash_sets, sets=st.lists(hash_sets, max_size=6), shared=st.booleans())
def test_overlaps_count_the_shared_hashes_of_each_set(
    a: list[int], sets: list[list[int]], *, shared: bool
) -> None:
    # shared: most of each set in a (a binary search of each), or few (the slot table).
    mine = np.unique(np.array(a, dtype=np.uint32))
    theirs = [np.unique(np.array(s + (a if shared else a[:3]), dtype=np.uint32)) for s in sets]
    expected = [len(set(mine.tolist()) & set(s.tolist())) for s in theirs]
    assert overlaps(mine, theirs, shared=shared).tolist() == expected
    assert overlaps(mine, theirs, shared=not shared).tolist() == expected


@given(article_texts, article_texts)
def test_pair_decisions_are_symmetric(left: str, right: str) -> None:
    [a, b] = compute_features([Document("a", left), Document("b", right)], OPTIONS)
    forward = verify(a, b, (), OPTIONS)
    backward = verify(b, a, (), OPTIONS)
    assert forward == backward


@given(st.lists(article_texts, min_size=1, max_size=6), st.randoms(use_true_random=False))
@settings(max_examples=30)
def test_clusters_partition_the_input_in_any_order(texts: list[str], rng: object) -> None:
    docs = [Document(f"d{i}", text) for i, text in enumerate(texts)]
    clusters = find_duplicates(docs)
    assert sorted(m.id for c in clusters for m in c.members) == sorted(d.id for d in docs)
    shuffled = docs[:]
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert find_duplicates(shuffled) == clusters


@given(article_texts, article_texts)
@settings(max_examples=50)
def test_query_reports_what_add_links(left: str, right: str) -> None:
    index = DuplicateIndex()
    index.add(Document("a", left))
    second = Document("b", right)
    assert index.query(second) == index.add(second)


@given(
    st.lists(
        st.lists(st.binary(min_size=1, max_size=4).filter(lambda b: b" " not in b), max_size=12),
        max_size=5,
    ),
    st.integers(1, 6),
)
def test_vectorised_shingles_equal_per_document_ones(docs: list[list[bytes]], k: int) -> None:
    hashes, counts = hash_streams([b" ".join(doc) for doc in docs])
    values, shingle_counts = shingle_hashes(hashes, counts, k)
    for doc, found in zip(docs, split_sets(values, shingle_counts), strict=True):
        assert np.array_equal(found, shingles(doc, k))
        assert found.size <= max(len(doc) - k + 1, 1 if doc else 0)


@given(article_texts, st.integers(1, 8))
def test_shingles_of_a_prefix_are_a_subset(text: str, k: int) -> None:
    tokens = word_bytes(text)
    whole = shingles(tokens, k)
    prefix = shingles(tokens[: max(k, len(tokens) // 2)], k)
    assert np.isin(prefix, whole).all()


@given(st.lists(any_text | article_texts, max_size=4))
def test_vectorised_hashing_equals_the_python_reference(texts: list[str]) -> None:
    hashes, counts = hash_streams([word_stream(text) for text in texts])
    expected = [token_hash(word) for text in texts for word in word_bytes(text)]
    assert hashes.tolist() == expected
    assert counts.tolist() == [len(word_bytes(text)) for text in texts]
