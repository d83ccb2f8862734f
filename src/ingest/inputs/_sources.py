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
from collections import Counter
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
    decode,
    decode_jsonl_line,
    document_from_record,
    sniff_wide,
)
from ._binary import binary_reason, control_reason, text_reason
from ._compressed import (
    MAGIC_BYTES,
    compression_of,
    decompressed,
    decompression_error,
    inner_name,
)
from ._errors import InputError
from ._parquet import PARQUET_EXTS, is_parquet, parquet_records
from ._warc import WarcPage, WarcProblem, is_warc, read_warc

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
Kind = Literal["auto", "bundle", "html", "text", "jsonl", "warc", "parquet"]

_HTML_EXTS: Final = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_TEXT_EXTS: Final = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})
_WARC_EXTS: Final = frozenset({".warc", ".wet"})
_EXTS: Final[tuple[tuple[frozenset[str], Kind], ...]] = (
    (BUNDLE_SUFFIXES, "bundle"),
    (_HTML_EXTS, "html"),
    (JSONL_SUFFIXES, "jsonl"),
    (_TEXT_EXTS, "text"),
    (_WARC_EXTS, "warc"),
    (PARQUET_EXTS, "parquet"),
)
_SNIFF: Final = 512


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
    """The raw bytes of an HTML page, decoded and extracted by a worker.

    ``content_type`` is the HTTP ``Content-Type`` it was served with, when
    known (a WARC response: its charset outranks the page's); ``meta`` is
    what the input knew of it (a WARC record's ``url`` and ``fetched`` date).
    """

    name: str
    source: str
    data: bytes
    content_type: str | None = None
    meta: Mapping[str, MetaValue] = attrs.field(factory=dict)


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


def _kind_by_name(name: str) -> Kind | None:
    """The kind that *name*'s extension tells, if it tells one."""
    suffix = Path(name).suffix.lower()
    for exts, kind in _EXTS:
        if suffix in exts:
            return kind
    return None


def _sniff(head: bytes) -> Kind:
    """The kind of an input without a telling extension, from its first bytes."""
    if sniff_wide(head) is not None:
        return "bundle"
    if is_warc(head):
        return "warc"
    if is_parquet(head):
        return "parquet"
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
        #: Records that hold no document (WARC requests, metadata...), by type.
        self.skipped: Counter[str] = Counter()

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
        yield from self._opened(raw, source, source, size=None)

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
            if self.read_as == "auto" and _kind_by_name(name) == "parquet":
                yield from self.rows(path)  # columns, read by row group
                return
            with path.open("rb") as handle:
                yield from self._opened(handle, source, name, size=path.stat().st_size)
        except OSError as exc:
            yield self._failure(name, source, _reason(exc), error=exc)

    def _opened(self, raw: BinaryIO, source: str, name: str, *, size: int | None) -> Iterator[Item]:
        """The items of an open input: decompressed if it is compressed, then by its kind.

        *size* is the file's size, when it is a file. Corrupt compressed data
        fails the rest of the input, after the documents read before it.
        """
        stream = _peekable(raw)
        compression = compression_of(stream.peek(MAGIC_BYTES)[:MAGIC_BYTES])
        inner = name
        if compression is not None:
            stream = decompressed(cast("BinaryIO", stream), compression, source)
            inner, size = inner_name(name), None
        kind: Kind = self.read_as
        if kind == "auto":
            kind = _kind_by_name(inner) or _sniff(stream.peek(_SNIFF)[:_SNIFF])
        try:
            if kind == "parquet":
                yield self._failure(
                    name,
                    source,
                    "a Parquet file is read from a file named *.parquet, "
                    "not compressed, not from a pipe",
                )
            elif kind == "warc":
                yield from self._warc(cast("BinaryIO", stream), source)
            elif kind == "bundle":
                yield from self._bundle(cast("BinaryIO", stream), source)
            elif kind == "jsonl":
                yield from self._jsonl(
                    cast("BinaryIO", stream), source, stop_long=compression is not None
                )
            else:
                yield from self._whole(
                    stream, source, name, kind, size=size, compression=compression
                )
        except IngestError as exc:
            yield self._failure(name, source, _reason(exc), error=exc)
        damage = decompression_error(stream)
        if damage is not None:
            yield self._failure(name, source, _reason(damage), error=damage)

    def _whole(
        self,
        stream: io.BufferedReader,
        source: str,
        name: str,
        kind: Kind,
        *,
        size: int | None,
        compression: str | None,
    ) -> Iterator[Item]:
        """An input that is one document (a page, a text): at most ``max_member_bytes``."""
        limit = self.bundle.max_member_bytes
        if size is not None and size > limit:
            too_long = f"the file is {size} bytes, over max_member_bytes={limit}"
            data = b""
        else:
            data = stream.read(limit + 1)
            too_long = f"the input is over max_member_bytes={limit}" if len(data) > limit else ""
            if too_long and compression is not None:
                too_long += f" once decompressed ({compression}; a decompression bomb?)"
        if too_long:
            error = LimitError(
                f"{too_long}; raise BundleOptions.max_member_bytes if the input is trusted",
                source=source,
            )
            yield self._failure(name, source, _reason(error), error=error)
            return
        if decompression_error(stream) is not None:
            return  # one document, cut short: the input fails as a whole (_opened says why)
        binary = binary_reason(data)
        if binary is not None:
            yield self._failure(name, source, binary)
        elif kind == "html":
            yield PageItem(name, source, data)
        else:
            yield self._text(data, name, source)

    def _text(self, data: bytes, name: str, source: str) -> Item:
        try:
            decoded = decode(data, source=source, strict=self.strict, options=self.bundle.decode)
        except IngestError as exc:
            return self._failure(name, source, _reason(exc), error=exc)
        binary = control_reason(decoded.text, decoded.encoding)
        if binary is not None:
            return self._failure(name, source, binary)
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
                encoding = doc.meta.get("encoding")
                binary = text_reason(doc.text, encoding if isinstance(encoding, str) else "utf-8")
                if binary is not None:
                    yield self._failure(doc.name, source, binary, line=doc.line)
                    continue
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

    def _warc(self, stream: BinaryIO, source: str) -> Iterator[Item]:
        """The HTML responses and WET texts of a WARC file; other records are counted."""
        limit = self.bundle.max_member_bytes
        for record in read_warc(stream, limit=limit, skipped=self.skipped):
            if isinstance(record, WarcProblem):
                yield self._failure(record.url, source, record.reason)
                continue
            meta: dict[str, MetaValue] = {"url": record.url}
            if record.date:
                meta["fetched"] = record.date
            if isinstance(record, WarcPage):
                yield PageItem(record.url, source, record.body, record.content_type, meta)
                continue
            binary = text_reason(record.text, "utf-8")
            if binary is not None:
                yield self._failure(record.url, source, binary)
                continue
            yield DocItem(Document(name=record.url, text=record.text, meta=meta, source=source))

    def rows(self, path: Path, groups: list[int] | None = None) -> Iterator[Item]:
        """One item per row of the row *groups* (default: all) of the Parquet file *path*,
        numbered from 1 in the groups read: the Dask engine reads a group per partition."""
        source = str(path)
        try:
            for number, record in enumerate(parquet_records(path, groups), 1):
                yield self._from_record(record, source, number)
        except (OSError, IngestError) as exc:
            yield self._failure(path.name, source, _reason(exc), error=exc)

    def _jsonl(self, stream: BinaryIO, source: str, *, stop_long: bool) -> Iterator[Item]:
        """One item per line; *stop_long*: a line over the limit ends the input (a
        decompressed stream is not skipped through: a bomb stops at the limit)."""
        limit = self.bundle.max_member_bytes
        number = 0
        while True:
            raw = stream.readline(limit + 1)
            if not raw:
                return
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                if stop_long:
                    error = LimitError(
                        f"the line is over max_member_bytes={limit} once decompressed "
                        "(a decompression bomb?); the rest of the input was not read",
                        source=source,
                        line=number,
                    )
                    yield self._failure("record", source, error.msg, line=number, error=error)
                    return
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
            doc = decode_jsonl_line(raw, source, number)
        except DecodeError as exc:
            # In strict mode the record's error is an InputError, as for any input.
            return self._failure("record", source, exc.msg, line=number, error=exc.__cause__)
        return self._checked(doc, number)

    def _from_record(self, record: dict[str, object], source: str, number: int) -> Item:
        try:
            doc = document_from_record(record, source, number)
        except DecodeError as exc:
            return self._failure("record", source, exc.msg, line=number)
        return self._checked(doc, number)

    def _checked(self, doc: Document, number: int) -> Item:
        """A record's document, or a failure when its text is binary content."""
        binary = text_reason(doc.text, "utf-8")
        if binary is not None:
            return self._failure("record", doc.source, binary, line=number)
        return DocItem(doc)

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


def _peekable(raw: BinaryIO) -> io.BufferedReader:
    """*raw* as a stream whose first bytes can be looked at without reading them."""
    if hasattr(raw, "peek"):
        return cast("io.BufferedReader", raw)
    return io.BufferedReader(cast("io.RawIOBase", raw))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read it: {exc.strerror}"
    msg = getattr(exc, "msg", None)
    line = getattr(exc, "line", None)
    if isinstance(msg, str):
        return f"{msg} (at line {line})" if line is not None else msg
    return str(exc)
