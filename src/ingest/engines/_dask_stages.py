"""The stages of the Dask engine (:mod:`ingest.engines._dask`) as plain functions of one partition.

Each function runs inside a Dask task on a worker and knows nothing of Dask:
reading and signing a partition, its band keys, the candidate pairs of a
shuffled partition of keys, the candidate rows of each pair of partitions,
the verification of the pairs between two partitions, and the output of a
partition.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ..cleaning import CleanOptions, clean
from ..core import (
    Document,
    atomic_writer,
    encode_jsonl,
)
from ..dedup import (
    DedupOptions,
    DocFeatures,
    Evidence,
    FeatureTable,
    Link,
    Node,
    SentenceKeys,
    band_hashes,
    colliding_sentences,
    compute_features,
    forget_words,
    lsh_banding,
    mix64,
    repeated_runs,
    span_positions,
    trim_memory,
    verify_each,
)
from ..inputs import PARQUET_EXTS, DocItem, Failure, InputError, Reader, row_groups
from ..pipeline import Pipeline, PipelineOptions

__all__ = [
    "SLOT_BITS",
    "Part",
    "Prepare",
    "RowGroup",
    "band_hashes",
    "block_numbers",
    "block_partitions",
    "block_rows",
    "bucket_pairs",
    "clean_document",
    "empty_keys",
    "empty_pairs",
    "forget_words",
    "id_table",
    "part_failures",
    "partition_keys",
    "partitions",
    "read_input",
    "select_features",
    "sign_partition",
    "split_blocks",
    "trim_memory",
    "verify_block",
    "write_partition",
]

Prepare = Callable[[Document], Document | None]
"""A step applied to each document before signing (cleaning); ``None`` drops it.

It runs on the workers, so it must pickle: a module-level function or a
:func:`functools.partial` of one."""


SLOT_BITS: Final = 32
_MASK64: Final = np.uint64(0xFFFFFFFFFFFFFFFF)
_NAMESPACE_EXACT: Final = np.uint64(0x51ED27A9D0C2B3F1)
_NAMESPACE_DOC: Final = np.uint64(0x9E3779B97F4A7C15)
_NAMESPACE_SENTENCE: Final = np.uint64(0xC2B2AE3D27D4EB4F)
_KEYS_META: Final = {"key": np.int64, "slot": np.int64}
_PAIRS_META: Final = {"block": np.int64, "sa": np.int64, "sb": np.int64}
#: About how many pairs :func:`bucket_pairs` makes at a time before it keeps the
#: distinct ones (a bucket is never cut: one larger than this is made whole).
_PAIRS_AT_ONCE: Final = 1 << 21
#: What a Python object costs besides its arrays (the heads of a DocFeatures, its
#: arrays and strings): for Dask's estimate of a partition's size.
_OBJECT_BYTES: Final = 1000


@attrs.frozen(eq=False)
class Part:
    """One partition, as it stays on a worker (``docs`` empty unless they are written);
    ``failures``: what could not be read of its input (``keep_going`` only)."""

    index: int
    docs: list[Document]
    table: FeatureTable
    failures: list[Failure] = attrs.field(factory=list)

    def __sizeof__(self) -> int:
        """An estimate of the bytes held, as Dask's ``sizeof`` reads it: a worker with a
        ``memory_limit`` spills partitions to disk by this size."""
        texts = sum(len(d.text) + len(d.name) for d in self.docs)
        return self.table.nbytes + texts + _OBJECT_BYTES * len(self.docs)


# -- stage 1: read, prepare, sign -------------------------------------------------


@attrs.frozen
class RowGroup:
    """One row group of a Parquet file: a partition of its own."""

    path: Path
    group: int


def partitions(paths: Sequence[Path]) -> list[Path | RowGroup]:
    """One partition per input file, or per row group of a Parquet file that has several."""
    found: list[Path | RowGroup] = []
    for path in paths:
        groups = row_groups(path) if path.suffix.lower() in PARQUET_EXTS else 1
        found.extend([path] if groups == 1 else (RowGroup(path, g) for g in range(groups)))
    return found


def read_input(
    source: Path | RowGroup, *, keep_going: bool = False
) -> tuple[list[Document], list[Failure]]:
    """The documents of one input file (or Parquet row group) as the local engine reads
    it (``docs/cli.md``, "Inputs": bundles, JSONL, HTML, text, WARC, Parquet, compressed
    or not), not cleaned, and what could not be read of it.

    A record that is not a document (a JSONL line, a Parquet row) fails alone, as in
    the local engine's lenient run. Anything else that cannot be read stops the run
    (its :class:`~ingest.InputError`) unless *keep_going*: then it is a failure too.
    """
    docs: list[Document] = []
    failures: list[Failure] = []
    outcomes: Iterator[tuple[Failure | None, Document | None]]
    if isinstance(source, RowGroup):
        items = Reader().rows(source.path, [source.group])
        outcomes = (
            (item, None) if isinstance(item, Failure) else (None, item.document)
            for item in items
            if isinstance(item, Failure | DocItem)
        )
    else:
        pipeline = Pipeline(PipelineOptions(clean=None))
        outcomes = ((o.failure, o.document) for o in pipeline.run([source]))
    for failure, doc in outcomes:
        if failure is not None:
            if not keep_going and failure.name != "record":
                raise InputError(failure.reason, source=failure.source, line=failure.line)
            failures.append(failure)
        elif doc is not None:
            docs.append(doc)
    return docs, failures


def clean_document(doc: Document, options: CleanOptions | None = None) -> Document:
    """*doc* cleaned by :func:`ingest.clean` (same id): a :data:`Prepare` step.

    Use ``functools.partial(clean_document, options=...)`` for other options.
    """
    cleaned = clean(doc, options).document
    return cleaned if cleaned is not None else doc


def sign_partition(
    index: int,
    source: Path | RowGroup | list[Document],
    options: DedupOptions,
    prepare: Prepare | None,
    keep_docs: bool,  # noqa: FBT001 - a task's arguments are positional
    *,
    keep_going: bool = False,
) -> Part:
    """Read (or take), prepare and sign one partition; keep the documents only if asked.

    *keep_going*: what cannot be read of the input is kept as failures, not raised.
    """
    failures: list[Failure] = []
    if isinstance(source, list):
        docs = source
    else:
        docs, failures = read_input(source, keep_going=keep_going)
    if prepare is not None:
        docs = [d for d in map(prepare, docs) if d is not None]
    # Packed, never signed here: partition_keys and verification sign what they need.
    table = FeatureTable.pack(compute_features(docs, options, signed=False))
    return Part(index, docs if keep_docs else [], table, failures)


def part_failures(part: Part) -> list[Failure]:
    """What could not be read of *part*'s input."""
    return part.failures


# -- stage 3: band keys -------------------------------------------------------------


def partition_keys(part: Part, dropped: frozenset[int], options: DedupOptions) -> pd.DataFrame:
    """The bucket keys of *part*'s documents: ``key`` (int64) and ``slot``.

    A sentence's keys do not say which sentence they are: verification finds the
    sentences two documents share again from the documents (:class:`SentenceKeys`).
    """
    (doc_bands, doc_rows), (sent_bands, sent_rows) = lsh_banding(options)
    keys: list[npt.NDArray[np.uint64]] = []
    slots: list[npt.NDArray[np.int64]] = []
    base = part.index << SLOT_BITS
    table = part.table
    live = [row for row in np.flatnonzero(table.words > 0).tolist() if row not in dropped]
    if live:
        rows = np.array(live, dtype=np.int64) + base
        keys.append(mix64(table.exact_keys[live] ^ _NAMESPACE_EXACT))
        slots.append(rows)
        restored = table.rows(live, options, sentence_signatures=True)
        hashes = band_hashes(np.stack([f.signature for f in restored]), doc_bands, doc_rows)
        keys.append((hashes ^ _NAMESPACE_DOC).reshape(-1))
        slots.append(np.repeat(rows, doc_bands))
        # One entry per distinct sentence (its first copy), as the single-process index.
        firsts = [f.sentence_firsts for f in restored]
        counts = np.array([i.size for i in firsts], dtype=np.int64)
        if counts.sum():
            sigs = np.concatenate(
                [f.sentence_signatures[i] for f, i in zip(restored, firsts, strict=True)]
            )
            hashes = band_hashes(sigs, sent_bands, sent_rows)
            keys.append((hashes ^ _NAMESPACE_SENTENCE).reshape(-1))
            slots.append(np.repeat(np.repeat(rows, counts), sent_bands))
    if not keys:
        return empty_keys()
    return pd.DataFrame({"key": np.concatenate(keys).view(np.int64), "slot": np.concatenate(slots)})


def empty_keys() -> pd.DataFrame:
    return pd.DataFrame({name: np.empty(0, dtype=t) for name, t in _KEYS_META.items()})


# -- stage 4: buckets to candidate pairs ---------------------------------------------


def bucket_pairs(
    frame: pd.DataFrame, group: int = 1, *, at_once: int = _PAIRS_AT_ONCE
) -> pd.DataFrame:
    """Every pair of documents sharing a bucket of *frame* (a shuffled partition of
    keys), once: ``sa < sb`` slots, and ``block``, the pair of groups of *group*
    partitions they are in (``sa``'s group in the high bits): one verification task
    per block.

    A bucket of n entries makes n(n - 1)/2 pairs, and on real text a sentence of a wire
    story is in the bucket of each of its copies, each of its bands in another bucket:
    the pairs of a partition's buckets are many times its distinct pairs. So they are
    made with numpy a slice of buckets at a time (about *at_once* pairs) and
    each slice's distinct pairs kept before the next; only the distinct pairs of the
    partition stay.
    """
    if frame.empty:
        return empty_pairs()
    slots, dense = np.unique(frame["slot"].to_numpy(), return_inverse=True)
    keys = frame["key"].to_numpy()
    # By key, and within a bucket by slot: an entry pairs with those after it.
    order = np.lexsort((dense, keys))
    dense = dense[order].astype(np.int64)
    starts, sizes = repeated_runs(keys[order])
    del order
    if not starts.size:
        return empty_pairs()
    made = np.cumsum(sizes * (sizes - 1) // 2)
    cuts = np.searchsorted(made, np.arange(at_once, int(made[-1]), at_once))
    bounds = sorted({0, *(cuts + 1).tolist(), starts.size})
    width = slots.size
    found = [
        _pairs_within(starts[low:high], sizes[low:high], dense, width)
        for low, high in itertools.pairwise(bounds)
        if low < high
    ]
    codes = np.unique(np.concatenate(found)) if len(found) > 1 else found[0]
    sa, sb = slots[codes // width], slots[codes % width]
    block = (((sa >> SLOT_BITS) // group) << SLOT_BITS) | ((sb >> SLOT_BITS) // group)
    return pd.DataFrame({"block": block, "sa": sa, "sb": sb})


def _pairs_within(
    starts: npt.NDArray[np.intp],
    sizes: npt.NDArray[np.intp],
    dense: npt.NDArray[np.int64],
    width: int,
) -> npt.NDArray[np.int64]:
    """The distinct pairs of documents ``lo * width + hi`` (``lo < hi``, dense numbers of
    slots) of the buckets at *starts* (*sizes* entries each) of *dense*, whose entries
    are sorted within each bucket."""
    entries = span_positions(starts, sizes)
    after = np.repeat(starts + sizes, sizes) - entries - 1  # entries after each in its bucket
    lo = dense[np.repeat(entries, after)]
    hi = dense[span_positions(entries + 1, after)]
    distinct = lo != hi  # one document's two sentences in one bucket
    return np.unique(lo[distinct] * width + hi[distinct])


def empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({name: np.empty(0, dtype=t) for name, t in _PAIRS_META.items()})


def split_blocks(frame: pd.DataFrame) -> dict[int, npt.NDArray[np.int64]]:
    """The candidate rows (``sa, sb``, each once, sorted) of each block of *frame*
    (a partition of :func:`bucket_pairs` shuffled by block), by block.

    The rows are sorted by their columns (one array of positions), and a row equal to the
    one before it in that order is left out: no hash table of the rows and no copy of the
    whole frame but the result, so the working memory stays near the frame's size at the
    end of the shuffle, when a worker holds its signed partitions too.
    """
    if frame.empty:
        return {}
    columns = [frame[name].to_numpy() for name in _PAIRS_META]
    order = np.lexsort(columns[::-1])
    fresh = np.zeros(order.size, dtype=bool)
    fresh[0] = True
    for column in columns:
        ordered = column[order]
        fresh[1:] |= ordered[1:] != ordered[:-1]
    kept = order[fresh]
    del order, fresh, ordered
    block = columns[0][kept]
    table = np.empty((kept.size, len(columns) - 1), dtype=np.int64)
    for k, column in enumerate(columns[1:]):
        table[:, k] = column[kept]
    bounds = np.flatnonzero(np.diff(block)) + 1
    return dict(zip(block[[0, *bounds.tolist()]].tolist(), np.split(table, bounds), strict=True))


def block_numbers(blocks: dict[int, npt.NDArray[np.int64]]) -> list[int]:
    """The blocks that :func:`split_blocks` found, in order."""
    return sorted(blocks)


def block_rows(blocks: dict[int, npt.NDArray[np.int64]], block: int) -> npt.NDArray[np.int64]:
    """The candidate rows of *block*: what its verification task needs of :func:`split_blocks`."""
    return blocks[block]


# -- stage 5: verification ------------------------------------------------------------


def block_partitions(block: int, group: int, partitions: int) -> range | list[int]:
    """The partitions whose documents the candidates of *block* can be: those of its two
    groups of *group* partitions (out of *partitions*), each once."""
    first, second = block >> SLOT_BITS, block & ((1 << SLOT_BITS) - 1)
    left = range(first * group, min((first + 1) * group, partitions))
    if first == second:
        return left
    return [*left, *range(second * group, min((second + 1) * group, partitions))]


def select_features(
    part: Part, rows: npt.NDArray[np.int64], options: DedupOptions
) -> dict[int, DocFeatures]:
    """The features of *part*'s documents among the candidates *rows* (a block's ``sa, sb``
    slots): what a verification task needs of the partition, by slot."""
    low = (1 << SLOT_BITS) - 1
    slots = np.unique(rows)
    mine = slots[(slots >> SLOT_BITS) == part.index].tolist()
    return dict(zip(mine, part.table.rows([s & low for s in mine], options), strict=True))


def verify_block(
    selected: Sequence[dict[int, DocFeatures]],
    pairs: npt.NDArray[np.int64],
    options: DedupOptions,
) -> list[tuple[Node, Node, Link]]:
    """Verify the candidate pairs (rows ``sa, sb``) of a block, given the features of
    their documents, selected from each partition (:func:`select_features`).

    As the single-process index, the later document (``sb``) is verified against its
    earlier candidates, all of them at once (:func:`~ingest.dedup.verify_each`). The
    candidate sentence pairs of a pair, which only the pairs that get as far as the
    sentence alignment read, are found from the two documents when it asks for them:
    the pairs that their sentences' keys share (:func:`~ingest.dedup.colliding_sentences`),
    each document's keys made once per block. With ``min_candidate_sentences`` above 0,
    whether the document LSH (or the exact key) proposes a pair is found from the two
    documents too: their exact keys, or a band of their signatures, equal.
    """
    earlier_of: defaultdict[int, list[int]] = defaultdict(list)
    for sa, sb in pairs.tolist():
        earlier_of[sb].append(sa)
    features = {slot: f for part in selected for slot, f in part.items()}
    doc_bands, doc_rows = lsh_banding(options)[0]

    @functools.cache
    def keys_of(slot: int) -> SentenceKeys:
        return SentenceKeys.of(features[slot], options)

    @functools.cache
    def bands_of(slot: int) -> npt.NDArray[np.uint64]:
        hashes: npt.NDArray[np.uint64] = band_hashes(
            features[slot].signature[None], doc_bands, doc_rows
        )[0]
        return hashes

    def by_document(sa: int, sb: int) -> bool:
        if features[sa].exact_key == features[sb].exact_key:
            return True
        return bool((bands_of(sa) == bands_of(sb)).any())

    links = []
    for sb, earlier_slots in earlier_of.items():
        b = features[sb]
        earlier = [features[sa] for sa in earlier_slots]
        proposed = [_Proposed(keys_of, sb, sa) for sa in earlier_slots]
        documented = (
            _Documented(by_document, earlier_slots, sb)
            if options.min_candidate_sentences > 0
            else None
        )
        verified = verify_each(b, earlier, proposed, options, by_document=documented)
        for a, link in zip(earlier, verified, strict=True):
            if link is not None:
                links.append((Node(a.id, a.name, a.words), Node(b.id, b.name, b.words), link))
    return links


class _Documented(Sequence[bool]):
    """Whether the document LSH (or the exact key) proposed each of the *earlier* slots
    of a block with the slot *later*, found when asked (``verify_each`` asks only of the
    pairs that a kind links)."""

    def __init__(self, ask: Callable[[int, int], bool], earlier: list[int], later: int) -> None:
        self._ask, self._earlier, self._later = ask, earlier, later

    def __len__(self) -> int:
        return len(self._earlier)

    def __getitem__(self, k: int) -> bool:  # type: ignore[override]
        return self._ask(self._earlier[k], self._later)


@attrs.frozen
class _Proposed:
    """The candidate sentence pairs ``(sentence of later, sentence of earlier)`` of two
    documents of a block (by slot), found when iterated."""

    keys_of: Callable[[int], SentenceKeys]
    later: int
    earlier: int

    def __iter__(self) -> Iterator[tuple[int, int]]:
        found = colliding_sentences(self.keys_of(self.later), self.keys_of(self.earlier))
        return ((i, j) for i, j in found.tolist())


# -- stage 7: output -------------------------------------------------------------------


def _evidence_json(evidence: Evidence | None) -> dict[str, object] | None:
    return None if evidence is None else attrs.asdict(evidence)


def write_partition(
    part: Part,
    dropped: frozenset[int],
    membership: dict[str, tuple[str, Evidence | None]],
    path: Path,
) -> int:
    lines: list[bytes] = []
    for row, doc in enumerate(part.docs):
        if row in dropped:
            continue
        cluster, evidence = membership.get(doc.id, (doc.id, None))
        extra = {
            "cluster": cluster,
            "representative": cluster == doc.id,
            "evidence": _evidence_json(evidence),
        }
        lines.append(encode_jsonl(doc, extra))
    with atomic_writer(path) as out:
        out.write(b"".join(lines))
    return len(lines)


def id_table(part: Part) -> list[tuple[str, str, int, int]]:
    """Per document: id, name, word count, text key (what the client checks ids with)."""
    table = part.table
    columns = (table.ids, table.names, table.words.tolist(), table.text_keys.tolist())
    return list(zip(*columns, strict=True))
