"""Compiled kernels for the loops numpy cannot vectorise, when numba is installed.

numba is optional (``pip install 'ingest[fast]'``). Every kernel here is a plain
Python function over numpy arrays; :func:`compiled` returns it compiled by
numba, or ``None`` without numba, and the caller then takes its numpy path.
The two give the same numbers (the tests compare them on generated sets), so
no decision depends on whether numba is installed, only the time. The one
exception is :func:`chance_share`, whose probabilities are numpy's to about
1e-13 (scipy's incomplete beta function and a Fourier transform there, sums
term by term here): its level could differ only where a tail of the law is
that close to ``CHANCE_ALPHA``, and the tests find the same levels.

Kernels: :func:`merge_overlaps` and :func:`table_overlaps` (the shingle
overlaps of a document's candidates, from the document LSH and from the
sentence LSH), :func:`share_bound_counts` and :func:`run_bound_counts`
(``_align.share_bounds`` and ``run_bounds``: which sentences could align, before
any pair of sentences is scored) and :func:`alignment_bounds` (the two in one
pass over a document's candidates, for the index), :func:`chance_share`
(``_chance.chance_share``: the chance level of a pair), :func:`exact_masks`
(``_align.exact_alignment``: the aligned sentences) and :func:`estimated_masks`
(``_align.estimated_alignment``: those the MinHash estimates align), and
:func:`merge_runs` and :func:`find_entries` (``_bands``: the merge of two
sorted segments of an LSH partition, and a query's search of its segments). The helpers
they call are compiled with them.

A kernel is compiled on its first call, for the types of that call, and kept
in numba's on-disk cache (beside this module, or in the user's cache
directory when that is not writable): those a run of every kind uses took
about 12 s to compile the first time on a 2-core machine (with language
identification's), and load from the cache in about 0.1 s each. ``import
numba`` takes about 0.3 s more, paid only by the paths that use a kernel,
never by ``import ingest``; loaded, numba and the kernels hold about 100 MB.

>>> import numpy as np
>>> a = np.array([1, 3, 5, 7], np.uint32)
>>> values = np.array([3, 4, 5, 1, 7], np.uint32)  # the sets [3, 4, 5] and [1, 7]
>>> merge_overlaps(a, values, np.array([3, 5], np.int64)).tolist()
[2, 2]
"""

from __future__ import annotations

import functools
import math
import types
from collections.abc import Callable
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from ..core import jit, numba_installed

__all__ = ["available", "compiled", "merge_overlaps"]

_Hashes: TypeAlias = npt.NDArray[np.uint32]
_Ends: TypeAlias = npt.NDArray[np.int64]
_Counts: TypeAlias = npt.NDArray[np.int64]
_Index: TypeAlias = npt.NDArray[np.int64]
_Keys: TypeAlias = npt.NDArray[np.uint64]
MergeOverlaps: TypeAlias = Callable[[_Hashes, _Hashes, _Ends], _Counts]


def merge_overlaps(a: _Hashes, values: _Hashes, ends: _Ends) -> _Counts:
    """How many hashes of the sorted set *a* each set holds: the sets are *values* up
    to ``ends[0]``, then up to ``ends[1]``, ... (each sorted, without repeats).

    One merge of *a* with each set: ``|a| + |s|`` steps, against ``|s| log |a|``
    for a binary search of each hash, and no temporary array a set. It pays where the
    sets are about as large as *a* (the candidates of the document LSH).
    """
    return _overlaps_in(a, values, _starts_of(ends), ends, True)  # noqa: FBT003 (numba)


def _starts_of(ends: _Ends) -> _Ends:
    """Where each of the sets ending at *ends* (one after the other, from 0) starts."""
    starts = np.zeros(ends.size, dtype=np.int64)
    starts[1:] = ends[:-1]
    return starts


def _merge_count(a: _Hashes, values: _Hashes, start: int, end: int) -> int:
    """How many hashes of the sorted set *a* the sorted set ``values[start:end]`` holds,
    by one merge of the two."""
    return _shared(a, 0, a.size, values, start, end)


def _shared(  # noqa: PLR0917 (numba: no keyword-only arguments)
    x: _Hashes, x_start: int, x_end: int, y: _Hashes, y_start: int, y_end: int
) -> int:
    """How many values the sorted sets ``x[x_start:x_end]`` and ``y[y_start:y_end]``
    share, by one merge of the two (no temporary arrays)."""
    i, j, shared = x_start, y_start, 0
    while i < x_end and j < y_end:
        if x[i] < y[j]:
            i += 1
        elif y[j] < x[i]:
            j += 1
        else:
            shared += 1
            i += 1
            j += 1
    return shared


#: Fibonacci hashing's multiplier (2**32 over the golden ratio), for the tables.
_GOLDEN = np.uint64(2654435769)
_LOW = np.uint64(0xFFFFFFFF)


def _slot(value: np.uint32, shift: np.uint64) -> np.int64:
    """*value*'s slot by Fibonacci hashing: the top bits of its product with
    :data:`_GOLDEN` in 32 bits, ``32 - shift`` of them."""
    return np.int64(((np.uint64(value) * _GOLDEN) & _LOW) >> shift)


def table_overlaps(a: _Hashes, values: _Hashes, ends: _Ends) -> _Counts:
    """:func:`merge_overlaps` where few of the sets' hashes are in *a* (the candidates of
    the sentence LSH share a sentence or two with a document), as
    ``_shingle.members`` finds them: a hash whose slot in a table of about 64 slots
    a hash of *a* is empty is not in *a*; only the others are searched in *a*."""
    return _overlaps_in(a, values, _starts_of(ends), ends, False)  # noqa: FBT003 (numba)


def _taken(a: _Hashes) -> tuple[npt.NDArray[np.bool_], np.uint64]:
    """:func:`table_overlaps`' table of *a* (about 64 slots a hash: whether a hash of *a*
    falls in each) and its shift."""
    bits = 6
    while bits < 24 and (1 << bits) < 64 * a.size:
        bits += 1
    shift = np.uint64(32 - bits)
    taken = np.zeros(1 << bits, dtype=np.bool_)
    for i in range(a.size):
        taken[_slot(a[i], shift)] = True
    return taken, shift


def _table_count(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a: _Hashes,
    taken: npt.NDArray[np.bool_],
    shift: np.uint64,
    values: _Hashes,
    start: int,
    end: int,
) -> int:
    """How many hashes of ``values[start:end]`` the sorted set *a* holds, through
    :func:`_taken`'s table of *a*."""
    shared = 0
    for v in range(start, end):
        value = values[v]
        if taken[_slot(value, shift)]:
            at = np.searchsorted(a, value)
            if at < a.size and a[at] == value:
                shared += 1
    return shared


def overlaps_at(
    a: _Hashes,
    values: _Hashes,
    starts: _Ends,
    ends: _Ends,
    shared: bool,  # noqa: FBT001 (numba: no keyword-only arguments)
) -> _Counts:
    """:func:`merge_overlaps` (*shared*) or :func:`table_overlaps` of *a* with sets that
    are read where they are: set ``k`` is ``values[starts[k]:ends[k]]`` (no set is
    copied)."""
    return _overlaps_in(a, values, starts, ends, shared)


def _overlaps_in(
    a: _Hashes,
    values: _Hashes,
    starts: _Ends,
    ends: _Ends,
    shared: bool,  # noqa: FBT001 (numba: no keyword-only arguments)
) -> _Counts:
    """The overlap kernels' loop: :func:`_merge_count` (*shared*) or
    :func:`_table_count` of *a* with each set ``values[starts[k]:ends[k]]``."""
    counts = np.zeros(starts.size, dtype=np.int64)
    if shared:
        for k in range(starts.size):
            counts[k] = _merge_count(a, values, starts[k], ends[k])
        return counts
    taken, shift = _taken(a)
    for k in range(starts.size):
        counts[k] = _table_count(a, taken, shift, values, starts[k], ends[k])
    return counts


#: Slots a term of the tables that serve a document's many candidates
#: (:func:`_table`): most terms looked up there are not in it, and a lookup of one
#: that is not ends at the first empty slot, at once in a table this sparse (at two
#: slots a term, after about 2.5 probes). Measured on the bounds of 100,000
#: candidate pairs of real text: 7.3 us a pair at 2 slots a term, 5.7 at 8, 5.3 at 16.
_ROOMY: Final = 16


def _table(terms: _Hashes, room: int) -> _Index:
    """An open-addressing table of the sorted hashes *terms*: at a hash's slot (or the
    next ones), the position of its first copy in *terms*; -1 for an empty slot.
    Twice as many slots as terms or more, so a lookup probes about once, and *room*
    slots a term up to 2**20 slots (8 MB)."""
    bits = 4
    while (1 << bits) < 2 * terms.size or ((1 << bits) < room * terms.size and bits < 20):
        bits += 1
    table = np.full(1 << bits, -1, dtype=np.int64)
    mask = np.int64((1 << bits) - 1)
    shift = _shift(table)
    for i in range(terms.size):
        if i and terms[i] == terms[i - 1]:
            continue
        slot = _slot(terms[i], shift)
        while table[slot] != -1:
            slot = (slot + 1) & mask
        table[slot] = i
    return table


def _shift(table: _Index) -> np.uint64:
    """How far a hash's product is shifted to address *table*'s slots."""
    bits = 0
    while (1 << bits) < table.size:
        bits += 1
    return np.uint64(32 - bits)


def _find(table: _Index, terms: _Hashes, value: np.uint32, shift: np.uint64) -> int:
    """The position of *value*'s first copy in the sorted *terms* (its :func:`_table`,
    and its :func:`_shift`), or -1."""
    mask = np.int64(table.size - 1)
    slot = _slot(value, shift)
    while table[slot] != -1:
        if terms[table[slot]] == value:
            return int(table[slot])
        slot = (slot + 1) & mask
    return -1


def _distinct(group_of: _Index, start: int, size: int) -> bool:
    """Whether the run of *size* sentences from *start* holds no group twice (a run
    that repeats a sentence adds nothing: ``_align._runs`` leaves it out)."""
    for k in range(size):
        for m in range(k + 1, size):
            if group_of[start + k] == group_of[start + m]:
                return False
    return True


def _at_most(shared: int, least: int, size: int, threshold: float) -> bool:
    """Whether a run of at least *least* merged terms sharing at most *shared* of the
    *size* terms of a set could reach *threshold* (``_align._jaccard_at_most``)."""
    union = max(least, shared) + size - shared
    return bool(shared / max(union, 1) >= threshold)


def _runs_possible(  # noqa: PLR0917 (numba: no keyword-only arguments)
    group_of: _Index,
    run_values: _Hashes,
    run_starts: _Index,
    common: _Counts,
    transposed: bool,  # noqa: FBT001 (numba: no keyword-only arguments)
    lists: tuple[_Index, _Index],
    sizes: _Index,
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    threshold: float,
    window: int,
) -> None:
    """Mark the groups of runs of 2 to *window* adjacent sentences (their groups:
    *group_of*; the groups' sets: *run_values* from *run_starts*) and the other
    document's groups (of *sizes*) that could align through them, from *common*
    (runs' groups by the other's groups; the other's by the runs' when
    *transposed*): ``_align._run_possible``'s rules, run by run. *lists*: for each of
    the runs' groups, the other's groups it shares a term with (:func:`_shared_cells`):
    a run can only align with those of its first group. *masks*: of the runs'
    document and of the other, updated."""
    run_mask, other_mask = masks
    starts, cells = lists
    count = group_of.size
    for size in range(2, window + 1):
        for start in range(count - size + 1):
            if not _distinct(group_of, start, size):
                continue
            merged = -1  # the run's distinct terms, counted when first needed
            first = group_of[start]
            for cell in range(starts[first], starts[first + 1]):
                y = cells[cell]
                summed, least, each = 0, 0, True
                for k in range(size):
                    g = group_of[start + k]
                    shared = common[y, g] if transposed else common[g, y]
                    if shared == 0:
                        each = False
                        break
                    summed += shared
                    least = max(least, run_starts[g + 1] - run_starts[g])
                if not each:
                    continue
                summed = min(summed, sizes[y])
                if not _at_most(summed, least, sizes[y], threshold):
                    continue
                if merged < 0:
                    merged = _union_size(group_of[start : start + size], run_values, run_starts)
                if _at_most(min(summed, merged), merged, sizes[y], threshold):
                    for k in range(size):
                        run_mask[group_of[start + k]] = True
                    other_mask[y] = True


def run_bound_counts(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a_values: _Hashes,
    a_starts: _Index,
    a_group_of: _Index,
    a_sorted: _Hashes,
    a_owner: _Index,
    values: _Hashes,
    starts: _Index,
    group_of: _Index,
    doc_groups: _Index,
    doc_sentences: _Index,
    threshold: float,
    window: int,
) -> _Counts:
    """The sentences of *a* and of each of *others* that ``_align.run_bounds`` lets
    through (aligned alone, or able to align through a run): ``(others, 2)`` counts.

    *a*: its groups' sorted term sets (*a_values*, and *a_starts*: where each
    group's start, one more than the groups), each sentence's group, and its groups'
    terms sorted (*a_sorted*) with the group of each (*a_owner*). The others:
    the same, flat (*values*; *starts* of their groups, numbered across the
    documents; *group_of*: each sentence's group within its document), and where
    each document's groups and sentences start (one more than the documents).
    Each pair's shared terms, group by group, come from looking each of the
    other's terms up in *a_sorted* (work that follows the other's terms and the
    matches, not the groups squared); then the rules of ``_align._run_bounded``,
    pair by pair, without numpy's per-call cost.
    """
    a_count = a_starts.size - 1
    table = _table(a_sorted, _ROOMY)
    shift = _shift(table)
    counts = np.zeros((doc_groups.size - 1, 2), dtype=np.int64)
    for j in range(doc_groups.size - 1):
        first, count = doc_groups[j], doc_groups[j + 1] - doc_groups[j]
        b_starts = starts[first : first + count + 1]
        b_group_of = group_of[doc_sentences[j] : doc_sentences[j + 1]]
        common = _common_in(table, shift, a_sorted, a_owner, a_count, values, b_starts)
        counts[j, 0], counts[j, 1] = _run_counts(
            a_values, a_starts, a_group_of, values, b_starts, b_group_of, common, threshold, window
        )
    return counts


def _run_counts(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a_values: _Hashes,
    a_starts: _Index,
    a_group_of: _Index,
    values: _Hashes,
    b_starts: _Index,
    b_group_of: _Index,
    common: _Counts,
    threshold: float,
    window: int,
) -> tuple[int, int]:
    """One pair's counts of :func:`run_bound_counts`: the sentences of *a* and of *b*
    aligned alone or able to align through a run, from *common* (a's groups by b's:
    their shared terms). Each document: its groups' sets (values from starts, one
    more than the groups) and each sentence's group. Only the cells of *common* that
    share a term are visited (:func:`_shared_cells`): a group pair or a run that
    shares none can align with nothing."""
    a_count, count = a_starts.size - 1, b_starts.size - 1
    a_sizes = a_starts[1:] - a_starts[:-1]
    b_sizes = b_starts[1:] - b_starts[:-1]
    a_mask = np.zeros(a_count, dtype=np.bool_)
    b_mask = np.zeros(count, dtype=np.bool_)
    rows, row_cells, columns, column_cells = _shared_cells(common)
    for x in range(a_count):
        for k in range(rows[x], rows[x + 1]):
            y = row_cells[k]
            shared = common[x, y]
            union = a_sizes[x] + b_sizes[y] - shared
            if shared / max(union, 1) >= threshold:
                a_mask[x] = True
                b_mask[y] = True
    if window > 1:
        masks = (a_mask, b_mask)
        lists = (rows, row_cells)
        transposed = False  # common is a's groups by b's
        _runs_possible(
            a_group_of,
            a_values,
            a_starts,
            common,
            transposed,
            lists,
            b_sizes,
            masks,
            threshold,
            window,
        )
        flipped = (b_mask, a_mask)
        lists = (columns, column_cells)
        _runs_possible(
            b_group_of,
            values,
            b_starts,
            common,
            not transposed,
            lists,
            a_sizes,
            flipped,
            threshold,
            window,
        )
    mine, their = 0, 0
    for g in a_group_of:
        mine += a_mask[g]
    for g in b_group_of:
        their += b_mask[g]
    return mine, their


def _shared_cells(common: _Counts) -> tuple[_Index, _Index, _Index, _Index]:
    """The cells of *common* above 0, by row and by column: for row ``x`` the columns
    ``row_cells[rows[x]:rows[x + 1]]`` in order, for column ``y`` the rows
    ``column_cells[columns[y]:columns[y + 1]]`` in order."""
    height, width = common.shape
    rows = np.zeros(height + 1, dtype=np.int64)
    columns = np.zeros(width + 1, dtype=np.int64)
    for x in range(height):
        for y in range(width):
            held = common[x, y] > 0
            rows[x + 1] += held
            columns[y + 1] += held
    for x in range(height):
        rows[x + 1] += rows[x]
    for y in range(width):
        columns[y + 1] += columns[y]
    row_cells = np.empty(rows[height], dtype=np.int64)
    column_cells = np.empty(rows[height], dtype=np.int64)
    filled = columns[:width].copy()
    at = 0
    for x in range(height):
        for y in range(width):
            if common[x, y] > 0:
                row_cells[at] = y
                at += 1
                column_cells[filled[y]] = x
                filled[y] += 1
    return rows, row_cells, columns, column_cells


def _common(
    a_sorted: _Hashes, a_owner: _Index, count: int, values: _Hashes, starts: _Index
) -> _Counts:
    """``(count of a's groups, groups)``: the terms each group of one document (sets
    *values* from *starts*) shares with each of a's, each term looked up in a's
    (*a_sorted*, their groups *a_owner*)."""
    table = _table(a_sorted, 2)
    return _common_in(table, _shift(table), a_sorted, a_owner, count, values, starts)


def _common_in(  # noqa: PLR0917 (numba: no keyword-only arguments)
    table: _Index,
    shift: np.uint64,
    a_sorted: _Hashes,
    a_owner: _Index,
    count: int,
    values: _Hashes,
    starts: _Index,
) -> _Counts:
    """:func:`_common` with *a_sorted*'s :func:`_table` (and its :func:`_shift`), made
    once for every document compared with it."""
    common = np.zeros((count, starts.size - 1), dtype=np.int64)
    for y in range(starts.size - 1):
        for v in range(starts[y], starts[y + 1]):
            at = _find(table, a_sorted, values[v], shift)
            while 0 <= at < a_sorted.size and a_sorted[at] == values[v]:
                common[a_owner[at], y] += 1
                at += 1
    return common


def _runs_aligned(  # noqa: PLR0917 (numba: no keyword-only arguments)
    group_of: _Index,
    run_values: _Hashes,
    run_starts: _Index,
    common: _Counts,
    other_values: _Hashes,
    other_starts: _Index,
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    threshold: float,
    window: int,
) -> None:
    """Mark the groups of the runs of 2 to *window* adjacent sentences (groups
    *group_of*, their sets *run_values* from *run_starts*) whose merged terms are
    similar to a group of the other document (sets *other_values* from
    *other_starts*), each part sharing a term with it (*common*: runs' groups by the
    other's), and those groups: ``_align._merged``'s rules, run by run."""
    run_mask, other_mask = masks
    count = group_of.size
    for size in range(2, window + 1):
        for start in range(count - size + 1):
            if not _distinct(group_of, start, size):
                continue
            merged = np.empty(0, dtype=np.uint32)  # the run's distinct terms, when needed
            ready = False
            for y in range(other_starts.size - 1):
                each = True
                for k in range(size):
                    if common[group_of[start + k], y] == 0:
                        each = False
                        break
                if not each:
                    continue
                if not ready:
                    merged = _union(group_of[start : start + size], run_values, run_starts)
                    ready = True
                shared = _shared(
                    merged, 0, merged.size, other_values, other_starts[y], other_starts[y + 1]
                )
                if _reaches(shared, merged.size, other_starts[y + 1] - other_starts[y], threshold):
                    for k in range(size):
                        run_mask[group_of[start + k]] = True
                    other_mask[y] = True


def _union_size(groups: _Index, values: _Hashes, starts: _Index) -> int:
    """``_union(groups, values, starts).size``; for two sets (a run of two sentences)
    by one merge of the two, without sorting or a copy."""
    if groups.size != 2:
        return _union(groups, values, starts).size
    first, last = starts[groups[0]], starts[groups[0] + 1]
    other, end = starts[groups[1]], starts[groups[1] + 1]
    return int((last - first) + (end - other) - _shared(values, first, last, values, other, end))


def _union(groups: _Index, values: _Hashes, starts: _Index) -> _Hashes:
    """The sorted distinct terms of the sets *groups* (sets *values* from *starts*)."""
    total = 0
    for g in groups:
        total += starts[g + 1] - starts[g]
    terms = np.empty(total, dtype=np.uint32)
    at = 0
    for g in groups:
        for v in range(starts[g], starts[g + 1]):
            terms[at] = values[v]
            at += 1
    terms.sort()
    kept = 0
    for v in range(total):
        if v == 0 or terms[v] != terms[v - 1]:
            terms[kept] = terms[v]
            kept += 1
    return terms[:kept]


def exact_masks(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a_values: _Hashes,
    a_starts: _Index,
    a_group_of: _Index,
    a_sorted: _Hashes,
    a_owner: _Index,
    b_values: _Hashes,
    b_starts: _Index,
    b_group_of: _Index,
    threshold: float,
    window: int,
) -> npt.NDArray[np.bool_]:
    """``_align.exact_alignment`` without a floor: the aligned groups of *a*, then
    of *b* (one array). Each document: its groups' sorted term sets (values from
    starts, one more than the groups) and each sentence's group; *a* also its terms
    sorted (*a_sorted*) with the group of each (*a_owner*)."""
    a_count, b_count = a_starts.size - 1, b_starts.size - 1
    common = _common(a_sorted, a_owner, a_count, b_values, b_starts)
    masks = np.zeros(a_count + b_count, dtype=np.bool_)
    a_mask, b_mask = masks[:a_count], masks[a_count:]
    for x in range(a_count):
        for y in range(b_count):
            shared = common[x, y]
            if _reaches(
                shared, a_starts[x + 1] - a_starts[x], b_starts[y + 1] - b_starts[y], threshold
            ):
                a_mask[x] = True
                b_mask[y] = True
    if window > 1:
        pair = (a_mask, b_mask)
        _runs_aligned(
            a_group_of, a_values, a_starts, common, b_values, b_starts, pair, threshold, window
        )
        flipped = (b_mask, a_mask)
        theirs = np.ascontiguousarray(common.T)
        _runs_aligned(
            b_group_of, b_values, b_starts, theirs, a_values, a_starts, flipped, threshold, window
        )
    return masks


def _feasible_count(found: _Counts, sizes: _Index, threshold: float, window: int) -> int:
    """How many of one document's sentences (their terms *found* in the other
    document, of *sizes* terms) could align, alone or in runs of up to *window*
    adjacent sentences: ``_align._feasible_mask``'s rules."""
    count = found.size
    feasible = np.zeros(count, dtype=np.bool_)
    for s in range(count):
        feasible[s] = found[s] > 0 and found[s] >= threshold * sizes[s]
    for size in range(2, window + 1):
        for start in range(count - size + 1):
            each, total, largest = True, 0, 0
            for k in range(size):
                if found[start + k] == 0:
                    each = False
                    break
                total += found[start + k]
                largest = max(largest, sizes[start + k])
            if each and total >= threshold * largest:
                for k in range(size):
                    feasible[start + k] = True
    return int(feasible.sum())


def share_bound_counts(  # noqa: PLR0917 (numba: no keyword-only arguments)
    terms: _Hashes,
    a_index: _Index,
    a_sizes: _Index,
    values: _Hashes,
    sizes: _Index,
    doc_sentences: _Index,
    threshold: float,
    window: int,
) -> _Counts:
    """The sentences of *a* and of each other document that ``_align.share_bounds``
    counts as feasible: ``(others, 2)`` counts.

    *a*: its distinct terms sorted (*terms*), the place in *terms* of each of its
    sentences' terms (*a_index*, sentence after sentence) and its sentences' sizes.
    The others: their sentences' terms (*values*) and sizes, flat, and where each
    document's sentences start (one more than the documents). Each term of the
    other is looked up in *terms* once: it counts for its sentence, and marks the
    term of *a* held, which *a*'s sentences then count.
    """
    counts = np.zeros((doc_sentences.size - 1, 2), dtype=np.int64)
    space = _share_space(terms, a_sizes.size)
    offsets = _offsets(sizes)
    for j in range(doc_sentences.size - 1):
        counts[j, 0], counts[j, 1] = _share_counts(
            space,
            a_index,
            a_sizes,
            values,
            offsets,
            doc_sentences[j],
            doc_sentences[j + 1],
            threshold,
            window,
            0,
        )
    return counts


def _share_space(
    terms: _Hashes, sentences: int
) -> tuple[_Index, np.uint64, _Hashes, npt.NDArray[np.bool_], _Index, _Counts]:
    """The work space of :func:`_share_counts` for a document of *sentences* sentences
    and distinct sorted *terms*: the terms' table and its shift, the terms, which of
    them the other document holds, the list of those (to unmark), and the terms found
    per sentence of the document."""
    table = _table(terms, _ROOMY)
    return (
        table,
        _shift(table),
        terms,
        np.zeros(terms.size, dtype=np.bool_),
        np.empty(terms.size, dtype=np.int64),  # the terms held, to unmark
        np.zeros(sentences, dtype=np.int64),
    )


def _offsets(sizes: _Index) -> _Index:
    """Where each of the sets of *sizes* starts in their values, and where the last ends."""
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    for s in range(sizes.size):
        offsets[s + 1] = offsets[s] + sizes[s]
    return offsets


def _share_counts(  # noqa: PLR0917 (numba: no keyword-only arguments)
    space: tuple[_Index, np.uint64, _Hashes, npt.NDArray[np.bool_], _Index, _Counts],
    a_index: _Index,
    a_sizes: _Index,
    values: _Hashes,
    offsets: _Index,
    first: int,
    last: int,
    threshold: float,
    window: int,
    least: int,
) -> tuple[int, int]:
    """One pair's counts of :func:`share_bound_counts`: the feasible sentences of *a*
    and of the other document (its sentences *first* to *last*, their terms *values*
    from *offsets*). *space*: *a*'s terms' table and its shift, the terms, and the
    work arrays (the terms held, the list of them, the terms found per sentence of
    *a*), left clear for the next pair. When the other's count is below *least*, *a*'s
    is not counted (``-1``): a share needs both at ``min_aligned_sentences``, so with
    *least* that minimum, the share is 0 whatever *a*'s (0: always counted)."""
    table, shift, terms, held, marked, a_found = space
    found = np.zeros(last - first, dtype=np.int64)
    count = 0
    for s in range(first, last):
        for v in range(offsets[s], offsets[s + 1]):
            at = _find(table, terms, values[v], shift)
            if at >= 0:
                if not held[at]:
                    held[at] = True
                    marked[count] = at
                    count += 1
                found[s - first] += 1
    sizes = offsets[first + 1 : last + 1] - offsets[first:last]
    theirs = _feasible_count(found, sizes, threshold, window)
    mine = -1
    if theirs >= least:
        at = 0
        for s in range(a_sizes.size):
            a_found[s] = 0
            for k in range(at, at + a_sizes[s]):
                a_found[s] += held[a_index[k]]
            at += a_sizes[s]
        mine = _feasible_count(a_found, a_sizes, threshold, window)
    for k in range(count):  # unmark what this document held
        held[marked[k]] = False
    return mine, theirs


def _share_of(mine: int, theirs: int, count_a: int, count_b: int, minimum: int) -> float:
    """``_align._share``: the share of aligned sentences of the document with fewer
    sentences (*count_a*, *count_b*), 0 when either has fewer than *minimum*."""
    if min(mine, theirs) < minimum:
        return 0.0
    share_a, share_b = mine / count_a, theirs / count_b
    if count_a == count_b:
        return max(share_a, share_b)
    return share_a if count_a < count_b else share_b


def _group_numbers(  # noqa: PLR0917 (numba: no keyword-only arguments)
    values: _Hashes,
    offsets: _Index,
    first: int,
    last: int,
    group_of: _Index,
    firsts: _Index,
) -> int:
    """Number the sentences *first* to *last* (their sorted term sets: *values* from
    *offsets*) by group, as ``DocFeatures.sentence_group_of`` does: equal sets share
    a group, numbered in first-seen order. Writes each sentence's group to
    *group_of* and each group's first sentence (from *first*) to *firsts*; returns the
    number of groups. Sets are found again by a hash of their terms in a table."""
    count = last - first
    bits = 1
    while bits < 32 and (1 << bits) < 2 * count:
        bits += 1
    mask = np.int64((1 << bits) - 1)
    shift = np.uint64(32 - bits)
    table = np.full(1 << bits, -1, dtype=np.int64)
    groups = 0
    for k in range(count):
        s = first + k
        key = np.uint64(offsets[s + 1] - offsets[s])
        for v in range(offsets[s], offsets[s + 1]):  # 32 bits by 32: no overflow
            key = ((key ^ np.uint64(values[v])) * _GOLDEN) & _LOW
        slot = np.int64(key >> shift)
        group = -1
        while table[slot] != -1:
            other = first + firsts[table[slot]]
            if _same_set(values, offsets, s, other):
                group = table[slot]
                break
            slot = (slot + 1) & mask
        if group < 0:
            group = groups
            table[slot] = group
            firsts[group] = k
            groups += 1
        group_of[k] = group
    return groups


def _placed(  # noqa: PLR0917 (numba: no keyword-only arguments)
    sizes: npt.NDArray[np.integer[Any]],
    value_starts: _Index,
    sentence_starts: _Index,
    sentence_ends: _Index,
    k: int,
    offsets: _Index,
) -> int:
    """Write where each sentence of document ``k`` starts in the stems (and where its
    last ends) to *offsets*, for a document read where its store holds it (the sizes
    of its sentences from ``sentence_starts[k]``, its stems from ``value_starts[k]``);
    returns its number of sentences."""
    first, count = sentence_starts[k], sentence_ends[k] - sentence_starts[k]
    offsets[0] = value_starts[k]
    for s in range(count):
        offsets[s + 1] = offsets[s] + np.int64(sizes[first + s])
    return int(count)


def _groups_of(  # noqa: PLR0917 (numba: no keyword-only arguments)
    values: _Hashes,
    offsets: _Index,
    first: int,
    last: int,
    distinct: int,
    group_of: _Index,
    firsts: _Index,
) -> int:
    """:func:`_group_numbers` of the sentences *first* to *last*, *distinct* of them
    distinct (-1: not known): when all are, each sentence is its own group, numbered
    in order, and no set is compared."""
    if distinct != last - first:
        return _group_numbers(values, offsets, first, last, group_of, firsts)
    for k in range(distinct):
        group_of[k] = k
        firsts[k] = k
    return distinct


def _same_set(values: _Hashes, offsets: _Index, s: int, t: int) -> bool:
    """Whether sets *s* and *t* (*values* from *offsets*) hold the same terms."""
    size = offsets[s + 1] - offsets[s]
    if size != offsets[t + 1] - offsets[t]:
        return False
    for k in range(size):  # noqa: SIM110 (numba: a loop, not a generator)
        if values[offsets[s] + k] != values[offsets[t] + k]:
            return False
    return True


def _group_sets(
    values: _Hashes, offsets: _Index, first: int, firsts: _Index
) -> tuple[_Hashes, _Index]:
    """The sets of the sentences *firsts* (from *first*; *values* from *offsets*), one
    after the other, and where each starts (one more than the sets)."""
    starts = np.zeros(firsts.size + 1, dtype=np.int64)
    for g in range(firsts.size):
        s = first + firsts[g]
        starts[g + 1] = starts[g] + offsets[s + 1] - offsets[s]
    sets = np.empty(starts[-1], dtype=np.uint32)
    for g in range(firsts.size):
        s = first + firsts[g]
        sets[starts[g] : starts[g + 1]] = values[offsets[s] : offsets[s + 1]]
    return sets, starts


def alignment_bounds(  # noqa: PLR0917 (numba: no keyword-only arguments)
    share_terms: tuple[_Hashes, _Index, _Index],
    a_groups: tuple[_Hashes, _Index, _Index, _Hashes, _Index],
    values: _Hashes,
    sizes: _Index,
    doc_sentences: _Index,
    threshold: float,
    window: int,
    minimum: int,
    floor: float,
    block: int,
) -> npt.NDArray[np.float64]:
    """``_align.alignment_bounds`` in one pass: for each other document, the share of
    :func:`share_bound_counts`' counts and, where that reaches *floor*, the smaller of it
    and the share of :func:`run_bound_counts`' (where ``_align.run_bounds`` would give
    one: both documents with groups, the groups' matrix within *block* cells).

    *share_terms*: what :func:`share_bound_counts` takes of *a* (its distinct terms
    sorted, the place there of each of its sentences' terms, its sentences' sizes);
    *a_groups*: what :func:`run_bound_counts` does (its groups' sets, values from
    starts; each sentence's group; its groups' terms sorted and the group of each).
    The others: their sentences' terms and sizes, flat, and where each document's
    sentences start (one more than the documents); each one's groups are found here
    (:func:`_group_numbers`) for the pairs that reach *floor* only.
    """
    offsets = _offsets(sizes)
    starts, ends = doc_sentences[:-1], doc_sentences[1:]
    unknown = np.full(starts.size, -1, dtype=np.int64)  # their groups found here
    return _bounds_in(
        share_terms,
        a_groups,
        values,
        sizes,
        offsets[starts],
        starts,
        ends,
        unknown,
        (threshold, floor),
        (window, minimum, block),
    )


def alignment_bounds_at(  # noqa: PLR0917 (numba: no keyword-only arguments)
    share_terms: tuple[_Hashes, _Index, _Index],
    a_groups: tuple[_Hashes, _Index, _Index, _Hashes, _Index],
    values: _Hashes,
    sizes: npt.NDArray[np.integer[Any]],
    value_starts: _Index,
    sentence_starts: _Index,
    sentence_ends: _Index,
    distinct: npt.NDArray[np.uint32],
    threshold: float,
    window: int,
    minimum: int,
    floor: float,
    block: int,
) -> npt.NDArray[np.float64]:
    """:func:`alignment_bounds` of documents read where they are: document ``k``'s
    sentences have the sizes ``sizes[sentence_starts[k]:sentence_ends[k]]``, their
    terms are *values* from ``value_starts[k]`` on, and ``distinct[k]`` of them are
    distinct (when all are, their groups are not looked for). The same floats, and
    no document is copied."""
    return _bounds_in(
        share_terms,
        a_groups,
        values,
        sizes,
        value_starts,
        sentence_starts,
        sentence_ends,
        distinct.astype(np.int64),
        (threshold, floor),
        (window, minimum, block),
    )


def _bounds_in(  # noqa: PLR0917 (numba: no keyword-only arguments)
    share_terms: tuple[_Hashes, _Index, _Index],
    a_groups: tuple[_Hashes, _Index, _Index, _Hashes, _Index],
    values: _Hashes,
    sizes: npt.NDArray[np.integer[Any]],
    value_starts: _Index,
    sentence_starts: _Index,
    sentence_ends: _Index,
    distinct: _Index,
    levels: tuple[float, float],
    counts: tuple[int, int, int],
) -> npt.NDArray[np.float64]:
    """:func:`alignment_bounds_at`'s loop (``distinct`` -1 where not known), *levels*
    the threshold and the floor, *counts* the window, the minimum and the block."""
    threshold, floor = levels
    window, minimum, block = counts
    bounds = np.empty(sentence_starts.size, dtype=np.float64)
    most = 0
    for k in range(sentence_starts.size):
        most = max(most, sentence_ends[k] - sentence_starts[k])
    work = _bound_space(share_terms, a_groups, most)
    offsets = np.empty(most + 1, dtype=np.int64)
    for k in range(sentence_starts.size):
        count = _placed(sizes, value_starts, sentence_starts, sentence_ends, k, offsets)
        bounds[k] = _alignment_bound(
            work,
            share_terms,
            a_groups,
            values,
            offsets,
            0,
            count,
            distinct[k],
            threshold,
            window,
            minimum,
            floor,
            block,
        )
    return bounds


def _bound_space(
    share_terms: tuple[_Hashes, _Index, _Index],
    a_groups: tuple[_Hashes, _Index, _Index, _Hashes, _Index],
    most: int,
) -> tuple[
    tuple[_Index, np.uint64, _Hashes, npt.NDArray[np.bool_], _Index, _Counts],
    _Index,
    np.uint64,
    _Index,
    _Index,
]:
    """The work space of :func:`_alignment_bound` for *a* against documents of at most
    *most* sentences: :func:`_share_space`, the table of *a*'s groups' terms and its
    shift, and the other's group numbers and the first sentence of each group."""
    terms, _, a_sizes = share_terms
    runs_table = _table(a_groups[3], _ROOMY)
    return (
        _share_space(terms, a_sizes.size),
        runs_table,
        _shift(runs_table),
        np.empty(most, dtype=np.int64),
        np.empty(most, dtype=np.int64),
    )


def _alignment_bound(  # noqa: PLR0917 (numba: no keyword-only arguments)
    work: tuple[
        tuple[_Index, np.uint64, _Hashes, npt.NDArray[np.bool_], _Index, _Counts],
        _Index,
        np.uint64,
        _Index,
        _Index,
    ],
    share_terms: tuple[_Hashes, _Index, _Index],
    a_groups: tuple[_Hashes, _Index, _Index, _Hashes, _Index],
    values: _Hashes,
    offsets: _Index,
    first: int,
    last: int,
    distinct: int,
    threshold: float,
    window: int,
    minimum: int,
    floor: float,
    block: int,
) -> float:
    """One other document's bound in :func:`alignment_bounds`: its sentences *first* to
    *last*, their terms *values* from *offsets*, *distinct* of them distinct (-1: not
    known; :func:`_group_numbers` finds their groups); *work*: :func:`_bound_space`."""
    space, runs_table, runs_shift, group_of, firsts = work
    _, a_index, a_sizes = share_terms
    a_values, a_starts, a_group_of, a_sorted, a_owner = a_groups
    a_count = a_starts.size - 1
    mine, theirs = _share_counts(
        space, a_index, a_sizes, values, offsets, first, last, threshold, window, minimum
    )
    bound = _share_of(mine, theirs, a_sizes.size, last - first, minimum)
    if bound >= floor and a_count and a_values.size:
        groups = _groups_of(values, offsets, first, last, distinct, group_of, firsts)
        if groups and max(1, block // max(1, groups)) >= a_count:
            if groups == last - first:  # the groups are the sentences
                b_values, b_starts = values, offsets[first : last + 1]
            else:
                b_values, b_starts = _group_sets(values, offsets, first, firsts[:groups])
            common = _common_in(
                runs_table, runs_shift, a_sorted, a_owner, a_count, b_values, b_starts
            )
            mine, theirs = _run_counts(
                a_values,
                a_starts,
                a_group_of,
                b_values,
                b_starts,
                group_of[: last - first],
                common,
                threshold,
                window,
            )
            bound = min(bound, _share_of(mine, theirs, a_sizes.size, last - first, minimum))
    return bound


def _binomial_tail(least: int, draws: int, probability: float) -> float:
    """``P(X >= least)`` for ``X`` binomial with *draws* and *probability*, 0 when
    ``least > draws`` (``_chance._binomial_tail``, there by the regularised
    incomplete beta function): the sum of the law's terms from *least*, each from
    its logarithm (no term underflows on the way to the ones that count)."""
    if least > draws or probability <= 0.0:
        return 0.0
    if probability >= 1.0:
        return 1.0
    log_p, log_q = math.log(probability), math.log1p(-probability)
    whole = math.lgamma(draws + 1)
    tail = 0.0
    for k in range(least, draws + 1):
        ways = whole - math.lgamma(k + 1) - math.lgamma(draws - k + 1)
        tail += math.exp(ways + k * log_p + (draws - k) * log_q)
    return min(tail, 1.0)


def chance_share(  # noqa: PLR0917 (numba: no keyword-only arguments)
    x_values: _Hashes,
    x_sizes: _Index,
    y_values: _Hashes,
    y_sizes: _Index,
    y_distinct: _Index,
    threshold: float,
    alpha: float,
    negligible: float,
    certain: float,
) -> float:
    """``_chance.chance_level(_chance.chance_alignment(x, y))``: the share of *x*'s
    sentences that align with *y*'s by chance with probability above *alpha*.

    *x*: its sentences' terms and sizes; *y*: the same, and the sizes of its
    distinct sentences (one of each group). Each sentence of *x* aligns by chance
    with a sentence of *y* of size ``n`` when ``n`` draws from *y*'s terms, each a
    term of the sentence with the share of *y*'s term occurrences that are,
    reach the least number of common terms of the threshold
    (:func:`_binomial_tail`); the number of *x*'s sentences aligned by chance is
    then a Poisson binomial law, here one trial at a time (``_chance`` takes the
    Fourier transform); sentences together less likely than *negligible* are left
    out, as there. The same level as numpy's path: the probabilities agree to
    about 1e-13, and a level would differ only where a tail of the law is that
    close to *alpha*."""
    count = x_sizes.size
    if not count or not y_sizes.size:
        return 0.0
    terms = np.sort(y_values)
    total = 0
    for size in y_sizes:
        total += size
    distinct = np.sort(y_distinct)
    probabilities = np.zeros(count, dtype=np.float64)
    at = 0
    for i in range(count):
        hits = 0
        for v in range(at, at + x_sizes[i]):
            hits += np.searchsorted(terms, x_values[v], side="right") - np.searchsorted(
                terms, x_values[v], side="left"
            )
        at += x_sizes[i]
        probability = min(hits / total, 1.0)
        missed = 0.0
        k = 0
        while k < distinct.size:
            size, number = distinct[k], 0
            while k < distinct.size and distinct[k] == size:
                number += 1
                k += 1
            least = max(math.ceil(threshold * (x_sizes[i] + size) / (1 + threshold) - 1e-9), 1.0)
            tail = _binomial_tail(int(least), int(size), probability)
            missed += math.log1p(-min(tail, certain)) * number
        probabilities[i] = -math.expm1(missed)
    ordered = np.sort(probabilities)
    first, summed = 0, 0.0
    while first < count and summed + ordered[first] <= negligible:
        summed += ordered[first]
        first += 1
    trials = count - first
    law = np.zeros(trials + 1, dtype=np.float64)
    law[0] = 1.0
    for seen in range(1, trials + 1):
        p = ordered[first + seen - 1]
        for k in range(seen, 0, -1):
            law[k] = law[k] * (1 - p) + law[k - 1] * p
        law[0] *= 1 - p
    reached, at_least = 0, 0.0
    for k in range(trials, -1, -1):
        at_least += law[k]
        if at_least > alpha:
            reached = k
            break
    return reached / count


def _estimated_runs(  # noqa: PLR0917 (numba: no keyword-only arguments)
    x_sigs: npt.NDArray[np.uint32],
    y_sigs: npt.NDArray[np.uint32],
    pairs: _Index,
    side: int,
    x_group_of: _Index,
    y_group_of: _Index,
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    threshold: float,
    window: int,
) -> None:
    """``_align._estimated_runs``: the runs of *x*'s sentences through each candidate
    pair (sentence ``pairs[r, side]`` of *x*, ``pairs[r, 1 - side]`` of *y*) whose
    merged signature (the element-wise minimum) estimates a Jaccard similarity of at
    least *threshold* with the *y* sentence, each part sharing a slot with it."""
    x_mask, y_mask = masks
    count, slots = x_sigs.shape
    for size in range(2, window + 1):
        for back in range(size):
            for r in range(pairs.shape[0]):
                start, target = pairs[r, side] - back, pairs[r, 1 - side]
                if start < 0 or start + size > count or not _distinct(x_group_of, start, size):
                    continue
                each = True
                for k in range(size):
                    shares = False
                    for p in range(slots):
                        if x_sigs[start + k, p] == y_sigs[target, p]:
                            shares = True
                            break
                    if not shares:
                        each = False
                        break
                if not each:
                    continue
                equal = 0
                for p in range(slots):
                    least = x_sigs[start, p]
                    for k in range(1, size):
                        least = min(least, x_sigs[start + k, p])
                    equal += least == y_sigs[target, p]
                if equal / float(slots) >= threshold:
                    for k in range(size):
                        x_mask[x_group_of[start + k]] = True
                    y_mask[y_group_of[target]] = True


def estimated_masks(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a_sigs: npt.NDArray[np.uint32],
    b_sigs: npt.NDArray[np.uint32],
    pairs: _Index,
    a_group_of: _Index,
    b_group_of: _Index,
    a_firsts: _Index,
    b_firsts: _Index,
    threshold: float,
    window: int,
) -> npt.NDArray[np.bool_]:
    """``_align.estimated_alignment``: the groups of *a*, then of *b* (one array),
    aligned by the MinHash estimates of the candidate sentence pairs (rows of
    *pairs*) and of the runs through them. Each pair of groups compares their
    first sentences (*a_firsts*, *b_firsts*: one per group)."""
    a_count, b_count = a_firsts.size, b_firsts.size
    masks = np.zeros(a_count + b_count, dtype=np.bool_)
    a_mask, b_mask = masks[:a_count], masks[a_count:]
    slots = a_sigs.shape[1]
    for r in range(pairs.shape[0]):
        ga, gb = a_group_of[pairs[r, 0]], b_group_of[pairs[r, 1]]
        left, right = a_firsts[ga], b_firsts[gb]
        equal = 0
        for p in range(slots):
            equal += a_sigs[left, p] == b_sigs[right, p]
        if equal / float(slots) >= threshold:
            a_mask[ga] = True
            b_mask[gb] = True
    if window > 1:
        pair = (a_mask, b_mask)
        _estimated_runs(a_sigs, b_sigs, pairs, 0, a_group_of, b_group_of, pair, threshold, window)
        flipped = (b_mask, a_mask)
        _estimated_runs(
            b_sigs, a_sigs, pairs, 1, b_group_of, a_group_of, flipped, threshold, window
        )
    return masks


def merge_runs(
    keys: _Keys, middle: int, high: _Hashes, low: _Hashes, values: npt.NDArray[Any]
) -> _Keys:
    """The sorted keys of the two sorted runs ``keys[:middle]`` and ``keys[middle:]``,
    merged, each entry's *high*, *low* and *values* moved with its key, in place (a
    *low* of no items is left as it is). Equal keys keep their order, the first run's
    first: what ``np.argsort(keys, kind="stable")`` orders, in one pass and without
    the order's array and its gathers.

    A merge of the segments of an LSH partition (``_bands._Partition.push``).
    """
    size = keys.size
    merged = np.empty(size, dtype=np.uint64)
    old_high, old_low, old_values = high.copy(), low.copy(), values.copy()
    carry_low = low.size > 0
    i, j = 0, middle
    for k in range(size):
        if j >= size or (i < middle and keys[i] <= keys[j]):
            take = i
            i += 1
        else:
            take = j
            j += 1
        merged[k] = keys[take]
        high[k] = old_high[take]
        values[k] = old_values[take]
        if carry_low:
            low[k] = old_low[take]
    return merged


def find_entries(  # noqa: PLR0917 (numba: no keyword-only arguments)
    keys: _Keys,
    needles: _Keys,
    rows: _Index,
    shifts: _Keys,
    starts: _Index,
    fences: _Hashes,
    high: _Hashes,
    low: _Hashes,
    values: npt.NDArray[Any],
) -> tuple[_Index, npt.NDArray[Any]]:
    """``_bands._Partition.find``: every ``(rows[i], value)`` whose entry is filed under
    key ``keys[i]`` (its partition's bits of ``needles[i]``) in any segment of the
    partition: segment ``s``'s bucket of a key is ``(key >> shifts[s]) + starts[s]``,
    its entries ``fences[b]:fences[b + 1]``, and an entry matches when its *high* is the
    key's last 32 bits (and, if *low* has items, its *low* the needle's). The same
    pairs, in one pass that counts them and one that writes them, with no temporary
    array a needle."""
    count, segments = keys.size, shifts.size
    exact = low.size > 0
    total = 0
    for write in range(2):
        if write:
            found_rows = np.empty(total, dtype=np.int64)
            found_values = np.empty(total, dtype=values.dtype)
            total = 0
        for i in range(count):
            key = keys[i]
            wanted = np.uint32(key & np.uint64(0xFFFFFFFF))
            needle = np.uint32(needles[i] & np.uint64(0xFFFFFFFF))
            for s in range(segments):
                bucket = np.int64(key >> shifts[s]) + starts[s]
                for e in range(fences[bucket], fences[bucket + 1]):
                    if high[e] == wanted and (not exact or low[e] == needle):
                        if write:
                            found_rows[total] = rows[i]
                            found_values[total] = values[e]
                        total += 1
    return found_rows, found_values


def aligning_rows(  # noqa: PLR0917 (numba: no keyword-only arguments)
    a_sets: tuple[_Hashes, _Index, _Index],
    values: _Hashes,
    sizes: npt.NDArray[np.integer[Any]],
    value_starts: _Index,
    sentence_starts: _Index,
    sentence_ends: _Index,
    distinct: npt.NDArray[np.uint32],
    rows: tuple[_Index, _Index, _Index],
    threshold: float,
    window: int,
    enough: int,
) -> npt.NDArray[np.bool_]:
    """``_align.aligning_pairs`` of document *a* with documents read where they are
    (document ``k`` as in :func:`alignment_bounds_at`), for the candidate sentence
    pairs *rows*: ``(k, sentence of a, sentence of k)``, sorted by ``k``. *a_sets*: its
    sentences' terms, where each sentence's start (one more than the sentences), and
    each sentence's group. The same flags, and no document is copied; with *enough*
    above 0, the rows of a document after its first *enough* that align are not
    looked at (flagged False)."""
    places, mine, theirs = rows
    a_values, a_offsets, a_group_of = a_sets
    found = np.zeros(places.size, dtype=np.bool_)
    most = 0
    for r in range(places.size):
        k = places[r]
        most = max(most, sentence_ends[k] - sentence_starts[k])
    offsets = np.empty(most + 1, dtype=np.int64)
    group_of = np.empty(most, dtype=np.int64)
    firsts = np.empty(most, dtype=np.int64)
    last = -1
    count = 0
    aligned = 0
    for r in range(places.size):
        k = places[r]
        if k == last and 0 < enough <= aligned:
            continue
        if k != last:  # the next document: where its sentences are, and their groups
            last = k
            aligned = 0
            count = _placed(sizes, value_starts, sentence_starts, sentence_ends, k, offsets)
            _groups_of(values, offsets, 0, count, int(distinct[k]), group_of, firsts)
        found[r] = _pair_aligns(
            (a_values, a_offsets, a_group_of),
            (values, offsets[: count + 1], group_of[:count]),
            mine[r],
            theirs[r],
            threshold,
            window,
        )
        aligned += found[r]
    return found


def _pair_aligns(  # noqa: PLR0917 (numba: no keyword-only arguments)
    x: tuple[_Hashes, _Index, _Index],
    y: tuple[_Hashes, _Index, _Index],
    i: int,
    j: int,
    threshold: float,
    window: int,
) -> bool:
    """Whether sentence *i* of *x* and sentence *j* of *y* (each: its sentences' terms,
    where each starts, each one's group) align as ``_align.exact_alignment`` aligns:
    the two alone, or one of them in a run of up to *window* adjacent sentences of its
    document (any copy of it) whose merged terms are similar to the other. Each
    sentence of such a run shares a term with the other, so two that share none do
    not align at all."""
    x_values, x_offsets, _ = x
    y_values, y_offsets, _ = y
    x_start, x_end = x_offsets[i], x_offsets[i + 1]
    y_start, y_end = y_offsets[j], y_offsets[j + 1]
    common = _shared(x_values, x_start, x_end, y_values, y_start, y_end)
    if common == 0:
        return False
    if _reaches(common, x_end - x_start, y_end - y_start, threshold):
        return True
    return _in_run(x, i, (y_values, y_start, y_end), common, threshold, window) or _in_run(
        y, j, (x_values, x_start, x_end), common, threshold, window
    )


def _in_run(  # noqa: PLR0917 (numba: no keyword-only arguments)
    x: tuple[_Hashes, _Index, _Index],
    i: int,
    other: tuple[_Hashes, int, int],
    common: int,
    threshold: float,
    window: int,
) -> bool:
    """Whether a run of 2 to *window* adjacent sentences of *x* that holds a copy of
    sentence *i* (no group twice, as ``_align._runs``) aligns with the set *other*
    (``values[start:end]``), with which sentence *i* shares *common* terms: each
    sentence of the run shares a term with it, and the run's merged terms reach
    *threshold* (``_align._merged``). A run is merged only when the sum of its
    sentences' shared terms, and its largest sentence, leave it a chance
    (:func:`_at_most`)."""
    values, offsets, group_of = x
    y_values, y_start, y_end = other
    count, size_y = group_of.size, y_end - y_start
    # Every run holds sentence i: it shares at most the other's terms, and has at
    # least i's own.
    if not _at_most(size_y, offsets[i + 1] - offsets[i], size_y, threshold):
        return False
    # A document's sentences are all distinct unless a group is numbered out of order
    # (the last sentence's group is then below its number).
    repeated = group_of[count - 1] != count - 1
    for at in range(count) if repeated else range(i, i + 1):
        if group_of[at] != group_of[i]:
            continue
        for size in range(2, window + 1):
            for first in range(max(0, at - size + 1), min(at, count - size) + 1):
                if repeated and not _distinct(group_of, first, size):
                    continue
                shared, least = 0, 0
                for s in range(first, first + size):
                    part = common
                    if s != at:
                        part = _shared(values, offsets[s], offsets[s + 1], y_values, y_start, y_end)
                    if part == 0:
                        shared = 0
                        break
                    shared += part
                    least = max(least, offsets[s + 1] - offsets[s])
                if (
                    shared
                    and _at_most(min(shared, size_y), least, size_y, threshold)
                    and _run_reaches(values, offsets, first, size, other, threshold)
                ):
                    return True
    return False


def _run_reaches(  # noqa: PLR0917 (numba: no keyword-only arguments)
    values: _Hashes,
    offsets: _Index,
    first: int,
    size: int,
    other: tuple[_Hashes, int, int],
    threshold: float,
) -> bool:
    """Whether the merged terms of the *size* sets from *first* (*values* from
    *offsets*) are similar to the set *other* (``values[start:end]``) at *threshold*:
    each term counted once, in the first set that holds it."""
    y_values, y_start, y_end = other
    merged, common = 0, 0
    for s in range(first, first + size):
        for v in range(offsets[s], offsets[s + 1]):
            again = False
            for t in range(first, s):
                if _holds(values, offsets[t], offsets[t + 1], values[v]):
                    again = True
                    break
            if not again:
                merged += 1
                if _holds(y_values, y_start, y_end, values[v]):
                    common += 1
    return _reaches(common, merged, y_end - y_start, threshold)


def _holds(values: _Hashes, start: int, end: int, value: np.uint32) -> bool:
    """Whether the sorted set ``values[start:end]`` holds *value* (a binary search)."""
    low, high = start, end
    while low < high:
        middle = (low + high) // 2
        if values[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low < end and values[low] == value


def _reaches(common: int, left: int, right: int, threshold: float) -> bool:
    """Whether sets of *left* and *right* terms sharing *common* have a Jaccard
    similarity of at least *threshold*, as ``_align._similar`` finds it."""
    return common > 0 and common / max(left + right - common, 1) >= threshold


_KERNELS: dict[str, Callable[..., Any]] = {
    "estimated_masks": estimated_masks,
    "share_bound_counts": share_bound_counts,
    "alignment_bounds": alignment_bounds,
    "alignment_bounds_at": alignment_bounds_at,
    "chance_share": chance_share,
    "merge_overlaps": merge_overlaps,
    "table_overlaps": table_overlaps,
    "overlaps_at": overlaps_at,
    "run_bound_counts": run_bound_counts,
    "exact_masks": exact_masks,
    "merge_runs": merge_runs,
    "aligning_rows": aligning_rows,
    "find_entries": find_entries,
}
#: What a kernel calls, compiled before it (numba compiles the callees it finds).
_HELPERS: tuple[Callable[..., Any], ...] = (
    _slot,
    _shared,
    _starts_of,
    _overlaps_in,
    _merge_count,
    _taken,
    _table_count,
    _estimated_runs,
    _distinct,
    _shift,
    _table,
    _find,
    _feasible_count,
    _at_most,
    _runs_possible,
    _common,
    _common_in,
    _run_counts,
    _shared_cells,
    _union_size,
    _offsets,
    _share_space,
    _share_counts,
    _share_of,
    _group_numbers,
    _groups_of,
    _placed,
    _same_set,
    _group_sets,
    _bound_space,
    _bounds_in,
    _alignment_bound,
    _binomial_tail,
    _runs_aligned,
    _union,
    _holds,
    _reaches,
    _run_reaches,
    _in_run,
    _pair_aligns,
)


def available() -> bool:
    """Whether numba is installed (without importing it)."""
    return numba_installed()


@functools.cache
def compiled(name: str) -> Callable[..., Any] | None:
    """The kernel *name* of this module compiled by numba, or ``None`` without numba.

    >>> compiled("merge_overlaps") is None or callable(compiled("merge_overlaps"))
    True
    """
    kernel = _KERNELS[name]  # KeyError: no such kernel
    if not available():
        return None
    jitted: Callable[..., Any] = jit(_copy(kernel, _namespace()))
    return jitted


@functools.cache
def _namespace() -> dict[str, Any]:
    """The globals the compiled kernels see: this module's, with the helpers compiled.
    The kernels and helpers compiled are copies whose globals are these (the plain
    functions stay plain); every kernel shares the one set of compiled helpers."""
    namespace = dict(globals())
    for helper in _HELPERS:
        namespace[helper.__name__] = jit(_copy(helper, namespace))
    return namespace


def _copy(function: Callable[..., Any], namespace: dict[str, Any]) -> Callable[..., Any]:
    """*function* with *namespace* as its globals."""
    copy = types.FunctionType(function.__code__, namespace, function.__name__)
    copy.__qualname__ = function.__qualname__
    copy.__module__ = function.__module__
    return copy
