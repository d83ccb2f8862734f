"""The real ``ingest`` command in a subprocess: exit codes, streams, files, crashes.

Each test starts ``python -m ingest`` (about a second each): the logic is
tested in-process in ``test_pipeline.py``; these check the wiring.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from ingest.cli._main import main

from ..conftest import FIXTURES, SEEDS, run_ingest
from ..strategies import article_texts, bundle_bytes

SEED_BUNDLE = str(SEEDS / "tiktok.bundle")


_ingest = run_ingest


def test_version_and_help() -> None:
    version = _ingest("--version")
    assert version.returncode == 0
    assert version.stdout.decode().strip() == f"ingest {ingest.__version__}"
    helped = _ingest("clean", "--help")
    assert helped.returncode == 0
    assert b"ingest clean seeds/tiktok.bundle --dedup" in helped.stdout
    assert helped.stderr == b""


def test_clean_seeds_with_dedup_prints_the_cleaned_bundle() -> None:
    """The README quick start."""
    result = _ingest("clean", SEED_BUNDLE, "--dedup")
    assert result.returncode == 0, result.stderr
    docs = list(ingest.read_bundle(result.stdout, strict=True))
    assert [d.name[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    assert "MOST READ" not in docs[1].text
    assert "Read also" not in docs[4].text
    assert result.stderr.decode() == (
        "ingest clean: 5 documents in: 5 written, 0 dropped as duplicates, 0 failed\n"
    )


def test_usage_errors_exit_2_and_touch_nothing(tmp_path: Path) -> None:
    missing = _ingest("clean", tmp_path / "nope.bundle", "-o", tmp_path / "out.bundle")
    assert missing.returncode == 2
    assert b"does not exist" in missing.stderr
    assert missing.stdout == b""
    bundle = tmp_path / "in.bundle"
    bundle.write_bytes(b"<<<FILE a.txt>>>\nhello\n")
    same = _ingest("clean", bundle, "-o", bundle)
    assert same.returncode == 2
    assert b"is also an input" in same.stderr
    assert bundle.read_bytes() == b"<<<FILE a.txt>>>\nhello\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.bundle"]
    bad = _ingest("clean", bundle, "--workers", "0")
    assert bad.returncode == 2
    assert b"--workers: expected a whole number of at least 1" in bad.stderr


def test_failed_documents_exit_1_are_reported_and_the_rest_written(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": "Markets rallied.\nAdvertisement\n", "meta": {"path": "a.txt"}})
        + "\nnot json\n"
        + json.dumps({"text": "Été", "title": "T", "url": "https://x.example/b"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _ingest("clean", feed, "--format", "jsonl", "-o", out, "--explain")
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert f"ingest clean: failed: {feed}: record (at line 2): not a JSON object" in stderr
    assert "advertisement [ads]" in stderr  # --explain
    assert stderr.endswith("3 documents in: 2 written, 0 dropped as duplicates, 1 failed\n")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == ["Markets rallied.\n", "Été"]
    assert records[1]["url"] == "https://x.example/b"
    assert records[0]["meta"]["boilerplate_removed"] == 1
    assert "Été" in out.read_text(encoding="utf-8")  # ensure_ascii=False


def test_strict_stops_and_leaves_no_output(tmp_path: Path) -> None:
    out = tmp_path / "out.bundle"
    result = _ingest("clean", "-", "--strict", "-o", out, stdin=b"<<<FILE a>>>\nx\n<<<FILE>>>\n")
    assert result.returncode == 1
    assert b"a header without a name" in result.stderr
    assert b"stopped (--strict)" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_dedup_reports_clusters_as_csv(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes((FIXTURES / "dedup" / "truncated_001.txt").read_bytes())
    result = _ingest("dedup", SEED_BUNDLE, copy, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [(r["name"][:3], r["kind"]) for r in rows] == [
        ("001", "representative"),
        ("cop", "containment"),
    ]
    assert rows[1]["representative"] == rows[0]["member"]
    assert result.stderr.endswith(b"6 documents in: 5 unique, 1 dropped as duplicates, 0 failed\n")


def test_the_output_suffix_names_the_format_unless_format_is_given(tmp_path: Path) -> None:
    """In-process: ``-o out.jsonl`` writes JSONL (and .ndjson, any case), ``.csv`` a CSV
    report, ``.json`` a JSON array; ``--format`` wins; other suffixes keep the default."""
    jsonl, ndjson, bundle = tmp_path / "out.JSONL", tmp_path / "o.ndjson", tmp_path / "o.txt"
    assert main(["clean", SEED_BUNDLE, "-q", "-o", str(jsonl)]) == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["path"][:3] for r in records] == ["000", "001", "002", "003", "004"]
    page = str(FIXTURES / "html" / "news_related.html")
    assert main(["extract", page, "-q", "-o", str(ndjson)]) == 0
    assert json.loads(ndjson.read_text(encoding="utf-8"))["meta"]["page_type"] == "article"
    assert main(["clean", SEED_BUNDLE, "-q", "-o", str(bundle)]) == 0
    assert bundle.read_text(encoding="utf-8").startswith("<<<FILE ")
    forced = tmp_path / "forced.jsonl"
    assert main(["clean", SEED_BUNDLE, "-q", "--format", "bundle", "-o", str(forced)]) == 0
    assert len(list(ingest.read_bundle(forced.read_bytes(), strict=True))) == 5
    report, array = tmp_path / "clusters.csv", tmp_path / "clusters.json"
    copy = tmp_path / "copy.txt"
    copy.write_bytes((FIXTURES / "dedup" / "truncated_001.txt").read_bytes())
    assert main(["dedup", SEED_BUNDLE, str(copy), "-q", "-o", str(report)]) == 0
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert [r["kind"] for r in rows] == ["representative", "containment"]
    assert main(["dedup", SEED_BUNDLE, str(copy), "-q", "-o", str(array)]) == 0
    assert [r["kind"] for r in json.loads(array.read_text("utf-8"))] == [
        "representative",
        "containment",
    ]


def _ingest_without(modules: list[str], *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """``ingest ARGS`` in a Python where *modules* cannot be imported: an extra not installed."""
    code = (
        f"import sys; sys.modules.update(dict.fromkeys({modules!r})); "
        "from ingest.cli._main import main; raise SystemExit(main(sys.argv[1:]))"
    )
    return subprocess.run(  # noqa: S603 -- our own command, fixed arguments
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        check=False,
        timeout=120,
    )


def _python(code: str) -> subprocess.CompletedProcess[bytes]:
    """``python -c CODE`` in a fresh interpreter (what a module imports shows there)."""
    return subprocess.run(  # noqa: S603 -- our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, check=True, timeout=60
    )


def test_datasketch_is_imported_when_an_index_needs_it() -> None:
    """Reading and cleaning start without datasketch (and the scipy it loads, ~0.5 s)."""
    code = (
        "import sys, ingest; before = 'datasketch' in sys.modules; "
        "ingest.clean(ingest.Document('a', 'Markets rallied.')); "
        "cleaned = 'datasketch' in sys.modules; "
        "ingest.find_duplicates([ingest.Document('a', 'Markets rallied on Monday.')]); "
        "print(before, cleaned, 'datasketch' in sys.modules)"
    )
    result = _python(code)
    assert result.stdout.split() == [b"False", b"False", b"True"]


def test_import_ingest_leaves_the_engine_extras_alone() -> None:
    """``ingest.DaskEngine`` and ``ingest.RedisIndex`` are imported on first use only."""
    code = (
        "import json, sys, ingest; "
        "print(json.dumps([sorted(m for m in ('dask', 'distributed', 'pandas', "
        "'ingest.engines._dask', 'ingest.engines._redis') if m in sys.modules), "
        "'DaskEngine' in dir(ingest), "
        "'RedisIndex' in dir(ingest), 'DaskEngine' in ingest.__all__]))"
    )
    result = _python(code)
    assert json.loads(result.stdout) == [[], True, True, False]
    code = (
        "import sys; sys.modules.update(dict.fromkeys(['distributed', 'redis'])); import ingest\n"
        "for name in ('DaskEngine', 'RedisIndex'):\n"
        "    try: getattr(ingest, name)\n"
        "    except ImportError as error: print(error)\n"
    )
    result = _python(code)
    assert result.stdout.decode().splitlines() == [
        (
            "ingest.DaskEngine needs the 'dask' extra, which is not installed (import of "
            "distributed halted; None in sys.modules): pip install 'ingest[dask]'"
        ),
        (
            "ingest.RedisIndex needs the 'redis' extra, which is not installed (import of "
            "redis halted; None in sys.modules): pip install 'ingest[redis]'"
        ),
    ]


def test_engine_flags_and_missing_extras_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    full = tmp_path / "full"
    full.mkdir()
    (full / "part-00000.jsonl").write_bytes(b"")
    dask = ["--engine", "dask", "-o", str(out)]
    for args, message in [
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler ADDRESS needs --engine dask"),
        (["--engine", "dask"], "give -o DIR"),
        ([*dask, "--format", "csv"], "--format and --all shape"),
        ([*dask, "--scheduler", "tcp://h:1", "--workers", "2"], "--workers sizes the local"),
        (["--connect-timeout", "5"], "--connect-timeout needs --engine dask --scheduler"),
        ([*dask, "--connect-timeout", "5"], "--connect-timeout is how long to wait for"),
        (["--engine", "dask", "-o", SEED_BUNDLE], "is also an input"),
        (["--engine", "dask", "-o", str(SEEDS)], "is inside the output directory"),
        (["--engine", "dask", "-o", str(full)], "exists and is not an empty directory"),
        ([str(SEEDS), *dask], "matches no file (a directory: give its files"),
        (["--keep-going"], "--keep-going is for --engine dask"),
        (["-", *dask], "not stdin"),
    ]:
        # In-process: these are refused before anything is imported, read or written.
        assert main(["dedup", SEED_BUNDLE, *args]) == 2, args
        captured = capsys.readouterr()
        [line] = captured.err.splitlines()
        assert line.startswith("ingest dedup: error: ")
        assert message in line
        assert captured.out == ""
    assert main(["index", "query", "--redis", "localhost:6379", SEED_BUNDLE]) == 2
    assert "--redis expects a Redis URL, redis://HOST:PORT/DB" in capsys.readouterr().err
    no_dask = _ingest_without(
        ["dask", "distributed"], "dedup", "--engine", "dask", SEED_BUNDLE, "-o", out
    )
    assert no_dask.returncode == 2
    assert no_dask.stderr.decode().startswith("ingest dedup: error: ingest.DaskEngine needs the")
    assert no_dask.stderr.decode().endswith(": pip install 'ingest[dask]'\n")
    url = "redis://127.0.0.1:9/0"
    no_redis = _ingest_without(["redis"], "index", "add", "--redis", url, SEED_BUNDLE)
    assert no_redis.returncode == 2
    assert no_redis.stderr.decode().endswith(": pip install 'ingest[redis]'\n")
    assert not out.exists()
    assert no_dask.stdout == no_redis.stdout == b""


def test_pack_unpack_round_trip_and_extract(tmp_path: Path) -> None:
    unpacked = tmp_path / "un"
    result = _ingest("unpack", SEED_BUNDLE, "-o", unpacked)
    assert result.returncode == 0, result.stderr
    for doc in ingest.read_bundle(SEED_BUNDLE):
        assert (unpacked / doc.name).read_text(encoding="utf-8") == doc.text
    page = sorted((FIXTURES / "html").glob("*.html"))[0]
    (unpacked / "sub").mkdir()
    (unpacked / "sub" / "page.html").write_bytes(page.read_bytes())
    packed = tmp_path / "packed.bundle"
    result = _ingest("pack", unpacked, "-o", packed)
    assert result.returncode == 0, result.stderr
    docs = list(ingest.read_bundle(packed, strict=True))
    assert [d.name for d in docs][-1] == "sub/page.html"
    assert docs[-1].text == page.read_text(encoding="utf-8")  # packed as is
    extracted = _ingest("extract", page, "--format", "jsonl", "--workers", "2")
    assert extracted.returncode == 0, extracted.stderr
    [record] = [json.loads(line) for line in extracted.stdout.splitlines()]
    expected = page.with_suffix(".expected.txt").read_text(encoding="utf-8")
    assert record["text"].strip() == expected.strip()


def test_unpack_refuses_every_unsafe_name(tmp_path: Path) -> None:
    names = ["ok.txt", "/abs.txt", "../up.txt", "a/../../up2.txt", "C:/win.txt", "a\\b.txt"]
    names += ["ok.txt", "dir/", "sub/ok.txt"]
    bundle = io.BytesIO()
    ingest.write_bundle([ingest.Document(n, f"text {i}") for i, n in enumerate(names)], bundle)
    target = tmp_path / "target" / "out"
    target.parent.mkdir()
    result = _ingest("unpack", "-", "-o", target, stdin=bundle.getvalue())
    assert result.returncode == 1
    stderr = result.stderr.decode()
    for name, why in [
        ("/abs.txt", "it is an absolute path"),
        ("../up.txt", "it has a '..' component"),
        ("a/../../up2.txt", "it has a '..' component"),
        ("C:/win.txt", "it starts with a drive letter"),
        ("a\\\\b.txt", "it holds a backslash"),
        ("ok.txt", "another document of the same name was already written"),
        ("dir/", "it names a directory"),
    ]:
        assert f"unsafe name '{name}': {why}" in stderr, name
    assert stderr.endswith("9 documents in: 2 written, 0 dropped as duplicates, 7 failed\n")
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert written == ["ok.txt", "sub/ok.txt"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["target", "out", "ok.txt", "sub", "ok.txt"]
    )


@pytest.mark.parametrize("old", [b"the old output\n", None], ids=["old-output", "no-output"])
def test_killed_mid_write_leaves_the_old_output(tmp_path: Path, old: bytes | None) -> None:
    """SIGKILL while the output is being written: the old file stays whole, or none appears."""
    text = (SEEDS / "001_c51191e24029489c.txt").read_text(encoding="utf-8")
    big = tmp_path / "big.bundle"
    docs = (ingest.Document(f"{i}.txt", f"{i}\n{text}") for i in range(3000))
    ingest.write_bundle(docs, big)
    out = tmp_path / "out.bundle"
    if old is not None:
        out.write_bytes(old)
    proc = subprocess.Popen(  # noqa: S603 -- our own command, fixed arguments
        [sys.executable, "-m", "ingest", "clean", str(big), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            temps = [p for p in tmp_path.iterdir() if p.name.startswith(".out.bundle.")]
            if temps and temps[0].stat().st_size > 0:
                break
            time.sleep(0.02)
        else:  # pragma: no cover - a very slow machine
            raise AssertionError("the output was never started")
        assert proc.poll() is None, "finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if old is None:
        assert not out.exists()
    else:
        assert out.read_bytes() == old


_SUMMARY = re.compile(
    rb"(\d+) documents? in: (\d+) written, (\d+) dropped as duplicates, (\d+) failed\n$"
)


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    bundle=bundle_bytes,
    lines=st.lists(
        article_texts.map(lambda t: json.dumps({"text": t}).encode()) | st.just(b"{broken"),
        max_size=4,
    ),
)
def test_cli_summary_adds_up(bundle: bytes, lines: list[bytes]) -> None:
    """The accounting invariant, through the real command, on broken inputs."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.bundle").write_bytes(bundle)
        (Path(tmp) / "b.jsonl").write_bytes(b"\n".join(lines))
        result = _ingest("clean", Path(tmp) / "a.bundle", Path(tmp) / "b.jsonl", "--dedup")
    match = _SUMMARY.search(result.stderr)
    assert match is not None, result.stderr
    into, written, dups, failed = map(int, match.groups())
    assert into == written + dups + failed
    assert into == len(list(ingest.read_bundle(bundle))) + sum(1 for x in lines if x.strip())
    assert len(list(ingest.read_bundle(result.stdout))) == written
    assert result.returncode == (1 if failed else 0)
