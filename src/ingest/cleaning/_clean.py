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
from collections.abc import Sequence
from typing import Final

import attrs

from ..core import Document, Problem
from ._corpus import BoilerplateModel, line_key
from ._lines import LineInfo
from ._lists import block_at, find_blocks, find_known_headlines
from ._options import CleanOptions, for_language, plan_for, primary_language
from ._step import Context, Finding, Step, StepOutput, copy_note

__all__ = ["STEPS", "CleanResult", "RemovedSpan", "Step", "clean", "split_lines"]

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


def _find_lines(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    # A line that opens a link list ("Read more" over bulleted links) is left to
    # the blocks step, which removes it with its items.
    matched = [
        None if compiled is None or block_at(lines, pos, ctx) is not None else compiled
        for pos, compiled in enumerate(ctx.first_match("line", line) for line in lines)
    ]
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


def _find_corpus(lines: Sequence[LineInfo], ctx: Context) -> StepOutput:
    model = ctx.corpus
    if model is None or not ctx.plan.corpus or not model.counts:
        return [], []
    hits = [pos for pos, line in enumerate(lines) if not line.blank and line.text in model]
    if not hits:
        return [], []
    note = copy_note(lines, ctx, len(hits), "corpus rule")
    if note is not None:
        return [], [note]
    findings = []
    for pos in hits:
        count = model.counts[line_key(lines[pos].text)]
        reason = f"line shared by {count} of {model.documents} documents of this source"
        findings.append(Finding((pos,), "corpus", "corpus", reason))
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
        find_known_headlines,
    ),
    Step(
        "corpus",
        "lines shared by many documents of the same source (needs a BoilerplateModel)",
        _find_corpus,
    ),
    Step(
        "blocks",
        "link-list blocks: a marker line such as 'Read also' and the headlines after it",
        find_blocks,
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
            ``pt-BR``...), only that language's rules are used (a one-word
            marker of one language can be a word of another), and the
            result's ``language`` says so.
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
    language = page_type = ""
    if isinstance(text_or_document, Document):
        said = text_or_document.meta.get("page_type")
        page_type = said if isinstance(said, str) else ""
        language = primary_language(text_or_document.meta.get("language"))
        narrowed = for_language(options, language) if language else None
        options, language = (options, "") if narrowed is None else (narrowed, language)
    plan = plan_for(options)
    raw = split_lines(text)
    infos = [LineInfo.of(line, plan.max_words) for line in raw]
    kept, removed, notes = _apply(infos, Context(plan, corpus, page_type))
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
        problems = doc.problems
        if doc.text.strip() and not result.text.strip():
            why = (
                "the text cleaner removed every line as boilerplate; check the document "
                "(clean it with other CleanOptions, or not at all, to keep the text)"
            )
            problems = (*problems, Problem("cleaned-away", why, doc.name))
        cleaned = attrs.evolve(doc, text=result.text, meta=meta, problems=problems)
        result = attrs.evolve(result, name=doc.name, document=cleaned)
    return result
