"""The exception hierarchy and the problem records of lenient modes.

Every exception ``ingest`` raises on purpose is an :class:`IngestError`, and each
concrete class also subclasses the matching builtin, so ``except ValueError``
keeps working for callers who do not know about ``ingest``.

Lenient modes do not raise: they collect :class:`Problem` records as data on
their results. A problem and the error strict mode would raise for it render
the same way.
"""

from __future__ import annotations

from typing import Final, TypeVar

import attrs

__all__ = [
    "BundleError",
    "DecodeError",
    "HtmlError",
    "IdConflictError",
    "IndexFileError",
    "IngestError",
    "LimitError",
    "OptionsError",
    "Problem",
    "public",
]

_T = TypeVar("_T", bound=type)

_UNKNOWN_SOURCE: Final = "<input>"


def _position(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    if column is None:
        return f" (at line {line})"
    return f" (at line {line}, column {column})"


def public(cls: _T) -> _T:
    """Name *cls* where users import it from (``ingest.X``), in tracebacks and doctests.

    Its module is private; ``ingest`` re-exports it, so pickling (to and from
    worker processes) finds it there too.
    """
    cls.__module__ = "ingest"
    return cls


@public
class IngestError(Exception):
    """Base class of every error raised on purpose by ``ingest``."""


@public
class OptionsError(IngestError, ValueError):
    """An options object or argument holds a value outside its documented range."""


class PositionedError(IngestError, ValueError):
    """An error at a known place in a named source.

    ``str(error)`` renders ``SOURCE: MESSAGE (at line L, column C)``; the parts
    are kept as attributes for programs: ``source``, ``msg``, ``line`` and
    ``column`` (both 1-based, ``None`` when not known).
    """

    def __init__(
        self,
        msg: str,
        *,
        source: str = _UNKNOWN_SOURCE,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.msg = msg
        self.source = source
        self.line = line
        self.column = column
        super().__init__(f"{source}: {msg}{_position(line, column)}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructor: teach pickle (used by worker processes) to rebuild it.
        return (_rebuild, (type(self), self.msg, self.source, self.line, self.column))


def _rebuild(
    cls: type[PositionedError], msg: str, source: str, line: int | None, column: int | None
) -> PositionedError:
    return cls(msg, source=source, line=line, column=column)


@public
class BundleError(PositionedError):
    """A bundle (``<<<FILE ...>>>`` stream) does not follow the format.

    Raised by :func:`ingest.read_bundle` in strict mode; lenient mode records the
    same message as a :class:`Problem` and recovers.
    """


@public
class DecodeError(PositionedError):
    """Bytes could not be decoded as the encoding they declare (strict mode only)."""


@public
class HtmlError(PositionedError):
    """An HTML page yielded no article text.

    Raised by :func:`ingest.extract_html` in strict mode; lenient mode records
    the same message as a :class:`Problem` and returns a document with empty text.
    """


@public
class IdConflictError(IngestError, ValueError):
    """Two different documents were given the same id.

    Ids are how a :class:`ingest.DuplicateIndex` tells documents apart; a
    document whose id is already indexed with another text cannot be added.
    """


@public
class IndexFileError(PositionedError):
    """A saved duplicate index file is not in the documented format.

    Raised by :meth:`ingest.DuplicateIndex.load`; the message names what was
    expected and what was found. Loading never unpickles anything.
    """


@public
class LimitError(PositionedError):
    """An input exceeds a configured resource limit (size, count or depth).

    The message names the limit, the value seen and the option that raises it.
    """


@attrs.frozen
class Problem:
    """One problem that a lenient reader recovered from.

    ``code`` is a short stable identifier (``"length-mismatch"``,
    ``"duplicate-name"``, ...) for programs; ``message`` is for people and is the
    same text strict mode would raise.
    """

    code: str
    message: str
    source: str = _UNKNOWN_SOURCE
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.message}{_position(self.line, self.column)}"

    @classmethod
    def from_error(cls, code: str, error: PositionedError) -> Problem:
        """The problem that stands for *error* in lenient mode."""
        return cls(code, error.msg, error.source, error.line, error.column)
