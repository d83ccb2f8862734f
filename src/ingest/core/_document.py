"""The :class:`Document` value object that every pipeline stage takes and returns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Final, NoReturn, TypeAlias

import attrs
import xxhash

from ._errors import Problem

__all__ = ["Document", "Meta", "MetaValue", "derive_id"]

MetaValue: TypeAlias = str | int | float | bool | None
"""A metadata value: a JSON scalar."""

#: Meta keys that describe how a document was read (provenance). Readers set them;
#: the bundle writer does not write them, because the next read records its own.
PROVENANCE_KEYS: Final = frozenset(
    {
        "encoding",
        "encoding_declared",
        "encoding_confidence",
        "encoding_rule",
        "line",
        "offset",
        "size",
    }
)


class Meta(Mapping[str, MetaValue]):
    """An immutable, picklable mapping of metadata keys to JSON scalars.

    >>> m = Meta({"url": "https://example.com/a"})
    >>> m["url"]
    'https://example.com/a'
    >>> m | {"lang": "en"}
    Meta({'url': 'https://example.com/a', 'lang': 'en'})
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, MetaValue] | None = None) -> None:
        self._data: dict[str, MetaValue] = dict(data or {})

    def __getitem__(self, key: str) -> MetaValue:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Meta({self._data!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __or__(self, other: Mapping[str, MetaValue]) -> Meta:
        return Meta({**self._data, **other})

    def __reduce__(self) -> tuple[type[Meta], tuple[dict[str, MetaValue]]]:
        return (Meta, (self._data,))

    def __setattr__(self, name: str, value: object) -> None:
        if name == "_data" and not hasattr(self, "_data"):
            object.__setattr__(self, name, value)
            return
        _immutable()

    def without(self, *keys: str) -> Meta:
        """A copy without *keys* (missing keys are ignored)."""
        return Meta({k: v for k, v in self._data.items() if k not in keys})


def _immutable() -> NoReturn:
    raise AttributeError("Meta is immutable; build a new one with `meta | {...}`")


def _to_meta(value: Mapping[str, MetaValue] | None) -> Meta:
    return value if isinstance(value, Meta) else Meta(value)


def _to_problems(value: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(value)


def derive_id(name: str, text: str) -> str:
    """The stable default id of a document: 16 hex digits of xxh3-64 over name and text.

    >>> derive_id("a.txt", "Hello")
    '84073fddaaf0d35e'
    """
    digest = xxhash.xxh3_64()
    digest.update(name.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@attrs.frozen(eq=True, hash=False)
class Document:
    """One article or file: its text and what is known about where it came from.

    Only ``name`` and ``text`` are required; the ``id`` is derived from them
    stably (see :func:`derive_id`) unless given.

    >>> doc = Document(name="a.txt", text="Hello")
    >>> doc.id, doc.title, doc.source, dict(doc.meta)
    ('84073fddaaf0d35e', '', '', {})

    Documents are frozen; derive changed copies with :func:`attrs.evolve`, which
    keeps the ``id``:

    >>> attrs.evolve(doc, text="Hello, world").id
    '84073fddaaf0d35e'

    Attributes:
        name: The document's name or path inside its source (a bundle member
            name, a file path relative to the input directory, a URL).
        text: The document's text.
        title: The article's title, empty when unknown.
        meta: Metadata as JSON scalars: ``url``, ``content-type``, every bundle
            header attribute, and the provenance of decoding (``encoding``,
            ``encoding_declared``, ``encoding_confidence``, ``encoding_rule``)
            and position (``line``).
        source: Where the document was read from (a path, ``"-"`` for stdin,
            ``"<bytes>"``), empty when built in memory.
        problems: What a lenient reader recovered from while reading this
            document; empty when it was read cleanly.
        id: A stable identifier; equal documents hash equal by id.
    """

    name: str
    text: str
    title: str = ""
    meta: Meta = attrs.field(factory=Meta, converter=_to_meta)
    source: str = ""
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=_to_problems)
    id: str = attrs.field()

    @id.default  # noqa: A003 -- see the field
    def _default_id(self) -> str:
        return derive_id(self.name, self.text)

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def line(self) -> int | None:
        """The line where the document starts in its source (``meta["line"]``), when
        the reader recorded it; ``None`` otherwise.

        >>> Document("a", "Hi", meta={"line": 12}).line, Document("a", "Hi").line
        (12, None)
        """
        line = self.meta.get("line")
        return line if isinstance(line, int) and not isinstance(line, bool) else None
