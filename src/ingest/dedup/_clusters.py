"""Clusters: verified links in, connected components with their evidence out.

Every engine ends here, in :func:`cluster_positions`, where Prim's algorithm
grows each cluster. :meth:`ingest.DuplicateIndex.clusters`, which knows its
documents by position and holds their components already, calls it directly; the
Dask engine (which verifies candidate pairs on workers) and the Redis index (which
keeps its links in Redis) give their documents and links by id to
:func:`cluster_links`, which numbers the documents, finds the components and calls
it. A property test compares both with a brute-force reference.

>>> nodes = [Node("a", "a.txt", 5), Node("b", "b.txt", 9), Node("c", "c.txt", 1)]
>>> clusters = cluster_links(nodes, {("a", "b"): Link("near", 0.8, 0.75)})
>>> [(c.id, c.ids) for c in clusters]
[('b', ('b', 'a')), ('c', ('c',))]
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._chains import find, union
from ._options import Cluster, Evidence, Member
from ._verify import Link, rank

__all__ = ["Clustered", "Node", "cluster_links", "cluster_positions", "ordered_evidence"]


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

    The clusters of :func:`cluster_positions`, for nodes known by id: a node id
    given twice counts once (the first), and a union-find over the links gives the
    components. Each component's representative has the most words, then the
    smallest id; each member's evidence is its strongest link to a member reached
    before it (Prim's algorithm from the representative). Singletons included;
    largest first, then by id. A link naming an id that is not a node's raises
    :class:`ValueError` (naming the id).
    """
    kept: list[Clustered] = []
    positions: dict[str, int] = {}
    for node in nodes:
        if node.id not in positions:
            positions[node.id] = len(kept)
            kept.append(node)
    parent = list(range(len(kept)))
    firsts: list[int] = []
    seconds: list[int] = []
    for a, b in links:
        try:
            first, second = positions[a], positions[b]
        except KeyError:
            missing = a if a not in positions else b
            raise ValueError(
                f"cluster_links: the link ({a!r}, {b!r}) names {missing!r}, which is not "
                "among the nodes; give every linked document as a node"
            ) from None
        firsts.append(first)
        seconds.append(second)
        union(parent, first, second)
    roots = [find(parent, position) for position in range(len(kept))]
    # A mapping gives its values in the order of its keys.
    return cluster_positions(kept, roots, zip(firsts, seconds, links.values(), strict=True))


Finish: TypeAlias = Callable[[Sequence[tuple[int, int, Link]]], Sequence[Link]]
"""What :func:`cluster_positions` applies to the links that become evidence, some at a
time, each given with the positions of its two ends (the member, the one it is
reached from): the same links, in order, finished."""

#: How many evidence links :func:`cluster_positions` hands to its *finish* at once (at
#: least; whole clusters): enough that an index computes their signatures in one
#: batch, few enough that they cost little memory.
_FINISH_BATCH = 4096


def cluster_positions(
    nodes: Sequence[Clustered],
    roots: Sequence[int],
    links: Iterable[tuple[int, int, Link]],
    finish: Finish | None = None,
) -> list[Cluster]:
    """The clusters of *nodes* known by position: *roots* gives each node's component
    (equal roots, one component; a union-find the caller already holds) and *links*
    the verified pairs as ``(position, position, link)``.

    Per component of two nodes or more, its representative (the most words, then
    the smallest id) and each member's evidence (Prim's algorithm from the
    representative: its strongest link to a member reached before it, ties to the
    smallest member id, then the smallest id reached from); the representative
    first, the others by id. Largest first, then by id; the singletons last, by id.
    The neighbours are arrays of positions, built for the linked nodes only: a
    singleton, half the clusters of a corpus, costs its :class:`Cluster` and
    nothing else. *finish*, when given, is applied to the links that become
    evidence, with the positions of their two ends, before they are read (an index
    computes the estimated scores of those links only), a few thousand at a time:
    the order Prim's algorithm takes links in reads only their kinds and exact
    scores (:func:`~ingest.dedup._verify.rank`), which *finish* keeps.
    """
    components = np.asarray(roots, dtype=np.int64)
    order = np.argsort(components, kind="stable")
    firsts = np.flatnonzero(np.diff(components[order], prepend=-1))
    sizes = np.diff(firsts, append=order.size)
    # Each link under both ends, sorted by end: a node's neighbours are one slice.
    ends: list[int] = []
    others: list[int] = []
    found: list[Link] = []
    for a, b, link in links:
        ends.append(a)
        others.append(b)
        found.append(link)
    count = len(found)
    by_end = np.array(ends + others, dtype=np.int64)
    del ends, others
    sorting = np.argsort(by_end, kind="stable")
    adjacency = _Adjacency(
        np.searchsorted(by_end[sorting], np.arange(len(nodes) + 1)),
        np.concatenate([by_end[count:], by_end[:count]])[sorting],
        sorting % max(count, 1),
        found,
    )
    del by_end, sorting
    grown: list[Cluster] = []
    pending: list[_Reached] = []
    waiting = 0
    for first, size in zip(firsts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        pending.append(_reached(nodes, order[first : first + size].tolist(), adjacency))
        waiting += size - 1
        if waiting >= _FINISH_BATCH:
            grown.extend(_with_evidence(nodes, pending, finish))
            pending, waiting = [], 0
    grown.extend(_with_evidence(nodes, pending, finish))
    grown.sort(key=lambda c: (-len(c.members), c.id))
    singles = order[firsts[sizes == 1]].tolist()
    singles.sort(key=lambda position: nodes[position].id)
    for position in singles:
        node = nodes[position]
        grown.append(Cluster(node.id, node.id, (Member(node.id, node.name, None),)))
    return grown


@attrs.frozen
class _Adjacency:
    """The links by node position: node ``p``'s neighbours are
    ``neighbours[bounds[p] : bounds[p + 1]]``, linked by ``links[which[...]]``."""

    bounds: npt.NDArray[np.intp]
    neighbours: npt.NDArray[np.int64]
    which: npt.NDArray[np.int64]
    links: list[Link]

    def of(self, position: int) -> Iterator[tuple[int, Link]]:
        """The neighbours of the node at *position*, each with its link."""
        start, end = self.bounds[position : position + 2].tolist()
        links = self.links
        for other, k in zip(
            self.neighbours[start:end].tolist(), self.which[start:end].tolist(), strict=True
        ):
            yield other, links[k]


@attrs.frozen
class _Reached:
    """A cluster as Prim's algorithm grows it: its representative and, for each other
    member (by id), the link it is reached by, from the member at ``via``."""

    representative: int
    reached: list[tuple[str, int, int, Link]]  # (member id, member, via, link), by id


def _reached(nodes: Sequence[Clustered], group: list[int], adjacency: _Adjacency) -> _Reached:
    """How the cluster of the nodes at *group* (positions), a connected component of the
    links, is reached from its representative."""
    ids = {position: nodes[position].id for position in group}
    representative = min(group, key=lambda p: (-nodes[p].words, ids[p]))
    # Prim's algorithm from the representative; the heap orders entries by rank, then
    # the ids of the member and of the one it is reached from (unique).
    reached: dict[int, tuple[int, Link]] = {}  # member -> (reached from, by link)
    heap: list[tuple[tuple[int, float], str, str, int, int, Link]] = []

    def reach(member: int) -> None:
        for other, link in adjacency.of(member):
            if other not in reached and other != representative:
                heapq.heappush(heap, (rank(link), ids[other], ids[member], other, member, link))

    reach(representative)
    while heap:
        _, _, _, member, via, link = heapq.heappop(heap)
        if member in reached:
            continue
        reached[member] = (via, link)
        reach(member)
    rest = sorted((ids[p], p) for p in group if p != representative)
    return _Reached(representative, [(i, p, *reached[p]) for i, p in rest])


def _with_evidence(
    nodes: Sequence[Clustered], pending: list[_Reached], finish: Finish | None
) -> Iterator[Cluster]:
    """The clusters of *pending*, their evidence links passed through *finish* at once."""
    found = [(p, via, link) for cluster in pending for _, p, via, link in cluster.reached]
    links = iter(finish(found) if finish is not None and found else [f[2] for f in found])
    for cluster in pending:
        representative = cluster.representative
        head = nodes[representative]
        members = [Member(head.id, head.name, None)]
        for member_id, p, via, _ in cluster.reached:
            evidence = next(links).evidence(member_id, nodes[via].id)
            members.append(Member(member_id, nodes[p].name, evidence))
        yield Cluster(head.id, head.id, tuple(members))


def ordered_evidence(this: str, links: dict[str, Link]) -> list[Evidence]:
    """The evidence of *this* (an id) from its *links* (by the other id), strongest first."""
    ordered = sorted(links.items(), key=lambda item: (rank(item[1]), item[0]))
    return [link.evidence(this, other) for other, link in ordered]
