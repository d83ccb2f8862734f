"""The pipeline in-process: inputs, stages, accounting, outputs and their safety."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from ingest.core import JSONL_META_KEYS, jsonl_record
from ingest.pipeline import _workers

from ..conftest import FIXTURES, SEEDS
from ..strategies import article_texts, bundle_bytes

HTML_PAGES = sorted((FIXTURES / "html").glob("*.html"))


def _run(
    inputs: Sequence[str | Path],
    options: ingest.PipelineOptions | None = None,
    *,
    stdin: bytes = b"",
) -> tuple[ingest.Report, list[ingest.Document]]:
    """Run the pipeline to an in-memory bundle; the report and the documents read back."""
    out = io.BytesIO()
    pipeline = ingest.Pipeline(options, stdin=io.BytesIO(stdin))
    report = pipeline.write([str(i) for i in inputs], out)
    return report, list(ingest.read_bundle(out.getvalue()))


def _bundle(*docs: ingest.Document) -> bytes:
    out = io.BytesIO()
    ingest.write_bundle(docs, out)
    return out.getvalue()


def test_fixture_globs_are_not_empty() -> None:
    assert len(HTML_PAGES) >= 5
    assert (SEEDS / "tiktok.bundle").is_file()


def test_seeds_clean_and_dedup() -> None:
    """The acceptance run: boilerplate blocks gone, all five articles kept."""
    options = ingest.PipelineOptions(dedup=ingest.DedupOptions())
    report, docs = _run([SEEDS / "tiktok.bundle"], options)
    assert [d.name[:3] for d in docs] == ["000", "001", "002", "003", "004"]
    assert "MOST READ" not in docs[1].text
    assert "Read also" not in docs[4].text
    assert docs[1].meta["boilerplate_removed"] == "4"
    assert report.summary() == "5 documents in: 5 written, 0 dropped as duplicates, 0 failed"
    assert len(report.clusters) == 5


def test_workers_do_not_change_the_output() -> None:
    seeds = [SEEDS / "tiktok.bundle", SEEDS]
    one = _run(seeds, ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    two = _run(seeds, ingest.PipelineOptions(dedup=ingest.DedupOptions(), workers=2, chunk_size=2))
    assert one == two
    assert one[0].documents_in == 15  # the bundle, then seeds/: five files and the bundle again
    assert one[0].duplicates == 10


def _crash_on_bad(item: object, options: ingest.PipelineOptions) -> ingest.Document:
    doc = getattr(item, "document", None)
    if doc is not None and doc.name == "bad":
        os._exit(70)  # a worker dies as in a segfault: no exception, no cleanup
    return _real_extract(item, options)  # type: ignore[arg-type]


_real_extract = _workers._extract


def test_a_dying_worker_fails_only_its_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pool forks: the patched function is what the workers run.
    monkeypatch.setattr(_workers, "_extract", _crash_on_bad)
    names = ["a", "b", "bad", "c", "d"]
    data = _bundle(*(ingest.Document(n, f"Text of {n}.") for n in names))
    options = ingest.PipelineOptions(workers=2, chunk_size=1)
    report, docs = _run(["-"], options, stdin=data)
    assert [d.name for d in docs] == ["a", "b", "c", "d"]
    [failure] = report.failures
    assert failure.name == "bad"
    assert "a worker process died" in failure.reason
    assert report.balanced


def test_repeated_document_is_an_exact_duplicate() -> None:
    pipeline = ingest.Pipeline(ingest.PipelineOptions(dedup=ingest.DedupOptions()))
    bundle = str(SEEDS / "tiktok.bundle")
    outcomes = list(pipeline.run([bundle, bundle]))
    kept = [o for o in outcomes if o.status == "kept"]
    dups = [o for o in outcomes if o.status == "duplicate"]
    assert len(kept) == len(dups) == 5
    for dup in dups:
        assert dup.document is not None
        assert dup.evidence is not None
        assert dup.evidence.kind == "exact"
        assert dup.duplicate_of == dup.document.id
        assert dup.document.meta["duplicate_of"] == dup.document.id
    assert all(o.document is not None and "cluster_id" in o.document.meta for o in kept)


def test_near_duplicates_keep_the_representative() -> None:
    texts = [(FIXTURES / "dedup" / "truncated_001.txt").read_text(encoding="utf-8")]
    seed = next(d for d in ingest.read_bundle(SEEDS / "tiktok.bundle") if d.name.startswith("001"))
    data = _bundle(ingest.Document("copy.txt", texts[0]), seed)
    pipeline = ingest.Pipeline(
        ingest.PipelineOptions(dedup=ingest.DedupOptions()), stdin=io.BytesIO(data)
    )
    outcomes = list(pipeline.run(["-"]))
    assert [o.status for o in outcomes] == ["duplicate", "kept"]
    assert outcomes[0].evidence is not None
    assert outcomes[0].evidence.kind == "containment"
    assert outcomes[0].document is not None
    assert outcomes[0].document.meta["kind"] == "containment"


def test_explain_keeps_the_clean_result() -> None:
    options = ingest.PipelineOptions(explain=True)
    outcomes = list(ingest.Pipeline(options).run([SEEDS / "tiktok.bundle"]))
    cleaning = outcomes[1].cleaning
    assert cleaning is not None
    assert "MOST READ :" in cleaning.explain()
    without = list(ingest.Pipeline().run([SEEDS / "tiktok.bundle"]))
    assert without[1].cleaning is None


def test_the_language_is_identified_before_cleaning(tmp_path: Path) -> None:
    """A document that does not say its language gets ``meta["language"]`` from its
    text, and the cleaner uses that language's rules; one that says keeps its own. The
    languages of a chunk are identified at once: a failed record between documents
    leaves each document its own language."""
    german = (
        "Die Verhandlungen zwischen den beiden Regierungen sind am Montag ins Stocken "
        "geraten, sagte ein Sprecher in Berlin.\nWerbung\n"
    )
    french = (
        "Les négociations entre les deux gouvernements sont au point mort, a dit un porte-parole."
    )
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"text": german, "meta": {"path": "de.txt"}})
        + "\n"
        + json.dumps(
            {"text": "Talks stalled on Monday.", "meta": {"path": "pt.txt", "language": "pt-BR"}}
        )
        + "\n{not json\n"
        + json.dumps({"text": french, "meta": {"path": "fr.txt"}})
        + "\n",
        encoding="utf-8",
    )
    for workers in (1, 2):
        options = ingest.PipelineOptions(explain=True, workers=workers, chunk_size=4)
        outcomes = list(ingest.Pipeline(options).run([path]))
        assert [o.status for o in outcomes] == ["kept", "kept", "failed", "kept"]
        documents = [o.document for o in outcomes if o.document is not None]
        assert [d.meta["language"] for d in documents] == ["de", "pt-BR", "fr"]
        cleanings = [o.cleaning for o in outcomes if o.cleaning is not None]
        assert [c.language for c in cleanings] == ["de", "pt", "fr"]
        assert "Werbung" not in documents[0].text


def test_html_members_are_extracted_by_content_type_or_extension() -> None:
    page = HTML_PAGES[0].read_text(encoding="utf-8")
    data = _bundle(
        ingest.Document("page.txt", page, meta={"content-type": "text/html; charset=utf-8"}),
        ingest.Document("page.html", page),
        ingest.Document("raw.html", page, meta={"content-type": "text/plain"}),
    )
    report, docs = _run(["-"], ingest.PipelineOptions(clean=None), stdin=data)
    assert report.written == 3
    expected = HTML_PAGES[0].with_suffix(".expected.txt").read_text(encoding="utf-8").strip()
    assert docs[0].text.strip() == expected
    assert docs[1].text == docs[0].text
    assert docs[0].meta["content-type"] == "text/plain"
    assert docs[2].text == page  # declared plain text: left alone


def test_directory_input_html_text_jsonl_and_links(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "page.html").write_bytes(HTML_PAGES[1].read_bytes())
    (tmp_path / "a.txt").write_text("Hello there.\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": "From JSON", "title": "T", "url": "https://x.example/c"}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    report, docs = _run([tmp_path])
    assert [d.name for d in docs] == ["a.txt", "c.jsonl:1", "b/page.html"]
    assert docs[1].title == "T"
    assert docs[1].meta["url"] == "https://x.example/c"
    outcomes = list(ingest.Pipeline().run([tmp_path]))
    assert outcomes[3].document is not None
    assert outcomes[3].document.source == str(tmp_path / "b" / "page.html")
    assert [f.name for f in report.failures] == ["link.txt"]
    assert "symbolic link" in report.failures[0].reason
    assert report.balanced


def test_jsonl_failures_are_counted_and_named(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"text": "ok", "meta": {"path": "a.txt", "n": [1, 2]}}\n'
        b"not json\n\n"
        b'{"text": 5}\n'
        b'{"text": "bad key", "meta": {"Bad Key": 1}}\n'
        b"\xff\xfe\n"
    )
    report, docs = _run([path])
    assert [d.name for d in docs] == ["a.txt"]
    assert docs[0].meta["n"] == "[1, 2]"
    assert [(f.line, f.reason.split(":")[0]) for f in report.failures] == [
        (2, "not a JSON object"),
        (4, "not a document"),
        (5, "cannot be written"),
        (6, "not a JSON object"),
    ]
    assert str(report.failures[0]).startswith(f"{path}: record (at line 2): not a JSON object")
    assert report.summary() == "5 documents in: 1 written, 0 dropped as duplicates, 4 failed"


def test_strict_mode_raises_at_the_first_problem(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "ok"}\nnot json\n')
    with pytest.raises(ingest.InputError, match=r"record: not a JSON object.*\(at line 2\)"):
        _run([path], ingest.PipelineOptions(strict=True))
    with pytest.raises(ingest.BundleError, match="a header without a name"):
        _run(["-"], ingest.PipelineOptions(strict=True), stdin=b"<<<FILE a>>>\nx\n<<<FILE>>>\n")


def test_limit_error_fails_the_rest_of_the_bundle() -> None:
    data = _bundle(ingest.Document("a", "short"), ingest.Document("b", "x" * 100))
    options = ingest.PipelineOptions(bundle=ingest.BundleOptions(max_member_bytes=50))
    report, docs = _run(["-"], options, stdin=data)
    assert [d.name for d in docs] == ["a"]
    [failure] = report.failures
    assert failure.name == "(the rest of the bundle, from line 3)"
    assert "max_member_bytes=50" in failure.reason
    assert report.balanced


def test_recovered_problems_are_reported_and_text_kept() -> None:
    data = b'<<<FILE a.txt length="99">>>\nshort\n'
    report, docs = _run(["-"], ingest.PipelineOptions(clean=None), stdin=data)
    assert [d.text for d in docs] == ["short\n"]
    assert [p.code for p in report.problems] == ["truncated"]
    assert report.failures == []


def test_jsonl_and_dir_outputs(tmp_path: Path) -> None:
    pipeline = ingest.Pipeline()
    pipeline.write([SEEDS / "tiktok.bundle"], tmp_path / "out.jsonl", "jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 5
    assert list(records[0]) == ["id", "text", "title", "source", "url", "meta"]
    assert list(records[0]["meta"])[: len(JSONL_META_KEYS)] == list(JSONL_META_KEYS)
    assert records[1]["meta"]["boilerplate_removed"] == 4
    assert "\u2019" in lines[0]  # ensure_ascii=False: the apostrophe is not escaped
    ingest.Pipeline().write([SEEDS / "tiktok.bundle"], tmp_path / "out", "dir")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(d.name for d in ingest.read_bundle(SEEDS / "tiktok.bundle"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_jsonl_record_round_trips_through_the_reader(tmp_path: Path) -> None:
    doc = ingest.Document("x/é.txt", "Été\n", title="T", meta={"url": "u", "lang": "fr"})
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(jsonl_record(doc), ensure_ascii=False) + "\n", encoding="utf-8")
    [back] = [o.document for o in ingest.Pipeline(ingest.PipelineOptions(clean=None)).run([path])]
    assert back is not None
    assert (back.name, back.text, back.title, back.id) == (doc.name, doc.text, doc.title, doc.id)
    assert back.meta["lang"] == "fr"
    assert back.meta["url"] == "u"


def test_dir_output_refuses_unsafe_names_and_collisions(tmp_path: Path) -> None:
    data = _bundle(
        ingest.Document("ok/a.txt", "a"),
        ingest.Document("../escape.txt", "b"),
        ingest.Document("ok/a.txt", "c"),
        ingest.Document("/abs.txt", "d"),
    )
    pipeline = ingest.Pipeline(ingest.PipelineOptions(clean=None), stdin=io.BytesIO(data))
    report = pipeline.write(["-"], tmp_path / "out", "dir")
    assert (tmp_path / "out" / "ok" / "a.txt").read_text() == "a"
    assert not (tmp_path / "escape.txt").exists()
    reasons = [f.reason for f in report.failures]
    assert "'..' component" in reasons[0]
    assert "same name was already written" in reasons[1]
    assert "absolute path" in reasons[2]
    assert report.balanced


def test_outputs_never_overwrite_inputs(tmp_path: Path) -> None:
    bundle = tmp_path / "in.bundle"
    bundle.write_bytes((SEEDS / "tiktok.bundle").read_bytes())
    with pytest.raises(ingest.OptionsError, match="is also an input"):
        ingest.Pipeline().write([bundle], bundle)
    (tmp_path / "link.bundle").symlink_to(bundle)
    with pytest.raises(ingest.OptionsError, match="is also an input"):
        ingest.Pipeline().write([bundle], tmp_path / "link.bundle")
    with pytest.raises(ingest.OptionsError, match="inside the input directory"):
        ingest.Pipeline().write([tmp_path], tmp_path / "out.bundle")
    with pytest.raises(ingest.OptionsError, match="does not exist"):
        ingest.Pipeline().write([tmp_path / "nope"], io.BytesIO())
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ingest.OptionsError, match="not empty"):
        ingest.Pipeline().write([bundle], tmp_path / "full", "dir")
    assert bundle.read_bytes() == (SEEDS / "tiktok.bundle").read_bytes()


def test_a_failed_run_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.bundle"
    out.write_bytes(b"old")
    options = ingest.PipelineOptions(strict=True)
    pipeline = ingest.Pipeline(options, stdin=io.BytesIO(b"<<<FILE a>>>\nok\nstray?\n<<<FILE>>>\n"))
    with pytest.raises(ingest.BundleError):
        pipeline.write(["-"], out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bundle"]


def test_options_are_validated() -> None:
    with pytest.raises(ingest.OptionsError, match="read_as"):
        ingest.PipelineOptions(read_as="xml")  # type: ignore[arg-type]
    with pytest.raises(ingest.OptionsError, match="chunk_size"):
        ingest.PipelineOptions(chunk_size=0)
    assert attrs.evolve(ingest.PipelineOptions(), workers=3).workers == 3


# -- nothing lost: the accounting invariant over generated inputs with injected faults --

_jsonl_lines = st.one_of(
    article_texts.map(lambda t: json.dumps({"text": t}).encode()),
    article_texts.map(lambda t: json.dumps({"text": t, "meta": {"Bad Key": 1}}).encode()),
    st.sampled_from([b"not json", b"[1, 2]", b'{"text": null}', b"", b"\xff", b"{"]),
)


@st.composite
def _inputs(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    files = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["bundle", "jsonl", "txt", "html"]))
        if kind == "bundle":
            data = draw(bundle_bytes | st.lists(article_texts, max_size=4).map(_texts_bundle))
        elif kind == "jsonl":
            data = b"\n".join(draw(st.lists(_jsonl_lines, max_size=6)))
        elif kind == "txt":
            data = draw(st.binary(max_size=200) | article_texts.map(str.encode))
        else:
            data = draw(st.sampled_from(HTML_PAGES)).read_bytes()
        files.append((f"{i}.{kind}", data))
    return files


def _texts_bundle(texts: list[str]) -> bytes:
    return _bundle(*(ingest.Document(f"d{i}", t) for i, t in enumerate(texts + texts[:1])))


def _expected_count(name: str, data: bytes, options: ingest.PipelineOptions) -> int:
    if name.endswith(".bundle"):
        reader = ingest.read_bundle(data, options=options.bundle)
        count = 0
        try:
            for _ in reader:
                count += 1
        except ingest.LimitError:
            count += 1
        return count
    if name.endswith(".jsonl"):
        return sum(1 for line in data.split(b"\n") if line.strip())
    return 1


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    files=_inputs(),
    dedup=st.booleans(),
    small_limit=st.booleans(),
    fmt=st.sampled_from(["bundle", "jsonl"]),
)
def test_every_document_is_accounted_for(
    files: list[tuple[str, bytes]],
    dedup: bool,  # noqa: FBT001 -- drawn by hypothesis
    small_limit: bool,  # noqa: FBT001 -- drawn by hypothesis
    fmt: str,
) -> None:
    options = ingest.PipelineOptions(
        dedup=ingest.DedupOptions() if dedup else None,
        bundle=ingest.BundleOptions(max_member_bytes=64 if small_limit else 1 << 20),
    )
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in files:
            (Path(tmp) / name).write_bytes(data)
            paths.append(str(Path(tmp) / name))
        out = io.BytesIO()
        report = ingest.Pipeline(options).write(paths, out, fmt)  # type: ignore[arg-type]
    expected = sum(_expected_count(name, data, options) for name, data in files)
    assert report.documents_in == expected
    assert report.documents_in == report.written + report.duplicates + report.failed
    assert report.balanced
    if fmt == "bundle":
        written = len(list(ingest.read_bundle(out.getvalue())))
    else:
        written = len(out.getvalue().splitlines())
    assert written == report.written


def test_unlistable_directory_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("Hello.\n", encoding="utf-8")
    real_walk = os.walk

    def walk(top: Path, onerror: Any = None, followlinks: bool = False) -> Any:  # noqa: FBT001, FBT002
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        return real_walk(top, onerror=onerror, followlinks=followlinks)

    monkeypatch.setattr("ingest.inputs._sources.os.walk", walk)
    report, docs = _run([tmp_path])
    assert [d.name for d in docs] == ["a.txt"]
    [failure] = report.failures
    assert (failure.name, failure.reason) == (
        "locked",
        "cannot read it: Permission denied (a directory)",
    )
    assert report.balanced


def test_languages_false_leaves_them_unsaid_and_the_clusters_as_they_were() -> None:
    bundle = str(SEEDS / "tiktok.bundle")
    chinese = FIXTURES / "dedup" / "languages"
    inputs = [bundle, bundle, *sorted(str(p) for p in chinese.glob("zh_*.txt"))]
    base = ingest.PipelineOptions(clean=None, dedup=ingest.DedupOptions())
    said = list(ingest.Pipeline(base).run(inputs))
    unsaid = list(ingest.Pipeline(attrs.evolve(base, languages=False)).run(inputs))
    assert all(o.document is not None and "language" in o.document.meta for o in said)
    assert all(o.document is not None and "language" not in o.document.meta for o in unsaid)
    # De-duplication identifies what its kinds need itself: the same decisions.
    decisions = [(o.status, o.duplicate_of, o.evidence) for o in said]
    assert [(o.status, o.duplicate_of, o.evidence) for o in unsaid] == decisions
    # A decision the language is part of: the Chinese rewrite, words cut for Chinese.
    assert any(e is not None and e.kind != "exact" for _, _, e in decisions)
