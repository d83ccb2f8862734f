"""De-duplication: each kind on its fixture, the seeds as singletons, determinism, ids."""

from __future__ import annotations

import gc
import json
import random
from pathlib import Path
from typing import Any

import attrs
import pytest

from ingest import (
    Cluster,
    DedupOptions,
    Document,
    DuplicateIndex,
    Evidence,
    IdConflictError,
    OptionsError,
    find_duplicates,
)
from ingest.dedup import full_collections_deferred
from ingest.dedup._align import paraphrase_score
from ingest.dedup._features import DocFeatures, compute_features

from ..conftest import FIXTURES, SEEDS
from ..synthetic import generate

DEDUP = FIXTURES / "dedup"
CASES: list[dict[str, Any]] = json.loads((DEDUP / "cases.json").read_text(encoding="utf-8"))
SEED_PATHS = sorted(SEEDS.glob("*.txt"))


def _read(path: Path) -> Document:
    return Document(name=path.name, text=path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return [_read(path) for path in SEED_PATHS]


@pytest.fixture(scope="module")
def seed_index(seeds: list[Document]) -> DuplicateIndex:
    index = DuplicateIndex()
    index.extend(seeds)
    return index


def test_fixture_globs_are_not_empty() -> None:
    assert len(SEED_PATHS) == 5
    assert {case["expect"] for case in CASES} == {"exact", "near", "containment", "paraphrase"}
    for case in CASES:
        assert (DEDUP / case["file"]).is_file()
        assert (SEEDS / case["of"]).is_file()


def test_seeds_are_five_singletons(seeds: list[Document]) -> None:
    clusters = find_duplicates(seeds)
    assert sorted(len(c.members) for c in clusters) == [1, 1, 1, 1, 1]
    assert all(c.members[0].evidence is None for c in clusters)


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_each_kind_is_detected(case: dict[str, Any], seed_index: DuplicateIndex) -> None:
    copy = _read(DEDUP / case["file"])
    original = _read(SEEDS / case["of"])
    matches = seed_index.query(copy)
    assert [(e.kind, e.matched) for e in matches] == [(case["expect"], original.id)]
    [evidence] = matches
    assert evidence.direction == case.get("direction", "")
    assert 0 < evidence.estimated <= 1
    assert 0 < evidence.exact <= 1


def test_the_paraphrase_aligns_most_sentences_and_other_seeds_few(
    seed_index: DuplicateIndex, seeds: list[Document]
) -> None:
    paraphrase = _read(DEDUP / "paraphrase_of_004.txt")
    loose = DuplicateIndex(attrs.evolve(seed_index.options, paraphrase_threshold=0.05))
    loose.extend(seeds)
    scores = {e.matched: e.exact for e in loose.query(paraphrase)}
    seed_004 = next(d for d in seeds if d.name.startswith("004"))
    assert scores.pop(seed_004.id) >= 0.7
    assert all(score <= 0.1 for score in scores.values())


def test_containment_direction_is_seen_from_each_side(seeds: list[Document]) -> None:
    truncated = _read(DEDUP / "truncated_001.txt")
    original = next(d for d in seeds if d.name.startswith("001"))
    [cluster] = [c for c in find_duplicates([*seeds, truncated]) if len(c.members) > 1]
    assert cluster.representative == original.id  # the more complete text
    evidence = cluster.members[1].evidence
    assert evidence is not None
    assert evidence == Evidence(
        "containment", original.id, evidence.estimated, evidence.exact, "subset"
    )
    index = DuplicateIndex()
    index.add(truncated)
    [from_original] = index.query(original)
    assert (from_original.kind, from_original.direction) == ("containment", "superset")


def _all_documents(seeds: list[Document]) -> list[Document]:
    return [*seeds, *(_read(DEDUP / case["file"]) for case in CASES)]


def test_clusters_pair_each_fixture_with_its_seed(seeds: list[Document]) -> None:
    clusters = find_duplicates(_all_documents(seeds))
    pairs = sorted(tuple(sorted(m.name for m in c.members)) for c in clusters)
    expected = [tuple(sorted((case["file"], case["of"]))) for case in CASES]
    assert pairs == sorted([*expected, ("000_f004c3159c610725.txt",)])
    for cluster in clusters:
        assert cluster.id == cluster.representative == cluster.members[0].id
        assert cluster.members[0].evidence is None
        assert all(m.evidence is not None for m in cluster.members[1:])


def test_results_do_not_depend_on_input_order(seeds: list[Document]) -> None:
    docs = _all_documents(seeds)
    expected = find_duplicates(docs)
    rng = random.Random(5)  # noqa: S311 - shuffling test input, not cryptography
    for _ in range(3):
        shuffled = docs[:]
        rng.shuffle(shuffled)
        assert find_duplicates(shuffled) == expected
    one_by_one = DuplicateIndex()
    for doc in reversed(docs):
        one_by_one.add(doc)
    assert one_by_one.clusters() == expected


_FARM = "Farmers in the northern valley harvested record wheat yields."
_EXPORT = "Exporters shipped the surplus grain to Asian ports by rail."
_LIBRARY = "Municipal libraries extended their opening hours on weekends."
_MUSEUM = "Museum curators catalogued fragile medieval manuscripts overnight."
_BRIDGE = "Engineers inspected the old suspension bridge after the storm."


@pytest.mark.parametrize(("window", "clusters"), [(1, 2), (2, 1)])
def test_a_sentence_that_merges_two_aligns_with_both(window: int, clusters: int) -> None:
    # Neither source sentence alone shares half the stems of the merged one
    # (Jaccard 5/11 and 4/12); the two together do (9/14).
    merged = "Northern farmers harvested record wheat, and exporters shipped it to Asian ports."
    options = DedupOptions(min_aligned_sentences=1, sentence_window=window, sentence_threshold=0.5)
    docs = [Document("source", f"{_FARM} {_EXPORT}"), Document("rewrite", merged)]
    found = find_duplicates(docs, options)
    assert len(found) == clusters
    if clusters == 1:
        evidence = found[0].members[1].evidence
        assert evidence is not None
        assert (evidence.kind, evidence.exact) == ("paraphrase", 1.0)


def test_a_merged_run_aligns_only_when_each_sentence_shares_a_stem() -> None:
    # (farm, library) merged has Jaccard 7/12 with the farm sentence, but the
    # library sentence shares no stem with it: only the farm sentence aligns.
    short = Document("short", f"{_FARM} {_LIBRARY}")
    long = Document("long", f"{_FARM} {_MUSEUM} {_BRIDGE}")
    a, b = compute_features([short, long], DedupOptions())
    score = paraphrase_score(a, b, threshold=0.5, window=2, minimum=1)
    assert score.aligned == ((0,), (0,))
    assert score.share == 0.5
    # One sentence of two, made of words the other document holds: chance
    # reaches that share too, so it is no paraphrase.
    assert score.chance == 0.5
    assert score.score == 0.0


def test_evidence_is_the_strongest_link_to_the_representative() -> None:
    base = " ".join(
        f"Sentence number {i} tells how negotiators in city {i} reviewed tariff plan {i}."
        for i in range(30)
    )
    docs = [
        Document("full", base),
        Document("same", base.replace("  ", " ").upper()),
        Document("half", base[: len(base) // 2]),
    ]
    [cluster] = find_duplicates(docs)
    kinds = {m.name: (m.evidence.kind if m.evidence else None) for m in cluster.members}
    assert kinds["full"] is None or kinds["same"] is None
    assert kinds["half"] == "containment"


def test_repeated_input_is_one_member_and_id_clash_raises() -> None:
    text = "Negotiators reviewed the tariff plan again on Monday in Beijing. " * 5
    doc = Document("a.txt", text)
    index = DuplicateIndex()
    index.add(doc)
    assert index.add(doc) == []
    assert len(index) == 1
    [cluster] = find_duplicates([doc, doc])
    assert cluster.ids == (doc.id,)
    with pytest.raises(IdConflictError, match=r"already holds for 'a\.txt' with a different text"):
        index.add(Document("b.txt", "Another text entirely, about other matters.", id=doc.id))


def test_extend_links_what_add_links_across_and_inside_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # extend looks a batch up at once and matches the batch's documents among
    # themselves: every link must be the one that add, one by one, makes.
    monkeypatch.setattr("ingest.dedup._index.BATCH", 128)
    docs = generate(700, seed=5).docs  # six batches, planted duplicates in and across them
    docs[300:300] = [docs[10], Document("blank", "   "), docs[299]]  # repeats, an empty text
    one_by_one = DuplicateIndex()
    evidence = {doc.id: one_by_one.add(doc) for doc in docs if doc.id not in one_by_one}
    batched = DuplicateIndex()
    batched.extend(iter(docs))
    assert len(batched) == len(one_by_one) == len(docs) - 2
    assert batched.clusters() == one_by_one.clusters()
    assert sum(len(c.members) > 1 for c in batched.clusters()) > 50
    assert sum(map(len, evidence.values())) > 100
    for doc in docs[::37]:
        assert batched.query(doc) == one_by_one.query(doc)


def test_extend_keeps_the_documents_before_an_id_clash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.dedup._index.BATCH", 128)  # the clash is inside the third batch
    docs = generate(300, seed=6).docs
    clash = Document("clash.txt", "Another text entirely, about other matters.", id=docs[5].id)
    index = DuplicateIndex()
    with pytest.raises(IdConflictError, match="with a different text"):
        index.extend([*docs[:280], clash, *docs[280:]])
    assert len(index) == 280
    rest = DuplicateIndex()
    rest.extend(docs[:280])
    assert index.clusters() == rest.clusters()
    index.extend(docs[280:])  # the index is whole: its LSH holds the documents before the clash
    full = DuplicateIndex()
    full.extend(docs)
    assert index.clusters() == full.clusters()


def test_query_does_not_change_the_index_nor_match_itself(seed_index: DuplicateIndex) -> None:
    clusters = seed_index.clusters()
    seed = _read(SEED_PATHS[0])
    assert seed.id in seed_index
    assert seed_index.query(seed) == []
    seed_index.query(_read(DEDUP / "reformatted_003.txt"))
    assert seed_index.clusters() == clusters


def test_empty_documents_are_singletons() -> None:
    clusters = find_duplicates([Document("a", ""), Document("b", "  \n"), Document("c", "...")])
    assert [len(c.members) for c in clusters] == [1, 1, 1]


def test_kinds_can_be_switched_off(seeds: list[Document]) -> None:
    docs = _all_documents(seeds)
    options = DedupOptions(kinds={"exact", "near"})
    multi = [c for c in find_duplicates(docs, options) if len(c.members) > 1]
    kinds = sorted(m.evidence.kind for c in multi for m in c.members if m.evidence)
    assert kinds == ["exact", "near"]


def test_clusters_are_sorted_largest_first() -> None:
    text = "Officials in Beijing reviewed the plan with negotiators on Monday. " * 4
    docs = [Document(f"copy{i}", text) for i in range(3)] + [Document("z", "Other news.")]
    clusters: list[Cluster] = find_duplicates(docs)
    assert [len(c.members) for c in clusters] == [3, 1]
    assert [m.evidence.kind for m in clusters[0].members[1:] if m.evidence] == ["exact", "exact"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("num_perm", 8, "DedupOptions.num_perm must be an integer from 16 to 1024, got 8"),
        ("seed", -1, "DedupOptions.seed must be an integer from 0 to 4294967295, got -1"),
        ("shingle_size", 0, "DedupOptions.shingle_size must be an integer from 1 to 16, got 0"),
        ("near_threshold", 0, "DedupOptions.near_threshold must be a number in (0, 1], got 0"),
        (
            "sentence_window",
            5,
            "DedupOptions.sentence_window must be an integer from 1 to 4, got 5",
        ),
        ("paraphrase_threshold", True, "must be a number in (0, 1], got True"),
        ("kinds", {"fuzzy"}, "DedupOptions.kinds must be a non-empty set of exact, near"),
        ("kinds", set(), "got []"),
        ("kinds", "exact", "got the string 'exact'; write {'exact'}"),
    ],
)
def test_options_are_validated(field: str, value: object, message: str) -> None:
    with pytest.raises(OptionsError) as info:
        DedupOptions(**{field: value})  # type: ignore[arg-type]
    assert message in str(info.value)


def test_extreme_thresholds_still_make_an_index(seeds: list[Document]) -> None:
    strict = DedupOptions(
        near_threshold=1.0,
        containment_threshold=1.0,
        sentence_threshold=1.0,
        paraphrase_threshold=1.0,
    )
    copy = Document("copy.txt", seeds[0].text)
    clusters = find_duplicates([*seeds, copy], strict)
    assert sorted(len(c.members) for c in clusters) == [1, 1, 1, 1, 2]


def test_index_wants_options_not_a_dict() -> None:
    with pytest.raises(OptionsError, match="DuplicateIndex takes a DedupOptions, got dict"):
        DuplicateIndex({"num_perm": 64})  # type: ignore[arg-type]


def test_options_round_trip_through_json() -> None:
    options = DedupOptions(kinds={"near"}, num_perm=64, near_threshold=0.8)
    assert DedupOptions.from_json(json.loads(json.dumps(options.to_json()))) == options
    with pytest.raises(OptionsError, match=r"unknown DedupOptions fields \['bands'\]"):
        DedupOptions.from_json({"bands": 4})


def test_full_collections_are_deferred_while_an_index_grows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """extend defers the collector's full collections (the index's objects live on) and
    puts its thresholds back, after an error too, nested blocks the outer block's."""
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    features = DuplicateIndex._features

    def spy(index: DuplicateIndex, docs: list[Document]) -> list[DocFeatures]:
        seen.append(gc.get_threshold())
        return features(index, docs)

    monkeypatch.setattr(DuplicateIndex, "_features", spy)
    DuplicateIndex().extend([Document("a", "Talks stalled on Monday, officials said.")])
    assert seen
    assert all(t[:2] == before[:2] and t[2] > 1_000_000 for t in seen)
    assert gc.get_threshold() == before

    def nested() -> None:
        with full_collections_deferred():
            with full_collections_deferred():
                assert gc.get_threshold()[2] > 1_000_000
            assert gc.get_threshold()[2] > 1_000_000
            raise RuntimeError

    with pytest.raises(RuntimeError):
        nested()
    assert gc.get_threshold() == before
