"""Boilerplate cleaning benchmark: removed lines per language, article lines lost, time, and F1.

1. Scores :func:`ingest.clean` on the labelled cases of ``fixtures/cleaning/cases/``
   (per language) and on the seed articles (``seeds/`` with the expectations of
   ``fixtures/cleaning/seeds.toml``). Lines are compared as multisets of
   non-blank lines (blank lines are layout, neither article nor boilerplate):

   * gold boilerplate = input lines minus expected output lines, plus the case's
     ``known_misses`` (boilerplate the cleaner keeps on purpose because it cannot
     be told apart from article text; they count against recall);
   * removed = input lines minus actual output lines;
   * precision = |gold & removed| / |removed|, recall = |gold & removed| / |gold|;
   * article lines lost = |removed - gold| (target: 0), always listed.

2. Times cleaning per document with the rules of the document's language only
   (a :class:`~ingest.Document` whose ``meta["language"]`` is set) and with every
   language's rules (plain text), on the fixtures and on the extracted pages.

3. On the extraction benchmarks next to this repository
   (``shared/benchmarks/wcxb/dev`` and ``shared/benchmarks/article-extraction``):
   word F1 (see ``_wordf1.py``) of :func:`ingest.extract_html` without the text
   cleaner and with it, in the same run, per page type, per page language
   (``meta["language"]``) and, on WCXB, per half (even and odd page ids) and
   type. The cleaner must never lower a group's F1; every page where it lowers
   F1 is listed. Pages with an empty ground truth are skipped.

4. Cleans the 181 ground-truth article bodies of the article-extraction
   benchmark, which are article text by construction, and counts the lines
   removed (the annotators kept some credits and bylines).

Run: ``python benchmarks/cleaning.py`` (``-v`` lists every missed line and every
line the cleaner removed from a page whose F1 it lowered, ``[kept]`` when the
ground truth holds the line, ``[not in]`` when it does not and the page lost only
common words the line shares with the truth by chance; ``--no-extraction``
skips parts 3 and 4, which take about a minute).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from _wordf1 import word_f1

from ingest import CleanOptions, Document, HtmlOptions, clean, extract_html, learn_boilerplate

ROOT: Final = Path(__file__).resolve().parent.parent
CASES: Final = ROOT / "fixtures" / "cleaning" / "cases"
SEED_EXPECTATIONS: Final = ROOT / "fixtures" / "cleaning" / "seeds.toml"
SEEDS: Final = ROOT / "seeds"
SHARED: Final = ROOT.parent / "shared" / "benchmarks"
ARTICLES: Final = SHARED / "article-extraction"
WCXB: Final = SHARED / "wcxb" / "dev"


@attrs.frozen
class Case:
    """One input with its expected output."""

    name: str
    lang: str
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
        cases.append(
            Case(path.stem, data["lang"], data["input"], expected, options, corpus, misses)
        )
    return cases


def load_seeds() -> list[Case]:
    """The seed articles with their expected output."""
    removed: dict[str, list[int]] = tomllib.loads(SEED_EXPECTATIONS.read_text("utf-8"))["removed"]
    cases = []
    for name, numbers in sorted(removed.items()):
        text = (SEEDS / name).read_text(encoding="utf-8")
        lines = text.split("\n")
        expected = "\n".join(line for i, line in enumerate(lines, 1) if i not in numbers)
        cases.append(Case(name, "en", text, expected, CleanOptions()))
    return cases


def score(case: Case, *, verbose: bool) -> Score:
    """Clean *case* and count its lines; print the article lines it lost."""
    model = learn_boilerplate([*case.corpus, case.text], case.options) if case.corpus else None
    actual = clean(case.text, case.options, corpus=model).text
    source, expected, got = _lines(case.text), _lines(case.expected), _lines(actual)
    # Known misses are boilerplate the cleaner keeps on purpose (too ambiguous):
    # they stay in the expected output but count as boilerplate here.
    gold = (source - expected) + Counter(line.strip() for line in case.known_misses)
    removed = source - got
    hit = gold & removed
    exact = actual.rstrip() == case.expected.rstrip()
    for line in (removed - gold).elements():
        print(f"  LOST   {case.name}: {line[:90]}")
    if verbose and not exact:
        print(f"  NOT EXACT {case.name}")
    if verbose:
        for line in (gold - removed).elements():
            print(f"  MISSED {case.name}: {line[:90]}")
    return Score(
        gold=gold.total(), removed=removed.total(), hit=hit.total(), exact=int(exact), cases=1
    )


def total(cases: Iterable[Case], *, verbose: bool) -> Score:
    """The summed score of *cases*."""
    return sum((score(case, verbose=verbose) for case in cases), Score())


def print_fixture_tables(cases: Sequence[Case], seeds: Sequence[Case], *, verbose: bool) -> None:
    """Precision, recall and lines lost per language, then over all cases."""
    by_lang: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_lang[case.lang].append(case)
    print("lang       cases  exact  boilerplate  removed  precision  recall  lines lost")
    scores = {lang: total(group, verbose=verbose) for lang, group in sorted(by_lang.items())}
    for lang, result in scores.items():
        print(result.row(lang))
    fixtures = sum(scores.values(), Score())
    seeds_score = total(seeds, verbose=verbose)
    print(fixtures.row("fixtures"))
    print(seeds_score.row("seeds"))
    print((fixtures + seeds_score).row("all"))


def _round(documents: Sequence[Document | str]) -> float:
    """Seconds per document of one round of :func:`ingest.clean` over *documents*."""
    started = time.perf_counter()
    for doc in documents:
        clean(doc)
    return (time.perf_counter() - started) / len(documents)


def print_timing(label: str, documents: Sequence[Document], repeat: int) -> None:
    """Time per document with the document's language only and with every language.

    Rounds of the two alternate, so that a machine shared with other work slows
    both alike; the best round of each counts.
    """
    texts = [doc.text for doc in documents]
    one = every = float("inf")
    for _ in range(repeat):
        one = min(one, _round(documents))
        every = min(every, _round(texts))
    print(
        f"time per document, {label}: {one * 1e6:,.0f} us with its language's rules, "
        f"{every * 1e6:,.0f} us with every language's ({every / one:.2f}x)"
    )


# -- extraction benchmarks ---------------------------------------------------------


@attrs.frozen
class Page:
    """One benchmark page: its HTML, ground truth, type and where it came from."""

    key: str
    html: bytes
    truth: str
    kind: str


@attrs.frozen
class PageResult:
    """Word F1 of one page without and with the text cleaner."""

    page: Page
    language: str
    without: float
    with_cleaner: float
    removed: tuple[str, ...]


def load_wcxb() -> list[Page]:
    """The WCXB development pages that have a ground truth."""
    pages = []
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        truth = data["ground_truth"].get("main_content") or ""
        if not truth.strip():
            continue
        html = gzip.decompress((WCXB / "html" / f"{path.stem}.html.gz").read_bytes())
        kind = data.get("_internal", {}).get("page_type", {}).get("primary", "?")
        pages.append(Page(path.stem, html, truth, kind))
    return pages


def load_articles() -> list[Page]:
    """The article-extraction benchmark pages."""
    truth = json.loads((ARTICLES / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(key, gzip.decompress((ARTICLES / "html" / f"{key}.html.gz").read_bytes()),
             truth[key]["articleBody"], "article")
        for key in sorted(truth)
    ]  # fmt: skip


def evaluate(pages: Sequence[Page]) -> tuple[list[PageResult], list[Document]]:
    """Extract every page once, score it without and with the cleaner."""
    options = HtmlOptions()
    results, documents = [], []
    for page in pages:
        doc = extract_html(page.html, options=options)
        result = clean(doc)
        language = str(doc.meta.get("language", "") or "?").split("-")[0].lower()
        removed = tuple(line for span in result.removed for line in span.text.split("\n"))
        results.append(
            PageResult(
                page,
                language,
                word_f1(doc.text, page.truth),
                word_f1(result.text, page.truth),
                tuple(line for line in removed if line.strip()),
            )
        )
        if "language" in doc.meta:
            documents.append(doc)
    return results, documents


def _f1_row(label: str, results: Sequence[PageResult]) -> str:
    n = len(results)
    without = sum(r.without for r in results) / n
    with_cleaner = sum(r.with_cleaner for r in results) / n
    raised = sum(r.with_cleaner > r.without + 1e-12 for r in results)
    lowered = sum(r.with_cleaner < r.without - 1e-12 for r in results)
    return (
        f"{label:<26} {n:>5} {without:>9.4f} {with_cleaner:>9.4f} "
        f"{with_cleaner - without:>+8.4f} {raised:>7} {lowered:>8}"
    )


def _half(result: PageResult) -> str:
    """A WCXB page's half by the parity of its id (docs/cleaning.md: which half tuned what)."""
    key = result.page.key
    return ("even" if int(key) % 2 == 0 else "odd") if key.isdigit() else ""


#: The groups F1 is reported for: page type, page language, and on WCXB the
#: even and the odd half of the page ids, each by page type (WCXB has no held-out part).
_GROUPINGS: Final[tuple[tuple[str, Callable[[PageResult], str]], ...]] = (
    ("type", lambda r: r.page.kind),
    ("language", lambda r: r.language),
    ("half", _half),
    ("half", lambda r: f"{_half(r)} {r.page.kind}" if _half(r) else ""),
)


def print_extraction(name: str, results: Sequence[PageResult], *, verbose: bool) -> None:
    """F1 without and with the cleaner, per page type and per page language."""
    print(f"\n{name}: word F1 of extract_html without / with the text cleaner")
    print(f"{'group':<26} {'pages':>5} {'without':>9} {'with':>9} {'delta':>8} "
          f"{'raised':>7} {'lowered':>8}")  # fmt: skip
    print(_f1_row("all", results))
    for label, value_of in _GROUPINGS:
        groups: dict[str, list[PageResult]] = defaultdict(list)
        for result in results:
            value = value_of(result)
            if value:
                groups[value].append(result)
        for value, group in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            print(_f1_row(f"{label} {value}", group))
    for result in results:
        if result.with_cleaner < result.without - 1e-12:
            print(
                f"  LOWERED {result.page.key[:12]} ({result.page.kind}, {result.language}): "
                f"{result.without:.4f} -> {result.with_cleaner:.4f}"
            )
            if verbose:
                truth = " ".join(result.page.truth.split()).casefold()
                for line in result.removed:
                    # A line the annotators kept, or one that is not in the ground
                    # truth but shares common words ("the", "your") with it by chance.
                    where = "kept" if " ".join(line.split()).casefold() in truth else "not in"
                    print(f"    - [{where}] {line.strip()[:90]}")
    if verbose:
        for result in results:
            if result.with_cleaner > result.without + 1e-12:
                print(
                    f"  RAISED {result.page.key[:12]} {result.without:.4f} -> "
                    f"{result.with_cleaner:.4f}: {len(result.removed)} lines removed"
                )


def ground_truth_check(*, verbose: bool) -> str:
    """Clean the extraction benchmark's ground-truth bodies; count the lines removed."""
    pages: dict[str, dict[str, Any]] = json.loads(
        (ARTICLES / "ground-truth.json").read_text(encoding="utf-8")
    )
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
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list missed lines and more")
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds (the best counts)")
    parser.add_argument(
        "--no-extraction", action="store_true", help="skip the extraction benchmarks"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    cases = load_cases()
    print_fixture_tables(cases, load_seeds(), verbose=args.verbose)
    print(f"({time.perf_counter() - started:.2f} s)")
    fixture_docs = [
        Document(name=case.name, text=case.text, meta={"language": case.lang})
        for case in cases
        if not case.corpus and case.options == CleanOptions()
    ]
    print_timing(f"{len(fixture_docs)} fixtures", fixture_docs, args.repeat)
    if args.no_extraction:
        return
    for name, loader, root in (
        ("wcxb dev", load_wcxb, WCXB),
        ("article-extraction", load_articles, ARTICLES),
    ):
        if not root.exists():
            print(f"\n{name}: not found at {root}; skipped")
            continue
        results, documents = evaluate(loader())
        print_extraction(name, results, verbose=args.verbose)
        print_timing(f"{len(documents)} {name} pages with a language", documents, args.repeat)
    if ARTICLES.exists():
        print(ground_truth_check(verbose=args.verbose))


if __name__ == "__main__":
    main()
