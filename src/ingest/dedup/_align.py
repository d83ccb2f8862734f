"""Sentence alignment: which sentences of two documents say the same thing.

The paraphrase signal of :mod:`ingest.dedup._index` counts the sentences of a pair
of documents that align (see ``docs/dedup.md``). Alignment works on the
distinct sentences of each document (its sentence *groups*:
:attr:`ingest.dedup._features.DocFeatures.sentence_group_of`), with numpy
over whole documents; no Python code runs per pair of sentences.

* **Exact** (:func:`exact_alignment`): every pair of groups whose stem sets
  have a Jaccard similarity of at least the threshold, and every run of 2 to
  ``window`` adjacent sentences of one document whose merged stems are that
  similar to one sentence of the other, each sentence of the run sharing a
  stem with it. The shared stems of all pairs of sets come from one join on
  the stem hashes (a sorted array and ``searchsorted``), counted with
  ``bincount``.
* **Estimated** (:func:`estimated_alignment`): the same over the candidate
  sentence pairs the sentence LSH proposed, from MinHash signatures (a run's
  signature is the element-wise minimum of its sentences', the signature of
  the union).

>>> from ingest import Document
>>> from ingest.dedup._features import compute_features
>>> from ingest.dedup._options import DedupOptions
>>> a, b = compute_features(
...     [
...         Document("a", "Officials reviewed the deal on Monday. Talks stalled in Beijing."),
...         Document("b", "Talks stalled in Beijing again. Officials reviewed the deal."),
...     ],
...     DedupOptions(),
... )
>>> a_mask, b_mask = exact_alignment(a, b, threshold=0.5, window=2)
>>> a_mask.tolist(), b_mask.tolist()
([True, True], [True, True])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from ._chance import chance_share
from ._features import DocFeatures
from ._kernels import compiled
from ._shingle import members, running_totals, span_positions
from ._signature import Signatures

if TYPE_CHECKING:
    from ._store import Spans

__all__ = [
    "Mask",
    "Paraphrase",
    "aligned_share",
    "aligning_each",
    "aligning_pairs",
    "aligning_rows",
    "aligning_rows_at",
    "alignment_bounds",
    "alignment_bounds_at",
    "estimated_alignment",
    "exact_alignment",
    "paraphrase_score",
    "run_bounds",
    "share_bound",
    "share_bounds",
]

Mask: TypeAlias = npt.NDArray[np.bool_]
"""One flag per sentence group of a document: aligned or not."""

_Index: TypeAlias = npt.NDArray[np.intp]
_Values: TypeAlias = npt.NDArray[np.uint32]
_Counts: TypeAlias = npt.NDArray[np.int64]

#: Cells of a matrix of shared-stem counts computed at once (bounds the memory
#: that two very long documents take: blocks of rows of the matrix).
_BLOCK: Final = 1 << 22
_LOW32: Final = np.uint64(0xFFFFFFFF)


class _Sets:
    """Sets in flat form: ``values`` of set 0, then of set 1, ...; ``owner`` says whose."""

    def __init__(self, values: _Values, sizes: _Index) -> None:
        self.values = values
        self.sizes = sizes

    @cached_property
    def starts(self) -> _Index:
        """Where each set's values begin."""
        starts: _Index = np.cumsum(self.sizes) - self.sizes
        return starts

    @cached_property
    def owner(self) -> _Index:
        """The set of each value (the bounds read only values and sizes: made when asked)."""
        return np.repeat(np.arange(self.sizes.size, dtype=np.intp), self.sizes)

    @classmethod
    def groups(cls, features: DocFeatures) -> _Sets:
        """The stem sets of *features*' sentence groups, in group order."""
        sizes = features.sentence_sizes.astype(np.intp)
        if not features.sentence_repeated:  # the groups are the sentences
            return cls(features.sentence_values, sizes)
        firsts = features.sentence_firsts
        lengths = sizes[firsts]
        starts = (np.cumsum(sizes) - sizes)[firsts]
        return cls(features.sentence_values[span_positions(starts, lengths)], lengths)

    def gather(self, members: _Index) -> tuple[_Values, _Index]:
        """The values of the sets *members* (in that order, repeats allowed) and, for
        each value, its position in *members*."""
        lengths = self.sizes[members]
        values = self.values[span_positions(self.starts[members], lengths)]
        return values, np.repeat(np.arange(members.size, dtype=np.intp), lengths)


class _Lookup:
    """The sets of one document sorted by value, to count what other sets share with them."""

    def __init__(self, sets: _Sets) -> None:
        order = np.argsort(sets.values, kind="stable")
        self.values = sets.values[order]
        self.owner = sets.owner[order]
        self.sizes = sets.sizes
        self.count = int(sets.sizes.size)

    def common(self, values: _Values, owner: _Index, rows: int) -> _Counts:
        """``(rows, count)``: how many of the values of set ``r`` (the *values* whose
        *owner* is ``r``) each of the looked-up sets holds."""
        low = np.searchsorted(self.values, values, side="left")
        high = np.searchsorted(self.values, values, side="right")
        found = high - low
        cells = np.repeat(owner, found) * self.count + self.owner[span_positions(low, found)]
        counts: _Counts = np.bincount(cells, minlength=rows * self.count)
        return counts.reshape(rows, self.count)

    def step(self, per_row: int = 1) -> int:
        """Rows of a block of :meth:`common` (see ``_BLOCK``)."""
        return max(1, _BLOCK // max(1, self.count * per_row))


def _similar(common: _Counts, left: _Index, right: _Index, threshold: float) -> Mask:
    """Which pairs of sets (sizes *left* by *right*, *common* shared) have a Jaccard
    similarity of at least *threshold*: as ``common / union >= threshold`` in floats."""
    union = left[:, None] + right[None, :] - common
    similar: Mask = (common > 0) & (common / np.maximum(union, 1) >= threshold)
    return similar


def _runs(group_of: _Index, window: int) -> Iterator[_Index]:
    """The distinct runs of 2 to *window* adjacent sentences, as rows of sentence groups,
    one array per run length (a run that repeats a sentence adds nothing and is left out)."""
    groups = int(group_of.max()) + 1 if group_of.size else 0
    # No sentence repeated (the groups are 0, 1, 2, ...): every run is distinct, and in
    # order already.
    every_one = groups == group_of.size and bool((group_of == np.arange(groups)).all())
    for size in range(2, window + 1):
        if group_of.size < size:
            return
        runs = sliding_window_view(group_of, size)
        if every_one:
            yield runs
            continue
        distinct = np.ones(len(runs), dtype=bool)
        for k in range(size):
            for m in range(k + 1, size):
                distinct &= runs[:, k] != runs[:, m]
        if not distinct.any():
            continue
        kept = runs[distinct]
        if groups**size >= 1 << 62:
            yield np.unique(kept, axis=0)
            continue
        # Each run as one number, its groups the digits (base: the number of groups):
        # sorted numbers are rows in np.unique(axis=0)'s order, found much faster.
        digits = groups ** np.arange(size - 1, -1, -1, dtype=np.int64)
        first = np.unique(kept.astype(np.int64) @ digits, return_index=True)[1]
        yield kept[first]


def _merged(
    x: DocFeatures,
    x_sets: _Sets,
    y: _Lookup,
    masks: tuple[Mask, Mask],
    *,
    threshold: float,
    window: int,
) -> None:
    """Mark the groups of *x* and *y* aligned through a run of *x*'s sentences: the run's
    merged stems are similar to one sentence of *y*, and each sentence of the run
    shares a stem with it (*masks*: of *x* and of *y*, updated)."""
    x_mask, y_mask = masks
    for runs in _runs(x.sentence_group_of, window):
        size = runs.shape[1]
        step = y.step(size)
        for first in range(0, len(runs), step):
            block = runs[first : first + step]
            values, part = x_sets.gather(block.reshape(-1))
            parts = y.common(values, part, block.size).reshape(len(block), size, y.count)
            shares = (parts > 0).all(axis=1)
            terms, merged = _merged_terms(values, part, size)
            sizes = np.bincount(merged, minlength=len(block)).astype(np.intp)
            common = y.common(terms, merged, len(block))
            aligned = shares & _similar(common, sizes, y.sizes, threshold)
            x_mask[block[aligned.any(axis=1)].reshape(-1)] = True
            y_mask |= aligned.any(axis=0)


def exact_alignment(
    a: DocFeatures,
    b: DocFeatures,
    *,
    threshold: float,
    window: int,
    floor: float = 0.0,
    minimum: int = 0,
) -> tuple[Mask, Mask]:
    """The sentence groups of *a* and of *b* that align, on exact stem sets.

    With a *floor*: when even the sentences that could still align through a run
    (:func:`_run_bound`, from the counts of single sentence pairs) leave the
    :func:`aligned_share` (with *minimum*) below *floor*, the runs are not scored
    and only the single alignments come back: the pair is hopeless either way.
    """
    a_sets, b_sets = _Sets.groups(a), _Sets.groups(b)
    cells = a_sets.sizes.size * b_sets.sizes.size
    if (
        cells <= _BLOCK
        and (kernel := compiled("exact_masks")) is not None
        and (bounder := compiled("run_bound_counts")) is not None
    ):
        # The same masks, compiled (ingest.dedup._kernels.exact_masks). One block, so
        # with a floor the bound below applies: run_bounds' counts give its share (the
        # same numbers), and a pair below the floor gets its single alignments.
        lookup = _Lookup(a_sets)
        if floor > 0 and window > 1 and cells:
            ((mine, theirs),) = _run_bounded_compiled(
                bounder, a, a_sets, lookup, [(b, b_sets)], threshold=threshold, window=window
            )
            window = 1 if _share(mine, theirs, a, b, minimum) < floor else window
        masks = kernel(
            *_group_arrays(a, a_sets, lookup),
            b_sets.values,
            _starts(b_sets),
            b.sentence_group_of.astype(np.int64),
            float(threshold),
            int(window),
        )
        return masks[: a_sets.sizes.size], masks[a_sets.sizes.size :]
    a_mask = np.zeros(a_sets.sizes.size, dtype=bool)
    b_mask = np.zeros(b_sets.sizes.size, dtype=bool)
    b_lookup = _Lookup(b_sets)
    step = b_lookup.step()
    whole = step >= a_mask.size  # one block: the bound of the runs can use it
    for first in range(0, a_mask.size, step):
        last = min(a_mask.size, first + step)
        low, high = np.searchsorted(a_sets.owner, [first, last])
        common = b_lookup.common(
            a_sets.values[low:high], a_sets.owner[low:high] - first, last - first
        )
        similar = _similar(common, a_sets.sizes[first:last], b_sets.sizes, threshold)
        a_mask[first:last] |= similar.any(axis=1)
        b_mask |= similar.any(axis=0)
    if window > 1:
        if whole and floor > 0:
            a_could, b_could = _run_bound(
                a, b, common, (a_sets, b_sets), threshold=threshold, window=window
            )
            if aligned_share(a_mask | a_could, b_mask | b_could, a, b, minimum) < floor:
                return a_mask, b_mask
        _merged(a, a_sets, b_lookup, (a_mask, b_mask), threshold=threshold, window=window)
        _merged(b, b_sets, _Lookup(a_sets), (b_mask, a_mask), threshold=threshold, window=window)
    return a_mask, b_mask


def aligning_pairs(
    a: DocFeatures, b: DocFeatures, pairs: npt.ArrayLike, *, threshold: float, window: int
) -> Mask:
    """Which of the sentence *pairs* ``(i in a, j in b)`` align as
    :func:`exact_alignment` aligns sentences: the two alone, or one of them (any copy)
    in a run of 2 to *window* adjacent sentences of its document, each sharing a stem
    with the other, whose merged stems are similar to it. What turns the pairs the
    sentence LSH proposes into the pairs it exists to find: a proposal below the
    threshold is its false positive (``docs/dedup.md``, "Verification").

    >>> from ingest import DedupOptions, Document
    >>> from ingest.dedup import compute_features
    >>> texts = [
    ...     "Officials reviewed the deal. Talks stalled in Beijing on Monday.",
    ...     "Talks stalled in Beijing, officials said. Markets fell in Tokyo.",
    ... ]
    >>> a, b = compute_features([Document(str(k), t) for k, t in enumerate(texts)], DedupOptions())
    >>> aligning_pairs(a, b, [(1, 0), (0, 1)], threshold=0.45, window=2).tolist()
    [True, False]
    """
    [found] = aligning_each(a, [b], [pairs], threshold=threshold, window=window)
    return found


def aligning_each(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    pairs: Sequence[npt.ArrayLike],
    *,
    threshold: float,
    window: int,
) -> list[Mask]:
    """:func:`aligning_pairs` of *a* with each of *others*, for its *pairs*: with numba
    one compiled call for all of them (:func:`ingest.dedup._kernels.aligning_rows`);
    without it, Python over each pair's sets."""
    each = [np.asarray(found, dtype=np.int64).reshape(-1, 2) for found in pairs]
    kernel = compiled("aligning_rows")
    if kernel is None:
        return [
            _aligning_sets(a, other, rows, threshold, window)
            for other, rows in zip(others, each, strict=True)
        ]
    counts = [len(rows) for rows in each]
    if not sum(counts):
        return [np.zeros(0, dtype=bool) for _ in others]
    rows = np.concatenate(each)
    sentences = running_totals((o.sentence_count for o in others), initial=True)
    flags: Mask = kernel(
        _sentence_arrays(a),
        np.concatenate([o.sentence_values for o in others]),
        np.concatenate([o.sentence_sizes for o in others]),
        running_totals((o.sentence_values.size for o in others), initial=True)[:-1],
        sentences[:-1],
        sentences[1:],
        np.array([o.sentence_groups for o in others], dtype=np.uint32),
        (np.repeat(np.arange(len(others)), counts), rows[:, 0].copy(), rows[:, 1].copy()),
        float(threshold),
        int(window),
        0,
    )
    return np.split(flags, running_totals(counts)[:-1])


def _aligning_sets(
    a: DocFeatures, b: DocFeatures, rows: npt.NDArray[np.int64], threshold: float, window: int
) -> Mask:
    """:func:`aligning_pairs` in Python, over the pairs' stem sets."""
    if not rows.size:
        return np.zeros(0, dtype=bool)
    x = (a.sentences, a.sentence_group_of.tolist())
    y = (b.sentences, b.sentence_group_of.tolist())
    return np.array(
        [
            _similar_sets(x[0][i], y[0][j], threshold)
            or _in_run(x, i, y[0][j], threshold, window)
            or _in_run(y, j, x[0][i], threshold, window)
            for i, j in rows.tolist()
        ],
        dtype=bool,
    )


def aligning_rows(
    a: DocFeatures,
    read: Callable[[int], DocFeatures],
    rows: npt.NDArray[np.int64],
    *,
    threshold: float,
    window: int,
) -> Mask:
    """:func:`aligning_pairs` of *a* with the documents that *read* gives by place, for
    the candidate sentence pairs *rows* ``(place, sentence of a, sentence of the
    document)``, sorted by place: each document read once."""
    found = np.zeros(len(rows), dtype=bool)
    places = rows[:, 0]
    starts = np.flatnonzero(np.diff(places, prepend=-1)).tolist()
    for low, high in zip(starts, [*starts[1:], len(rows)], strict=True):
        found[low:high] = aligning_pairs(
            a, read(int(places[low])), rows[low:high, 1:], threshold=threshold, window=window
        )
    return found


def aligning_rows_at(
    a: DocFeatures,
    spans: Spans,
    rows: npt.NDArray[np.int64],
    *,
    threshold: float,
    window: int,
    first: bool = False,
) -> Mask:
    """:func:`aligning_pairs` of *a* with the documents of *spans*, for the candidate
    sentence pairs *rows* ``(place in spans, sentence of a, sentence of the
    document)``, sorted by place; with *first*, only each document's first pair that
    aligns is flagged (the rest are not looked at: whether a document has one is
    the question). With numba the kernel reads each document where its store holds
    it (:func:`ingest.dedup._kernels.aligning_rows`); without it, each document is
    read."""
    kernel = compiled("aligning_rows")
    if kernel is None or not rows.size:
        found = aligning_rows(
            a,
            lambda place: spans.documents(np.array([place]))[0],
            rows,
            threshold=threshold,
            window=window,
        )
        if first:  # each place's first flag, as the kernel's
            flagged = np.flatnonzero(found)
            firsts = flagged[np.flatnonzero(np.diff(rows[flagged, 0], prepend=-1))]
            found[:] = False
            found[firsts] = True
        return found
    flags: Mask = kernel(
        _sentence_arrays(a),
        *spans.sentences,
        (rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy()),
        float(threshold),
        int(window),
        int(first),
    )
    return flags


def _sentence_arrays(
    x: DocFeatures,
) -> tuple[_Values, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """What :func:`ingest.dedup._kernels.aligning_rows` takes of document *x*: its
    sentences' stems, where each sentence starts (one more than the sentences), and
    each sentence's group."""
    return (
        x.sentence_values,
        running_totals(x.sentence_sizes.tolist(), initial=True),
        x.sentence_group_of.astype(np.int64),
    )


def _similar_sets(x: frozenset[int], y: frozenset[int], threshold: float) -> bool:
    """Whether two stem sets have a Jaccard similarity of at least *threshold*, as
    :func:`_similar` finds it."""
    common = len(x & y)
    return common > 0 and common / max(len(x) + len(y) - common, 1) >= threshold


def _in_run(
    x: tuple[tuple[frozenset[int], ...], list[int]],
    i: int,
    other: frozenset[int],
    threshold: float,
    window: int,
) -> bool:
    """Whether a run of 2 to *window* adjacent sentences of *x* (its stem sets and
    groups) holding a copy of sentence *i*, no group twice (:func:`_runs`), aligns with
    *other*: each of its sentences shares a stem with it, and their merged stems are
    similar to it (:func:`_merged`)."""
    sets, group_of = x
    count = len(sets)
    for at in (k for k, group in enumerate(group_of) if group == group_of[i]):
        for size in range(2, window + 1):
            for first in range(max(0, at - size + 1), min(at, count - size) + 1):
                run = range(first, first + size)
                if len({group_of[s] for s in run}) < size:
                    continue
                if all(sets[s] & other for s in run) and _similar_sets(
                    frozenset().union(*(sets[s] for s in run)), other, threshold
                ):
                    return True
    return False


def _group_arrays(
    x: DocFeatures, sets: _Sets, lookup: _Lookup
) -> tuple[_Values, npt.NDArray[np.int64], npt.NDArray[np.int64], _Values, npt.NDArray[np.int64]]:
    """What the kernels take of document *x*'s sentence groups (*sets*, and *lookup*
    of them): the groups' sets (values, and where each starts), each sentence's
    group, and the groups' terms sorted with the group of each."""
    return (
        sets.values,
        _starts(sets),
        x.sentence_group_of.astype(np.int64),
        lookup.values,
        lookup.owner.astype(np.int64),
    )


def _share_terms(
    x: DocFeatures, terms: _Values
) -> tuple[_Values, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """What the share bounds' kernels take of document *x* (*terms*: its distinct terms,
    sorted): those terms, the place there of each of its sentences' terms, and its
    sentences' sizes."""
    return (
        terms,
        np.searchsorted(terms, x.sentence_values).astype(np.int64),
        x.sentence_sizes.astype(np.int64),
    )


def _starts(sets: _Sets) -> npt.NDArray[np.int64]:
    """Where each set of *sets* starts, and where the last ends."""
    return np.concatenate(([0], np.cumsum(sets.sizes))).astype(np.int64)


def _merged_terms(values: _Values, part: _Index, size: int) -> tuple[_Values, _Index]:
    """The merged terms of runs of *size* sets, from their parts' *values* (``part``: the
    position of each value's set among the runs' sets, run after run, as
    :meth:`_Sets.gather` gives them): each run's terms without repeats, and the run of
    each."""
    keys = np.unique((part // size).astype(np.uint64) << np.uint64(32) | values)
    return (keys & _LOW32).astype(np.uint32), (keys >> np.uint64(32)).astype(np.intp)


def _merged_sizes(sets: _Sets, runs: _Index) -> _Index:
    """The number of distinct terms of each run's merged sets (*runs*: rows of set
    numbers of *sets*)."""
    _, run = _merged_terms(*sets.gather(runs.reshape(-1)), runs.shape[1])
    merged: _Index = np.bincount(run, minlength=len(runs))
    return merged


def _run_possible(
    common: _Counts, sets: _Sets, runs: _Index, sizes: _Index, threshold: float
) -> Mask:
    """``(runs, sets)``: whether each of *runs* (rows of set numbers of *sets*) could be
    similar to each set of the other document, from *common* (the terms each of *sets*
    shares with each set of the other document, whose *sizes* are given).

    The run's merged terms ``u`` share at most ``c = min(sum of parts, |y|, |u|)`` terms
    with ``y``; a Jaccard similarity ``|u n y| / (|u| + |y| - |u n y|)`` grows with the
    shared terms and falls with ``|u|``, so it is at most ``c / (|u| + |y| - c)``,
    compared with *threshold* as :func:`_merged` compares (a correctly rounded
    division keeps the order). Each part must share a term too, as :func:`_merged`
    requires. ``|u|`` is at least the largest part: that bound first, then ``|u|``
    itself for the runs it lets through."""
    parts = [common[runs[:, k]] for k in range(runs.shape[1])]
    possible: Mask = parts[0] > 0
    for part in parts[1:]:
        possible &= part > 0
    run, column = np.nonzero(possible)
    summed = np.minimum(sum(part[run, column] for part in parts), sizes[column])
    least = sets.sizes[runs[run]].max(axis=1)
    kept = _jaccard_at_most(summed, least, sizes[column], threshold)
    run, column, summed = run[kept], column[kept], summed[kept]
    if run.size:
        distinct, at = np.unique(run, return_inverse=True)
        merged = _merged_sizes(sets, runs[distinct])[at]
        summed = np.minimum(summed, merged)
        kept = _jaccard_at_most(summed, merged, sizes[column], threshold)
        run, column = run[kept], column[kept]
    possible[:] = False
    possible[run, column] = True
    return possible


def _jaccard_at_most(shared: _Counts, least: _Index, sizes: _Index, threshold: float) -> Mask:
    """Whether sets of *sizes* and runs of at least *least* merged terms that share at most
    *shared* terms (at most the sizes) could reach *threshold*."""
    union = np.maximum(least, shared) + sizes - shared
    similar: Mask = shared / np.maximum(union, 1) >= threshold
    return similar


def _run_bound(
    a: DocFeatures,
    b: DocFeatures,
    common: _Counts,
    sets: tuple[_Sets, _Sets],
    *,
    threshold: float,
    window: int,
) -> tuple[Mask, Mask]:
    """The groups of *a* and *b* that could align through a run, from *common* (the
    shared terms of every pair of groups) and their group sets: a run ``u`` of one
    document aligns with a sentence ``y`` of the other only if each part shares a
    term with ``y`` and the Jaccard similarity that ``|u n y|`` at most the sum of
    the parts' common terms allows reaches the threshold (:func:`_run_possible`)."""
    a_sets, b_sets = sets
    a_could = np.zeros(a_sets.sizes.size, dtype=bool)
    b_could = np.zeros(b_sets.sizes.size, dtype=bool)
    sides = (
        (a, a_sets, b_sets.sizes, a_could, b_could, common),
        (b, b_sets, a_sets.sizes, b_could, a_could, common.T),
    )
    for x, x_sets, y_sizes, x_could, y_could, matrix in sides:
        for runs in _runs(x.sentence_group_of, window):
            possible = _run_possible(matrix, x_sets, runs, y_sizes, threshold)
            x_could[runs[possible.any(axis=1)].reshape(-1)] = True
            np.logical_or(y_could, possible.any(axis=0), out=y_could)
    return a_could, b_could


def run_bounds(
    a: DocFeatures, others: Sequence[DocFeatures], minimum: int, *, threshold: float, window: int
) -> list[float]:
    """For each of *others*: an upper bound of :func:`aligned_share` that
    :func:`exact_alignment` with a floor compares with the floor before it scores any run
    (the single alignments and :func:`_run_bound`'s sentences), computed for all of
    *others* at once; ``inf`` (no bound) where :func:`exact_alignment` would not use it
    (the pair's shared-term matrix in more than one block). A pair below the floor
    here is below it there, and its runs are never scored.

    The shared terms of every pair of groups come from one join of all the others'
    terms with *a*'s (sorted, ``searchsorted``), counted with ``bincount``: the work
    follows the terms that match, not the size of a terms-by-groups matrix.
    """
    bounds = [math.inf] * len(others)
    if not others:
        return bounds  # nothing to bound: a's groups are not built
    a_sets = _Sets.groups(a)
    count = int(a_sets.sizes.size)
    if not count or not a_sets.values.size:
        return bounds
    sets = [_Sets.groups(other) for other in others]
    # exact_alignment's condition for using its bound: the matrix in one block.
    usable = [
        j
        for j, other in enumerate(sets)
        if other.sizes.size and max(1, _BLOCK // max(1, int(other.sizes.size))) >= count
    ]
    lookup = _Lookup(a_sets)
    kernel = compiled("run_bound_counts")
    if kernel is not None:
        pending = [(others[j], sets[j]) for j in usable]
        found = _run_bounded_compiled(
            kernel, a, a_sets, lookup, pending, threshold=threshold, window=window
        )
        for j, (mine, theirs) in zip(usable, found, strict=True):
            bounds[j] = _share(mine, theirs, a, others[j], minimum)
        return bounds
    # Columns a block: the group-by-column matrices within _BLOCK cells.
    budget = max(1, _BLOCK // (count * max(1, window)))
    while usable:
        block: list[int] = []
        columns = 0
        while usable and (not block or columns + sets[usable[0]].sizes.size <= budget):
            columns += int(sets[usable[0]].sizes.size)
            block.append(usable.pop(0))
        found = _run_bounded(
            a,
            a_sets,
            lookup,
            [(others[j], sets[j]) for j in block],
            threshold=threshold,
            window=window,
        )
        for j, (mine, theirs) in zip(block, found, strict=True):
            bounds[j] = _share(mine, theirs, a, others[j], minimum)
    return bounds


def _run_bounded_compiled(
    kernel: Callable[..., _Counts],
    a: DocFeatures,
    a_sets: _Sets,
    lookup: _Lookup,
    others: Sequence[tuple[DocFeatures, _Sets]],
    *,
    threshold: float,
    window: int,
) -> list[tuple[int, int]]:
    """:func:`_run_bounded` by the compiled kernel
    :func:`ingest.dedup._kernels.run_bound_counts`, pair by pair: the same counts."""
    if not others:
        return []
    sizes = np.concatenate([s.sizes for _, s in others]).astype(np.int64)
    counts = kernel(
        *_group_arrays(a, a_sets, lookup),
        np.concatenate([s.values for _, s in others]),
        np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        np.concatenate([o.sentence_group_of for o, _ in others]).astype(np.int64),
        running_totals((int(s.sizes.size) for _, s in others), initial=True),
        running_totals((o.sentence_count for o, _ in others), initial=True),
        float(threshold),
        int(window),
    )
    return [(int(m), int(t)) for m, t in counts.tolist()]


def _run_bounded(
    a: DocFeatures,
    a_sets: _Sets,
    lookup: _Lookup,
    others: Sequence[tuple[DocFeatures, _Sets]],
    *,
    threshold: float,
    window: int,
) -> list[tuple[int, int]]:
    """The aligned sentences that :func:`exact_alignment`'s bound allows, of *a* and of
    each of *others* (with their group sets; *lookup*: of *a_sets*)."""
    n = len(others)
    docs = [other for other, _ in others]
    sets = [other_sets for _, other_sets in others]
    sizes = np.concatenate([s.sizes for s in sets]).astype(np.intp)
    starts = np.cumsum([0] + [int(s.sizes.size) for s in sets[:-1]])
    column_doc = np.repeat(np.arange(n, dtype=np.intp), [s.sizes.size for s in sets])
    values = np.concatenate([s.values for s in sets])
    column = np.repeat(np.arange(sizes.size, dtype=np.intp), sizes)
    # The shared terms of every pair (a's group, column), counted over the matches only.
    common = np.ascontiguousarray(lookup.common(values, column, sizes.size).T)
    similar = _similar(common, a_sets.sizes, sizes, threshold)
    a_mask: Mask = np.logical_or.reduceat(similar, starts, axis=1)  # (a's groups, others)
    b_mask: Mask = np.asarray(similar.any(axis=0))
    if window > 1:
        # Runs of a against every group of the others.
        for runs in _runs(a.sentence_group_of, window):
            possible = _run_possible(common, a_sets, runs, sizes, threshold)
            # Each part of a possible run, for each document holding its partner.
            run, doc = np.nonzero(np.logical_or.reduceat(possible, starts, axis=1))
            a_mask[runs[run].reshape(-1), np.repeat(doc, runs.shape[1])] = True
            b_mask |= possible.any(axis=0)
        both = a_sets.sizes, _Sets(values, sizes)
        _their_runs(
            docs, starts, common, both, (a_mask, b_mask), threshold=threshold, window=window
        )
    a_weights = np.bincount(a.sentence_group_of, minlength=a_sets.sizes.size)
    b_weights = np.concatenate(
        [np.bincount(o.sentence_group_of, minlength=s.sizes.size) for o, s in others]
    )
    mine = a_weights @ a_mask.astype(np.int64)
    theirs = np.bincount(column_doc[b_mask], weights=b_weights[b_mask], minlength=n)
    return [(int(m), int(t)) for m, t in zip(mine.tolist(), theirs.tolist(), strict=True)]


def _their_runs(
    docs: list[DocFeatures],
    starts: _Index,
    common: _Counts,
    sets: tuple[_Index, _Sets],
    masks: tuple[Mask, Mask],
    *,
    threshold: float,
    window: int,
) -> None:
    """:func:`_run_bound` for the runs of each of *docs* (their groups are the columns of
    *common* from *starts* on) against *a*'s groups: *masks* (*a*'s groups by document,
    the columns) updated; *sets*: the sizes of *a*'s groups and the columns' sets."""
    a_sizes, columns = sets
    a_mask, b_mask = masks
    n = len(docs)
    groups = np.concatenate([o.sentence_group_of for o in docs]) + np.repeat(
        starts, [o.sentence_count for o in docs]
    )
    owner = np.repeat(np.arange(n, dtype=np.intp), [o.sentence_count for o in docs])
    for size in range(2, window + 1):
        if groups.size < size:
            break
        runs = sliding_window_view(groups, size)
        keep = owner[: len(runs)] == owner[size - 1 :]
        for k in range(size):
            for m in range(k + 1, size):
                keep &= runs[:, k] != runs[:, m]
        runs = runs[keep]
        if not len(runs):
            continue
        possible = _run_possible(common.T, columns, runs, a_sizes, threshold)
        b_mask[runs[possible.any(axis=1)].reshape(-1)] = True
        run, group = np.nonzero(possible)
        a_mask[group, owner[: len(keep)][keep][run]] = True


def _estimated_runs(
    x: DocFeatures,
    y: DocFeatures,
    signatures: tuple[Signatures, Signatures],
    pairs: npt.NDArray[np.int64],
    masks: tuple[Mask, Mask],
    *,
    threshold: float,
    window: int,
) -> None:
    """The estimate of :func:`_merged` over the runs of *x* through the candidate
    sentence pairs ``(i in x, j in y)``: a part shares a stem when its estimated
    Jaccard with the sentence is not 0 (*signatures* and *masks*: of *x* and of *y*)."""
    x_sigs, y_sigs = signatures
    x_mask, y_mask = masks
    num_perm = float(x_sigs.shape[1])
    count = x.sentence_count
    for size in range(2, window + 1):
        offsets = np.arange(size, dtype=np.intp)
        for back in range(size):
            # The runs of this size in which sentence i is at position `back`.
            starts = pairs[:, 0] - back
            inside = (starts >= 0) & (starts + size <= count)
            if not inside.any():
                continue
            rows = starts[inside, None] + offsets
            targets = pairs[inside, 1]
            groups = x.sentence_group_of[rows]
            keep = np.ones(len(rows), dtype=bool)
            for k in range(size):
                for m in range(k + 1, size):
                    keep &= groups[:, k] != groups[:, m]
            sigs = x_sigs[rows]
            target = y_sigs[targets]
            keep &= (sigs == target[:, None, :]).any(axis=2).all(axis=1)
            merged = sigs.min(axis=1)
            estimated = np.count_nonzero(merged == target, axis=1) / num_perm
            keep &= estimated >= threshold
            x_mask[groups[keep].reshape(-1)] = True
            y_mask[y.sentence_group_of[targets[keep]]] = True


def estimated_alignment(
    a: DocFeatures,
    b: DocFeatures,
    signatures: tuple[Signatures, Signatures],
    pairs: npt.NDArray[np.int64],
    *,
    threshold: float,
    window: int,
) -> tuple[Mask, Mask]:
    """The sentence groups of *a* and *b* aligned by MinHash estimates, over the candidate
    sentence pairs ``(i in a, j in b)`` (rows of *pairs*) and the runs through them;
    *signatures*: the sentence signatures of *a* and of *b*."""
    a_sigs, b_sigs = signatures
    a_firsts, b_firsts = a.sentence_firsts, b.sentence_firsts
    if len(pairs) and (kernel := compiled("estimated_masks")) is not None:
        # The same masks, compiled (ingest.dedup._kernels.estimated_masks).
        masks = kernel(
            np.ascontiguousarray(a_sigs),
            np.ascontiguousarray(b_sigs),
            np.ascontiguousarray(pairs, dtype=np.int64),
            a.sentence_group_of.astype(np.int64),
            b.sentence_group_of.astype(np.int64),
            a_firsts.astype(np.int64),
            b_firsts.astype(np.int64),
            float(threshold),
            int(window),
        )
        return masks[: a_firsts.size], masks[a_firsts.size :]
    a_mask = np.zeros(a_firsts.size, dtype=bool)
    b_mask = np.zeros(b_firsts.size, dtype=bool)
    if not len(pairs):
        return a_mask, b_mask
    # One comparison per pair of groups, between their first sentences.
    width = b_mask.size
    cells = np.unique(a.sentence_group_of[pairs[:, 0]] * width + b.sentence_group_of[pairs[:, 1]])
    ga, gb = cells // width, cells % width
    left = a_sigs[a_firsts[ga]]
    right = b_sigs[b_firsts[gb]]
    estimated = np.count_nonzero(left == right, axis=1) / float(left.shape[1])
    aligned = estimated >= threshold
    a_mask[ga[aligned]] = True
    b_mask[gb[aligned]] = True
    if window > 1:
        masks = a_mask, b_mask
        _estimated_runs(a, b, signatures, pairs, masks, threshold=threshold, window=window)
        flipped = signatures[::-1], pairs[:, ::-1], masks[::-1]
        _estimated_runs(b, a, *flipped, threshold=threshold, window=window)
    return a_mask, b_mask


def aligned_share(
    a_mask: Mask, b_mask: Mask, a: DocFeatures, b: DocFeatures, minimum: int
) -> float:
    """The share of aligned sentences of the document with fewer sentences (0 when
    either has fewer than *minimum* aligned); every copy of an aligned sentence counts."""
    aligned_a = int(np.bincount(a.sentence_group_of)[a_mask].sum())
    aligned_b = int(np.bincount(b.sentence_group_of)[b_mask].sum())
    return _share(aligned_a, aligned_b, a, b, minimum)


def share_bound(
    a: DocFeatures, b: DocFeatures, minimum: int, *, threshold: float = 0.0, window: int = 2
) -> float:
    """An upper bound of the exact :func:`aligned_share` (and so of the
    :func:`paraphrase_score`), from each sentence's terms found anywhere in the
    other document, before any pair of sentences is scored.

    Sentence ``x`` of size ``|x|`` aligns with a sentence or run ``y`` only if
    ``|x n y| >= threshold * |x|`` (a Jaccard similarity is at most
    ``|x n y| / |x|``), so only if at least that many of its terms are found in
    the other document; as a part of a run ``u`` it needs each part to share a
    term and ``|u n other| >= threshold * |u|``, which the sum of the parts'
    terms found bounds from above (``|u|`` is at least its largest part). The
    share never falls when more sentences align, so a pair below the paraphrase
    threshold here is below it exactly. ``threshold=0`` counts the sentences
    that share a term (the bound before issue 18).
    """
    a_sorted, b_sorted = np.sort(a.sentence_values), np.sort(b.sentence_values)
    return _share(
        _feasible(a, b_sorted, threshold, window),
        _feasible(b, a_sorted, threshold, window),
        a,
        b,
        minimum,
    )


def share_bounds(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    minimum: int,
    *,
    threshold: float = 0.0,
    window: int = 2,
) -> list[float]:
    """:func:`share_bound` of *a* with each of *others*, equal to it bit for bit, with
    numpy over all of *others* at once (no Python code runs per sentence or term).

    One lookup of all the others' terms in *a*'s distinct terms serves both sides:
    which of the others' terms *a* holds (their side), and which of *a*'s terms each
    other holds, each looked up once in *a*'s sentences to count the terms of each
    sentence of *a* found in each other document (*a*'s side). Then the feasible sentences follow
    :func:`_feasible`'s rules, per document.
    """
    bounds: list[float] = []
    if not others:
        return bounds
    terms = np.unique(a.sentence_values)
    kernel = compiled("share_bound_counts")
    if kernel is not None and terms.size:
        # The same counts, compiled (ingest.dedup._kernels.share_bound_counts).
        found = kernel(
            *_share_terms(a, terms),
            np.concatenate([o.sentence_values for o in others]),
            np.concatenate([o.sentence_sizes for o in others]).astype(np.int64),
            running_totals((o.sentence_count for o in others), initial=True),
            float(threshold),
            int(window),
        )
        return [
            _share(m, t, a, other, minimum)
            for (m, t), other in zip(found.tolist(), others, strict=True)
        ]
    step = max(1, _BLOCK // max(1, terms.size, a.sentence_count))
    for start in range(0, len(others), step):
        block = others[start : start + step]
        mine, theirs = _feasible_both(a, terms, block, threshold, window)
        bounds.extend(
            _share(int(m), int(t), a, other, minimum)
            for m, t, other in zip(mine.tolist(), theirs.tolist(), block, strict=True)
        )
    return bounds


def alignment_bounds(
    a: DocFeatures,
    others: Sequence[DocFeatures],
    minimum: int,
    *,
    threshold: float,
    window: int,
    floor: float,
) -> list[float]:
    """For each of *others*: its :func:`share_bounds` and, where that reaches *floor*,
    the smaller of it and its :func:`run_bounds`, the same floats as the two called in
    turn. With numba, one compiled pass over the others' sentences
    (:func:`ingest.dedup._kernels.alignment_bounds`): the run bounds of the few pairs
    that reach *floor* read the same flat arrays as their share bounds, and no Python
    code runs per pair; without it, the two functions."""
    if not others:
        return []
    terms = np.unique(a.sentence_values)
    kernel = compiled("alignment_bounds")
    if kernel is None or not terms.size:
        bounds = share_bounds(a, others, minimum, threshold=threshold, window=window)
        hopeful = [j for j, bound in enumerate(bounds) if bound >= floor]
        runs = run_bounds(
            a, [others[j] for j in hopeful], minimum, threshold=threshold, window=window
        )
        for j, bound in zip(hopeful, runs, strict=True):
            bounds[j] = min(bounds[j], bound)
        return bounds
    a_sets = _Sets.groups(a)
    lookup = _Lookup(a_sets)
    sizes = [o.sentence_sizes for o in others]
    found: npt.NDArray[np.float64] = kernel(
        _share_terms(a, terms),
        _group_arrays(a, a_sets, lookup),
        np.concatenate([o.sentence_values for o in others]),
        np.concatenate(sizes).astype(np.int64),
        running_totals(map(len, sizes), initial=True),
        float(threshold),
        int(window),
        int(minimum),
        float(floor),
        _BLOCK,
    )
    values: list[float] = found.tolist()
    return values


def alignment_bounds_at(
    a: DocFeatures,
    spans: Spans,
    minimum: int,
    *,
    threshold: float,
    window: int,
    floor: float,
) -> npt.NDArray[np.float64]:
    """:func:`alignment_bounds` of *a* with the documents of *spans*, the same floats.
    With numba the kernel reads each document where its store holds it
    (:func:`ingest.dedup._kernels.alignment_bounds_at`): no document is gathered, no
    Python code runs per pair; without it, :func:`alignment_bounds` of the rows."""
    terms = np.unique(a.sentence_values)
    kernel = compiled("alignment_bounds_at")
    if kernel is None or not terms.size or not len(spans):
        rows = spans.documents(np.arange(len(spans)))
        return np.array(
            alignment_bounds(a, rows, minimum, threshold=threshold, window=window, floor=floor),
            dtype=np.float64,
        ).reshape(-1)
    a_sets = _Sets.groups(a)
    found: npt.NDArray[np.float64] = kernel(
        _share_terms(a, terms),
        _group_arrays(a, a_sets, _Lookup(a_sets)),
        *spans.sentences,
        float(threshold),
        int(window),
        int(minimum),
        float(floor),
        _BLOCK,
    )
    return found


def _feasible_both(
    a: DocFeatures, terms: _Values, others: Sequence[DocFeatures], threshold: float, window: int
) -> tuple[_Index, _Index]:
    """Per document of *others*: :func:`_feasible` of *a* against it, and of it against
    *a* (*terms*: *a*'s distinct terms, sorted)."""
    count = len(others)
    if not terms.size or not count:
        return np.zeros(count, dtype=np.intp), np.zeros(count, dtype=np.intp)
    counts = np.array([o.sentence_count for o in others], dtype=np.intp)
    values = np.concatenate([o.sentence_values for o in others])
    sizes = np.concatenate([o.sentence_sizes for o in others]).astype(np.intp)
    hits = members(terms, values)
    doc = np.repeat(np.arange(count, dtype=np.intp), counts)
    # Their side: the terms of each of their sentences that a holds.
    owner = np.searchsorted(np.cumsum(sizes), hits, side="right")
    theirs = np.bincount(
        doc[
            _feasible_mask(
                np.bincount(owner, minlength=doc.size), sizes, threshold, doc, window=window
            )
        ],
        minlength=count,
    )
    # a's side: each of a's terms that document j holds, once, looked up in a's sentences.
    held = np.unique(doc[owner].astype(np.uint64) << np.uint64(32) | values[hits])
    sentences = _Lookup(_Sets(a.sentence_values, a.sentence_sizes.astype(np.intp)))
    holder = (held >> np.uint64(32)).astype(np.intp)
    found = sentences.common((held & _LOW32).astype(np.uint32), holder, count).T
    bound = a.sentence_sizes.astype(np.intp)[:, None]
    mine = np.count_nonzero(_feasible_mask(found, bound, threshold, window=window), axis=0)
    return mine.astype(np.intp), theirs.astype(np.intp)


def _feasible_mask(
    found: _Counts,
    sizes: _Index,
    threshold: float,
    doc: _Index | None = None,
    *,
    window: int = 2,
) -> Mask:
    """:func:`_feasible`'s sentences (along the first axis) from the terms *found* of
    sentences of *sizes* terms, alone or in runs of up to *window* adjacent
    sentences; *doc*, when given, says whose each sentence is (a run never spans two
    documents)."""
    feasible: Mask = (found > 0) & (found >= threshold * sizes)
    count = found.shape[0]
    for size in range(2, window + 1):
        if count < size:
            break
        last = count - size + 1  # runs starting at 0 .. last - 1
        each = found[:last] > 0
        total = found[:last].copy()
        largest = sizes[:last].copy()
        for k in range(1, size):
            each &= found[k : last + k] > 0
            total += found[k : last + k]
            largest = np.maximum(largest, sizes[k : last + k])
            if doc is not None:
                each &= doc[:last] == doc[k : last + k]
        run = each & (total >= threshold * largest)
        for k in range(size):
            feasible[k : last + k] |= run
    return feasible


def _feasible(x: DocFeatures, y_sorted: _Values, threshold: float, window: int) -> int:
    """The number of sentences of *x* that could align with a sentence of the other
    document (*y_sorted*: its sorted term hashes), alone or in a run of up to *window*."""
    if not y_sorted.size or not x.sentence_count:
        return 0
    values = x.sentence_values
    at = np.minimum(np.searchsorted(y_sorted, values), y_sorted.size - 1)
    hits = y_sorted[at] == values
    owner = np.repeat(np.arange(x.sentence_count), x.sentence_sizes)
    found = np.bincount(owner[hits], minlength=x.sentence_count)
    # Runs of adjacent sentences, each sharing a term: |u n other| <= the sum of the
    # parts' found terms, and |u| >= the largest part.
    return int(np.count_nonzero(_feasible_mask(found, x.sentence_sizes, threshold, window=window)))


def _share(aligned_a: int, aligned_b: int, a: DocFeatures, b: DocFeatures, minimum: int) -> float:
    if min(aligned_a, aligned_b) < minimum:
        return 0.0
    count_a, count_b = a.sentence_count, b.sentence_count
    share_a, share_b = aligned_a / count_a, aligned_b / count_b
    if count_a == count_b:
        return max(share_a, share_b)
    return share_a if count_a < count_b else share_b


@attrs.frozen
class Paraphrase:
    """The exact paraphrase score of a pair and what it rests on.

    Attributes:
        share: The share of aligned sentences of the document with fewer
            sentences (0 when either has fewer than the minimum aligned).
        chance: The chance level of that document's share: the share that
            aligns by chance with probability above ``CHANCE_ALPHA``
            (:func:`ingest.dedup._chance.chance_level`); ``nan`` when the share
            is below the floor of :func:`paraphrase_score` (not computed).
        score: What the decision compares with ``paraphrase_threshold``: the
            share when it is beyond chance (:func:`beyond_chance`) and, when one
            document is longer (the shorter of two sentences or more), the
            longer one's aligned share is beyond its own chance level too, else 0.
        aligned: The indices of the aligned sentences of each document (among
            its sentences with enough content terms, in order), *a*'s then *b*'s.
    """

    share: float
    chance: float
    score: float
    aligned: tuple[tuple[int, ...], tuple[int, ...]]


def beyond_chance(share: float, chance: float) -> float:
    """*share* when it is above the *chance* level, else 0; a share of 1 (every
    sentence aligned) always counts: shuffling a one-sentence document changes
    nothing, so chance cannot tell there.

    >>> beyond_chance(0.75, 0.5), beyond_chance(0.2, 0.2), beyond_chance(1.0, 1.0)
    (0.75, 0.0, 1.0)
    """
    return share if share > chance or share >= 1.0 else 0.0  # False for nan: 0


def paraphrase_score(
    a: DocFeatures,
    b: DocFeatures,
    *,
    threshold: float,
    window: int,
    minimum: int,
    floor: float = 0.0,
    bounded: bool = False,
) -> Paraphrase:
    """The exact :class:`Paraphrase` score of *a* and *b*: sentences aligned at
    *threshold* (runs up to *window*), against the chance level of the document
    with fewer sentences (the share that chance reaches in more than one shuffle
    in twenty), and of the other document's aligned share against its own chance
    level (a page whose many lines align by chance with a few lines of the other is
    not a rewrite of it). A pair whose share cannot reach *floor* (see
    :func:`exact_alignment`) gets a score below it without its runs scored, and
    a share below *floor* is not compared with chance (its score is 0 either
    way): its chance level is ``nan``. *bounded*: the caller has found the pair's
    :func:`run_bounds` at or above *floor* already, so :func:`exact_alignment` would
    score the runs anyway and does not compute the same bound again."""
    a_mask, b_mask = exact_alignment(
        a, b, threshold=threshold, window=window, floor=0.0 if bounded else floor, minimum=minimum
    )
    share = aligned_share(a_mask, b_mask, a, b, minimum)
    chance = math.nan
    score = 0.0
    aligned = (
        tuple(np.flatnonzero(a_mask[a.sentence_group_of]).tolist()),
        tuple(np.flatnonzero(b_mask[b.sentence_group_of]).tolist()),
    )
    if share >= floor:
        a_short = _shorter_is_a(a, b, a_mask, b_mask)
        short, long = (a, b) if a_short else (b, a)
        chance = chance_share(short, long, threshold=threshold)
        score = beyond_chance(share, chance)
        if score and 1 < short.sentence_count < long.sentence_count:
            # The longer document's aligned sentences must be beyond chance too: many
            # sentences of one page that align by chance with a few of the other (its
            # headings, its generic lines) are not a rewrite of either. (Shuffling the
            # terms of a one-sentence document changes nothing: chance cannot tell; of
            # two as long, the share reads the better side, neither is the longer.)
            long_aligned = len(aligned[1] if a_short else aligned[0])
            long_share = long_aligned / long.sentence_count
            long_chance = chance_share(long, short, threshold=threshold)
            if not beyond_chance(long_share, long_chance):
                score = 0.0
    return Paraphrase(share, chance, score, aligned)


def _shorter_is_a(a: DocFeatures, b: DocFeatures, a_mask: Mask, b_mask: Mask) -> bool:
    """Whether :func:`aligned_share` reads *a*'s share (fewer sentences, or as many
    and a higher share, or the smaller id)."""
    if a.sentence_count != b.sentence_count:
        return a.sentence_count < b.sentence_count
    a_aligned = int(np.bincount(a.sentence_group_of)[a_mask].sum())
    b_aligned = int(np.bincount(b.sentence_group_of)[b_mask].sum())
    if a_aligned != b_aligned:
        return a_aligned > b_aligned
    return a.id <= b.id  # a tie: the same side whichever document comes first
