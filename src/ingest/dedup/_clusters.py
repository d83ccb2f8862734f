"""Verified links to clusters, for engines that find their links outside a :class:`DuplicateIndex`.

The Dask engine (:mod:`ingest.engines._dask`) verifies candidate pairs on workers and
the Redis index (:mod:`ingest.engines._redis`) keeps its links in Redis; both
end where :meth:`ingest.DuplicateIndex.clusters` ends: connected components of
the verified links, then each component's representative and evidence by the
core's :func:`ingest.dedup._index._clusters`. Same links, same clusters, member for
member.

This module is the seam between those engines and the dedup core: everything
they take from :mod:`ingest.dedup._index` goes through here, so that a change of
the core's internals is made in one place.

>>> from ingest.dedup._index import _Link
>>> nodes = [Node("a", "a.txt", 5), Node("b", "b.txt", 9), Node("c", "c.txt", 1)]
>>> clusters = cluster_links(nodes, {("a", "b"): _Link("near", 0.8, 0.75)})
>>> [(c.id, c.ids) for c in clusters]
[('b', ('b', 'a')), ('c', ('c',))]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ._index import _clusters, _Link, _lsh, _ordered, verify, verify_candidates
from ._options import Cluster

__all__ = [
    "Link",
    "Node",
    "cluster_links",
    "memory_lsh",
    "ordered_evidence",
    "verify",
    "verify_candidates",
]

Link = _Link
"""A verified pair (kind, estimated and exact score, containment direction)."""

memory_lsh = _lsh
"""``memory_lsh(threshold, num_perm)``: the core's in-memory LSH, banded by ``lsh_params``."""

ordered_evidence = _ordered
"""``ordered_evidence(this_id, {other_id: link})``: the evidence of *this_id*, strongest first."""


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


def cluster_links(nodes: Iterable[Node], links: Mapping[tuple[str, str], _Link]) -> list[Cluster]:
    """The clusters of *nodes* under *links* (keyed ``(smaller id, larger id)``), as the core's.

    Union-find over the links, then the core's representative and Prim's
    evidence per component; singletons included; largest first, then by id.
    """
    return _clusters(nodes, links)
