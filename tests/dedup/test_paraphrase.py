"""The paraphrase decision against chance, its evidence, and its bounds (issue 18)."""

from __future__ import annotations

import functools
import itertools
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ingest import DedupOptions, Document, find_duplicates
from ingest.dedup import _align, _chance
from ingest.dedup._align import (
    aligned_share,
    beyond_chance,
    exact_alignment,
    paraphrase_score,
    run_bounds,
    share_bound,
    share_bounds,
)
from ingest.dedup._chance import chance_alignment, chance_level
from ingest.dedup._features import DocFeatures, compute_features
from ingest.dedup._shingle import members

from ..conftest import FIXTURES, SEEDS

NEWS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "news"
REWRITES = tomllib.loads((NEWS / "rewrites.toml").read_text(encoding="utf-8"))["rewrite"]


def _docs() -> list[Document]:
    paths = [
        *sorted(SEEDS.glob("*.txt")),
        *sorted((FIXTURES / "dedup").glob("**/*.txt")),
        *sorted((NEWS / "rewrites").glob("*.txt")),
    ]
    assert len(paths) > 40
    return [Document(p.name, p.read_text(encoding="utf-8")) for p in paths]


@pytest.fixture(scope="module")
def features() -> list[DocFeatures]:
    return compute_features(_docs(), DedupOptions())


def _pairs(features: list[DocFeatures]) -> list[tuple[DocFeatures, DocFeatures]]:
    return [(a, b) for a, b in itertools.combinations(features, 2) if a.language == b.language]


@pytest.mark.parametrize("block", [_align._BLOCK, 60])
@pytest.mark.parametrize("minimum", [1, 3])
def test_the_share_bounds_of_many_documents_are_their_share_bounds_one_by_one(
    features: list[DocFeatures], minimum: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_align, "_BLOCK", block)  # 60: a few candidates a block
    for threshold, window in itertools.product((0.0, 0.3, 0.5, 0.9), (2, 3)):
        for a in features:
            bounds = share_bounds(a, features, minimum, threshold=threshold, window=window)
            bound = functools.partial(share_bound, minimum=minimum, threshold=threshold)
            assert bounds == [bound(a, b, window=window) for b in features]
    assert share_bounds(features[0], [], 1) == []


def test_a_run_of_three_can_be_feasible_where_no_pair_of_it_is() -> None:
    # Ten terms each, 2, 1 and 2 of them found in the other document: no sentence alone
    # (2 < 4.5) nor pair (3 < 4.5) reaches the threshold, the three together (5) can.
    found = np.array([2, 1, 2])
    sizes = np.array([10, 10, 10])
    assert not _align._feasible_mask(found, sizes, 0.45, window=2).any()
    assert _align._feasible_mask(found, sizes, 0.45, window=3).all()
    assert not _align._feasible_mask(found, sizes, 0.45, np.array([0, 0, 1]), window=3).any()


def _run_bound_share(a: DocFeatures, b: DocFeatures, threshold: float, window: int) -> float:
    """The share that exact_alignment compares with its floor before scoring runs."""
    a_sets, b_sets = _align._Sets.groups(a), _align._Sets.groups(b)
    common = _align._Lookup(b_sets).common(a_sets.values, a_sets.owner, a_sets.sizes.size)
    similar = _align._similar(common, a_sets.sizes, b_sets.sizes, threshold)
    could = _align._run_bound(a, b, common, (a_sets, b_sets), threshold=threshold, window=window)
    masks = similar.any(axis=1) | could[0], similar.any(axis=0) | could[1]
    return aligned_share(*masks, a, b, 3)


@pytest.mark.parametrize("block", [_align._BLOCK, 200])
@pytest.mark.parametrize("window", [1, 2, 3])
def test_the_run_bounds_of_many_documents_are_exact_alignments_bound_one_by_one(
    features: list[DocFeatures], window: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_align, "_BLOCK", block)  # 200: a few candidates a block, some none
    with_sentences = [f for f in features if f.sentence_count]
    for threshold in (0.3, 0.5):
        for a in with_sentences:
            bounds = run_bounds(a, with_sentences, 3, threshold=threshold, window=window)
            for b, bound in zip(with_sentences, bounds, strict=True):
                groups = a.sentence_firsts.size * b.sentence_firsts.size
                if max(1, block // b.sentence_firsts.size) < a.sentence_firsts.size:
                    assert bound == math.inf, groups  # exact_alignment has no bound there
                elif window == 1:
                    full = exact_alignment(a, b, threshold=threshold, window=1)
                    assert bound == aligned_share(*full, a, b, 3)
                else:
                    assert bound == _run_bound_share(a, b, threshold, window)


@pytest.mark.parametrize("threshold", [0.3, 0.5])
def test_bounds_never_cut_a_pair_that_aligns(features: list[DocFeatures], threshold: float) -> None:
    for a, b in _pairs(features):
        for window in (3, 4):
            wide = exact_alignment(a, b, threshold=threshold, window=window)
            bound = share_bound(a, b, 1, threshold=threshold, window=window)
            assert bound >= aligned_share(*wide, a, b, 1)
        full = exact_alignment(a, b, threshold=threshold, window=2)
        share = aligned_share(*full, a, b, 1)
        assert share_bound(a, b, 1, threshold=threshold) >= share
        floored = exact_alignment(a, b, threshold=threshold, window=2, floor=0.3, minimum=1)
        if share >= 0.3:
            assert all(np.array_equal(x, y) for x, y in zip(full, floored, strict=True))
        else:
            assert aligned_share(*floored, a, b, 1) < 0.3


@given(
    st.lists(st.integers(min_value=0, max_value=40), max_size=60),
    st.integers(min_value=1, max_value=5),
)
@example([0, 0, 2], 3)  # as many groups as sentences, one repeated: not 0, 1, 2
@example([0, 1, 2, 3, 4], 3)  # every sentence distinct
def test_runs_are_the_distinct_rows_in_order(groups: list[int], window: int) -> None:
    # Runs are found as numbers (groups as digits): the rows np.unique(axis=0) gives.
    group_of = np.array(groups, dtype=np.intp)
    expected = []
    for size in range(2, window + 1):
        if group_of.size < size:
            break
        rows = np.lib.stride_tricks.sliding_window_view(group_of, size)
        rows = rows[[len(set(row)) == size for row in rows.tolist()]]
        if rows.size:
            expected.append(np.unique(rows, axis=0))
    found = list(_align._runs(group_of, window))
    assert len(found) == len(expected)
    assert all(np.array_equal(f, e) for f, e in zip(found, expected, strict=True))


def test_the_runs_of_distinct_sentences_are_every_window() -> None:
    group_of = np.arange(7, dtype=np.intp)
    found = list(_align._runs(group_of, 3))
    assert [f.tolist() for f in found] == [
        [[i, i + 1] for i in range(6)],
        [[i, i + 1, i + 2] for i in range(5)],
    ]


_TERM_SETS = st.lists(
    st.frozensets(st.integers(min_value=0, max_value=30), min_size=1, max_size=8),
    min_size=2,
    max_size=6,
)


def _flat(sets: list[frozenset[int]]) -> _align._Sets:
    values = np.array([v for s in sets for v in sorted(s)], dtype=np.uint32)
    return _align._Sets(values, np.array([len(s) for s in sets], dtype=np.intp))


@given(_TERM_SETS, _TERM_SETS, st.sampled_from([0.3, 0.45, 0.5]))
def test_a_run_is_possible_whenever_it_aligns_and_exactly_when_its_parts_are_disjoint(
    mine: list[frozenset[int]], theirs: list[frozenset[int]], threshold: float
) -> None:
    x, y = _flat(mine), _flat(theirs)
    runs = np.array([[i, i + 1] for i in range(len(mine) - 1)], dtype=np.intp)
    common = _align._Lookup(y).common(x.values, x.owner, len(mine))
    possible = _align._run_possible(common, x, runs, y.sizes, threshold)
    for r, (i, j) in enumerate(runs.tolist()):
        merged = mine[i] | mine[j]
        for k, other in enumerate(theirs):
            each = bool(mine[i] & other) and bool(mine[j] & other)
            aligns = each and len(merged & other) / len(merged | other) >= threshold
            if aligns:
                assert possible[r, k]
            if not mine[i] & mine[j]:
                # Disjoint parts: the shared terms add up and |u| is known, the bound is
                # the Jaccard similarity itself.
                assert possible[r, k] == aligns


@given(
    st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=50, unique=True),
    st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=200),
)
def test_members_are_the_values_among_the_terms(terms: list[int], values: list[int]) -> None:
    sorted_terms = np.array(sorted(terms), dtype=np.uint32)
    array = np.array(values, dtype=np.uint32)
    expected = [i for i, v in enumerate(values) if v in set(terms)]
    assert members(sorted_terms, array).tolist() == expected
    assert members(sorted_terms, sorted_terms[::-1].copy()).size == len(terms)


def test_chance_is_a_probability_and_grows_with_shared_words(features: list[DocFeatures]) -> None:
    for a, b in _pairs(features)[:200]:
        chance = chance_alignment(a, b, threshold=0.5)
        assert chance.shape == (a.sentence_count,)
        assert ((chance >= 0) & (chance <= 1)).all()
        assert (chance_alignment(a, b, threshold=0.3) >= chance - 1e-12).all()
    assert beyond_chance(0.5, 0.0) == 0.5
    assert beyond_chance(0.2, 0.2) == 0.0
    assert beyond_chance(1.0, 1.0) == 1.0


def test_the_chance_level_is_the_upper_quantile_of_the_chance_count() -> None:
    rng = np.random.default_rng(18)
    for _ in range(50):
        probabilities = rng.uniform(0, 0.4, size=int(rng.integers(1, 30)))
        level = chance_level(probabilities, alpha=0.05)
        # Simulated shuffles: more than 5% reach the level's count, at most 5% pass it.
        counts = (rng.random((20_000, probabilities.size)) < probabilities).sum(axis=1)
        reached = round(level * probabilities.size)
        assert (counts >= reached).mean() > 0.05 - 0.01
        assert (counts > reached).mean() <= 0.05 + 0.01
    assert chance_level(np.zeros(5)) == 0.0
    assert chance_level(np.ones(3)) == 1.0


def test_a_document_is_a_paraphrase_of_itself_far_beyond_chance() -> None:
    text = (SEEDS / "002_1f6456024298615c.txt").read_text(encoding="utf-8")
    [a, b] = compute_features([Document("a", text), Document("b", text)], DedupOptions())
    score = paraphrase_score(a, b, threshold=0.5, window=2, minimum=3)
    assert score.share == 1.0
    assert score.chance < 0.1
    assert score.aligned == (tuple(range(a.sentence_count)), tuple(range(b.sentence_count)))


def test_the_longer_documents_aligned_sentences_must_be_beyond_chance_too() -> None:
    # Four headings of the shorter page align with one generic line of the longer one:
    # beyond chance for the shorter (its level is 0), not for the longer (1 of 12).
    headings = (
        "Robot vacuum mapping guide.",
        "Robot vacuum mapping explained simply.",
        "Mapping robot vacuum cleaners.",
        "Robot vacuum mapping today.",
    )
    other = (
        "Unrelated gardeners planted tomatoes near the river bank yesterday.",
        "Local bakers sold bread before the festival opened downtown.",
        "The city council debated parking fees during a long evening session.",
        "Swimmers trained at dawn in the cold municipal pool all winter.",
    )
    short = " ".join(itertools.chain(*zip(headings, other, strict=True)))
    short += " A museum opened its new wing of ancient pottery and coins to visitors."
    short += " Farmers sold apples, pears and honey at the market."
    long = "Robot vacuum mapping explained. " + " ".join(
        f"{who} {what}."
        for who, what in [
            ("Engineers", "measured bridge cables after storms damaged several bolts"),
            ("Students", "wrote essays about medieval castles and their stone walls"),
            ("Pilots", "reported turbulence over mountain ranges near the border"),
            ("Chefs", "prepared seasonal menus with mushrooms and chestnuts for guests"),
            ("Musicians", "rehearsed a symphony for the spring concert hall"),
            ("Doctors", "studied sleep patterns among night shift workers in hospitals"),
            ("Sailors", "repaired torn canvas before crossing the stormy bay"),
            ("Teachers", "graded exams late into the night at the quiet school"),
            ("Drivers", "waited in traffic as workers repaved the highway lanes"),
            ("Painters", "restored frescoes inside the chapel with tiny brushes"),
            ("Climbers", "reached the summit before clouds covered the glacier"),
        ]
    )
    [a, b] = compute_features([Document("a", short), Document("b", long)], DedupOptions())
    assert (a.sentence_count, b.sentence_count) == (10, 12)
    score = paraphrase_score(a, b, threshold=0.5, window=2, minimum=1)
    assert score.aligned == ((0, 2, 4, 6), (0,))
    assert score.share == 0.4
    assert score.chance == 0.0  # the shorter page's side alone would call it a paraphrase
    assert chance_level(chance_alignment(b, a, threshold=0.5)) >= 1 / 12
    assert score.score == 0.0
    options = DedupOptions(kinds={"paraphrase"}, min_aligned_sentences=1)
    assert len(find_duplicates([Document("a", short), Document("b", long)], options)) == 2


def test_of_two_documents_as_long_the_better_side_decides() -> None:
    # Two sentences each: all of the first align (a run of two), half of the second,
    # which its own chance level (0.5) does not pass; neither is the longer document.
    first = (
        "Energy committee chairman Billy Tauzin of Louisiana said Friday that he will "
        "hold a hearing on the blackout. Lawmakers return in September."
    )
    second = (
        "House energy committee chairman Billy Tauzin of Louisiana said his panel will "
        "hold a hearing on the power blackout in September. Reporters asked him about the grid."
    )
    [a, b] = compute_features([Document("a", first), Document("b", second)], DedupOptions())
    score = paraphrase_score(a, b, threshold=0.5, window=2, minimum=1)
    assert score.aligned == ((0, 1), (0,))
    assert chance_level(chance_alignment(b, a, threshold=0.5)) == 0.5
    assert score.score == 1.0


def test_evidence_names_the_aligned_sentences_of_each_side() -> None:
    seed = (SEEDS / "004_2a6d3f40887b6548.txt").read_text(encoding="utf-8")
    rewrite = (FIXTURES / "dedup" / "paraphrase_of_004.txt").read_text(encoding="utf-8")
    options = DedupOptions(kinds={"paraphrase"})
    [cluster] = find_duplicates([Document("seed", seed), Document("rewrite", rewrite)], options)
    member = cluster.members[1]
    assert member.evidence is not None
    evidence = member.evidence
    assert evidence.kind == "paraphrase"
    assert 0 <= evidence.chance < evidence.exact <= 1
    [mine, theirs] = compute_features(
        [
            Document(member.name, rewrite if member.name == "rewrite" else seed),
            Document("other", seed if member.name == "rewrite" else rewrite),
        ],
        DedupOptions(),
    )
    assert evidence.aligned
    assert max(evidence.aligned) < mine.sentence_count
    assert evidence.matched_aligned
    assert max(evidence.matched_aligned) < theirs.sentence_count


@pytest.mark.parametrize("name", ["zh_light_edit.txt"])
def test_chinese_edit_found_and_other_story_not(name: str) -> None:
    docs = [
        Document(p, (FIXTURES / "dedup" / "languages" / p).read_text(encoding="utf-8"))
        for p in ("zh_original.txt", name, "zh_other_story.txt")
    ]
    for kinds in ({"containment"}, {"paraphrase"}):
        clusters = find_duplicates(docs, DedupOptions(kinds=kinds))
        assert sorted(sorted(m.name for m in c.members) for c in clusters) == sorted(
            [sorted(["zh_original.txt", name]), ["zh_other_story.txt"]]
        ), kinds


def test_seeds_stay_apart() -> None:
    seeds = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert len(find_duplicates(seeds, DedupOptions())) == len(seeds)


def test_a_share_below_the_floor_is_not_compared_with_chance(
    features: list[DocFeatures],
) -> None:
    for a, b in _pairs(features)[:200]:
        full = paraphrase_score(a, b, threshold=0.5, window=2, minimum=1)
        floored = paraphrase_score(a, b, threshold=0.5, window=2, minimum=1, floor=0.3)
        # Bounded by the caller: every run scored, the same floor for chance.
        bounded = paraphrase_score(
            a, b, threshold=0.5, window=2, minimum=1, floor=0.3, bounded=True
        )
        if full.share >= 0.3:
            assert floored == full
            assert bounded == full
        else:
            assert math.isnan(floored.chance)
            assert floored.score == 0.0
            assert not math.isnan(full.chance)
            assert (bounded.share, bounded.score) == (full.share, 0.0)
            assert math.isnan(bounded.chance)


def test_the_chance_level_leaves_out_only_negligible_sentences() -> None:
    """The same level as the whole Poisson binomial law, computed without leaving out
    the sentences least likely to align."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        probabilities = np.where(
            rng.random(n) < 0.7, rng.uniform(0, 1e-8, n), rng.uniform(0, 0.3, n)
        )
        law = np.zeros(n + 1)
        law[0] = 1.0
        for p in probabilities:
            law[1:] = law[1:] * (1 - p) + law[:-1] * p
            law[0] *= 1 - p
        at_least = np.cumsum(law[::-1])[::-1]
        assert chance_level(probabilities) == np.flatnonzero(at_least > 0.05)[-1] / n


def test_the_law_by_fourier_transform_is_the_law_trial_by_trial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(11)
    for n in (0, 1, 2, 7, 40, 300):
        probabilities = rng.uniform(0, 1, n) ** 3
        fourier = _chance._poisson_binomial(probabilities)
        with monkeypatch.context() as patch:
            patch.setattr(_chance, "_FOURIER", -1)
            one_by_one = _chance._poisson_binomial(probabilities)
        np.testing.assert_allclose(fourier, one_by_one, atol=1e-12)
        assert fourier.sum() == pytest.approx(1.0)
