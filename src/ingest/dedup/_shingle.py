"""Tokens to sets of 32-bit hashes: the shingles that MinHash signs.

Second stage of de-duplication, after :mod:`ingest.core._text`. Everything here is
vectorised over whole batches of documents with numpy; no Python code runs
per token.

**Token hash.** A token of ``n`` bytes is read as little-endian 64-bit
blocks ``b_0, b_1, ...`` (the last one zero-padded); starting from
``h = n * K0``, each block mixes in as ``h = (h ^ b_i) * K1; h ^= h >> 31``
(modulo 2**64), and the MurmurHash3 finalizer's first half gives the top 32
bits. All tokens of a batch are hashed together: their first blocks are read
straight from the joined bytes through an unaligned ``uint64`` view, so no
Python code runs per token. :func:`token_hash` is the same in plain Python.

**Shingle hash.** A word *k*-shingle is ``sum h_i * Q**(k-1-i)`` over its
token hashes, modulo 2**32, computed for every position at once. A text with
fewer than *k* words has one shingle of all its words; a text without words
has none. The values are plain ``uint32``, the input of datasketch 2.0's
default ``affine32`` MinHash scheme.

>>> token_hash(b"tiktok") == int(hash_streams([b"the  tiktok deal"])[0][1])
True
>>> shingles([b"a", b"b", b"c", b"a", b"b", b"c"], 2).size  # ab, bc, ca
3
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from ._kernels import compiled

__all__ = [
    "Counts",
    "Hashes",
    "Tokens",
    "distinct_tokens",
    "equal_bytes",
    "equal_tokens",
    "flat_sets",
    "hash_lines",
    "hash_streams",
    "jaccard",
    "jaccard_of",
    "members",
    "overlap",
    "overlaps",
    "shingle_hashes",
    "shingles",
    "span_positions",
    "split_sets",
    "token_hash",
    "token_hashes",
    "token_keys",
    "token_set",
    "tokens_of",
]

Hashes: TypeAlias = npt.NDArray[np.uint32]
"""32-bit hashes: a sorted array of distinct values (a set), or values in order."""

Counts: TypeAlias = npt.NDArray[np.int64]
"""How many of a flat array's values belong to each document, in order."""

_U = TypeVar("_U", np.uint32, np.uint64)

_MASK: Final = 0xFFFFFFFF
_MASK64: Final = (1 << 64) - 1
_K0: Final = 0x9E3779B97F4A7C15
_K1: Final = 0xBF58476D1CE4E5B9
_K2: Final = 0xFF51AFD7ED558CCD
#: Odd multiplier of the shingle polynomial (the 32-bit golden ratio).
_Q: Final = np.uint32(0x9E3779B1)
_SPACE: Final = ord(" ")
#: Ends each line of :func:`hash_lines` (word streams hold none: a space stands for it).
_NEWLINE: Final = ord("\n")
#: Odd: multiplying a 32-bit hash by it spreads its bits towards the high ones
#: (:func:`members`' table slots); the same golden-ratio constant as ``_Q``.
_SLOT_MULTIPLIER: Final = _Q
_APOSTROPHE: Final = ord("'")
#: ``_BYTE_MASKS[n]`` keeps the low ``n`` bytes of a 64-bit block (``n`` <= 8).
_BYTE_MASKS: Final = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


def token_hash(token: bytes) -> int:
    """The hash of one token, in plain Python (the reference of :func:`hash_streams`).

    >>> token_hash(b"deal")
    342519713
    """
    value = len(token) * _K0 & _MASK64
    for start in range(0, len(token), 8):
        block = int.from_bytes(token[start : start + 8], "little")
        value = (value ^ block) * _K1 & _MASK64
        value ^= value >> 31
    value ^= value >> 33
    value = value * _K2 & _MASK64
    value ^= value >> 33
    return value >> 32


def _blocks(data: bytes | bytearray) -> npt.NDArray[np.uint64]:
    """The little-endian 64-bit block that starts at each byte of *data* (but the last 7)."""
    return np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))


def _mix_blocks(
    data: bytes, starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp]
) -> npt.NDArray[np.uint64]:
    """The 64-bit states of the tokens at *starts* in *data* (padded with 8 bytes)."""
    blocks = _blocks(data)
    state = lengths.astype(np.uint64) * np.uint64(_K0)
    active = np.arange(starts.size)
    offset = 0
    while active.size:
        block = blocks[starts[active] + offset]
        block &= _BYTE_MASKS[np.minimum(lengths[active] - offset, 8)]
        mixed = (state[active] ^ block) * np.uint64(_K1)
        mixed ^= mixed >> np.uint64(31)
        state[active] = mixed
        offset += 8
        active = active[lengths[active] > offset]
    return state


class Tokens(NamedTuple):
    """The tokens of a batch of word streams, as spans of the streams' joined bytes
    (:func:`tokens_of`)."""

    #: The streams joined by a space, each apostrophe that is no part of a word made
    #: a space, and 9 spaces after (a 64-bit block can be read at any token).
    data: bytes
    #: Where each token starts in ``data``, in order.
    starts: npt.NDArray[np.intp]
    #: Each token's length in bytes.
    lengths: npt.NDArray[np.intp]
    #: The number of tokens of each stream.
    counts: Counts


def tokens_of(streams: Sequence[bytes]) -> Tokens:
    """The tokens of each of *streams*, in order.

    A stream is a :func:`ingest.core._text.word_stream`: words are runs of bytes
    other than spaces, and an apostrophe counts as a space unless it stands
    between two word bytes (as :func:`ingest.core._text.split_stream` does).

    >>> tokens = tokens_of([b"'quoted' it's", b"", b"deal"])
    >>> tokens.data[:19], tokens.starts.tolist(), tokens.lengths.tolist(), tokens.counts.tolist()
    (b" quoted  it's  deal", [1, 9, 15], [6, 4, 4], [2, 0, 1])
    """
    joined = bytearray(b" ".join(streams))
    joined += b" " * 9
    data = np.frombuffer(joined, dtype=np.uint8)
    apostrophes = np.flatnonzero(data == _APOSTROPHE)
    if apostrophes.size:
        # An apostrophe between two word bytes is part of a word; others are spaces.
        before, after = data[apostrophes - 1], data[apostrophes + 1]
        inner = (before != _SPACE) & (before != _APOSTROPHE)
        inner &= (after != _SPACE) & (after != _APOSTROPHE)
        data[apostrophes[~inner]] = _SPACE
    is_word = np.empty(data.size - 7, dtype=bool)
    is_word[0] = False
    np.not_equal(data[: data.size - 8], _SPACE, out=is_word[1:])
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    # Stream i occupies bytes [offset_i, offset_i + len_i) of the joined data.
    lengths = np.fromiter(map(len, streams), dtype=np.int64, count=len(streams))
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    owner = np.searchsorted(offsets, starts, side="right") - 1
    counts = np.bincount(owner, minlength=len(streams)).astype(np.int64)
    return Tokens(bytes(joined), starts, ends - starts, counts)


def token_hashes(tokens: Tokens) -> Hashes:
    """The hash of each of *tokens*, in order: the high 32 bits of its :func:`token_keys`."""
    return (token_keys(tokens) >> np.uint64(32)).astype(np.uint32)


def token_keys(tokens: Tokens) -> npt.NDArray[np.uint64]:
    """The 64-bit hash of each of *tokens*, in order. Two tokens of one length up to 8
    bytes have the same key only if they have the same bytes (every step of the hash
    is a bijection of one block)."""
    state = _mix_blocks(tokens.data, tokens.starts, tokens.lengths)
    state ^= state >> np.uint64(33)
    state *= np.uint64(_K2)
    state ^= state >> np.uint64(33)
    return state


def hash_streams(streams: Sequence[bytes]) -> tuple[Hashes, Counts]:
    """The hashes of the words of each stream (see :func:`tokens_of`), in order.

    Returns the hashes of all streams, concatenated, and the number of tokens
    of each stream.
    """
    if not streams:
        return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    tokens = tokens_of(streams)
    return token_hashes(tokens), tokens.counts


def hash_lines(data: bytes) -> tuple[Hashes, Counts]:
    """The hashes of the words of each line of *data* (lines of word streams, each
    followed by a newline, which no stream holds), in order, and how many each line has:
    :func:`hash_streams` of the lines, with no Python object a line.

    >>> hashes, counts = hash_lines(b"deal talks\\n\\ndeal\\n")
    >>> counts.tolist(), hashes.tolist() == hash_streams([b"deal talks", b"", b"deal"])[0].tolist()
    ([2, 0, 1], True)
    """
    joined = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(joined == _NEWLINE)
    if not ends.size:
        return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    spaced = joined.copy()
    spaced[ends] = _SPACE  # the lines joined by a space, as hash_streams joins the streams
    tokens = tokens_of([spaced[: ends[-1]].tobytes()])
    owner = np.searchsorted(ends, tokens.starts)
    return token_hashes(tokens), np.bincount(owner, minlength=ends.size).astype(np.int64)


def equal_tokens(
    tokens: Tokens,
    keys: npt.NDArray[np.uint64],
    left: npt.NDArray[np.intp],
    right: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Whether token ``left[i]`` of *tokens* (whose :func:`token_keys` are *keys*) has
    the same bytes as token ``right[i]``, for each ``i``: their lengths and keys, then
    the 64-bit blocks of those longer than one block.

    >>> tokens = tokens_of([b"deal talks deal deals"])
    >>> equal_tokens(tokens, token_keys(tokens), np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
    [False, True, False]
    """
    lengths = tokens.lengths[left]
    equal: npt.NDArray[np.bool_] = lengths == tokens.lengths[right]
    equal &= keys[left] == keys[right]
    long = np.flatnonzero(equal & (lengths > 8) & (left != right))
    starts = tokens.starts
    equal[long] = equal_bytes(
        tokens.data, starts[left[long]], tokens.data, starts[right[long]], lengths[long]
    )
    return equal


def equal_bytes(
    data: bytes | bytearray,
    starts: npt.NDArray[np.intp],
    other: bytes | bytearray,
    other_starts: npt.NDArray[np.intp],
    lengths: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Whether ``data[starts[i]:][:lengths[i]]`` equals ``other[other_starts[i]:][:lengths[i]]``,
    for each ``i``, compared 64-bit block by block (both padded with 7 bytes or more).

    >>> equal_bytes(b"deal talks" + bytes(8), np.array([0, 5]), b"deals" + bytes(8),
    ...             np.array([0, 0]), np.array([4, 5])).tolist()
    [True, False]
    """
    blocks, other_blocks = _blocks(data), _blocks(other)
    equal = np.ones(lengths.size, dtype=bool)
    active = np.arange(lengths.size)
    offset = 0
    while active.size:
        rest = lengths[active] - offset
        mixed = blocks[starts[active] + offset] ^ other_blocks[other_starts[active] + offset]
        differ = (mixed & _BYTE_MASKS[np.minimum(rest, 8)]) != 0
        equal[active[differ]] = False
        offset += 8
        active = active[~differ & (rest > 8)]
    return equal


def distinct_tokens(
    tokens: Tokens, keys: npt.NDArray[np.uint64], which: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The distinct words among the tokens *which* of *tokens* (whose
    :func:`token_keys` are *keys*): a token that stands for each word (its index in
    *tokens*), and for each of *which*, the number of its word among them.

    Tokens of one key are told apart by their bytes (:func:`equal_tokens`): a token
    whose bytes differ from those of the token that stands for its key stands for
    itself (two words of one 64-bit key are rare; the same word may then stand twice).

    >>> tokens = tokens_of([b"deal talks", b"deal again talks"])
    >>> keys, number = distinct_tokens(tokens, token_keys(tokens), np.arange(5))
    >>> sorted(tokens.data[s : s + 5].split()[0] for s in tokens.starts[keys].tolist())
    [b'again', b'deal', b'talks']
    >>> (number[[0, 2]] == number[0]).all(), (number[[1, 4]] == number[1]).all()
    (np.True_, np.True_)
    """
    stand = _same_key(keys[which])
    alone = np.flatnonzero(~equal_tokens(tokens, keys, which, which[stand]))
    stand[alone] = alone
    is_key = stand == np.arange(stand.size)
    return which[is_key], (np.cumsum(is_key) - 1)[stand]


def _same_key(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """For each of *keys*, the position of one of *keys* equal to it, the same for
    all equal ones (and itself for that one).

    A table of two slots a key or more, addressed by the key's high bits (a key is a
    hash): a key takes the position written last into its slot when that holds the
    same key; the few in slots shared by other keys are grouped by a sort.
    """
    bits = min(max((2 * keys.size).bit_length(), 4), 32)
    slots = (keys >> np.uint64(64 - bits)).astype(np.intp)
    written = np.empty(1 << bits, dtype=np.intp)
    written[slots] = np.arange(keys.size)
    same = written[slots]
    shared = np.flatnonzero(keys[same] != keys)
    if shared.size:
        _, first, group = np.unique(keys[shared], return_index=True, return_inverse=True)
        same[shared] = shared[first[group]]
    return same


def running_totals(counts: Iterable[int], *, initial: bool = False) -> Counts:
    """The running totals of *counts* (after a 0 if *initial*): ``np.cumsum`` of a list,
    without its conversion of the list (about 4 µs for a handful of counts, 1 here).

    >>> running_totals([2, 0, 3]).tolist(), running_totals([2, 3], initial=True).tolist()
    ([2, 2, 5], [0, 2, 5])
    """
    totals = itertools.accumulate(counts, initial=0 if initial else None)
    return np.fromiter(totals, dtype=np.int64)


def span_positions(starts: npt.NDArray[np.integer], sizes: Counts) -> npt.NDArray[np.intp]:
    """The positions of the spans ``starts[i] : starts[i] + sizes[i]``, one span after
    the other.

    >>> span_positions(np.array([5, 0, 2]), np.array([2, 0, 3])).tolist()
    [5, 6, 2, 3, 4]
    """
    ends = np.cumsum(sizes)
    positions = np.arange(int(ends[-1]) if ends.size else 0, dtype=np.intp)
    positions += np.repeat(starts - (ends - sizes), sizes)
    return positions


def shingle_hashes(hashes: Hashes, counts: Counts, k: int) -> tuple[Hashes, Counts]:
    """The word *k*-shingle hashes of each document (repeats kept), and their counts.

    *hashes* and *counts* are token hashes as :func:`hash_streams` returns them.
    """
    total = int(hashes.size)
    span = max(total - k + 1, 0)
    combined = hashes[:span].copy()
    for offset in range(1, k):
        combined *= _Q
        combined += hashes[offset : offset + span]
    # A shingle starting at token t is whole if it ends inside t's document.
    ends = np.cumsum(counts)
    doc_end = np.repeat(ends, counts)[:span]
    values = combined[np.arange(span) + k <= doc_end]
    shingle_counts = np.maximum(counts - k + 1, 0)
    short = np.flatnonzero((counts > 0) & (counts < k))
    if short.size:
        # Documents with fewer than k words: one shingle of all of them.
        where = np.concatenate(([0], np.cumsum(shingle_counts)[:-1]))[short]
        extra = [_one_shingle(hashes[ends[d] - counts[d] : ends[d]]) for d in short]
        values = np.insert(values, where, np.array(extra, dtype=np.uint32))
        shingle_counts[short] = 1
    return values, shingle_counts.astype(np.int64)


def _one_shingle(tokens: Hashes) -> int:
    value = 0
    for token in tokens.tolist():
        value = (value * int(_Q) + token) & _MASK
    return value


def flat_sets(values: Hashes, counts: Counts) -> tuple[Hashes, Counts]:
    """*values* grouped by *counts* into sorted sets of distinct hashes, kept flat:
    the sets concatenated, and the size of each.

    Consecutive groups are sorted together, about ``_SORT_CHUNK`` values at a time
    (a sort that stays in the CPU's cache is several times as fast as one sort of
    everything): one group alone as it is, several as ``group << 32 | value``;
    repeats within a group dropped.

    >>> flat_sets(np.array([3, 1, 3, 2, 2], np.uint32), np.array([3, 0, 2]))
    (array([1, 3, 2], dtype=uint32), array([2, 0, 1]))
    """
    if counts.size == 0:
        return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    starts = ends - counts
    value_parts, size_parts = [], []
    first = 0
    while first < counts.size:
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + _SORT_CHUNK, "right")))
        chunk = values[starts[first] : ends[last - 1]]
        if last == first + 1:
            kept = _distinct(np.sort(chunk))
            size_parts.append(np.array([kept.size]))
        else:
            group = np.repeat(np.arange(last - first, dtype=np.uint64), counts[first:last])
            keys = _distinct(np.sort((group << np.uint64(32)) | chunk))
            group_of = (keys >> np.uint64(32)).astype(np.intp)
            size_parts.append(np.bincount(group_of, minlength=last - first))
            kept = (keys & np.uint64(_MASK)).astype(np.uint32)
        value_parts.append(kept)
        first = last
    return np.concatenate(value_parts), np.concatenate(size_parts).astype(np.int64)


def _distinct(ordered: npt.NDArray[_U]) -> npt.NDArray[_U]:
    """The distinct values of *ordered* (sorted)."""
    keep = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


#: About how many values :func:`flat_sets` sorts at once.
_SORT_CHUNK: Final = 1 << 11


def split_sets(values: Hashes, counts: Counts) -> list[Hashes]:
    """*values* split by *counts* into sorted sets of distinct hashes (see :func:`flat_sets`).

    >>> split_sets(np.array([3, 1, 3, 2, 2], np.uint32), np.array([3, 0, 2]))
    [array([1, 3], dtype=uint32), array([], dtype=uint32), array([2], dtype=uint32)]
    """
    if counts.size == 0:
        return []
    flat, sizes = flat_sets(values, counts)
    return np.split(flat, np.cumsum(sizes)[:-1])


def shingles(tokens: Sequence[bytes], k: int) -> Hashes:
    """The set of word *k*-shingle hashes of *tokens*, sorted."""
    hashes, counts = hash_streams([b" ".join(tokens)])
    values, _ = shingle_hashes(hashes, counts, k)
    return np.unique(values)


def token_set(tokens: Sequence[str]) -> Hashes:
    """The set of the hashes of *tokens* (strings), sorted: unigram shingles.

    >>> token_set(["b", "a", "b"]).tolist() == sorted({token_hash(b"a"), token_hash(b"b")})
    True
    """
    return np.unique(hash_streams([" ".join(tokens).encode()])[0])


def overlap(a: Hashes, b: Hashes) -> int:
    """The number of hashes in both sorted sets *a* and *b*.

    Each hash of the smaller set is looked up in the larger (``searchsorted``):
    no concatenation and no sort, several times faster than ``np.intersect1d``
    on the sets of two documents.

    >>> overlap(np.array([1, 2, 3], np.uint32), np.array([2, 3, 4], np.uint32))
    2
    """
    small, large = (a, b) if a.size <= b.size else (b, a)
    if not small.size:
        return 0
    at = np.searchsorted(large, small)
    at[at == large.size] = 0
    return int(np.count_nonzero(large[at] == small))


def overlaps(a: Hashes, sets: Sequence[Hashes], *, shared: bool = False) -> npt.NDArray[np.int64]:
    """``overlap(a, s)`` for each set ``s`` of *sets*, at once: every hash of every set
    looked up in *a*, the hits counted per set.

    How each hash is looked up depends on how many are expected to be in *a*.
    By default few are (the candidates of the sentence LSH share a sentence or two
    with a document, few of its shingles): :func:`members`' table lookup rules the
    others out before any binary search. With *shared*, most are (the candidates of
    the document LSH alone, banded to propose sets at a Jaccard of about 0.4 or
    more): a binary search of each is cheaper than the table's pass and then one
    for most of them (100,000 real-text documents with ``exact`` and ``near``: 69%
    of the hashes are in the document, 3.8 against 5.2 s; 10,000 with every kind:
    1.4% are, 2.8 against 1.5 s). With numba installed, one merge of *a* with each
    set (:func:`ingest.dedup._kernels.merge_overlaps`) is cheaper still where most
    are shared, and a table of *a* probed once a hash
    (:func:`~ingest.dedup._kernels.table_overlaps`) where few are. The counts are
    the same every way (the sets hold no repeats).

    >>> a = np.array([1, 2, 3], np.uint32)
    >>> sets = [np.array([2, 3, 4], np.uint32), np.array([9], np.uint32), a[:0], a]
    >>> overlaps(a, sets).tolist(), overlaps(a, sets, shared=True).tolist()
    ([2, 0, 0, 3], [2, 0, 0, 3])
    """
    counts = np.zeros(len(sets), dtype=np.int64)
    if not a.size or not sets:
        return counts
    values = np.concatenate(sets)
    ends = running_totals(s.size for s in sets)
    kernel = compiled("merge_overlaps" if shared else "table_overlaps")
    if kernel is not None:
        found: npt.NDArray[np.int64] = kernel(a, values, ends)
        return found
    if shared:
        at = np.minimum(np.searchsorted(a, values), a.size - 1)
        held = np.flatnonzero(a[at] == values)
    else:
        held = members(a, values)
    counts += np.bincount(np.searchsorted(ends, held, side="right"), minlength=len(sets))
    return counts


def members(terms: Hashes, values: Hashes) -> npt.NDArray[np.intp]:
    """The positions of the *values* that *terms* (sorted, distinct) holds.

    Each value is first looked up in a table of about 64 slots a term, addressed by a
    multiplicative hash: a value in an empty slot is not a term, and only the few in a
    term's slot are searched among the sorted terms. Where most values are not terms
    (the stems or shingles of many candidates against one document's) this is one
    pass over the values instead of a binary search each, several times faster;
    where most are (two copies' shingles), it costs a little more than the binary
    searches alone.

    >>> members(np.array([2, 5, 9], np.uint32), np.array([5, 1, 9, 9], np.uint32)).tolist()
    [0, 2, 3]
    """
    if not terms.size or not values.size:
        return np.empty(0, dtype=np.intp)
    bits = np.uint32(min(24, terms.size.bit_length() + 6))
    table = np.zeros(1 << int(bits), dtype=bool)
    table[(terms * _SLOT_MULTIPLIER) >> (np.uint32(32) - bits)] = True
    maybe = np.flatnonzero(table[(values * _SLOT_MULTIPLIER) >> (np.uint32(32) - bits)])
    found = values[maybe]
    at = np.minimum(np.searchsorted(terms, found), terms.size - 1)
    held: npt.NDArray[np.intp] = maybe[terms[at] == found]
    return held


def jaccard(a: Hashes, b: Hashes) -> float:
    """The exact Jaccard similarity of two sorted hash sets (1.0 for two empty sets).

    >>> jaccard(np.array([1, 2, 3], np.uint32), np.array([2, 3, 4], np.uint32))
    0.5
    """
    return jaccard_of(overlap(a, b), int(a.size), int(b.size))


def jaccard_of(common: int, a_size: int, b_size: int) -> float:
    """The Jaccard similarity of two sets of *a_size* and *b_size* that share *common*.

    >>> jaccard_of(2, 3, 3)
    0.5
    """
    union = a_size + b_size - common
    return common / union if union else 1.0
