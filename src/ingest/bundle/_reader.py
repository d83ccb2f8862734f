"""Reading and writing bundles: many text files in one ``<<<FILE ...>>>`` stream.

The format is specified in ``docs/bundle-format.md``. In short::

    <<<FILE 000_a.txt>>>
    text of the first file
    <<<FILE name="b.txt" length="5" url="https://example.com/b">>>
    hello

A member's body is everything up to the next header line (its line break
included), up to an optional ``<<<END>>>`` line, or exactly ``length`` bytes
followed by one line break when the header has ``length``. The writer always
writes ``length``, so any text round-trips exactly.

The reader streams: it holds one member at a time, whatever the bundle's size.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, TextIO, cast

import attrs
import xxhash

from ..core import (
    CHUNK,
    WINDOWS_1252,
    BundleError,
    DecodeError,
    DecodeOptions,
    Document,
    Input,
    LimitError,
    MetaValue,
    Problem,
    TextAsUtf8,
    Transcoder,
    decode,
    derive_id,
    instance_of,
    integer,
    skip_utf8_bom,
    sniff_wide,
)
from ._header import (
    HEADER_PREFIX,
    HeaderSyntaxError,
    is_end_line,
    is_header_line,
    parse_header,
)

__all__ = ["BUNDLE_SUFFIXES", "STRUCTURAL_KEYS", "BundleOptions", "BundleReader", "read_bundle"]

#: The file suffixes read as bundles.
BUNDLE_SUFFIXES: Final = frozenset({".bundle"})
#: Header attributes that become Document fields or steer reading, not meta.
STRUCTURAL_KEYS: Final = frozenset({"name", "id", "title", "length", "encoding"})
_LEADING_NAME_RE: Final = re.compile(r'([^\s"=\\<>]+)(?:[ \t]|$)')
_QUOTED_NAME_RE: Final = re.compile(r'(?:^|[ \t])name="([^"\\]*)"')

BundleSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO | TextIO


@attrs.frozen
class BundleOptions:
    """Limits and decoding rules for :func:`read_bundle`.

    Attributes:
        max_header_bytes: the longest header line accepted (a header that
            never ends stops here with :class:`~ingest.LimitError`).
        max_member_bytes: the largest member body (and the longest line).
        max_members: the most members one bundle may hold; ``None``: no limit.
        decode: how member bodies without a declared encoding are decoded.
    """

    max_header_bytes: int = attrs.field(default=64 * 1024, validator=integer(1))
    max_member_bytes: int = attrs.field(default=256 * 1024 * 1024, validator=integer(1))
    max_members: int | None = attrs.field(default=None, validator=integer(1, optional=True))
    decode: DecodeOptions = attrs.field(factory=DecodeOptions, validator=instance_of(DecodeOptions))


@attrs.define
class _Member:
    name: str
    attributes: dict[str, str]
    header_line: int
    problems: list[Problem]


class BundleReader:
    """An iterable of the :class:`~ingest.Document` members of one bundle.

    Made by :func:`read_bundle`. A reader over a path or bytes can be iterated
    again; one over a stream reads it once. ``problems`` lists what lenient
    mode recovered from so far (each also sits on its document's
    ``problems``), and ``members`` counts the documents yielded so far.
    """

    def __init__(
        self, source: BundleSource, *, strict: bool = False, options: BundleOptions | None = None
    ) -> None:
        self.strict = strict
        self.options = options or BundleOptions()
        self.problems: list[Problem] = []
        self.members = 0
        self._source = source
        self._owned: BinaryIO | None = None
        if isinstance(source, str | os.PathLike):
            self.source = os.fspath(source)
        elif isinstance(source, bytes | bytearray | memoryview):
            self.source = "<bytes>"
        else:
            self.source = str(getattr(source, "name", "<stream>"))

    def __repr__(self) -> str:
        return f"<BundleReader {self.source!r} strict={self.strict}>"

    def __enter__(self) -> BundleReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file the reader opened itself (never a stream it was given)."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __iter__(self) -> Iterator[Document]:
        self.problems = []
        self.members = 0
        source = self._source
        if isinstance(source, str | os.PathLike):
            with Path(source).open("rb") as handle:
                self._owned = handle
                try:
                    yield from self._read(handle)
                finally:
                    self._owned = None
        elif isinstance(source, bytes | bytearray | memoryview):
            yield from self._read(io.BytesIO(bytes(source)))
        elif isinstance(source, io.TextIOBase):
            yield from self._read(TextAsUtf8(source))  # type: ignore[arg-type]
        else:
            yield from self._read(source)  # type: ignore[arg-type]

    # -- the scanner ---------------------------------------------------------------

    def _fail(self, code: str, error: BundleError, member: _Member | None = None) -> None:
        """Raise *error* in strict mode; record it as a problem otherwise."""
        if self.strict:
            raise error
        problem = Problem.from_error(code, error)
        self.problems.append(problem)
        if member is not None:
            member.problems.append(problem)

    def _error(self, msg: str, line: int | None, column: int | None = None) -> BundleError:
        return BundleError(msg, source=self.source, line=line, column=column)

    def _read(self, stream: BinaryIO) -> Iterator[Document]:
        buffered = cast(
            "io.BufferedReader",
            stream if hasattr(stream, "peek") else io.BufferedReader(cast("io.RawIOBase", stream)),
        )
        head = buffered.peek(16)[:16]
        transcoder: Transcoder | None = None
        wide = sniff_wide(head)
        if wide is not None:
            transcoder = Transcoder(buffered, wide)
            buffered = io.BufferedReader(transcoder, CHUNK)
        inp = skip_utf8_bom(buffered)
        yield from self._members(inp)
        if transcoder is not None and transcoder.replaced:
            self._fail(
                "invalid-bytes",
                self._error(
                    f"the bundle is {wide} but holds invalid code units; they were "
                    "replaced with U+FFFD",
                    None,
                ),
            )

    def _members(self, inp: Input) -> Iterator[Document]:
        line_limit = self.options.max_member_bytes + 1
        # A header that never ends must stop at max_header_bytes, not after reading
        # max_member_bytes: read that much first, the rest of a long line after.
        head_limit = min(self.options.max_header_bytes + 1, line_limit)
        names: set[int] = set()
        stray: list[bytes] = []
        stray_line = stray_offset = stray_size = 0
        while True:
            line_no, offset = inp.line, inp.offset
            line = inp.readline(head_limit)
            if (
                len(line) == head_limit
                and not line.endswith(b"\n")
                and not line.startswith(HEADER_PREFIX)
            ):
                line += inp.readline(line_limit - len(line))
            if line.startswith(HEADER_PREFIX) and len(line) > self.options.max_header_bytes:
                raise LimitError(
                    "a header line is longer than "
                    f"max_header_bytes={self.options.max_header_bytes}; is its '>>>' missing? "
                    "raise BundleOptions.max_header_bytes if it is real",
                    source=self.source,
                    line=line_no,
                )
            if len(line) >= line_limit:
                raise LimitError(
                    f"a line is longer than max_member_bytes={self.options.max_member_bytes}; "
                    "raise BundleOptions.max_member_bytes if the input is trusted",
                    source=self.source,
                    line=line_no,
                )
            if line and not is_header_line(line) and not is_end_line(line):
                if not stray:
                    stray_line, stray_offset, stray_size = line_no, offset, 0
                stray.append(line)
                stray_size += len(line)
                if stray_size > self.options.max_member_bytes:
                    raise LimitError(
                        "text outside any member is larger than "
                        f"max_member_bytes={self.options.max_member_bytes}; does the bundle "
                        "start with a <<<FILE name>>> header? raise "
                        "BundleOptions.max_member_bytes if the input is trusted",
                        source=self.source,
                        line=stray_line,
                    )
                continue
            if stray:
                doc = self._stray(b"".join(stray), stray_line, stray_offset)
                stray = []
                if doc is not None:
                    yield self._count(doc, names)
            if not line:
                return
            if is_end_line(line):
                continue  # an end marker after a length-delimited body, or a stray one
            yield self._count(self._member(inp, line, line_no), names)

    def _count(self, doc: Document, names: set[int]) -> Document:
        limit = self.options.max_members
        if limit is not None and self.members >= limit:
            raise LimitError(
                f"the bundle has more than max_members={limit} members; "
                "raise BundleOptions.max_members or split the bundle",
                source=self.source,
                line=doc.line,
            )
        key = xxhash.xxh3_64_intdigest(doc.name.encode("utf-8", "surrogatepass"))
        if key in names:
            error = self._error(
                f"duplicate member name {doc.name!r}; names must be unique in strict mode",
                doc.line,
                1,
            )
            if self.strict:
                raise error
            problem = Problem.from_error("duplicate-name", error)
            self.problems.append(problem)
            doc = attrs.evolve(doc, problems=(*doc.problems, problem))
        names.add(key)
        self.members += 1
        return doc

    def _stray(self, data: bytes, line: int, offset: int) -> Document | None:
        """Text outside any member: whitespace is ignored, anything else is kept."""
        if not data.strip():
            return None
        member = _Member(f"(text outside any member, line {line})", {}, line, [])
        self._fail(
            "stray-text",
            self._error(
                "text outside any member; a bundle starts with a <<<FILE name>>> header "
                "and a member with length=... is followed by a line break and the next header",
                line,
                1,
            ),
            member,
        )
        return self._document(member, data, line, offset)

    def _member(self, inp: Input, header: bytes, line_no: int) -> Document:
        member = self._parse_member_header(header, line_no)
        body_line, body_offset = inp.line, inp.offset
        length = self._length(member)
        if length is None:
            body = self._read_lines(inp, member)
        else:
            body = self._read_length(inp, member, length)
        return self._document(member, body, body_line, body_offset)

    def _parse_member_header(self, header: bytes, line_no: int) -> _Member:
        member = _Member("", {}, line_no, [])
        raw = header.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._fail(
                "header-encoding",
                self._error(
                    "a header is not valid UTF-8; it was read as windows-1252 "
                    "(headers are UTF-8: re-save the bundle as UTF-8)",
                    line_no,
                    exc.start + 1,
                ),
                member,
            )
            text = decode(raw, declared=[("bundle", WINDOWS_1252)]).text
        try:
            bare, attributes = parse_header(text)
        except HeaderSyntaxError as exc:
            self._fail("bad-header", self._error(exc.msg, line_no, exc.column), member)
            bare, attributes = _recover_header(text), {}
        name = attributes.pop("name", None)
        if bare is not None and name is not None:
            self._fail(
                "bad-header",
                self._error(
                    f"the name is given twice ({bare!r} and name={name!r}); keep one",
                    line_no,
                    len("<<<FILE ") + 1,
                ),
                member,
            )
        member.name = name if name is not None else (bare or "")
        if not member.name:
            self._fail(
                "empty-name",
                self._error("a header without a name; write <<<FILE name.txt>>>", line_no, 8),
                member,
            )
            member.name = f"(unnamed member, line {line_no})"
        member.attributes = attributes
        return member

    def _length(self, member: _Member) -> int | None:
        raw = member.attributes.pop("length", None)
        if raw is None:
            return None
        if raw.isascii() and raw.isdigit():
            return int(raw)
        self._fail(
            "bad-length",
            self._error(
                f"length must be a whole number of bytes, got {raw!r}; "
                "the member was read up to the next header instead",
                member.header_line,
            ),
            member,
        )
        return None

    def _read_lines(self, inp: Input, member: _Member) -> bytes:
        parts: list[bytes] = []
        size = 0
        limit = self.options.max_member_bytes
        while True:
            line = inp.readline(limit - size + 1)
            if not line:
                break
            if is_header_line(line):
                inp.unread(line)
                break
            if is_end_line(line):
                break
            size += len(line)
            if size > limit:
                raise self._too_big(member)
            parts.append(line)
        return b"".join(parts)

    def _too_big(self, member: _Member) -> LimitError:
        return LimitError(
            f"member {member.name!r} is larger than "
            f"max_member_bytes={self.options.max_member_bytes}; raise "
            "BundleOptions.max_member_bytes if the input is trusted",
            source=self.source,
            line=member.header_line,
        )

    def _read_length(self, inp: Input, member: _Member, length: int) -> bytes:
        if length > self.options.max_member_bytes:
            raise self._too_big(member)
        body = inp.read(length)
        if len(body) < length:
            self._fail(
                "truncated",
                self._error(
                    f"member {member.name!r} declares length={length} but the input ends "
                    f"after {len(body)} bytes; the bundle is truncated or the length is wrong",
                    inp.line,
                ),
                member,
            )
            return body
        line_no, column = inp.line, _column(body)
        after = inp.read(2)
        if after in (b"", b"\n") or after == b"\r\n":
            return body
        if after[:1] == b"\n":
            inp.unread(after[1:])
            return body
        inp.unread(after)
        self._fail(
            "length-mismatch",
            self._error(
                f"member {member.name!r} declares length={length}, but its body is not "
                "followed by a line break; set length to the body's size in bytes, "
                "or remove it",
                line_no,
                column,
            ),
            member,
        )
        # Recovery: the body runs to the next header line, wherever that is.
        cut = _first_header_in(body)
        if cut is not None:
            inp.unread(body[cut:])
            return body[:cut]
        return body + self._read_lines(inp, member)

    def _document(self, member: _Member, body: bytes, line: int, offset: int) -> Document:
        attributes = member.attributes
        declared = attributes.get("encoding")
        try:
            decoded = decode(
                body,
                declared=[("header", declared)] if declared else (),
                source=self.source,
                strict=self.strict,
                options=self.options.decode,
            )
        except DecodeError as exc:
            raise DecodeError(
                f"member {member.name!r}: {exc.msg}", source=self.source, line=line
            ) from exc
        for problem in decoded.problems:
            located = attrs.evolve(
                problem, message=f"member {member.name!r}: {problem.message}", line=line
            )
            self.problems.append(located)
            member.problems.append(located)
        meta: dict[str, MetaValue] = {
            key: value for key, value in attributes.items() if key not in STRUCTURAL_KEYS
        }
        meta.update(decoded.meta())
        meta.update({"line": member.header_line, "offset": offset, "size": len(body)})
        text = decoded.text
        return Document(
            name=member.name,
            text=text,
            title=attributes.get("title", ""),
            meta=meta,
            source=self.source,
            problems=tuple(member.problems),
            id=attributes.get("id") or derive_id(member.name, text),
        )


def _column(body: bytes) -> int:
    """The 1-based column just after *body* on its last line."""
    return len(body) - (body.rfind(b"\n") + 1) + 1


def _first_header_in(body: bytes) -> int | None:
    """The offset of the first header line inside *body* after its start, if any."""
    pos = body.find(b"\n" + HEADER_PREFIX)
    while pos != -1:
        end = body.find(b"\n", pos + 1)
        if is_header_line(body[pos + 1 : end + 1 if end != -1 else len(body)]):
            return pos + 1
        pos = body.find(b"\n" + HEADER_PREFIX, pos + 1)
    return None


def _recover_header(text: str) -> str:
    """Lenient name for a header that failed to parse.

    The leading bare name if there is one, else a simple ``name="..."`` value,
    else the whole content, trimmed.
    """
    content = text[len("<<<FILE") :].strip()
    if content.endswith(">>>"):
        content = content[:-3].strip()
    bare = _LEADING_NAME_RE.match(content)
    if bare is not None:
        return bare.group(1)
    quoted = _QUOTED_NAME_RE.search(content)
    return quoted.group(1) if quoted is not None else content


def read_bundle(
    source: BundleSource, *, strict: bool = False, options: BundleOptions | None = None
) -> BundleReader:
    """Read the members of a bundle as :class:`~ingest.Document` objects, streaming.

    *source* is a path, the bundle's bytes, or a binary (or text) file object.
    Lenient mode (the default) recovers from format problems, keeps every byte
    of text, and records each problem on the reader's ``problems`` and on the
    document concerned; strict mode raises :class:`~ingest.BundleError` (or
    :class:`~ingest.DecodeError`) at the first one. Resource limits raise
    :class:`~ingest.LimitError` in both modes.

    >>> docs = list(read_bundle(b"<<<FILE a.txt>>>\\nHello\\n<<<FILE b.txt>>>\\nWorld\\n"))
    >>> [(d.name, d.text) for d in docs]
    [('a.txt', 'Hello\\n'), ('b.txt', 'World\\n')]
    """
    return BundleReader(source, strict=strict, options=options)
