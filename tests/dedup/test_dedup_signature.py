"""The text, shingle and signature stages, checked against datasketch with fixed seeds."""

from __future__ import annotations

import itertools
from typing import Any
from unittest import mock

import datasketch
import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.core._text import content_stems, sentences, word_bytes, words
from ingest.dedup import _bands
from ingest.dedup._bands import (
    _DROPPED_BITS,
    _MERGED_BELOW,
    BandIndex,
    GroupedBandIndex,
    shared_rows,
)
from ingest.dedup._features import document_signatures
from ingest.dedup._options import DedupOptions
from ingest.dedup._shingle import (
    hash_streams,
    jaccard,
    shingle_hashes,
    shingles,
    split_sets,
    token_hash,
    token_set,
)
from ingest.dedup._signature import (
    _FEW_SMALL,
    EMPTY_VALUE,
    Permutations,
    band_keys,
    estimate_jaccard,
    lsh_params,
    signature,
    signatures,
    to_minhash,
)

from ..conftest import SEEDS


def _identity(value: int) -> int:
    """The hash function to inject into datasketch: our inputs are hashes already."""
    return value


def _datasketch(values: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    minhash = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
    minhash.update_batch(values.tolist())
    return np.asarray(minhash.hashvalues)


@pytest.mark.parametrize(("num_perm", "seed"), [(16, 0), (128, 1), (256, 42)])
def test_signatures_equal_datasketch_value_for_value(num_perm: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sets = [
        np.unique(rng.integers(0, 2**32, size, dtype=np.uint32)) for size in (1, 7, 500, 40_000)
    ]
    perms = Permutations.create(num_perm, seed)
    matrix = signatures(sets, perms)
    for values, row in zip(sets, matrix, strict=True):
        assert np.array_equal(row, _datasketch(values, num_perm, seed))


@settings(max_examples=40)
@given(st.lists(st.integers(0, 150), max_size=40), st.integers(0, 2**16))
def test_small_and_large_groups_of_one_batch_equal_datasketch(sizes: list[int], seed: int) -> None:
    """Groups of every width, empty, small (signed by width) and large (by segments),
    interleaved in one call: each row is datasketch's signature of its group."""
    rng = np.random.default_rng(seed)
    groups = [rng.integers(0, 2**32, size, dtype=np.uint32) for size in sizes]
    perms = Permutations.create(16, seed)
    for values, row in zip(groups, signatures(groups, perms), strict=True):
        expected = _datasketch(values, 16, seed) if values.size else np.full(16, EMPTY_VALUE)
        assert np.array_equal(row, expected)


@pytest.mark.parametrize("seed", [0, 7])
def test_a_batch_of_many_small_groups_signs_each_as_alone(seed: int) -> None:
    """Enough small groups for the passes by width (a batch's sentences), with empty and
    large ones among them: each row is the group's signature signed alone (one group
    goes through the reductions of large groups) and, for a sample, datasketch's."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 40, _FEW_SMALL + 100)
    sizes[::97] = 300  # large groups among them
    groups = [rng.integers(0, 2**32, size, dtype=np.uint32) for size in sizes]
    perms = Permutations.create(32, seed)
    matrix = signatures(groups, perms)
    for values, row in zip(groups, matrix, strict=True):
        assert np.array_equal(row, signature(values, perms))
    for i in range(0, len(groups), 61):
        expected = _datasketch(groups[i], 32, seed) if sizes[i] else np.full(32, EMPTY_VALUE)
        assert np.array_equal(matrix[i], expected)


def test_empty_set_has_the_empty_signature() -> None:
    perms = Permutations.create(32, 1)
    empty = np.empty(0, dtype=np.uint32)
    matrix = signatures([empty, np.array([5], np.uint32), empty], perms)
    assert (matrix[0] == EMPTY_VALUE).all()
    assert (matrix[2] == EMPTY_VALUE).all()
    assert np.array_equal(matrix[1], signature(np.array([5], np.uint32), perms))
    assert datasketch.MinHash(num_perm=32, seed=1).is_empty()


def test_band_keys_are_the_keys_minhashlsh_stores() -> None:
    perms = Permutations.create(128, 1)
    sig = signature(np.arange(1000, dtype=np.uint32), perms)
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    lsh.insert("doc", to_minhash(sig, perms))
    bands, rows = lsh_params(0.7, 128)
    assert (bands, rows) == (lsh.b, lsh.r)
    stored = [key for table in lsh.hashtables for key in table]
    assert band_keys(sig, bands, rows) == stored


def test_estimated_jaccard_tracks_the_exact_one() -> None:
    rng = np.random.default_rng(3)
    pool = np.unique(rng.integers(0, 2**32, 4000, dtype=np.uint32))
    a, b = pool[:3000], pool[1000:]
    perms = Permutations.create(256, 1)
    estimate = estimate_jaccard(signature(a, perms), signature(b, perms))
    assert jaccard(a, b) == pytest.approx(0.5, abs=0.01)
    assert estimate == pytest.approx(0.5, abs=0.1)


def test_shingles_are_positional_and_fall_back_to_one_shingle() -> None:
    assert shingles([b"a", b"b", b"c"], 2).size == 2
    assert np.array_equal(shingles([b"a", b"b"], 2), shingles([b"a", b"b"], 9))
    assert not np.array_equal(shingles([b"a", b"b"], 2), shingles([b"b", b"a"], 2))
    assert shingles([], 3).size == 0
    assert token_set(["b", "a", "b"]).tolist() == sorted({token_hash(b"a"), token_hash(b"b")})


def _reference_shingles(tokens: list[bytes], k: int) -> set[int]:
    """Shingle hashes the slow way, one token and one position at a time."""
    hashes = [token_hash(t) for t in tokens]
    windows = [hashes[i : i + k] for i in range(max(1, len(hashes) - k + 1))] if hashes else []
    result = set()
    for window in windows:
        value = 0
        for h in window:
            value = (value * 0x9E3779B1 + h) & 0xFFFFFFFF
        result.add(value)
    return result


def test_vectorised_hashing_equals_the_python_reference() -> None:
    docs = [
        [b"the", b"caf\xc3\xa9", b"deal"],
        [],
        [b"a"],
        [b"one", b"two", b"three", b"four", b"five", b"six", b"seven"],
        [b"x", b"y"],
    ]
    streams = [b"  ".join(doc) for doc in docs]
    hashes, counts = hash_streams(streams)
    assert counts.tolist() == [len(doc) for doc in docs]
    assert hashes.tolist() == [token_hash(t) for doc in docs for t in doc]
    for k in (1, 2, 3, 5):
        values, shingle_counts = shingle_hashes(hashes, counts, k)
        sets = split_sets(values, shingle_counts)
        assert [set(s.tolist()) for s in sets] == [_reference_shingles(d, k) for d in docs]


def test_document_signatures_are_the_index_path() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    options = DedupOptions()
    perms = Permutations.create(options.num_perm, options.seed)
    expected = np.stack([signature(shingles(word_bytes(t), 5), perms) for t in texts])
    assert np.array_equal(document_signatures(texts, options), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't STOP", ["don't", "stop"]),
        ("'quoted' rock''n roll", ["quoted", "rock", "n", "roll"]),
        ("snake_case e-mail 10:30", ["snake", "case", "e", "mail", "10", "30"]),
        ("\uff34\uff49\uff4b\u00ad\uff34\uff4f\uff4b\u2019s caf\u00e9", ["tiktok's", "caf\u00e9"]),
        ("", []),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected
    assert word_bytes(text) == [w.encode() for w in expected]


def test_content_stems_drop_stop_words_and_possessives() -> None:
    assert content_stems(words("The President's tariffs were raised again")) == [
        "presid",
        "tariff",
        "rais",
    ]


def test_sentences_split_on_punctuation_and_lines_not_on_wrapping() -> None:
    text = (
        "Headline Without A Full Stop\n"
        "The first sentence is hard\nwrapped across lines. The second one is not.\n"
        "- A list item with four words\nOk."
    )
    assert [" ".join(s) for s in sentences(text)] == [
        "headline without a full stop",
        "the first sentence is hard wrapped across lines",
        "the second one is not",
        "a list item with four words ok",
    ]


def test_long_sentences_are_cut() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    assert [len(s) for s in sentences(text)] == [40, 40, 20]


@given(
    st.lists(
        st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=1, max_size=40
    ),  # rows of 3 bands, few distinct hashes: many collisions
    st.integers(1, 8),
    # Hashes in one partition (apart in their last stored bits), or spread over all.
    st.sampled_from([1 << _DROPPED_BITS, 0x9E3779B97F4A7C15]),
    # Values of 32 bits (an index's: its pairs sorted as one key) or of 64.
    st.sampled_from([np.int64, np.uint32]),
)
@settings(max_examples=60)
def test_band_index_finds_every_value_sharing_a_band(
    rows: list[list[int]], per_insert: int, spread: int, stored: type[np.integer[Any]]
) -> None:
    keys = np.array(rows, dtype=np.uint64) * np.uint64(spread)
    index = BandIndex(bands=3, values=stored)
    for start in range(0, len(rows), per_insert):
        stop = min(start + per_insert, len(rows))
        index.insert(keys[start:stop], np.arange(start, stop) * 10)
    found_rows, values = index.query(keys)
    expected = sorted(
        (v * 10, r)
        for r in range(len(rows))
        for v in range(len(rows))
        if set(rows[r]) & set(rows[v])  # band hashes carry their band (band_hashes)
    )
    assert list(zip(values.tolist(), found_rows.tolist(), strict=True)) == expected
    assert len(index) == 3 * len(rows)
    # Each segment of a partition several times the next: a few segments, whatever the entries.
    for sizes in index.segment_sizes():
        assert all(older > _MERGED_BELOW * newer for older, newer in itertools.pairwise(sizes))


@given(st.lists(st.integers(0, 63), min_size=1, max_size=12), st.integers(1, 4), st.booleans())
@settings(max_examples=60)
def test_band_index_tells_hashes_apart_but_in_their_last_bits(
    flipped: list[int],
    per_insert: int,
    exact: bool,  # noqa: FBT001 -- drawn by hypothesis
) -> None:
    # Row r's one band: a hash with bit flipped[r] flipped, in its partition's bits, its
    # buckets' (not stored), the stored ones or the last ones (not stored, but if exact).
    hashes = np.uint64(0x9E3779B97F4A7C15) ^ (np.uint64(1) << np.array(flipped, dtype=np.uint64))
    index = BandIndex(bands=1, values=np.uint32, exact=exact)
    for start in range(0, hashes.size, per_insert):
        stop = min(start + per_insert, hashes.size)
        index.insert(hashes[start:stop, None], np.arange(start, stop))
    found_rows, values = index.query(hashes[:, None])
    kept = np.uint64(0 if exact else _DROPPED_BITS)
    expected = sorted(
        (v, r)
        for r in range(len(flipped))
        for v in range(len(flipped))
        if hashes[r] >> kept == hashes[v] >> kept
    )
    assert list(zip(values.tolist(), found_rows.tolist(), strict=True)) == expected


@pytest.mark.parametrize("exact", [False, True], ids=["dropped", "exact"])
def test_band_index_reads_keys_back_through_merges_of_large_segments(
    exact: bool,  # noqa: FBT001 -- drawn by pytest
) -> None:
    # 24,000 entries in one partition, filed so that segments of up to 4,096 buckets
    # merge: the first bits of a key come back from where its bucket was. The segments
    # are searched compiled (find_entries, with numba) and with numpy alike.
    rng = np.random.default_rng(5)
    pool = rng.integers(0, 1 << 58, size=4000, dtype=np.uint64)
    # With each hash, one apart in a single bit: any but the partition's.
    twins = pool ^ (np.uint64(1) << rng.integers(0, 58, size=pool.size).astype(np.uint64))
    keys = np.concatenate([pool, twins])[rng.integers(0, 2 * pool.size, size=(12000, 2))]
    index = BandIndex(bands=2, values=np.uint32, exact=exact)
    for start, stop in itertools.pairwise([0, 100, 3000, 3100, 9000, 12000]):
        index.insert(keys[start:stop], np.arange(start, stop))
    assert len(index.segment_sizes()[0]) == 1  # merged into one segment
    index.insert(keys[:50], np.arange(12000, 12050))  # and a small segment after it
    found_rows, values = index.query(keys)
    with mock.patch.object(_bands, "compiled", return_value=None):
        plain = index.query(keys)
    assert [a.tolist() for a in plain] == [found_rows.tolist(), values.tolist()]
    kept = np.uint64(0 if exact else _DROPPED_BITS)
    filed: dict[int, set[int]] = {}
    for row, bands in enumerate((keys >> kept).tolist()):
        for band in bands:
            filed.setdefault(band, set()).add(row)
    for row, bands in enumerate((keys[:50] >> kept).tolist(), start=12000):
        for band in bands:
            filed[band].add(row)
    expected = sorted(
        {(v, r) for r, bands in enumerate((keys >> kept).tolist()) for b in bands for v in filed[b]}
    )
    assert list(zip(values.tolist(), found_rows.tolist(), strict=True)) == expected


@given(
    st.lists(
        st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=0, max_size=40
    ),  # rows of 3 bands, few distinct hashes: many shared
)
@settings(max_examples=60)
def test_shared_rows_are_a_band_index_of_the_rows_less_each_row_itself(
    rows: list[list[int]],
) -> None:
    keys = np.array(rows, dtype=np.uint64).reshape(-1, 3) * np.uint64(0x9E3779B97F4A7C15)
    index = BandIndex(bands=3)
    index.insert(keys, np.arange(len(rows)))
    found, values = index.query(keys)
    other = found != values
    shared, others = shared_rows(keys)
    assert shared.tolist() == found[other].tolist()
    assert others.tolist() == values[other].tolist()


@given(
    st.lists(
        st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=1, max_size=40
    ),  # rows of 3 bands from 4 hashes: many equal rows, many shared bands
    st.integers(1, 8),
    st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), max_size=10),
)
@settings(max_examples=60)
def test_grouped_band_index_answers_as_a_band_index(
    rows: list[list[int]], per_insert: int, queries: list[list[int]]
) -> None:
    keys = np.array(rows, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    plain, grouped = BandIndex(bands=3), GroupedBandIndex(bands=3)
    for start in range(0, len(rows), per_insert):
        stop = min(start + per_insert, len(rows))
        for index in (plain, grouped):
            index.insert(keys[start:stop], np.arange(start, stop))
        asked = np.array([*rows, *queries], dtype=np.uint64).reshape(-1, 3)
        expected = plain.query(asked * np.uint64(0x9E3779B97F4A7C15))
        found = grouped.query(asked * np.uint64(0x9E3779B97F4A7C15))
        assert [a.tolist() for a in found] == [a.tolist() for a in expected]
    assert grouped.groups == len({tuple(r) for r in rows})
    assert len(grouped) == len(plain)
