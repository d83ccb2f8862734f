"""The error of the input readers."""

from __future__ import annotations

from ..core import PositionedError, public

__all__ = ["InputError"]


@public
class InputError(PositionedError):
    """An input cannot be read as documents (strict mode only).

    A JSONL line that is not a JSON object with a string ``text``, a file that
    cannot be read or is over the size limit. Lenient mode records a
    :class:`Failure` instead and goes on.
    """
