"""The boxes beside a thread's posts that describe their posters.

Forum software frames every post with a box about its author: name, rank, and
labelled counts (``Posts: 4032``, ``Joined: 4. Jul 2012``, ``Location: ...``)
beside the message. Where the posts are ``<article>`` elements the thread's own
rule drops that frame (:func:`~._items.post_chrome`); older software (a
``div.post`` per post, a table row) is not typed a thread, and the boxes came
out as text between the messages. They are told by their structure: a box
holding no prose, repeated beside three or more messages, each saying how many
posts its author wrote or when they joined.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from lxml import etree

from ._blocks import Block
from ._page import box_signature, is_prose

__all__ = ["without_poster_boxes"]

#: A poster's count of posts or join date, as forum software labels them (the labels
#: of the cleaning rule ``forum-user-info``, in English, German, French and Spanish).
_STAT_RE: Final = re.compile(
    r"(?:posts|messages|post count|joined|join date|registered|member since"
    r"|beiträge|registriert(?: seit)?|dabei seit|inscrit le|inscription"
    r"|mensajes|registrado|fecha de ingreso)\s?:\s*\S.{0,40}",
    re.IGNORECASE,
)
#: A stat line is at most this long (a label and its value).
_STAT_CHARS: Final = 60
#: Boxes repeated at least this many times are a thread's.
_MIN_BOXES: Final = 3


def _with_prose(blocks: list[Block]) -> set[etree._Element]:
    """Every element holding a prose block of *blocks* (each climbed once)."""
    holding: set[etree._Element] = set()
    for block in blocks:
        if not is_prose(block):
            continue
        element: etree._Element | None = block.owner
        while element is not None and element not in holding:
            holding.add(element)
            element = element.getparent()
    return holding


def poster_boxes(blocks: list[Block]) -> set[etree._Element]:
    """The boxes about a thread's posters among the elements holding *blocks*.

    A stat line (:data:`_STAT_RE`) sits in its box: the highest element above it
    that holds no prose. Boxes of one signature (tag and first class) holding
    stat lines, :data:`_MIN_BOXES` or more, are the posters' boxes; a post too
    short to hold prose is not one of them (its box, of the boxes' signature,
    is). Nothing when the stat lines do not repeat so.
    """
    stats = [
        block
        for block in blocks
        if len(block.text) <= _STAT_CHARS and _STAT_RE.fullmatch(block.text)
    ]
    if len(stats) < _MIN_BOXES:
        return set()
    prose = _with_prose(blocks)
    highest: list[etree._Element] = []
    for block in stats:
        element = block.owner
        up = element.getparent()
        while up is not None and up not in prose:
            element, up = up, up.getparent()
        if up is None:
            return set()
        highest.append(element)
    shape, count = Counter(box_signature(box) for box in set(highest)).most_common(1)[0]
    if count < _MIN_BOXES:
        return set()
    boxes = set()
    for block in stats:
        box = next(
            (
                element
                for element in (block.owner, *block.owner.iterancestors())
                if box_signature(element) == shape
            ),
            None,
        )
        if box is not None and box not in prose:
            boxes.add(box)
    return boxes if len(boxes) >= _MIN_BOXES else set()


def without_poster_boxes(blocks: list[Block]) -> list[Block]:
    """*blocks* without those inside a thread's :func:`poster_boxes`."""
    boxes = poster_boxes(blocks)
    if not boxes:
        return blocks
    inside: dict[etree._Element, bool] = {}

    def boxed(element: etree._Element) -> bool:
        climbed: list[etree._Element] = []
        found: etree._Element | None = element
        answer = False
        while found is not None:
            if found in inside:
                answer = inside[found]
                break
            if found in boxes:
                answer = True
                break
            climbed.append(found)
            found = found.getparent()
        for known in climbed:
            inside[known] = answer
        return answer

    return [block for block in blocks if not boxed(block.owner)]
