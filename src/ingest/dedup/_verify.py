"""Verification: the strongest kind of duplicate two documents are, on exact sets.

A candidate pair from the LSH indexes is linked only when its exact score
passes the kind's threshold, strongest kind first (``exact``, ``near``,
``containment``, ``paraphrase``), so an LSH false positive never merges
clusters. Every engine verifies through :func:`verify`, so they all decide
alike.
"""

from __future__ import annotations

import math
from collections.abc import (
    Callable,
    Collection,
    Container,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._align import (
    aligned_share,
    aligning_each,
    aligning_pairs,
    alignment_bounds,
    alignment_bounds_at,
    beyond_chance,
    estimated_alignment,
    paraphrase_score,
    share_bounds,
)
from ._features import DocFeatures, document_signature, sentence_signatures
from ._kernels import compiled
from ._options import KINDS, DedupOptions, Direction, Evidence, Kind, compares_sentences
from ._shingle import jaccard_of, overlap, overlaps
from ._signature import Signatures, estimate_jaccard

if TYPE_CHECKING:
    from ._store import Spans

__all__ = [
    "Held",
    "Link",
    "OnSets",
    "Screen",
    "SignatureOf",
    "finish_estimate",
    "link_on_sets",
    "paraphrase_bounds",
    "proposes_pair",
    "proposes_paraphrase",
    "rank",
    "screen_candidates",
    "set_overlaps",
    "set_possible",
    "verify",
    "verify_candidate",
    "verify_candidates",
    "verify_each",
]


@attrs.frozen
class Link:
    """A verified pair, stored once for both documents."""

    kind: Kind
    # The MinHash estimate; nan while an index has not computed it (finish_estimate).
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


class OnSets(Protocol):
    """What the kinds decided on shingle sets read of a document: a ``DocFeatures``, or
    the :class:`Held` numbers an index reads where it keeps them."""

    @property
    def id(self) -> str: ...
    @property
    def words(self) -> int: ...
    @property
    def exact_key(self) -> int: ...
    @property
    def shingle_count(self) -> int: ...


@attrs.frozen
class Held:
    """The :class:`OnSets` numbers of an indexed document, read without the document."""

    id: str
    words: int
    exact_key: int
    shingle_count: int


def link_on_sets(
    a: OnSets, b: OnSets, common: int, kinds: Collection[str], options: DedupOptions
) -> Link | None:
    """The strongest of the kinds *kinds* decided on shingle sets (``exact``, ``near``,
    ``containment``) that *a* and *b* are, without its estimate (``nan``, but 1.0 for
    ``exact``), given *common*, the overlap of their shingle sets (unread for two
    documents of equal exact keys, or when neither ``near`` nor ``containment`` is
    in *kinds*); None if none is, or either document has no words."""
    if a.words == 0 or b.words == 0:
        return None
    if "exact" in kinds and a.exact_key == b.exact_key:
        return Link("exact", 1.0, 1.0)
    if "near" in kinds:
        exact = jaccard_of(common, a.shingle_count, b.shingle_count)
        if exact >= options.near_threshold:
            return Link("near", math.nan, exact)
    if "containment" in kinds:
        found = _containment(a, b, common, options)
        if found is not None:
            return Link("containment", math.nan, found[0], found[1])
    return None


def _containment(
    a: OnSets, b: OnSets, common: int, options: DedupOptions
) -> tuple[float, str] | None:
    """Containment of the document with fewer shingles in the other (they share *common*):
    the exact share and the smaller's id."""
    fewer = min(a.shingle_count, b.shingle_count)
    if fewer == 0:
        return None
    exact = common / fewer
    if exact < options.containment_threshold:
        return None
    small, _ = sorted((a, b), key=lambda f: (f.shingle_count, f.id))
    return exact, small.id


def containment_estimate(
    a: DocFeatures, b: DocFeatures, options: DedupOptions, signature_of: SignatureOf | None
) -> float:
    """The MinHash estimate of the share of the smaller shingle set in the larger."""
    small, large = sorted((a, b), key=lambda f: (f.shingles.size, f.id))
    # |A n B| = J (|A| + |B|) / (1 + J), divided by |small|.
    est_j = _estimated_jaccard(a, b, options, signature_of)
    total = small.shingles.size + large.shingles.size
    return min(1.0, est_j * total / ((1 + est_j) * small.shingles.size))


def _paraphrase(
    a: DocFeatures,
    b: DocFeatures,
    options: DedupOptions,
    bound: float | None,
) -> Link | None:
    """The ``paraphrase`` link of *a* and *b*, without its estimate (``nan``), or None."""
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
    # Stored once for both documents, the same whichever came first.
    first, aligned = (a.id, exact.aligned) if a.id <= b.id else (b.id, exact.aligned[::-1])
    return Link(
        "paraphrase", math.nan, exact.score, chance=exact.chance, first=first, aligned=aligned
    )


def paraphrase_estimate(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Iterable[tuple[int, int]],
    chance: float,
    options: DedupOptions,
    *,
    sentence_signatures_of: SignatureOf | None = None,
) -> float:
    """The estimated score of a ``paraphrase`` link of *a* and *b* (whose exact alignment
    has the chance level *chance*): their sentences aligned by MinHash estimates over
    the candidate sentence pairs ``(i in a, j in b)``, against the same chance level."""
    threshold, window = options.sentence_threshold, options.sentence_window
    pairs = np.array(list(sentence_pairs), dtype=np.int64).reshape(-1, 2)
    if sentence_signatures_of is None:
        sigs = sentence_signatures(a, options), sentence_signatures(b, options)
    else:
        sigs = sentence_signatures_of(a), sentence_signatures_of(b)
    a_est, b_est = estimated_alignment(a, b, sigs, pairs, threshold=threshold, window=window)
    share = aligned_share(a_est, b_est, a, b, options.min_aligned_sentences)
    return beyond_chance(share, chance)


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
    sentence_signatures_of: SignatureOf | None = None,
    estimate: bool = True,
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
    :func:`ingest.dedup._features.document_signature`; an index keeps some), and
    *sentence_signatures_of* the sentence signatures that the estimate of a
    ``paraphrase`` link needs (those of
    :func:`ingest.dedup._features.sentence_signatures`). Without *estimate* the link's
    estimated score is ``nan``, for the caller to compute when it is read (an index
    does so for the links that become evidence: :func:`finish_estimate`); the
    decision never depends on it.
    """
    link = _decided(a, b, options, options.kinds.intersection(kinds), common=common, bound=bound)
    if link is None or not estimate:
        return link
    return finish_estimate(
        link,
        a,
        b,
        lambda: sentence_pairs,
        options,
        signature_of=signature_of,
        sentence_signatures_of=sentence_signatures_of,
    )


def _decided(
    a: DocFeatures,
    b: DocFeatures,
    options: DedupOptions,
    kinds: frozenset[str],
    *,
    common: int | None,
    bound: float | None,
) -> Link | None:
    """:func:`verify`'s link of *a* and *b* among *kinds*, without its estimate (``nan``,
    but 1.0 for ``exact``)."""
    if a.words == 0 or b.words == 0:
        return None
    # One overlap of the shingle sets serves both near and containment.
    if common is None and not ("exact" in kinds and a.exact_key == b.exact_key):
        common = overlap(a.shingles, b.shingles) if {"near", "containment"} & kinds else 0
    link = link_on_sets(a, b, common or 0, kinds, options)
    if link is not None:
        return link
    if "paraphrase" in kinds and a.sentence_count and b.sentence_count:
        return _paraphrase(a, b, options, bound)
    return None


def finish_estimate(
    link: Link,
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Callable[[], Iterable[tuple[int, int]]],
    options: DedupOptions,
    *,
    signature_of: SignatureOf | None = None,
    sentence_signatures_of: SignatureOf | None = None,
) -> Link:
    """*link*, verified without its estimate (``verify(..., estimate=False)`` with *a*
    first), with its estimated score: how ``verify`` estimates every link it returns.
    *sentence_pairs* gives the pair's candidate sentence pairs, which only a
    ``paraphrase`` link reads."""
    if not math.isnan(link.estimated):
        return link  # exact (1.0), or estimated already
    if link.kind == "near":
        estimated = _estimated_jaccard(a, b, options, signature_of)
    elif link.kind == "containment":
        estimated = containment_estimate(a, b, options, signature_of)
    else:
        estimated = paraphrase_estimate(
            a,
            b,
            sentence_pairs(),
            link.chance,
            options,
            sentence_signatures_of=sentence_signatures_of,
        )
    return attrs.evolve(link, estimated=estimated)


def verify_each(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    sentence_pairs: Sequence[Iterable[tuple[int, int]]],
    options: DedupOptions,
    *,
    by_document: Sequence[bool] | None = None,
    signature_of: SignatureOf | None = None,
) -> list[Link | None]:
    """:func:`verify_candidate` of *a* with each of *others* (the candidate sentence pairs
    of each in *sentence_pairs*, ``(i in a, j in other)``; whether the document LSH or
    the exact key proposed each in *by_document*, all of them when not given), the
    same links, with the numbers every pair needs computed for all of them at once, as
    the in-memory index does: the shingle overlaps (:func:`set_overlaps`), the kinds on
    sets ruled out (:func:`set_possible`), and the bounds of the sentence alignment
    (:func:`paraphrase_bounds`), so that only the pairs that can reach
    ``paraphrase_threshold`` are aligned. Under ``min_candidate_sentences`` 0 or 1,
    whether a pair is proposed (:func:`proposes_pair`) is asked only once a kind links
    it, so the sentence pairs of a pair that nothing links are never read.

    >>> from ingest import Document
    >>> from ingest.dedup import compute_features
    >>> text = "The talks stalled on Monday, officials in Beijing said. " * 3
    >>> docs = [Document("a", text), Document("b", text.upper()), Document("c", "Other news.")]
    >>> a, b, c = compute_features(docs, DedupOptions())
    >>> [link and link.kind for link in verify_each(a, [b, c], [(), ()], DedupOptions())]
    ['exact', None]
    """
    links: list[Link | None] = [None] * len(others)
    if a.words == 0 or not others:
        return links
    minimum = options.min_candidate_sentences
    proposals = _Proposals(a, others, sentence_pairs, options)

    def proposed(k: int) -> bool:  # proposes_pair
        return by_document is None or by_document[k] or proposals.proposes(k)

    kept: Sequence[int] = range(len(others))
    if minimum > 1:
        # Most pairs are left out unverified: every pair's proposal, at once.
        proposals.find(range(len(others)))
        kept = [k for k in kept if proposed(k)]
    chosen = [others[k] for k in kept]
    commons, _ = set_overlaps(a, chosen, options)
    possible = set_possible(a, chosen, commons, options)
    aligning = "paraphrase" in options.kinds
    unlinked: list[int] = []
    # At 0 and 1 whether a pair is proposed is asked only once a kind links it: most
    # pairs share a sentence or two by chance, no kind links them whatever their
    # sentence pairs, and their pairs and by_document are never read. A pair not
    # proposed is linked by no kind (proposes_pair, proposes_paraphrase).
    for k, other, common, can in zip(kept, chosen, commons.tolist(), possible, strict=True):
        if can:
            found = verify(
                a, other, (), options, kinds=_ON_SETS, common=common, signature_of=signature_of
            )
            if found is not None and proposed(k):
                links[k] = found
                continue
        if aligning and (minimum <= 1 or proposals.proposes(k)):
            unlinked.append(k)
    bounds = paraphrase_bounds(a, [others[k] for k in unlinked], options)
    for k, bound in zip(unlinked, bounds, strict=True):
        if bound < options.paraphrase_threshold:
            continue  # verify would return None, on this bound
        found = verify(
            a, others[k], _Read(proposals, k), options, kinds=("paraphrase",), bound=bound
        )
        if found is not None and proposals.proposes(k):
            links[k] = found
    return links


def _sentence_sets(x: DocFeatures) -> set[bytes]:
    """*x*'s sentences' stem sets, as bytes."""
    return {part.tobytes() for part in x.sentence_hashes}


@attrs.frozen
class _Read:
    """The sentence pairs of the pair *k* of *proposals*, read when iterated."""

    proposals: _Proposals
    k: int

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.proposals.pairs(self.k))


class _Proposals:
    """Whether each of *others* is proposed for the alignment (:func:`proposes_paraphrase`
    with *a*), found when first asked, each pair's *sentence_pairs* read once (the Dask
    engine's are found when read)."""

    def __init__(
        self,
        a: DocFeatures,
        others: Sequence[DocFeatures],
        sentence_pairs: Sequence[Iterable[tuple[int, int]]],
        options: DedupOptions,
    ) -> None:
        self._a, self._others, self._given, self._options = a, others, sentence_pairs, options
        self._pairs: dict[int, list[tuple[int, int]]] = {}
        self._proposed: dict[int, bool] = {}
        self._mine: set[bytes] | None = None

    def _sentences(self) -> set[bytes]:
        if self._mine is None:
            self._mine = _sentence_sets(self._a)
        return self._mine

    def pairs(self, k: int) -> list[tuple[int, int]]:
        """The sentence pairs of the pair *k*, read once."""
        found = self._pairs.get(k)
        if found is None:
            found = self._pairs[k] = list(self._given[k])
        return found

    def proposes(self, k: int) -> bool:
        """Whether the pair *k* is proposed for the alignment."""
        proposed = self._proposed.get(k)
        if proposed is None:
            self.find([k])
            proposed = self._proposed[k]
        return proposed

    def find(self, chosen: Iterable[int]) -> None:
        """Find the proposals of the pairs *chosen* not found yet, at once
        (:func:`~ingest.dedup._align.aligning_each`)."""
        a, options = self._a, self._options
        minimum = options.min_candidate_sentences
        chosen = [k for k in chosen if k not in self._proposed]
        if minimum == 0:  # every candidate
            self._proposed.update(dict.fromkeys(chosen, True))
            return
        if minimum == 1 and chosen:
            # Two sentences with the same stems have the same signature: the sentence LSH
            # proposes them, and they align. The pairs of such documents are not read.
            mine = self._sentences()
            shared = [k for k in chosen if not mine.isdisjoint(_sentence_sets(self._others[k]))]
            self._proposed.update(dict.fromkeys(shared, True))
            chosen = [k for k in chosen if k not in self._proposed]
        if not chosen:
            return
        rows = [np.array(self.pairs(k), dtype=np.intp).reshape(-1, 2) for k in chosen]
        others = [self._others[k] for k in chosen]
        levels = options.sentence_threshold, options.sentence_window
        aligned = aligning_each(a, others, rows, threshold=levels[0], window=levels[1])
        for k, other, found, flags in zip(chosen, others, rows, aligned, strict=True):
            self._proposed[k] = _covers(a, other, found[flags], minimum)


#: From this many candidates on, :func:`set_possible` rules pairs out with numpy
#: before ``verify`` runs; below, ``verify`` rules them out itself (about 1.6 µs a
#: pair that no kind on sets links) for less than numpy's 25 µs of calls a document.
_FEW_CANDIDATES: Final = 32


def set_overlaps(
    a: DocFeatures, others: Sequence[DocFeatures], options: DedupOptions
) -> tuple[npt.NDArray[np.int64], int]:
    """The shingle overlap of *a* with each of *others*, at once (near and containment
    need it), but 0 for those whose sizes alone rule a near link out (how many: the
    second value), when near is the only kind decided on the overlap. Without
    containment and paraphrase every candidate comes from the document LSH and shares
    most of the document's shingles (:func:`~ingest.dedup._shingle.overlaps`,
    ``shared``)."""
    kinds = options.kinds
    shared = not compares_sentences(options)
    commons = np.zeros(len(others), dtype=np.int64)
    sized_out = 0
    if {"near", "containment"} & kinds:
        sizes = np.fromiter((o.shingles.size for o in others), dtype=np.int64, count=len(others))
        wanted = _overlap_wanted(a, sizes, options)
        sized_out = len(others) - int(wanted.size)
        if wanted.size:
            sets = [others[i].shingles for i in wanted.tolist()]
            commons[wanted] = overlaps(a.shingles, sets, shared=shared)
    return commons, sized_out


def _overlap_wanted(
    a: DocFeatures, sizes: npt.NDArray[np.int64], options: DedupOptions
) -> npt.NDArray[np.intp]:
    """The places of the candidates (of *sizes* shingles) whose overlap with *a* is
    computed, when near or containment is asked for: every one with containment
    (any size allows it), else those that :func:`_near_possible` keeps."""
    if "containment" in options.kinds:
        return np.arange(sizes.size)
    return _near_possible(a, sizes, options)


def set_possible(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    commons: npt.NDArray[np.int64],
    options: DedupOptions,
) -> list[bool]:
    """For each of *others* (sharing *commons* shingles with *a*): whether a kind
    decided on shingle sets (``exact``, ``near``, ``containment``, those of
    ``options.kinds``) could link the pair, by :func:`verify`'s own tests on the
    same numbers, for all of them at once; where none can, ``verify`` on those
    kinds returns ``None`` and need not be called (most candidates of a document on
    a large corpus share a sentence or two with it, nothing more). Below
    ``_FEW_CANDIDATES`` others, every one may (``verify`` rules them out about as
    cheaply)."""
    count = len(others)
    if count < _FEW_CANDIDATES:
        return [True] * count
    possible: list[bool] = _set_possible(a, others, commons, options).tolist()
    return possible


def _set_possible(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    commons: npt.NDArray[np.int64],
    options: DedupOptions,
) -> npt.NDArray[np.bool_]:
    """:func:`set_possible` with numpy, whatever the number of *others*."""
    count = len(others)
    return _possible_of(
        a,
        np.fromiter((o.exact_key for o in others), dtype=np.uint64, count=count),
        np.fromiter((o.shingles.size for o in others), dtype=np.int64, count=count),
        np.fromiter((o.words for o in others), dtype=np.int64, count=count),
        commons,
        options,
    )


def _possible_of(  # noqa: PLR0917 (the columns of the others, one by one)
    a: DocFeatures,
    keys: npt.NDArray[np.uint64],
    sizes: npt.NDArray[np.int64],
    words: npt.NDArray[np.int64],
    commons: npt.NDArray[np.int64],
    options: DedupOptions,
) -> npt.NDArray[np.bool_]:
    """:func:`_set_possible` from the others' exact keys, shingle counts and word counts."""
    kinds = options.kinds
    count = keys.size
    possible = np.zeros(count, dtype=bool)
    if not count:
        return possible
    if "exact" in kinds:
        possible |= keys == np.uint64(a.exact_key)
    if {"near", "containment"} & kinds:
        mine = int(a.shingles.size)
        if "near" in kinds:  # jaccard_of, element-wise
            union = mine + sizes - commons
            jaccard = np.divide(commons, union, out=np.ones(count), where=union > 0)
            possible |= jaccard >= options.near_threshold
        if "containment" in kinds:  # _containment's exact share
            fewer = np.minimum(mine, sizes)
            share = np.divide(commons, fewer, out=np.zeros(count), where=fewer > 0)
            possible |= (fewer > 0) & (share >= options.containment_threshold)
    return possible & (words > 0)


def _overlaps_at(a: DocFeatures, spans: Spans, options: DedupOptions) -> npt.NDArray[np.int64]:
    """:func:`~ingest.dedup._shingle.overlaps` of *a* with the shingle sets of *spans*
    (the compiled kernel reads them where they are), as :func:`set_overlaps` computes
    them."""
    shared = not compares_sentences(options)
    kernel = compiled("overlaps_at")
    if kernel is None:
        rows = spans.documents(np.arange(len(spans)))
        return overlaps(a.shingles, [row.shingles for row in rows], shared=shared)
    found: npt.NDArray[np.int64] = kernel(
        a.shingles, spans.shingles, spans.shingle_starts, spans.shingle_ends, shared
    )
    return found


@attrs.frozen(eq=False)
class Screen:
    """What :func:`screen_candidates` finds of a document's candidates, by candidate:
    their shingle overlaps with it (0 where not computed), how many were sized out
    (as :func:`set_overlaps` counts them), whether a kind decided on shingle sets
    could link them (:func:`set_possible`), and their bounds of the paraphrase's
    aligned share (:func:`paraphrase_bounds`; ``-1.0`` where not asked for, or where a
    kind on sets could link the pair: most pairs inside a family are linked so)."""

    commons: npt.NDArray[np.int64]
    sized_out: int
    possible: npt.NDArray[np.bool_]
    bounds: npt.NDArray[np.float64]


def screen_candidates(
    a: DocFeatures, spans: Spans, options: DedupOptions, bounded: npt.NDArray[np.bool_]
) -> Screen:
    """:func:`set_overlaps`, :func:`set_possible` and, for the candidates *bounded* that
    no kind on sets can link, :func:`paraphrase_bounds` of *a* with the documents of
    *spans*, all at once and the same numbers, read where their store holds them:
    the compiled kernels take the flat arrays and where each document is, so a
    candidate that no kind can link costs no Python object and no copy of its
    arrays (``docs/dedup.md``, "Verification"). Without numba, the same numbers
    from the rows. An index then verifies only the candidates some kind could link."""
    count = len(spans)
    sizes = spans.shingle_counts
    commons = np.zeros(count, dtype=np.int64)
    sized_out = 0
    kinds = options.kinds
    if {"near", "containment"} & kinds:
        wanted = _overlap_wanted(a, sizes, options)
        sized_out = count - int(wanted.size)
        if wanted.size and a.shingles.size:
            some = spans if wanted.size == count else spans.subset(wanted)
            commons[wanted] = _overlaps_at(a, some, options)
    possible = _possible_of(a, spans.exact_keys, sizes, spans.words, commons, options)
    bounds = np.full(count, -1.0)
    # A pair that a kind on sets may link is bounded by the index if none does.
    chosen = np.flatnonzero(bounded & ~possible)
    if chosen.size:
        bounds[chosen] = alignment_bounds_at(
            a,
            spans if chosen.size == count else spans.subset(chosen),
            options.min_aligned_sentences,
            threshold=options.sentence_threshold,
            window=options.sentence_window,
            floor=options.paraphrase_threshold,
        )
    return Screen(commons, sized_out, possible, bounds)


def _near_possible(
    a: DocFeatures, sizes: npt.NDArray[np.int64], options: DedupOptions
) -> npt.NDArray[np.intp]:
    """The places of the documents (of *sizes* shingles) that may be a near duplicate
    of *a* by their shingle counts alone: two sets share at most the smaller, so
    their Jaccard is at most ``jaccard_of(smaller, a, b)``, the smaller's size over
    the larger's (1 when both are empty: exactly the score a pair sharing the whole
    smaller set gets), here element-wise. The others are below ``near_threshold``
    whatever they share: their overlap is not computed.

    >>> from ingest import Document
    >>> from ingest.dedup import compute_features
    >>> a = compute_features([Document("a", "one two three")], DedupOptions())[0]
    >>> a = attrs.evolve(a, shingles=np.arange(10, dtype=np.uint32))
    >>> _near_possible(a, np.array([7, 6, 14]), DedupOptions()).tolist()
    [0, 2]
    """
    mine = int(a.shingles.size)
    most = np.maximum(mine, sizes)
    best = np.divide(np.minimum(mine, sizes), most, out=np.ones(sizes.size), where=most > 0)
    return np.flatnonzero(best >= options.near_threshold)


def paraphrase_bounds(
    a: DocFeatures, others: Sequence[DocFeatures], options: DedupOptions
) -> list[float]:
    """For each of *others*: an upper bound of its aligned share with *a* that a
    paraphrase needs to reach (``docs/dedup.md``, "Verification"), the smaller of
    :func:`~ingest.dedup._align.share_bounds` (verify's first test of the alignment)
    and :func:`~ingest.dedup._align.run_bounds` (``exact_alignment``'s before it
    scores runs), for all of them at once. A pair below ``paraphrase_threshold``
    here is not a paraphrase, and ``verify`` given the bound decides as without it."""
    if not others:
        return []
    return alignment_bounds(
        a,
        others,
        options.min_aligned_sentences,
        threshold=options.sentence_threshold,
        window=options.sentence_window,
        floor=options.paraphrase_threshold,
    )


def proposes_paraphrase(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Iterable[tuple[int, int]],
    options: DedupOptions,
) -> bool:
    """Whether the candidate sentence pairs ``(i in a, j in b)`` of a candidate pair that
    align (:func:`~ingest.dedup._align.aligning_pairs`) cover at least
    ``min_candidate_sentences`` distinct sentences of *a* and as many of *b* (copies of
    one sentence count once), or all the distinct sentences of the shorter one when it
    has fewer: the candidate rule of the sentence alignment (``docs/dedup.md``,
    "Verification").

    The sentence LSH exists to propose the pairs of sentences that align; a pair it
    proposes that does not align is its false positive (two short sentences sharing a
    word), and counts for nothing. A paraphrase needs ``min_aligned_sentences`` aligned
    sentences in each document, so with a minimum above 1 a pair with one aligned
    sentence (two pages quoting one sentence) is not aligned either.
    """
    if options.min_candidate_sentences == 0:
        return True  # every candidate
    pairs = np.array(list(sentence_pairs), dtype=np.intp).reshape(-1, 2)
    levels = options.sentence_threshold, options.sentence_window
    aligned = aligning_pairs(a, b, pairs, threshold=levels[0], window=levels[1])
    return _covers(a, b, pairs[aligned], options.min_candidate_sentences)


def _covers(a: DocFeatures, b: DocFeatures, pairs: npt.NDArray[np.intp], minimum: int) -> bool:
    """Whether the sentence *pairs* ``(i in a, j in b)`` cover at least *minimum*
    distinct sentences of each document, or all of the shorter one's when it has fewer
    (:func:`proposes_paraphrase`, the pairs that align given)."""
    fewest = min(minimum, a.sentence_groups, b.sentence_groups)
    if fewest <= 0:
        return True  # nothing to cover
    groups_a = np.unique(a.sentence_group_of[pairs[:, 0]]).size
    groups_b = np.unique(b.sentence_group_of[pairs[:, 1]]).size
    return min(groups_a, groups_b) >= fewest


def proposes_pair(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Iterable[tuple[int, int]],
    options: DedupOptions,
    *,
    by_document: bool,
) -> bool:
    """Whether a candidate pair is verified at all (``docs/dedup.md``, "Verification"):
    a pair that the document LSH or the exact key proposed (*by_document*) is, and a
    pair that only the sentence LSH proposed is when :func:`proposes_paraphrase`. Else
    none of its kinds is tried: the pages of two stories whose sentences collide in
    the sentence LSH by chance, the candidate pairs that grow with the square of a
    corpus of big families, are not verified on shingle sets either. A short document
    inside a long one is still verified: its sentences align with the long one's.
    """
    return by_document or proposes_paraphrase(a, b, sentence_pairs, options)


def verify_candidate(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Sequence[tuple[int, int]],
    options: DedupOptions,
    *,
    by_document: bool = True,
) -> Link | None:
    """:func:`verify` for a pair that the LSH indexes proposed, with its candidate
    sentence pairs, and whether the document LSH (or the exact key) proposed it
    (*by_document*): none of the kinds is tried unless :func:`proposes_pair`, and
    ``paraphrase`` only when :func:`proposes_paraphrase`. Every engine verifies its
    candidates this way."""
    proposed = proposes_paraphrase(a, b, sentence_pairs, options)
    if not (by_document or proposed):
        return None
    return verify(a, b, sentence_pairs, options, kinds=KINDS if proposed else _ON_SETS)


def verify_candidates(
    features: DocFeatures,
    docs: Sequence[DocFeatures] | Mapping[int, DocFeatures],
    candidates: Iterable[int],
    sentence_pairs: Mapping[int, Sequence[tuple[int, int]]],
    options: DedupOptions,
    *,
    by_document: Container[int] | None = None,
) -> dict[str, Link]:
    """The verified links of *features* to the candidate positions in *docs* (a
    sequence, or the documents by position), by id.

    *sentence_pairs* maps a candidate's position to its aligned sentence
    candidates ``(sentence of features, sentence of the candidate)``;
    *by_document* holds the positions that the document LSH or the exact key
    proposed (every candidate when not given).
    Each candidate is verified as by :func:`verify_candidate`, all at once
    (:func:`verify_each`); *features* itself is skipped.
    """
    # Each candidate read once: an index's spilled documents are read from a file.
    held = [(slot, other) for slot in sorted(candidates) if (other := docs[slot]).id != features.id]
    others = [other for _, other in held]
    pairs = [sentence_pairs.get(slot, ()) for slot, _ in held]
    documented = None if by_document is None else [slot in by_document for slot, _ in held]
    found = verify_each(features, others, pairs, options, by_document=documented)
    return {o.id: link for o, link in zip(others, found, strict=True) if link is not None}
