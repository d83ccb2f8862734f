"""Parser cost on the article-extraction pages: why lxml is the hot path.

Times, per page, building a tree with ``lxml.html`` (what ``extract_html`` does),
with BeautifulSoup on the lxml and on the html.parser tree builders, and the whole
of ``extract_html``; prints the median and p90 in milliseconds.

Run: ``python benchmarks/parsers.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import lxml.html
from bs4 import BeautifulSoup
from extraction import load_pages

from ingest import extract_html


def _lxml(html: bytes) -> object:
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True)
    return lxml.html.document_fromstring(html, parser=parser)


CANDIDATES: dict[str, Callable[[bytes], object]] = {
    "lxml.html": _lxml,
    "BeautifulSoup(lxml)": lambda html: BeautifulSoup(html, "lxml"),
    "BeautifulSoup(html.parser)": lambda html: BeautifulSoup(html, "html.parser"),
    "ingest.extract_html": extract_html,
}


def main() -> None:
    """Time each candidate on every page and print a table."""
    pages = [page.html for page in load_pages()]
    print(f"{'parser':<28} {'median ms':>9} {'p90 ms':>7}")
    for name, build in CANDIDATES.items():
        times = []
        for html in pages:
            start = time.perf_counter()
            build(html)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[int(0.9 * len(times))]
        print(f"{name:<28} {statistics.median(times):>9.1f} {p90:>7.1f}")


if __name__ == "__main__":
    main()
