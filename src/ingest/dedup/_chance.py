"""How many sentences of two documents would align by chance.

Two documents on one topic share words, and a sentence of one can reach the
sentence threshold with a sentence of the other by chance: the more a pair's
sentences are made of words the other document uses all over, the more of
them do. The paraphrase decision (:func:`ingest.dedup._verify.verify`)
compares the aligned share with this *chance level*, estimated from the pair's
own words: the number of sentences of *a* expected to align one to one with
a sentence of *b* if *b*'s terms were shuffled among *b*'s sentences (the
words *b* uses and how often, its sentence lengths, kept; which words share a
sentence with which, the thing a rewrite keeps, lost).

Under that shuffle the terms that sentence ``i`` of *a* has in common with
sentence ``j`` of *b* follow a hypergeometric law: ``|b_j|`` draws from *b*'s
``T`` term occurrences, of which ``S_i`` are terms of ``a_i``; it is computed
as the binomial law of ``|b_j|`` draws with probability ``S_i / T`` (drawing
with replacement: a little more spread, so a little more chance, and a
vectorised tail through the regularised incomplete beta function). Sentence ``i``
aligns by chance with ``j`` when that count reaches the least number of common
terms that makes their Jaccard similarity the threshold; it aligns by chance
when it does with any sentence of *b* (taken as independent).

>>> from ingest import Document
>>> from ingest.dedup._features import compute_features
>>> from ingest.dedup._options import DedupOptions
>>> text = "Officials reviewed the trade deal on Monday. Talks stalled in Beijing again."
>>> a, b = compute_features([Document("a", text), Document("b", text)], DedupOptions())
>>> [round(p, 3) for p in chance_alignment(a, b, threshold=0.5).tolist()]
[0.532, 0.505]
"""

from __future__ import annotations

from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy.special import betainc

from ._features import DocFeatures

__all__ = ["chance_alignment", "chance_count"]

_Floats: TypeAlias = npt.NDArray[np.float64]

#: Keeps ``log(1 - p)`` finite when a sentence aligns by chance for sure.
_CERTAIN: Final = 1 - 1e-12


def _term_hits(x: DocFeatures, y: DocFeatures) -> npt.NDArray[np.int64]:
    """For each sentence of *x*: how many term occurrences of *y* (over all of *y*'s
    sentences) are terms of that sentence."""
    terms, counts = np.unique(y.sentence_values, return_counts=True)
    values = x.sentence_values
    if not terms.size or not values.size:
        return np.zeros(x.sentence_count, dtype=np.int64)
    at = np.minimum(np.searchsorted(terms, values), terms.size - 1)
    weight = np.where(terms[at] == values, counts[at], 0)
    owner = np.repeat(np.arange(x.sentence_count), x.sentence_sizes)
    hits: npt.NDArray[np.int64] = np.bincount(
        owner, weights=weight, minlength=x.sentence_count
    ).astype(np.int64)
    return hits


def least_common(left: _Floats, right: _Floats, threshold: float) -> _Floats:
    """The least number of common terms for sets of sizes *left* and *right*
    (broadcast) to have a Jaccard similarity of at least *threshold*:
    ``c / (left + right - c) >= threshold``, at least 1."""
    least = np.ceil(threshold * (left + right) / (1 + threshold) - 1e-9)
    result: _Floats = np.maximum(least, 1.0)
    return result


def _binomial_tail(least: _Floats, draws: _Floats, probability: _Floats) -> _Floats:
    """``P(X >= least)`` for ``X`` binomial with *draws* and *probability* (broadcast):
    ``I_p(least, draws - least + 1)``, 0 when ``least > draws``."""
    least, draws, probability = np.broadcast_arrays(least, draws, probability)
    possible = least <= draws
    tail = np.zeros(least.shape)
    tail[possible] = betainc(
        least[possible], draws[possible] - least[possible] + 1, probability[possible]
    )
    return tail


def chance_alignment(a: DocFeatures, b: DocFeatures, *, threshold: float) -> _Floats:
    """For each sentence of *a*: the probability that it aligns one to one with a
    sentence of *b* at *threshold* if *b*'s terms were shuffled among its sentences."""
    if not a.sentence_count or not b.sentence_count:
        return np.zeros(a.sentence_count)
    # Distinct sentences of b by size (a repeated sentence is one more chance for
    # nothing): the law depends on b_j through its size only.
    b_sizes, b_number = np.unique(b.sentence_sizes[b.sentence_firsts], return_counts=True)
    total = int(b.sentence_sizes.sum())
    hits = _term_hits(a, b).astype(np.float64)
    a_sizes = a.sentence_sizes.astype(np.float64)
    draws = b_sizes[None, :].astype(np.float64)
    least = least_common(a_sizes[:, None], draws, threshold)
    tail = _binomial_tail(least, draws, np.minimum(hits / total, 1.0)[:, None])
    missed = np.log1p(-np.minimum(tail, _CERTAIN)) @ b_number
    chance: _Floats = -np.expm1(missed)
    return chance


def chance_count(a: DocFeatures, b: DocFeatures, *, threshold: float) -> float:
    """The number of sentences of *a* expected to align with *b* by chance."""
    return float(chance_alignment(a, b, threshold=threshold).sum())
