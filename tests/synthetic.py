"""Synthetic news with a planted duplicate structure, for engine tests and ``benchmarks/scale.py``.

Each *base* article takes the shape of a seed article (its paragraphs, its
sentences, its stop words in place) with every content word replaced by a
pseudo-word drawn from a large vocabulary, so base articles read alike but
are different articles. Some bases get planted duplicates:

* ``near``: 1% of the words swapped, two paragraphs joined (a near copy);
* ``cut``: the first 40-70% of the paragraphs under a new lede (a truncated copy);
* ``para``: sentences shuffled inside paragraphs, a fifth of the content words
  swapped (a paraphrase-like rewording).

The planted clusters (a base and its duplicates) are the ground truth of
:func:`pair_scores`. Everything is deterministic for a given seed.

>>> corpus = generate(20, seed=3)
>>> len(corpus.docs), len(corpus.labels)
(20, 20)
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs

from ingest import Cluster, Document
from ingest.core._text import STOPWORDS

SEEDS: Final = Path(__file__).resolve().parents[1] / "seeds"
_SYLLABLES: Final = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]  # 70
_WORD: Final = re.compile(r"[^\W_]+")
_SENTENCE: Final = re.compile(r"(?<=[.!?])\s+")
KINDS: Final = ("near", "cut", "para")
_COMMON_SHARE: Final = 0.5


#: Two documents whose only alignment is two sentences, reworded (the same content words,
#: other word order: no shared shingles), of four: a paraphrase at
#: ``min_aligned_sentences=2`` that the sentence LSH proposes through two sentences.
TWO_SENTENCES_SHARED: Final = (
    Document(
        "two-shared-a.txt",
        "Officials reviewed the trade deal in Beijing on Monday. The minister said talks "
        "would resume next week. Farmers planted wheat across northern fields this spring. "
        "Volcanic ash grounded flights over Iceland yesterday.",
    ),
    Document(
        "two-shared-b.txt",
        "On Monday in Beijing the trade deal officials reviewed. Next week talks would "
        "resume, the minister said. Orchestras rehearsed symphonies inside crowded concert "
        "halls tonight. Engineers tested rocket engines near desert launch pads.",
    ),
)


def brief_in_article() -> tuple[Document, Document]:
    """A seed article and a brief of four sentences, two of them long ones of the article
    word for word: a ``containment`` whose sentence pairs cover two sentences of the brief,
    which the document LSH does not propose (the brief is a sixth of the article)."""
    article = (SEEDS / "001_c51191e24029489c.txt").read_text(encoding="utf-8")
    sentences = [s for s in _SENTENCE.split(article) if len(s.split()) > 15]
    brief = (
        f"{sentences[2]} {sentences[5]} Local officials gave no comment on Tuesday. "
        "More news will follow soon."
    )
    return Document("article-001.txt", article), Document("brief-001.txt", brief)


def together(clusters: Iterable[Cluster], *names: str) -> bool:
    """Whether one of *clusters* holds every document named."""
    return any(set(names) <= {m.name for m in c.members} for c in clusters)


@attrs.frozen
class Corpus:
    """Generated documents and, per document, the label of its planted cluster."""

    docs: list[Document]
    labels: list[int]


def _skeletons() -> list[list[str]]:
    return [
        [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        for path in sorted(SEEDS.glob("*.txt"))
    ]


def _pseudo_word(index: int) -> str:
    syllables = []
    while True:
        index, digit = divmod(index, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
        if index == 0 and len(syllables) >= 3:
            return "".join(syllables)


class _Words:
    def __init__(self, rng: random.Random, common: int, size: int) -> None:
        self.rng = rng
        self.common = common
        self.size = size

    def content(self, token: str) -> str:
        """*token* with each of its words (and numbers) replaced, unless a stop word."""
        return _WORD.sub(self._replace, token)

    def _replace(self, match: re.Match[str]) -> str:
        word = match.group()
        if word.lower() in STOPWORDS:
            return word
        # Like real text: many words come from a smaller common vocabulary.
        common = self.rng.random() < _COMMON_SHARE
        new = _pseudo_word(self.rng.randrange(self.common if common else self.size))
        return new.capitalize() if word[:1].isupper() else new


def _base(skeleton: list[str], words: _Words) -> list[str]:
    return [" ".join(words.content(t) for t in paragraph.split()) for paragraph in skeleton]


def _swap(paragraphs: list[str], words: _Words, share: float, rng: random.Random) -> list[str]:
    out = []
    for paragraph in paragraphs:
        tokens = paragraph.split()
        out.append(" ".join(words.content(t) if rng.random() < share else t for t in tokens))
    return out


def _variant(kind: str, base: list[str], words: _Words, rng: random.Random) -> list[str]:
    if kind == "near":
        doc = _swap(base, words, 0.01, rng)
        if len(doc) > 2:
            i = rng.randrange(len(doc) - 1)
            doc[i : i + 2] = [f"{doc[i]} {doc[i + 1]}"]
        return doc
    if kind == "cut":
        keep = max(2, round(len(base) * rng.uniform(0.4, 0.7)))
        lede = " ".join(words.content("Word") for _ in range(12)) + "."
        return [lede, *base[:keep]]
    doc = []
    for paragraph in base:
        parts = _SENTENCE.split(paragraph)
        rng.shuffle(parts)
        doc.append(" ".join(parts))
    return _swap(doc, words, 0.2, rng)


def generate(count: int, seed: int = 1, duplicate_share: float = 0.5) -> Corpus:
    """*count* documents; about *duplicate_share* of the bases get 1 to 3 planted duplicates."""
    docs: list[Document] = []
    labels: list[int] = []
    for doc, label in iter_documents(count, seed, duplicate_share):
        docs.append(doc)
        labels.append(label)
    return Corpus(docs, labels)


def iter_documents(
    count: int, seed: int = 1, duplicate_share: float = 0.5
) -> Iterator[tuple[Document, int]]:
    """The documents of :func:`generate` one at a time, each with its label: a corpus of
    a million documents is written to disk without holding it in memory."""
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    skeletons = _skeletons()
    # Vocabularies grow with the corpus, so that unrelated articles share about as
    # many sentences at any size (the cost of a corpus of news on many stories).
    words = _Words(rng, 5_000 + count // 2, max(200_000, 40 * count))
    made = 0
    label = 0
    while made < count:
        base = _base(rng.choice(skeletons), words)
        kinds = [] if rng.random() >= duplicate_share else rng.choices(KINDS, k=rng.randint(1, 3))
        texts = [("base", base)] + [(kind, _variant(kind, base, words, rng)) for kind in kinds]
        for i, (kind, paragraphs) in enumerate(texts[: count - made]):
            yield Document(f"{label:07d}-{i}-{kind}.txt", "\n".join(paragraphs)), label
            made += 1
        label += 1


def _pairs(groups: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    return {(a, b) for group in groups for a in group for b in group if a < b}


def pair_scores(corpus: Corpus, clusters: Sequence[Cluster]) -> tuple[float, float]:
    """Pair precision and recall of *clusters* against the planted clusters."""
    return id_pair_scores([d.id for d in corpus.docs], corpus.labels, clusters)


def id_pair_scores(
    ids: Sequence[str], labels: Sequence[int], clusters: Sequence[Cluster]
) -> tuple[float, float]:
    """:func:`pair_scores` from the documents' ids alone (no texts in memory)."""
    planted: defaultdict[int, list[str]] = defaultdict(list)
    for doc_id, label in zip(ids, labels, strict=True):
        planted[label].append(doc_id)
    truth = _pairs(group for group in planted.values() if len(group) > 1)
    found = _pairs(c.ids for c in clusters if len(c.ids) > 1)
    hits = len(truth & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall
