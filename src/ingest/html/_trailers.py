"""What follows an article's body inside its container: the boxes a post ends with.

A blog platform or a page builder puts the article's body in a box of its own and
ends the post with more boxes beside it, inside the element that the extractor
takes for the article: an "About the author" card, a disclaimer, a call to action
("Talk to our team"), a list of sources, a feedback prompt. None of them is named
as furniture (``saboxplugin-wrap``, ``bg-blue-50``, ``hubspot-section``), and each
holds a line of prose or two, so the container keeps them. When one box holds the
body (most of the article's prose) and only boxes follow it, those boxes, each with
far less prose than the body, are not the article's, except

* a box of the body's own signature (tag and first class): the posts of a thread,
  the parts of an article split into like boxes;
* a box named or headed as a FAQ (``faq``, ``accordion``, "Frequently asked
  questions"): an article's questions and answers;
* a box holding a table or a code listing: the article's data;
* a box anchored by its own heading (``<section id="upkeep">`` headed "Upkeep"): a
  section of the document, which a table of contents links to.

A paragraph, heading or list after the body box (the container's own text goes
on) means that the boxes are the article's, and nothing goes.

An article that the page type takes for a service (an undated post: nothing on the
page says article) is grown, as a service's sections are, over what follows it:
the author's box, "Related articles", a sign-up form, a list of sources, a contact
box. When the container holds most of the sections' prose in paragraphs enough to
be an article, what the growing added after it goes (:func:`without_tail`).

A sign-up or contact form inside the article comes with a line or two of its own
beside it: "Discover more from ...", "Subscribe to get the latest posts", the
"Thank you! Your submission has been received" that a script shows once it is
sent. The largest box around the form that holds little more than that (at most
:data:`_FORM_TEXT` characters) is the form's box, and its text is not the
article's (:func:`without_forms`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Final

from lxml import etree

from ._blocks import Block
from ._content import anchored_by_heading
from ._page import Page, box_signature, is_prose

__all__ = ["without_forms", "without_tail", "without_trailers"]

#: Elements that group other blocks: a body, a card, a section.
_BOXES: Final = frozenset(
    {"article", "aside", "details", "div", "fieldset", "footer", "form", "header", "main"}
    | {"section"}
)
#: The body box holds at least this share of the rendered prose ...
_BODY_SHARE: Final = 0.5
#: ... and a box after it with more than this share of the body's prose is the article's.
_TRAILER_SHARE: Final = 0.5
#: A container holding this share of its sections' prose or more ...
_ARTICLE_SHARE: Final = 0.75
#: ... in this many prose blocks or more is an article, and the sections after it are not.
_ARTICLE_PARAGRAPHS: Final = 6
#: A box around a form with at most this many characters of text is the form's own.
_FORM_TEXT: Final = 600
#: A FAQ by its names or its first line.
_FAQ_RE: Final = re.compile(r"faq|frequently.asked|accordion", re.IGNORECASE)


def without_trailers(page: Page, blocks: list[Block]) -> list[Block]:
    """*blocks* (an article's, in document order, from *page*) without the boxes after
    its body (see the module docstring). Linear in the blocks and the holder's depth."""
    if not blocks:
        return blocks
    holder = _holder(page, blocks)
    kids = page.children.get(holder, [])
    starts = [page.stats[kid].first for kid in kids]
    order: list[etree._Element | None] = []
    groups: dict[etree._Element | None, list[Block]] = {}
    child_of: dict[int, etree._Element | None] = {}
    for block in blocks:
        at = bisect_right(starts, block.index) - 1
        inside = at >= 0 and block.index < starts[at] + page.stats[kids[at]].blocks
        child = kids[at] if inside else None
        child_of[block.index] = child
        if child not in groups:
            order.append(child)
            groups[child] = []
        groups[child].append(block)
    prose = {child: _prose(members) for child, members in groups.items()}
    body = max(order, key=lambda child: prose[child])
    total = sum(prose.values())
    if body is None or body.tag not in _BOXES or not total or prose[body] < _BODY_SHARE * total:
        return blocks
    after = order[order.index(body) + 1 :]
    if any(child is None or child.tag not in _BOXES for child in after):
        return blocks
    dropped = {
        child
        for child in after
        if child is not None
        and prose[child] <= _TRAILER_SHARE * prose[body]
        and not _kept(child, body, groups[child])
    }
    if not dropped:
        return blocks
    return [block for block in blocks if child_of[block.index] not in dropped]


def without_tail(
    page: Page, container: etree._Element, sections: list[Block], *, service: bool
) -> list[Block]:
    """*sections* (a page's blocks, grown from its *container* to the sections around
    it) without those after the container, on a *service* page whose container is an
    article: it holds :data:`_ARTICLE_SHARE` of their prose or more, in
    :data:`_ARTICLE_PARAGRAPHS` prose blocks or more. The sections before it (a hero,
    an introduction) stay."""
    if not service:
        return sections
    stats = page.stats[container]
    inside = [
        block for block in sections if stats.first <= block.index < stats.first + stats.blocks
    ]
    if not inside or inside[-1] is sections[-1]:
        return sections
    paragraphs = sum(1 for block in inside if is_prose(block))
    if paragraphs < _ARTICLE_PARAGRAPHS or _prose(inside) < _ARTICLE_SHARE * _prose(sections):
        return sections
    last = inside[-1].index
    return [block for block in sections if block.index <= last]


def without_forms(page: Page, blocks: list[Block]) -> list[Block]:
    """*blocks* (an article's, in document order, from *page*) without the text of the
    forms inside them that hold at most :data:`_FORM_TEXT` characters of text, and of
    the boxes around each such form that hold at most as much (see the module docstring)."""
    if not blocks:
        return blocks
    holder = _holder(page, blocks)
    spans: list[tuple[int, int]] = []
    for form in holder.iter("form"):
        own = page.stats.get(form)
        if own is not None and own.total > _FORM_TEXT:
            continue  # a form around the page (ASP.NET's), not a sign-up
        box: etree._Element | None = None
        up = form.getparent()
        while up is not None and up is not holder:
            stats = page.stats.get(up)
            if stats is not None and stats.total > _FORM_TEXT:
                break
            box = up
            up = up.getparent()
        box = box if box is not None else form
        stats = page.stats.get(box)
        if stats is not None:
            spans.append((stats.first, stats.first + stats.blocks))
    if not spans:
        return blocks
    return [block for block in blocks if not any(low <= block.index < high for low, high in spans)]


def _holder(page: Page, blocks: Sequence[Block]) -> etree._Element:
    """The innermost element holding every block (*blocks* in document order)."""
    low, high = blocks[0].index, blocks[-1].index
    holder = blocks[0].owner
    while True:
        stats = page.stats[holder]
        up = page.parent[holder]
        if (stats.first <= low and high < stats.first + stats.blocks) or up is None:
            return holder
        holder = up


def _prose(blocks: Sequence[Block]) -> int:
    return sum(block.length - block.link_length for block in blocks if is_prose(block))


def _kept(box: etree._Element, body: etree._Element, blocks: Sequence[Block]) -> bool:
    """Whether *box*, after the *body*, is the article's all the same."""
    return (
        box_signature(box) == box_signature(body)
        or _FAQ_RE.search(f"{box.get('class') or ''} {box.get('id') or ''}") is not None
        or _FAQ_RE.search(blocks[0].text) is not None
        or next(box.iter("table", "pre"), None) is not None
        or anchored_by_heading(box)
    )
