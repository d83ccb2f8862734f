"""Verification's cost per candidate pair on real text, its calls replayed.

Usage: ``python benchmarks/verification.py [--after 30000] [--docs 400] [--repeat 5]
[--wcxb DIR]``

The real-text corpus of ``benchmarks/scale.py`` (seed 1: each document a window of
a WCXB page with word swaps, families of copies growing with the corpus) is made in
memory. Its first ``--after`` documents are indexed with every kind
(``DuplicateIndex.extend``); then the next ``--docs`` are added while the index's
calls are recorded with their arguments and results: the screen of each document's
candidates (``screen_candidates``: their shingle overlaps, the kinds on sets ruled
out, the bounds of the sentence alignment, read from the index's columns by
position) and the alignments of the pairs that pass the bounds (``verify`` for
``paraphrase``).

Each kind of call is then replayed ``--repeat`` times, with the compiled kernels
(``ingest[fast]``) and with numpy only, every result checked equal to the one
recorded; the best time of each is printed per pair. Where a document's time goes
once its candidates are many (docs/log/one-process.md, "Session 26"): the index's
own ``IndexStats`` times whole stages, this the calls within them, and a change to
one of them can be measured in seconds instead of a run of 100,000 documents.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scale import ROOT, iter_real_text

from ingest import DedupOptions, DuplicateIndex
from ingest.dedup import _align, _chance, _index, _shingle, _verify, kernels_available
from ingest.dedup._features import DocFeatures
from ingest.dedup._store import Spans
from ingest.dedup._verify import Link, Screen

_Call = tuple[Any, ...]


def record(after: int, docs: int, wcxb: Path) -> dict[str, list[_Call]]:
    """Index *after* documents, then record the index's calls while it adds *docs* more
    (a screen's spans read the index's columns: rows once added do not change)."""
    corpus = [doc for doc, _ in iter_real_text(after + docs, 1, wcxb)]
    calls: dict[str, list[_Call]] = {"screens": [], "alignments": []}
    if not kernels_available():  # without numba an index keeps no columns to screen
        raise SystemExit("numba is not installed: pip install 'ingest[fast]'")
    index = DuplicateIndex(DedupOptions())
    started = time.perf_counter()
    index.extend(corpus[:after])
    print(f"indexed {after:,} documents in {time.perf_counter() - started:.1f} s", flush=True)
    names = ("screen_candidates", "verify")
    originals = {name: getattr(_index, name) for name in names}
    screen, verify = originals.values()

    def recorded_screen(a: DocFeatures, spans: Spans, options: Any, bounded: Any) -> Screen:
        found: Screen = screen(a, spans, options, bounded)
        calls["screens"].append((a, spans, bounded.copy(), found))
        return found

    def recorded_verify(a: DocFeatures, b: DocFeatures, pairs: Any, options: Any, **kw: Any) -> Any:
        link = verify(a, b, pairs, options, **kw)
        if kw.get("kinds") == ("paraphrase",):
            estimate = kw.get("estimate", True)  # extend's are made without (evidence only)
            calls["alignments"].append((a, b, list(pairs), kw.get("bound"), estimate, link))
        return link

    for name, wrapper in zip(names, (recorded_screen, recorded_verify), strict=True):
        setattr(_index, name, wrapper)
    try:
        index.extend(corpus[after:])
    finally:
        for name, original in originals.items():
            setattr(_index, name, original)
    return calls


def _check(same: bool, what: str) -> None:  # noqa: FBT001
    """Stop when a replayed call's result is not the recorded one."""
    if not same:
        raise SystemExit(f"replayed {what} differ from the recorded ones")


def replay(calls: dict[str, list[_Call]], repeat: int) -> dict[str, tuple[float, int]]:
    """The best seconds of each kind of call over *repeat* replays, and its pairs."""
    options = DedupOptions()

    def screens() -> None:
        for a, spans, bounded, found in calls["screens"]:
            again = _verify.screen_candidates(a, spans, options, bounded)
            _check(again.commons.tolist() == found.commons.tolist(), "overlaps")
            _check(again.sized_out == found.sized_out, "overlaps ruled out by their sizes")
            _check(again.possible.tolist() == found.possible.tolist(), "kinds on sets")
            _check(again.bounds.tolist() == found.bounds.tolist(), "bounds")

    def alignments() -> None:
        for a, b, pairs, bound, estimate, link in calls["alignments"]:
            again: Link | None = _verify.verify(
                a, b, pairs, options, kinds=("paraphrase",), bound=bound, estimate=estimate
            )
            _check(repr(again) == repr(link), "alignment's link")

    sizes = {
        "screens": sum(len(spans) for _, spans, _, _ in calls["screens"]),
        "alignments": len(calls["alignments"]),
    }
    timed: dict[str, Callable[[], None]] = {"screens": screens, "alignments": alignments}
    best = {}
    for name, run in timed.items():
        run()  # the kernels loaded, the caches warm
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        best[name] = (min(seconds), sizes[name])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--after", type=int, default=30_000)
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wcxb", type=Path, default=ROOT.parent / "shared/benchmarks/wcxb")
    args = parser.parse_args()
    calls = record(args.after, args.docs, args.wcxb)
    linked = sum(link is not None for *_, link in calls["alignments"])
    print(
        f"recorded {args.docs:,} documents: {len(calls['alignments']):,} alignments"
        f" ({linked:,} links)"
    )
    print(f"{'':>12} {'call':>10} {'pairs':>9} {'seconds':>8} {'us a pair':>10}")
    modules = (_align, _chance, _shingle, _verify)
    for label, compiled in (("kernels", None), ("numpy only", lambda _name: None)):
        saved = [getattr(module, "compiled") for module in modules]  # noqa: B009
        if compiled is not None:
            for module in modules:
                setattr(module, "compiled", compiled)  # noqa: B010
        try:
            for name, (seconds, pairs) in replay(calls, args.repeat).items():
                print(
                    f"{label:>12} {name:>10} {pairs:>9,} {seconds:>8.3f}"
                    f" {seconds / max(pairs, 1) * 1e6:>10.2f}"
                )
        finally:
            for module, original in zip(modules, saved, strict=True):
                setattr(module, "compiled", original)  # noqa: B010


if __name__ == "__main__":
    main()
