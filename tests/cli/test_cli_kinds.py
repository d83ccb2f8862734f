"""``--kinds``: the kinds of duplicate that ``dedup`` and ``clean --dedup`` look for.

In-process (``main([...])``): the wiring to the Dask engine and the Redis index
is tested beside their other CLI tests, in ``tests/engines``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.cli import _main
from ingest.cli._main import main
from ingest.dedup import _kernels

from ..conftest import FIXTURES, SEEDS

#: A containment of the seed 001, a paraphrase of the seed 004, and the five seeds.
INPUTS = [
    str(FIXTURES / "dedup" / "truncated_001.txt"),
    str(FIXTURES / "dedup" / "paraphrase_of_004.txt"),
    str(SEEDS / "tiktok.bundle"),
]


def _duplicates(path: Path) -> dict[str, str]:
    """The ``ingest dedup --format jsonl`` rows of *path*: duplicate name -> its kind."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {row["name"]: row["kind"] for row in rows if row["kind"] != "representative"}


def test_dedup_finds_the_kinds_asked_for(tmp_path: Path) -> None:
    found = {}
    for kinds in (None, "exact,near", "exact,near,containment", " near , exact "):
        out = tmp_path / f"{kinds}.jsonl"
        asked = [] if kinds is None else ["--kinds", kinds]
        assert main(["dedup", *INPUTS, "-o", str(out), "-q", *asked]) == 0
        found[kinds] = _duplicates(out)
    assert found[None] == {
        "truncated_001.txt": "containment",
        "paraphrase_of_004.txt": "paraphrase",
    }
    assert found["exact,near"] == found[" near , exact "] == {}
    assert found["exact,near,containment"] == {"truncated_001.txt": "containment"}


def test_clean_dedup_drops_the_kinds_asked_for(tmp_path: Path) -> None:
    written = {}
    for kinds in (None, "exact,near"):
        out = tmp_path / f"{kinds}.jsonl"
        asked = [] if kinds is None else ["--kinds", kinds]
        assert main(["clean", *INPUTS, "--dedup", "-o", str(out), "-q", *asked]) == 0
        lines = out.read_text(encoding="utf-8").splitlines()
        written[kinds] = sorted(json.loads(line)["meta"]["path"] for line in lines)
    assert len(written[None]) == 5
    assert "truncated_001.txt" not in written[None]
    assert len(written["exact,near"]) == 7
    assert {"truncated_001.txt", "paraphrase_of_004.txt"} <= set(written["exact,near"])


def test_clean_kinds_without_dedup_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["clean", *INPUTS, "--kinds", "exact,near", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        "ingest clean: error: --kinds chooses the duplicates that --dedup drops; add --dedup "
        "(without it, clean keeps every document)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["dedup"],
        ["dedup", "--engine", "dask", "-o", "out"],
        ["clean", "--dedup"],
        ["index", "add", "--redis", "redis://127.0.0.1:9/0"],
        ["index", "query", "--redis", "redis://127.0.0.1:9/0"],
    ],
)
@pytest.mark.parametrize(
    ("kinds", "bad"),
    [
        ("exact,nearr", "'nearr' is not a kind"),
        ("Exact,paraphrase,semantic", "'Exact', 'semantic' are not kinds"),
        ("exact,,near", "'' is not a kind"),
        ("", "'' is not a kind"),
    ],
)
def test_a_bad_kind_is_a_usage_error_naming_it_and_the_kinds(
    command: list[str], kinds: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--kinds", kinds, *INPUTS])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].endswith(
        f": error: argument --kinds: {bad}; expected a comma-separated list of exact, near, "
        f"containment, paraphrase (e.g. exact,near), got {kinds!r}"
    )
    assert not Path("out").exists()


def test_the_help_names_the_kinds_and_the_fast_path(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["dedup"], ["clean"], ["index", "add"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        helped = " ".join(capsys.readouterr().out.split())
        assert "--kinds KIND,..." in helped
        assert "among exact,near,containment,paraphrase (default: all)" in helped
        assert "exact,near is the fast path for big corpora" in helped


def test_verbose_dedup_says_where_the_index_spent_its_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = {}
    for kinds in ("exact,near", "exact,near,containment,paraphrase"):
        out = tmp_path / f"{kinds}.jsonl"
        assert main(["dedup", *INPUTS, "-o", str(out), "-v", "--kinds", kinds]) == 0
        lines = capsys.readouterr().err.splitlines()
        [said[kinds]] = [line for line in lines if "de-duplication:" in line]
    pattern = (
        r"ingest dedup: de-duplication: (\d+) candidate pairs verified"
        r"(?: \([\d,]+ more left out: too few sentences align\))?, (\d+) of them aligned "
        r"for paraphrase; features \d+\.\d s, candidates \d+\.\d s, verification on shingle "
        r"sets \d+\.\d s, sentence alignment \d+\.\d s"
    )
    near, every = (re.fullmatch(pattern, said[k]) for k in said)
    assert near is not None
    assert every is not None
    assert int(near[2]) == 0 < int(every[2]) <= int(every[1])
    # Without -v the line is not printed.
    assert main(["dedup", *INPUTS, "-o", str(tmp_path / "quiet.jsonl")]) == 0
    assert "de-duplication:" not in capsys.readouterr().err


def test_a_run_spent_aligning_says_how_to_leave_the_alignment_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seeds align in milliseconds: any time spent aligning is enough here.
    monkeypatch.setattr(_main, "_HINT_SECONDS", 0.0)
    monkeypatch.setattr(_main, "_HINT_SHARE", 0.0)
    hint = "--kinds exact,near,containment leaves the alignment out"
    assert main(["clean", *INPUTS, "--dedup", "-o", str(tmp_path / "all.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "ingest clean: aligning sentences for paraphrase took " in err
    assert hint in err
    assert ("ingest[fast]" in err) is not _kernels.available()
    for more in (["--kinds", "exact,near,containment"], ["-q"]):
        out = tmp_path / f"{more[-1]}.jsonl"
        assert main(["clean", *INPUTS, "--dedup", "-o", str(out), *more]) == 0
        assert hint not in capsys.readouterr().err
    # Without numba the hint names the extra that compiles the alignment.
    monkeypatch.setattr(_main, "kernels_available", lambda: False)
    assert main(["clean", *INPUTS, "--dedup", "-o", str(tmp_path / "plain.jsonl")]) == 0
    assert "pip install 'ingest[fast]' makes the same decisions faster" in capsys.readouterr().err


def test_candidate_sentences_keeps_the_news_duplicates_and_skips_pairs_sharing_two(
    tmp_path: Path,
) -> None:
    """``--candidate-sentences 3``: the truncation and the reworded article share many
    sentences and are found; a brief of four sentences, two of them from a seed article,
    is contained in it, but only two of its sentences are shared: not verified."""
    article = (SEEDS / "001_c51191e24029489c.txt").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", article) if len(s.split()) > 15]
    brief = tmp_path / "brief.txt"
    brief.write_text(
        f"{sentences[2]} {sentences[5]} Local officials gave no comment on Tuesday. "
        "More news will follow soon.",
        encoding="utf-8",
    )
    found = {}
    for minimum in ("0", "1", "3"):
        out = tmp_path / f"{minimum}.jsonl"
        asked = ["--candidate-sentences", minimum]
        assert main(["dedup", *INPUTS, str(brief), "-o", str(out), "-q", *asked]) == 0
        found[minimum] = _duplicates(out)
    assert (
        found["0"]
        == found["1"]
        == {
            "truncated_001.txt": "containment",
            "paraphrase_of_004.txt": "paraphrase",
            "brief.txt": "containment",
        }
    )
    assert found["3"] == {
        "truncated_001.txt": "containment",
        "paraphrase_of_004.txt": "paraphrase",
    }


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_bad_candidate_sentences_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["dedup", *INPUTS, "--candidate-sentences", value])
    assert exited.value.code == 2
    assert "--candidate-sentences: expected a whole number of at least 0" in capsys.readouterr().err


def test_clean_candidate_sentences_without_dedup_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["clean", *INPUTS, "--candidate-sentences", "3", "-o", str(out)]) == 2
    assert "--candidate-sentences chooses the pairs that --dedup verifies" in (
        capsys.readouterr().err
    )
    assert not out.exists()
