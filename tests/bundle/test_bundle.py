"""The bundle reader and writer: fixtures, every error of the spec, and properties."""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ingest
from ingest.bundle._header import is_end_line, is_header_line
from ingest.core._document import PROVENANCE_KEYS

from ..conftest import FIXTURES, SEEDS
from ..strategies import bundle_bytes, documents_with_meta

VALID = sorted((FIXTURES / "bundles" / "valid").glob("*.bundle"))
INVALID = sorted((FIXTURES / "bundles" / "invalid").glob("*.bundle"))


def _expected(path: Path) -> Any:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _user_meta(doc: ingest.Document) -> dict[str, Any]:
    return {k: v for k, v in doc.meta.items() if k not in PROVENANCE_KEYS}


def test_fixture_globs_are_not_empty() -> None:
    assert len(VALID) >= 10
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_bundle(path: Path) -> None:
    reader = ingest.read_bundle(path, strict=True)
    got = [
        {
            "name": d.name,
            "text": d.text,
            "title": d.title,
            "id": d.id,
            "meta": _user_meta(d),
            "encoding": d.meta["encoding"],
        }
        for d in reader
    ]
    assert got == _expected(path)
    assert reader.problems == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_bundle_strict_message(path: Path) -> None:
    expected = _expected(path)["strict"]
    with pytest.raises(ingest.IngestError) as info:
        list(ingest.read_bundle(path.read_bytes(), strict=True))
    assert type(info.value).__name__ == expected["type"]
    assert str(info.value) == expected["message"]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_bundle_lenient_recovery(path: Path) -> None:
    expected = _expected(path)
    reader = ingest.read_bundle(path.read_bytes())
    docs = [{"name": d.name, "text": d.text} for d in reader]
    assert docs == expected["lenient"]
    assert [p.code for p in reader.problems] == expected["problems"]
    # Each problem is also on the document it concerns, rendered like the strict error.
    attached = [p for d in ingest.read_bundle(path.read_bytes()) for p in d.problems]
    assert attached == reader.problems
    assert str(reader.problems[0]) == expected["strict"]["message"]


def test_seeds_bundle_holds_the_five_seed_files() -> None:
    docs = list(ingest.read_bundle(SEEDS / "tiktok.bundle"))
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(docs) == len(seeds) == 5
    for doc, seed in zip(docs, seeds, strict=True):
        assert doc.name == seed.name
        assert doc.text == seed.read_text(encoding="utf-8")
        assert doc.source == str(SEEDS / "tiktok.bundle")


def test_seeds_bundle_is_what_the_writer_writes() -> None:
    docs = [
        ingest.Document(name=p.name, text=p.read_text(encoding="utf-8"))
        for p in sorted(SEEDS.glob("*.txt"))
    ]
    out = io.BytesIO()
    ingest.write_bundle(docs, out)
    assert out.getvalue() == (SEEDS / "tiktok.bundle").read_bytes()


def test_header_position_meta() -> None:
    data = b'<<<FILE a.txt>>>\nx\n<<<FILE b.txt url="u">>>\nyz\n'
    a, b = ingest.read_bundle(data)
    assert (a.meta["line"], a.meta["offset"], a.meta["size"]) == (1, 17, 2)
    assert (b.meta["line"], b.meta["offset"], b.meta["size"]) == (3, 44, 3)
    assert b.meta["url"] == "u"
    assert data[44:47] == b"yz\n"


def test_text_stream_and_path_inputs(tmp_path: Path) -> None:
    text = "<<<FILE a.txt>>>\nÉté\n"
    assert [d.text for d in ingest.read_bundle(io.StringIO(text))] == ["Été\n"]
    path = tmp_path / "x.bundle"
    path.write_bytes(text.encode())
    reader = ingest.read_bundle(path)
    # A reader over a path can be iterated again.
    assert [d.text for d in reader] == [d.text for d in reader] == ["Été\n"]


def test_limits_raise_limit_error() -> None:
    tight = ingest.BundleOptions(max_header_bytes=32, max_member_bytes=64, max_members=2)
    with pytest.raises(ingest.LimitError, match="max_header_bytes=32"):
        list(ingest.read_bundle(b"<<<FILE " + b"a" * 100 + b">>>\n", options=tight))
    with pytest.raises(ingest.LimitError, match="max_member_bytes=64"):
        list(ingest.read_bundle(b"<<<FILE a>>>\n" + b"x\n" * 40, options=tight))
    with pytest.raises(ingest.LimitError, match="max_members=2"):
        list(ingest.read_bundle(b"<<<FILE a>>>\n<<<FILE b>>>\n<<<FILE c>>>\n", options=tight))
    with pytest.raises(ingest.LimitError, match="line is longer"):
        list(ingest.read_bundle(b"x" * 200, options=tight))


def test_header_that_never_ends_stops_at_the_limit() -> None:
    data = b"<<<FILE " + b"a" * (1 << 20)
    with pytest.raises(ingest.LimitError, match="max_header_bytes"):
        list(ingest.read_bundle(data))


def test_options_are_validated() -> None:
    with pytest.raises(
        ingest.OptionsError,
        match=r"^BundleOptions.max_members must be an integer >= 1 or None, got 0$",
    ):
        ingest.BundleOptions(max_members=0)


def test_writer_refuses_unwritable_documents() -> None:
    with pytest.raises(ingest.BundleError, match="lone surrogate U\\+D800"):
        ingest.write_bundle([ingest.Document(name="a", text="x\ud800")], io.BytesIO())
    with pytest.raises(ingest.BundleError, match="meta key 'Bad Key'"):
        ingest.write_bundle(
            [ingest.Document(name="a", text="x", meta={"Bad Key": "v"})], io.BytesIO()
        )


@pytest.mark.parametrize("text", ["\ufeff", "\ufeffHello\n", "\ufeff\ufeffx", "x\ufeff"])
def test_text_starting_with_a_bom_character_round_trips(text: str) -> None:
    """A reader takes a body's leading BOM as a mark; the writer adds one for U+FEFF text."""
    doc = ingest.Document(name="a.txt", text=text)
    out = io.BytesIO()
    ingest.write_bundle([doc], out)
    body = text.encode()
    if text.startswith("\ufeff"):
        body = b"\xef\xbb\xbf" + body
    assert out.getvalue() == f'<<<FILE a.txt length="{len(body)}">>>\n'.encode() + body + b"\n"
    (back,) = ingest.read_bundle(out.getvalue(), strict=True)
    assert (back.text, back.id) == (doc.text, doc.id)


def test_writer_is_atomic_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.bundle"
    target.write_bytes(b"old")

    def docs() -> Any:
        yield ingest.Document(name="a", text="fine")
        raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        ingest.write_bundle(docs(), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bundle"]


def test_streaming_reads_one_member_at_a_time() -> None:
    """The reader pulls from the stream lazily: after the first document only
    a bounded prefix of a large bundle has been read."""
    member = b"<<<FILE m>>>\n" + b"line of text\n" * 100
    stream = io.BytesIO(member * 2000)
    reader = iter(ingest.read_bundle(stream))
    next(reader)
    assert stream.tell() < 200_000
    assert sum(1 for _ in reader) == 1999


# -- properties ------------------------------------------------------------------


@given(st.lists(documents_with_meta, max_size=6, unique_by=lambda d: d.name))
def test_round_trip(docs: list[ingest.Document]) -> None:
    out = io.BytesIO()
    assert ingest.write_bundle(docs, out) == len(docs)
    back = list(ingest.read_bundle(out.getvalue(), strict=True))
    assert [(d.id, d.name, d.title, d.text, _user_meta(d)) for d in back] == [
        (d.id, d.name, d.title, d.text, dict(d.meta)) for d in docs
    ]


@given(st.binary(max_size=2000) | bundle_bytes)
def test_arbitrary_bytes_raise_only_documented_errors(data: bytes) -> None:
    for strict in (False, True):
        try:
            list(ingest.read_bundle(data, strict=strict))
        except (ingest.BundleError, ingest.DecodeError, ingest.LimitError):
            assert strict


@given(bundle_bytes)
def test_lenient_reading_accounts_for_every_byte(data: bytes) -> None:
    """Every byte is in a document's body, or is markup: a leading BOM, a header line,
    an end marker line, a blank line between members, a length body's line break."""
    docs = list(ingest.read_bundle(data))
    covered = bytearray(len(data))
    if data.startswith(codecs.BOM_UTF8):  # the stream's encoding signature is markup too
        covered[:3] = b"\x01\x01\x01"
    for doc in docs:
        start, size = doc.meta["offset"], doc.meta["size"]
        assert isinstance(start, int)
        assert isinstance(size, int)
        assert not any(covered[start : start + size]), "bodies overlap"
        covered[start : start + size] = b"\x01" * size
    pos = 0
    while pos < len(data):
        if covered[pos]:
            pos += 1
            continue
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end + 1
        gap_end = covered.find(b"\x01", pos, end)
        gap = data[pos : end if gap_end == -1 else gap_end]
        assert is_header_line(gap) or is_end_line(gap) or not gap.strip(), gap
        pos += len(gap)
