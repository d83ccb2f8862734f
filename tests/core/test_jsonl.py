"""One JSONL codec: what ingest writes, both engines read back the same, line for line.

A document whose text is not text (binary content: mostly control characters, a
NUL) is written, but reading it fails with that reason, in both engines alike.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import Document, Failure
from ingest.core import (
    JSONL_META_KEYS,
    PROVENANCE_KEYS,
    decode_jsonl_line,
    encode_jsonl,
    with_language,
)
from ingest.inputs import DocItem, Reader
from ingest.inputs._binary import text_reason

from ..strategies import meta_keys, names, scalar_chars

dask_stages = pytest.importorskip("ingest.engines._dask_stages")

_RESERVED = {"path", "url", "canonical_url", *PROVENANCE_KEYS, *JSONL_META_KEYS}
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(scalar_chars, max_size=20),
)
_meta = st.dictionaries(meta_keys.filter(lambda k: k not in _RESERVED), _values, max_size=4)
_urls = st.sampled_from(["", "https://news.example/a", "https://例え.jp/記事?id=1"])

documents = st.builds(
    lambda name, text, title, meta, url, given_id: Document(
        name,
        text,
        title=title,
        meta={**meta, **({"url": url} if url else {})},
        **({"id": given_id} if given_id else {}),
    ),
    names,
    st.text(st.characters(), max_size=200),  # lone surrogates included
    st.text(scalar_chars, max_size=40),
    _meta,
    _urls,
    st.one_of(st.none(), st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)),
)
#: Lines that are not documents: not JSON, not UTF-8, JSON but not an object with a text.
bad_lines = st.sampled_from(
    [b"not json", b'{"text": "bad \xff"}', b"[1, 2]", b'{"title": "no text"}', b'{"text": 3}']
)


def _fields(doc: Document) -> tuple[object, ...]:
    meta = dict(doc.meta.without("line"))  # the line is where it was read, not what was written
    return (doc.name, doc.id, doc.text, doc.title, doc.meta.get("url"), meta)


def _read_locally(data: bytes, source: Path) -> list[Document | Failure]:
    source.write_bytes(data)
    items = Reader().items([str(source)])
    return [item.document if isinstance(item, DocItem) else item for item in items]  # type: ignore[misc]


@given(st.lists(st.one_of(documents, bad_lines), max_size=6))
def test_both_engines_read_what_ingest_writes_the_same(
    tmp_path_factory: pytest.TempPathFactory, lines: list[Document | bytes]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "feed.jsonl"
    data = b"".join(encode_jsonl(x) if isinstance(x, Document) else x + b"\n" for x in lines)
    local = _read_locally(data, path)
    dask_docs, dask_failures = dask_stages.read_input(path)  # what a Dask partition holds
    assert len(local) == len(lines)
    docs = [item for item in local if isinstance(item, Document)]
    failures = [item for item in local if isinstance(item, Failure)]
    # Both engines identify the language of a document that does not say, as the
    # pipeline stage after reading (the local engine's Pipeline does it in its workers).
    assert [_fields(with_language(d)) for d in docs] == [_fields(d) for d in dask_docs]
    assert [(f.line, f.reason, f.source) for f in failures] == [
        (f.line, f.reason, f.source) for f in dask_failures
    ]
    for number, (written, mine) in enumerate(zip(lines, local, strict=True), 1):
        binary = text_reason(written.text, "utf-8") if isinstance(written, Document) else None
        if isinstance(written, Document) and binary is None:
            assert isinstance(mine, Document)
            assert _fields(mine) == _fields(written)
            assert mine.meta["line"] == number
        elif binary is not None:
            assert isinstance(mine, Failure)
            assert (mine.line, mine.reason) == (number, binary)
        else:
            assert isinstance(mine, Failure)
            assert mine.line == number


def test_a_lone_surrogate_is_written_as_a_json_escape() -> None:
    doc = Document("a", "x\ud800y")
    line = encode_jsonl(doc)
    assert b"\\ud800" in line
    assert decode_jsonl_line(line, "a.jsonl", 1).text == "x\ud800y"


def test_metadata_is_read_where_there_is_no_meta() -> None:
    """datatrove and Dolma write ``id``, ``text`` and ``metadata``."""
    line = json.dumps({"id": "d1", "text": "Hi", "metadata": {"url": "u", "lang": "de"}})
    doc = decode_jsonl_line(line.encode(), "dolma.jsonl", 7)
    assert (doc.id, doc.name, doc.meta["lang"], doc.meta["line"]) == (
        "d1",
        "dolma.jsonl:7",
        "de",
        7,
    )


def test_a_meta_that_is_not_an_object_is_kept_as_a_string_with_a_problem() -> None:
    line = b'{"text": "Hi", "meta": [1, 2]}'
    doc = decode_jsonl_line(line, "feed.jsonl", 2)
    assert doc.meta["meta"] == "[1, 2]"
    [problem] = doc.problems
    assert (problem.code, problem.line) == ("bad-meta", 2)


def test_floats_and_whole_numbers_survive() -> None:
    doc = Document("a", "t", meta={"score": 0.1, "n": 3, "x": -0.0, "ok": True, "none": None})
    back = decode_jsonl_line(encode_jsonl(doc), "a.jsonl", 1)
    assert dict(back.meta.without("line")) == dict(doc.meta)
    assert math.copysign(1, back.meta["x"]) == -1  # type: ignore[arg-type]


def test_a_stream_reads_like_a_file() -> None:
    doc = Document("a", "Hi", meta={"k": "v"})
    stdin = io.BytesIO(encode_jsonl(doc))
    [item] = Reader(read_as="auto", stdin=stdin).items(["-"])
    assert isinstance(item, DocItem)
    assert _fields(item.document) == _fields(doc)
