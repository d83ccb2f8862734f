"""Link lists: a marker line and the headlines after it, or headlines the corpus knows.

:func:`find_blocks` is the ``blocks`` step: a line matched by a ``block`` rule
("Read also:", "MOST READ", "Lesen Sie auch", 関連記事) opens a list of
headlines, bulleted or bare, which ends at the first line that reads as prose.
:func:`find_known_headlines` is the ``known-headlines`` step: two or more
headlines in a row that other documents of the source carry too are a link
list without a marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs

from ._lines import (
    LineInfo,
    is_heading,
    is_headline_like,
    is_list_item,
    is_number_only,
    item_number,
)
from ._rules import Rule
from ._step import Context, Finding, StepOutput, copy_note

__all__ = ["block_at", "find_blocks", "find_known_headlines"]

#: The most blank lines a link list may have between its marker and items.
_MAX_GAP: Final = 2


def find_known_headlines(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    """Runs of two or more headlines (blank lines between allowed) the corpus model knows."""
    model = ctx.corpus
    if model is None or not ctx.plan.corpus or not model.headlines:
        return [], []
    most = ctx.plan.options.max_item_words
    counts = [
        0
        if line.blank
        or not (is_list_item(line, most) or is_headline_like(line, most, questions=True))
        else model.headline_count(line.text) or model.count(line.text)
        for line in lines
    ]
    runs: list[list[int]] = []
    run: list[int] = []
    gap = 0
    for pos, line in enumerate(lines):
        if line.blank:
            gap += 1
            continue
        if counts[pos] and (not run or gap <= _MAX_GAP):
            run.append(pos)
        else:
            runs.append(run)
            run = [pos] if counts[pos] else []
        gap = 0
    runs.append(run)
    runs = [run for run in runs if len(run) >= 2]
    if not runs:
        return [], []
    shared = sum(1 for pos, line in enumerate(lines) if counts[pos] or line.text in model)
    note = copy_note(lines, ctx, shared, "known-headlines rule")
    if note is not None:
        return [], [note]
    findings = []
    for run in runs:
        seen = sorted(counts[pos] for pos in run)
        many = f"{seen[0]}" if seen[0] == seen[-1] else f"{seen[0]} to {seen[-1]}"
        reason = (
            f"link list without a marker: {len(run)} headlines in a row that other documents "
            f"of this source also carry (each in {many} of {model.documents} documents)"
        )
        findings.append(Finding(tuple(run), "known-headlines", "corpus", reason))
    return findings, []


@attrs.frozen
class _Item:
    pos: int
    bare: bool
    gap: int  # blank lines before it


def _scan_items(
    lines: Sequence[LineInfo], start: int, ctx: Context, *, min_words: int = 2, bare: bool = True
) -> tuple[list[_Item], str, int]:
    """The items after the marker at *start*, how the list ended, and the blank lines after it.

    With *bare* false, only bulleted or numbered headlines, link lines and URLs
    are items (the marker's rule is ``bulleted``).

    The end is ``"end"`` (end of text), ``"hard"`` (a heading, another marker
    or a wide gap: nothing ambiguous) or ``"paragraph"`` (a line that is not an
    item, such as a paragraph). Bare items have at least *min_words* words
    and may end in a question mark (headlines do). Lines holding only a rank
    number ("1", "2.") belong to the list but are not items.
    """
    options = ctx.plan.options
    items: list[_Item] = []
    gap = 0
    for pos in range(start + 1, len(lines)):
        line = lines[pos]
        if line.blank:
            gap += 1
            if gap > _MAX_GAP:
                return items, "hard", gap
            continue
        if is_heading(line) or ctx.first_match("block", line) is not None:
            return items, "hard", gap
        if is_number_only(line):
            continue
        if is_list_item(line, options.max_item_words):
            if not items and item_number(line) not in (None, 1):
                # A list of links is numbered from 1; "4. Xero" goes on the
                # article's own numbered sections.
                return items, "paragraph", gap
            is_bare = False
        elif bare and is_headline_like(
            line, options.max_item_words, questions=True, min_words=min_words
        ):
            is_bare = True
        else:
            return items, "paragraph", gap
        if items and items[0].bare != is_bare:
            return items, "paragraph", gap  # a change of style ends the list
        if is_bare and len(items) >= 2 and gap != items[1].gap:
            # Bare headlines of one list are spaced alike; a change of spacing
            # means structure (a heading over lines of its own), not a list.
            return items, "paragraph", gap
        items.append(_Item(pos, is_bare, gap))
        gap = 0
    return items, "end", gap


def _may_be_subheading(
    lines: Sequence[LineInfo], items: Sequence[_Item], trailing_gap: int
) -> bool:
    """Whether the last of *items*, a bare line right before a paragraph, may be its subheading.

    A line belongs with the neighbour it sits closer to: farther from the
    paragraph than from the line before it, it ends the list; closer to the
    paragraph, it heads the paragraph. Spaced alike, the words decide. A lone
    line may be a subheading: on real pages a marker whose links the extractor
    dropped ("Read Next") often stands right before one
    ("Pick the Right Location"). After other headlines, the line is one more
    headline unless it is a label ("What Happens Next") rather than a clause
    ("Canteens: meal price rises in January"): shorter than half of every
    other item.
    """
    if trailing_gap != items[-1].gap:
        return trailing_gap < items[-1].gap
    *others, last = (lines[item.pos].words for item in items)
    return not others or 2 * last < min(others)


def _least_items(rule: Rule, marker: LineInfo) -> int:
    """The fewest items the list after *marker* needs: a colon announces at least one.

    "Related" may be a heading over paragraphs, so it needs two headlines after
    it; "Related:" announces what follows, so one is enough.
    """
    announces = marker.stripped.endswith((":", "\uff1a"))
    return min(rule.min_items, 1) if announces else rule.min_items


def _at_list_edge(lines: Sequence[LineInfo], pos: int, end: str, ctx: Context) -> bool:
    """Whether a marker with no headline after it ends the text or stands right before another.

    Such a marker's links were lost (the extractor dropped them); it is boilerplate
    only where boilerplate sits: at the end of the text, or among other link
    lists. Right before a paragraph it is a stray label inside the article's flow
    ("Leggi anche" between two paragraphs of an Italian article), and removing it
    would cut the flow, so it stays. (A marker over a headline that may be a
    subheading still goes, without the headline.)
    """
    if end == "end":
        return True
    following = next((line for line in lines[pos + 1 :] if not line.blank), None)
    return following is not None and ctx.first_match("block", following) is not None


#: Page types whose lists of headlines are the content (``meta["page_type"]``).
LIST_PAGES: Final = frozenset({"listing", "collection"})


def block_at(lines: Sequence[LineInfo], pos: int, ctx: Context) -> Finding | None:
    """The link list that the marker at *pos* opens, if the line is a marker and opens one.

    A marker that reads as a section heading too (a ``heading`` rule: "Latest
    News", "Tags") opens no list on a listing or collection page: there a
    heading over headlines is the page's own structure.
    """
    marker = ctx.first_match("block", lines[pos])
    if marker is None:
        return None
    rule = marker.rule
    if rule.heading and ctx.page_type in LIST_PAGES:
        return None
    level = ctx.plan.options.aggressiveness
    items, end, trailing_gap = _scan_items(lines, pos, ctx, bare=not rule.bulleted)
    if end != "end" and not rule.bulleted:
        # One-word items (topic tags) only when the list ends the text.
        scan = _scan_items(lines, pos, ctx, min_words=1)
        if scan[1] == "end":
            items, end, trailing_gap = scan
    announced = bool(items)  # a headline, even one that stays, follows the marker
    if end != "end" and level == "conservative":
        items = [item for item in items if not item.bare]
    elif (
        end == "paragraph"
        and items
        and items[-1].bare
        and level != "aggressive"
        and _may_be_subheading(lines, items, trailing_gap)
    ):
        items.pop()
    ends_text = not items and end == "end"  # a marker with nothing after it heads nothing
    if (len(items) < _least_items(rule, lines[pos]) and not ends_text) or (
        not announced and not _at_list_edge(lines, pos, end, ctx)
    ):
        return None
    last = items[-1].pos if items else pos
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    reason = f'{rule.reason} (marker "{lines[pos].stripped}", {count})'
    return Finding(tuple(range(pos, last + 1)), rule.name, rule.group, reason)


def find_blocks(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    """The ``blocks`` step: every link list that a marker line opens.

    A link list is boilerplate beside an article. When the lists found would
    leave no line of the text, the text is a list of headlines (a listing, a
    page of news): the lists whose marker reads as a heading stay, with a note.
    """
    findings = []
    headings: set[str] = set()  # the rules of the lists whose marker reads as a heading
    pos = 0
    while pos < len(lines):
        finding = block_at(lines, pos, ctx)
        if finding is None:
            pos += 1
            continue
        findings.append(finding)
        marker = ctx.first_match("block", lines[pos])  # remembered: block_at matched it
        if marker is not None and marker.rule.heading:
            headings.add(finding.rule)
        pos = finding.positions[-1] + 1
    covered = {p for finding in findings for p in finding.positions}
    if headings and all(line.blank or p in covered for p, line in enumerate(lines)):
        note = (
            f"{', '.join(sorted(headings))} skipped: its link lists would be the whole text, "
            "so they are its content (a page of headlines), not boilerplate beside it"
        )
        return [f for f in findings if f.rule not in headings], [note]
    return findings, []
