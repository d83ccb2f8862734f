"""Boilerplate cleaning benchmark: line-level precision and recall, and article lines lost.

Scores :func:`ingest.clean` on the labelled cases of ``fixtures/cleaning/cases/``
and on the seed articles (``seeds/`` with the expectations of
``fixtures/cleaning/seeds.toml``). Lines are compared as multisets of non-blank
lines (blank lines are layout, neither article nor boilerplate):

* gold boilerplate = input lines minus expected output lines, plus the case's
  ``known_misses`` (boilerplate the cleaner keeps on purpose because it cannot
  be told apart from article text; they count against recall);
* removed = input lines minus actual output lines;
* precision = |gold & removed| / |removed|, recall = |gold & removed| / |gold|;
* article lines lost = |removed - gold| (target: 0).

When the article-extraction benchmark is present next to this repository
(``shared/benchmarks/article-extraction``), it also cleans the 181 ground-truth
article bodies there, which are article text by construction, and reports how
many of their lines cleaning removes (the annotators kept some credits and
bylines, so a few removals are expected there).

Run: ``python benchmarks/cleaning.py`` (``-v`` lists every missed or lost line).
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs

from ingest import CleanOptions, clean, learn_boilerplate

ROOT: Final = Path(__file__).resolve().parent.parent
CASES: Final = ROOT / "fixtures" / "cleaning" / "cases"
SEED_EXPECTATIONS: Final = ROOT / "fixtures" / "cleaning" / "seeds.toml"
SEEDS: Final = ROOT / "seeds"
GROUND_TRUTH: Final = (
    ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "ground-truth.json"
)


@attrs.frozen
class Case:
    """One input with its expected output."""

    name: str
    text: str
    expected: str
    options: CleanOptions
    corpus: tuple[str, ...] = ()
    known_misses: tuple[str, ...] = ()


@attrs.frozen
class Score:
    """Line counts of one or more cases."""

    gold: int = 0
    removed: int = 0
    hit: int = 0
    exact: int = 0
    cases: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            *(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True))
        )

    @property
    def lost(self) -> int:
        """Article lines removed."""
        return self.removed - self.hit

    def row(self, label: str) -> str:
        """One table row."""
        precision = self.hit / self.removed if self.removed else 1.0
        recall = self.hit / self.gold if self.gold else 1.0
        return (
            f"{label:<10} {self.cases:>5} {self.exact:>6} {self.gold:>11} {self.removed:>8} "
            f"{precision:>9.3f} {recall:>7.3f} {self.lost:>11}"
        )


def _lines(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.split("\n") if line.strip())


def load_cases() -> list[Case]:
    """The labelled fixture cases."""
    cases = []
    for path in sorted(CASES.glob("*.toml")):
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        expected = data["input"] if data["expect"] == "unchanged" else data["output"]
        options = CleanOptions(**data.get("options", {}))
        corpus = tuple(data.get("corpus", ()))
        misses = tuple(data.get("known_misses", ()))
        cases.append(Case(path.stem, data["input"], expected, options, corpus, misses))
    return cases


def load_seeds() -> list[Case]:
    """The seed articles with their expected output."""
    removed: dict[str, list[int]] = tomllib.loads(SEED_EXPECTATIONS.read_text("utf-8"))["removed"]
    cases = []
    for name, numbers in sorted(removed.items()):
        text = (SEEDS / name).read_text(encoding="utf-8")
        lines = text.split("\n")
        expected = "\n".join(line for i, line in enumerate(lines, 1) if i not in numbers)
        cases.append(Case(name, text, expected, CleanOptions()))
    return cases


def score(case: Case, *, verbose: bool) -> Score:
    """Clean *case* and count its lines."""
    model = learn_boilerplate([*case.corpus, case.text], case.options) if case.corpus else None
    actual = clean(case.text, case.options, corpus=model).text
    source, expected, got = _lines(case.text), _lines(case.expected), _lines(actual)
    # Known misses are boilerplate the cleaner keeps on purpose (too ambiguous):
    # they stay in the expected output but count as boilerplate here.
    gold = (source - expected) + Counter(line.strip() for line in case.known_misses)
    removed = source - got
    hit = gold & removed
    exact = actual.rstrip() == case.expected.rstrip()
    if verbose and not exact:
        print(f"  NOT EXACT {case.name}")
    if verbose:
        for line in (removed - gold).elements():
            print(f"  LOST   {case.name}: {line[:90]}")
        for line in (gold - removed).elements():
            print(f"  MISSED {case.name}: {line[:90]}")
    return Score(
        gold=gold.total(),
        removed=removed.total(),
        hit=hit.total(),
        exact=int(exact),
        cases=1,
    )


def total(cases: Iterable[Case], *, verbose: bool) -> Score:
    """The summed score of *cases*."""
    return sum((score(case, verbose=verbose) for case in cases), Score())


def ground_truth_check(*, verbose: bool) -> str | None:
    """Clean the extraction benchmark's ground-truth bodies; count the lines removed."""
    if not GROUND_TRUTH.exists():
        return None
    pages: dict[str, dict[str, Any]] = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    lines = removed = 0
    for key, page in sorted(pages.items()):
        body = page.get("articleBody") or ""
        lines += sum(1 for line in body.split("\n") if line.strip())
        for span in clean(body).removed:
            for line in span.text.split("\n"):
                if line.strip():
                    removed += 1
                    if verbose:
                        print(f"  REMOVED {key[:8]} [{span.rule}]: {line.strip()[:80]}")
    return (
        f"ground truth of {len(pages)} extraction-benchmark pages: "
        f"{removed} of {lines} article lines removed"
    )


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list missed and lost lines")
    args = parser.parse_args()
    started = time.perf_counter()
    fixtures = total(load_cases(), verbose=args.verbose)
    seeds = total(load_seeds(), verbose=args.verbose)
    elapsed = time.perf_counter() - started
    print("set        cases  exact  boilerplate  removed  precision  recall  lines lost")
    print(fixtures.row("fixtures"))
    print(seeds.row("seeds"))
    print((fixtures + seeds).row("all"))
    print(f"({elapsed:.2f} s)")
    extra = ground_truth_check(verbose=args.verbose)
    if extra is not None:
        print(extra)


if __name__ == "__main__":
    main()
