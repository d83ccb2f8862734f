"""Quality of ingest's duplicate detection, on three data sets in one run.

Usage: ``python benchmarks/dedup_quality.py [--no-sweeps]``

* **Clough & Stevenson** (``shared/benchmarks/clough_stevenson``): 5 source
  texts and 95 answers. Gold: a task's source with its ``cut``, ``light`` and
  ``heavy`` answers is one cluster; every ``non`` answer is a singleton.
  Printed: adjusted Rand index of :func:`ingest.find_duplicates` against the
  gold, and per category the share of answers clustered with their source.
* **MRPC** (``shared/benchmarks/mrpc``, test split, 1,725 sentence pairs):
  F1 and accuracy of the paraphrase signal on single sentences (each
  sentence a document; ``kinds={"paraphrase"}``, ``min_aligned_sentences=1``),
  twice: through :func:`ingest.find_duplicates` at default options (LSH
  candidates, then verification), and as the exact sentence score alone
  (the core's ``verify``, every pair) with ``sentence_threshold`` chosen on
  the train split.
* **Seeds** (``seeds/``): five different articles on one story; every pair
  found is a false positive.
* **News** (``benchmarks/news_set.py``, ``benchmarks/data/news``): 969 real
  articles (every pair of them merged is listed: a false merge unless the data
  holds the same article twice), 31 hand-written rewrites of real articles in 7
  languages (recall per strength and language, the ``tune`` and ``report``
  splits apart) and 24 syndication copies; pair precision per kind.

Then, unless ``--no-sweeps``, the threshold sweeps behind the defaults of
:class:`ingest.DedupOptions` (each field varied alone, the rest at default).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import time
from collections import Counter
from collections.abc import Sequence
from math import comb
from pathlib import Path
from typing import Final

import attrs
from news_set import NewsSet, counts, report

from ingest import DedupOptions, Document, find_duplicates
from ingest.dedup import verify
from ingest.dedup._features import DocFeatures, compute_features

ROOT: Final = Path(__file__).resolve().parents[1]
BENCHMARKS: Final = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
CLOUGH: Final = BENCHMARKS / "clough_stevenson" / "data"
MRPC: Final = BENCHMARKS / "mrpc"
CATEGORIES: Final = ("cut", "light", "heavy", "non")

#: Baselines and targets from issue 5 (datasketch, 128 permutations).
BASELINE: Final = "best plain MinHash baseline: ARI 0.82, cut 0.69 light 0.57 heavy 0.41 non 0.00"
TARGET: Final = "target: ARI >= 0.95, cut >= 0.89, light >= 0.90, heavy >= 0.80, non = 0"


def adjusted_rand_index(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The adjusted Rand index of two labellings of the same items (Hubert & Arabie).

    >>> adjusted_rand_index(["a", "a", "b"], ["x", "x", "y"])
    1.0
    """
    pairs = sum(comb(n, 2) for n in Counter(zip(gold, predicted, strict=True)).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold).values())
    predicted_pairs = sum(comb(n, 2) for n in Counter(predicted).values())
    expected = gold_pairs * predicted_pairs / comb(len(gold), 2)
    maximum = (gold_pairs + predicted_pairs) / 2
    if maximum == expected:
        return 1.0
    return (pairs - expected) / (maximum - expected)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


@attrs.frozen
class Clough:
    """The Clough & Stevenson corpus: documents, category and task of each file."""

    docs: list[Document]
    category: dict[str, str]
    task: dict[str, str]

    @classmethod
    def load(cls) -> Clough:
        with (CLOUGH / "file_information.csv").open(encoding="utf-8") as table:
            rows = list(csv.DictReader(table))
        docs = [Document(r["File"], _decode((CLOUGH / r["File"]).read_bytes())) for r in rows]
        return cls(
            sorted(docs, key=lambda d: d.name),
            {r["File"]: r["Category"] for r in rows},
            {r["File"]: r["Task"] for r in rows},
        )

    def score(self, options: DedupOptions) -> tuple[float, dict[str, float]]:
        """ARI and detection rate per category of *options* on the corpus."""
        cluster_of = {m.name: c.id for c in find_duplicates(self.docs, options) for m in c.members}
        names = [d.name for d in self.docs]
        gold = [n if self.category[n] == "non" else self.task[n] for n in names]
        ari = adjusted_rand_index(gold, [cluster_of[n] for n in names])
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for name in names:
            category = self.category[name]
            if category == "orig":
                continue
            total[category] += 1
            source = f"orig_task{self.task[name]}.txt"
            found[category] += cluster_of[name] == cluster_of[source]
        return ari, {c: found[c] / total[c] for c in CATEGORIES}

    def errors(self, options: DedupOptions) -> tuple[list[str], list[list[str]], list[str]]:
        """The derived answers not clustered with their source, the clusters that hold a
        ``non`` answer with any other document, and the ``non`` answers clustered with
        their task's source (the criterion: none)."""
        clusters = find_duplicates(self.docs, options)
        cluster_of = {m.name: c for c in clusters for m in c.members}
        missed = [
            name
            for name, category in sorted(self.category.items())
            if category in {"cut", "light", "heavy"}
            and cluster_of[name] is not cluster_of[f"orig_task{self.task[name]}.txt"]
        ]
        merged = [
            [f"{m.name} ({self.category[m.name]})" for m in c.members]
            for c in clusters
            if len(c.members) > 1 and any(self.category[m.name] == "non" for m in c.members)
        ]
        with_source = [
            name
            for name, category in sorted(self.category.items())
            if category == "non"
            and cluster_of[name] is cluster_of[f"orig_task{self.task[name]}.txt"]
        ]
        return missed, merged, with_source


def _format(ari: float, rates: dict[str, float]) -> str:
    detail = " ".join(f"{c} {rates[c]:.2f}" for c in CATEGORIES)
    return f"ARI {ari:.3f}  detection {detail}"


def mrpc_pairs(split: str = "test") -> list[tuple[bool, str, str]]:
    """MRPC pairs as (paraphrase?, sentence 1, sentence 2); tab-separated, no quoting."""
    lines = (MRPC / f"msr_paraphrase_{split}.txt").read_text(encoding="utf-8-sig").splitlines()
    pairs = []
    for line in lines[1:]:
        quality, _, _, first, second = line.split("\t")
        pairs.append((quality == "1", first, second))
    return pairs


def mrpc_score(pairs: list[tuple[bool, str, str]], options: DedupOptions) -> tuple[float, float]:
    """F1 and accuracy of the paraphrase signal on single-sentence documents."""
    sentence_options = attrs.evolve(options, kinds={"paraphrase"}, min_aligned_sentences=1)
    counts: Counter[tuple[bool, bool]] = Counter()
    for gold, first, second in pairs:
        clusters = find_duplicates([Document("1", first), Document("2", second)], sentence_options)
        counts[gold, len(clusters) == 1] += 1
    tp, fp, fn = counts[True, True], counts[False, True], counts[True, False]
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, (tp + counts[False, False]) / len(pairs)


MrpcFeatures = list[tuple[bool, DocFeatures, DocFeatures]]


def mrpc_features(split: str) -> MrpcFeatures:
    """MRPC pairs as (paraphrase?, features of sentence 1, features of sentence 2)."""
    pairs = mrpc_pairs(split)
    docs = [
        Document(f"{k}{side}", text) for k, p in enumerate(pairs) for side, text in enumerate(p[1:])
    ]
    features = compute_features(docs, DedupOptions())
    return [(gold, features[2 * k], features[2 * k + 1]) for k, (gold, _, _) in enumerate(pairs)]


def mrpc_exact_score(data: MrpcFeatures, sentence_threshold: float) -> tuple[float, float]:
    """F1 and accuracy of the exact sentence score: the core's ``verify`` on every pair
    (no LSH), ``kinds={"paraphrase"}``, ``min_aligned_sentences=1``."""
    options = DedupOptions(
        kinds={"paraphrase"}, min_aligned_sentences=1, sentence_threshold=sentence_threshold
    )
    counts: Counter[tuple[bool, bool]] = Counter()
    for gold, first, second in data:
        counts[gold, verify(first, second, (), options) is not None] += 1
    tp, fp, fn = counts[True, True], counts[False, True], counts[True, False]
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, (tp + counts[False, False]) / len(data)


MRPC_THRESHOLDS: Final = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def seed_report(options: DedupOptions) -> None:
    """The pairs found among the seeds, and the paraphrase share of every pair."""
    seeds = [
        Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("seeds/*.txt"))
    ]
    found = [c for c in find_duplicates(seeds, options) if len(c.members) > 1]
    pairs = [(m.name, c.members[0].name, m.evidence) for c in found for m in c.members[1:]]
    print(f"seeds: {len(seeds)} articles, {len(pairs)} pair(s) found (target: none)")
    for pair in pairs:
        print(f"  {pair}")
    loose = attrs.evolve(options, kinds={"paraphrase"}, paraphrase_threshold=0.01)
    paraphrase = ROOT / "fixtures" / "dedup" / "paraphrase_of_004.txt"
    docs = [*seeds, Document(paraphrase.name, paraphrase.read_text(encoding="utf-8"))]
    shares = []
    for a, b in itertools.combinations(docs, 2):
        [*clusters] = find_duplicates([a, b], loose)
        evidence = clusters[0].members[1].evidence if len(clusters) == 1 else None
        shares.append((a.name[:3], b.name[:3], evidence.exact if evidence else 0.0))
    seed_shares = [s for a, b, s in shares if "par" not in (a, b)]
    para_share = max(s for a, b, s in shares if b == "par" and a == "004")
    print(
        f"  share of sentences aligned: seed pairs max {max(seed_shares):.2f}; "
        f"hand-written paraphrase of 004: {para_share:.2f}"
    )


_BOILERPLATE: Final = (
    "Home | World | Business | Tech | Opinion\nAdvertisement\n\n",
    "\n\nSubscribe to our newsletter. Share this article. (c) 2025 Example News.\n",
)


def near_sweep(thresholds: Sequence[float], rates: Sequence[float], seed: int = 5) -> None:
    """Detection of edited copies of the seeds as ``near`` per threshold.

    Each seed gets copies with site boilerplate around it and a share of its
    words replaced at random; a copy counts as found when it is clustered
    with its seed using only ``exact`` and ``near``. Pairs of different seeds
    found are false positives.
    """
    rng = random.Random(seed)
    seeds = [
        Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("seeds/*.txt"))
    ]
    vocabulary = sorted({w for d in seeds for w in d.text.split()})
    copies: dict[float, list[Document]] = {}
    for rate in rates:
        copies[rate] = []
        for doc in seeds:
            words = doc.text.split(" ")
            for i in rng.sample(range(len(words)), int(rate * len(words))):
                words[i] = rng.choice(vocabulary)
            text = _BOILERPLATE[0] + " ".join(words) + _BOILERPLATE[1]
            copies[rate].append(Document(f"{doc.name}~{rate}", text))
    header = " ".join(f"{rate:>5.0%}" for rate in rates)
    print(f"near-duplicate sweep: seeds + boilerplate + share of words replaced: {header}")
    for threshold in thresholds:
        options = DedupOptions(kinds={"exact", "near"}, near_threshold=threshold)
        cells = []
        for rate in rates:
            clusters = find_duplicates([*seeds, *copies[rate]], options)
            found = sum(
                1
                for c in clusters
                for m in c.members
                if "~" in m.name and any(o.name == m.name.split("~")[0] for o in c.members)
            )
            cells.append(f"{found / len(seeds):>5.2f}")
        seed_pairs = sum(len(c.members) - 1 for c in find_duplicates(seeds, options))
        mark = "  <- default" if threshold == DedupOptions().near_threshold else ""
        found_row = " ".join(cells)
        print(f"  near_threshold {threshold:>4}  found {found_row}  seed pairs {seed_pairs}{mark}")


def news_report(options: DedupOptions, *, sweep: bool) -> None:
    """The news set at *options*, and at each sentence threshold if *sweep*."""
    news = NewsSet.load()
    print(f"News: {counts(news)}, default options")
    report(news.score(options))
    if sweep:
        for value in (0.35, 0.4, 0.45, 0.5):
            print(f"News, sentence_threshold {value}:")
            report(news.score(attrs.evolve(options, sentence_threshold=value)), verbose=False)


SWEEPS: Final = {
    "containment_threshold": (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "sentence_threshold": (0.3, 0.35, 0.4, 0.45, 0.46, 0.5, 0.52, 0.55, 0.6),
    "paraphrase_threshold": (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
    "sentence_window": (1, 2, 3, 4),
    "min_aligned_sentences": (1, 2, 3, 4, 5),
    "near_threshold": (0.3, 0.5, 0.7, 0.9),
    "shingle_size": (2, 3, 4, 5, 6, 8),
    "num_perm": (64, 128, 256),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-sweeps", action="store_true", help="skip the threshold sweeps")
    parser.add_argument(
        "--news-sweep", action="store_true", help="the news set at each sentence_threshold"
    )
    args = parser.parse_args()
    options = DedupOptions()
    started = time.perf_counter()

    clough = Clough.load()
    print(f"Clough & Stevenson: {len(clough.docs)} documents, default options")
    print(f"  ingest: {_format(*clough.score(options))}")
    for kinds in (("exact", "near"), ("exact", "near", "containment"), ("paraphrase",)):
        score = clough.score(attrs.evolve(options, kinds=set(kinds)))
        print(f"  kinds {'+'.join(kinds):<27} {_format(*score)}")
    print(f"  {BASELINE}")
    print(f"  {TARGET}")
    missed, merged, with_source = clough.errors(options)
    print(f"  derived answers not with their source: {', '.join(missed)}")
    print(f"  'non' answers with their task's source: {', '.join(with_source) or 'none'}")
    for cluster in merged:
        print(f"  cluster with a 'non' answer: {', '.join(cluster)}")

    pairs = mrpc_pairs("test")
    positives = sum(gold for gold, _, _ in pairs)
    f1, accuracy = mrpc_score(pairs, options)
    all_positive_f1 = 2 * positives / (positives + len(pairs))
    print(f"MRPC test: {len(pairs)} pairs ({positives} paraphrases)")
    threshold = options.sentence_threshold
    print(
        f"  paraphrase signal (sentence_threshold {threshold}): F1 {f1:.3f} accuracy {accuracy:.3f}"
    )
    print(
        f"  all-positive baseline: F1 {all_positive_f1:.3f} accuracy {positives / len(pairs):.3f}"
    )
    print("  baseline from the issue (datasketch): F1 0.81")
    train, test = mrpc_features("train"), mrpc_features("test")
    chosen = max(MRPC_THRESHOLDS, key=lambda t: mrpc_exact_score(train, t)[0])
    f1, accuracy = mrpc_exact_score(test, chosen)
    print(
        f"  exact sentence score, sentence_threshold {chosen} (best F1 on the train split): "
        f"F1 {f1:.3f} accuracy {accuracy:.3f}"
    )

    seed_report(options)

    news_report(options, sweep=args.news_sweep)

    if not args.no_sweeps:
        print("sweeps on Clough & Stevenson (one field varied, others at default):")
        for field, values in SWEEPS.items():
            default = getattr(options, field)
            for value in values:
                mark = "  <- default" if value == default else ""
                changed: dict[str, object] = {field: value}
                score = clough.score(attrs.evolve(options, **changed))  # type: ignore[arg-type]
                print(f"  {field:<22} {value!s:>5}  {_format(*score)}{mark}")
        near_sweep((0.5, 0.6, 0.7, 0.8, 0.9), (0.0, 0.01, 0.02, 0.03, 0.05, 0.08))
        print("sweep of sentence_threshold on MRPC (F1, accuracy): index on test; exact score")
        for value in sorted({*SWEEPS["sentence_threshold"], *MRPC_THRESHOLDS}):
            f1, accuracy = mrpc_score(pairs, attrs.evolve(options, sentence_threshold=value))
            train_f1, _ = mrpc_exact_score(train, value)
            test_f1, test_accuracy = mrpc_exact_score(test, value)
            mark = "  <- default" if value == options.sentence_threshold else ""
            print(
                f"  sentence_threshold {value:>5}  index F1 {f1:.3f} accuracy {accuracy:.3f}"
                f"  exact: train F1 {train_f1:.3f}, test F1 {test_f1:.3f} "
                f"accuracy {test_accuracy:.3f}{mark}"
            )
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
