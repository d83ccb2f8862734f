"""The first stage of the pipeline: inputs (paths, directories, stdin) to work items.

Each input becomes a stream of items, one per document found: a decoded
:class:`~ingest.Document` (from a bundle, a JSONL line or a text file), the
bytes of an HTML page still to extract, or a :class:`Failure` for a document
that could not be read. Every document in is exactly one item, so the
pipeline's accounting can add up. Reading is lazy and holds one document at a
time (one line of JSONL, one member of a bundle, one file).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

import attrs

from ..bundle import BUNDLE_SUFFIXES, BundleOptions, read_bundle
from ..core import (
    JSONL_SUFFIXES,
    DecodeError,
    Document,
    IngestError,
    LimitError,
    MetaValue,
    PositionedError,
    decode,
    decode_jsonl_line,
    public,
    sniff_wide,
)

__all__ = [
    "STDIN",
    "DocItem",
    "Failure",
    "InputError",
    "Item",
    "PageItem",
    "ReadAs",
    "Reader",
    "is_html",
]

#: The input name that stands for standard input.
STDIN: Final = "-"

ReadAs = Literal["auto", "bundle", "html", "text"]

_HTML_EXTS: Final = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TEXT_EXTS: Final = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})
_SNIFF: Final = 512


@public
class InputError(PositionedError):
    """An input cannot be read as documents (strict mode only).

    A JSONL line that is not a JSON object with a string ``text``, a file that
    cannot be read or is over the size limit. Lenient mode records a
    :class:`Failure` instead and goes on.
    """


@attrs.frozen
class Failure:
    """A document that could not be read, processed or written, and why.

    Attributes:
        name: The document's name (a member name, a file path, ``line N``).
        source: The input it came from.
        line: Where it starts in its source, when known (1-based).
        reason: What went wrong, as the error message says it.
    """

    name: str
    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (at line {self.line})" if self.line is not None else ""
        return f"{self.source}: {self.name}{where}: {self.reason}"


@attrs.frozen
class DocItem:
    """A decoded document; ``html`` when its text is an HTML page still to extract."""

    document: Document
    html: bool = False


@attrs.frozen
class PageItem:
    """The raw bytes of an HTML file, decoded and extracted by a worker."""

    name: str
    source: str
    data: bytes


Item = DocItem | PageItem | Failure


def is_html(name: str, meta: Mapping[str, MetaValue]) -> bool:
    """Whether a member is an HTML page: by its ``content-type``, else its name's extension.

    >>> is_html("a.txt", {"content-type": "text/html; charset=utf-8"})
    True
    >>> is_html("a.html", {"content-type": "text/plain"}), is_html("b.HTM", {})
    (False, True)
    """
    content_type = meta.get("content-type")
    if isinstance(content_type, str) and content_type.strip():
        mime = content_type.split(";", 1)[0].strip().lower()
        return mime in ("text/html", "application/xhtml+xml")
    return Path(name).suffix.lower() in _HTML_EXTS


def _sniff(head: bytes) -> ReadAs | Literal["jsonl"]:
    """The kind of an input without a telling extension, from its first bytes."""
    if sniff_wide(head) is not None:
        return "bundle"
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"<<<FILE"):
        return "bundle"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        return "html"
    return "text"


class Reader:
    """Turns input names into items, by the rules of ``docs/cli.md`` ("Inputs").

    Args:
        read_as: ``auto`` detects each input's kind (extension, then content)
            and marks HTML members of bundles for extraction; ``bundle``,
            ``html`` and ``text`` read every file as that kind (``text``: one
            document per file, unchanged).
        strict: Raise at the first problem instead of recording a failure.
        bundle: Limits for bundles; ``max_member_bytes`` also bounds a text
            file, a JSONL line and an HTML file.
        stdin: The stream read for ``-`` (default: the process's stdin).
    """

    def __init__(
        self,
        *,
        read_as: ReadAs = "auto",
        strict: bool = False,
        bundle: BundleOptions | None = None,
        stdin: BinaryIO | None = None,
    ) -> None:
        self.read_as = read_as
        self.strict = strict
        self.bundle = bundle or BundleOptions()
        self._stdin = stdin

    def items(self, inputs: list[str]) -> Iterator[Item]:
        """Every document of *inputs*, in order: inputs in the order given, files sorted."""
        for name in inputs:
            path = Path(name)
            if name == STDIN:
                yield from self._stdin_items()
            elif path.is_dir():
                yield from self._directory(path)
            elif path.exists() and not path.is_file():
                # A pipe or device named on purpose (`ingest clean <(zcat x.gz)`): a stream.
                with path.open("rb") as handle:
                    yield from self._pipe(handle, name)
            else:
                yield from self._file(path, path.name)

    # -- inputs -------------------------------------------------------------------

    def _stdin_items(self) -> Iterator[Item]:
        yield from self._pipe(self._stdin if self._stdin is not None else sys.stdin.buffer, STDIN)

    def _pipe(self, raw: BinaryIO, source: str) -> Iterator[Item]:
        stream = cast(
            "io.BufferedReader",
            raw if hasattr(raw, "peek") else io.BufferedReader(cast("io.RawIOBase", raw)),
        )
        kind: ReadAs | Literal["jsonl"] = self.read_as
        if kind == "auto":
            kind = _sniff(stream.peek(_SNIFF)[:_SNIFF])
        yield from self._stream(cast("BinaryIO", stream), source, source, kind)

    def _directory(self, root: Path) -> Iterator[Item]:
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
            yield from self._walk_errors(root, errors)
            dirnames.sort()
            here = Path(dirpath)
            for link in sorted(d for d in dirnames if (here / d).is_symlink()):
                yield self._failure(
                    (here / link).relative_to(root).as_posix(),
                    str(here / link),
                    "a symbolic link to a directory; links are not followed "
                    "(pass the directory itself)",
                )
            for filename in sorted(filenames):
                path = here / filename
                name = path.relative_to(root).as_posix()
                if path.is_symlink():
                    yield self._failure(
                        name,
                        str(path),
                        "a symbolic link; links are not followed (pass the file itself)",
                    )
                    continue
                yield from self._file(path, name)
        yield from self._walk_errors(root, errors)

    def _walk_errors(self, root: Path, errors: list[OSError]) -> Iterator[Item]:
        """A failure for each directory that could not be listed (its files are unknown)."""
        for error in errors:
            where = Path(error.filename or root)
            name = where.relative_to(root).as_posix() if where != root else where.name
            yield self._failure(name, str(where), f"{_reason(error)} (a directory)", error=error)
        errors.clear()

    def _file(self, path: Path, name: str) -> Iterator[Item]:
        source = str(path)
        try:
            if not path.is_file():
                yield self._failure(name, source, "not a regular file (or it does not exist)")
                return
            kind: ReadAs | Literal["jsonl"] = self.read_as
            if kind == "auto":
                kind = self._kind_of(path)
            if kind in ("bundle", "jsonl"):
                with path.open("rb") as handle:
                    yield from self._stream(handle, source, name, kind)
                return
            size = path.stat().st_size
            limit = self.bundle.max_member_bytes
            if size > limit:
                raise LimitError(
                    f"the file is {size} bytes, over max_member_bytes={limit}; "
                    "raise BundleOptions.max_member_bytes if the input is trusted",
                    source=source,
                )
            data = path.read_bytes()
        except (OSError, IngestError) as exc:
            yield self._failure(name, source, _reason(exc), error=exc)
            return
        if kind == "html":
            yield PageItem(name, source, data)
        else:
            yield self._text(data, name, source)

    @staticmethod
    def _kind_of(path: Path) -> ReadAs | Literal["jsonl"]:
        suffix = path.suffix.lower()
        if suffix in BUNDLE_SUFFIXES:
            return "bundle"
        if suffix in _HTML_EXTS:
            return "html"
        if suffix in JSONL_SUFFIXES:
            return "jsonl"
        if suffix in _TEXT_EXTS:
            return "text"
        with path.open("rb") as handle:
            return _sniff(handle.read(_SNIFF))

    def _stream(
        self, stream: BinaryIO, source: str, name: str, kind: ReadAs | Literal["jsonl"]
    ) -> Iterator[Item]:
        if kind == "bundle":
            yield from self._bundle(stream, source)
        elif kind == "jsonl":
            yield from self._jsonl(stream, source)
        else:
            limit = self.bundle.max_member_bytes
            data = stream.read(limit + 1)
            if len(data) > limit:
                error = LimitError(
                    f"the input is over max_member_bytes={limit}; "
                    "raise BundleOptions.max_member_bytes if the input is trusted",
                    source=source,
                )
                yield self._failure(name, source, _reason(error), error=error)
            elif kind == "html":
                yield PageItem(name, source, data)
            else:
                yield self._text(data, name, source)

    def _text(self, data: bytes, name: str, source: str) -> Item:
        try:
            decoded = decode(data, source=source, strict=self.strict, options=self.bundle.decode)
        except IngestError as exc:
            return self._failure(name, source, _reason(exc), error=exc)
        return DocItem(
            Document(
                name=name,
                text=decoded.text,
                meta=decoded.meta(),
                source=source,
                problems=decoded.problems,
            )
        )

    def _bundle(self, stream: BinaryIO, source: str) -> Iterator[Item]:
        reader = read_bundle(stream, strict=self.strict, options=self.bundle)
        reader.source = source
        auto = self.read_as == "auto"
        last_line: int | None = None
        try:
            for doc in reader:
                last_line = doc.line if doc.line is not None else last_line
                yield DocItem(doc, html=auto and is_html(doc.name, doc.meta))
        except (OSError, IngestError) as exc:
            line = getattr(exc, "line", None) or last_line
            where = f"line {line}" if line is not None else "its start"
            yield self._failure(
                f"(the rest of the bundle, from {where})",
                source,
                f"{_reason(exc)}; the rest of the bundle was not read",
                line=line,
                error=exc,
            )

    def _jsonl(self, stream: BinaryIO, source: str) -> Iterator[Item]:
        limit = self.bundle.max_member_bytes
        number = 0
        while True:
            raw = stream.readline(limit + 1)
            if not raw:
                return
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                    raw = stream.readline(limit + 1)
                error = LimitError(
                    f"the line is over max_member_bytes={limit}", source=source, line=number
                )
                yield self._failure("record", source, error.msg, line=number, error=error)
                continue
            if not raw.strip():
                continue
            yield self._record(raw, source, number)

    def _record(self, raw: bytes, source: str, number: int) -> Item:
        try:
            return DocItem(decode_jsonl_line(raw, source, number))
        except DecodeError as exc:
            # In strict mode the record's error is an InputError, as for any input.
            return self._failure("record", source, exc.msg, line=number, error=exc.__cause__)

    def _failure(
        self,
        name: str,
        source: str,
        reason: str,
        *,
        line: int | None = None,
        error: BaseException | None = None,
    ) -> Failure:
        """A failure record, or in strict mode the error that stops the run."""
        if self.strict:
            if isinstance(error, IngestError):
                raise error
            raise InputError(f"{name}: {reason}", source=source, line=line) from error
        return Failure(name, source, reason, line)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read it: {exc.strerror}"
    msg = getattr(exc, "msg", None)
    line = getattr(exc, "line", None)
    if isinstance(msg, str):
        return f"{msg} (at line {line})" if line is not None else msg
    return str(exc)
