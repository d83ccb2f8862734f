"""Every options class validates alike: one wording, bool never a number, float never an int."""

from __future__ import annotations

import re
from typing import Any, Final

import attrs
import pytest

import ingest

OPTIONS: Final[list[type[Any]]] = [
    ingest.BundleOptions,
    ingest.CleanOptions,
    ingest.DecodeOptions,
    ingest.DedupOptions,
    ingest.HtmlOptions,
    ingest.PipelineOptions,
    ingest.DaskOptions,
]
PROBES: Final[tuple[object, ...]] = (True, 2.5, 0, -1, None)


def _cases() -> list[Any]:
    return [
        pytest.param(cls, field, probe, id=f"{cls.__name__}.{field.name}={probe!r}")
        for cls in OPTIONS
        for field in attrs.fields(cls)
        for probe in PROBES
    ]


def _build(cls: type[Any], name: str, value: object) -> tuple[Any, str | None]:
    """The options with *name* set to *value*, or None and the OptionsError's message."""
    try:
        return attrs.evolve(cls(), **{name: value}), None
    except ingest.OptionsError as error:
        return None, str(error)


def _kind(field: attrs.Attribute[Any]) -> tuple[str, bool]:
    """The field's base type name and whether ``None`` is one of its values."""
    parts = [p.strip() for p in str(field.type).split("|")]
    optional = "None" in parts
    base = [p for p in parts if p != "None"]
    return (base[0] if len(base) == 1 else "|".join(base)), optional


def test_every_options_class_and_field_is_probed() -> None:
    fields = sum(len(attrs.fields(cls)) for cls in OPTIONS)
    assert fields >= 45
    assert len(_cases()) == fields * len(PROBES)


@pytest.mark.parametrize(("cls", "field", "probe"), _cases())
def test_a_probe_is_accepted_or_refused_in_the_common_words(
    cls: type[Any], field: attrs.Attribute[Any], probe: object
) -> None:
    base, optional = _kind(field)
    built, message = _build(cls, field.name, probe)
    accepted = message is None
    if message is not None:
        where = re.escape(f"{cls.__name__}.{field.name}")
        assert re.match(rf"^{where} must be .+, got {re.escape(repr(probe))}", message)
    else:
        assert getattr(built, field.name) == probe
    if probe is None:
        assert accepted == optional
    elif probe is True:
        assert accepted == (base == "bool")  # True is never a number, a set or a name
    elif base == "bool":
        assert not accepted  # 0, -1 and 2.5 are not flags
    elif isinstance(probe, float) and base != "float":
        assert not accepted  # 2.5 workers is refused, not truncated
    elif base not in ("int", "float"):
        assert not accepted  # a number is not a set, a name or an options object
