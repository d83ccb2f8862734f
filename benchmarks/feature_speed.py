"""The feature step with the paraphrase signal on real text: this tree against another, in one run.

Usage: ``python benchmarks/feature_speed.py [--baseline SRC] [--rounds 5]``

The documents are the news set's real articles (``benchmarks/news_set.py``: 977
WCXB and article-extraction bodies and the seeds, ~10 MB, 37% of it non-ASCII).
Timed, in CPU seconds of one process (the machine may be shared: wall time
under load says little), the best of ``--rounds`` rounds:

* ``compute_features`` at default options (everything ``DuplicateIndex.extend``
  computes before LSH: words, shingles, signatures, language, sentences, content
  terms, sentence signatures), from documents that do not say their language
  (identified here) and from documents whose ``meta["language"]`` says it (as the
  pipeline hands them over since it identifies the language before cleaning);
* its parts: language identification, ``sentences``, ``sentence_terms``.

Each step starts with no word's content terms cached (the cache across batches
that an index's repeated ``extend`` calls keep warm is emptied before each).

With ``--baseline SRC`` (a ``src`` directory of another checkout, for example
``git archive main src | tar -x -C /tmp/main``) each round runs the baseline's
and this tree's code alternately, each in its own process, and both are printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]

#: Run in a fresh process with ``PYTHONPATH`` at the tree measured: one round.
_ROUND: Final = """
import json, sys, time
sys.path.insert(0, {benchmarks!r})
import attrs
from news_set import _articles
from ingest import DedupOptions
from ingest.core._language import document_language
from ingest.core._text import sentence_terms, sentences
from ingest.dedup._features import compute_features

docs = _articles()
options = DedupOptions()
compute_features(docs[:8], options)  # models and permutations loaded
texts = [d.text for d in docs]
languages = [document_language(d) for d in docs]
said = [attrs.evolve(d, meta=d.meta | {{"language": l}}) for d, l in zip(docs, languages)]

def cpu(work):
    from ingest.core import _text
    getattr(_text, "_TERMS", {{}}).clear()  # each step starts with no words' terms cached
    start = time.process_time()
    work()
    return time.process_time() - start

print(json.dumps({{
    "compute_features": cpu(lambda: compute_features(docs, options)),
    "compute_features, language said": cpu(lambda: compute_features(said, options)),
    "language identification": cpu(lambda: [document_language(d) for d in docs]),
    "sentences": cpu(lambda: [sentences(t) for t in texts]),
    "sentence_terms": cpu(lambda: sentence_terms(texts, languages)),
    "megabytes": sum(len(t.encode()) for t in texts) / 1e6,
}}))
"""


def _round(src: Path) -> dict[str, float]:
    code = _ROUND.format(benchmarks=str(ROOT / "benchmarks"))
    env = {"PYTHONPATH": str(src), "PATH": ""}
    out = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="the src directory of another checkout")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"this tree": ROOT / "src"}
    if args.baseline is not None:
        trees = {"baseline": args.baseline.resolve(), **trees}
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    for _ in range(args.rounds):
        for name, src in trees.items():
            for key, seconds in _round(src).items():
                best[name][key] = min(best[name].get(key, seconds), seconds)
    megabytes = next(iter(best.values())).pop("megabytes")
    for values in list(best.values())[1:]:
        values.pop("megabytes")
    print(f"real text: {megabytes:.1f} MB; CPU seconds, best of {args.rounds} rounds")
    header = "".join(f"{name:>12}" for name in trees)
    print(f"  {'':<34}{header}" + ("     speed-up" if len(trees) > 1 else ""))
    for key in best["this tree"]:
        cells = "".join(f"{best[name][key]:>12.3f}" for name in trees)
        ratio = (
            f"{best['baseline'][key] / best['this tree'][key]:>12.2f}x" if len(trees) > 1 else ""
        )
        print(f"  {key:<34}{cells}{ratio}")


if __name__ == "__main__":
    main()
