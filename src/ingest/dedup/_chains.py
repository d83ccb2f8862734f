"""Chains of verified links: which kinds of link between two documents can still matter.

A cluster is a connected component of the verified links, and each member's
evidence is the link by which Prim's algorithm, grown from the representative
and taking the strongest link first (:func:`ingest.dedup._clusters.cluster_positions`),
reaches it. A link between two documents that a chain of strictly stronger links
already joins changes neither: the two are in one component already, and Prim's
algorithm always has one of the chain's links to take before it (docs/dedup.md,
"Verification"). Links are ranked by kind first, so a chain of links of the
kinds before ``k`` makes every link of kind ``k`` or weaker irrelevant.

:class:`Chains` keeps one union-find per kind, over the links of that kind and the
stronger ones, and tells which kinds are still worth verifying between two
documents.

>>> chains = Chains()
>>> a, b, c = chains.add(), chains.add(), chains.add()
>>> chains.join(a, b, "near")
>>> chains.join(b, c, "containment")
>>> chains.needed(a, b)
('exact', 'near')
>>> chains.needed(a, c)
('exact', 'near', 'containment')
>>> chains.needed(a, chains.add())
('exact', 'near', 'containment', 'paraphrase')
>>> chains.roots()
[0, 0, 0, 3]
"""

from __future__ import annotations

from array import array
from collections.abc import MutableSequence

from ._options import KINDS, Kind

__all__ = ["Chains", "find", "union"]


class Chains:
    """Union-find over document positions, one forest per kind of link and the stronger ones.

    Forest ``k`` joins the documents that a chain of links of ``KINDS[: k + 1]``
    joins; the last forest joins clusters. Each forest is an ``array`` of 32-bit
    parents (positions fit: the index's sentence rows hold them in 32 bits too): 16
    bytes a document for the four, against 32 for lists of pointers, and finding a
    root is as fast (measured: docs/log/one-process.md, session 17).
    """

    def __init__(self) -> None:
        self._parents: list[array[int]] = [array("i") for _ in KINDS]

    def __len__(self) -> int:
        return len(self._parents[0])

    def add(self) -> int:
        """A new document, joined to none; its position (0, 1, 2, ...)."""
        position = len(self._parents[0])
        for parent in self._parents:
            parent.append(position)
        return position

    def join(self, a: int, b: int, kind: Kind) -> None:
        """Record a link of *kind* between the documents at *a* and *b*."""
        for parent in self._parents[KINDS.index(kind) :]:
            union(parent, a, b)

    def needed(self, a: int, b: int) -> tuple[Kind, ...]:
        """The kinds a link between *a* and *b* may have and still matter: those up to the
        strongest kind such that a chain of links of that kind or stronger joins them."""
        for level in range(len(KINDS) - 1, -1, -1):
            parent = self._parents[level]
            if find(parent, a) != find(parent, b):
                return KINDS[: level + 2]
        return KINDS[:1]

    def roots(self) -> list[int]:
        """The root of each position's cluster (the forest of every kind of link): the
        smallest position of its connected component, so equal roots, one cluster."""
        parent = self._parents[-1]
        return [find(parent, x) for x in range(len(parent))]


def find(parent: MutableSequence[int], x: int) -> int:
    """The root of *x* in the union-find forest *parent* (halving the path on the way)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving
        x = parent[x]
    return x


def union(parent: MutableSequence[int], a: int, b: int) -> None:
    """Join the trees of *a* and *b* in *parent* under the smaller root (so a root is
    the smallest position of its component)."""
    root_a, root_b = find(parent, a), find(parent, b)
    if root_a != root_b:
        parent[max(root_a, root_b)] = min(root_a, root_b)
