"""WARC files (web archives, as Common Crawl stores them) to pages and texts.

A WARC file is a sequence of records. Two kinds hold documents:

* a ``response`` record whose HTTP ``Content-Type`` is HTML: the page, with
  the record's target URL, date and HTTP ``Content-Type`` (its charset
  outranks the page's own declaration);
* a ``conversion`` record (the text that WET files hold, one per page): the
  text, UTF-8 by the WET format.

Every other record (``warcinfo``, ``request``, ``metadata``, ``revisit``, a
response that is not HTML...) is counted by type and skipped. A record cut
short (a truncated download) or bigger than the member limit is a
:class:`WarcProblem`, and the records before it are kept.

The record parsing is warcio's (``pip install 'ingest[warc]'``): it reads
any stream without seeking (stdin, a zstd-compressed WARC, the decompressing
streams of :mod:`ingest.inputs._compressed`), where FastWARC 2 needs a
seekable file (``docs/cli.md`` says how they compare). The HTTP headers of a
response, its chunked transfer coding and gzip/deflate content coding are
read here with the standard library, so the payload is what the server
meant, whichever crawler wrote the file.
"""

from __future__ import annotations

import http.client
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any, BinaryIO, Final

import attrs

from ..core import IngestError, OptionsError

__all__ = ["EXTRA_MESSAGE", "WarcPage", "WarcProblem", "WarcText", "is_warc", "read_warc"]

EXTRA_MESSAGE: Final = (
    "reading WARC files needs the 'warc' extra, which is not installed: pip install 'ingest[warc]'"
)

_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})


def is_warc(head: bytes) -> bool:
    """Whether *head* (the first bytes, decompressed) starts a WARC file.

    >>> is_warc(b"WARC/1.0\\r\\nWARC-Type: warcinfo"), is_warc(b"<html>")
    (True, False)
    """
    return head.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/0.18\r\n"))


@attrs.frozen
class WarcPage:
    """An HTML response: the page's bytes and what the record says of it."""

    url: str
    date: str
    content_type: str
    body: bytes


@attrs.frozen
class WarcText:
    """A ``conversion`` record: the text of a page."""

    url: str
    date: str
    text: str


@attrs.frozen
class WarcProblem:
    """A record that could not be read, and why."""

    url: str
    reason: str


WarcDocument = WarcPage | WarcText | WarcProblem


def _archive(stream: BinaryIO) -> Iterator[Any]:
    """warcio's records of *stream* (HTTP headers left unparsed), or
    :class:`OptionsError` naming the extra."""
    try:
        from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415 -- an optional extra
    except ImportError as error:
        raise OptionsError(EXTRA_MESSAGE) from error
    return iter(ArchiveIterator(stream, no_record_parse=True))


def _dechunked(body: bytes) -> bytes:
    """The payload of a body in HTTP chunked transfer coding."""
    stream, parts = io.BytesIO(body), list[bytes]()
    while True:
        size_line = stream.readline()
        if not size_line:
            raise ValueError("the chunked body ends before its last chunk")
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return b"".join(parts)
        parts.append(stream.read(size))
        stream.readline()


def _payload(block: bytes, limit: int) -> tuple[str, bytes]:
    """The ``Content-Type`` and the decoded payload of an HTTP response *block*."""
    stream = io.BytesIO(block)
    stream.readline()  # the status line
    headers = http.client.parse_headers(stream)
    body = stream.read()
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        body = _dechunked(body)
    coding = headers.get("Content-Encoding", "").strip().lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS
        inflater = zlib.decompressobj(wbits)
        body = inflater.decompress(body, limit + 1)
        if len(body) > limit:
            raise IngestError(f"the page is over max_member_bytes={limit} once decompressed")
    elif coding not in ("", "identity"):
        raise ValueError(f"the HTTP content coding {coding!r} is not supported")
    return headers.get("Content-Type", ""), body


def read_warc(
    stream: BinaryIO, *, limit: int, skipped: Counter[str] | None = None
) -> Iterator[WarcDocument]:
    """The documents of the WARC file *stream* (decompressed), in order.

    *skipped* counts the records that hold no document, by type. A record
    over *limit* bytes is a :class:`WarcProblem`.
    """
    counts: Counter[str] = skipped if skipped is not None else Counter()
    for record in _archive(stream):
        header = record.rec_headers.get_header
        kind = record.rec_type or "(no type)"
        url = header("WARC-Target-URI") or header("WARC-Record-ID") or "(no URI)"
        date = header("WARC-Date") or ""
        if kind not in ("response", "conversion"):
            counts[kind] += 1
            continue
        declared = int(record.length or 0)
        if declared > limit:
            yield WarcProblem(url, f"the record is {declared} bytes, over max_member_bytes={limit}")
            continue
        block = record.raw_stream.read(declared + 1)
        if len(block) < declared:
            yield WarcProblem(
                url,
                f"the record is truncated: {len(block)} of its {declared} bytes "
                "(an interrupted download?)",
            )
            continue
        if kind == "conversion":
            yield WarcText(url, date, block.decode("utf-8", errors="replace"))
            continue
        if "application/http" not in (header("Content-Type") or ""):
            counts["response (not HTTP)"] += 1
            continue
        try:
            content_type, body = _payload(block, limit)
        except (ValueError, zlib.error, IngestError, http.client.HTTPException) as exc:
            yield WarcProblem(url, f"cannot read its HTTP response: {exc}")
            continue
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime not in _HTML_TYPES:
            counts[f"response ({mime or 'no content type'})"] += 1
            continue
        yield WarcPage(url, date, content_type, body)
