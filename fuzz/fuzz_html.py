"""Fuzz target: ``ingest.extract_html`` on page bytes and on text.

The first byte picks strict mode, bytes or ``str`` input, a ``Content-Type``
charset and a small ``max_depth``; the rest is the page.

Invariants:

* lenient extraction returns a :class:`ingest.Document` (or raises
  :class:`ingest.LimitError` for a page over ``max_bytes``), nothing else;
* strict extraction returns one or raises :class:`ingest.HtmlError` (no
  article text) or :class:`ingest.DecodeError` (a contradicted declaration);
* the text has no NUL, no other C0 control but tab and line breaks, no
  U+FFFE/U+FFFF and no lone surrogate, nor has the title or any meta value:
  the document can be written to a bundle (UTF-8), and a character written as
  a reference (``&#19;``) comes out as the same character written raw does;
* a document with no text says why in its problems.
"""

from __future__ import annotations

import re
import sys

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest

MAX_BYTES = 32 * 1024
CONTENT_TYPES = (None, "text/html; charset=utf-8", "text/html; charset=shift_jis",
                 "text/html; charset=base64", "text/html")  # fmt: skip
_UNWRITABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def check(data: bytes) -> str:
    if not data:
        return "ok"
    flags, page = data[0], data[1:]
    strict = bool(flags & 1)
    options = ingest.HtmlOptions(
        max_bytes=MAX_BYTES, max_depth=8 if flags & 2 else 512, strict=strict
    )
    source: bytes | str = page.decode("utf-8", "surrogateescape") if flags & 4 else page
    try:
        doc = ingest.extract_html(
            source,
            url="https://example.com/page",
            content_type=CONTENT_TYPES[(flags >> 3) % len(CONTENT_TYPES)],
            options=options,
        )
    except ingest.LimitError:
        assert len(source) > MAX_BYTES
        return "limit"
    except (ingest.HtmlError, ingest.DecodeError):
        assert strict, "lenient extraction raised"
        return "error"
    assert isinstance(doc, ingest.Document)
    for value in (doc.text, doc.title, *doc.meta.values()):
        assert not isinstance(value, str) or _UNWRITABLE_RE.search(value) is None, repr(value)
    if not doc.text:
        assert doc.problems, "empty text without a problem saying why"
    return "ok"


if __name__ == "__main__":
    fuzz_main("html", check, sys.argv)
