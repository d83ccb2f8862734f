"""The extracted blocks as markdown: headings, lists, tables, quotes, code, links as text.

Each block becomes one markdown element by the tag that owns it: ``h2`` a
``## `` heading, ``li`` a ``- `` (or ``1. `` in an ``<ol>``) item, ``pre`` a
fenced code block with its lines verbatim, ``blockquote`` a ``> `` quote, the
cells of one table row one ``| a | b |`` line (a separator line after the first
row), anything else a paragraph. Elements are separated by a blank line, the
items of one list and the rows of one table by a line break. Link targets are
not kept: the text of a link is text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from lxml import etree

from ._blocks import Block

__all__ = ["to_markdown"]

_HEADING_LEVELS: Final = {f"h{level}": level for level in range(1, 7)}
_CELL_TAGS: Final = frozenset({"td", "th"})
_FENCE: Final = "```"


def _enclosing(element: etree._Element, tags: frozenset[str]) -> etree._Element | None:
    return next(element.iterancestors(*tags), None) if element.tag not in tags else element


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


#: Consecutive pieces with the same group (a list, a table) are joined by a line break.
_Group = tuple[str, object] | None


def _pieces(blocks: Sequence[Block]) -> Iterator[tuple[str, _Group, int]]:
    """(markdown, group, table width) per block; the cells of one table row are merged."""
    index = 0
    while index < len(blocks):
        block = blocks[index]
        owner = block.owner
        cell = _enclosing(owner, _CELL_TAGS)
        if cell is not None:
            row = cell.getparent()
            cells = [block]
            while index + 1 < len(blocks):
                following = _enclosing(blocks[index + 1].owner, _CELL_TAGS)
                if following is None or following.getparent() is not row:
                    break
                index += 1
                cells.append(blocks[index])
            table = next(cell.iterancestors("table"), None)
            row_text = "| " + " | ".join(_escape(c.text) for c in cells) + " |"
            yield row_text, ("table", table), len(cells)
        elif owner.tag in _HEADING_LEVELS:
            yield "#" * _HEADING_LEVELS[owner.tag] + " " + block.text, None, 0
        elif owner.tag == "pre" or next(owner.iterancestors("pre"), None) is not None:
            yield "\n".join([_FENCE, *block.lines, _FENCE]), None, 0
        elif owner.tag == "li":
            parent = owner.getparent()
            marker = "1." if parent is not None and parent.tag == "ol" else "-"
            yield f"{marker} " + block.text, ("list", parent), 0
        elif owner.tag == "blockquote":
            yield "> " + block.text, None, 0
        else:
            yield "  \n".join(block.lines), None, 0
        index += 1


def to_markdown(blocks: Sequence[Block]) -> str:
    """Markdown for the extracted *blocks* (see the module docstring).

    >>> import lxml.html
    >>> from ingest.html._blocks import split_blocks
    >>> page = lxml.html.fromstring(
    ...     "<div><h2>Setup</h2><p>Run <a href='/x'>this</a>:</p><pre>pip install x\\n"
    ...     "  --user</pre><ul><li>one</li><li>two</li></ul>"
    ...     "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table></div>"
    ... )
    >>> print(to_markdown(split_blocks(page)))
    ## Setup
    <BLANKLINE>
    Run this:
    <BLANKLINE>
    ```
    pip install x
      --user
    ```
    <BLANKLINE>
    - one
    - two
    <BLANKLINE>
    | k | v |
    | --- | --- |
    | a | 1 |
    """
    out: list[str] = []
    previous: _Group = None
    for text, group, width in _pieces(blocks):
        same = group is not None and group == previous
        out.append(("\n" if same else "\n\n") + text)
        if width and not same:
            out.append("\n| " + " | ".join(["---"] * width) + " |")
        previous = group
    return "".join(out).strip("\n")
