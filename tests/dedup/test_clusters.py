"""Clusters by position (what an index gives) equal clusters by id, member for member."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.dedup._clusters import Node, cluster_links, cluster_positions
from ingest.dedup._options import KINDS
from ingest.dedup._verify import Link

# Few words and scores: ties in the representative and in Prim's heap are common.
_links = st.builds(
    Link,
    st.sampled_from(KINDS),
    st.sampled_from([0.5, 0.9]),
    st.sampled_from([0.5, 0.8, 1.0]),
)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Node], dict[tuple[int, int], Link]]:
    count = draw(st.integers(1, 14))
    ids = draw(
        st.lists(
            st.text("abc", min_size=1, max_size=3), min_size=count, max_size=count, unique=True
        )
    )
    nodes = [Node(i, f"{i}.txt", draw(st.integers(0, 2))) for i in ids]
    pairs = st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(
        lambda p: p[0] < p[1]
    )
    links = draw(st.dictionaries(pairs, _links, max_size=3 * count))
    return nodes, links


def _roots(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[max(find(a), find(b))] = min(find(a), find(b))
    return [find(x) for x in range(count)]


@given(graphs())
def test_clusters_by_position_are_the_clusters_by_id(
    graph: tuple[list[Node], dict[tuple[int, int], Link]],
) -> None:
    nodes, links = graph
    by_id = {
        (min(nodes[a].id, nodes[b].id), max(nodes[a].id, nodes[b].id)): link
        for (a, b), link in links.items()
    }
    by_position = [(a, b, link) for (a, b), link in links.items()]
    expected = cluster_links(nodes, by_id)
    assert cluster_positions(nodes, _roots(len(nodes), list(links)), by_position) == expected
