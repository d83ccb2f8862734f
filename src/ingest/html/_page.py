"""An index over a page's blocks and the elements above them.

The extractor asks, for every element, what the blocks beneath it add up to,
and, for every block, what lies above it (furniture? the container? which
``<article>``?). Walking each block's ancestors answers both, but costs
*blocks x depth*: quadratic on hostile pages (50,000 paragraphs under 2,000
nested ``div``s). :class:`Page` answers them in time linear in blocks plus
elements: one climb per element to index parents and depths, then one pass
bottom-up (:meth:`Page.totals`) or top-down (:meth:`Page.inherit`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar

import attrs
from lxml import etree

from ._blocks import HEADINGS, Block

__all__ = ["HEADINGS", "WORD_RE", "Page", "Stats", "box_signature", "is_prose", "words"]

T = TypeVar("T")

#: A block shorter than this (in non-space characters, Han and kana counting
#: three times) is not counted as prose.
MIN_PROSE: Final = 50
#: Prose blocks with more of their text in links than this are link lists.
MAX_PROSE_LINKS: Final = 0.3
#: Blocks with at least this link density are link blocks (a title link, a link list).
LINK_BLOCK: Final = 0.8
#: A word of a text.
WORD_RE: Final = re.compile(r"\w+")


def words(text: str) -> set[str]:
    """The distinct words of *text*, lower-cased."""
    return set(WORD_RE.findall(text.lower()))


def box_signature(element: etree._Element) -> tuple[str, str]:
    """What boxes of one kind share: the tag and the first class name (whitespace-split)."""
    classes = (element.get("class") or "").split()
    return str(element.tag), classes[0] if classes else ""


def is_prose(block: Block) -> bool:
    """Whether *block* reads as running text: long enough, few links, not a heading."""
    return (
        block.weight >= MIN_PROSE
        and block.link_density <= MAX_PROSE_LINKS
        and block.owner.tag not in HEADINGS
        and not block.is_markup
    )


@attrs.define(slots=True)
class Stats:
    """What the blocks under one element add up to.

    Attributes:
        first: Index of the first block in the subtree.
        total: Characters of text.
        prose: Characters of prose blocks.
        prose_blocks: Number of prose blocks.
        blocks: Number of blocks.
        link_blocks: Number of link blocks (mostly link text, ten characters or more).
    """

    first: int
    total: int = 0
    prose: int = 0
    prose_blocks: int = 0
    blocks: int = 0
    link_blocks: int = 0

    def add_block(self, block: Block) -> None:
        """Count one block owned by this element."""
        prose = is_prose(block)
        self.total += block.length
        self.prose += block.length if prose else 0
        self.prose_blocks += prose
        self.blocks += 1
        self.link_blocks += block.link_density >= LINK_BLOCK and block.length >= 10

    def add(self, other: Stats) -> None:
        """Count a child's subtree."""
        self.first = min(self.first, other.first)
        self.total += other.total
        self.prose += other.prose
        self.prose_blocks += other.prose_blocks
        self.blocks += other.blocks
        self.link_blocks += other.link_blocks


@attrs.frozen
class Page:
    """Blocks, the elements that own them or contain owners, and subtree totals.

    Attributes:
        blocks: The page's blocks in document order.
        elements: Every owner and ancestor of an owner, parents before children.
        parent: Each element's parent (``None`` for the root).
        depth: Each element's depth below the root.
        children: Each element's indexed children, in document order.
        stats: Each element's subtree totals.
    """

    blocks: list[Block]
    elements: list[etree._Element]
    parent: dict[etree._Element, etree._Element | None]
    depth: dict[etree._Element, int]
    children: dict[etree._Element, list[etree._Element]]
    stats: dict[etree._Element, Stats]

    @classmethod
    def of(cls, blocks: list[Block]) -> Page:
        """Index *blocks* and every element above them."""
        parent: dict[etree._Element, etree._Element | None] = {}
        children: dict[etree._Element, list[etree._Element]] = {}
        depth: dict[etree._Element, int] = {}
        for block in blocks:
            element: etree._Element | None = block.owner
            climbed: list[etree._Element] = []
            while element is not None and element not in parent:
                up = element.getparent()
                parent[element] = up
                climbed.append(element)
                if up is not None:
                    children.setdefault(up, []).append(element)
                element = up
            level = depth[element] + 1 if element is not None else 0
            for known in reversed(climbed):
                depth[known] = level
                level += 1
        # Children were met in document order: blocks come in document order, and a
        # child is indexed at the first block beneath it.
        elements = sorted(parent, key=depth.__getitem__)
        stats = {element: Stats(len(blocks)) for element in elements}
        for index, block in enumerate(blocks):
            entry = stats[block.owner]
            entry.first = min(entry.first, index)
            entry.add_block(block)
        for element in reversed(elements):
            up = parent[element]
            if up is not None:
                stats[up].add(stats[element])
        return cls(blocks, elements, parent, depth, children, stats)

    def blocks_of(self, element: etree._Element) -> list[Block]:
        """The blocks under *element*, in order (an indexed element's are contiguous)."""
        stats = self.stats[element]
        return self.blocks[stats.first : stats.first + stats.blocks]

    def totals(self, value: Callable[[Block], float]) -> dict[etree._Element, float]:
        """The sum of *value* over the blocks under each element."""
        sums = dict.fromkeys(self.elements, 0.0)
        for block in self.blocks:
            sums[block.owner] += value(block)
        for element in reversed(self.elements):
            up = self.parent[element]
            if up is not None:
                sums[up] += sums[element]
        return sums

    def inherit(self, own: Callable[[etree._Element], T | None]) -> dict[etree._Element, T | None]:
        """For each element, *own* of it or, when that is ``None``, of its nearest ancestor."""
        result: dict[etree._Element, T | None] = {}
        for element in self.elements:
            value = own(element)
            if value is None:
                up = self.parent[element]
                value = result[up] if up is not None else None
            result[element] = value
        return result
