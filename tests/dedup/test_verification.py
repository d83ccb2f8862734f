"""Verification that skips the links which cannot matter: same clusters, same evidence.

:meth:`ingest.DuplicateIndex.extend` verifies a candidate pair only for the kinds of
link that could still change a cluster or its evidence (``ingest.dedup._chains``);
:meth:`ingest.DuplicateIndex.add` verifies every kind of every pair, as the index
always did. Both must give the same clusters, member for member, evidence included:
on a corpus of big families of overlapping copies, and on random link graphs
against clustering every link.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import Cluster, DedupOptions, Document, Evidence
from ingest.dedup import DuplicateIndex, _index, _verify
from ingest.dedup._align import alignment_bounds, share_bound, share_bounds
from ingest.dedup._chains import Chains
from ingest.dedup._clusters import Node, cluster_links
from ingest.dedup._features import DocFeatures, compute_features
from ingest.dedup._options import KINDS
from ingest.dedup._shingle import overlap
from ingest.dedup._store import FeatureColumns
from ingest.dedup._verify import Link, proposes_paraphrase, verify, verify_candidate, verify_each
from tests.dedup.test_paraphrase import _docs as news_docs
from tests.synthetic import TWO_SENTENCES_SHARED, _base, _skeletons, _Words


def _families(articles: int, copies: int, seed: int) -> list[Document]:
    """*copies* documents per article, shuffled: windows of consecutive paragraphs with a
    few words swapped, some whole copies, some exact reprints."""
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    words = _Words(rng, 2_000, 50_000)
    bases = [_base(skeleton, words) for skeleton in _skeletons()[:articles]]
    docs = []
    for label, base in enumerate(bases):
        for number in range(copies):
            size = rng.randint(3, min(8, len(base)))
            start = rng.randrange(len(base) - size + 1)
            paragraphs = base if number % 7 == 0 else base[start : start + size]
            tokens = "\n".join(paragraphs).split(" ")
            for at in rng.sample(range(len(tokens)), min(len(tokens), rng.randint(0, 6))):
                tokens[at] = words.content(tokens[at])
            text = " ".join(tokens) if number % 11 else "\n".join(base)
            docs.append(Document(f"{label}-{number:03d}.txt", text))
    rng.shuffle(docs)
    return docs


@pytest.mark.parametrize("kept", [_index._SIGNATURES_KEPT, 2])
def test_extend_gives_the_clusters_and_evidence_of_add_on_big_families(
    kept: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2: the signatures computed again are evicted and computed again many times.
    monkeypatch.setattr(_index, "_SIGNATURES_KEPT", kept)
    docs = _families(articles=3, copies=24, seed=5)
    every = DuplicateIndex()
    for doc in docs:
        every.add(doc)
    pruned = DuplicateIndex()
    pruned.extend(docs)
    clusters = pruned.clusters()
    assert clusters == every.clusters()
    assert max(len(c.members) for c in clusters) >= 20  # big families
    assert {m.evidence.kind for c in clusters for m in c.members if m.evidence} >= {
        "exact",
        "containment",
    }
    # The point: fewer pairs verified for every kind, fewer links kept.
    assert pruned.stats.skipped > 0
    assert pruned.stats.alignments < every.stats.alignments
    assert len(pruned._links) < len(every._links)


@pytest.mark.parametrize(
    ("corpus", "kinds"),
    [("families", KINDS), ("families", ("paraphrase",)), ("news", ("paraphrase",))],
)
def test_the_bounds_of_all_candidates_at_once_give_the_clusters_of_pair_by_pair(
    corpus: str, kinds: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index bounds the aligned share of all of a document's candidates at once
    (``alignment_bounds``: ``share_bounds``, then ``run_bounds``); verifying pair by
    pair with ``share_bound`` and ``exact_alignment``'s own bound, as ``verify`` does,
    gives the same clusters and evidence, bit for bit. (As an index without numba
    reads its candidates; with it, an index screens them where its store holds
    them, tested below.)"""
    monkeypatch.setattr(_index, "kernels_available", lambda: False)
    docs = _families(articles=3, copies=20, seed=13) if corpus == "families" else news_docs()
    # At 0.5 some news pairs are cut by the share bound (at 0.45 none is).
    options = DedupOptions(kinds=frozenset(kinds), sentence_threshold=0.5)
    cut: list[bool] = []

    def recorded(a, others, minimum, *, threshold, window, floor):  # type: ignore[no-untyped-def]
        bounds = alignment_bounds(
            a, others, minimum, threshold=threshold, window=window, floor=floor
        )
        shares = share_bounds(a, others, minimum, threshold=threshold, window=window)
        # The pairs that reached the run bounds, and whether those cut them.
        cut.extend(b < floor for b, share in zip(bounds, shares, strict=True) if share >= floor)
        return bounds

    monkeypatch.setattr(_verify, "alignment_bounds", recorded)
    at_once = DuplicateIndex(options, spill=True)
    at_once.extend(docs)
    outcomes: list[bool] = []

    def pair_by_pair(a, others, _options):  # type: ignore[no-untyped-def]
        bounds = [share_bound(a, b, 3, threshold=options.sentence_threshold) for b in others]
        outcomes.extend(bound >= options.paraphrase_threshold for bound in bounds)
        return bounds

    monkeypatch.setattr(_index, "paraphrase_bounds", pair_by_pair)
    one_by_one = DuplicateIndex(options, spill=True)
    one_by_one.extend(docs)
    clusters = at_once.clusters()
    assert clusters == one_by_one.clusters()
    assert at_once.stats.alignments == one_by_one.stats.alignments
    assert False in outcomes  # pairs cut by the share bound
    assert False in cut  # pairs aligned after the run bound
    if corpus == "families":
        assert max(len(c.members) for c in clusters) >= 10  # big families
    else:  # news: other stories share words, pairs cut by the run bound too
        assert True in cut


@pytest.mark.parametrize(
    ("corpus", "options"),
    [
        ("families", DedupOptions()),
        ("families", DedupOptions(kinds=frozenset({"exact", "near"}))),
        ("families", DedupOptions(kinds=frozenset({"near", "paraphrase"}))),
        ("families", DedupOptions(min_candidate_sentences=3)),
        ("families", DedupOptions(min_candidate_sentences=0)),
        ("news", DedupOptions(sentence_threshold=0.5)),
        ("news", DedupOptions(kinds=frozenset({"paraphrase"}))),
    ],
)
def test_screening_candidates_gives_the_clusters_of_reading_each_one(
    corpus: str, options: DedupOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With numba an index screens all of a document's candidates at once where its
    store holds them (``screen_candidates``: shingle overlaps, the kinds on sets, the
    paraphrase bounds; columns in memory, the features file mapped when spilled) and
    reads only those some kind could link; without, it reads every candidate and
    verifies it. The same clusters and evidence, bit for bit, and every candidate
    pair counted."""
    docs = _families(articles=3, copies=20, seed=13) if corpus == "families" else news_docs()
    monkeypatch.setattr(_index, "_SCREEN_FROM", 0)  # every document's candidates screened
    screened = DuplicateIndex(options)
    reads: list[int] = []
    get = FeatureColumns.get

    def counted(self: FeatureColumns, row: int) -> DocFeatures:
        reads.append(row)
        return get(self, row)

    with monkeypatch.context() as patch:
        patch.setattr(FeatureColumns, "get", counted)
        screened.extend(docs)
    with DuplicateIndex(options, spill=True) as mapped:
        mapped.extend(docs)
        mapped_clusters = mapped.clusters()
        mapped_stats = mapped.stats
    with monkeypatch.context() as patch:
        patch.setattr(_index, "kernels_available", lambda: False)
        with DuplicateIndex(options, spill=True) as read:
            read.extend(docs)
            read_clusters = read.clusters()
    assert isinstance(screened._docs, FeatureColumns)  # numba: the test extra has it
    clusters = screened.clusters()
    assert clusters == read_clusters == mapped_clusters
    estimates = [[e.estimated for e in _evidence(c)] for c in (clusters, read_clusters)]
    assert estimates[0] == estimates[1]
    for stats in (screened.stats, mapped_stats):
        assert stats.pairs == read.stats.pairs
        assert stats.sized_out == read.stats.sized_out
    assert any(len(c.members) > 1 for c in clusters)
    if "paraphrase" in options.kinds:
        # The sentence LSH's candidates that share a sentence or two and nothing more
        # were never read (clustering reads the rows of its evidence only).
        assert len(reads) < screened.stats.pairs
    if corpus == "families":
        assert max(len(c.members) for c in clusters) >= 10  # big families


def _evidence(clusters: list[Cluster]) -> list[Evidence]:
    return [m.evidence for c in clusters for m in c.members if m.evidence is not None]


_LINKS = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(KINDS),
        st.sampled_from([0.3, 0.5, 0.7, 1.0]),  # few scores: many ties
    ),
    max_size=12,
)


def _added_and_extended(
    docs: list[Document], options: DedupOptions
) -> tuple[DuplicateIndex, DuplicateIndex]:
    """Two indexes of *docs*: one fed by ``add``, one document at a time; one by ``extend``."""
    one_by_one = DuplicateIndex(options)
    for doc in docs:
        one_by_one.add(doc)
    extended = DuplicateIndex(options)
    extended.extend(docs)
    return one_by_one, extended


@pytest.mark.parametrize(
    "kinds", [{"exact", "paraphrase"}, {"near", "containment"}, {"containment", "paraphrase"}]
)
def test_extend_gives_the_clusters_of_add_with_some_kinds(kinds: set[str]) -> None:
    docs = _families(articles=2, copies=14, seed=9)
    every, pruned = _added_and_extended(docs, DedupOptions(kinds=frozenset(kinds)))
    assert pruned.clusters() == every.clusters()
    assert any(len(c.members) > 1 for c in pruned.clusters())


def test_exact_and_near_leave_out_the_overlaps_that_sizes_rule_out() -> None:
    docs = _families(articles=3, copies=16, seed=11)
    one_by_one, extended = _added_and_extended(
        docs, DedupOptions(kinds=frozenset({"exact", "near"}))
    )
    # Windows of 3-8 paragraphs and whole copies: many candidates differ in size by
    # more than near_threshold allows; the clusters and evidence are add's, which
    # computes every overlap.
    assert extended.stats.sized_out > 0
    assert extended.clusters() == one_by_one.clusters()
    assert any(len(c.members) > 1 for c in extended.clusters())
    # A truncation is a containment whatever the sizes: every overlap is computed.
    contained = DuplicateIndex(DedupOptions(kinds=frozenset({"exact", "near", "containment"})))
    contained.extend(docs)
    assert contained.stats.sized_out == 0


@given(st.lists(_LINKS, min_size=1, max_size=25), st.integers(0, 2**32 - 1))
def test_skipping_what_chains_of_stronger_links_join_keeps_the_clusters(
    graph: list[list[tuple[int, str, float]]], seed: int
) -> None:
    """Documents arrive one by one, each with links to earlier ones: keep every link, or
    keep a link only when ``Chains.needed`` allows its kind, as the index does."""
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    chains = Chains()
    every: dict[tuple[str, str], Link] = {}
    kept: dict[tuple[str, str], Link] = {}
    nodes = []
    for new, links in enumerate(graph):
        slot = chains.add()
        nodes.append(Node(f"d{new:02d}", f"{new}.txt", rng.randint(1, 3)))
        for target, kind, score in links:
            key = f"d{target:02d}", f"d{new:02d}"
            if target >= new or key in every:
                continue
            link = Link(kind, score, 1.0 if kind == "exact" else score)  # type: ignore[arg-type]
            every[key] = link
            if kind in chains.needed(slot, target):
                kept[key] = link
                chains.join(slot, target, link.kind)
    assert cluster_links(nodes, kept) == cluster_links(nodes, every)


def _members(clusters: list[Cluster]) -> list[frozenset[str]]:
    return [frozenset(m.id for m in c.members) for c in clusters]


def test_fewer_candidate_pairs_aligned_never_join_what_every_candidate_does_not() -> None:
    docs = _families(articles=3, copies=16, seed=11)
    every = DuplicateIndex()
    every.extend(docs)
    fewer = DuplicateIndex(DedupOptions(min_candidate_sentences=3))
    fewer.extend(docs)
    assert every.stats.unproposed == every.stats.unverified == 0
    # Pages sharing one sentence by chance are not verified on shingle sets either.
    assert fewer.stats.unverified > 0
    assert fewer.stats.pairs < every.stats.pairs
    assert fewer.stats.alignments < every.stats.alignments
    # Fewer candidates, never a link that verification with every candidate refuses:
    # each cluster lies inside one cluster of every candidate.
    wider = _members(every.clusters())
    assert all(any(c <= w for w in wider) for c in _members(fewer.clusters()))


def test_add_query_and_extend_apply_the_same_candidate_rule() -> None:
    docs = _families(articles=2, copies=14, seed=9)
    options = DedupOptions(min_candidate_sentences=3)
    one_by_one, pruned = _added_and_extended(docs, options)
    assert pruned.clusters() == one_by_one.clusters()
    # query verifies through verify_candidate: the evidence add reports for the last one.
    index = DuplicateIndex(options)
    index.extend(docs[:-1])
    last = DuplicateIndex(options)
    for doc in docs[:-1]:
        last.add(doc)
    found = index.query(docs[-1])
    assert found == last.add(docs[-1])
    assert found


@pytest.mark.parametrize(
    ("candidates", "kinds"), [(1, ["paraphrase"]), (2, ["paraphrase"]), (3, [])]
)
def test_a_paraphrase_through_two_sentences_needs_two_candidate_sentences(
    candidates: int, kinds: list[str]
) -> None:
    options = DedupOptions(min_aligned_sentences=2, min_candidate_sentences=candidates)
    index = DuplicateIndex(options)
    a, b = TWO_SENTENCES_SHARED
    index.add(a)
    found = index.add(b)
    assert [e.kind for e in found] == kinds
    # Not aligned, or (proposed by the sentence LSH alone) not verified at all.
    assert index.stats.unproposed + index.stats.unverified == (0 if kinds else 1)


def test_a_pair_is_proposed_for_paraphrase_by_its_distinct_sentences() -> None:
    sentences = [
        "Officials reviewed the trade deal in Beijing on Monday.",
        "The minister said talks would resume next week.",
        "Markets rose sharply after the announcement.",
    ]
    # The first sentence three times: one sentence, however many copies.
    a, b, one = compute_features(
        [
            Document("a", " ".join([*sentences[:1] * 3, sentences[2]])),
            Document("b", " ".join(sentences)),
            Document("one", sentences[0]),
        ],
        DedupOptions(),
    )
    one_pair, two, three = (DedupOptions(min_candidate_sentences=m) for m in (1, 2, 3))
    copies = [(0, 0), (1, 0), (2, 0)]
    assert proposes_paraphrase(a, b, copies, one_pair)
    assert not proposes_paraphrase(a, b, [], one_pair)  # no pair, no proposal
    # A pair of sentences that do not align is the sentence LSH's false positive.
    assert not proposes_paraphrase(a, b, [(3, 0), (0, 1)], one_pair)
    assert proposes_paraphrase(a, b, [(3, 0), (3, 2)], one_pair)
    assert not proposes_paraphrase(a, b, copies, two)
    assert proposes_paraphrase(a, b, [*copies, (3, 2)], two)
    # All the sentences of the shorter document, when it has fewer than the minimum.
    assert proposes_paraphrase(one, b, [(0, 0)], three)
    assert proposes_paraphrase(a, b, [*copies, (3, 2)], three)  # both of the two a has
    assert proposes_paraphrase(b, b, [(0, 0), (1, 1)], two)
    assert not proposes_paraphrase(b, b, [(0, 0), (1, 0)], two)  # (1, 0) does not align
    assert not proposes_paraphrase(b, b, [(0, 0), (1, 1)], three)


def test_exact_and_near_alone_find_every_near_pair_without_the_sentence_lsh() -> None:
    """The document LSH alone, banded below ``near_threshold``, proposes the near pairs the
    sentence LSH used to add: the clusters of verifying every pair."""
    docs = _families(articles=3, copies=16, seed=11)
    options = DedupOptions(kinds=frozenset({"exact", "near"}))
    index = DuplicateIndex(options)
    index.extend(docs)
    assert len(index._sentence_lsh) == 0  # no sentences filed
    features = compute_features(docs, options)
    links = {}
    for a, b in itertools.combinations(features, 2):
        link = verify(a, b, (), options)
        if link is not None:
            links[min(a.id, b.id), max(a.id, b.id)] = link
    every_pair = cluster_links(features, links)
    assert index.clusters() == every_pair
    assert sum(len(c.members) > 1 for c in every_pair) >= 3


def _similar_sentences(a: DocFeatures, b: DocFeatures) -> list[tuple[int, int]]:
    """The sentence pairs ``(i in a, j in b)`` whose stem sets are as alike as the sentence
    LSH's threshold: the candidate sentence pairs an index would find, give or take."""
    return [
        (i, j)
        for i, x in enumerate(a.sentences)
        for j, y in enumerate(b.sentences)
        if x and y and len(x & y) / len(x | y) >= DedupOptions().sentence_threshold
    ]


@pytest.mark.parametrize(
    "options",
    [
        DedupOptions(),
        DedupOptions(min_candidate_sentences=2),
        DedupOptions(kinds=frozenset({"exact", "near"})),
        DedupOptions(kinds=frozenset({"containment", "paraphrase"})),
    ],
    ids=["defaults", "two-candidate-sentences", "exact-near", "containment-paraphrase"],
)
def test_verify_each_links_as_verify_candidate_pair_by_pair(options: DedupOptions) -> None:
    """``verify_each`` (the Dask engine's and a query's verification, the overlaps, the
    kinds on sets ruled out and the alignment's bounds computed for all candidates at
    once) gives each pair the link of ``verify_candidate`` alone, many candidates or few."""
    docs = [
        *_families(articles=3, copies=12, seed=5),
        *news_docs(),
        *TWO_SENTENCES_SHARED,
        Document("empty", ""),
    ]
    features = compute_features(docs, options)
    kinds = set()
    for a in features[::3]:
        for pool in (features, features[:5]):  # above _FEW_CANDIDATES and below
            others = [o for o in pool if o.id != a.id]
            pairs = [_similar_sentences(a, o) for o in others]
            each = verify_each(a, others, pairs, options)
            alone = [verify_candidate(a, o, p, options) for o, p in zip(others, pairs, strict=True)]
            assert each == alone, a.id
            # Every other pair proposed by the sentence LSH alone.
            documented = [k % 2 == 0 for k in range(len(others))]
            each = verify_each(a, others, pairs, options, by_document=documented)
            alone = [
                verify_candidate(a, o, p, options, by_document=d)
                for o, p, d in zip(others, pairs, documented, strict=True)
            ]
            assert each == alone, a.id
            kinds |= {link.kind for link in each if link is not None}
    assert len(features) > _verify._FEW_CANDIDATES
    assert kinds  # links of the kinds asked for, and nothing else
    assert kinds <= options.kinds
    if "paraphrase" in options.kinds:
        assert "paraphrase" in kinds


@pytest.mark.parametrize("held", ["memory", "file"])
def test_extend_estimates_the_links_that_become_evidence_as_add_does(
    held: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``extend`` verifies without the links' MinHash estimates and computes them when the
    clusters are read, for the links that become evidence: the same values as ``add``'s,
    which estimates every link at once, for every kind (signatures evicted and computed
    again, read back from a spilled index's file too)."""
    monkeypatch.setattr(_index, "_SIGNATURES_KEPT", 2)
    monkeypatch.setattr(_index, "_SENTENCE_SIGNATURES_KEPT", 2)
    docs = [*_families(articles=2, copies=14, seed=21), *news_docs()]
    every = DuplicateIndex()
    for doc in docs:
        every.add(doc)
    with DuplicateIndex(spill=held == "file") as pruned:
        pruned.extend(docs)
        pending = [link for link in pruned._links.values() if np.isnan(link.estimated)]
        clusters = pruned.clusters()
        assert clusters == every.clusters()
        assert pruned.clusters() == clusters  # estimated once, kept
    assert len(pending) > 10
    kinds = {m.evidence.kind for c in clusters for m in c.members if m.evidence}
    assert kinds >= {"near", "containment", "paraphrase"}
    estimates = [m.evidence.estimated for c in clusters for m in c.members if m.evidence]
    assert not any(np.isnan(estimates))


@pytest.mark.parametrize(
    "kinds", [KINDS, ("exact", "near"), ("containment",), ("exact",), ("near", "paraphrase")]
)
def test_pairs_that_no_kind_on_sets_can_link_are_those_verify_does_not_link(
    kinds: tuple[str, ...],
) -> None:
    """``set_possible`` rules pairs out for ``verify`` on the kinds decided on shingle
    sets, with the same numbers: it says no exactly where ``verify`` finds no link."""
    options = DedupOptions(kinds=frozenset(kinds))
    docs = [*_families(articles=3, copies=12, seed=3), *news_docs(), Document("empty", "")]
    features = compute_features(docs, options)
    on_sets = tuple(k for k in KINDS if k != "paraphrase")
    ruled_out = linked = 0
    for a in features:
        if not a.words:
            continue
        commons = np.array([overlap(a.shingles, b.shingles) for b in features], dtype=np.int64)
        possible = _verify._set_possible(a, features, commons, options)
        assert len(features) >= _verify._FEW_CANDIDATES  # as many as the index asks it for
        for b, common, can in zip(features, commons, possible.tolist(), strict=True):
            link = verify(a, b, (), options, kinds=on_sets)
            assert can == (link is not None), (a.id, b.id, link)
            # One candidate at a time: the same answers.
            assert _verify._set_possible(a, [b], np.array([common]), options).tolist() == [can]
            ruled_out += not can
            linked += link is not None
    assert ruled_out
    assert linked


def test_a_pair_only_the_sentence_lsh_proposes_is_verified_when_it_covers_enough() -> None:
    """With ``min_candidate_sentences`` above 1, a pair that only the sentence LSH proposes
    is not verified for any kind unless its sentence pairs cover enough sentences of each;
    the document LSH's (and the exact key's) candidates are verified as always."""
    options = DedupOptions(min_candidate_sentences=2)
    text = "The talks stalled on Monday, officials in Beijing said. Markets fell at once. "
    a, b = compute_features([Document("a", text), Document("b", text.upper())], options)
    assert verify_candidate(a, b, [], options, by_document=True) is not None
    assert verify_candidate(a, b, [(0, 0)], options, by_document=False) is None
    found = verify_candidate(a, b, [(0, 0), (1, 1)], options, by_document=False)
    assert found is not None
    assert found.kind == "exact"
    # The default, 1: one pair of sentences that align is enough, one that does not is not.
    assert verify_candidate(a, b, [(1, 1)], DedupOptions(), by_document=False) is not None
    assert verify_candidate(a, b, [(0, 1)], DedupOptions(), by_document=False) is None


def test_a_short_document_inside_a_long_one_is_verified_with_the_sentences_it_has() -> None:
    """Under ``min_candidate_sentences=3`` a brief of two sentences, reprinted inside a long
    article, covers two sentences: all it has, so the pair is verified (containment)."""
    article = _families(articles=1, copies=1, seed=3)[0].text
    brief = (
        "Officials reviewed the trade deal in Beijing on Monday. "
        "The minister said talks would resume next week."
    )
    long = Document("long", f"{article}\n\n{brief}")
    options = DedupOptions(min_candidate_sentences=3)
    for order in ([long, Document("brief", brief)], [Document("brief", brief), long]):
        index = DuplicateIndex(options)
        index.extend(order)
        [cluster] = [c for c in index.clusters() if len(c.members) > 1]
        assert {m.name for m in cluster.members} == {"long", "brief"}
        assert {m.evidence.kind for m in cluster.members if m.evidence} == {"containment"}
        assert index.stats.unverified == 0
