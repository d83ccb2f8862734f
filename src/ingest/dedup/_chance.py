"""How many sentences of two documents would align by chance.

Two documents on one topic share words, and a sentence of one can reach the
sentence threshold with a sentence of the other by chance: the more a pair's
sentences are made of words the other document uses all over, the more of
them do. The paraphrase decision (:func:`ingest.dedup._verify.verify`)
compares the aligned share with a *chance level* estimated from the pair's
own words, from the probability of each sentence of *a* to align one to one
with a sentence of *b* if *b*'s terms were shuffled among *b*'s sentences (the
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

The number of *a*'s sentences aligned by chance is then a sum of independent
Bernoulli variables (a Poisson binomial law). The *chance level* the decision
compares a pair's aligned share with is that law's upper ``1 - CHANCE_ALPHA``
quantile (:func:`chance_level`): the share of *a*'s sentences that chance
reaches in more than one shuffle in twenty. A pair aligned beyond it is
unlikely to be two texts on one topic; how much of the shorter text aligned is
then ``paraphrase_threshold``'s question.

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
from ._kernels import compiled

__all__ = ["CHANCE_ALPHA", "chance_alignment", "chance_count", "chance_level", "chance_share"]

_Floats: TypeAlias = npt.NDArray[np.float64]

#: The significance level of the chance level: a share of aligned sentences
#: is beyond chance when shuffles reach it with probability at most this (the
#: conventional 5%, not tuned).
CHANCE_ALPHA: Final = 0.05

#: :func:`chance_level` leaves out sentences that together align by chance with a
#: probability below this (the level moves only if a tail probability is this close
#: to ``CHANCE_ALPHA``).
_NEGLIGIBLE: Final = 1e-6

#: The most trials whose law :func:`_poisson_binomial` computes by Fourier transform
#: (an ``(n + 1) x n`` complex matrix: 4 MB at 512).
_FOURIER: Final = 512

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


def chance_level(probabilities: _Floats, *, alpha: float = CHANCE_ALPHA) -> float:
    """The share of sentences that align by chance with probability more than
    *alpha*: ``k / n`` for the largest ``k`` with ``P(K >= k) > alpha``, ``K`` the
    number of the ``n`` sentences aligned when sentence ``i`` aligns with
    probability ``probabilities[i]`` (independently; the Poisson binomial law,
    exact up to ``_NEGLIGIBLE``). A share above it is beyond chance.

    >>> chance_level(np.array([0.0, 0.0, 0.0, 0.0]))
    0.0
    >>> chance_level(np.array([0.5, 0.5, 0.5, 0.5]))  # P(K >= 4) = 1/16 > 0.05
    1.0
    >>> chance_level(np.array([0.1] * 10))  # P(K >= 3) = 0.07, P(K >= 4) = 0.013
    0.3
    """
    count = probabilities.size
    if not count:
        return 0.0
    # The sentences least likely to align, together less likely than _NEGLIGIBLE,
    # are left out: that moves each P(K >= k) by less than it (a union bound), and
    # most sentences of a news pair are such, so the law is short.
    ordered = np.sort(probabilities)
    possible = ordered[np.cumsum(ordered) > _NEGLIGIBLE]
    law = _poisson_binomial(possible)
    at_least = np.cumsum(law[::-1])[::-1]  # at_least[k] = P(K >= k)
    reached = int(np.flatnonzero(at_least > alpha)[-1])
    return reached / count


def chance_share(a: DocFeatures, b: DocFeatures, *, threshold: float) -> float:
    """``chance_level(chance_alignment(a, b, threshold=threshold))``: the share of
    *a*'s sentences that align with *b*'s by chance in more than one shuffle in
    twenty. With numba, computed by one compiled kernel
    (:func:`ingest.dedup._kernels.chance_share`: the same law, the binomial tails
    summed term by term and the Poisson binomial one trial at a time, about 3.5 times
    faster than numpy's many small calls for a pair of news articles); its
    probabilities agree with numpy's to about 1e-13, so the level differs only
    where a tail of the law is that close to ``CHANCE_ALPHA``.

    >>> from ingest import Document
    >>> from ingest.dedup._features import compute_features
    >>> from ingest.dedup._options import DedupOptions
    >>> text = "Officials reviewed the trade deal on Monday. Talks stalled in Beijing again."
    >>> a, b = compute_features([Document("a", text), Document("b", text)], DedupOptions())
    >>> chance_share(a, b, threshold=0.5)
    1.0
    """
    kernel = compiled("chance_share")
    if kernel is None:
        return chance_level(chance_alignment(a, b, threshold=threshold))
    sizes = b.sentence_sizes.astype(np.int64)
    share: float = kernel(
        a.sentence_values,
        a.sentence_sizes.astype(np.int64),
        b.sentence_values,
        sizes,
        sizes[b.sentence_firsts] if b.sentence_repeated else sizes,
        float(threshold),
        CHANCE_ALPHA,
        _NEGLIGIBLE,
        _CERTAIN,
    )
    return share


def _poisson_binomial(probabilities: _Floats) -> _Floats:
    """``P(K = k)`` for ``k = 0..n``, ``K`` the number of successes of independent
    trials with *probabilities*: by the discrete Fourier transform of the
    generating function ``prod(1 - p + p z)`` at the ``n + 1`` roots of unity
    (no Python loop over the trials; ``n`` up to ``_FOURIER`` at once), else one
    trial at a time.

    >>> _poisson_binomial(np.array([0.5, 0.5])).round(6).tolist()
    [0.25, 0.5, 0.25]
    """
    count = probabilities.size
    if count <= _FOURIER:
        roots = np.exp(2j * np.pi * np.arange(count + 1) / (count + 1))
        generating = np.prod(1 - probabilities + probabilities * roots[:, None], axis=1)
        law: _Floats = np.clip(np.fft.fft(generating).real / (count + 1), 0.0, 1.0)
        return law
    law = np.zeros(count + 1)
    law[0] = 1.0
    for seen, p in enumerate(probabilities.tolist(), start=1):
        law[1 : seen + 1] = law[1 : seen + 1] * (1 - p) + law[:seen] * p
        law[0] *= 1 - p
    return law
