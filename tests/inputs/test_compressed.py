"""Compressed inputs, recognised by their first bytes, and content that is not text."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

import ingest
from ingest.inputs._binary import binary_reason, control_reason, text_reason
from ingest.inputs._compressed import compression_of, decompressed

from ..conftest import FIXTURES, SEEDS, run_ingest

COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}
SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst"}
PAGE = FIXTURES / "html" / "divs_most_read.html"


def _read(
    *inputs: Path, options: ingest.PipelineOptions | None = None, stdin: bytes = b""
) -> tuple[ingest.Report, list[ingest.Outcome]]:
    pipeline = ingest.Pipeline(
        options or ingest.PipelineOptions(clean=None), stdin=io.BytesIO(stdin)
    )
    outcomes = list(pipeline.run([str(i) for i in inputs]))
    return pipeline.report, outcomes


def _texts(*inputs: Path, stdin: bytes = b"") -> list[tuple[str, str]]:
    report, outcomes = _read(*inputs, stdin=stdin)
    assert report.failures == []
    return [(o.document.name, o.document.text) for o in outcomes if o.document is not None]


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_every_compression_is_recognised_by_its_first_bytes(kind: str) -> None:
    data = COMPRESS[kind](b"<<<FILE a.txt>>>\nHi\n")
    assert compression_of(data[:8]) == kind
    stream = decompressed(io.BytesIO(data), kind, "x")
    assert stream.read() == b"<<<FILE a.txt>>>\nHi\n"


def test_text_is_not_taken_for_compressed_data() -> None:
    for head in (b"BZh is how bzip2 starts", b"BZh0", b"<html>", b"", b"\x1f"):
        assert compression_of(head) is None


@pytest.mark.parametrize("kind", sorted(COMPRESS))
@pytest.mark.parametrize("named", [True, False], ids=["with-suffix", "no-suffix"])
def test_compressed_inputs_read_as_uncompressed(tmp_path: Path, kind: str, *, named: bool) -> None:
    plain_jsonl = tmp_path / "plain" / "feed.jsonl"
    plain_jsonl.parent.mkdir()
    plain_jsonl.write_text(
        json.dumps({"text": "First story.", "name": "one"})
        + "\n"
        + json.dumps({"text": "Second story.", "metadata": {"lang": "en"}})
        + "\n",
        encoding="utf-8",
    )
    plain = [SEEDS / "tiktok.bundle", plain_jsonl, PAGE, SEEDS / "001_c51191e24029489c.txt"]
    packed = []
    for i, path in enumerate(plain):
        target = tmp_path / (f"{path.name}{SUFFIX[kind]}" if named else f"input{i}")
        target.write_bytes(COMPRESS[kind](path.read_bytes()))
        packed.append(target)
    expected = _texts(*plain)
    got = _texts(*packed)
    assert [text for _, text in got] == [text for _, text in expected]
    assert len(got) == 5 + 2 + 1 + 1


def test_compressed_stdin_reads_as_uncompressed() -> None:
    plain = (SEEDS / "tiktok.bundle").read_bytes()
    assert _texts(Path("-"), stdin=gzip.compress(plain)) == _texts(Path("-"), stdin=plain)


def test_concatenated_gzip_members_read_as_one_stream(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "one"}\n') + gzip.compress(b'{"text": "two"}\n'))
    assert [text for _, text in _texts(path)] == ["one", "two"]


def _distinct(count: int) -> list[ingest.Document]:
    """*count* documents of random words, none a duplicate of another."""
    rng = random.Random(3)  # noqa: S311 -- test data, not secrets
    words = [f"w{i}" for i in range(3000)]
    return [
        ingest.Document(f"document-{i:05d}.txt", " ".join(rng.choice(words) for _ in range(40)))
        for i in range(count)
    ]


def _limited(limit: int) -> ingest.PipelineOptions:
    return ingest.PipelineOptions(clean=None, bundle=ingest.BundleOptions(max_member_bytes=limit))


def test_a_decompression_bomb_stops_at_the_member_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 8_000_000))  # 8 MB from 8 kB
    assert bomb.stat().st_size < 20_000
    report, _ = _read(bomb, options=_limited(1_000_000))
    [failure] = report.failures
    assert failure.reason == (
        "the input is over max_member_bytes=1000000 once decompressed (gzip; a decompression "
        "bomb?); raise BundleOptions.max_member_bytes if the input is trusted"
    )


def test_a_jsonl_bomb_stops_at_the_first_long_line(tmp_path: Path) -> None:
    bomb = tmp_path / "feed.jsonl.zst"
    bomb.write_bytes(COMPRESS["zstd"](b'{"text": "ok"}\n{"text": "' + b"a" * 8_000_000 + b'"}\n'))
    report, outcomes = _read(bomb, options=_limited(1_000_000))
    assert [o.status for o in outcomes] == ["kept", "failed"]
    [failure] = report.failures
    assert failure.line == 2
    assert "once decompressed (a decompression bomb?); the rest of the input" in failure.reason


def test_truncated_compressed_input_keeps_what_came_before(tmp_path: Path) -> None:
    plain = tmp_path / "many.bundle"
    ingest.write_bundle(_distinct(1000), plain)
    data = gzip.compress(plain.read_bytes())
    cut = tmp_path / "cut.bundle.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    report, outcomes = _read(cut)
    kept = [o for o in outcomes if o.status == "kept"]
    assert 100 <= len(kept) < 1000
    [failure] = report.failures
    assert "the gzip data is corrupt or cut short after" in failure.reason
    assert report.balanced


@pytest.mark.parametrize("name", ["story.txt.gz", "page.html.gz", "story.txt"])
def test_a_cut_short_compressed_document_fails_whole(tmp_path: Path, name: str) -> None:
    """One document whose compressed data is cut short is not written in part: it fails,
    once, saying why (a file named .txt holding gzip bytes too)."""
    data = gzip.compress(b"<p>Markets rallied on Monday.</p>\n" * 400)
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) // 2])
    report, outcomes = _read(cut)
    assert [o.status for o in outcomes] == ["failed"]
    [failure] = report.failures
    assert "the gzip data is corrupt or cut short after" in failure.reason
    assert report.balanced


def test_the_issue_report_compressed_pages_are_articles(tmp_path: Path) -> None:
    pages, plain = tmp_path / "pages", tmp_path / "plain"
    pages.mkdir()
    plain.mkdir()
    for page in sorted((FIXTURES / "html").glob("*.html"))[:5]:
        (pages / f"{page.name}.gz").write_bytes(gzip.compress(page.read_bytes()))
        (plain / page.name).write_bytes(page.read_bytes())
    texts = {}
    for folder in (pages, plain):
        out = tmp_path / f"{folder.name}.jsonl"
        done = run_ingest("clean", folder, "--format", "jsonl", "-o", out)
        assert done.returncode == 0, done.stderr.decode()
        lines = out.read_text(encoding="utf-8").splitlines()
        texts[folder.name] = [json.loads(line)["text"] for line in lines]
    assert len(texts["pages"]) == 5
    assert texts["pages"] == texts["plain"]


# -- binary content --------------------------------------------------------------------

BINARY = {
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "ZIP": b"PK\x03\x04\x14\x00\x00\x00",
    "WebP": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "gzip": gzip.compress(b"twice"),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_signatures_are_named(name: str) -> None:
    reason = binary_reason(BINARY[name])
    assert reason is not None
    assert reason.startswith(f"binary content: looks like {name}")


def test_binary_files_fail_with_a_reason_and_are_never_written(tmp_path: Path) -> None:
    (tmp_path / "logo.txt").write_bytes(BINARY["PNG"] + bytes(range(256)))
    (tmp_path / "page.html").write_bytes(b"<html>\x00\x01\x02</html>")
    rng = random.Random(7)  # noqa: S311 -- test data, not secrets
    noise = rng.randbytes(4000).replace(b"\x00", b"\x01")
    (tmp_path / "noise.dat").write_bytes(noise)
    (tmp_path / "twice.txt.gz").write_bytes(gzip.compress(gzip.compress(b"hello")))
    (tmp_path / "wide.txt").write_bytes("Plain words, wide.".encode("utf-16"))
    report, outcomes = _read(tmp_path)
    reasons = {f.name: f.reason for f in report.failures}
    assert reasons == {
        "logo.txt": "binary content: looks like PNG",
        "noise.dat": reasons["noise.dat"],
        "page.html": "binary content: a NUL byte at byte 6",
        "twice.txt.gz": "binary content: looks like gzip (compressed twice?)",
    }
    assert reasons["noise.dat"].startswith("binary content: ")
    assert "control characters once decoded as" in reasons["noise.dat"]
    [kept] = [o.document for o in outcomes if o.status == "kept"]
    assert kept is not None
    assert kept.text == "Plain words, wide."


@pytest.mark.parametrize("name", sorted(set(BINARY) - {"PDF"}))
def test_binary_signatures_are_named_in_text_read_as_latin_1(name: str) -> None:
    reason = text_reason(BINARY[name].decode("latin-1"), "utf-8")
    assert reason is not None
    assert reason.startswith("binary content: looks like ")


def test_a_pdf_read_as_text_is_caught_by_its_binary_streams() -> None:
    rng = random.Random(3)  # noqa: S311 -- test data, not secrets
    stream = rng.randbytes(2000).replace(b"\x00", b"\x01")
    pdf = BINARY["PDF"] + b"1 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + stream
    reason = text_reason(pdf.decode("windows-1252", "replace"), "windows-1252")
    assert reason is not None
    assert "control characters" in reason


def test_text_that_mentions_a_format_is_text() -> None:
    for text in ("PK is a primary key.", "%PDF- files are common", "GIF89a was a version", "RIFF"):
        assert text_reason(text, "utf-8") is None


def _binary_bundle() -> bytes:
    png = BINARY["PNG"] + bytes(range(256))
    rng = random.Random(11)  # noqa: S311 -- test data, not secrets
    noise = bytes(b for b in rng.randbytes(600) if b not in b"\x00\n\r<")
    return (
        b"<<<FILE a.txt>>>\nThe first article.\n"
        + b'<<<FILE logo.txt length="%d">>>\n' % len(png)
        + png
        + b"\n<<<FILE noise.txt>>>\n"
        + noise
        + b"\n<<<FILE b.txt>>>\nThe second article.\n"
    )


def test_binary_bundle_members_fail_alone_and_are_never_written(tmp_path: Path) -> None:
    (tmp_path / "mixed.bundle").write_bytes(_binary_bundle())
    report, outcomes = _read(tmp_path / "mixed.bundle")
    failures = {f.name: (f.line, f.reason) for f in report.failures}
    assert failures["logo.txt"] == (3, "binary content: looks like PNG")
    line, reason = failures["noise.txt"]
    assert line is not None
    assert line > 3
    assert reason.startswith("binary content: ")
    assert "control characters once decoded as windows-1252" in reason
    kept = [o.document.name for o in outcomes if o.status == "kept" and o.document is not None]
    assert kept == ["a.txt", "b.txt"]
    assert report.documents_in == 4


def test_binary_jsonl_records_fail_alone_and_are_never_written(tmp_path: Path) -> None:
    png = (BINARY["PNG"] + bytes(range(32, 256))).decode("latin-1")
    records = [
        {"id": "ok", "text": "A real article, in words."},
        {"id": "logo", "text": png},
        {"id": "nul", "text": "half an article\u0000 and the rest"},
        {"id": "also-ok", "text": "Grüße aus Köln: 東京の記事。"},
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report, outcomes = _read(path)
    assert [(f.name, f.line, f.reason) for f in report.failures] == [
        ("record", 2, "binary content: looks like PNG"),
        ("record", 3, "binary content: a NUL character at character 15"),
    ]
    kept = [o.document.id for o in outcomes if o.status == "kept" and o.document is not None]
    assert kept == ["ok", "also-ok"]


def test_strict_mode_stops_at_a_binary_bundle_member(tmp_path: Path) -> None:
    (tmp_path / "mixed.bundle").write_bytes(_binary_bundle())
    with pytest.raises(ingest.InputError, match=r"logo\.txt: binary content: looks like PNG"):
        _read(tmp_path / "mixed.bundle", options=ingest.PipelineOptions(clean=None, strict=True))


def test_control_characters_in_text_are_tolerated_up_to_a_share() -> None:
    coloured = "\x1b[31mred\x1b[0m log line with some ordinary words after it, and more"
    assert control_reason(coloured, "utf-8") is None
    assert control_reason("\x01\x02\x03 abc", "windows-1252") is not None


def test_strict_mode_stops_at_binary_content(tmp_path: Path) -> None:
    (tmp_path / "logo.txt").write_bytes(BINARY["PNG"])
    with pytest.raises(ingest.InputError, match="binary content: looks like PNG"):
        _read(tmp_path / "logo.txt", options=ingest.PipelineOptions(clean=None, strict=True))


# -- a closed pipe -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_a_closed_stdout_ends_quietly(tmp_path: Path, command: str) -> None:
    bundle = tmp_path / "many.bundle"
    ingest.write_bundle(_distinct(1200), bundle)
    args = ["--all", "--no-clean"] if command == "dedup" else []
    with subprocess.Popen(  # noqa: S603 -- our own command
        [sys.executable, "-m", "ingest", command, str(bundle), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.readline()  # `| head -1`
        proc.stdout.close()
        stderr = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert stderr == b""
    assert code == 1
