"""Fuzz target: lenient ``read_bundle`` and the writer's round trip.

Invariants, for any bytes:

* lenient reading returns documents or raises :class:`ingest.LimitError`, nothing else;
* no document is larger than ``max_member_bytes`` (text outside any member included);
* nothing is lost: every byte of the input is inside one body (bodies never
  overlap) or is markup: a header line, an end line, a blank line, a BOM;
* a body the decoder read as UTF-8 is exactly the document's text;
* what was read writes and reads back to the same documents
  (``read(write(docs)) == docs``: name, id, title, text, user meta).

The last byte's low bit picks small limits (so they are hit) or the defaults.
"""

from __future__ import annotations

import codecs
import io
import sys

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest
    from ingest.bundle._header import is_end_line, is_header_line
    from ingest.core._document import PROVENANCE_KEYS
    from ingest.core._stream import sniff_wide

#: chardet is the slow step of decoding (most of the time per input); it only sees
#: a short prefix here, so the reader itself gets the executions. The decode
#: target gives chardet whole inputs.
_DECODE = ingest.DecodeOptions(sniff_bytes=32)
SMALL = ingest.BundleOptions(
    max_header_bytes=200, max_member_bytes=1500, max_members=12, decode=_DECODE
)
DEFAULT = ingest.BundleOptions(decode=_DECODE)


def options_for(data: bytes) -> ingest.BundleOptions:
    """Small limits when the input's last byte is odd, the default limits otherwise."""
    return SMALL if data and data[-1] & 1 else DEFAULT


def _user_view(doc: ingest.Document) -> tuple[object, ...]:
    meta = {k: v for k, v in doc.meta.items() if k not in PROVENANCE_KEYS}
    return (doc.name, doc.id, doc.title, doc.text, meta)


def check_every_byte(data: bytes, docs: list[ingest.Document]) -> None:
    """Every byte is in one body or is markup (the bundle format's §6 promise)."""
    covered = bytearray(len(data))
    if data.startswith(codecs.BOM_UTF8):
        covered[:3] = b"\x01\x01\x01"
    for doc in docs:
        start, size = doc.meta["offset"], doc.meta["size"]
        assert isinstance(start, int), doc.meta
        assert isinstance(size, int), doc.meta
        assert start >= 0 and start + size <= len(data), (start, size, len(data))
        assert not any(covered[start : start + size]), f"bodies overlap at {start}"
        covered[start : start + size] = b"\x01" * size
        if doc.meta["encoding_rule"] == "utf-8":
            assert data[start : start + size].decode("utf-8") == doc.text, doc.name
    pos = 0
    while pos < len(data):
        if covered[pos]:
            pos += 1
            continue
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end + 1
        gap_end = covered.find(b"\x01", pos, end)
        gap = data[pos : end if gap_end == -1 else gap_end]
        assert is_header_line(gap) or is_end_line(gap) or not gap.strip(), f"lost: {gap!r}"
        pos += len(gap)


def check_round_trip(docs: list[ingest.Document]) -> None:
    """Documents read leniently write and read back unchanged."""
    out = io.BytesIO()
    assert ingest.write_bundle(docs, out) == len(docs)
    reader = ingest.read_bundle(out.getvalue())
    back = list(reader)
    assert [_user_view(d) for d in back] == [_user_view(d) for d in docs]
    assert {p.code for p in reader.problems} <= {"duplicate-name"}, reader.problems


def check(data: bytes) -> str:
    options = options_for(data)
    reader = ingest.read_bundle(data, options=options)
    try:
        docs = list(reader)
    except ingest.LimitError:
        return "limit"
    assert reader.members == len(docs)
    assert all(int(str(d.meta["size"])) <= options.max_member_bytes for d in docs), "over limit"
    if sniff_wide(data[:16]) is None:
        check_every_byte(data, docs)
    check_round_trip(docs)
    return "ok"


if __name__ == "__main__":
    fuzz_main("bundle_lenient", check, sys.argv)
