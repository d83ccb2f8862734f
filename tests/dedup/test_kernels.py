"""The compiled kernels (numba, optional) give the numbers of the numpy paths.

Each kernel is a plain Python function too: its logic is checked against numpy
without numba, and the compiled kernel against the plain function with it. The
index's decisions are the same with and without the kernels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import Document
from ingest.dedup import DuplicateIndex, _align, _bands, _chance, _kernels, _shingle, _verify
from ingest.dedup._align import (
    alignment_bounds,
    alignment_bounds_at,
    estimated_alignment,
    exact_alignment,
    run_bounds,
    share_bounds,
)
from ingest.dedup._features import DocFeatures, compute_features, sentence_signatures
from ingest.dedup._options import DedupOptions
from ingest.dedup._shingle import overlaps
from ingest.dedup._store import FeatureColumns, FeatureFile
from tests.conftest import missing
from tests.dedup.test_paraphrase import _docs as news_docs
from tests.dedup.test_paraphrase import _pairs
from tests.dedup.test_verification import _families

_T = TypeVar("_T")
_hash = st.integers(min_value=0, max_value=2**32 - 1)
#: Small alphabets as well as the whole range: sets that share many hashes.
_sets = st.one_of(
    st.lists(st.frozensets(_hash, max_size=40), max_size=8),
    st.lists(st.frozensets(st.integers(0, 60), max_size=40), max_size=8),
)


def _array(values: frozenset[int]) -> np.ndarray[Any, np.dtype[np.uint32]]:
    return np.array(sorted(values), dtype=np.uint32)


def _compiled(name: str) -> Callable[..., Any]:
    """The kernel compiled; without numba a skip, saying so (a failure in CI, which
    installs it with the test extra)."""
    kernel = _kernels.compiled(name)
    if kernel is None:
        missing(
            "numba is not installed: pip install 'ingest[fast]' to test the kernels",
            installed_by="the test extra",
        )
    return kernel


def _flat(sets: list[frozenset[int]]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    arrays = [_array(s) for s in sets]
    values = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint32)
    return values, np.cumsum([a.size for a in arrays], dtype=np.int64)


_OVERLAP_KERNELS = pytest.mark.parametrize("name", ["merge_overlaps", "table_overlaps"])


@_OVERLAP_KERNELS
@given(a=st.frozensets(_hash, max_size=60) | st.frozensets(st.integers(0, 60)), sets=_sets)
def test_the_overlap_kernels_count_what_each_set_shares(
    name: str, a: frozenset[int], sets: list[frozenset[int]]
) -> None:
    values, ends = _flat(sets)
    counts = getattr(_kernels, name)(_array(a), values, ends)
    assert counts.tolist() == [len(a & s) for s in sets]


@_OVERLAP_KERNELS
@given(a=st.frozensets(_hash, max_size=60) | st.frozensets(st.integers(0, 60)), sets=_sets)
def test_the_compiled_overlap_kernels_are_the_plain_ones(
    name: str, a: frozenset[int], sets: list[frozenset[int]]
) -> None:
    values, ends = _flat(sets)
    kernel = _compiled(name)
    assert kernel(_array(a), values, ends).tolist() == [len(a & s) for s in sets]


@given(a=st.frozensets(st.integers(0, 60), min_size=1), sets=_sets)
def test_overlaps_are_the_same_with_and_without_the_kernels(
    a: frozenset[int], sets: list[frozenset[int]]
) -> None:
    arrays = [_array(s) for s in sets]
    merged = overlaps(_array(a), arrays, shared=True)
    tabled = overlaps(_array(a), arrays)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_shingle, "compiled", lambda _name: None)
        numpy_only = overlaps(_array(a), arrays, shared=True)
        looked_up = overlaps(_array(a), arrays)
    assert merged.tolist() == tabled.tolist() == numpy_only.tolist() == looked_up.tolist()
    assert merged.tolist() == [len(a & s) for s in sets]


def test_the_index_decides_the_same_with_and_without_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _compiled("merge_overlaps")  # with the kernel, really
    docs = _families(articles=3, copies=24, seed=5)
    options = DedupOptions(kinds=frozenset({"exact", "near"}))
    with DuplicateIndex(options) as index:
        index.extend(docs)
        fast = index.clusters()
    monkeypatch.setattr(_shingle, "compiled", lambda _name: None)
    with DuplicateIndex(options) as index:
        index.extend(docs)
        plain = index.clusters()
    assert fast == plain
    assert sum(len(c.members) > 1 for c in fast) >= 3  # the families are found


_runs = st.lists(st.integers(0, 12), max_size=40)  # few keys: many equal ones


@given(older=_runs, newer=_runs, exact=st.booleans())
def test_merge_runs_orders_entries_as_a_stable_sort_of_their_keys(
    older: list[int],
    newer: list[int],
    exact: bool,  # noqa: FBT001 -- drawn by hypothesis
) -> None:
    keys = np.array(sorted(older) + sorted(newer), dtype=np.uint64)
    order = np.argsort(keys, kind="stable")
    size = keys.size
    for merge in (_kernels.merge_runs, _compiled("merge_runs")):
        high = (keys * np.uint64(7)).astype(np.uint32)
        values = np.arange(size, dtype=np.int64) * 3  # each entry's own: the order shows
        low = np.arange(size, dtype=np.uint32) if exact else np.empty(0, dtype=np.uint32)
        expected = (high[order], low[order] if exact else low, values[order])
        merged = merge(keys, len(older), high, low, values)
        assert merged.tolist() == keys[order].tolist()
        assert [a.tolist() for a in (high, low, values)] == [a.tolist() for a in expected]


def test_the_band_index_answers_the_same_with_and_without_the_merge_kernel() -> None:
    _compiled("merge_runs")
    rng = np.random.default_rng(11)
    # Few distinct hashes in two partitions: equal keys across merged segments.
    pool = rng.integers(0, 1 << 50, size=300, dtype=np.uint64) | np.uint64(1 << 60)
    keys = pool[rng.integers(0, pool.size, size=(6000, 2))]
    indexes = []
    for kernel in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            if not kernel:
                patch.setattr(_bands, "compiled", lambda _name: None)
            plain, exact = _bands.BandIndex(bands=2), _bands.BandIndex(bands=2, exact=True)
            for start in range(0, 6000, 250):
                for index in (plain, exact):
                    index.insert(keys[start : start + 250], np.arange(start, start + 250))
            indexes.append((plain, exact))
    with_kernel, without = indexes
    for fast, slow in zip(with_kernel, without, strict=True):
        assert fast.segment_sizes() == slow.segment_sizes()
        assert [a.tolist() for a in fast.query(keys)] == [a.tolist() for a in slow.query(keys)]
        parts = zip(fast._partitions, slow._partitions, strict=True)
        for a, b in parts:  # the same entries in the same places (not the room after)
            assert a.high[: a.size].tolist() == b.high[: b.size].tolist()
            assert a.values[: a.size].tolist() == b.values[: b.size].tolist()


def test_an_unknown_kernel_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        _kernels.compiled("no_such_kernel")


@pytest.fixture(scope="module")
def features() -> list[DocFeatures]:
    return compute_features(news_docs(), DedupOptions())


def _numpy_only(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(_align, "compiled", lambda _name: None)
    patch.setattr(_chance, "compiled", lambda _name: None)
    patch.setattr(_shingle, "compiled", lambda _name: None)
    patch.setattr(_bands, "compiled", lambda _name: None)
    patch.setattr(_verify, "compiled", lambda _name: None)


def _with_and_without(compute: Callable[[], _T]) -> tuple[_T, _T]:
    """*compute*'s result with the kernels, and with numpy only."""
    fast = compute()
    with pytest.MonkeyPatch.context() as patch:
        _numpy_only(patch)
        return fast, compute()


def _plain(patch: pytest.MonkeyPatch) -> None:
    """The kernels' plain Python functions in place of the compiled ones."""
    patch.setattr(_align, "compiled", _kernels._KERNELS.__getitem__)
    patch.setattr(_chance, "compiled", _kernels._KERNELS.__getitem__)


@pytest.mark.parametrize("window", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.3, 0.45])
def test_exact_alignment_gives_the_same_masks_with_and_without_the_kernel(
    features: list[DocFeatures], window: int, threshold: float
) -> None:
    _compiled("exact_masks")
    pairs = _pairs(features)
    fast, plain = _with_and_without(
        lambda: [exact_alignment(a, b, threshold=threshold, window=window) for a, b in pairs]
    )
    for (a_fast, b_fast), (a_plain, b_plain) in zip(fast, plain, strict=True):
        assert a_fast.tolist() == a_plain.tolist()
        assert b_fast.tolist() == b_plain.tolist()
    assert sum(bool(m.any()) for m, _ in fast) > 10  # pairs that align


@pytest.mark.parametrize("window", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.3, 0.45])
def test_run_bounds_are_the_same_with_and_without_the_kernel(
    features: list[DocFeatures], window: int, threshold: float
) -> None:
    _compiled("run_bound_counts")
    with_sentences = [f for f in features if f.sentence_count]

    def bounds() -> list[list[float]]:
        return [
            run_bounds(a, with_sentences, 3, threshold=threshold, window=window)
            for a in with_sentences
        ]

    fast, plain = _with_and_without(bounds)
    assert fast == plain
    values = [b for row in fast for b in row]
    assert any(b < 0.3 for b in values)  # pairs bounded below a floor
    assert any(0.3 <= b < 1 for b in values)  # and pairs above it


@pytest.mark.parametrize("window", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.45])
def test_share_bounds_are_the_same_with_and_without_the_kernel(
    features: list[DocFeatures], window: int, threshold: float
) -> None:
    _compiled("share_bound_counts")

    def bounds() -> list[list[float]]:
        return [share_bounds(a, features, 3, threshold=threshold, window=window) for a in features]

    fast, plain = _with_and_without(bounds)
    assert fast == plain
    values = [b for row in fast for b in row]
    assert any(b < 0.3 for b in values)
    assert any(0.3 <= b < 1 for b in values)


@pytest.fixture(scope="module")
def repeating(features: list[DocFeatures]) -> list[DocFeatures]:
    """The news documents, and some of them with their first half again after them:
    documents whose sentences repeat (groups fewer than sentences), and pairs of them
    with their originals that pass the share bounds and reach the run bounds."""
    docs = news_docs()[:8]
    again = [Document(f"{d.id}-again", f"{d.text}\n\n{d.text[: len(d.text) // 2]}") for d in docs]
    more = compute_features(again, DedupOptions())
    assert sum(f.sentence_repeated for f in more) >= 6
    return [*features, *more]


@pytest.mark.parametrize("window", [1, 2, 3])
@pytest.mark.parametrize(("threshold", "floor"), [(0.45, 0.3), (0.3, 0.6), (0.45, 0.0)])
def test_alignment_bounds_are_the_share_bounds_then_the_run_bounds(
    repeating: list[DocFeatures], window: int, threshold: float, floor: float
) -> None:
    """The one compiled pass gives, float for float, what the two functions give in
    turn, with and without their kernels (the run bounds of pairs at or above the
    floor, and of documents whose sentences repeat, groups found by the kernel)."""
    _compiled("alignment_bounds")

    def in_turn() -> list[list[float]]:
        rows = []
        for a in repeating:
            row = share_bounds(a, repeating, 3, threshold=threshold, window=window)
            hopeful = [j for j, bound in enumerate(row) if bound >= floor]
            runs = run_bounds(
                a, [repeating[j] for j in hopeful], 3, threshold=threshold, window=window
            )
            for j, bound in zip(hopeful, runs, strict=True):
                row[j] = min(row[j], bound)
            rows.append(row)
        return rows

    def at_once() -> list[list[float]]:
        return [
            alignment_bounds(a, repeating, 3, threshold=threshold, window=window, floor=floor)
            for a in repeating
        ]

    fast, plain = _with_and_without(at_once)
    expected, numpy_only = _with_and_without(in_turn)
    assert fast == expected == plain == numpy_only
    shares = _with_and_without(
        lambda: [
            share_bounds(a, repeating, 3, threshold=threshold, window=window) for a in repeating
        ]
    )[0]
    cut = [
        (s, b)
        for srow, brow in zip(shares, fast, strict=True)
        for s, b in zip(srow, brow, strict=True)
        if b < s
    ]
    assert cut  # pairs the run bounds lower
    assert any(b >= floor for row in fast for b in row)


@pytest.mark.parametrize("threshold", [0.3, 0.45, 0.6])
def test_chance_shares_are_the_same_with_and_without_the_kernel(
    repeating: list[DocFeatures], threshold: float
) -> None:
    """The compiled chance level (binomial tails term by term, the Poisson binomial
    law trial by trial) is numpy's (scipy's incomplete beta, the law by Fourier
    transform) on every ordered pair of the news documents, those whose sentences
    repeat too."""
    _compiled("chance_share")
    pairs = [(a, b) for a in repeating for b in repeating]

    def levels() -> list[float]:
        return [_chance.chance_share(a, b, threshold=threshold) for a, b in pairs]

    fast, plain = _with_and_without(levels)
    assert fast == plain
    assert len(set(fast)) > 5  # levels of many values, not all 0


@given(
    least=st.integers(0, 80),
    draws=st.integers(0, 80),
    probability=st.floats(0, 1) | st.sampled_from([0.0, 1e-9, 0.5, 1 - 1e-9, 1.0]),
)
def test_binomial_tails_are_the_incomplete_beta_function_s(
    least: int, draws: int, probability: float
) -> None:
    expected = _chance._binomial_tail(
        np.array([float(max(least, 1))]), np.array([float(draws)]), np.array([probability])
    )[0]
    for tail in (_kernels._binomial_tail, _kernels._namespace()["_binomial_tail"]):
        assert tail(max(least, 1), draws, probability) == pytest.approx(
            expected, rel=1e-11, abs=1e-300
        )


_numbered = st.lists(st.frozensets(st.integers(0, 5), max_size=4), max_size=30)


@given(sets=_numbered)
def test_group_numbers_are_the_sentence_groups(sets: list[frozenset[int]]) -> None:
    """``_group_numbers`` numbers equal sets as ``DocFeatures.sentence_group_of`` does:
    one group each, in first-seen order (small alphabets: many equal sets)."""
    seen: dict[frozenset[int], int] = {}
    expected = [seen.setdefault(s, len(seen)) for s in sets]
    values, ends = _flat(sets)
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    for number in (_kernels._group_numbers, _kernels._namespace()["_group_numbers"]):
        group_of = np.full(len(sets), -7, dtype=np.int64)
        firsts = np.full(len(sets), -7, dtype=np.int64)
        count = number(values, offsets, 0, len(sets), group_of, firsts)
        assert count == len(seen)
        assert group_of.tolist() == expected
        assert firsts[:count].tolist() == [expected.index(g) for g in range(count)]


def _estimated(
    pairs: list[tuple[DocFeatures, DocFeatures]], threshold: float, window: int
) -> list[tuple[list[bool], list[bool]]]:
    """The estimated alignment of each pair through every pair of their sentences (up
    to 400, in a fixed sample beyond)."""
    options = DedupOptions()
    rng = np.random.default_rng(5)
    found = []
    for a, b in pairs:
        every = np.array(
            [(i, j) for i in range(a.sentence_count) for j in range(b.sentence_count)],
            dtype=np.int64,
        ).reshape(-1, 2)
        if len(every) > 400:
            every = every[np.sort(rng.choice(len(every), 400, replace=False))]
        sigs = sentence_signatures(a, options), sentence_signatures(b, options)
        masks = estimated_alignment(a, b, sigs, every, threshold=threshold, window=window)
        found.append((masks[0].tolist(), masks[1].tolist()))
    return found


@pytest.mark.parametrize("window", [1, 2, 3])
def test_estimated_alignment_gives_the_same_masks_with_and_without_the_kernel(
    features: list[DocFeatures], window: int
) -> None:
    _compiled("estimated_masks")
    pairs = [(a, b) for a, b in _pairs(features) if a.sentence_count and b.sentence_count]
    fast, plain = _with_and_without(lambda: _estimated(pairs, 0.45, window))
    assert fast == plain
    assert sum(any(a) for a, _ in fast) > 10  # pairs that align


@pytest.mark.parametrize("store", ["columns", "file"])
@pytest.mark.parametrize(("threshold", "floor"), [(0.45, 0.3), (0.3, 0.6)])
def test_the_kernels_read_documents_where_their_store_holds_them(
    repeating: list[DocFeatures], store: str, threshold: float, floor: float
) -> None:
    """``alignment_bounds_at`` and ``overlaps_at`` read the candidates where a store
    holds them (``FeatureColumns`` in memory, or ``FeatureFile``'s file mapped), by
    their spans (repeated, in any order): the floats and counts of
    ``alignment_bounds`` and ``overlaps`` of the rows, compiled, as plain Python, and
    through numpy without the kernels."""
    _compiled("alignment_bounds_at")
    held = FeatureColumns(DedupOptions()) if store == "columns" else FeatureFile(DedupOptions())
    for f in repeating:
        held.append(f)
    rng = np.random.default_rng(3)
    positions = rng.integers(0, len(repeating), size=3 * len(repeating)).astype(np.int64)
    rows = [repeating[p] for p in positions]
    options = DedupOptions(sentence_threshold=threshold, paraphrase_threshold=floor)
    near = attrs.evolve(options, kinds=frozenset({"near"}))

    def at() -> tuple[list[list[float]], list[list[int]], list[list[int]]]:
        distinct = np.array([f.sentence_groups for f in repeating], dtype=np.uint32)
        spans = held.spans(positions, distinct[positions])
        bounds = [
            alignment_bounds_at(a, spans, 3, threshold=threshold, window=2, floor=floor).tolist()
            for a in repeating
        ]
        tabled = [_verify._overlaps_at(a, spans, options).tolist() for a in repeating]
        merged = [_verify._overlaps_at(a, spans, near).tolist() for a in repeating]
        return bounds, tabled, merged

    expected = (
        [
            alignment_bounds(a, rows, 3, threshold=threshold, window=2, floor=floor)
            for a in repeating
        ],
        [overlaps(a.shingles, [r.shingles for r in rows]).tolist() for a in repeating],
        [overlaps(a.shingles, [r.shingles for r in rows], shared=True).tolist() for a in repeating],
    )
    fast, numpy_only = _with_and_without(at)
    with pytest.MonkeyPatch.context() as patch:
        _plain(patch)
        patch.setattr(_verify, "compiled", _kernels._KERNELS.__getitem__)
        plain = at()
    if isinstance(held, FeatureFile):
        held.release()
        assert at() == fast  # read again after the pages were let go
        held.close()
    assert fast == expected == numpy_only == plain
    assert any(b >= floor for row in fast[0] for b in row)
    assert any(c for row in fast[1] for c in row)


def test_the_plain_kernels_are_the_compiled_ones(features: list[DocFeatures]) -> None:
    """The kernels' Python functions, run as Python, give what numpy gives: their logic
    is checked without numba too."""
    few = [f for f in features if f.sentence_count][:12]
    with pytest.MonkeyPatch.context() as patch:
        _plain(patch)
        masks = [exact_alignment(a, b, threshold=0.45, window=2) for a, b in _pairs(few)]
        bounds = [run_bounds(a, few, 3, threshold=0.45, window=2) for a in few]
        shares = [share_bounds(a, few, 3, threshold=0.45, window=2) for a in few]
        both = [alignment_bounds(a, few, 3, threshold=0.45, window=2, floor=0.3) for a in few]
        chances = [_chance.chance_share(a, b, threshold=0.45) for a, b in _pairs(few)]
        estimated = _estimated(_pairs(few), 0.45, 2)
    with pytest.MonkeyPatch.context() as patch:
        _numpy_only(patch)
        assert bounds == [run_bounds(a, few, 3, threshold=0.45, window=2) for a in few]
        assert shares == [share_bounds(a, few, 3, threshold=0.45, window=2) for a in few]
        assert both == [
            alignment_bounds(a, few, 3, threshold=0.45, window=2, floor=0.3) for a in few
        ]
        assert chances == [_chance.chance_share(a, b, threshold=0.45) for a, b in _pairs(few)]
        assert estimated == _estimated(_pairs(few), 0.45, 2)
        for (a, b), (a_mask, b_mask) in zip(_pairs(few), masks, strict=True):
            a_plain, b_plain = exact_alignment(a, b, threshold=0.45, window=2)
            assert (a_mask.tolist(), b_mask.tolist()) == (a_plain.tolist(), b_plain.tolist())


def test_every_kind_decides_the_same_with_and_without_the_kernels() -> None:
    _compiled("exact_masks")
    docs = [*_families(articles=3, copies=16, seed=11), *news_docs()]
    with DuplicateIndex() as index:
        index.extend(docs)
        fast = index.clusters()
    with pytest.MonkeyPatch.context() as patch:
        _numpy_only(patch)
        with DuplicateIndex() as index:
            index.extend(docs)
            plain = index.clusters()
    assert fast == plain
    assert any(m.evidence and m.evidence.kind == "paraphrase" for c in fast for m in c.members)


@pytest.mark.parametrize("floor", [0.3, 0.6])
def test_exact_alignment_with_a_floor_is_the_same_with_and_without_the_kernel(
    features: list[DocFeatures], floor: float
) -> None:
    """With a floor the kernel path bounds the runs as numpy does (``run_bounds``: the
    same share) and, below the floor, gives the single alignments only, as numpy."""
    _compiled("exact_masks")
    pairs = _pairs(features)

    def masks() -> list[tuple[list[bool], list[bool]]]:
        found = []
        for a, b in pairs:
            x, y = exact_alignment(a, b, threshold=0.45, window=2, floor=floor, minimum=3)
            found.append((x.tolist(), y.tolist()))
        return found

    fast, plain = _with_and_without(masks)
    assert fast == plain
    with pytest.MonkeyPatch.context() as patch:
        _numpy_only(patch)
        full = [exact_alignment(a, b, threshold=0.45, window=2) for a, b in pairs]
    # Pairs cut by the bound: fewer aligned than with every run scored.
    assert any(sum(x) < f.sum() for (x, _), (f, _) in zip(fast, full, strict=True))


def _every_pair(a: DocFeatures, b: DocFeatures) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Every sentence pair ``(i in a, j in b)``, as rows."""
    mine, theirs = np.meshgrid(np.arange(a.sentence_count), np.arange(b.sentence_count))
    return np.stack([mine.ravel(), theirs.ravel()], axis=1).astype(np.int64)


@pytest.mark.parametrize("window", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.3, 0.45])
def test_the_sentence_pairs_that_align_are_those_exact_alignment_aligns(
    repeating: list[DocFeatures], window: int, threshold: float
) -> None:
    """``aligning_pairs`` over every pair of sentences marks exactly the groups that
    ``exact_alignment`` aligns (alone, or in runs, sentences repeated too), compiled,
    as plain Python, and through Python's sets without the kernel."""
    _compiled("aligning_rows")
    pairs = [(a, b) for a, b in _pairs(repeating) if a.sentence_count and b.sentence_count]

    def aligned() -> list[list[bool]]:
        return [
            _align.aligning_pairs(
                a, b, _every_pair(a, b), threshold=threshold, window=window
            ).tolist()
            for a, b in pairs
        ]

    fast, numpy_only = _with_and_without(aligned)
    with pytest.MonkeyPatch.context() as patch:
        _plain(patch)
        plain = aligned()
    assert fast == numpy_only == plain
    for (a, b), flags in zip(pairs, fast, strict=True):
        rows = _every_pair(a, b)[np.array(flags, dtype=bool)]
        a_mask, b_mask = exact_alignment(a, b, threshold=threshold, window=window)
        assert (
            sorted(set(a.sentence_group_of[rows[:, 0]].tolist())) == np.flatnonzero(a_mask).tolist()
        )
        assert (
            sorted(set(b.sentence_group_of[rows[:, 1]].tolist())) == np.flatnonzero(b_mask).tolist()
        )
    assert sum(any(flags) for flags in fast) > 10
    assert sum(not all(flags) and any(flags) for flags in fast) > 10  # pairs in between


@pytest.mark.parametrize("store", ["columns", "file"])
def test_the_sentence_pairs_that_align_are_read_where_the_store_holds_them(
    repeating: list[DocFeatures], store: str
) -> None:
    """``aligning_rows_at`` over a store's spans flags what ``aligning_pairs`` flags for
    each document's rows, with and without the kernel; with ``first``, only each
    document's first pair that aligns."""
    _compiled("aligning_rows")
    held = FeatureColumns(DedupOptions()) if store == "columns" else FeatureFile(DedupOptions())
    for f in repeating:
        held.append(f)
    rng = np.random.default_rng(5)
    positions = np.unique(rng.integers(0, len(repeating), size=len(repeating))).astype(np.int64)
    distinct = np.array([repeating[p].sentence_groups for p in positions], dtype=np.uint32)
    for a in repeating[:10]:
        if not a.sentence_count:
            continue
        parts = [
            np.column_stack([np.full(len(rows), place), rows])
            for place, p in enumerate(positions.tolist())
            if len(rows := _every_pair(a, repeating[p]))
        ]
        rows = np.concatenate(parts)
        expected = np.concatenate(
            [
                _align.aligning_pairs(
                    a, repeating[positions[part[0, 0]]], part[:, 1:], threshold=0.45, window=2
                )
                for part in parts
            ]
        )

        def at(first: bool, a: DocFeatures = a, rows: Any = rows) -> list[bool]:  # noqa: FBT001
            spans = held.spans(positions, distinct)
            flags = _align.aligning_rows_at(a, spans, rows, threshold=0.45, window=2, first=first)
            return [bool(flag) for flag in flags]

        every, every_numpy = _with_and_without(lambda: at(False))
        assert every == every_numpy == expected.tolist()
        firsts, firsts_numpy = _with_and_without(lambda: at(True))
        flagged = np.flatnonzero(expected)
        wanted = flagged[np.flatnonzero(np.diff(rows[flagged, 0], prepend=-1))]
        assert firsts == firsts_numpy == np.isin(np.arange(len(rows)), wanted).tolist()
    if isinstance(held, FeatureFile):
        held.close()
