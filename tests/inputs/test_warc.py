"""WARC inputs: a WARC file written here, record by record (gzip per record, as crawls do)."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

import ingest

from ..conftest import run_ingest

pytest.importorskip("warcio", reason="the warc extra is not installed: pip install '.[warc]'")

ARTICLE = (
    "<html><head><title>Talks stall | Planet</title></head><body><nav>Home News</nav>"
    "<article><h1>Talks stall</h1><p>Negotiators left Beijing on Monday without a deal, "
    "officials said, after three days of meetings.</p><p>Both sides will meet again next "
    "month, according to a statement issued late on Sunday.</p></article></body></html>"
)
CYRILLIC = (
    "<html><body><article><p>Переговоры в Пекине завершились в понедельник без соглашения, "
    "сообщили официальные лица после трёх дней встреч.</p><p>Стороны встретятся снова в "
    "следующем месяце.</p></article></body></html>"
)


def _record(kind: str, uri: str, block: bytes, content_type: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri + kind))}>\r\n"
        f"WARC-Date: 2026-11-20T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _response(uri: str, body: bytes, content_type: str, *headers: str) -> bytes:
    http = "\r\n".join(("HTTP/1.1 200 OK", f"Content-Type: {content_type}", *headers))
    return _record("response", uri, http.encode() + b"\r\n\r\n" + body, "application/http")


def _chunked(body: bytes) -> bytes:
    half = len(body) // 2
    parts = (body[:half], body[half:])
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def _warc() -> list[bytes]:
    """The records of the test WARC, uncompressed, in order."""
    deflated = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    gzipped = deflated.compress(ARTICLE.encode()) + deflated.flush()
    return [
        _record("warcinfo", "", b"software: a test\r\n", "application/warc-fields"),
        _record("request", "https://a.example/talks", b"GET /talks HTTP/1.1\r\n\r\n", "x"),
        _response("https://a.example/talks", ARTICLE.encode(), "text/html; charset=utf-8"),
        # The charset is only in the HTTP header, and the page's bytes are windows-1251.
        _response("https://b.example/ru", CYRILLIC.encode("cp1251"), "text/html; charset=cp1251"),
        _response(
            "https://c.example/chunked",
            _chunked(gzipped),
            "text/html",
            "Transfer-Encoding: chunked",
            "Content-Encoding: gzip",
        ),
        _response("https://a.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        _record(
            "conversion",
            "https://a.example/talks",
            b"Talks stall. Negotiators left Beijing without a deal.",
            "text/plain",
        ),
        _record("metadata", "https://a.example/talks", b"fetchTimeMs: 12\r\n", "x"),
        _response("https://d.example/cut", ARTICLE.encode(), "text/html"),
    ]


def _write(path: Path, *, per_record_gzip: bool, truncate: int = 0) -> Path:
    records = _warc()
    data = b"".join(gzip.compress(r) if per_record_gzip else r for r in records)
    path.write_bytes(data[: len(data) - truncate] if truncate else data)
    return path


def _run(path: Path) -> tuple[ingest.Report, list[ingest.Document]]:
    pipeline = ingest.Pipeline(ingest.PipelineOptions(clean=None))
    outcomes = list(pipeline.run([path]))
    return pipeline.report, [o.document for o in outcomes if o.document is not None]


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_warc_pages_and_texts_are_documents_other_records_are_counted(
    tmp_path: Path, *, gzipped: bool
) -> None:
    name = "crawl.warc.gz" if gzipped else "crawl.warc"
    report, docs = _run(_write(tmp_path / name, per_record_gzip=gzipped))
    assert report.failures == []
    assert [d.name for d in docs] == [
        "https://a.example/talks",
        "https://b.example/ru",
        "https://c.example/chunked",
        "https://a.example/talks",
        "https://d.example/cut",
    ]
    talks, russian, chunked, text, _ = docs
    assert talks.title == "Talks stall"
    assert "Negotiators left Beijing on Monday" in talks.text
    assert talks.meta["url"] == "https://a.example/talks"
    assert talks.meta["fetched"] == "2026-11-20T10:00:00Z"
    assert "Переговоры в Пекине" in russian.text
    assert (russian.meta["encoding"], russian.meta["encoding_rule"]) == ("cp1251", "declared:http")
    assert chunked.text == talks.text
    assert text.text == "Talks stall. Negotiators left Beijing without a deal."
    assert report.skipped == {
        "metadata": 1,
        "request": 1,
        "response (image/png)": 1,
        "warcinfo": 1,
    }


def test_a_truncated_last_record_fails_and_the_others_are_kept(tmp_path: Path) -> None:
    report, docs = _run(_write(tmp_path / "cut.warc", per_record_gzip=False, truncate=200))
    assert len(docs) == 4
    [failure] = report.failures
    assert failure.name == "https://d.example/cut"
    assert failure.reason.startswith("the record is truncated: ")
    assert report.balanced


def test_a_truncated_gzip_record_fails_the_rest_of_the_file(tmp_path: Path) -> None:
    report, docs = _run(_write(tmp_path / "cut.warc.gz", per_record_gzip=True, truncate=200))
    assert len(docs) == 4
    record, stream = report.failures
    assert (record.name, stream.name) == ("https://d.example/cut", "cut.warc.gz")
    assert record.reason.startswith("the record is truncated: ")
    assert stream.reason.startswith("the gzip data is corrupt or cut short after ")


def test_warc_is_recognised_by_its_first_bytes_on_stdin(tmp_path: Path) -> None:
    data = _write(tmp_path / "crawl.warc.gz", per_record_gzip=True).read_bytes()
    pipeline = ingest.Pipeline(ingest.PipelineOptions(clean=None), stdin=io.BytesIO(data))
    docs = [o.document for o in pipeline.run(["-"]) if o.document is not None]
    assert len(docs) == 5


def test_the_cli_counts_the_skipped_records(tmp_path: Path) -> None:
    warc = _write(tmp_path / "crawl.warc.gz", per_record_gzip=True)
    done = run_ingest("clean", warc, "--format", "jsonl", "-o", tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().splitlines() == [
        "ingest clean: 5 documents in: 5 written, 0 dropped as duplicates, 0 failed",
        (
            "ingest clean: 4 records skipped, holding no document: 1 metadata, 1 request, "
            "1 response (image/png), 1 warcinfo"
        ),
    ]


def test_without_the_extra_a_warc_input_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins  # noqa: PLC0415 -- only this test hides a module

    real_import = builtins.__import__

    def no_warcio(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("warcio"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_warcio)
    report, docs = _run(_write(tmp_path / "crawl.warc", per_record_gzip=False))
    assert docs == []
    [failure] = report.failures
    assert failure.reason == (
        "reading WARC files needs the 'warc' extra, which is not installed: "
        "pip install 'ingest[warc]'"
    )
