"""How far a lexical paraphrase signal can go: MRPC and the news set's heavy rewrites (issue 18).

Usage: ``python benchmarks/paraphrase_ceiling.py``

Three measurements, none of them a decision of the library; they say what the
targets of issue 18 (MRPC F1 >= 0.82, heavy rewrites recall >= 0.85, with no false
merge among the real articles) would need, whatever threshold is picked:

* **MRPC, other sentence similarities**: on each sentence's content terms (the
  terms the index hashes), Jaccard (today's signal), containment of the shorter
  sentence, Dice, Jaccard with the numbers that must agree (a pair whose number
  terms differ, both having some, scores half), and Jaccard with WordNet synonyms
  (a term of one sentence counts as shared when it shares a synset with a word of
  the other; English only, read from Debian's ``wordnet-base`` files when
  ``/usr/share/wordnet`` exists). Each threshold is chosen on the train split;
  the test split's F1 is printed beside it, with the best any threshold reaches
  on test itself.
* **Heavy rewrites at looser sentence thresholds**: the exact decision
  (:func:`ingest.dedup._align.paraphrase_score`: the share of aligned sentences
  at least ``paraphrase_threshold`` and beyond chance on both sides) at
  ``sentence_threshold`` 0.25 to 0.45, for the heavy rewrites (``tune`` and
  ``report`` apart), the seed pairs and the pairs of real articles (not the
  known duplicates of ``news_set.KNOWN_DUPLICATES``) whose rarity-weighted term
  containment (below) is above 0.3: every pair that could align, as the index
  would see it if its candidates held every pair. Then the same with *anchored*
  alignment (two sentences align only if they also share a term found in no other
  sentence of either document), against the unanchored chance level and against
  its own, sampled (``_anchored``).
* **A document-level signal**: the share of the smaller document's distinct
  terms that the other holds, each weighted by its rarity (``log(N / df)`` over
  the real articles) and corrected for chance (``(held - expected) / (all -
  expected)``, where a term of document frequency ``df`` is expected in a document
  of ``L`` distinct terms with probability ``1 - exp(-L df / sum of L)``). For
  each heavy rewrite: its score and how many pairs of real articles reach it.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
from dedup_quality import mrpc_pairs
from news_set import KNOWN_DUPLICATES, NewsSet
from scipy import sparse

from ingest import DedupOptions
from ingest.core._text import sentence_terms, word_terms, words
from ingest.dedup._align import paraphrase_score
from ingest.dedup._chance import chance_alignment, chance_level
from ingest.dedup._features import DocFeatures, compute_features

WORDNET: Final = Path("/usr/share/wordnet")
THRESHOLDS: Final = (0.25, 0.3, 0.35, 0.45)
ANCHORED: Final = (0.15, 0.2, 0.25)
#: The significance level of the anchored alignment's sampled chance level, and its shuffles.
ANCHORED_ALPHA: Final = 0.01
SHUFFLES: Final = 500
#: Real-article pairs whose weighted containment is above this are aligned (B).
PREFILTER: Final = 0.3

Terms: TypeAlias = frozenset[str]
Similarity: TypeAlias = Callable[[Terms, Terms], float]
_Floats: TypeAlias = npt.NDArray[np.float64]
_NUMBER: Final = re.compile(r"\d")


class WordNet:
    """Synsets of English words from WordNet 3.0's ``index.*`` and ``*.exc`` files, with
    WordNet's own detachment rules for inflected forms (``morphy``'s rules, not its
    lexicon checks beyond the index)."""

    _POS: Final = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
    _RULES: Final = {
        "n": (
            ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"),
            ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y"),
        ),
        "v": (
            ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""),
            ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
        ),
        "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
        "r": (),
    }  # fmt: skip

    def __init__(self, root: Path) -> None:
        self.index: dict[str, dict[str, tuple[str, ...]]] = {}
        self.exceptions: dict[str, dict[str, str]] = {}
        for name, pos in self._POS.items():
            lemmas = {}
            for line in (root / f"index.{name}").read_text("latin-1").splitlines():
                if line.startswith(" "):
                    continue  # the licence
                fields = line.split()
                senses, pointers = int(fields[2]), int(fields[3])
                offsets = fields[6 + pointers : 6 + pointers + senses]
                lemmas[fields[0]] = tuple(pos + offset for offset in offsets)
            self.index[pos] = lemmas
            inflected: dict[str, str] = {}  # an inflected form -> its first base form
            for line in (root / f"{name}.exc").read_text("latin-1").splitlines():
                form, base, *_ = line.split()
                inflected.setdefault(form, base)
            self.exceptions[pos] = inflected

    @functools.cache  # noqa: B019 -- one reader per run
    def synsets(self, word: str) -> frozenset[str]:
        found: list[str] = []
        for pos, lemmas in self.index.items():
            forms = [word, self.exceptions[pos].get(word, word)]
            forms += [
                word[: -len(end)] + new for end, new in self._RULES[pos] if word.endswith(end)
            ]
            found.extend(next((lemmas[f] for f in forms if f in lemmas), ()))
        return frozenset(found)


def _jaccard(a: Terms, b: Terms) -> float:
    return len(a & b) / max(1, len(a | b))


def _containment(a: Terms, b: Terms) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def _dice(a: Terms, b: Terms) -> float:
    return 2 * len(a & b) / max(1, len(a) + len(b))


def _numbers_agree(a: Terms, b: Terms) -> float:
    numbers_a = {t for t in a if _NUMBER.search(t)}
    numbers_b = {t for t in b if _NUMBER.search(t)}
    clash = numbers_a and numbers_b and numbers_a != numbers_b
    return _jaccard(a, b) / 2 if clash else _jaccard(a, b)


def _f1(scores: _Floats, gold: npt.NDArray[np.bool_], threshold: float) -> float:
    said = scores >= threshold
    tp = int((said & gold).sum())
    wrong = int((said != gold).sum())
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def mrpc_ceiling() -> None:
    """Each similarity's test F1 at the threshold chosen on train."""
    splits = {split: mrpc_pairs(split) for split in ("train", "test")}
    terms: dict[str, list[tuple[Terms, Terms]]] = {}
    words_of: dict[str, list[tuple[list[str], list[str]]]] = {}
    for split, pairs in splits.items():
        texts = [text for _, a, b in pairs for text in (a, b)]
        sets = [frozenset(" ".join(s).split()) for s in sentence_terms(texts, ["en"] * len(texts))]
        terms[split] = list(zip(sets[::2], sets[1::2], strict=True))
        kept = [_content_words(text) for text in texts]
        words_of[split] = list(zip(kept[::2], kept[1::2], strict=True))
    measures: dict[str, Similarity] = {
        "Jaccard (the index's)": _jaccard,
        "containment of the shorter": _containment,
        "Dice": _dice,
        "Jaccard, numbers must agree": _numbers_agree,
    }
    print("MRPC, sentence similarities on content terms (threshold chosen on train):")
    scored = {
        name: {s: [m(a, b) for a, b in terms[s]] for s in terms} for name, m in measures.items()
    }
    if WORDNET.is_dir():
        wordnet = WordNet(WORDNET)
        scored["Jaccard with WordNet synonyms"] = {
            s: [_synonym_jaccard(a, b, wordnet) for a, b in words_of[s]] for s in words_of
        }
    else:
        print(f"  (no {WORDNET}: apt-get install wordnet-base for the synonyms' line)")
    gold = {s: np.array([g for g, _, _ in splits[s]]) for s in splits}
    for name, by_split in scored.items():
        train, test = np.array(by_split["train"]), np.array(by_split["test"])
        candidates = np.unique(np.round(train, 3))
        chosen = max(candidates.tolist(), key=lambda t: _f1(train, gold["train"], t))
        best_test = max(_f1(test, gold["test"], t) for t in candidates.tolist())
        print(
            f"  {name:<31} threshold {chosen:.3f}: train F1 {_f1(train, gold['train'], chosen):.3f}"
            f", test F1 {_f1(test, gold['test'], chosen):.3f} (best on test {best_test:.3f})"
        )


def _content_words(text: str) -> list[str]:
    """The words of *text* that have content terms (not stop words), lower-cased."""
    lowered = [w.lower() for w in words(text)]
    return [w for w, t in zip(lowered, word_terms(lowered, "en"), strict=True) if t]


def _synonym_jaccard(a: list[str], b: list[str], wordnet: WordNet) -> float:
    """Jaccard of the two sentences' content terms, a term of one counted as shared when
    the other has it or a word sharing a synset with its word (the mean of both sides)."""
    terms_a = dict(zip(word_terms(a, "en"), a, strict=True))
    terms_b = dict(zip(word_terms(b, "en"), b, strict=True))
    senses_a = frozenset().union(*(wordnet.synsets(w) for w in a))
    senses_b = frozenset().union(*(wordnet.synsets(w) for w in b))
    found_a = sum(t in terms_b or bool(wordnet.synsets(w) & senses_b) for t, w in terms_a.items())
    found_b = sum(t in terms_a or bool(wordnet.synsets(w) & senses_a) for t, w in terms_b.items())
    shared = (found_a + found_b) / 2
    return shared / max(1.0, len(terms_a) + len(terms_b) - shared)


class DocumentTerms:
    """The news set's documents as sets of content terms, with each term's rarity."""

    def __init__(self, features: Sequence[DocFeatures], real: int) -> None:
        sets = [np.unique(f.sentence_values) for f in features]
        _, column = np.unique(np.concatenate(sets), return_inverse=True)
        rows = np.repeat(np.arange(len(sets)), [s.size for s in sets])
        self.held = sparse.csr_matrix((np.ones(rows.size), (rows, column)))
        df = np.asarray(self.held[:real].sum(axis=0)).ravel()
        self.rarity: _Floats = np.log((real + 1) / (df + 1))
        self.weights = sparse.csr_matrix(self.held.multiply(self.rarity[None, :]))
        self.total: _Floats = np.asarray(self.weights.sum(axis=1)).ravel()
        self.sizes: _Floats = np.asarray(self.held.sum(axis=1)).ravel()
        self.frequency: _Floats = df / self.sizes[:real].sum()

    def smaller_first(self, matrix: _Floats) -> _Floats:
        """*matrix* read from the document of the pair with less weight: ``[i, j]`` if
        ``i`` is the lighter, else ``[j, i]``."""
        lighter = self.total[:, None] <= self.total[None, :]
        chosen: _Floats = np.where(lighter, matrix, matrix.T)
        return chosen

    def contained(self) -> _Floats:
        """``(docs, docs)``: the rarity-weighted share of the lighter document's terms that
        the other holds."""
        held = (self.weights @ self.held.T).toarray()
        return self.smaller_first(held / np.maximum(self.total, 1e-9)[:, None])

    def beyond_chance(self, block: int = 64) -> _Floats:
        """:meth:`contained` corrected for chance: ``(held - expected) / (all - expected)``."""
        held = (self.weights @ self.held.T).toarray()
        expected = np.empty_like(held)
        for first in range(0, held.shape[1], block):
            sizes = self.sizes[first : first + block]
            chance = -np.expm1(-self.frequency[:, None] * sizes[None, :])
            expected[:, first : first + block] = self.weights @ chance
        kappa = (held - expected) / np.maximum(self.total[:, None] - expected, 1e-9)
        return self.smaller_first(kappa)


Decider: TypeAlias = Callable[[DocFeatures, DocFeatures], bool]


def _linked(a: DocFeatures, b: DocFeatures, *, threshold: float, options: DedupOptions) -> bool:
    """The exact paraphrase decision at *threshold* (the rest of *options*)."""
    score = paraphrase_score(
        a,
        b,
        threshold=threshold,
        window=options.sentence_window,
        minimum=options.min_aligned_sentences,
        floor=options.paraphrase_threshold,
    )
    return score.score >= options.paraphrase_threshold


def _incidence(
    values: npt.NDArray[np.uint32], sizes: npt.NDArray[np.int64], columns: npt.NDArray[np.uint32]
) -> sparse.csr_matrix:
    """``(sentences, columns)``: which of *columns* (sorted terms) each sentence holds (its
    *sizes* values of *values*, in turn; a value twice in one sentence counts once)."""
    rows = np.repeat(np.arange(sizes.size), sizes)
    cells = (np.ones(rows.size), (rows, np.searchsorted(columns, values)))
    matrix = sparse.csr_matrix(cells, shape=(sizes.size, columns.size))
    matrix.data[:] = 1.0
    return matrix


def _anchored_counts(
    short: sparse.csr_matrix, long: sparse.csr_matrix, threshold: float
) -> tuple[int, int]:
    """The sentences of each side (incidence matrices) that align with one of the other's:
    Jaccard at least *threshold* and an anchor shared (a term in one sentence of each)."""
    short_sizes = np.asarray(short.sum(axis=1)).ravel()
    long_sizes = np.asarray(long.sum(axis=1)).ravel()
    once = (np.asarray(short.sum(axis=0)).ravel() == 1) & (
        np.asarray(long.sum(axis=0)).ravel() == 1
    )
    common = (short @ long.T).toarray()
    anchors = (short.multiply(once[None, :]).tocsr() @ long.T).toarray()
    union = short_sizes[:, None] + long_sizes[None, :] - common
    aligned = (common / np.maximum(union, 1) >= threshold) & (anchors > 0)
    return int(aligned.any(axis=1).sum()), int(aligned.any(axis=0).sum())


def _anchored(
    a: DocFeatures, b: DocFeatures, *, threshold: float, options: DedupOptions, shuffles: int = 0
) -> bool:
    """A looser alignment in which two single sentences align only if they also share an
    *anchor*: a term found in no other sentence of either document (a fact a rewrite
    keeps, where a topic's words recur all over both). The share and the counts as
    :func:`_linked` asks. The chance level: with no *shuffles*, the unanchored one
    (higher: the test is conservative); else the ``1 - ANCHORED_ALPHA`` quantile of the
    shorter document's anchored count over *shuffles* shuffles of the longer one's
    term occurrences among its sentences (the shuffle of ``_chance.py``, by sampling)."""
    short, long = (a, b) if a.sentence_count <= b.sentence_count else (b, a)
    columns = np.union1d(a.sentence_values, b.sentence_values)
    short_terms = _incidence(short.sentence_values, short.sentence_sizes, columns)
    long_terms = _incidence(long.sentence_values, long.sentence_sizes, columns)
    count, long_count = _anchored_counts(short_terms, long_terms, threshold)
    share = count / short.sentence_count
    if min(count, long_count) < options.min_aligned_sentences:
        return False
    if share < options.paraphrase_threshold:
        return False
    if not shuffles:
        return share > chance_level(chance_alignment(short, long, threshold=threshold))
    rng = np.random.default_rng(options.seed)
    shuffled = [
        _anchored_counts(
            short_terms,
            _incidence(rng.permutation(long.sentence_values), long.sentence_sizes, columns),
            threshold,
        )[0]
        for _ in range(shuffles)
    ]
    return count > float(np.quantile(shuffled, 1 - ANCHORED_ALPHA))


def news_ceiling() -> None:
    """Heavy rewrites and real articles at looser sentence thresholds, and the
    document-level signal."""
    news = NewsSet.load()
    real = news.articles
    heavy = [p for p in news.positives if p.kind == "heavy"]
    features = compute_features([*real, *(p.doc for p in heavy)], DedupOptions())
    at = {doc.id: k for k, doc in enumerate(real)}
    pairs_heavy = [(len(real) + k, at[p.source], p.split) for k, p in enumerate(heavy)]
    seeds = [k for k, doc in enumerate(real) if doc.id.startswith("seeds:")]
    terms = DocumentTerms(features, len(real))
    unknown = np.triu(np.ones((len(real), len(real)), dtype=bool), 1)
    for pair in KNOWN_DUPLICATES:
        i, j = sorted(at[doc] for doc in pair if doc in at)
        unknown[i, j] = False
    close = np.argwhere(unknown & (terms.contained()[: len(real), : len(real)] > PREFILTER))
    options = DedupOptions()
    print(
        f"News: {len(heavy)} heavy rewrites, {len(real)} real articles; the "
        f"{len(close)} real pairs with weighted containment > {PREFILTER} aligned exactly:"
    )
    deciders: list[tuple[str, Decider]] = [
        (f"sentence_threshold {t}", functools.partial(_linked, threshold=t, options=options))
        for t in THRESHOLDS
    ]
    deciders += [
        (f"anchored, {t}", functools.partial(_anchored, threshold=t, options=options))
        for t in ANCHORED
    ]
    deciders += [
        (
            f"anchored, {t}, sampled chance",
            functools.partial(_anchored, threshold=t, options=options, shuffles=SHUFFLES),
        )
        for t in ANCHORED
    ]
    for label, decide in deciders:
        found = [
            (p, decide(features[i], features[j]))
            for (i, j, _), p in zip(pairs_heavy, heavy, strict=True)
        ]
        counts = " ".join(
            f"{split} {sum(ok for p, ok in found if p.split == split)}/"
            f"{sum(p.split == split for p, _ in found)}"
            for split in ("tune", "report")
        )
        seed_pairs = sum(
            decide(features[i], features[j]) for i, j in itertools.combinations(seeds, 2)
        )
        linked = [
            (real[i].id, real[j].id) for i, j in close.tolist() if decide(features[i], features[j])
        ]
        print(
            f"  {label}: heavy {counts}; seed pairs {seed_pairs}; real pairs linked {len(linked)}"
        )
        if label.startswith("anchored"):
            print(f"    heavy found: {' '.join(p.doc.name for p, ok in found if ok)}")
            for ids in linked[:3]:
                print(f"    real: {' + '.join(ids)}")
    kappa = terms.beyond_chance()
    real_scores = kappa[: len(real), : len(real)][unknown]
    seed_scores = [kappa[i, j] for i, j in itertools.combinations(seeds, 2)]
    print("Document-level signal (rarity-weighted terms held, beyond chance):")
    print(f"  seed pairs: max {max(seed_scores):.3f}; real pairs: max {real_scores.max():.3f}")
    for (i, j, split), p in zip(pairs_heavy, heavy, strict=True):
        score = kappa[i, j]
        print(
            f"  {p.doc.name:<26} {split:<6} {score:.3f}: "
            f"{int((real_scores >= score).sum())} real pairs at or above"
        )


def main() -> None:
    started = time.perf_counter()
    mrpc_ceiling()
    news_ceiling()
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
