"""Nothing lost: documents in = written + dropped as duplicates + reported errors.

Generated bundles (documents, some of them repeated so de-duplication drops
them) get faults injected: a broken header, a wrong length, a truncated end,
invalid UTF-8, text outside any member. They run through the pipeline
(``ingest.Pipeline``, what the CLI calls), and every document the lenient
reader sees must come out written, dropped as a duplicate, or reported as a
failure; the written bundle reads back with exactly ``written`` members. The
same holds for the library alone: ``read_bundle`` then ``write_bundle``.
"""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

import ingest

_FAULTS = st.sampled_from(
    [
        b"",
        b"<<<FILE broken.txt\nunterminated header above\n",
        b'<<<FILE short.txt length="3">>>\nmore than three bytes\n',
        b"<<<FILE latin.txt>>>\ncaf\xe9 \xff\xfe\n",
        b"text outside any member\n",
        b'<<<FILE q.txt name="x\\q">>>\nbad escape\n',
        b"<<<END>>>\nafter an end marker\n",
    ]
)
_TEXTS = st.sampled_from(
    [
        "The talks stalled on Monday, officials in Beijing said, and negotiators left.\n",
        "Shares of the company rose after the ruling by the court in Washington.\n",
        "",
        "Advertisement\n",
        "A senator said the bill would come to a vote next weekend.\nRead more\n",
    ]
)


@st.composite
def faulty_bundles(draw: st.DrawFn) -> bytes:
    texts = draw(st.lists(_TEXTS, max_size=8))
    docs = [ingest.Document(name=f"{i:03}.txt", text=t) for i, t in enumerate(texts)]
    out = io.BytesIO()
    ingest.write_bundle(docs, out)
    members = out.getvalue().split(b"<<<FILE ")
    pieces = [b"<<<FILE " + m for m in members[1:]]
    for _ in range(draw(st.integers(0, 3))):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(_FAULTS))
    data = b"".join(pieces)
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]  # truncated anywhere
    return data


@given(data=faulty_bundles(), dedup=st.booleans())
def test_pipeline_accounts_for_every_document(*, data: bytes, dedup: bool) -> None:
    seen = len(list(ingest.read_bundle(data)))
    options = ingest.PipelineOptions(
        dedup=ingest.DedupOptions() if dedup else None, read_as="bundle"
    )
    out = io.BytesIO()
    report = ingest.Pipeline(options, stdin=io.BytesIO(data)).write(["-"], out)
    assert report.documents_in == seen
    assert report.documents_in == report.written + report.duplicates + report.failed
    assert len(list(ingest.read_bundle(out.getvalue()))) == report.written
    if not dedup:
        assert report.duplicates == 0


@given(faulty_bundles())
def test_library_read_write_keeps_every_document(data: bytes) -> None:
    reader = ingest.read_bundle(data)
    docs = list(reader)
    out = io.BytesIO()
    assert ingest.write_bundle(docs, out) == len(docs)
    back = list(ingest.read_bundle(out.getvalue()))
    assert [(d.name, d.text) for d in back] == [(d.name, d.text) for d in docs]
    # Lenient reading hides nothing: an injected broken header leaves a problem.
    if b"<<<FILE broken.txt\nunterminated" in data:
        assert any(p.code == "bad-header" for p in reader.problems)
