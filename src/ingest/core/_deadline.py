"""A time budget for one page: checked between the stages of its work and inside its loops.

The size limits (``HtmlOptions.max_bytes``, ``max_elements``) bound the work on a
page; the budget is the backstop for input that is slow in a way they do not
foresee. The clock is the calling thread's CPU time, so a loaded machine (or
other threads) does not make a page fail: only work on the page counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from ._errors import LimitError

__all__ = ["CHECK_EVERY", "Deadline"]

#: Loops check the budget once per this many steps (reading the clock costs
#: about as much as a hundred steps of a loop over the tree).
CHECK_EVERY: Final = 1024


class Deadline:
    """Raises :class:`~ingest.LimitError` once a page has used up its time budget.

    *budget* is in seconds of CPU time (``None``: no budget); *source* names the
    page in the error; *clock* is injectable for tests.

    >>> ticks = iter([0.0, 0.5, 2.5])
    >>> deadline = Deadline(2.0, source="page.html", clock=lambda: next(ticks))
    >>> deadline.check("after parsing")
    >>> deadline.check("while splitting blocks")
    Traceback (most recent call last):
    ...
    ingest.LimitError: page.html: the page used up its time budget \
(2.50 s of CPU time, HtmlOptions.time_budget=2 s) while splitting blocks; \
raise HtmlOptions.time_budget, or set it to None, to read it
    """

    def __init__(
        self,
        budget: float | None,
        *,
        source: str,
        clock: Callable[[], float] = time.thread_time,
    ) -> None:
        self.budget = budget
        self.source = source
        self._clock = clock
        self._start = clock() if budget is not None else 0.0

    def check(self, stage: str) -> None:
        """Raise when the budget is spent; *stage* says where the work stopped."""
        if self.budget is None:
            return
        spent = self._clock() - self._start
        if spent >= self.budget:
            raise LimitError(
                f"the page used up its time budget ({spent:.2f} s of CPU time, "
                f"HtmlOptions.time_budget={self.budget:g} s) {stage}; "
                "raise HtmlOptions.time_budget, or set it to None, to read it",
                source=self.source,
            )
