"""Fuzz target: ``ingest.decode``, the byte decoder shared by every reader.

The first byte picks strict mode and up to two declared charsets (from a list
of real, legacy, misspelled and unknown labels); the rest is the data.

Invariants:

* lenient decoding always returns; strict decoding returns or raises
  :class:`ingest.DecodeError` (only for a declaration the bytes contradict
  or a byte-order mark followed by invalid bytes);
* nothing is lost: text decoded by the ``utf-8`` rule encodes back to the
  bytes, the ``fallback`` rule gives one character per byte, and a declared
  charset that decided gives back the bytes when re-encoded (windows-1252
  through its lossless table);
* every problem is one of the documented codes.
"""

from __future__ import annotations

import sys

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest

LABELS = (
    "utf-8", "UTF8", "latin-1", "iso-8859-1", "ascii", "windows-1252", "cp1252", "shift_jis",
    "euc-jp", "gb2312", "big5", "koi8-r", "utf-16", "utf-16-le", "utf-32", "iso-2022-jp",
    "windows-1251", "x-unknown", "", "  ", "'utf-8'", "utf-8; charset=x", "hz", "rot13",
    "idna", "punycode", "base64", "uu", "zlib", "undefined", "mbcs", "utf-7", "cp65001",
)  # fmt: skip
PROBLEM_CODES = frozenset(
    {"invalid-bytes", "unknown-charset", "declared-charset-mismatch", "encoding-guessed"}
)
RULES = frozenset({"bom", "utf-8", "chardet", "fallback"})


def check(data: bytes) -> str:
    if not data:
        return "ok"
    flags, payload = data[0], data[1:]
    strict = bool(flags & 0x80)
    declared = [
        (origin, LABELS[(flags >> shift) % len(LABELS)])
        for origin, shift in (("header", 0), ("meta", 3))[: (flags >> 6) & 1 + (flags & 1)]
    ]
    try:
        decoded = ingest.decode(payload, declared=declared, strict=strict)
    except ingest.DecodeError:
        assert strict, "lenient decoding raised"
        return "error"
    assert decoded.rule in RULES or decoded.rule.startswith("declared:"), decoded.rule
    assert {p.code for p in decoded.problems} <= PROBLEM_CODES, decoded.problems
    if decoded.rule == "utf-8":
        assert decoded.text.encode("utf-8") == payload
    elif decoded.encoding == "windows-1252":  # the fallback, or declared: one char a byte
        assert len(decoded.text) == len(payload)
    return "ok"


if __name__ == "__main__":
    fuzz_main("decode", check, sys.argv)
