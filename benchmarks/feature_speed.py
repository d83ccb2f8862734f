"""The feature step with the paraphrase signal on real text: this tree against another, in one run.

Usage: ``python benchmarks/feature_speed.py [--baseline SRC ...] [--rounds 5]
[--scale-docs 5000]``

The documents are the news set's real articles (``benchmarks/news_set.py``: 977
WCXB and article-extraction bodies and the seeds, ~10 MB, 37% of it non-ASCII).
Timed, in CPU seconds of one process (the machine may be shared: wall time
under load says little), the best of ``--rounds`` rounds:

* ``compute_features`` at default options (everything ``DuplicateIndex.extend``
  computes before LSH: words, shingles, signatures, language, sentences, content
  terms, sentence signatures), from documents that do not say their language
  (identified here) and from documents whose ``meta["language"]`` says it (as the
  pipeline hands them over since it identifies the language before cleaning);
* its parts: language identification (one text at a time), ``sentences``,
  ``sentence_terms`` (the reference path; ``compute_features`` now cuts sentences on
  the word stream and identifies a batch's languages at once).

* ``compute_features`` on the first ``--scale-docs`` documents of the real-text
  corpus of ``benchmarks/scale.py`` (windows of 5-12 paragraphs of WCXB pages with
  word swaps: many short documents of one vocabulary, as a news feed's copies are),
  built once by this tree and read by every tree's rounds.

Each step starts with no word's content terms cached (the cache across batches
that an index's repeated ``extend`` calls keep warm is emptied before each).

With ``--baseline SRC`` (a ``src`` directory of another checkout, for example
``git archive main src | tar -x -C /tmp/main``; give it more than once to compare
several) each round runs each baseline's and this tree's code in turn, each in its
own process, and all are printed with this tree's speed-up over each. A step that
a baseline does not have (the language came with issue 18) is printed as ``-``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

from scale import ROOT, iter_real_text

#: Run in a fresh process with ``PYTHONPATH`` at the tree measured: one round.
_ROUND: Final = """
import json, sys, time
sys.path.insert(0, {benchmarks!r})
import attrs
from news_set import _articles
from ingest import DedupOptions, Document
from ingest.core._text import sentences
from ingest.dedup._features import compute_features

docs = _articles()
options = DedupOptions()
compute_features(docs[:8], options)  # models and permutations loaded
texts = [d.text for d in docs]
try:  # a tree from before issue 18 knows no language
    from ingest.core._language import document_language
    from ingest.core._text import sentence_terms
except ImportError:
    document_language = sentence_terms = None
else:
    languages = [document_language(d) for d in docs]
    said = [attrs.evolve(d, meta=d.meta | {{"language": l}}) for d, l in zip(docs, languages)]

def cpu(work):
    import importlib
    for name in ("ingest.core._text", "ingest.dedup._features", "ingest.dedup._terms"):
        try:  # the module that keeps the words' terms, in each tree
            cache = getattr(importlib.import_module(name), "_TERMS", None)
        except ImportError:
            cache = None
        if cache is not None:  # each step starts with no words' terms cached
            cache.clear()
    start = time.process_time()
    work()
    return time.process_time() - start

timed = {{"compute_features": cpu(lambda: compute_features(docs, options))}}
if document_language is not None:
    timed["compute_features, language said"] = cpu(lambda: compute_features(said, options))
    timed["language identification"] = cpu(lambda: [document_language(d) for d in docs])
timed["sentences"] = cpu(lambda: [sentences(t) for t in texts])
if sentence_terms is not None:
    timed["sentence_terms"] = cpu(lambda: sentence_terms(texts, languages))
timed["megabytes"] = sum(len(t.encode()) for t in texts) / 1e6
scale = [Document(f"real-{{i}}", t) for i, t in enumerate(json.loads(open({scale!r}).read()))]
timed[f"compute_features, {{len(scale):,}} scale documents"] = cpu(
    lambda: compute_features(scale, options)
)
print(json.dumps(timed))
"""


def _round(src: Path, scale: Path) -> dict[str, float]:
    code = _ROUND.format(benchmarks=str(ROOT / "benchmarks"), scale=str(scale))
    env = {"PYTHONPATH": str(src), "PATH": ""}
    out = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline",
        type=Path,
        action="append",
        default=[],
        help="the src directory of another checkout (repeat for several)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale-docs", type=int, default=5000)
    parser.add_argument("--wcxb", type=Path, default=ROOT.parent / "shared/benchmarks/wcxb")
    args = parser.parse_args()
    trees = {_name(src): src.resolve() for src in args.baseline}
    trees["this tree"] = ROOT / "src"
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory(prefix="feature-speed-") as tmp:
        scale = Path(tmp) / "scale.json"
        windows = iter_real_text(args.scale_docs, 1, args.wcxb)
        scale.write_text(json.dumps([doc.text for doc, _ in windows]), encoding="utf-8")
        for _ in range(args.rounds):
            for name, src in trees.items():
                for key, seconds in _round(src, scale).items():
                    best[name][key] = min(best[name].get(key, seconds), seconds)
    megabytes = max(values.pop("megabytes") for values in best.values())
    baselines = [name for name in trees if name != "this tree"]
    print(f"real text: {megabytes:.1f} MB; CPU seconds, best of {args.rounds} rounds")
    header = "".join(f"{name:>14}" for name in trees)
    ratios = "".join(f"{'vs ' + name:>16}" for name in baselines)
    print(f"  {'':<42}{header}{ratios}")
    for key in best["this tree"]:
        cells = "".join(_cell(best[name].get(key), ".3f") for name in trees)
        ours = best["this tree"][key]
        speedups = "".join(
            _cell(best[name][key] / ours if key in best[name] else None, ".2f", "x", 16)
            for name in baselines
        )
        print(f"  {key:<42}{cells}{speedups}")


def _name(src: Path) -> str:
    """A baseline's column: the name of the directory that holds its ``src``."""
    return src.resolve().parent.name or str(src)


def _cell(value: float | None, spec: str, unit: str = "", width: int = 14) -> str:
    return f"{'-':>{width}}" if value is None else f"{format(value, spec) + unit:>{width}}"


if __name__ == "__main__":
    main()
