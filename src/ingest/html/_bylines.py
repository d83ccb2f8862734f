"""The lines over an article's body that say who wrote it and when.

A post opens with its byline and dateline: ``By Jane Doe``, ``Reviewed by ...``,
``March 15, 2022 · 3 min read``, ``Published: Nov 24, 2025``. Where the page does
not box them as furniture (``byline``, ``post-meta``), they are short paragraphs
at the head of the article's container, and the extraction kept them; they are
not the article's text (its author and date are metadata). They are told by what
they say: a short block, before the first paragraph, giving a written date,
opening with a byline's words, or giving a reading time. A byline and a dateline
are one or two blocks; more dated blocks at the head are a list of dated entries
(a changelog, a schedule), which the article holds, and nothing goes.

A reading time (``6 min read``) is the one such line that goes wherever it stands,
on a page of any type: a site works it out from the text's length, so it measures
the text and is none of it. A line of a label's length that gives one goes (under
a standfirst, where the head has ended; on each card of a list of posts; on a post
taken for a service); a sentence that mentions one stays (:func:`without_reading_times`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ._blocks import Block
from ._content import LABEL_CHARS, is_label
from ._items import DATE_RE, iso_date
from ._page import is_prose

__all__ = ["without_byline", "without_reading_times"]

#: A block of at least this many characters is the article's text: the head ends there.
_BODY_CHARS: Final = 150
#: The head is at most this many blocks.
_HEAD_BLOCKS: Final = 8
#: The head holds at most this many other prose blocks (a standfirst).
_HEAD_PROSE: Final = 1
#: A byline and a dateline: this many blocks at most.
_MAX_BYLINES: Final = 2
#: A byline's opening words: ``By Jane Doe``, ``Written by``, ``Reviewed by``,
#: ``Published:``, ``Last updated on``.
_BYLINE_RE: Final = re.compile(
    r"(?i:(?:written|reviewed|medically reviewed|fact[- ]checked|posted|published|updated"
    r"|last updated|edited)\s+(?:by|on)\b"
    r"|(?:published|updated|last updated|posted)\s*(?:on)?\s*:)"
    r"|(?i:by)\s+[A-Z]",  # a name follows: "By Jane Doe", not "by the way"
)
#: A year written with this many digits (``03/04/25``, ``03/04/2025``).
_YEAR_DIGITS: Final = (2, 4)
#: A reading time: ``5 min read``, ``13 MIN. READ``.
_READING_RE: Final = re.compile(r"\b\d+\s*min(?:ute)?s?\.?\s+read\b", re.IGNORECASE)


def _byline(block: Block) -> bool:
    """Whether *block* is a byline or dateline: short, and giving a written date,
    opening with a byline's words or giving a reading time.

    >>> from ingest.html._blocks import split_blocks
    >>> import lxml.html
    >>> root = lxml.html.fromstring(
    ...     "<div><p>By Jane Doe</p><p>March 15, 2022 · 3 min read</p>"
    ...     "<p>Bystanders saw it.</p></div>")
    >>> [_byline(block) for block in split_blocks(root)]
    [True, True, False]
    """
    text = block.text.strip()
    if block.weight >= _BODY_CHARS:
        return False
    return bool(_BYLINE_RE.match(text) or _written_date(text) or _READING_RE.search(text))


def _written_date(text: str) -> bool:
    """Whether *text* gives a calendar date (:data:`~._items.DATE_RE`), not a run of
    numbers that looks like one (``24/7/365``)."""
    found = DATE_RE.search(text)
    return found is not None and (
        bool(iso_date(found)) or len(found["ab_year"] or "") in _YEAR_DIGITS
    )


def without_byline(blocks: Sequence[Block]) -> list[Block]:
    """*blocks*, an article's, without the byline and dateline at their head: one or two
    blocks (:func:`_byline`) before the first of :data:`_BODY_CHARS` characters (three
    or more there are dated entries, and all stay), and before the second other prose
    block (a standfirst may come first; after a short question and an answer, a
    thread's "answered Jan 15, 2022" is the answer's), with the labels that follow
    each (``Share``, ``Print this page``, a ``|`` between the two: the head's labels
    that the rendering trims stood after the byline)."""
    head: list[int] = []
    dated = 0
    prose = 0
    for position, block in enumerate(blocks[:_HEAD_BLOCKS]):
        if block.weight >= _BODY_CHARS:
            break
        if _byline(block):
            dated += 1
            if prose <= _HEAD_PROSE:
                head.append(position)
        elif is_prose(block):
            prose += 1  # past a standfirst, short paragraphs of the body: a question
    if not head or dated > _MAX_BYLINES:
        return list(blocks)
    gone = set(head)
    for position in head:
        following = position + 1
        while following < len(blocks) and is_label(blocks[following]):
            gone.add(following)
            following += 1
    return [block for position, block in enumerate(blocks) if position not in gone]


def without_reading_times(blocks: Sequence[Block]) -> list[Block]:
    """*blocks* without the lines, a label's length (under :data:`~._content.LABEL_CHARS`
    characters), that give a reading time: ``5 min read``, ``Oct 11, 2023 2 min
    read``, ``Bridgestone Team | 5 min read``.

    A site works a reading time out from the text's length and shows it by a post's
    headline and on its card in a list of posts: it measures the text and is none
    of it, wherever it stands (after a standfirst, under each card's title, on a
    post taken for a service, whose head :func:`without_byline` does not read).

    >>> from ingest.html._blocks import split_blocks
    >>> import lxml.html
    >>> root = lxml.html.fromstring(
    ...     "<div><p>Intro to the piece.</p><div>Oct 11, 2023 4 min read</div>"
    ...     "<p>A 5 min read of the news, every morning, in your inbox.</p></div>")
    >>> [block.text for block in without_reading_times(split_blocks(root))]
    ['Intro to the piece.', 'A 5 min read of the news, every morning, in your inbox.']
    """
    return [
        block
        for block in blocks
        if block.weight >= LABEL_CHARS or _READING_RE.search(block.text) is None
    ]
