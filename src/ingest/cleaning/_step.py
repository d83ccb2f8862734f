"""The cleaning steps' common ground: what a step sees, finds and is."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from ._corpus import BoilerplateModel
from ._lines import LineInfo
from ._options import Plan
from ._rules import CompiledRule, first_match

__all__ = ["Context", "Finding", "Step", "StepOutput", "copy_note"]


@attrs.frozen
class Finding:
    """Lines of the current view that one rule calls boilerplate."""

    positions: tuple[int, ...]
    rule: str
    group: str
    reason: str


@attrs.frozen
class Context:
    """What every step may consult: the compiled plan, the corpus model and the
    document's page type (``meta["page_type"]``, set by the HTML extractor; empty
    when unknown).

    ``memo`` remembers, for one :func:`clean` call, which rule matched a line
    text, so later passes do not match again.
    """

    plan: Plan
    corpus: BoilerplateModel | None
    page_type: str = ""
    memo: dict[tuple[str, str], CompiledRule | None] = attrs.field(factory=dict, eq=False)

    def first_match(self, kind: str, line: LineInfo) -> CompiledRule | None:
        """The first rule of *kind* (``"line"`` or ``"block"``) that matches *line*."""
        key = (kind, line.text)
        if key not in self.memo:
            rules = self.plan.line_rules if kind == "line" else self.plan.block_rules
            self.memo[key] = first_match(rules, line)
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


def copy_note(lines: Sequence[LineInfo], ctx: Context, shared: int, what: str) -> str | None:
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
