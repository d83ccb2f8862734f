"""The duplicate index: candidates through LSH, verified pairs, clusters.

The last stage of de-duplication. A :class:`DuplicateIndex` holds the
features of the documents added to it (:mod:`ingest.dedup._features`, without
their sentence signatures, which are computed again when a paraphrase is
verified) and two LSH indexes that propose candidates, with the bands of a
datasketch ``MinHashLSH`` at the same threshold, each band hashed to 64 bits
and kept in sorted arrays (:class:`ingest.dedup._bands.BandIndex`, as the Dask
engine's shuffle groups them):

* the **document LSH** over word-shingle signatures, at ``near_threshold``;
* the **sentence LSH** over the signatures of each distinct sentence's stemmed
  content words, at ``sentence_threshold``. Two documents with a candidate
  sentence pair are candidates for ``containment`` (a truncated copy shares
  whole sentences) and ``paraphrase`` (a reworded copy shares aligned ones).

Every candidate pair is verified on exact sets before it is linked, so an LSH
false positive never merges clusters. Each pair's decision depends only on
the two documents, so the linked pairs, and the clusters (connected
components, by union-find), do not depend on the order of :meth:`add` calls.

>>> from ingest import Document
>>> text = "The talks stalled on Monday, officials in Beijing said. " * 3
>>> index = DuplicateIndex()
>>> index.add(Document("a", text))
[]
>>> [e.kind for e in index.add(Document("b", text.upper()))]
['exact']
>>> [[m.name for m in c.members] for c in index.clusters()]
[['b', 'a']]
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from ..core import Document, OptionsError
from ._align import aligning_rows, aligning_rows_at
from ._bands import BandIndex, GroupedBandIndex, shared_rows
from ._candidates import (
    SENTENCE_BITS,
    Candidates,
    SentenceKeys,
    colliding_sentences,
    gather,
    lsh_banding,
)
from ._chains import Chains
from ._clusters import cluster_positions, ordered_evidence
from ._features import (
    DocFeatures,
    compute_features,
    document_signature,
    restore_sentence_signatures,
    sentence_signatures,
    with_signature,
    without_signatures,
)
from ._file import read_index, write_index
from ._ids import is_repeat
from ._kernels import available as kernels_available
from ._memory import trim_memory
from ._options import KINDS, Cluster, DedupOptions, Evidence, Kind
from ._signature import band_hashes
from ._store import FeatureColumns, FeatureFile
from ._verify import (
    Held,
    Link,
    finish_estimate,
    link_on_sets,
    paraphrase_bounds,
    screen_candidates,
    set_overlaps,
    set_possible,
    verify,
    verify_candidates,
)

__all__ = ["DuplicateIndex", "IndexStats", "find_duplicates", "full_collections_deferred"]

#: Sentences a document keeps at most (more are cut: the number of a sentence is a
#: 20-bit field of the keys that count candidate sentence pairs).
_MAX_SENTENCES: Final = 1 << SENTENCE_BITS


#: Documents signed, keyed and looked up at once: one search of each LSH segment per
#: batch. 1024 was measured too: 5% faster at a million documents, 1.2 GB more at the
#: peak (docs/log/one-process.md).
BATCH: Final = 256

#: ``extend`` gives the allocator's free memory back every this many batches (about
#: 4,000 documents): without it, at 100,000 synthetic documents a quarter of the
#: process was free heap (docs/log/one-process.md, "Session 17").
_TRIM_EVERY: Final = 16

#: Document signatures computed again that an index keeps (512 bytes each at the
#: default ``num_perm``: 16 MB), the most recently used. At 4,096, 30,000 real-text
#: documents with every kind computed 36,953 again (about 150 µs each); at 32,768
#: the verification on shingle sets took 21.5 s instead of 25.4.
_SIGNATURES_KEPT: Final = 32768

#: Sentence signatures computed again that an index keeps (256 bytes a sentence at the
#: default ``sentence_num_perm``: about 8 KB a news article, 32 MB in all).
_SENTENCE_SIGNATURES_KEPT: Final = 4096

#: A link's key: ``earlier position << _SHIFT | later position`` (positions fit 32 bits).
_SHIFT: Final = 32
_LOW: Final = (1 << _SHIFT) - 1

#: The kinds decided on shingle sets (``KINDS[:_ON_SETS]``), before ``paraphrase``.
_ON_SETS: Final = KINDS.index("paraphrase")

#: From this many candidates on, a document's candidates are screened at once
#: (DuplicateIndex._visited); below, each is read and verified, which costs less than
#: the screen's fixed 100-odd microseconds of numpy calls (a million synthetic
#: documents average two candidates).
_SCREEN_FROM: Final = 16


@attrs.frozen(eq=False)
class _Batch:
    """The band hashes of a batch of documents.

    ``document`` has one row per document; ``sentences`` one row per distinct
    sentence (its first copy), of document ``owner[row]``, sentence ``first[row]``.
    ``with_words`` marks the documents that have words (only those are filed in the
    document LSH).
    """

    features: list[DocFeatures]
    with_words: npt.NDArray[np.bool_]
    document: npt.NDArray[np.uint64]
    sentences: npt.NDArray[np.uint64]
    owner: npt.NDArray[np.intp]
    first: npt.NDArray[np.intp]


def _hits(
    batch: _Batch,
    documents: tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]],
    sentences: tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> list[Candidates]:
    """The candidates of each document of *batch* from the hits of a document LSH query
    (``(row, position)``) and of a sentence LSH query (``(sentence row, position of the
    candidate, its sentence)``)."""
    rows, positions, theirs = sentences
    pairs = np.stack([positions, batch.first[rows], theirs], axis=1)
    return gather(len(batch.features), documents, (batch.owner[rows], pairs))


class _SentenceRows:
    """The sentences filed in the sentence LSH, one row each, numbered from 0: the index
    position of the document and the number of the sentence (two ``int32``). The LSH
    files a row's number (``uint32``: 4 bytes an entry instead of 8 for both)."""

    def __init__(self) -> None:
        self._table = np.zeros((1024, 2), dtype=np.int32)
        self._size = 0

    def append(
        self, positions: npt.NDArray[np.intp], sentences: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.int64]:
        """File these sentences; their row numbers."""
        end = self._size + positions.size
        if end > self._table.shape[0]:
            # Grown by a quarter: less room left unused than doubling, still few copies.
            table = np.zeros((max(end, self._table.shape[0] * 5 // 4), 2), dtype=np.int32)
            table[: self._size] = self._table[: self._size]
            self._table = table
        self._table[self._size : end, 0] = positions
        self._table[self._size : end, 1] = sentences
        rows = np.arange(self._size, end, dtype=np.int64)
        self._size = end
        return rows

    def get(self, rows: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
        """The positions and sentence numbers of *rows*."""
        found = self._table[rows].astype(np.int64)
        return found[:, 0], found[:, 1]

    @property
    def nbytes(self) -> int:
        return int(self._table.nbytes)


@attrs.define
class IndexStats:
    """Where a :class:`DuplicateIndex` spent its time, and how many pairs it verified.

    Attributes:
        features: Seconds computing features (:func:`ingest.dedup.compute_features`).
        candidates: Seconds keying documents and searching the LSH indexes.
        verify_sets: Seconds verifying ``exact``, ``near`` and ``containment``
            (a hash comparison and one overlap of the shingle sets per pair).
        verify_paraphrase: Seconds aligning sentences for ``paraphrase``.
        pairs: Candidate pairs verified.
        alignments: Pairs verified for ``paraphrase`` (a cheap bound first, then
            the sentence alignment unless the bound rules the pair out).
        skipped: Candidate pairs for which some kind was left out, because a
            chain of stronger links already joins the two (docs/dedup.md).
        unproposed: Candidate pairs not aligned for ``paraphrase`` because their
            candidate sentence pairs that align cover fewer than
            ``min_candidate_sentences`` sentences of one of the two (docs/dedup.md,
            "Verification").
        unverified: Candidate pairs not verified at all, because only the sentence LSH
            proposed them and their candidate sentence pairs that align cover fewer
            than ``min_candidate_sentences`` sentences of one of the two (or than the
            shorter document has; docs/dedup.md, "Verification"): at the default 1,
            none of them aligns.
        sized_out: Candidate pairs whose shingle overlap was not computed, because with
            ``near`` the only kind decided on it, their sizes alone rule it out (the
            Jaccard of two sets is at most the smaller's size over the larger's).
    """

    features: float = 0.0
    candidates: float = 0.0
    verify_sets: float = 0.0
    verify_paraphrase: float = 0.0
    pairs: int = 0
    alignments: int = 0
    skipped: int = 0
    unproposed: int = 0
    sized_out: int = 0
    unverified: int = 0

    @property
    def seconds(self) -> float:
        """The seconds of the four stages together."""
        return self.features + self.candidates + self.verify_sets + self.verify_paraphrase

    def summary(self) -> str:
        """One line: the pairs verified and aligned, and each stage's seconds.

        >>> stats = IndexStats(1.5, 0.3, 4.0, 26.0, pairs=375_701, alignments=365_627)
        >>> for part in stats.summary().split(", "):
        ...     print(part)
        375,701 candidate pairs verified
        365,627 of them aligned for paraphrase; features 1.5 s
        candidates 0.3 s
        verification on shingle sets 4.0 s
        sentence alignment 26.0 s
        >>> IndexStats(pairs=64_812, unverified=1_457_857).summary().split(", ")[0]
        '64,812 candidate pairs verified (1,457,857 more left out: too few sentences align)'
        """
        left = f" ({self.unverified:,} more left out: too few sentences align)"
        return (
            f"{self.pairs:,} candidate pairs verified{left if self.unverified else ''}, "
            f"{self.alignments:,} of them aligned "
            f"for paraphrase; features {self.features:.1f} s, candidates "
            f"{self.candidates:.1f} s, verification on shingle sets {self.verify_sets:.1f} s, "
            f"sentence alignment {self.verify_paraphrase:.1f} s"
        )


def _truncated(features: DocFeatures) -> DocFeatures:
    """*features* with at most ``_MAX_SENTENCES - 1`` sentences (keys hold 20 bits)."""
    if features.sentence_count < _MAX_SENTENCES:
        return features
    sizes = features.sentence_sizes[: _MAX_SENTENCES - 1]
    return attrs.evolve(
        features,
        sentence_values=features.sentence_values[: int(sizes.sum())],
        sentence_sizes=sizes,
        sentence_signatures=features.sentence_signatures[: _MAX_SENTENCES - 1],
    )


class DuplicateIndex:
    """An incremental index of documents that finds and clusters their duplicates.

    Add documents with :meth:`add` (or many at once with :meth:`extend`), ask
    about a document without adding it with :meth:`query`, and read the
    clusters with :meth:`clusters`. :meth:`save` and :meth:`load` keep an
    index between runs (format: ``docs/dedup.md``).

    Ids identify documents (:attr:`ingest.Document.id`, derived from name and
    text unless given). Adding a document whose id is already indexed with
    the same text does nothing (it is the same document, read twice); with
    another text it raises :class:`ingest.IdConflictError`.

    With ``spill=True`` each document's shingle and stem arrays (about 40% of an
    index's bytes on news) go to a temporary file as the document is added, and
    are read back when it is a candidate (:class:`~ingest.dedup._store.FeatureFile`;
    with numba, read where the file is mapped): the same decisions, in less memory,
    for a little more time. :meth:`close` (or a ``with`` block) removes the file.
    In memory, with numba, they are kept by column
    (:class:`~ingest.dedup._store.FeatureColumns`).
    """

    def __init__(self, options: DedupOptions | None = None, *, spill: bool = False) -> None:
        if options is not None and not isinstance(options, DedupOptions):
            raise OptionsError(
                f"DuplicateIndex takes a DedupOptions, got {type(options).__name__}; "
                "build one with ingest.DedupOptions(...)"
            )
        self.options = options if options is not None else DedupOptions()
        # In columns where the compiled kernels read them; a list where numpy does.
        self._docs: list[DocFeatures] | FeatureColumns | FeatureFile = (
            FeatureFile(self.options)
            if spill
            else FeatureColumns(self.options)
            if kernels_available()
            else []
        )
        self._slots: dict[str, int] = {}
        # Each document's number of distinct sentences, by position (the candidate rule,
        # and the screen's run bounds).
        self._groups = array("I")
        # The first position of each exact key; the positions of a key that more documents
        # share in _more_exact (a list for every key took ~85 bytes a document).
        self._exact: dict[int, int] = {}
        self._more_exact: dict[int, list[int]] = {}
        # Keyed by the pair's positions in one int (_SHIFT): 24 bytes a link less than a
        # tuple of ids, and clustering needs the positions.
        self._links: dict[int, Link] = {}
        self._chains = Chains()
        self.stats = IndexStats()
        self._batches = 0
        self._doc_params, self._sentence_params = lsh_banding(self.options)
        self._doc_lsh = BandIndex(self._doc_params[0], values=np.uint32)
        # Sentences repeated word for word across documents share their bands' entries.
        self._sentence_lsh = GroupedBandIndex(self._sentence_params[0])
        self._sentence_rows = _SentenceRows()
        # The document signatures computed again for the documents linked most recently.
        self._signatures: OrderedDict[str, npt.NDArray[np.uint32]] = OrderedDict()
        # The sentence signatures computed again for the paraphrase links made last.
        self._sentence_signatures: OrderedDict[str, npt.NDArray[np.uint32]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slots

    def indexed_as(self, doc_id: str) -> tuple[str, int] | None:
        """The name and :func:`~ingest.dedup.text_key` of the document indexed under
        *doc_id*, or None: what :func:`~ingest.dedup.is_repeat` compares a document
        with, so that a caller that batches documents need not keep its own copy of
        every id (the pipeline's was ~130 bytes a document)."""
        slot = self._slots.get(doc_id)
        if slot is None:
            return None
        known = self._docs[slot]
        return known.name, known.text_key

    @property
    def spilled(self) -> bool:
        """Whether the documents' arrays are in a temporary file (``spill=True``)."""
        return isinstance(self._docs, FeatureFile)

    @property
    def nbytes(self) -> int:
        """The bytes of the arrays the index holds in memory: each document's shingle
        set and sentence stem sets (no signatures: they are computed again when
        needed; with ``spill=True``, the per-document arrays of the
        :class:`~ingest.dedup._store.FeatureFile` and the rows it keeps), the entries
        of both LSH indexes (8 bytes each, 12 under a sentence's row key; their fences
        and the room their arrays keep for more: :class:`~ingest.dedup._bands.BandIndex`)
        and the sentence rows. Python objects (ids, names, links), the
        ``_SIGNATURES_KEPT`` signatures computed again last (16 MB at most) and the
        ``_SENTENCE_SIGNATURES_KEPT`` documents' sentence signatures come on top."""
        if isinstance(self._docs, list):
            features = sum(f.nbytes for f in self._docs)
        else:
            features = self._docs.nbytes
        lsh = self._doc_lsh.nbytes + self._sentence_lsh.nbytes + self._sentence_rows.nbytes
        return features + lsh + self._groups.itemsize * len(self._groups)

    def add(self, doc: Document) -> list[Evidence]:
        """Add *doc*; return its verified matches among the documents indexed before."""
        [evidence] = self._add_all(self._features([doc]), every=True)
        return evidence

    def extend(self, docs: Iterable[Document]) -> None:
        """Add many documents, with the clusters that :meth:`add` one by one would make.

        *docs* is read, signed and looked up a batch at a time (one search of
        each LSH per batch), so a generator of any length is held one batch at a
        time. On an :class:`ingest.IdConflictError` the documents before the
        conflicting one stay indexed, as with :meth:`add`.

        Unlike :meth:`add`, which reports every match, a candidate pair is only
        verified for the kinds of link that could still change a cluster or its
        evidence (docs/dedup.md, "Verification"): the clusters, members and
        evidence are the same, the verification does not grow with the square of
        a family of copies.
        """
        remaining = iter(docs)
        with full_collections_deferred():
            while batch := list(itertools.islice(remaining, BATCH)):
                self._add_all(self._features(batch), every=False)
                self._batches += 1
                if self._batches % _TRIM_EVERY == 0:
                    trim_memory()

    def query(self, doc: Document) -> list[Evidence]:
        """The verified matches of *doc* in the index, strongest first; the index is unchanged.

        A document that is itself in the index is not reported as its own match.
        """
        [batch] = self._keyed(compute_features([doc], self.options))
        [found] = self._lookup(batch)
        features = batch.features[0]
        return ordered_evidence(features.id, self._verify(features, found))

    def clusters(self) -> list[Cluster]:
        """Every document's cluster, singletons included, largest first, then by id."""
        docs = self._docs
        nodes = docs if isinstance(docs, list) else docs.nodes()
        links = ((key >> _SHIFT, key & _LOW, link) for key, link in self._links.items())
        return cluster_positions(nodes, self._chains.roots(), links, self._finished)

    def _finished(self, found: Sequence[tuple[int, int, Link]]) -> list[Link]:
        """The links *found* (with the positions of their two ends) with their estimated
        scores (:func:`~ingest.dedup._verify.finish_estimate`): ``extend`` verifies
        without them, and only the links that become evidence need them (a family's
        members link to many earlier ones). Kept, computed once. The signatures they
        need are computed again in one batch, not one document at a time."""
        ends = [sorted((one, other)) for one, other, _ in found]
        # The ends of the links without estimates: of those on sets, the document
        # signatures are needed; of the paraphrases, the sentence signatures.
        on_sets: set[int] = set()
        aligned: set[int] = set()
        for (earlier, later), (_, _, link) in zip(ends, found, strict=True):
            if math.isnan(link.estimated):
                (aligned if link.kind == "paraphrase" else on_sets).update((earlier, later))
        signed = self._signed(sorted(on_sets), sorted(aligned))
        result = []
        for (earlier, later), (_, _, link) in zip(ends, found, strict=True):
            if not math.isnan(link.estimated):
                result.append(link)
                continue
            # Verified with the later document first, as _link does.
            a, b = signed[later], signed[earlier]

            def sentence_pairs(a: DocFeatures = a, b: DocFeatures = b) -> list[tuple[int, int]]:
                # Those the sentence LSH proposed for the pair, found again from the two.
                keys = [SentenceKeys.of(f, self.options, f.sentence_signatures) for f in (a, b)]
                return [(i, j) for i, j in colliding_sentences(*keys).tolist()]

            finished = finish_estimate(link, a, b, sentence_pairs, self.options)
            self._links[earlier << _SHIFT | later] = finished
            result.append(finished)
        return result

    def _signed(self, on_sets: list[int], aligned: list[int]) -> dict[int, DocFeatures]:
        """The documents at the positions *on_sets* with their document signatures, and
        at *aligned* with their sentence signatures, computed again in one pass each."""
        docs = with_signature([self._docs[p] for p in on_sets], self.options)
        signed = dict(zip(on_sets, docs, strict=True))
        wanted = [signed[p] if p in signed else self._docs[p] for p in aligned]
        signed.update(zip(aligned, restore_sentence_signatures(wanted, self.options), strict=True))
        return signed

    def save(self, path: str | Path) -> None:
        """Write the index to *path* (a NumPy ``.npz`` archive with a JSON header, no pickle)."""
        write_index(Path(path), self.options, list(self._docs))

    @classmethod
    def load(cls, path: str | Path, *, spill: bool = False) -> DuplicateIndex:
        """Read an index that :meth:`save` wrote; raises :class:`ingest.IndexFileError`."""
        options, docs = read_index(Path(path))
        index = cls(options, spill=spill)
        index._add_all(docs, every=False)
        return index

    def close(self) -> None:
        """Remove the temporary file of a ``spill=True`` index (nothing otherwise); its
        clusters can still be read, documents can no longer be added or queried."""
        if isinstance(self._docs, FeatureFile):
            self._docs.close()

    def __enter__(self) -> DuplicateIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------

    def _features(self, docs: Sequence[Document]) -> list[DocFeatures]:
        start = time.perf_counter()
        features = compute_features(docs, self.options)
        self.stats.features += time.perf_counter() - start
        return features

    def _keyed(self, docs: Sequence[DocFeatures]) -> Iterator[_Batch]:
        """*docs* with their band hashes, ``BATCH`` documents at a time."""
        for start in range(0, len(docs), BATCH):
            features = [_truncated(f) for f in docs[start : start + BATCH]]
            document = band_hashes(
                np.stack([f.signature for f in features]).reshape(len(features), -1),
                *self._doc_params,
            )
            firsts = [f.sentence_firsts for f in features]
            sigs = [f.sentence_signatures[i] for f, i in zip(features, firsts, strict=True)]
            width = self.options.sentence_num_perm
            stacked = np.concatenate([np.empty((0, width), dtype=np.uint32), *sigs])
            yield _Batch(
                features,
                np.array([f.words > 0 for f in features], dtype=bool),
                document,
                band_hashes(stacked, *self._sentence_params),
                np.repeat(np.arange(len(features), dtype=np.intp), [i.size for i in firsts]),
                np.concatenate([np.empty(0, dtype=np.intp), *firsts]),
            )

    def _add_all(self, docs: Sequence[DocFeatures], *, every: bool) -> list[list[Evidence]]:
        """Add *docs* in order; each one's evidence: every match (*every*), as :meth:`add`
        returns it, or the matches that can change a cluster or its evidence."""
        return [
            evidence
            for batch in self._keyed(docs)
            for evidence in self._add_batch(batch, every=every)
        ]

    def _add_batch(self, batch: _Batch, *, every: bool) -> list[list[Evidence]]:
        """Add the documents of *batch* in order, each matched against the index and the
        batch's documents before it; filed in the LSH indexes at the end (or at an error)."""
        start = time.perf_counter()
        found = self._lookup(batch)
        within = _within(batch)
        self.stats.candidates += time.perf_counter() - start
        # The index position of each document of the batch, -1 until (unless) it is added.
        added = np.full(len(batch.features), -1, dtype=np.intp)
        result = []
        try:
            for row, features in enumerate(batch.features):
                candidates = found[row]
                # Earlier documents of the batch, as the index would hold them by now.
                candidates.add(*within[row].moved(added))
                held = self.indexed_as(features.id)
                if is_repeat(
                    features.name, features.id, features.text_key, held, where="the index"
                ):
                    result.append(ordered_evidence(features.id, self._verify(features, candidates)))
                    continue
                slot = self._chains.add()
                links = self._link(features, slot, candidates, every=every)
                self._keep(features)
                self._slots[features.id] = slot
                for other, link in links.items():
                    self._links[self._slots[other] << _SHIFT | slot] = link
                if features.words:
                    self._file_exact(features.exact_key, slot)
                added[row] = slot
                # extend's links have no estimates yet, and it hands out no evidence.
                result.append(ordered_evidence(features.id, links) if every else [])
        finally:
            self._file(batch, added)
            if isinstance(self._docs, FeatureFile):
                self._docs.release()
        return result

    def _keep(self, features: DocFeatures) -> None:
        """Keep *features* as the next position. The band keys are made, so in memory
        the signatures are dropped (computed again for the links that need them); a
        features file writes the document signature with the arrays, off the memory."""
        if isinstance(self._docs, list):
            self._docs.append(without_signatures(features))
        else:  # a file writes the document signature; columns keep no signature
            self._docs.append(features)
        self._groups.append(features.sentence_groups)

    def _file_exact(self, key: int, position: int) -> None:
        """File the document at *position* under its exact key."""
        first = self._exact.setdefault(key, position)
        if first != position:
            self._more_exact.setdefault(key, [first]).append(position)

    def _same_text(self, key: int) -> list[int]:
        """The positions of the documents filed under the exact key *key*."""
        first = self._exact.get(key)
        if first is None:
            return []
        return self._more_exact.get(key, [first])

    def _lookup(self, batch: _Batch) -> list[Candidates]:
        """The candidates of each document of *batch* in the LSH indexes as they are."""
        rows, filed = self._sentence_lsh.query(batch.sentences)
        positions, theirs = self._sentence_rows.get(filed)
        return _hits(batch, self._doc_lsh.query(batch.document), (rows, positions, theirs))

    def _file(self, batch: _Batch, added: npt.NDArray[np.intp]) -> None:
        """File the documents of *batch* at their index positions *added* (-1: not added)."""
        rows = np.flatnonzero(batch.with_words & (added >= 0))
        if rows.size:
            self._doc_lsh.insert(batch.document[rows], added[rows])
        # One entry per distinct sentence (its first copy).
        kept = added[batch.owner] >= 0
        if kept.any():
            filed = self._sentence_rows.append(added[batch.owner[kept]], batch.first[kept])
            self._sentence_lsh.insert(batch.sentences[kept], filed)

    def _verify(self, features: DocFeatures, candidates: Candidates) -> dict[str, Link]:
        """The verified links of *features* to indexed documents, by their id."""
        if features.words == 0:
            return {}
        same = self._same_text(features.exact_key)
        slots = candidates.positions(same)
        pairs = {slot: candidates.sentence_pairs(slot) for slot in slots}
        by_document = candidates.documents().union(same)
        return verify_candidates(
            features, self._docs, slots, pairs, self.options, by_document=by_document
        )

    def _link(
        self, features: DocFeatures, slot: int, candidates: Candidates, *, every: bool
    ) -> dict[str, Link]:
        """The links of *features*, about to be filed at *slot*, to indexed documents, by
        their id, recorded in the chains: every verified link (*every*), or those that can
        change a cluster or its evidence.

        First the kinds decided on shingle sets, for every candidate; then the sentence
        alignment, for the candidates that the sentence LSH proposes for it
        (:meth:`Candidates.covering`) and that no chain of stronger links joins by then.
        """
        if features.words == 0:
            return {}
        same = self._same_text(features.exact_key)
        options, chains, stats = self.options, self._chains, self.stats
        links: dict[str, Link] = {}
        unlinked: list[tuple[int, DocFeatures]] = []
        start = time.perf_counter()
        aligning = "paraphrase" in options.kinds
        aligned = self._aligned(features, candidates, same)
        slots, proposed = self._proposed(features, aligned.positions(same), aligned, same)
        visited = self._visited(features, slots, proposed, aligning=aligning, held=not every)
        # The number of links when a pair's kinds were last found: the same number
        # later means no chain changed, and neither did the kinds.
        seen: list[int] = []
        bounded: list[float | None] = []
        for position, other, common, possible, bound in visited:
            stats.pairs += 1
            # Before this document's first link it is joined to nothing: every kind
            # matters (what chains.needed would say).
            kinds = KINDS if every or not links else chains.needed(slot, position)
            stats.skipped += len(kinds) < len(KINDS)
            # possible: some kind decided on sets may hold (set_possible).
            link = self._on_sets(features, other, common, kinds, every) if possible else None
            if link is not None:
                links[other.id] = link
                chains.join(slot, position, link.kind)
            elif "paraphrase" in kinds and aligning:
                if position in proposed:
                    read = other if isinstance(other, DocFeatures) else self._docs[position]
                    unlinked.append((position, read))
                    seen.append(len(links))
                    bounded.append(bound)
                else:
                    stats.unproposed += 1
        middle = time.perf_counter()
        # The bounds of every pair at once: verify's first test of the alignment
        # (share_bound), then exact_alignment's before it scores runs (run_bounds).
        # The screen found most already (_visited); the others are found here.
        missing = [k for k, bound in enumerate(bounded) if bound is None]
        if missing:
            found = paraphrase_bounds(features, [unlinked[k][1] for k in missing], options)
            for k, bound in zip(missing, found, strict=True):
                bounded[k] = bound
        bounds = [bound for bound in bounded if bound is not None]
        for (position, other), bound, count in zip(unlinked, bounds, seen, strict=True):
            if (
                not every
                and count != len(links)
                and "paraphrase" not in chains.needed(slot, position)
            ):
                stats.skipped += 1
                continue
            stats.alignments += 1
            if bound < options.paraphrase_threshold:
                continue  # verify would return None (below, with the same share bound)
            pairs = candidates.sentence_pairs(position)
            link = verify(
                features,
                other,
                pairs,
                options,
                kinds=("paraphrase",),
                bound=bound,
                sentence_signatures_of=self._sentence_signatures_of,
                estimate=every,
            )
            if link is not None:
                links[other.id] = link
                chains.join(slot, position, link.kind)
        stats.verify_sets += middle - start
        stats.verify_paraphrase += time.perf_counter() - middle
        return links

    def _on_sets(
        self,
        features: DocFeatures,
        other: DocFeatures | Held,
        common: int,
        kinds: tuple[Kind, ...],
        every: bool,  # noqa: FBT001
    ) -> Link | None:
        """The link of *features* with *other* (sharing *common* shingles) of the kinds
        of *kinds* decided on sets: ``verify``'s, with its estimate if *every*, else
        without it (:func:`~ingest.dedup._verify.link_on_sets`: *other* need not be read)."""
        if isinstance(other, Held):  # verify's kinds: those asked among these
            wanted = self.options.kinds.intersection(kinds[:_ON_SETS])
            return link_on_sets(features, other, common, wanted, self.options)
        return verify(
            features,
            other,
            (),
            self.options,
            kinds=kinds[:_ON_SETS],
            common=common,
            signature_of=self._signature_of,
            estimate=every,
        )

    def _visited(
        self,
        features: DocFeatures,
        slots: list[int],
        proposed: set[int],
        *,
        aligning: bool,
        held: bool = False,
    ) -> list[tuple[int, DocFeatures | Held, int, bool, float | None]]:
        """The candidates at *slots* that :meth:`_link` verifies, in order, each with its
        shingle overlap with *features*, whether a kind decided on sets could link it
        (:func:`~ingest.dedup._verify.set_possible`), and its paraphrase bound (None:
        not found yet; ``paraphrase_bounds``).

        With numba (an index in memory then keeps columns; a spilled one maps its
        file), :func:`~ingest.dedup._verify.screen_candidates` finds the three for
        every candidate at once, where the store holds it, and only the candidates
        that some kind could link are read: the pair of two stories that share a
        sentence, most candidates of a large corpus, costs no Python code. A document
        with fewer than ``_SCREEN_FROM`` candidates has them read (the screen's numpy
        calls cost more than a few reads). Their links
        are none whatever the chains say, so the clusters and evidence are those of
        verifying every candidate (docs/dedup.md, "Verification"). With *held*, the
        screen's candidates come as the :class:`~ingest.dedup._verify.Held` numbers
        it read (what the kinds on sets need), not read (a paraphrase reads the few
        it aligns). Else every candidate is read.
        """
        docs, options, stats = self._docs, self.options, self.stats
        if (
            len(slots) < _SCREEN_FROM
            or isinstance(docs, list)
            or (isinstance(docs, FeatureFile) and not kernels_available())
        ):
            # Each candidate read once: with spill=True a read is a cache lookup or a pread.
            read = [(p, other) for p in slots if (other := docs[p]).id != features.id]
            others = [other for _, other in read]
            commons, sized_out = set_overlaps(features, others, options)
            stats.sized_out += sized_out
            settable = set_possible(features, others, commons, options)
            return [
                (position, other, common, possible, None)
                for (position, other), common, possible in zip(
                    read, commons.tolist(), settable, strict=True
                )
            ]
        # features.id is not indexed (_add_batch: a repeat is not linked), so no
        # candidate is features itself.
        positions = np.asarray(slots, dtype=np.int64)
        if not aligning:
            bounded = np.zeros(positions.size, dtype=bool)
        else:
            bounded = np.isin(positions, np.fromiter(proposed, dtype=np.int64))
        distinct = np.frombuffer(self._groups, dtype=np.uint32)[positions]
        spans = docs.spans(positions, distinct)
        screen = screen_candidates(features, spans, options, bounded)
        stats.sized_out += screen.sized_out
        visit = screen.possible | (screen.bounds >= options.paraphrase_threshold)
        # The pairs left out: verified (no kind links them), bounded or not proposed.
        left = ~visit
        stats.pairs += int(np.count_nonzero(left))
        stats.alignments += int(np.count_nonzero(left & bounded))
        if aligning:
            stats.unproposed += int(np.count_nonzero(left & ~bounded))
        commons, possible = screen.commons.tolist(), screen.possible.tolist()
        bounds = screen.bounds.tolist()
        wanted = np.flatnonzero(visit)
        found: list[DocFeatures | Held]
        if held:
            ids = docs.ids
            found = [
                Held(ids[slots[k]], words, key, count)
                for k, words, key, count in zip(
                    wanted.tolist(),
                    spans.words[wanted].tolist(),
                    spans.exact_keys[wanted].tolist(),
                    spans.shingle_counts[wanted].tolist(),
                    strict=True,
                )
            ]
        else:
            found = [docs.get(slots[k]) for k in wanted.tolist()]
        # A pair a kind on sets may link has no bound yet (None): _link finds it if
        # none links it.
        return [
            (slots[k], other, commons[k], possible[k], None if possible[k] else bounds[k])
            for k, other in zip(wanted.tolist(), found, strict=True)
        ]

    def _aligned(
        self, features: DocFeatures, candidates: Candidates, same: list[int]
    ) -> Candidates:
        """*candidates* with only their sentence pairs that align
        (:func:`~ingest.dedup._align.aligning_pairs`): with numba, read where the index
        holds the candidates, by one compiled call; else each candidate is read. (The
        estimates of the evidence still read every pair the sentence LSH proposed.)
        The candidates left without a pair, that neither the document LSH nor the
        exact key (*same*) proposed, are not verified (``IndexStats.unverified``)."""
        pairs = candidates.pairs()
        if not pairs.size or self.options.min_candidate_sentences == 0:
            return candidates  # 0: every candidate, its pairs whatever they are
        # The pairs are sorted by position: each position's place is its run's number.
        first = np.ones(len(pairs), dtype=bool)
        first[1:] = pairs[1:, 0] != pairs[:-1, 0]
        positions = pairs[first, 0]
        rows = pairs.copy()
        rows[:, 0] = np.cumsum(first) - 1
        docs, options = self._docs, self.options
        threshold, window = options.sentence_threshold, options.sentence_window
        if isinstance(docs, list) or not kernels_available():
            kept = aligning_rows(
                features,
                lambda place: docs[positions[place]],
                rows,
                threshold=threshold,
                window=window,
            )
        else:
            distinct = np.frombuffer(self._groups, dtype=np.uint32)[positions]
            kept = aligning_rows_at(
                features,
                docs.spans(positions, distinct),
                rows,
                threshold=threshold,
                window=window,
                first=options.min_candidate_sentences == 1,  # one aligned pair is enough
            )
        # The positions left without a pair (sorted), less those proposed otherwise.
        flagged = np.zeros(positions.size, dtype=bool)
        flagged[rows[kept, 0]] = True
        left = positions[~flagged]
        proposed = candidates.documents().union(same)
        if left.size and proposed:
            wanted = np.fromiter(proposed, dtype=np.int64, count=len(proposed))
            at = np.minimum(np.searchsorted(left, wanted), left.size - 1)
            self.stats.unverified -= int(np.count_nonzero(left[at] == wanted))
        self.stats.unverified += int(left.size)
        return candidates.only(kept)

    def _proposed(
        self, features: DocFeatures, slots: list[int], candidates: Candidates, same: list[int]
    ) -> tuple[list[int], set[int]]:
        """The candidate positions of *slots* (in order) that are verified at all
        (:func:`~ingest.dedup._verify.proposes_pair`), and those proposed for
        ``paraphrase`` (:func:`~ingest.dedup._verify.proposes_paraphrase`), from the
        counts of the sentences their aligning pairs cover (:meth:`_aligned` kept
        those) and of each document's distinct sentences, with numpy: most candidates
        of a large corpus are left out, unread. At 0 and 1 every slot is verified (the
        slots are those the document LSH proposed and those with a pair that aligns),
        found without numpy: most documents of a corpus have few candidates."""
        minimum = self.options.min_candidate_sentences
        if minimum == 0 or features.sentence_groups == 0:
            return slots, set(slots)
        if minimum == 1:
            aligning = set(candidates.pairs()[:, 0].tolist())
            held = self._groups  # a candidate without sentences covers its none
            return slots, {p for p in slots if p in aligning or not held[p]}
        wanted = np.asarray(slots, dtype=np.int64)
        positions, counts = candidates.covered()
        covered = np.zeros_like(wanted)
        if positions.size:
            at = np.minimum(np.searchsorted(positions, wanted), positions.size - 1)
            covered = np.where(positions[at] == wanted, counts[at], 0)
        groups = np.frombuffer(self._groups, dtype=np.uint32)[wanted]
        enough = np.minimum(min(minimum, features.sentence_groups), groups)
        paraphrase = covered >= enough
        documents = np.fromiter(candidates.documents().union(same), dtype=np.int64)
        kept = paraphrase | np.isin(wanted, documents)
        self.stats.unverified += int(kept.size - np.count_nonzero(kept))
        return wanted[kept].tolist(), set(wanted[paraphrase].tolist())

    def _sentence_signatures_of(self, features: DocFeatures) -> npt.NDArray[np.uint32]:
        """*features*' sentence signatures (what the estimate of a ``paraphrase`` link
        needs): its own, or for an indexed document those computed again from its
        stems, kept among the ``_SENTENCE_SIGNATURES_KEPT`` used last (the copies of a
        story link to the same earlier copies again and again)."""
        if len(features.sentence_signatures) == features.sentence_count:
            return features.sentence_signatures
        kept = self._sentence_signatures
        found = kept.pop(features.id, None)
        if found is None:
            found = sentence_signatures(features, self.options)
            if len(kept) >= _SENTENCE_SIGNATURES_KEPT:
                kept.popitem(last=False)
        kept[features.id] = found
        return found

    def _signature_of(self, features: DocFeatures) -> npt.NDArray[np.uint32]:
        """*features*' document signature (what the estimate of a link on shingle sets
        needs): its own, or for an indexed document one computed again from its
        shingles, kept among the ``_SIGNATURES_KEPT`` used last. A wire story's copies
        link to the same earlier copies again and again, each time computing their
        signatures again (about 200 µs each) without these."""
        if features.signature.size:
            return features.signature
        signature = self._signatures.pop(features.id, None)
        if signature is None:
            signature = document_signature(features, self.options)
            if len(self._signatures) >= _SIGNATURES_KEPT:
                self._signatures.popitem(last=False)
        self._signatures[features.id] = signature
        return signature


def _within(batch: _Batch) -> list[Candidates]:
    """The candidates of each document of *batch* among the documents of the batch
    before it, by row in the batch."""
    if len(batch.features) < 2:
        return [Candidates() for _ in batch.features]
    doc_rows, doc_hits = shared_rows(batch.document)
    earlier = (doc_hits < doc_rows) & batch.with_words[doc_hits]
    sentence_rows, hits = shared_rows(batch.sentences)
    before = batch.owner[hits] < batch.owner[sentence_rows]
    theirs = hits[before]
    return _hits(
        batch,
        (doc_rows[earlier], doc_hits[earlier]),
        (sentence_rows[before], batch.owner[theirs], batch.first[theirs]),
    )


#: The oldest generation's threshold while full collections are deferred: never reached.
_DEFERRED: Final = 1 << 30


@contextlib.contextmanager
def full_collections_deferred() -> Iterator[None]:
    """Within, Python's garbage collector collects the young generations as usual but
    does not start a full collection on its own; the thresholds are restored after.

    An index holds a few container objects per document (its features, its links),
    and they live as long as the index. CPython starts a full collection whenever
    the objects promoted to the oldest generation since the last one reach a quarter
    of it, and a batch's documents and features live long enough to be promoted: a
    full collection every few hundred documents, each one walking every object of
    the index, so the time in the collector grew with the square of the documents
    (docs/log/one-process.md: a quarter of the time at a million documents). Deferred, the
    cyclic garbage that reaches the oldest generation meanwhile waits for the next
    full collection after the block (a batch's garbage is freed by reference counts).
    Nested blocks keep the outer block's thresholds.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, _DEFERRED)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


def find_duplicates(
    docs: Iterable[Document], options: DedupOptions | None = None, *, spill: bool = False
) -> list[Cluster]:
    """The duplicate clusters of *docs* (singletons included), as :meth:`DuplicateIndex.clusters`.

    Inputs with the same id and text (the same name and text, read twice) are
    one document: they make one member. One id with two different texts
    raises :class:`ingest.IdConflictError`. ``spill=True`` keeps the documents'
    arrays in a temporary file, as :class:`DuplicateIndex` does with it.

    >>> from ingest import Document
    >>> text = "Officials said on Monday that the talks had stalled again. " * 4
    >>> clusters = find_duplicates([Document("a", text), Document("b", "An unrelated note.")])
    >>> [len(c.members) for c in clusters]
    [1, 1]
    """
    with DuplicateIndex(options, spill=spill) as index:
        index.extend(docs)
        return index.clusters()
