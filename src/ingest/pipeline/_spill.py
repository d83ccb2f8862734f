"""Outcomes held on disk between the two passes of de-duplication.

Clusters are known only once every document is indexed, and each document is
written (or reported as a duplicate) after that, in input order. Between the
two passes the pipeline keeps the outcomes, texts included, in a temporary file
rather than in memory, so that what a run holds is the duplicate index, not the
corpus: the second pass reads them back one at a time, as they were.

The file is private to the process (``tempfile.TemporaryFile``: no name on
most systems, removed when closed) and holds only what this process wrote,
so it is read back with :mod:`pickle`, which restores every outcome exactly.

>>> from ingest.pipeline._options import Outcome
>>> with Spill() as spill:
...     spill.append(Outcome("failed"))
...     [o.status for o in spill]
['failed']
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator

from ._options import Outcome

__all__ = ["Spill"]


class Spill:
    """Outcomes appended to a temporary file, read back in order (once written, any
    number of times)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="ingest-dedup-")  # noqa: SIM115 -- closed by close()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, outcome: Outcome) -> None:
        """Write *outcome* at the end of the file."""
        pickle.dump(outcome, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __iter__(self) -> Iterator[Outcome]:
        """The outcomes, in the order they were appended."""
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            outcome = pickle.load(self._file)  # noqa: S301 -- our own file, written above
            if not isinstance(outcome, Outcome):  # pragma: no cover - a tripwire
                raise TypeError(f"the spill file holds a {type(outcome).__name__}, not an Outcome")
            yield outcome

    def close(self) -> None:
        """Remove the file."""
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
