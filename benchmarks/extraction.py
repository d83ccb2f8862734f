r"""Extraction benchmark: ingest against trafilatura and readability-lxml, in one run.

Two datasets (``--dataset``), both next to this repository under ``shared/benchmarks``.

``scrapinghub`` (the default): scores each extractor on the 181 pages of
``shared/benchmarks/article-extraction``
(next to this repository) with that benchmark's metric: per page, the multisets
of token 4-gram shingles of the prediction and the ground truth give tp, fp and
fn, normalised to sum to 1; precision and recall are averaged over the pages
where they are defined (a page with empty output has no precision), and F1 is
the harmonic mean of the two averages. Timing is wall-clock per page, input
given as bytes to every extractor.

``wcxb``: the development split of WCXB (1,497 pages of seven types, CC-BY-4.0,
Foley 2026) with the metric that benchmark defines: per page, word F1 between
the extracted text and ``main_content``, words being lower-cased ``\w+`` tokens
counted as a multiset (both empty: 1; one empty: 0); a system's score is the
mean over pages, also per page type. Printed for all pages, for the tuning half
(even page numbers: the only pages looked at while developing) and for the
held-out half (odd), with mean precision and recall, median ms per page, and
how many pages (and which) score below 0.05. trafilatura runs as that
benchmark's README ran it (``trafilatura.extract`` on the page decoded as
UTF-8, default options). ``--markdown`` adds a column, ``ingest md``: ingest's
markdown output scored against ``main_content_markdown`` with the same metric
(markup characters are not words, link targets are).

Run: ``python benchmarks/extraction.py [--dataset wcxb]`` (``pip install -e .[bench]``
first; ``--limit N`` scores every k-th page, N in all, for quick iterations).
Options: ``--only ingest`` to run one extractor, ``--repeat N`` to time the
median of N runs per page, ``--per-page FILE`` to write per-page precision,
recall and time as JSON lines, ``--published`` to score the upstream's saved
outputs instead (a check of the scorer: AutoExtract comes out at F1 0.970,
P 0.984, R 0.956, as in the upstream table).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Final

import attrs
import lxml.html

from ingest import extract_html

BENCHMARKS: Final = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
DATA: Final = BENCHMARKS / "article-extraction"
WCXB: Final = BENCHMARKS / "wcxb" / "dev"
#: A WCXB page scoring below this word F1 counts as lost.
LOST: Final = 0.05
_TOKEN_RE: Final = re.compile(r"\w+")
_SHINGLE: Final = 4

Extractor = Callable[[bytes, str], str]


@attrs.frozen
class Page:
    """One benchmark page and its ground-truth article body."""

    key: str
    url: str
    html: bytes
    truth: str


@attrs.frozen
class Score:
    """True positives, false positives and false negatives of one page, normalised."""

    tp: float
    fp: float
    fn: float


def load_pages(root: Path = DATA) -> list[Page]:
    """The benchmark pages, sorted by id."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page(key, truth[key].get("url", ""), html, truth[key]["articleBody"]))
    return pages


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Token 4-grams of *text* (one shorter shingle for texts under four tokens)."""
    tokens = _TOKEN_RE.findall(text)
    count = max(1, len(tokens) - _SHINGLE + 1)
    return Counter(
        tuple(tokens[i : i + _SHINGLE]) for i in range(count) if tokens[i : i + _SHINGLE]
    )


def score_page(truth: str, prediction: str) -> Score:
    """The page's tp, fp, fn over shingle multisets, normalised to sum to 1."""
    expected, predicted = shingles(truth), shingles(prediction)
    tp = sum((expected & predicted).values())
    fp = sum((predicted - expected).values())
    fn = sum((expected - predicted).values())
    total = tp + fp + fn
    if total == 0:
        return Score(0.0, 0.0, 0.0)
    return Score(tp / total, fp / total, fn / total)


def _precision(s: Score) -> float:
    if s.fp == s.fn == 0:
        return 1.0
    return s.tp / (s.tp + s.fp) if s.tp + s.fp else 0.0


def _recall(s: Score) -> float:
    if s.fp == s.fn == 0:
        return 1.0
    return s.tp / (s.tp + s.fn) if s.tp + s.fn else 0.0


def aggregate(scores: list[Score]) -> tuple[float, float, float]:
    """Macro precision (over pages with output), macro recall, and their F1."""
    precision = statistics.mean([_precision(s) for s in scores if s.tp + s.fp > 0] or [0.0])
    recall = statistics.mean([_recall(s) for s in scores if s.tp + s.fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_ingest(html: bytes, url: str) -> str:
    """ingest's article text."""
    return extract_html(html, url=url).text


def run_trafilatura(html: bytes, _url: str) -> str:
    """trafilatura with ``favor_precision=True``, comments off (as in the shared results)."""
    import trafilatura  # noqa: PLC0415 (optional bench dependency)

    return trafilatura.extract(html, favor_precision=True, include_comments=False) or ""


def run_readability(html: bytes, _url: str) -> str:
    """readability-lxml's summary, as text, one block per line."""
    from bs4.dammit import UnicodeDammit  # noqa: PLC0415
    from readability import Document as ReadabilityDocument  # noqa: PLC0415

    # readability-lxml 0.8 cannot take bytes on Python 3 (its charset regexes are
    # str patterns) and 0.9 pins chardet < 6, which ingest cannot install beside
    # chardet 7: it gets the page decoded by bs4's UnicodeDammit, declarations first.
    text = UnicodeDammit(html, is_html=True).unicode_markup or ""
    summary = ReadabilityDocument(text).summary(html_partial=True)
    if not summary.strip():
        return ""
    return "\n".join(str(piece) for piece in lxml.html.fromstring(summary).itertext())


EXTRACTORS: Final[dict[str, Extractor]] = {
    "ingest": run_ingest,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
}


@attrs.frozen
class Row:
    """One extractor's line of the results table."""

    name: str
    precision: float
    recall: float
    f1: float
    median_ms: float
    p90_ms: float
    empty: int
    errors: int


def evaluate(
    name: str, extract: Extractor, pages: list[Page], repeat: int, per_page: list[dict[str, object]]
) -> Row:
    """Run *extract* on every page; score and time it."""
    scores, times = [], []
    empty = errors = 0
    for page in pages:
        runs = []
        text = ""
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                text = extract(page.html, page.url)
            except Exception as exc:  # noqa: BLE001 (a crashing page scores as empty output)
                errors += 1
                text = ""
                print(f"  {name}: {page.key[:12]} raised {type(exc).__name__}: {exc}")
            runs.append((time.perf_counter() - start) * 1000)
        times.append(statistics.median(runs))
        empty += not text.strip()
        score = score_page(page.truth, text)
        scores.append(score)
        p, r = _precision(score), _recall(score)
        per_page.append(
            {"extractor": name, "id": page.key, "url": page.url, "precision": round(p, 4),
             "recall": round(r, 4), "ms": round(times[-1], 2)}
        )  # fmt: skip
    precision, recall, f1 = aggregate(scores)
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return Row(name, precision, recall, f1, statistics.median(times), p90, empty, errors)


def print_table(rows: list[Row], pages: int) -> None:
    """The results table, best F1 first, with the load average (timings depend on it)."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"article-extraction benchmark, {pages} pages ({os.cpu_count()} CPUs, load {load})")
    header = f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>6} "
    print(header + f"{'median ms':>9} {'p90 ms':>7} {'empty':>5} {'errors':>6}")
    for row in sorted(rows, key=lambda r: -r.f1):
        print(
            f"{row.name:<12} {row.precision:>9.4f} {row.recall:>7.4f} {row.f1:>6.4f} "
            f"{row.median_ms:>9.1f} {row.p90_ms:>7.1f} {row.empty:>5} {row.errors:>6}"
        )


def score_published(root: Path) -> None:
    """Score the upstream's saved outputs: a check of this scorer against its table."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    print(f"{'published output':<20} {'precision':>9} {'recall':>7} {'F1':>6}")
    for path in sorted((root / "published-output").glob("*.json")):
        saved = json.loads(path.read_text(encoding="utf-8"))
        saved = saved.get("output", saved) if "version" in saved else saved
        scores = [
            score_page(truth[key]["articleBody"], (saved.get(key) or {}).get("articleBody") or "")
            for key in sorted(truth)
        ]
        precision, recall, f1 = aggregate(scores)
        print(f"{path.stem:<20} {precision:>9.4f} {recall:>7.4f} {f1:>6.4f}")


# -- WCXB -------------------------------------------------------------------------


@attrs.frozen
class WcxbPage:
    """One WCXB page: its type, ground-truth text and markdown."""

    key: str
    url: str
    kind: str
    html: bytes
    truth: str
    markdown: str
    published: str = ""
    author: str = ""

    @property
    def tuning(self) -> bool:
        """Whether the page is in the tuning half (even page number)."""
        return int(self.key) % 2 == 0


@attrs.frozen
class WordScore:
    """Word precision, recall and F1 of one page, and the time taken."""

    precision: float
    recall: float
    f1: float
    ms: float


def load_wcxb(root: Path = WCXB, limit: int = 0) -> list[WcxbPage]:
    """The WCXB pages sorted by id; with *limit*, every k-th page, *limit* in all."""
    paths = sorted((root / "ground-truth").glob("*.json"))
    if limit:
        paths = paths[:: max(1, len(paths) // limit)][:limit]
    pages = []
    for path in paths:
        record = json.loads(path.read_text(encoding="utf-8"))
        truth = record["ground_truth"]
        html = gzip.decompress((root / "html" / f"{path.stem}.html.gz").read_bytes())
        pages.append(
            WcxbPage(
                path.stem,
                record.get("url", ""),
                record["_internal"]["page_type"]["primary"],
                html,
                truth.get("main_content") or "",
                truth.get("main_content_markdown") or "",
                (truth.get("publish_date") or "")[:10],
                truth.get("author") or "",
            )
        )
    return pages


def word_f1(truth: str, prediction: str) -> tuple[float, float, float]:
    """WCXB's metric: precision, recall and F1 over multisets of lower-cased words.

    >>> word_f1("The cat sat", "the cat")
    (1.0, 0.6666666666666666, 0.8)
    """
    expected = Counter(_TOKEN_RE.findall(truth.lower()))
    predicted = Counter(_TOKEN_RE.findall(prediction.lower()))
    if not expected and not predicted:
        return 1.0, 1.0, 1.0
    if not expected or not predicted:
        return 0.0, 0.0, 0.0
    tp = sum((expected & predicted).values())
    if not tp:
        return 0.0, 0.0, 0.0
    precision, recall = tp / sum(predicted.values()), tp / sum(expected.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def run_trafilatura_wcxb(html: bytes, _url: str) -> str:
    """trafilatura as the WCXB README ran it: default options, the page decoded as UTF-8."""
    import trafilatura  # noqa: PLC0415 (optional bench dependency)

    return trafilatura.extract(html.decode("utf-8", "replace")) or ""


def run_ingest_markdown(html: bytes, url: str) -> str:
    """ingest's markdown output."""
    return extract_html(html, url=url, output="markdown").text


WCXB_EXTRACTORS: Final[dict[str, Extractor]] = {
    "ingest": run_ingest,
    "trafilatura": run_trafilatura_wcxb,
    "readability": run_readability,
}


def score_wcxb(
    extract: Extractor, pages: list[WcxbPage], *, markdown: bool = False
) -> dict[str, WordScore]:
    """Run *extract* on every page; score each against its text (or markdown)."""
    scores = {}
    for page in pages:
        start = time.perf_counter()
        try:
            text = extract(page.html, page.url)
        except Exception as exc:  # noqa: BLE001 (a crashing page scores as empty output)
            text = ""
            print(f"  {page.key} raised {type(exc).__name__}: {exc}")
        ms = (time.perf_counter() - start) * 1000
        scores[page.key] = WordScore(
            *word_f1(page.markdown if markdown else page.truth, text), ms=ms
        )
    return scores


def _mean(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f}" if values else "-"


def _split_table(
    results: dict[str, dict[str, WordScore]], label: str, pages: list[WcxbPage], kinds: list[str]
) -> None:
    """One split's table: F1 per page type, P, R, lost pages, median ms."""
    names = list(results)
    print(f"\n{label}: mean word F1")
    print(f"{'':<22}" + "".join(f"{name:>13}" for name in names))

    def row(title: str, cell: Callable[[dict[str, WordScore]], str]) -> None:
        print(f"{title:<22}" + "".join(f"{cell(results[name]):>13}" for name in names))

    def mean_f1(group: list[WcxbPage]) -> Callable[[dict[str, WordScore]], str]:
        return lambda got: _mean([got[page.key].f1 for page in group])

    for kind in ["all", *kinds]:
        group = [page for page in pages if kind in {"all", page.kind}]
        row(f"{kind} ({len(group)})", mean_f1(group))
    row("precision", lambda got: _mean([got[page.key].precision for page in pages]))
    row("recall", lambda got: _mean([got[page.key].recall for page in pages]))
    row(f"F1 < {LOST}", lambda got: str(sum(got[page.key].f1 < LOST for page in pages)))
    row(
        "median ms/page",
        lambda got: f"{statistics.median(got[page.key].ms for page in pages):.1f}",
    )


def print_wcxb(results: dict[str, dict[str, WordScore]], pages: list[WcxbPage]) -> None:
    """Per split (all, tuning half, held-out half) the table; then the lost pages' ids."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"WCXB dev, {len(pages)} pages ({os.cpu_count()} CPUs, load {load})")
    kinds = sorted({page.kind for page in pages})
    _split_table(results, "all pages", pages, kinds)
    _split_table(results, "tuning half (even ids)", [page for page in pages if page.tuning], kinds)
    _split_table(
        results, "held-out half (odd ids)", [page for page in pages if not page.tuning], kinds
    )
    for name, scores in results.items():
        lost = [page.key for page in pages if scores[page.key].f1 < LOST]
        print(f"\n{name}: {len(lost)} pages below {LOST}: {' '.join(lost)}")


def print_page_meta(pages: list[WcxbPage], extractors: list[str]) -> None:
    """How often ingest's ``meta["page_type"]`` is the benchmark's type (per half, and per
    type the share given it and the commonest other answers); then, for ingest and (when
    it ran) trafilatura's metadata, how often the publication day is the benchmark's
    ``publish_date`` and the author its ``author``."""
    docs = {page.key: extract_html(page.html, url=page.url).meta for page in pages}
    given = {key: str(meta.get("page_type")) for key, meta in docs.items()}
    halves = [p for p in pages if p.tuning], [p for p in pages if not p.tuning]

    def accuracy(group: list[WcxbPage]) -> str:
        return f"{sum(given[p.key] == p.kind for p in group) / len(group):.3f}" if group else "-"

    print(
        f'\ningest meta["page_type"] = the benchmark\'s type: all {accuracy(pages)}, '
        f"tuning half {accuracy(halves[0])}, held-out half {accuracy(halves[1])}"
    )
    for kind in sorted({page.kind for page in pages}):
        group = [p for p in pages if p.kind == kind]
        others = Counter(given[p.key] for p in group if given[p.key] != kind).most_common(2)
        wrong = ", ".join(f"{name} {count}" for name, count in others)
        print(f"  {kind:<14} {accuracy(group)} of {len(group)}; else {wrong or '-'}")
    found = {
        "ingest": {
            key: (str(meta.get("published") or "")[:10], _name(str(meta.get("author") or "")))
            for key, meta in docs.items()
        }
    }
    if "trafilatura" in extractors:
        found["trafilatura"] = _trafilatura_meta(pages)
    fields = (
        ("publication day", "another day", 0, lambda p: p.published, str.__eq__),
        ("author (one name holds the other)", "another name", 1, lambda p: _name(p.author),
         _same_name),
    )  # fmt: skip
    for title, other, at, truth_of, same in fields:
        print(f"{title}, against the benchmark's:")
        for name, said in found.items():
            for label, group in (("tuning half", halves[0]), ("held-out half", halves[1])):
                known = [p for p in group if truth_of(p)]
                right = sum(
                    bool(said[p.key][at]) and same(said[p.key][at], truth_of(p)) for p in known
                )
                missing = sum(not said[p.key][at] for p in known)
                extra = sum(bool(said[p.key][at]) for p in group if not truth_of(p))
                print(
                    f"  {name:<12} {label:<14} {right} of {len(known)} right "
                    f"({right / max(1, len(known)):.3f}), {missing} missing, "
                    f"{len(known) - right - missing} {other}; {extra} where the benchmark has none"
                )


def _trafilatura_meta(pages: list[WcxbPage]) -> dict[str, tuple[str, str]]:
    """trafilatura's date and author of each page (its metadata extraction, htmldate)."""
    import trafilatura  # noqa: PLC0415 (optional bench dependency)

    found = {}
    for page in pages:
        try:
            doc = trafilatura.bare_extraction(
                page.html.decode("utf-8", "replace"), with_metadata=True
            )
        except Exception:  # noqa: BLE001 (a crashing page has no metadata)
            doc = None
        date = str(getattr(doc, "date", None) or "")[:10]
        found[page.key] = (date, _name(str(getattr(doc, "author", None) or "")))
    return found


def _name(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").replace(";", " ").split())


def _same_name(said: str, truth: str) -> bool:
    """Whether one name holds the other ("jane doe" and "by jane doe, reporter")."""
    return said in truth or truth in said


def run_wcxb(args: argparse.Namespace) -> None:
    """The WCXB tables; with ``--per-page``, every page's scores as JSON lines."""
    pages = load_wcxb(args.data or WCXB, args.limit)
    results: dict[str, dict[str, WordScore]] = {}
    for name in args.only or list(WCXB_EXTRACTORS):
        extract = WCXB_EXTRACTORS[name]
        extract(pages[0].html, pages[0].url)  # warm imports and caches outside the timing
        results[name] = score_wcxb(extract, pages)
    if args.markdown:
        results["ingest md"] = score_wcxb(run_ingest_markdown, pages, markdown=True)
    print_wcxb(results, pages)
    if "ingest" in results:
        print_page_meta(pages, list(results))
    if args.per_page:
        with args.per_page.open("w", encoding="utf-8") as out:
            for name, scores in results.items():
                for page in pages:
                    line = {"extractor": name, "id": page.key, "type": page.kind}
                    line.update(attrs.asdict(scores[page.key]))
                    out.write(json.dumps(line) + "\n")


def main() -> None:
    """Parse arguments, run the extractors, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dataset", choices=["scrapinghub", "wcxb"], default="scrapinghub")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--per-page", type=Path)
    parser.add_argument("--data", type=Path, help="the dataset's directory, if not the default")
    parser.add_argument("--limit", type=int, default=0, help="wcxb: score N pages spread evenly")
    parser.add_argument(
        "--markdown", action="store_true", help="wcxb: also score ingest's markdown output"
    )
    parser.add_argument(
        "--published", action="store_true", help="score the saved outputs of other systems"
    )
    args = parser.parse_args()
    if args.dataset == "wcxb":
        run_wcxb(args)
        return
    if args.published:
        score_published(args.data or DATA)
        return
    pages = load_pages(args.data or DATA)
    per_page: list[dict[str, object]] = []
    rows = []
    for name in args.only or list(EXTRACTORS):
        extract = EXTRACTORS[name]
        extract(pages[0].html, pages[0].url)  # warm imports and caches outside the timing
        rows.append(evaluate(name, extract, pages, args.repeat, per_page))
    print_table(rows, len(pages))
    if args.per_page:
        with args.per_page.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(line) + "\n" for line in per_page)


if __name__ == "__main__":
    main()
