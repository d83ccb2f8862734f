"""The validators of every options class: one wording, one idea of a number.

Each function here returns an attrs validator. A value that does not fit
raises :class:`~ingest.OptionsError` worded the same way for every class::

    CLASS.FIELD must be WHAT, got VALUE[; HINT]

``bool`` is never a number (``True`` is refused where a count or a share is
meant), a float is never an integer (``2.5`` workers is refused, not
truncated), and ``None`` is accepted only where a field says it means
something (``optional=True``).

>>> import attrs
>>> @attrs.frozen
... class Options:
...     workers: int = attrs.field(default=1, validator=integer(1))
>>> Options(workers=True)
Traceback (most recent call last):
...
ingest.OptionsError: Options.workers must be an integer >= 1, got True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import Any

import attrs

from ._errors import OptionsError

__all__ = ["flag", "instance_of", "integer", "number", "one_of"]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _fail(
    instance: object, attribute: attrs.Attribute[Any], what: str, value: object, hint: str
) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    raise OptionsError(f"{where} must be {what}, got {value!r}" + (f"; {hint}" if hint else ""))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _or_none(what: str, optional: bool) -> str:  # noqa: FBT001 -- a private helper
    return f"{what} or None" if optional else what


def integer(
    low: int, high: int | None = None, *, optional: bool = False, hint: str = ""
) -> Validator:
    """An integer from *low* to *high* (inclusive; no upper bound if None)."""
    what = f"an integer from {low} to {high}" if high is not None else f"an integer >= {low}"
    what = _or_none(what, optional)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not _is_int(value) or value < low or (high is not None and value > high):  # type: ignore[operator]
            _fail(instance, attribute, what, value, hint)

    return check


def number(
    low: float,
    high: float | None = None,
    *,
    low_open: bool = False,
    optional: bool = False,
    hint: str = "",
) -> Validator:
    """A finite number (int or float, not bool) from *low* (excluded if *low_open*) to *high*."""
    left = "(" if low_open else "["
    what = (
        f"a number in {left}{low:g}, {high:g}]"
        if high is not None
        else f"a number {'>' if low_open else '>='} {low:g}"
    )
    what = _or_none(what, optional)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if (
            not _is_number(value)
            or not math.isfinite(value)  # type: ignore[arg-type]
            or (value <= low if low_open else value < low)  # type: ignore[operator]
            or (high is not None and value > high)  # type: ignore[operator]
        ):
            _fail(instance, attribute, what, value, hint)

    return check


def flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """True or False (not 0, 1 or None)."""
    if not isinstance(value, bool):
        _fail(instance, attribute, "True or False", value, "")


def one_of(choices: Collection[object], *, hint: str = "") -> Validator:
    """One of *choices*."""
    what = "one of " + ", ".join(repr(c) for c in choices)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or value not in choices:
            _fail(instance, attribute, what, value, hint)

    return check


def instance_of(cls: type, *, optional: bool = False, hint: str = "") -> Validator:
    """An instance of *cls* (an options class, for nested options)."""
    named = cls.__name__ if cls.__module__ == "builtins" else f"ingest.{cls.__name__}"
    what = _or_none(f"a {named}" if named == "str" else f"an {named}", optional)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, cls):
            _fail(instance, attribute, what, value, hint)

    return check
