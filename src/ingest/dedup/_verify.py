"""Verification: the strongest kind of duplicate two documents are, on exact sets.

A candidate pair from the LSH indexes is linked only when its exact score
passes the kind's threshold, strongest kind first (``exact``, ``near``,
``containment``, ``paraphrase``), so an LSH false positive never merges
clusters. Every engine verifies through :func:`verify`, so they all decide
alike.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Final, TypeAlias

import attrs
import numpy as np

from ._align import (
    aligned_share,
    beyond_chance,
    estimated_alignment,
    paraphrase_score,
    share_bounds,
)
from ._features import DocFeatures, document_signature, sentence_signatures
from ._options import KINDS, DedupOptions, Direction, Evidence, Kind
from ._shingle import jaccard_of, overlap
from ._signature import Signatures, estimate_jaccard

__all__ = [
    "Link",
    "SignatureOf",
    "proposes_paraphrase",
    "rank",
    "verify",
    "verify_candidate",
    "verify_candidates",
]


@attrs.frozen
class Link:
    """A verified pair, stored once for both documents."""

    kind: Kind
    estimated: float
    exact: float
    contained: str = ""  # for containment: the id of the document inside the other
    # For paraphrase: the chance level, and the aligned sentences of the pair's
    # first document (its id) and of the second.
    chance: float = 0.0
    first: str = ""
    aligned: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())

    def evidence(self, this: str, other: str) -> Evidence:
        direction: Direction = ""
        if self.contained:
            direction = "subset" if self.contained == this else "superset"
        mine, theirs = self.aligned if this == self.first else self.aligned[::-1]
        return Evidence(
            self.kind,
            other,
            self.estimated,
            self.exact,
            direction,
            chance=self.chance,
            aligned=mine,
            matched_aligned=theirs,
        )


#: The kinds decided on shingle sets, before ``paraphrase``.
_ON_SETS: Final = KINDS[: KINDS.index("paraphrase")]


def rank(link: Link) -> tuple[int, float]:
    """Sort key: strongest kind first, then the highest exact score."""
    return KINDS.index(link.kind), -link.exact


#: How a document's signature is found: :func:`document_signature` with the options,
#: or an index's own way (it may keep some computed again).
SignatureOf: TypeAlias = Callable[[DocFeatures], Signatures]


def _estimated_jaccard(
    a: DocFeatures, b: DocFeatures, options: DedupOptions, signature_of: SignatureOf | None
) -> float:
    """The MinHash estimate of the two shingle sets' Jaccard (an index keeps no
    signatures: they are computed again, for the pairs that link)."""
    if signature_of is None:
        return estimate_jaccard(document_signature(a, options), document_signature(b, options))
    return estimate_jaccard(signature_of(a), signature_of(b))


def _containment(
    a: DocFeatures,
    b: DocFeatures,
    common: int,
    options: DedupOptions,
    signature_of: SignatureOf | None,
) -> tuple[float, float, str] | None:
    """Containment of the document with fewer shingles in the other (they share *common*)."""
    fewer = min(a.shingles.size, b.shingles.size)
    if fewer == 0:
        return None
    exact = common / fewer
    if exact < options.containment_threshold:
        return None
    small, large = sorted((a, b), key=lambda f: (f.shingles.size, f.id))
    # |A n B| = J (|A| + |B|) / (1 + J), divided by |small|.
    est_j = _estimated_jaccard(a, b, options, signature_of)
    total = small.shingles.size + large.shingles.size
    estimated = min(1.0, est_j * total / ((1 + est_j) * small.shingles.size))
    return estimated, exact, small.id


def _paraphrase(
    a: DocFeatures,
    b: DocFeatures,
    candidates: Iterable[tuple[int, int]],
    options: DedupOptions,
    bound: float | None,
) -> Link | None:
    threshold, window = options.sentence_threshold, options.sentence_window
    minimum = options.min_aligned_sentences
    # A bound given is DuplicateIndex._bounds': it includes exact_alignment's own.
    bounded = bound is not None
    if bound is None:  # share_bound, bit for bit (the compiled kernel with numba)
        bound = share_bounds(a, [b], minimum, threshold=threshold, window=window)[0]
    if bound < options.paraphrase_threshold:
        return None  # not even if every sentence that could align did
    exact = paraphrase_score(
        a,
        b,
        threshold=threshold,
        window=window,
        minimum=minimum,
        floor=options.paraphrase_threshold,
        bounded=bounded,
    )
    if exact.score < options.paraphrase_threshold:
        return None
    pairs = np.array(list(candidates), dtype=np.int64).reshape(-1, 2)
    sigs = sentence_signatures(a, options), sentence_signatures(b, options)
    a_est, b_est = estimated_alignment(a, b, sigs, pairs, threshold=threshold, window=window)
    estimated = beyond_chance(aligned_share(a_est, b_est, a, b, minimum), exact.chance)
    # Stored once for both documents, the same whichever came first.
    first, aligned = (a.id, exact.aligned) if a.id <= b.id else (b.id, exact.aligned[::-1])
    return Link(
        "paraphrase", estimated, exact.score, chance=exact.chance, first=first, aligned=aligned
    )


def verify(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Iterable[tuple[int, int]],
    options: DedupOptions,
    *,
    kinds: Collection[str] = KINDS,
    common: int | None = None,
    bound: float | None = None,
    signature_of: SignatureOf | None = None,
) -> Link | None:
    """The strongest kind of duplicate that *a* and *b* are, verified on exact sets.

    *sentence_pairs* are the candidate aligned sentences ``(i in a, j in b)``
    that the sentence LSH proposed; they feed the estimated paraphrase score.
    Only the kinds of ``options.kinds`` that are also in *kinds* are tried: the
    in-memory index leaves out the kinds whose link could not change a cluster
    or its evidence (``docs/dedup.md``, "Verification"). *common*, when given, is
    the overlap of the two shingle sets, computed beforehand (for many candidates
    at once: :func:`ingest.dedup._shingle.overlaps`); *bound*, when given, is an
    upper bound of the pair's aligned share computed beforehand, in place of
    :func:`ingest.dedup._align.share_bound` (for many candidates at once:
    ``DuplicateIndex._bounds``); a pair below ``paraphrase_threshold`` there is
    below it exactly, so any true bound gives the same decision. With a bound
    given, the alignment does not test its own bound of the runs again (a pair
    that would fail it has a share below the threshold either way).
    *signature_of*, when given, finds the document signatures that the estimate
    of a ``near`` or ``containment`` link needs (the same values as
    :func:`ingest.dedup._features.document_signature`; an index keeps some).
    """
    kinds = options.kinds.intersection(kinds)
    if a.words == 0 or b.words == 0:
        return None
    if "exact" in kinds and a.exact_key == b.exact_key:
        return Link("exact", 1.0, 1.0)
    # One overlap of the shingle sets serves both near and containment.
    if common is None:
        common = overlap(a.shingles, b.shingles) if {"near", "containment"} & kinds else 0
    if "near" in kinds:
        exact = jaccard_of(common, int(a.shingles.size), int(b.shingles.size))
        if exact >= options.near_threshold:
            return Link("near", _estimated_jaccard(a, b, options, signature_of), exact)
    if "containment" in kinds:
        found = _containment(a, b, common, options, signature_of)
        if found is not None:
            return Link("containment", found[0], found[1], found[2])
    if "paraphrase" in kinds and a.sentence_count and b.sentence_count:
        return _paraphrase(a, b, sentence_pairs, options, bound)
    return None


def proposes_paraphrase(
    a: DocFeatures, b: DocFeatures, sentence_pairs: Iterable[tuple[int, int]], minimum: int
) -> bool:
    """Whether the candidate sentence pairs ``(i in a, j in b)`` of a candidate pair cover
    at least *minimum* distinct sentences of *a* and as many of *b* (copies of one sentence
    count once): the candidate rule of the sentence alignment, with *minimum*
    ``min_candidate_sentences`` (``docs/dedup.md``, "Verification").

    A paraphrase needs ``min_aligned_sentences`` aligned sentences in each document, and
    the sentence LSH proposes the pairs that align, so with a minimum above 1 a pair whose
    sentences collide once by chance (two pages sharing one sentence) is not aligned.
    """
    if minimum <= 1:
        return True  # every candidate, those of the document LSH alone too
    pairs = np.array(list(sentence_pairs), dtype=np.intp).reshape(-1, 2)
    groups_a = np.unique(a.sentence_group_of[pairs[:, 0]]).size
    groups_b = np.unique(b.sentence_group_of[pairs[:, 1]]).size
    return min(groups_a, groups_b) >= minimum


def verify_candidate(
    a: DocFeatures, b: DocFeatures, sentence_pairs: Sequence[tuple[int, int]], options: DedupOptions
) -> Link | None:
    """:func:`verify` for a pair that the LSH indexes proposed, with its candidate
    sentence pairs: ``paraphrase`` is tried only when :func:`proposes_paraphrase` (with
    ``options.min_candidate_sentences``). Every engine verifies its candidates this way."""
    proposed = proposes_paraphrase(a, b, sentence_pairs, options.min_candidate_sentences)
    return verify(a, b, sentence_pairs, options, kinds=KINDS if proposed else _ON_SETS)


def verify_candidates(
    features: DocFeatures,
    docs: Sequence[DocFeatures],
    candidates: Iterable[int],
    sentence_pairs: Mapping[int, Sequence[tuple[int, int]]],
    options: DedupOptions,
) -> dict[str, Link]:
    """The verified links of *features* to the candidate positions in *docs*, by id.

    *sentence_pairs* maps a candidate's position to its aligned sentence
    candidates ``(sentence of features, sentence of the candidate)``.
    Candidates are verified in position order (:func:`verify_candidate`); *features*
    itself is skipped.
    """
    links = {}
    for slot in sorted(candidates):
        other = docs[slot]
        if other.id == features.id:
            continue
        link = verify_candidate(features, other, sentence_pairs.get(slot, ()), options)
        if link is not None:
            links[other.id] = link
    return links
