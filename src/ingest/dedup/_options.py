"""The options of de-duplication and the records of its decisions.

:class:`DedupOptions` configures a :class:`ingest.DuplicateIndex`; an
:class:`Evidence` says why two documents were judged duplicates; a
:class:`Cluster` groups duplicates around a representative.

The defaults come from ``benchmarks/dedup_quality.py``; ``docs/dedup.md``
shows the threshold sweeps that justify each one.
"""

from __future__ import annotations

from typing import Any, Final, Literal, TypeAlias, get_args

import attrs

from ..core import OptionsError, integer, number

__all__ = [
    "KINDS",
    "Cluster",
    "DedupOptions",
    "Direction",
    "Evidence",
    "Kind",
    "Member",
    "Passage",
    "compares_sentences",
]

Kind: TypeAlias = Literal["exact", "near", "containment", "paraphrase"]
"""A kind of duplicate, from the strongest to the weakest."""

Direction: TypeAlias = Literal["", "subset", "superset"]
"""For containment: whether this document is inside the matched one (``subset``)
or holds it (``superset``); empty for the other kinds."""

#: Every kind, strongest first: a pair is reported as the first kind that fires.
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)


def _fraction() -> Any:
    return number(0, 1, low_open=True, hint="it is a similarity or a share")


def _check_kinds(_instance: object, _attribute: object, value: frozenset[str]) -> None:
    unknown = sorted(value - set(KINDS))
    if unknown or not value:
        raise OptionsError(
            f"DedupOptions.kinds must be a non-empty set of {', '.join(KINDS)}; "
            f"got {sorted(value)!r}"
        )


def _to_kinds(value: object) -> frozenset[str]:
    if isinstance(value, str):
        raise OptionsError(
            f"DedupOptions.kinds must be a set of kind names, got the string {value!r}; "
            f"write {{{value!r}}}"
        )
    try:
        kinds: frozenset[str] = frozenset(value)  # type: ignore[call-overload]
    except TypeError:
        raise OptionsError(
            f"DedupOptions.kinds must be a set of kind names, got {value!r}"
        ) from None
    return kinds


@attrs.frozen
class DedupOptions:
    """How :class:`ingest.DuplicateIndex` detects duplicates.

    Change a field with :func:`attrs.evolve`:

    >>> options = attrs.evolve(DedupOptions(), kinds={"exact", "near"})
    >>> sorted(options.kinds)
    ['exact', 'near']
    >>> DedupOptions(near_threshold=1.5)
    Traceback (most recent call last):
    ...
    ingest.OptionsError: DedupOptions.near_threshold must be a number in (0, 1], \
got 1.5; it is a similarity or a share

    Attributes:
        kinds: Which kinds of duplicate to detect (``exact``, ``near``,
            ``containment``, ``paraphrase``). Pairs of a kind left out are
            not linked.
        num_perm: Permutations per document signature (word shingles). More
            means sharper Jaccard estimates and slower signatures.
        seed: Seed of the MinHash permutations. Same seed, same input: same
            clusters. Indexes with different seeds cannot be compared.
        shingle_size: Words per shingle for ``near`` and ``containment``.
        near_threshold: Minimum exact Jaccard similarity of the word-shingle
            sets of two documents for a ``near`` duplicate (also the LSH
            threshold that proposes candidates).
        containment_threshold: Minimum share of the smaller document's word
            shingles found in the larger one for ``containment``.
        sentence_threshold: Minimum Jaccard similarity of the stemmed content
            words of two sentences for them to be *aligned* (also the
            sentence LSH threshold that proposes candidates).
        paraphrase_threshold: Minimum share of aligned sentences for a
            ``paraphrase``: the share of the document with fewer sentences
            that have an aligned sentence in the other. The share must also
            be above the pair's chance level (``Evidence.chance``), and the
            longer document's aligned share above its own (``docs/dedup.md``).
        min_aligned_sentences: Minimum number of aligned sentences, in each
            document, for a ``paraphrase`` (guards short documents, whose
            share is high by chance). ``1`` compares single sentences.
        sentence_num_perm: Permutations per sentence signature.
        sentence_window: The longest run of adjacent sentences of one
            document that may align, merged, with one sentence of the other
            (a rewrite that merges two sentences into one, or splits one in
            two). A run aligns when the union of its stems has Jaccard
            similarity >= ``sentence_threshold`` with the sentence and each
            of its sentences shares a stem with it; all its sentences count
            as aligned. ``1`` aligns single sentences only.
        min_candidate_sentences: Minimum number of distinct sentences, of each
            document, that the sentence LSH must pair with a sentence of the
            other that they align with, before a candidate pair is aligned for
            ``paraphrase`` (and, unless the document LSH proposed it, verified at
            all). ``1``: one pair of sentences that align; a pair the LSH proposes
            that does not align (two short sentences sharing a word) is its false
            positive and proposes nothing. ``0`` aligns every candidate, whatever
            its sentences: the pairs the LSH found only by such a false positive
            too (much slower on large corpora). ``min_aligned_sentences`` skips
            the pairs of pages that share a sentence or two by chance, faster
            still, but misses rewrites whose aligned sentences the LSH proposes
            too rarely (docs/dedup.md, "Verification").
    """

    kinds: frozenset[str] = attrs.field(
        default=frozenset(KINDS), converter=_to_kinds, validator=_check_kinds
    )
    num_perm: int = attrs.field(default=128, validator=integer(16, 1024))
    seed: int = attrs.field(default=1, validator=integer(0, 2**32 - 1))
    shingle_size: int = attrs.field(default=5, validator=integer(1, 16))
    near_threshold: float = attrs.field(default=0.7, validator=_fraction())
    containment_threshold: float = attrs.field(default=0.4, validator=_fraction())
    sentence_threshold: float = attrs.field(default=0.45, validator=_fraction())
    paraphrase_threshold: float = attrs.field(default=0.3, validator=_fraction())
    min_aligned_sentences: int = attrs.field(default=3, validator=integer(1, 1000))
    sentence_num_perm: int = attrs.field(default=64, validator=integer(16, 1024))
    sentence_window: int = attrs.field(default=2, validator=integer(1, 4))
    min_candidate_sentences: int = attrs.field(default=1, validator=integer(0, 1000))

    def to_json(self) -> dict[str, object]:
        """The options as a JSON object (``kinds`` as a sorted list)."""
        data = attrs.asdict(self)
        data["kinds"] = sorted(self.kinds)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DedupOptions:
        """The options that :meth:`to_json` wrote; unknown keys raise :class:`OptionsError`."""
        known = {field.name for field in attrs.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise OptionsError(
                f"unknown DedupOptions fields {unknown}; expected some of {sorted(known)}"
            )
        return cls(**data)


def compares_sentences(options: DedupOptions) -> bool:
    """Whether a kind of *options* compares sentences (``containment``, ``paraphrase``):
    then documents get sentence features and the sentence LSH proposes candidates too;
    otherwise every candidate comes from the document LSH.

    >>> compares_sentences(DedupOptions()), compares_sentences(DedupOptions(kinds={"near"}))
    (True, False)
    """
    return bool({"containment", "paraphrase"} & options.kinds)


@attrs.frozen(order=True)
class Passage:
    """Where two duplicates agree: a span of one text and the span of the other it matches.

    Offsets are ``str`` indexes (start inclusive, end exclusive) into the two
    texts compared: the document's (``start``, ``end``) and the matched
    document's (``matched_start``, ``matched_end``).
    """

    start: int
    end: int
    matched_start: int
    matched_end: int


@attrs.frozen
class Evidence:
    """Why a document was judged a duplicate of another.

    Attributes:
        kind: The strongest kind that fired for the pair.
        matched: The id of the other document.
        estimated: The similarity estimated from MinHash signatures (Jaccard
            for ``near``, containment for ``containment``, for ``paraphrase``
            the share of aligned sentences found through LSH, 0 when not
            above the chance level; 1.0 for ``exact``).
        exact: The same measure computed exactly on the sets; the decision
            compares it with the kind's threshold. For ``paraphrase``: the
            share of aligned sentences of the document with fewer sentences
            (above ``chance``, or the pair would not be linked).
        direction: For ``containment``: ``subset`` when this document lies
            inside the matched one, ``superset`` when it holds it.
        passages: Where the two texts agree (shared passages, or aligned
            sentences for ``paraphrase``). Empty as the index decides (it
            compares hashed sets); :func:`ingest.dedup.with_passages` finds
            them for a pair, as the audit page does.
        chance: For ``paraphrase``: the chance level, from the pair's own
            words: the share of sentences that chance aligns in more than
            one shuffle in twenty (``docs/dedup.md``).
        aligned: For ``paraphrase``: the indices of this document's aligned
            sentences (among its sentences with at least two content terms).
        matched_aligned: The same for the matched document.
    """

    kind: Kind
    matched: str
    estimated: float
    exact: float
    direction: Direction = ""
    passages: tuple[Passage, ...] = ()
    chance: float = 0.0
    aligned: tuple[int, ...] = ()
    matched_aligned: tuple[int, ...] = ()


@attrs.frozen
class Member:
    """One document of a :class:`Cluster`.

    Attributes:
        id: The document's id.
        name: The document's name.
        evidence: How it joined the cluster: its strongest verified link
            towards the representative (``None`` for the representative).
    """

    id: str
    name: str
    evidence: Evidence | None = None


@attrs.frozen
class Cluster:
    """A group of documents that are duplicates of one another.

    Attributes:
        id: The cluster's id: the representative's id.
        representative: The id of the member with the most complete text
            (most words; ties go to the smallest id).
        members: Every member, the representative first, then by id.
    """

    id: str
    representative: str
    members: tuple[Member, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The members' ids, in order."""
        return tuple(member.id for member in self.members)
