"""Boilerplate cleaning: remove link lists, ads, prompts and footers, keep every article line.

Cleaning is a registry of named, pure steps (:data:`STEPS`). Each step looks
at the lines still present and says which of them are boilerplate, by which
rule and why; :func:`clean` applies the steps until none finds anything more,
so cleaning is idempotent, and records every removed span so that
``str(result)`` explains the result.

The contract:

* the cleaned text is a subsequence of the input lines: cleaning removes whole
  lines and never adds or rewrites text;
* ``clean(clean(x).text).text == clean(x).text``;
* when unsure, keep: losing an article line is worse than keeping a stray link.

>>> result = clean("Talks stalled on Friday.\\n\\nAdvertisement\\n\\nBoth sides blamed tariffs.\\n")
>>> print(result.text, end="")
Talks stalled on Friday.
<BLANKLINE>
Both sides blamed tariffs.
>>> print(result)
removed 2 of 5 lines in 1 span
- lines 3-4  advertisement [ads]: advertisement label
    | Advertisement
    |
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from ..core import Document
from ._corpus import BoilerplateModel, line_key
from ._options import CleanOptions, Plan, for_language, plan_for, primary_language
from ._rules import (
    CompiledRule,
    LineInfo,
    Rule,
    is_heading,
    is_headline_like,
    is_list_item,
    is_number_only,
)

__all__ = ["STEPS", "CleanResult", "RemovedSpan", "Step", "clean", "split_lines"]

#: The most blank lines a link list may have between its marker and items.
_MAX_GAP: Final = 2
#: Lines longer than this are cut in explanations.
_SHOW_WIDTH: Final = 100


def split_lines(text: str) -> list[str]:
    """*text* as lines that keep their ``\\n``; joining them gives *text* back.

    Only ``\\n`` separates lines (a ``\\r`` stays part of its line), so the
    lines of any concatenation of lines are those lines.

    >>> split_lines("a\\r\\nb\\n\\nc")
    ['a\\r\\n', 'b\\n', '\\n', 'c']
    >>> split_lines("")
    []
    """
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


@attrs.frozen
class RemovedSpan:
    """A run of consecutive input lines that one rule removed.

    Attributes:
        start: First removed line, 1-based, in the input text.
        end: Last removed line (inclusive).
        text: The removed lines, joined by ``\\n`` (without a final line end).
        rule: The name of the rule that removed them (see ``data/boilerplate.toml``;
            ``corpus`` for learned lines, ``extra-marker``/``extra-line`` for
            the patterns of :class:`CleanOptions`).
        group: The rule's group.
        reason: Why these lines are boilerplate.
    """

    start: int
    end: int
    text: str
    rule: str
    group: str
    reason: str

    @property
    def lines(self) -> int:
        """How many lines the span covers."""
        return self.end - self.start + 1

    def __str__(self) -> str:
        where = f"line {self.start}" if self.start == self.end else f"lines {self.start}-{self.end}"
        shown = "\n".join(f"    | {_cut(line)}".rstrip() for line in self.text.split("\n"))
        return f"- {where}  {self.rule} [{self.group}]: {self.reason}\n{shown}"


def _cut(line: str) -> str:
    line = line.rstrip("\r")
    return line if len(line) <= _SHOW_WIDTH else line[: _SHOW_WIDTH - 1] + "\u2026"


@attrs.frozen
class CleanResult:
    """What :func:`clean` returns: the cleaned text and what was removed, and why.

    ``str(result)`` is the explanation shown by ``ingest clean --explain``.

    Attributes:
        text: The cleaned text: the input lines that were kept, unchanged.
        removed: Every removed span, in input order.
        input_lines: How many lines the input had.
        name: The document's name, empty for plain text.
        document: When a :class:`~ingest.Document` was cleaned: the same
            document (same ``id``) with the cleaned text and
            ``meta["boilerplate_removed"]`` set to the number of removed lines.
        notes: Decisions worth knowing that removed nothing (for example a
            corpus rule skipped because the document looks like a copy).
        language: The language whose rules alone were used, taken from the
            document's ``meta["language"]``; ``""`` when the options' languages
            (by default every language's rules) were used.
    """

    text: str
    removed: tuple[RemovedSpan, ...]
    input_lines: int
    name: str = ""
    document: Document | None = None
    notes: tuple[str, ...] = ()
    language: str = ""

    @property
    def removed_lines(self) -> int:
        """How many input lines were removed."""
        return sum(span.lines for span in self.removed)

    def explain(self) -> str:
        """A readable account of every removal (the same as ``str(result)``)."""
        prefix = f"{self.name}: " if self.name else ""
        if not self.removed:
            head = f"{prefix}nothing removed ({self.input_lines} lines kept)"
        else:
            n = len(self.removed)
            head = (
                f"{prefix}removed {self.removed_lines} of {self.input_lines} lines "
                f"in {n} span{'s' if n != 1 else ''}"
            )
        if self.language:
            head += f'; rules of language "{self.language}" (from meta["language"])'
        parts = [head, *map(str, self.removed), *(f"note: {note}" for note in self.notes)]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.explain()


# -- steps ------------------------------------------------------------------------


@attrs.frozen
class Finding:
    """Lines of the current view that one rule calls boilerplate."""

    positions: tuple[int, ...]
    rule: str
    group: str
    reason: str


@attrs.frozen
class Context:
    """What every step may consult: the compiled plan and the corpus model.

    ``memo`` remembers, for one :func:`clean` call, which rule matched a line
    text, so later passes do not match again.
    """

    plan: Plan
    corpus: BoilerplateModel | None
    memo: dict[tuple[str, str], CompiledRule | None] = attrs.field(factory=dict, eq=False)

    def first_match(self, kind: str, line: LineInfo) -> CompiledRule | None:
        """The first rule of *kind* (``"line"`` or ``"block"``) that matches *line*."""
        key = (kind, line.text)
        if key not in self.memo:
            rules = self.plan.line_rules if kind == "line" else self.plan.block_rules
            self.memo[key] = next((c for c in rules if c.matches(line)), None)
        return self.memo[key]


StepOutput = tuple[list[Finding], list[str]]


@attrs.frozen
class Step:
    """A named, pure cleaning step over the lines still present.

    Attributes:
        name: The step's name.
        description: What the step removes.
        find: ``find(lines, context)`` returns the findings (positions in
            *lines*) and notes; it must not depend on anything else.
    """

    name: str
    description: str
    find: Callable[[Sequence[LineInfo], Context], StepOutput]


def _find_lines(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    matched = [ctx.first_match("line", line) for line in lines]
    # A context rule (lone "Menu", "Search") only counts in a run of matched (or
    # blank) lines that holds at least one line matched by a rule without context.
    run: list[int] = []
    for pos in range(len(lines) + 1):
        if pos < len(lines) and (lines[pos].blank or matched[pos] is not None):
            run.append(pos)
            continue
        rules = [r.rule for r in (matched[i] for i in run) if r is not None]
        if not any(not rule.context for rule in rules):
            for i in run:
                matched[i] = None
        run = []
    findings = []
    for pos, compiled in enumerate(matched):
        if compiled is not None:
            rule = compiled.rule
            findings.append(Finding((pos,), rule.name, rule.group, rule.reason))
    return findings, []


def _copy_note(lines: Sequence[LineInfo], ctx: Context, shared: int, what: str) -> str | None:
    """A note when *shared* lines make the document look like a copy of another; else ``None``."""
    non_blank = sum(not line.blank for line in lines)
    share = shared / non_blank
    limit = ctx.plan.options.corpus_max_document_share
    if share <= limit:
        return None
    return (
        f"{what} skipped: {shared} of {non_blank} non-blank lines are shared with "
        f"other documents ({share:.0%} > corpus_max_document_share {limit:.0%}); "
        "this looks like a copy of another document, not a page with boilerplate"
    )


def _find_corpus(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    model = ctx.corpus
    if model is None or not ctx.plan.corpus or not model.counts:
        return [], []
    hits = [pos for pos, line in enumerate(lines) if not line.blank and line.text in model]
    if not hits:
        return [], []
    note = _copy_note(lines, ctx, len(hits), "corpus rule")
    if note is not None:
        return [], [note]
    findings = []
    for pos in hits:
        count = model.counts[line_key(lines[pos].text)]
        reason = f"line shared by {count} of {model.documents} documents of this source"
        findings.append(Finding((pos,), "corpus", "corpus", reason))
    return findings, []


def _find_known_headlines(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
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
    note = _copy_note(lines, ctx, shared, "known-headlines rule")
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
    lines: Sequence[LineInfo], start: int, ctx: Context, *, min_words: int = 2
) -> tuple[list[_Item], str, int]:
    """The items after the marker at *start*, how the list ended, and the blank lines after it.

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
            bare = False
        elif is_headline_like(line, options.max_item_words, questions=True, min_words=min_words):
            bare = True
        else:
            return items, "paragraph", gap
        if items and items[0].bare != bare:
            return items, "paragraph", gap  # a change of style ends the list
        if bare and len(items) >= 2 and gap != items[1].gap:
            # Bare headlines of one list are spaced alike; a change of spacing
            # means structure (a heading over lines of its own), not a list.
            return items, "paragraph", gap
        items.append(_Item(pos, bare, gap))
        gap = 0
    return items, "end", gap


def _may_be_subheading(
    lines: Sequence[LineInfo], items: Sequence[_Item], trailing_gap: int
) -> bool:
    """Whether the last of *items*, a bare line right before a paragraph, may be its subheading.

    A line belongs with the neighbour it sits closer to: farther from the
    paragraph than the items are from each other, it ends the list; closer to
    the paragraph than to the list, it heads the paragraph. Spaced alike, the
    words decide. A lone line may be a subheading: on real pages a marker whose
    links the extractor dropped ("Read Next") often stands right before one
    ("Pick the Right Location"). After other headlines, the line is one more
    headline unless it is a label ("What Happens Next") rather than a clause
    ("Canteens: meal price rises in January"): at most half as long as every
    other item.
    """
    if trailing_gap > max(item.gap for item in items):
        return False
    if trailing_gap < items[-1].gap:
        return True
    *others, last = (lines[item.pos].words for item in items)
    return not others or 2 * last <= min(others)


def _least_items(rule: Rule, marker: LineInfo) -> int:
    """The fewest items the list after *marker* needs: a colon announces at least one.

    "Related" may be a heading over paragraphs, so it needs two headlines after
    it; "Related:" announces what follows, so one is enough.
    """
    announces = marker.stripped.endswith((":", "\uff1a"))
    return min(rule.min_items, 1) if announces else rule.min_items


def _find_blocks(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    level = ctx.plan.options.aggressiveness
    findings = []
    pos = 0
    while pos < len(lines):
        marker = ctx.first_match("block", lines[pos])
        if marker is None:
            pos += 1
            continue
        items, end, trailing_gap = _scan_items(lines, pos, ctx)
        if end != "end":
            # One-word items (topic tags) only when the list ends the text.
            scan = _scan_items(lines, pos, ctx, min_words=1)
            if scan[1] == "end":
                items, end, trailing_gap = scan
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
        rule = marker.rule
        if len(items) < _least_items(rule, lines[pos]):
            pos += 1
            continue
        last = items[-1].pos if items else pos
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        reason = f'{rule.reason} (marker "{lines[pos].stripped}", {count})'
        findings.append(Finding(tuple(range(pos, last + 1)), rule.name, rule.group, reason))
        pos = last + 1
    return findings, []


#: The cleaning steps, in the order they run on each pass.
STEPS: Final[tuple[Step, ...]] = (
    Step(
        "lines",
        "single lines that are boilerplate on their own: ads, share and follow prompts, "
        "newsletter and cookie notices, copyright, navigation, image credits, inline promos",
        _find_lines,
    ),
    Step(
        "known-headlines",
        "link lists without a marker: two or more headlines in a row that other documents "
        "of the same source also carry (needs a BoilerplateModel)",
        _find_known_headlines,
    ),
    Step(
        "corpus",
        "lines shared by many documents of the same source (needs a BoilerplateModel)",
        _find_corpus,
    ),
    Step(
        "blocks",
        "link-list blocks: a marker line such as 'Read also' and the headlines after it",
        _find_blocks,
    ),
)


# -- applying the steps ---------------------------------------------------------------

_Label = tuple[str, str, str]  # rule, group, reason


def _tidy_blanks(before: list[int], removed: dict[int, _Label], infos: Sequence[LineInfo]) -> None:
    """Remove the blank lines a removal leaves doubled (or leading/trailing), in place."""
    gone = [index in removed for index in before]
    pos = 0
    while pos < len(before):
        if not gone[pos]:
            pos += 1
            continue
        end = pos
        while end + 1 < len(before) and gone[end + 1]:
            end += 1
        prev_blank = pos == 0 or infos[before[pos - 1]].blank
        if prev_blank and end + 1 < len(before) and infos[before[end + 1]].blank:
            label, nxt = removed[before[end]], end + 1
            while nxt < len(before) and infos[before[nxt]].blank and not gone[nxt]:
                removed[before[nxt]] = label
                nxt += 1
        elif end + 1 == len(before) and pos > 0 and infos[before[pos - 1]].blank:
            label, prv = removed[before[pos]], pos - 1
            while prv >= 0 and infos[before[prv]].blank and not gone[prv]:
                removed[before[prv]] = label
                prv -= 1
        pos = end + 1


def _apply(
    infos: Sequence[LineInfo], ctx: Context
) -> tuple[list[int], dict[int, _Label], list[str]]:
    kept = list(range(len(infos)))
    removed: dict[int, _Label] = {}
    while True:
        before = kept
        notes: list[str] = []
        for step in STEPS:
            findings, step_notes = step.find([infos[i] for i in kept], ctx)
            notes.extend(step_notes)
            for finding in findings:
                for pos in finding.positions:
                    removed[kept[pos]] = (finding.rule, finding.group, finding.reason)
            kept = [i for i in kept if i not in removed]
        if len(kept) == len(before):
            return kept, removed, notes
        _tidy_blanks(before, removed, infos)
        kept = [i for i in kept if i not in removed]


def _spans(raw: Sequence[str], removed: dict[int, _Label]) -> tuple[RemovedSpan, ...]:
    spans: list[RemovedSpan] = []
    for index in sorted(removed):
        rule, group, reason = removed[index]
        text = raw[index].removesuffix("\n")
        last = spans[-1] if spans else None
        if last is not None and last.end == index and (last.rule, last.reason) == (rule, reason):
            spans[-1] = attrs.evolve(last, end=index + 1, text=f"{last.text}\n{text}")
        else:
            spans.append(RemovedSpan(index + 1, index + 1, text, rule, group, reason))
    return tuple(spans)


@functools.cache
def _default_options() -> CleanOptions:
    return CleanOptions()


def clean(
    text_or_document: str | Document,
    options: CleanOptions | None = None,
    *,
    corpus: BoilerplateModel | None = None,
) -> CleanResult:
    """Remove boilerplate lines from article text, explaining every removal.

    Args:
        text_or_document: Plain text, Markdown, or text extracted from HTML; or
            a :class:`~ingest.Document`, whose cleaned copy (same ``id``) is
            returned as ``result.document``.
        options: Which rules apply and how boldly (default: all rules, all
            languages, ``"normal"``). When *options* use every language and a
            document's ``meta["language"]`` names one that has rules (``de``,
            ``pt-BR``...), only that language's rules are used; it is faster,
            and the result's ``language`` says so.
        corpus: Lines learned from the other documents of the same source
            (:func:`ingest.learn_boilerplate`); they are removed too.

    >>> text = "Markets rallied.\\nRead also:\\n- Oil slips\\n- Gold rises"
    >>> doc = Document(name="a.txt", text=text)
    >>> result = clean(doc)
    >>> result.text
    'Markets rallied.\\n'
    >>> result.document.meta["boilerplate_removed"], result.document.id == doc.id
    (3, True)
    """
    options = options or _default_options()
    text = text_or_document.text if isinstance(text_or_document, Document) else text_or_document
    if not isinstance(text, str):
        raise TypeError(f"clean() expects a str or an ingest.Document, got {type(text).__name__}")
    language = ""
    if isinstance(text_or_document, Document):
        language = primary_language(text_or_document.meta.get("language"))
        narrowed = for_language(options, language) if language else None
        options, language = (options, "") if narrowed is None else (narrowed, language)
    plan = plan_for(options)
    raw = split_lines(text)
    infos = [LineInfo.of(line, plan.max_words) for line in raw]
    kept, removed, notes = _apply(infos, Context(plan, corpus))
    result = CleanResult(
        text="".join(raw[i] for i in kept),
        removed=_spans(raw, removed),
        input_lines=len(raw),
        notes=tuple(dict.fromkeys(notes)),
        language=language,
    )
    if isinstance(text_or_document, Document):
        doc = text_or_document
        meta = doc.meta | {"boilerplate_removed": result.removed_lines}
        cleaned = attrs.evolve(doc, text=result.text, meta=meta)
        result = attrs.evolve(result, name=doc.name, document=cleaned)
    return result
