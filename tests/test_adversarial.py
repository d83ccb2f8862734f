"""Hostile inputs finish with their expected outcome (``fixtures/adversarial/``).

Each case of ``fixtures/adversarial/manifest.json`` names a target (the HTML
extractor, the bundle reader, the decoder, the cleaner, the duplicate index
or its file loader), an input (a small committed file, a large input generated
here, or a stream that never ends) and the expected outcome: a result with
some checked properties, a :class:`ingest.LimitError`, or another documented
error. Outcomes are checked, not timings: a case that would hang shows up as
a suite that does not finish, and the case that used to be quadratic
(CVE-2025-6069 markup in a page deep enough for the BeautifulSoup fallback)
runs in a child process that is stopped after a few seconds.

Run one case by hand with ``python tests/test_adversarial.py CASE-NAME``.

The committed fixtures also go through the fuzz harnesses' ``check``
functions (``fuzz/``), so their invariants run in CI without atheris.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import pytest

import ingest

ROOT: Final = Path(__file__).resolve().parent.parent
ADVERSARIAL: Final = ROOT / "fixtures" / "adversarial"
FUZZ: Final = ROOT / "fuzz"
# Its own copy of tests/html/test_html.py's pattern: this file also runs as a script (_isolated).
_UNWRITABLE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
MANIFEST: Final = json.loads((ADVERSARIAL / "manifest.json").read_text(encoding="utf-8"))
CASES: Final[list[dict[str, Any]]] = MANIFEST["cases"]

# -- inputs ---------------------------------------------------------------------------


class EndlessStream(io.RawIOBase):
    """A stream that never ends: *prefix*, then *fill* over and over."""

    def __init__(self, prefix: bytes, fill: bytes) -> None:
        super().__init__()
        self._pending = prefix
        self._fill = fill * max(1, 65536 // len(fill))
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._pending:
            self._pending = self._fill
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.served += size
        return size


def generate(segments: list[dict[str, Any]]) -> bytes:
    """The bytes a case's ``generate`` list describes."""
    parts: list[bytes] = []
    for segment in segments:
        times = int(segment.get("times", 1))
        if segment.get("numbered"):
            parts.extend(segment["text"].format(i=i).encode() for i in range(times))
        else:
            parts.append(segment["text"].encode() * times)
    return b"".join(parts)


def case_input(case: dict[str, Any]) -> bytes | EndlessStream:
    if "file" in case:
        return (ADVERSARIAL / str(case["file"])).read_bytes()
    if "endless" in case:
        spec = case["endless"]
        return EndlessStream(spec["prefix"].encode(), spec["fill"].encode())
    return generate(case["generate"])


# -- running a case -------------------------------------------------------------------


@attrs.define
class Result:
    """What a target did with an input: the outcome and what it produced."""

    outcome: str  # "ok", "limit" or "error"
    message: str = ""
    texts: list[str] = attrs.Factory(list)
    problems: set[str] = attrs.Factory(set)
    problem_messages: list[str] = attrs.Factory(list)
    documents: list[ingest.Document] = attrs.Factory(list)
    encoding: str | None = None
    parser: str | None = None


def _html(data: bytes, options: dict[str, Any], url: str | None) -> Result:
    doc = ingest.extract_html(data, url=url, options=ingest.HtmlOptions(**options))
    for value in (doc.text, doc.title, *doc.meta.values()):
        # writable: no NUL, other C0 controls, noncharacters or lone surrogates
        assert not isinstance(value, str) or _UNWRITABLE.search(value) is None, repr(value)
    encoding = doc.meta.get("encoding")
    parser = doc.meta.get("parser")
    return Result(
        "ok",
        texts=[doc.text],
        problems={p.code for p in doc.problems},
        problem_messages=[p.message for p in doc.problems],
        encoding=str(encoding) if encoding is not None else None,
        parser=str(parser) if parser is not None else None,
    )


def _bundle(data: bytes | EndlessStream, options: dict[str, Any], *, strict: bool) -> Result:
    source: Any = io.BufferedReader(data) if isinstance(data, EndlessStream) else data
    reader = ingest.read_bundle(source, strict=strict, options=ingest.BundleOptions(**options))
    docs = list(reader)
    encodings = {str(d.meta.get("encoding")) for d in docs}
    return Result(
        "ok",
        texts=[d.text for d in docs],
        problems={p.code for p in reader.problems},
        problem_messages=[p.message for p in reader.problems],
        documents=docs,
        encoding=encodings.pop() if len(encodings) == 1 else None,
    )


def _decode(data: bytes, _options: dict[str, Any]) -> Result:
    decoded = ingest.decode(data)
    return Result(
        "ok",
        texts=[decoded.text],
        problems={p.code for p in decoded.problems},
        encoding=decoded.encoding,
    )


def _index_file(data: bytes, _options: dict[str, Any], tmp: Path) -> Result:
    path = tmp / "index.npz"
    path.write_bytes(data)
    index = ingest.DuplicateIndex.load(path)
    return Result("ok", texts=[str(len(index))])


def _dedup(data: bytes, _options: dict[str, Any]) -> Result:
    text = data.decode("utf-8", "surrogateescape")
    docs = [ingest.Document(name="a", text=text), ingest.Document(name="b", text=text)]
    clusters = ingest.find_duplicates(docs)
    # Identical texts with words are one cluster; a text without words stays alone.
    assert len(clusters) in (1, 2)
    return Result("ok", texts=[text])


def _clean(data: bytes, _options: dict[str, Any]) -> Result:
    text = data.decode("utf-8")
    result = ingest.clean(text)
    assert result.input_lines >= result.removed_lines
    return Result("ok", texts=[result.text])


def run_case(case: dict[str, Any], tmp: Path) -> Result:
    """Run *case*; a documented error becomes an outcome, anything else propagates."""
    data = case_input(case)
    options = case.get("options", {})
    target = case["target"]
    try:
        if target == "html":
            assert isinstance(data, bytes)
            return _html(data, options, case.get("url"))
        if target in ("bundle", "bundle_strict"):
            return _bundle(data, options, strict=target == "bundle_strict")
        assert isinstance(data, bytes)
        if target == "decode":
            return _decode(data, options)
        if target == "index_file":
            return _index_file(data, options, tmp)
        if target == "dedup":
            return _dedup(data, options)
        if target == "clean":
            return _clean(data, options)
    except ingest.LimitError as exc:
        return Result("limit", message=str(exc))
    except ingest.IngestError as exc:
        return Result("error", message=str(exc))
    raise AssertionError(f"unknown target {target!r} in case {case['name']!r}")


def check_expectations(case: dict[str, Any], result: Result) -> None:
    expect = case["expect"]
    assert result.outcome == expect["outcome"], result.message
    if "message" in expect:
        assert expect["message"] in result.message
    if "documents" in expect:
        assert len(result.texts) == expect["documents"]
    if "contains" in expect:
        assert any(expect["contains"] in text for text in result.texts), result.texts[:1]
    for excluded in expect.get("excludes", ()):
        assert not any(excluded in text for text in result.texts), (excluded, result.texts[:1])
    if "min_chars" in expect:
        assert sum(len(text) for text in result.texts) >= expect["min_chars"]
    if "problems" in expect:
        assert set(expect["problems"]) <= result.problems, result.problems
    if "problem_message" in expect:
        assert any(expect["problem_message"] in m for m in result.problem_messages), (
            result.problem_messages
        )
    if expect.get("round_trip"):
        out = io.BytesIO()
        ingest.write_bundle(result.documents, out)
        back = list(ingest.read_bundle(out.getvalue()))
        assert [(d.name, d.id, d.text) for d in back] == [
            (d.name, d.id, d.text) for d in result.documents
        ]
    if "encoding" in expect:
        assert result.encoding == expect["encoding"]
    if "parser" in expect:
        assert result.parser == expect["parser"]


def _isolated(case: dict[str, Any]) -> None:
    """Run *case* in a child process that is stopped after ``isolate_seconds``."""
    try:
        done = subprocess.run(  # noqa: S603 -- this very module, with a case name
            # As a module from the root: run as a script, tests/ would come first on
            # sys.path and tests/html would shadow the standard library's html.
            [sys.executable, "-m", "tests.test_adversarial", case["name"]],
            cwd=ROOT,
            capture_output=True,
            timeout=case["isolate_seconds"],
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case['name']} did not finish within {case['isolate_seconds']} s")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = []
        if "xfail" in case:
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        params.append(pytest.param(case, id=case["name"], marks=marks))
    return params


# -- tests ------------------------------------------------------------------------------


def test_manifest_is_well_formed() -> None:
    names = [case["name"] for case in CASES]
    assert CASES, "no adversarial cases"
    assert len(names) == len(set(names)), "case names are unique"
    for case in CASES:
        assert sum(key in case for key in ("file", "generate", "endless")) == 1, case["name"]
        if "file" in case:
            assert (ADVERSARIAL / case["file"]).stat().st_size < 64 * 1024, "commit small files"
    committed = {p.name for p in ADVERSARIAL.iterdir()} - {"manifest.json"}
    assert committed <= {case["file"] for case in CASES if "file" in case}, "unused fixture"


@pytest.mark.parametrize("case", _params())
def test_adversarial_case(case: dict[str, Any], tmp_path: Path) -> None:
    if "isolate_seconds" in case:
        _isolated(case)
        return
    check_expectations(case, run_case(case, tmp_path))


def test_a_header_that_never_ends_stops_at_max_header_bytes() -> None:
    """The reader stops reading an endless header near the limit, not at max_member_bytes."""
    stream = EndlessStream(b"<<<FILE ", b"x")
    with pytest.raises(ingest.LimitError, match="max_header_bytes=1000"):
        list(ingest.read_bundle(io.BufferedReader(stream), options=ingest.BundleOptions(1000)))
    assert stream.served < 256 * 1024


def test_index_files_are_never_unpickled(tmp_path: Path) -> None:
    """An index file holding a pickled object is refused, and the pickle never runs."""
    marker = tmp_path / "pickle-ran"
    payload = np.array([_Boom(str(marker))], dtype=object)
    path = tmp_path / "evil.npz"
    with path.open("wb") as handle:
        np.savez(handle, header=payload, shingles=payload)
    with pytest.raises(ingest.IndexFileError):
        ingest.DuplicateIndex.load(path)
    assert not marker.exists()


class _Boom:
    """Unpickling this creates a file: proof that a pickle ran."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "ran"))  # type: ignore[return-value]


# -- the fuzz harnesses on the committed inputs -----------------------------------------

HARNESSES: Final = (
    ("fuzz_bundle_lenient", ("bundles", "adversarial")),
    ("fuzz_bundle_strict", ("bundles", "adversarial")),
    ("fuzz_decode", ("encodings", "adversarial")),
    ("fuzz_html", ("html", "adversarial")),
    ("fuzz_dedup", ("dedup",)),
    ("fuzz_clean", ("cleaning", "adversarial")),
)


def _harness(name: str) -> Any:
    if str(FUZZ) not in sys.path:
        sys.path.insert(0, str(FUZZ))
    return importlib.import_module(name)


@pytest.mark.parametrize(("harness", "folders"), HARNESSES, ids=[h for h, _ in HARNESSES])
def test_fuzz_harness_holds_on_committed_inputs(harness: str, folders: tuple[str, ...]) -> None:
    """Each harness's invariants hold on every committed fixture (a CI-side fuzz smoke)."""
    check = _harness(harness).check
    paths = sorted(
        p
        for folder in folders
        for p in (ROOT / "fixtures" / folder).rglob("*")
        if p.is_file() and p.suffix != ".npz" and p.stat().st_size < 64 * 1024
    )
    assert paths
    outcomes = {check(p.read_bytes()) for p in paths}
    assert outcomes <= {"ok", "limit", "error"}


def test_index_file_harness_holds_on_committed_index_files() -> None:
    """The index-file harness's invariant holds on every committed index fixture."""
    check = _harness("fuzz_index_file").check
    paths = sorted(ADVERSARIAL.glob("index-*.npz"))
    assert paths
    assert {check(p.read_bytes()) for p in paths} <= {"ok", "error"}


def test_fuzz_runner_goes_on_from_recorded_figures(tmp_path: Path) -> None:
    """``run.py --resume``: a target's figures add to those recorded, session by session."""
    run = _harness("run")
    previous = {
        "target": "dedup",
        "executions": 100_000,
        "crashes": 0,
        "limits_hit": 3,
        "outcomes": {"ok": 99_997, "limit": 3},
        "distinct_crashes": {},
        "wall_seconds": 900.0,
        "processes": 10,
        "libfuzzer_stops": [],
    }
    tally = run._Tally("dedup", tmp_path / "dedup.log", previous)
    part = {
        "executions": 10_000,
        "crashes": 0,
        "limits_hit": 1,
        "outcomes": {"ok": 9_999, "limit": 1},
    }
    tally.total = run._merge(tally.total, part)
    tally.processes += 1
    record = tally.figures(complete=False)
    assert record["executions"] == 110_000
    assert record["limits_hit"] == 4
    assert record["outcomes"] == {"ok": 109_996, "limit": 4}
    assert record["processes"] == 11
    assert record["complete"] is False
    assert float(record["wall_seconds"]) >= 900.0
    earlier, now = record["sessions"]
    assert earlier == {"executions": 100_000, "wall_seconds": 900.0}
    assert now["executions"] == 10_000
    if (run.ROOT / ".git").exists() and shutil.which("git"):  # the code that was fuzzed
        assert re.fullmatch("[0-9a-f]{40}", str(now["commit"]))
        assert isinstance(now["src_modified"], bool)
    again = run._Tally("dedup", tmp_path / "dedup.log", record)
    assert again.figures(complete=True)["sessions"][:2] == [earlier, now]


if __name__ == "__main__":
    # python -m tests.test_adversarial CASE-NAME: run one case, exit 0 when it holds.
    chosen = next(c for c in CASES if c["name"] == sys.argv[1])
    check_expectations(chosen, run_case(chosen, Path.cwd()))
