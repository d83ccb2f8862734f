"""Verification that skips the links which cannot matter: same clusters, same evidence.

:meth:`ingest.DuplicateIndex.extend` verifies a candidate pair only for the kinds of
link that could still change a cluster or its evidence (``ingest.dedup._chains``);
:meth:`ingest.DuplicateIndex.add` verifies every kind of every pair, as the index
always did. Both must give the same clusters, member for member, evidence included:
on a corpus of big families of overlapping copies, and on random link graphs
against clustering every link.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import DedupOptions, Document
from ingest.dedup import DuplicateIndex
from ingest.dedup._chains import Chains
from ingest.dedup._clusters import Node, cluster_links
from ingest.dedup._options import KINDS
from ingest.dedup._verify import Link
from tests.synthetic import _base, _skeletons, _Words


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


def test_extend_gives_the_clusters_and_evidence_of_add_on_big_families() -> None:
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


_LINKS = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(KINDS),
        st.sampled_from([0.3, 0.5, 0.7, 1.0]),  # few scores: many ties
    ),
    max_size=12,
)


@pytest.mark.parametrize(
    "kinds", [{"exact", "paraphrase"}, {"near", "containment"}, {"containment", "paraphrase"}]
)
def test_extend_gives_the_clusters_of_add_with_some_kinds(kinds: set[str]) -> None:
    docs = _families(articles=2, copies=14, seed=9)
    options = DedupOptions(kinds=frozenset(kinds))
    every = DuplicateIndex(options)
    for doc in docs:
        every.add(doc)
    pruned = DuplicateIndex(options)
    pruned.extend(docs)
    assert pruned.clusters() == every.clusters()
    assert any(len(c.members) > 1 for c in pruned.clusters())


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
