"""The audit page of a de-duplication run (``ingest.write_report``), read as HTML.

The page in a real browser: ``test_report_browser.py``.
"""

from __future__ import annotations

import html.parser
import random
from pathlib import Path

import pytest

import ingest
from ingest.dedup import find_passages
from ingest.outputs import ReportOptions

from ..conftest import FIXTURES, SEEDS


def _docs() -> list[ingest.Document]:
    docs = list(ingest.read_bundle(SEEDS / "tiktok.bundle"))
    paths = sorted((FIXTURES / "dedup").glob("*.txt"))
    return docs + [ingest.Document(p.name, p.read_text(encoding="utf-8")) for p in paths]


class _Page(html.parser.HTMLParser):
    """What a test reads from the page: clusters, marks, links to elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.clusters: list[str] = []
        self.marks = 0
        self.remote: list[str] = []
        self.mark_text: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and "cluster" in (values.get("class") or ""):
            self.clusters.append(values["id"] or "")
        if tag == "mark":
            self.marks += 1
            self._in_mark = True
        for key in ("src", "href"):
            if values.get(key):
                self.remote.append(str(values[key]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.mark_text.append(data)


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_page_holds_every_cluster_and_loads_nothing(tmp_path: Path) -> None:
    docs = _docs()
    clusters = ingest.find_duplicates(docs)
    out = tmp_path / "report.html"
    summary = ingest.write_report(clusters, docs, out)
    assert (summary.clusters, summary.shown, summary.pairs, summary.duplicates) == (4, 4, 4, 4)
    page = _page(out)
    with_dups = [c for c in clusters if len(c.members) > 1]
    assert sorted(page.clusters) == sorted(f"cluster-{c.id}" for c in with_dups)
    assert page.marks > 0
    assert page.remote == []  # self-contained: no script, style, image or font from elsewhere
    assert "http" not in out.read_text(encoding="utf-8").split("<body>")[0]


def test_marks_are_the_text_both_documents_share() -> None:
    a = "Breaking: the talks stalled in Beijing on Monday, officials said. Weather next."
    b = "The talks stalled in Beijing on Monday, officials said. More soon."
    [passage] = find_passages(a, b, "near")
    shared = "the talks stalled in Beijing on Monday, officials said"
    assert a[passage.start : passage.end] == shared
    assert b[passage.matched_start : passage.matched_end] == (
        "The talks stalled in Beijing on Monday, officials said"
    )
    assert find_passages(a, "Nothing in common here at all today.", "near") == ()


def test_paraphrase_passages_are_aligned_sentences() -> None:
    docs = {d.name: d for d in _docs()}
    original, rewrite = docs["004_2a6d3f40887b6548.txt"], docs["paraphrase_of_004.txt"]
    passages = find_passages(rewrite.text, original.text, "paraphrase")
    assert len(passages) >= 5
    for p in passages:
        left, right = rewrite.text[p.start : p.end], original.text[p.matched_start : p.matched_end]
        shared = set(ingest.core.content_stems(left.lower().split())) & set(
            ingest.core.content_stems(right.lower().split())
        )
        assert shared, (left, right)


def test_a_large_run_writes_a_bounded_page(tmp_path: Path) -> None:
    rng = random.Random(5)  # noqa: S311 -- test data, not secrets
    words = [f"word{i}" for i in range(20_000)]
    docs = []
    for i in range(300):  # 300 clusters of 2 to 4 near-identical documents
        base = " ".join(rng.choice(words) for _ in range(60))
        docs += [ingest.Document(f"c{i}-{k}.txt", f"{base} copy{k}") for k in range(2 + i % 3)]
    clusters = ingest.find_duplicates(docs, ingest.DedupOptions(kinds={"exact", "near"}))
    options = ReportOptions(max_clusters=20, sample_clusters=5, max_pairs=10)
    out = tmp_path / "report.html"
    summary = ingest.write_report(clusters, iter(docs), out, options=options)
    assert summary.clusters == 300
    assert (summary.shown, summary.pairs) == (25, 10)
    page = _page(out)
    assert len(page.clusters) == 25
    text = out.read_text(encoding="utf-8")
    assert "the 20 largest and a random sample of 5 of the other 280; 275 not shown" in text
    # The largest clusters (4 documents) come first.
    assert text.index("4 documents") < text.index("2 documents")


def test_report_options_are_checked() -> None:
    with pytest.raises(ingest.OptionsError, match="max_chars must be an integer of at least 100"):
        ReportOptions(max_chars=5)
