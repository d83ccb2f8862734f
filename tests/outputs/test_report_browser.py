"""The audit page in a real browser: headless Chromium over the DevTools protocol.

Without a ``chromium`` binary (Debian package ``chromium``) the test skips,
except in CI (``CI`` set), where it fails: ``.ci/run`` installs the browser.
The screenshot is saved under the test's temporary directory (and, with
``INGEST_SCREENSHOT=PATH``, copied there: how ``docs/report.png`` was made).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ..browser import Browser, chromium_path
from ..conftest import FIXTURES, SEEDS, missing, run_ingest

pytest.importorskip("websocket", reason="websocket-client is not installed: pip install '.[test]'")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        missing("no chromium on PATH (Debian package 'chromium')", installed_by=".ci/run")
    return path


def test_report_loads_in_chromium_with_every_cluster_and_a_highlighted_pair(
    chromium: str, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    done = run_ingest(
        "dedup", SEEDS / "tiktok.bundle", *sorted((FIXTURES / "dedup").glob("*.txt")),
        "--report", report, "--format", "json", "-o", tmp_path / "clusters.json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    clusters = {row["cluster"] for row in _rows(tmp_path / "clusters.json")}
    assert len(clusters) == 4

    with Browser(chromium) as browser:
        browser.open(report.resolve().as_uri())
        shown = browser.evaluate(
            "Array.from(document.querySelectorAll('section.cluster'), s => s.id)"
        )
        assert sorted(shown) == sorted(f"cluster-{c}" for c in clusters)
        # A pair: marks on both sides, each holding text.
        marks = browser.evaluate(
            "Array.from(document.querySelectorAll('.pair')).map(p => "
            "Array.from(p.querySelectorAll('.text')).map(t => t.querySelectorAll('mark').length))"
        )
        assert any(left > 0 and right > 0 for left, right in marks), marks
        kinds = browser.evaluate(
            "Array.from(document.querySelectorAll('.pair'), p => p.dataset.kind).sort()"
        )
        assert kinds == ["containment", "exact", "near", "paraphrase"]

        # The filter: by kind, then by name, then nothing.
        def visible(kind: str, name: str) -> int:
            return int(
                browser.evaluate(
                    f"(() => {{ const k = document.getElementById('kind'); k.value = {kind!r};"
                    "k.dispatchEvent(new Event('change'));"
                    f"const q = document.getElementById('filter'); q.value = {name!r};"
                    "q.dispatchEvent(new Event('input'));"
                    "return document.querySelectorAll('section.cluster:not(.hidden)').length; })()"
                )
            )

        assert visible("paraphrase", "") == 1
        assert visible("", "truncated") == 1
        assert visible("near", "truncated") == 0
        assert visible("", "") == 4
        thresholds = browser.evaluate("document.querySelectorAll('svg line.threshold').length")
        assert thresholds == 3  # near, containment, paraphrase (exact has none)
        assert browser.errors() == []
        shot = tmp_path / "report.png"
        browser.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG")
    if target := os.environ.get("INGEST_SCREENSHOT"):
        shutil.copyfile(shot, target)


def _rows(path: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return rows
