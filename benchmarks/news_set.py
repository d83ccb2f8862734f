"""The news evaluation set of ``dedup_quality.py`` (issue 18): real articles and their copies.

* **Negatives**: the distinct real articles of ``shared/benchmarks/wcxb`` (``article``
  pages' ``main_content``) and ``shared/benchmarks/article-extraction`` (ground-truth
  bodies), and the five seeds, less the 8 articles that lend the syndication copies
  their new ledes and local paragraphs (such a copy holds text of two real articles and
  rightly joins both). Every pair of them in one cluster is a false merge.
* **Rewrites**: the hand-written rewrites of ``benchmarks/data/news`` (see its README),
  each a positive pair with its source, by strength, language and split.
* **Syndication copies**: made here with a fixed seed from real articles (truncation,
  a new headline and lede, inserted local paragraphs, boilerplate, paragraphs reordered,
  paragraphs split), each a positive pair with its source.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs

from ingest import Cluster, DedupOptions, Document, find_duplicates

ROOT: Final = Path(__file__).resolve().parents[1]
SHARED: Final = ROOT.parent / "shared" / "benchmarks"
NEWS: Final = ROOT / "benchmarks" / "data" / "news"
STRENGTHS: Final = ("light", "medium", "heavy")
SYNDICATION: Final = (
    "truncated",
    "new-lede",
    "local-paragraphs",
    "boilerplate",
    "reordered",
    "split",
)

_BOILERPLATE: Final = (
    "Home | World | Business | Tech | Opinion | Sport\nAdvertisement\n\n",
    (
        "\n\nSign up for our morning newsletter. Share this article on social media.\n"
        "Read more: the top stories of the day\n"
        "(c) 2025 Example Media Group. All rights reserved.\n"
    ),
)


#: Pairs of real articles that are duplicates in the data, checked by hand (the aligned
#: sentences or shared passages read): merged rightly, listed apart, not counted as false.
KNOWN_DUPLICATES: Final = {
    frozenset({"wcxb:0463", "wcxb:3035"}): "the same article twice (containment 0.95)",
    frozenset({"wcxb:4759", "wcxb:4761"}): "the same promotion terms (containment 0.53)",
    frozenset(
        {
            "article-extraction:dfd43bc0d46e7aaa78ba10fbcb5b9fdfe78771d36cb4c7497e17fb6f69170ec5",
            "article-extraction:57e2e98887a1965689955921208e32f410b10e2b95c907e74e57982d3edf3cc6",
        }
    ): "one my6sense press release, two outlets (its 'About my6sense' block and more)",
    frozenset(
        {
            "article-extraction:5211188428849a31e309ef2475746563ff788b1591c89818c08d5abedec4ef5e",
            "article-extraction:8cad00dc22de45ba42e9540421b5f78333f7ac57b385d69acb27a53b9fd69f0c",
        }
    ): "one Jeongdong Theater release, two sites (programme, staff and ticket lines)",
    frozenset(
        {
            "article-extraction:6ebac05f637ece8aa57c298a2a5e3a8047f546f855d0f29cc683cea60ce85c85",
            "article-extraction:7a457a4f71735c17b8b34fafc88835d225cf879b2d812311857a64cfc891eee9",
        }
    ): "one wire story (a threat to Rep. Omar), two outlets",
    frozenset(
        {
            "article-extraction:ac1bfdd4c510f679c58f1b62101630d40fda20a16703235ae0f56b65a465e423",
            "article-extraction:9cb8224b660f36c932823ab613fb76a07928fcbc41956c4c1f96f4ecab9202aa",
        }
    ): "one Doobie Brothers tour release, two outlets",
    frozenset(
        {
            "article-extraction:06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
            "article-extraction:1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892",
        }
    ): "a rewrite of a Reuters story (WeWork) that cites Reuters, its quotes the same",
    frozenset({"wcxb:0331", "wcxb:0333"}): (
        "two write-ups of one J.D. Power press release, the same figures sentence by sentence"
    ),
}


@attrs.frozen
class Positive:
    """A document that is a copy or rewrite of a real article.

    Attributes:
        doc: The copy.
        source: The id of the real article it comes from.
        kind: The rewrite strength (``light``, ``medium``, ``heavy``) or the
            syndication transformation.
        language: The language of the source (from ``rewrites.toml`` or ``en``).
        split: ``tune`` or ``report`` for rewrites, ``syndication`` for copies.
    """

    doc: Document
    source: str
    kind: str
    language: str
    split: str


@attrs.frozen
class NewsSet:
    """The real articles (negatives) and their copies (positives)."""

    articles: list[Document]
    positives: list[Positive]

    @classmethod
    def load(cls, seed: int = 18) -> NewsSet:
        articles = _articles()
        by_id = {doc.id: doc for doc in articles}
        positives = []
        manifest = tomllib.loads((NEWS / "rewrites.toml").read_text(encoding="utf-8"))
        for entry in manifest["rewrite"]:
            text = (NEWS / "rewrites" / entry["file"]).read_text(encoding="utf-8")
            source = f"{entry['corpus']}:{entry['source']}"
            if source not in by_id:
                raise ValueError(f"{entry['file']}: source {source} is not a real article")
            doc = Document(entry["file"], text, id=f"rewrite:{entry['file']}")
            positives.append(
                Positive(doc, source, entry["strength"], entry["language"], entry["split"])
            )
        copies, donors = _syndication(articles, random.Random(seed))
        positives.extend(copies)
        # A copy with a donor's lede or paragraphs holds text of two real articles and
        # rightly joins both: the donors lend text, they are not scored.
        return cls([doc for doc in articles if doc.id not in donors], positives)

    def score(self, options: DedupOptions) -> NewsScore:
        """Pairs found, by kind of positive, and the merges of real articles."""
        docs = [*self.articles, *(p.doc for p in self.positives)]
        clusters = find_duplicates(docs, options)
        return NewsScore(self, clusters)


def _articles() -> list[Document]:
    docs = []
    for path in sorted((SHARED / "wcxb" / "dev" / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = data["ground_truth"].get("main_content") or ""
        if data["_internal"]["page_type"]["primary"] == "article" and text.strip():
            docs.append(Document(f"wcxb/{path.name}", text, id=f"wcxb:{path.stem}"))
    truth = json.loads((SHARED / "article-extraction" / "ground-truth.json").read_text("utf-8"))
    for key, entry in truth.items():
        docs.append(
            Document(
                f"article-extraction/{key[:8]}",
                entry["articleBody"],
                id=f"article-extraction:{key}",
            )
        )
    docs.extend(
        Document(f"seeds/{path.name}", path.read_text("utf-8"), id=f"seeds:{path.name}")
        for path in sorted((ROOT / "seeds").glob("*.txt"))
    )
    return docs


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _syndication(
    articles: Sequence[Document], rng: random.Random
) -> tuple[list[Positive], set[str]]:
    """Four copies of each transformation, from real English articles of 8 to 60 paragraphs,
    and the ids of the articles that lent the new ledes and local paragraphs."""
    pool = [
        d for d in articles if 8 <= len(_paragraphs(d.text)) <= 60 and not d.id.startswith("seeds")
    ]
    chosen = rng.sample(pool, 4 * len(SYNDICATION) + 8)
    donors = chosen[4 * len(SYNDICATION) :]
    copies = []
    for k, doc in enumerate(chosen[: 4 * len(SYNDICATION)]):
        kind = SYNDICATION[k % len(SYNDICATION)]
        paras = _paragraphs(doc.text)
        donor = _paragraphs(donors[k % len(donors)].text)
        if kind == "truncated":
            paras = paras[: max(3, len(paras) * 2 // 5)]
        elif kind == "new-lede":
            paras = [donor[0], donor[1], *paras[1:]]
        elif kind == "local-paragraphs":
            at = len(paras) // 2
            paras = [*paras[:at], *donor[2:4], *paras[at:]]
        elif kind == "boilerplate":
            paras = [_BOILERPLATE[0], *paras, _BOILERPLATE[1]]
        elif kind == "reordered":
            rng.shuffle(paras)
        else:  # split: every paragraph of two sentences or more cut in two
            paras = [half for p in paras for half in _halves(p)]
        name = f"{kind}-of-{doc.id}"
        copies.append(
            Positive(
                Document(name, "\n\n".join(paras), id=f"copy:{name}"),
                doc.id,
                kind,
                "en",
                "syndication",
            )
        )
    return copies, {doc.id for doc in donors}


def _halves(paragraph: str) -> list[str]:
    cut = paragraph.find(". ", len(paragraph) // 2)
    if cut < 0:
        return [paragraph]
    return [paragraph[: cut + 1], paragraph[cut + 2 :]]


@attrs.frozen
class NewsScore:
    """Recall and precision of the pairs of a clustering of the news set."""

    news: NewsSet
    clusters: list[Cluster]

    def cluster_of(self) -> dict[str, int]:
        return {m.id: k for k, c in enumerate(self.clusters) for m in c.members}

    def recall(self, split: str) -> dict[tuple[str, str], tuple[int, int]]:
        """(kind, language) -> (found, total) for the positives of *split*."""
        cluster_of = self.cluster_of()
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in self.news.positives:
            if p.split != split:
                continue
            cell = counts[p.kind, p.language]
            cell[0] += cluster_of[p.doc.id] == cluster_of[p.source]
            cell[1] += 1
        return {key: (found, total) for key, (found, total) in counts.items()}

    def precision(self) -> dict[str, tuple[int, int]]:
        """kind -> (true pairs, pairs) among the clustered pairs with a positive of that kind."""
        source_of = {p.doc.id: p.source for p in self.news.positives}
        kind_of = {p.doc.id: p.kind for p in self.news.positives}
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for cluster in self.clusters:
            ids = cluster.ids
            for i, x in enumerate(ids):
                for y in ids[i + 1 :]:
                    root_x, root_y = source_of.get(x, x), source_of.get(y, y)
                    for doc in (x, y):
                        if doc in kind_of:
                            counts[kind_of[doc]][0] += root_x == root_y
                            counts[kind_of[doc]][1] += 1
        return {kind: (true, total) for kind, (true, total) in counts.items()}

    def merges(self) -> list[list[str]]:
        """The clusters that hold two or more real articles (each by id)."""
        real = {d.id for d in self.news.articles}
        return [
            [i for i in c.ids if i in real]
            for c in self.clusters
            if sum(i in real for i in c.ids) > 1
        ]

    def false_merges(self) -> list[list[str]]:
        """:meth:`merges` other than a pair of :data:`KNOWN_DUPLICATES`."""
        return [ids for ids in self.merges() if frozenset(ids) not in KNOWN_DUPLICATES]

    def seed_pairs(self) -> int:
        seeds = {d.id for d in self.news.articles if d.id.startswith("seeds:")}
        return sum(max(0, len(set(c.ids) & seeds) - 1) for c in self.clusters)


def report(score: NewsScore, *, verbose: bool = True) -> None:
    """Print recall per strength and language for each split, precision per kind, false merges."""
    for split in ("tune", "report", "syndication"):
        recall = score.recall(split)
        kinds = STRENGTHS if split != "syndication" else SYNDICATION
        cells = []
        for kind in kinds:
            found = sum(f for (k, _), (f, _) in recall.items() if k == kind)
            total = sum(t for (k, _), (_, t) in recall.items() if k == kind)
            if total:
                langs = " ".join(
                    f"{lang} {f}/{t}" for (k, lang), (f, t) in sorted(recall.items()) if k == kind
                )
                cells.append(
                    f"{kind} {found / total:.2f} ({langs})"
                    if split != "syndication"
                    else f"{kind} {found}/{total}"
                )
        print(f"  recall, {split}: " + "; ".join(cells))
    precision = score.precision()
    print(
        "  pair precision: "
        + " ".join(f"{kind} {t / n:.2f}" for kind, (t, n) in sorted(precision.items()) if n)
    )
    merges = score.merges()
    false = score.false_merges()
    seed_pairs = score.seed_pairs()
    print(
        f"  clusters with more than one real article: {len(merges)}, "
        f"false merges {len(false)} (the others are duplicates in the data); "
        f"seed pairs: {seed_pairs}"
    )
    if verbose:
        for ids in merges:
            known = KNOWN_DUPLICATES.get(frozenset(ids))
            print(f"    {' + '.join(ids)}: " + (f"known: {known}" if known else "FALSE"))


def counts(news: NewsSet) -> str:
    kinds = Counter(p.split for p in news.positives)
    langs = Counter(p.language for p in news.positives if p.split != "syndication")
    return (
        f"{len(news.articles)} real articles, {kinds['tune'] + kinds['report']} rewrites "
        f"({kinds['tune']} tune, {kinds['report']} report; "
        + ", ".join(f"{lang} {n}" for lang, n in sorted(langs.items()))
        + f"), {kinds['syndication']} syndication copies"
    )
