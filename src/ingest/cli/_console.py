"""What the ``ingest`` command prints on stderr: messages, explanations, the progress bar."""

from __future__ import annotations

import sys

from tqdm import tqdm

from ..pipeline import Outcome

__all__ = ["Console"]


class Console:
    """Everything printed on stderr: messages, explanations, the progress bar."""

    def __init__(self, command: str, *, quiet: bool, verbose: bool, explain: bool) -> None:
        self.command = command
        self.quiet = quiet
        self.verbose = verbose
        self.explain = explain
        show_bar = not quiet and sys.stderr.isatty()
        self.bar = tqdm(
            unit=" docs", file=sys.stderr, disable=not show_bar, leave=False, dynamic_ncols=True
        )

    def say(self, message: str, *, always: bool = False) -> None:
        if self.quiet and not always:
            return
        if self.bar.disable:
            print(message, file=sys.stderr)
        else:
            self.bar.write(message, file=sys.stderr)

    def error(self, message: str) -> None:
        self.say(f"ingest {self.command}: error: {message}", always=True)

    def progress(self, _outcome: Outcome) -> None:
        self.bar.update(1)

    def outcome(self, outcome: Outcome) -> None:
        doc = outcome.document
        if outcome.failure is not None:
            self.say(f"ingest {self.command}: failed: {outcome.failure}")
        elif doc is not None:
            for problem in doc.problems:
                self.say(f"ingest {self.command}: warning: {problem}")
        if self.explain and outcome.cleaning is not None:
            self.say(outcome.cleaning.explain(), always=True)
        if outcome.status == "duplicate" and doc is not None and (self.explain or self.verbose):
            ev = outcome.evidence
            why = f" ({ev.kind}, similarity {ev.exact:.2f} to {ev.matched})" if ev else ""
            self.say(f"{doc.name}: dropped, a duplicate of {outcome.duplicate_of}{why}")
        elif self.verbose and outcome.status == "kept" and doc is not None:
            self.say(f"{doc.name}: kept ({doc.id})")

    def close(self) -> None:
        self.bar.close()
