"""Clusters: verified links in, connected components with their evidence out.

Every engine ends here: :meth:`ingest.DuplicateIndex.clusters`, the Dask engine
(which verifies candidate pairs on workers) and the Redis index (which keeps
its links in Redis) all give their documents and links to
:func:`cluster_links`. Same links, same clusters, member for member.

>>> nodes = [Node("a", "a.txt", 5), Node("b", "b.txt", 9), Node("c", "c.txt", 1)]
>>> clusters = cluster_links(nodes, {("a", "b"): Link("near", 0.8, 0.75)})
>>> [(c.id, c.ids) for c in clusters]
[('b', ('b', 'a')), ('c', ('c',))]
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from ._options import Cluster, Evidence, Member
from ._verify import Link, rank

__all__ = ["Clustered", "Node", "cluster_links", "ordered_evidence"]


@attrs.frozen
class Node:
    """What clustering needs of a document: the fields of a ``DocFeatures`` it reads.

    Attributes:
        id: The document's id.
        name: The document's name.
        words: Its number of words (the representative has the most).
    """

    id: str
    name: str
    words: int


class Clustered(Protocol):
    """What clustering reads of a document (a ``DocFeatures`` or a :class:`Node`)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def words(self) -> int: ...


def cluster_links(
    nodes: Iterable[Clustered], links: Mapping[tuple[str, str], Link]
) -> list[Cluster]:
    """The clusters of *nodes* under *links* (keyed ``(smaller id, larger id)``).

    Union-find over the links, then per component its representative (the most
    words, then the smallest id) and each member's evidence (Prim's algorithm
    from the representative: its strongest link to a member reached before it).
    A node id given twice counts once. Singletons included; largest first, then
    by id.
    """
    parent: dict[str, str] = {}
    order: list[Clustered] = []
    for node in nodes:
        if node.id not in parent:
            parent[node.id] = node.id
            order.append(node)

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    neighbours: defaultdict[str, list[tuple[str, Link]]] = defaultdict(list)
    for (a, b), link in links.items():
        neighbours[a].append((b, link))
        neighbours[b].append((a, link))
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: defaultdict[str, list[Clustered]] = defaultdict(list)
    for node in order:
        groups[find(node.id)].append(node)
    result = [_cluster(group, neighbours) for group in groups.values()]
    result.sort(key=lambda c: (-len(c.members), c.id))
    return result


def _cluster(group: Sequence[Clustered], neighbours: dict[str, list[tuple[str, Link]]]) -> Cluster:
    """The cluster of *group*, a connected component of the verified links."""
    representative = min(group, key=lambda f: (-f.words, f.id))
    names = {f.id: f.name for f in group}
    # Prim's algorithm from the representative: each member's evidence is its
    # strongest link to a member reached before it.
    evidence: dict[str, Evidence | None] = {representative.id: None}
    heap = [
        (rank(link), other, representative.id, link)
        for other, link in neighbours.get(representative.id, ())
    ]
    heapq.heapify(heap)
    while heap:
        _, member, via, link = heapq.heappop(heap)
        if member in evidence:
            continue
        evidence[member] = link.evidence(member, via)
        for other, next_link in neighbours.get(member, ()):
            if other not in evidence:
                heapq.heappush(heap, (rank(next_link), other, member, next_link))
    ordered = [representative.id, *sorted(set(names) - {representative.id})]
    members = tuple(Member(i, names[i], evidence[i]) for i in ordered)
    return Cluster(representative.id, representative.id, members)


def ordered_evidence(this: str, links: dict[str, Link]) -> list[Evidence]:
    """The evidence of *this* (an id) from its *links* (by the other id), strongest first."""
    ordered = sorted(links.items(), key=lambda item: (rank(item[1]), item[0]))
    return [link.evidence(this, other) for other, link in ordered]
