"""Clusters by id and by position against a brute-force reference, member for member."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dedup import _clusters
from ingest.dedup._clusters import Node, cluster_links, cluster_positions
from ingest.dedup._options import KINDS, Cluster, Evidence, Member
from ingest.dedup._verify import Link, rank

Links = dict[tuple[str, str], Link]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Node], Links]:
    """Nodes (an id now and then given twice) and links keyed ``(smaller id, larger id)``.

    Few ids, words and scores: ties in the representative and in Prim's choice are common.
    """
    ids = draw(st.lists(st.text("abc", min_size=1, max_size=2), min_size=1, max_size=12))
    nodes = [Node(i, f"{i}.{k}.txt", draw(st.integers(0, 2))) for k, i in enumerate(ids)]
    pairs = list(combinations(sorted(set(ids)), 2))
    most = min(len(pairs), 3 * len(set(ids)))
    chosen = draw(st.sets(st.sampled_from(pairs), max_size=most)) if pairs else set()
    links = {}
    for a, b in sorted(chosen):
        kind = draw(st.sampled_from(KINDS))
        links[a, b] = Link(
            kind,
            draw(st.sampled_from([0.5, 0.9])),
            draw(st.sampled_from([0.5, 0.8, 1.0])),
            contained=draw(st.sampled_from(["", a, b])) if kind == "containment" else "",
            first=a,
            aligned=((0,), (1, 2)) if kind == "paraphrase" else ((), ()),
        )
    return nodes, links


def _reference(nodes: list[Node], links: Links) -> list[Cluster]:
    """The clusters, written the slow and obvious way.

    Components by search over an adjacency dict; the representative has the most
    words, then the smallest id; then, as long as a member is unreached, the one
    reached next is the least ``(rank(link), member id, via id)`` over every link
    from a reached member ``via`` to an unreached ``member``.
    """
    first: dict[str, Node] = {}
    for node in nodes:
        first.setdefault(node.id, node)
    adjacent: dict[str, dict[str, Link]] = {i: {} for i in first}
    for (a, b), link in links.items():
        adjacent[a][b] = link
        adjacent[b][a] = link
    clusters = []
    seen: set[str] = set()
    for start in first:
        if start in seen:
            continue
        component, stack = {start}, [start]
        while stack:
            for other in adjacent[stack.pop()]:
                if other not in component:
                    component.add(other)
                    stack.append(other)
        seen |= component
        representative = min(component, key=lambda i: (-first[i].words, i))
        evidence: dict[str, Evidence | None] = {representative: None}
        while len(evidence) < len(component):
            _, member, via = min(
                (rank(link), member, via)
                for via in evidence
                for member, link in adjacent[via].items()
                if member not in evidence
            )
            evidence[member] = adjacent[via][member].evidence(member, via)
        ordered = [representative, *sorted(component - {representative})]
        members = tuple(Member(i, first[i].name, evidence[i]) for i in ordered)
        clusters.append(Cluster(representative, representative, members))
    several = sorted(
        (c for c in clusters if len(c.members) > 1), key=lambda c: (-len(c.members), c.id)
    )
    return several + sorted((c for c in clusters if len(c.members) == 1), key=lambda c: c.id)


def _roots(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    return [find(x) for x in range(count)]


def _positioned(graph: tuple[list[Node], Links]) -> tuple[list[Node], list[tuple[int, int, Link]]]:
    """The graph's nodes, each id once, and its links by their positions."""
    nodes, links = graph
    first: dict[str, Node] = {}
    for node in nodes:
        first.setdefault(node.id, node)  # an index holds each id once
    unique = list(first.values())
    position = {node.id: p for p, node in enumerate(unique)}
    return unique, [(position[a], position[b], link) for (a, b), link in links.items()]


@given(graphs())
def test_clusters_by_id_are_the_reference(graph: tuple[list[Node], Links]) -> None:
    nodes, links = graph
    assert cluster_links(nodes, links) == _reference(nodes, links)


@given(graphs())
def test_clusters_by_position_are_the_reference(graph: tuple[list[Node], Links]) -> None:
    unique, by_position = _positioned(graph)
    roots = _roots(len(unique), [(p, q) for p, q, _ in by_position])
    assert cluster_positions(unique, roots, by_position) == _reference(*graph)


@given(graphs(), st.sampled_from([1, 2, 4096]))
def test_finish_gives_each_evidence_link_its_estimate(
    graph: tuple[list[Node], Links], batch: int
) -> None:
    """*finish* sees the links that become evidence, with their ends (member, reached
    from), in batches of whole clusters; what it returns is the evidence, and the
    clusters are otherwise those it would be without it."""
    unique, by_position = _positioned(graph)
    roots = _roots(len(unique), [(p, q) for p, q, _ in by_position])
    batches: list[int] = []

    def finish(found: Sequence[tuple[int, int, Link]]) -> list[Link]:
        batches.append(len(found))
        return [attrs.evolve(link, estimated=(3 * a + b) / 100) for a, b, link in found]

    with mock.patch.object(_clusters, "_FINISH_BATCH", batch):
        finished = cluster_positions(unique, roots, by_position, finish)
    plain = cluster_positions(unique, roots, by_position)
    place = {node.id: p for p, node in enumerate(unique)}

    def estimated(member: Member) -> Member:
        if member.evidence is None:
            return member
        score = (3 * place[member.id] + place[member.evidence.matched]) / 100
        return attrs.evolve(member, evidence=attrs.evolve(member.evidence, estimated=score))

    expected = [
        attrs.evolve(cluster, members=tuple(map(estimated, cluster.members))) for cluster in plain
    ]
    assert finished == expected
    evidence = sum(len(c.members) - 1 for c in plain)
    assert sum(batches) == evidence
    assert all(size >= batch for size in batches[:-1])


def test_a_link_to_no_node_is_an_error() -> None:
    nodes = [Node("a", "a.txt", 1), Node("b", "b.txt", 2)]
    links = {("a", "b"): Link("near", 0.8, 0.75), ("a", "x"): Link("exact", 1, 1)}
    with pytest.raises(ValueError, match="names 'x'") as caught:
        cluster_links(nodes, links)
    assert str(caught.value) == (
        "cluster_links: the link ('a', 'x') names 'x', which is not among the nodes; "
        "give every linked document as a node"
    )
