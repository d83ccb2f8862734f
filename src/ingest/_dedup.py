"""The duplicate index: candidates through LSH, verified pairs, clusters.

The last stage of de-duplication. A :class:`DuplicateIndex` holds the
features of the documents added to it (:mod:`ingest._dedup_features`) and two
datasketch ``MinHashLSH`` indexes that propose candidates:

* the **document LSH** over word-shingle signatures, at ``near_threshold``;
* the **sentence LSH** over the signatures of each sentence's stemmed content
  words, at ``sentence_threshold``. Two documents with a candidate sentence
  pair are candidates for ``containment`` (a truncated copy shares whole
  sentences) and ``paraphrase`` (a reworded copy shares aligned ones).

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

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs
from datasketch import MinHashLSH

from ._dedup_features import DocFeatures, compute_features, permutations
from ._dedup_file import read_index, write_index
from ._dedup_options import KINDS, Cluster, DedupOptions, Direction, Evidence, Kind, Member
from ._document import Document
from ._errors import IdConflictError, OptionsError
from ._shingle import jaccard, overlap
from ._signature import estimate_jaccard, lsh_params, to_minhash

__all__ = ["DuplicateIndex", "find_duplicates"]

#: Sentence keys in the sentence LSH: ``slot << _SENTENCE_BITS | sentence``.
_SENTENCE_BITS: Final = 20
_MAX_SENTENCES: Final = 1 << _SENTENCE_BITS


@attrs.frozen
class _Link:
    """A verified pair, stored once for both documents."""

    kind: Kind
    estimated: float
    exact: float
    contained: str = ""  # for containment: the id of the document inside the other

    def evidence(self, this: str, other: str) -> Evidence:
        direction: Direction = ""
        if self.contained:
            direction = "subset" if self.contained == this else "superset"
        return Evidence(self.kind, other, self.estimated, self.exact, direction)


def _lsh(threshold: float, num_perm: int) -> MinHashLSH:
    """An in-memory ``MinHashLSH`` (band keys as :func:`ingest._signature.band_keys`)."""
    return MinHashLSH(
        threshold=threshold, num_perm=num_perm, params=lsh_params(threshold, num_perm)
    )


def _rank(link: _Link) -> tuple[int, float]:
    """Sort key: strongest kind first, then the highest exact score."""
    return KINDS.index(link.kind), -link.exact


def _containment(
    a: DocFeatures, b: DocFeatures, options: DedupOptions
) -> tuple[float, float, str] | None:
    small, large = sorted((a, b), key=lambda f: (f.shingles.size, f.id))
    if small.shingles.size == 0:
        return None
    exact = overlap(small.shingles, large.shingles) / small.shingles.size
    if exact < options.containment_threshold:
        return None
    # |A n B| = J (|A| + |B|) / (1 + J), divided by |small|.
    est_j = estimate_jaccard(a.signature, b.signature)
    total = small.shingles.size + large.shingles.size
    estimated = min(1.0, est_j * total / ((1 + est_j) * small.shingles.size))
    return estimated, exact, small.id


def _aligned_share(
    a_groups: set[int], b_groups: set[int], a: DocFeatures, b: DocFeatures, minimum: int
) -> float:
    """The share of aligned sentences of the document with fewer sentences.

    *a_groups* and *b_groups* are the aligned sentence groups (see
    :attr:`DocFeatures.sentence_groups`); every copy of an aligned sentence counts.
    """
    aligned_a = sum(len(a.sentence_groups[g][1]) for g in a_groups)
    aligned_b = sum(len(b.sentence_groups[g][1]) for g in b_groups)
    if min(aligned_a, aligned_b) < minimum:
        return 0.0
    count_a, count_b = len(a.sentence_hashes), len(b.sentence_hashes)
    share_a, share_b = aligned_a / count_a, aligned_b / count_b
    if count_a == count_b:
        return max(share_a, share_b)
    return share_a if count_a < count_b else share_b


def _similar(left: frozenset[int], right: frozenset[int], threshold: float) -> bool:
    """Whether the Jaccard similarity of two stem sets is at least *threshold*."""
    common = len(left & right)
    return common > 0 and common / (len(left) + len(right) - common) >= threshold


def _runs(features: DocFeatures, window: int) -> dict[tuple[int, ...], frozenset[int]]:
    """The distinct runs of 2 to *window* adjacent sentences, as sentence groups, with their
    merged stem sets (a run that repeats a sentence adds nothing to it and is left out)."""
    order = features.sentence_group_of
    runs: dict[tuple[int, ...], frozenset[int]] = {}
    for size in range(2, window + 1):
        for start in range(len(order) - size + 1):
            run = order[start : start + size]
            if run not in runs and len(set(run)) == size:
                runs[run] = frozenset().union(*(features.sentence_groups[g][0] for g in run))
    return runs


def _merged_alignment(
    x: DocFeatures, y: DocFeatures, threshold: float, window: int
) -> tuple[set[int], set[int]]:
    """The groups of *x* and *y* aligned through a run of *x*'s sentences (see
    :attr:`DedupOptions.sentence_window`): the run's merged stems are similar to
    one sentence of *y*, and each sentence of the run shares a stem with it."""
    x_aligned: set[int] = set()
    y_aligned: set[int] = set()
    runs = _runs(x, window)
    if not runs:
        return x_aligned, y_aligned
    # Which sentences of y hold each stem: a run is only compared with the
    # sentences that share a stem with every one of its parts.
    holders: defaultdict[int, set[int]] = defaultdict(set)
    for j, (right, _) in enumerate(y.sentence_groups):
        for stem in right:
            holders[stem].add(j)
    for run, merged in runs.items():
        parts = (x.sentence_groups[g][0] for g in run)
        found = set.intersection(*(set().union(*(holders[s] for s in p)) for p in parts))
        for j in found:
            if _similar(merged, y.sentence_groups[j][0], threshold):
                x_aligned.update(run)
                y_aligned.add(j)
    return x_aligned, y_aligned


def _estimated_runs(
    x: DocFeatures, y: DocFeatures, pairs: Iterable[tuple[int, int]], options: DedupOptions
) -> tuple[set[int], set[int]]:
    """The estimate of :func:`_merged_alignment` over the runs of *x* through the
    candidate sentence pairs ``(i in x, j in y)``: a run's signature is the
    element-wise minimum of its sentences' signatures (the signature of the union),
    and a part shares a stem when its estimated Jaccard with the sentence is not 0."""
    x_aligned: set[int] = set()
    y_aligned: set[int] = set()
    size_x = len(x.sentence_hashes)
    for i, j in pairs:
        for size in range(2, options.sentence_window + 1):
            for start in range(max(0, i - size + 1), min(i, size_x - size) + 1):
                run = x.sentence_group_of[start : start + size]
                if len(set(run)) < size:
                    continue
                rows = x.sentence_signatures[start : start + size]
                target = y.sentence_signatures[j]
                if any(estimate_jaccard(row, target) == 0 for row in rows):
                    continue
                if estimate_jaccard(rows.min(axis=0), target) >= options.sentence_threshold:
                    x_aligned.update(run)
                    y_aligned.add(y.sentence_group_of[j])
    return x_aligned, y_aligned


def _paraphrase(
    a: DocFeatures, b: DocFeatures, candidates: Iterable[tuple[int, int]], options: DedupOptions
) -> tuple[float, float] | None:
    threshold, window = options.sentence_threshold, options.sentence_window
    a_exact: set[int] = set()
    b_exact: set[int] = set()
    for i, (left, _) in enumerate(a.sentence_groups):
        for j, (right, _) in enumerate(b.sentence_groups):
            if _similar(left, right, threshold):
                a_exact.add(i)
                b_exact.add(j)
    if window > 1:
        a_runs, b_found = _merged_alignment(a, b, threshold, window)
        b_runs, a_found = _merged_alignment(b, a, threshold, window)
        a_exact |= a_runs | a_found
        b_exact |= b_runs | b_found
    exact = _aligned_share(a_exact, b_exact, a, b, options.min_aligned_sentences)
    if exact < options.paraphrase_threshold:
        return None
    a_est: set[int] = set()
    b_est: set[int] = set()
    candidates = list(candidates)
    group_pairs = {(a.sentence_group_of[i], b.sentence_group_of[j]) for i, j in candidates}
    for ga, gb in group_pairs:
        i, j = a.sentence_groups[ga][1][0], b.sentence_groups[gb][1][0]
        if estimate_jaccard(a.sentence_signatures[i], b.sentence_signatures[j]) >= threshold:
            a_est.add(ga)
            b_est.add(gb)
    if window > 1:
        a_runs, b_found = _estimated_runs(a, b, candidates, options)
        b_runs, a_found = _estimated_runs(b, a, [(j, i) for i, j in candidates], options)
        a_est |= a_runs | a_found
        b_est |= b_runs | b_found
    return _aligned_share(a_est, b_est, a, b, options.min_aligned_sentences), exact


def verify(
    a: DocFeatures,
    b: DocFeatures,
    sentence_pairs: Iterable[tuple[int, int]],
    options: DedupOptions,
) -> _Link | None:
    """The strongest kind of duplicate that *a* and *b* are, verified on exact sets.

    *sentence_pairs* are the candidate aligned sentences ``(i in a, j in b)``
    that the sentence LSH proposed; they feed the estimated paraphrase score.
    """
    kinds = options.kinds
    if a.words == 0 or b.words == 0:
        return None
    if "exact" in kinds and a.exact_key == b.exact_key:
        return _Link("exact", 1.0, 1.0)
    if "near" in kinds:
        exact = jaccard(a.shingles, b.shingles)
        if exact >= options.near_threshold:
            return _Link("near", estimate_jaccard(a.signature, b.signature), exact)
    if "containment" in kinds:
        found = _containment(a, b, options)
        if found is not None:
            return _Link("containment", found[0], found[1], found[2])
    if "paraphrase" in kinds and a.sentence_hashes and b.sentence_hashes:
        aligned = _paraphrase(a, b, sentence_pairs, options)
        if aligned is not None:
            return _Link("paraphrase", aligned[0], aligned[1])
    return None


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
    """

    def __init__(self, options: DedupOptions | None = None) -> None:
        if options is not None and not isinstance(options, DedupOptions):
            raise OptionsError(
                f"DuplicateIndex takes a DedupOptions, got {type(options).__name__}; "
                "build one with ingest.DedupOptions(...)"
            )
        self.options = options if options is not None else DedupOptions()
        self._perms, self._sentence_perms = permutations(self.options)
        self._docs: list[DocFeatures] = []
        self._slots: dict[str, int] = {}
        self._exact: defaultdict[int, list[int]] = defaultdict(list)
        self._links: dict[tuple[str, str], _Link] = {}
        self._doc_lsh = _lsh(self.options.near_threshold, self.options.num_perm)
        self._sentence_lsh = _lsh(self.options.sentence_threshold, self.options.sentence_num_perm)

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slots

    def add(self, doc: Document) -> list[Evidence]:
        """Add *doc*; return its verified matches among the documents indexed before."""
        return self._add(compute_features([doc], self.options)[0])

    def extend(self, docs: Iterable[Document]) -> None:
        """Add many documents, signing them in one vectorised batch."""
        for features in compute_features(list(docs), self.options):
            self._add(features)

    def query(self, doc: Document) -> list[Evidence]:
        """The verified matches of *doc* in the index, strongest first; the index is unchanged.

        A document that is itself in the index is not reported as its own match.
        """
        features = compute_features([doc], self.options)[0]
        return _ordered(features.id, self._match(features))

    def clusters(self) -> list[Cluster]:
        """Every document's cluster, singletons included, largest first, then by id."""
        parent = {doc.id: doc.id for doc in self._docs}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        neighbours: defaultdict[str, list[tuple[str, _Link]]] = defaultdict(list)
        for (a, b), link in self._links.items():
            neighbours[a].append((b, link))
            neighbours[b].append((a, link))
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        groups: defaultdict[str, list[DocFeatures]] = defaultdict(list)
        for doc in self._docs:
            groups[find(doc.id)].append(doc)
        result = [_cluster(group, neighbours) for group in groups.values()]
        result.sort(key=lambda c: (-len(c.members), c.id))
        return result

    def save(self, path: str | Path) -> None:
        """Write the index to *path* (a NumPy ``.npz`` archive with a JSON header, no pickle)."""
        write_index(Path(path), self.options, self._docs)

    @classmethod
    def load(cls, path: str | Path) -> DuplicateIndex:
        """Read an index that :meth:`save` wrote; raises :class:`ingest.IndexFileError`."""
        options, docs = read_index(Path(path))
        index = cls(options)
        for features in docs:
            index._add(features)
        return index

    # -- internals ---------------------------------------------------------------

    def _add(self, features: DocFeatures) -> list[Evidence]:
        slot = self._slots.get(features.id)
        if slot is not None:
            known = self._docs[slot]
            if known.text_key != features.text_key:
                raise IdConflictError(
                    f"document {features.name!r} has id {features.id!r}, which the index "
                    f"already holds for {known.name!r} with a different text; give the "
                    "documents distinct ids (or leave ids to be derived from name and text)"
                )
            return _ordered(features.id, self._match(features))
        if len(features.sentence_hashes) >= _MAX_SENTENCES:
            features = attrs.evolve(
                features,
                sentence_hashes=features.sentence_hashes[: _MAX_SENTENCES - 1],
                sentence_signatures=features.sentence_signatures[: _MAX_SENTENCES - 1],
            )
        links = self._match(features)
        slot = len(self._docs)
        self._docs.append(features)
        self._slots[features.id] = slot
        for other, link in links.items():
            self._links[min(features.id, other), max(features.id, other)] = link
        if features.words:
            self._exact[features.exact_key].append(slot)
            self._doc_lsh.insert(slot, to_minhash(features.signature, self._perms))
        for _, (first, *_copies) in features.sentence_groups:
            key = slot << _SENTENCE_BITS | first
            sig = features.sentence_signatures[first]
            self._sentence_lsh.insert(key, to_minhash(sig, self._sentence_perms))
        return _ordered(features.id, links)

    def _match(self, features: DocFeatures) -> dict[str, _Link]:
        """The verified links of *features* to indexed documents, by their id."""
        if features.words == 0:
            return {}
        candidates: set[int] = set(self._exact.get(features.exact_key, ()))
        if self._docs:
            candidates.update(self._doc_lsh.query(to_minhash(features.signature, self._perms)))
        sentence_pairs: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        # One query per distinct sentence; the index holds one key per distinct sentence.
        for _, (i, *_copies) in features.sentence_groups:
            sig = features.sentence_signatures[i]
            for key in self._sentence_lsh.query(to_minhash(sig, self._sentence_perms)):
                sentence_pairs[key >> _SENTENCE_BITS].append((i, key & (_MAX_SENTENCES - 1)))
        candidates.update(sentence_pairs)
        links = {}
        for slot in sorted(candidates):
            other = self._docs[slot]
            if other.id == features.id:
                continue
            link = verify(features, other, sentence_pairs.get(slot, ()), self.options)
            if link is not None:
                links[other.id] = link
        return links


def _cluster(
    group: Sequence[DocFeatures], neighbours: dict[str, list[tuple[str, _Link]]]
) -> Cluster:
    """The cluster of *group*, a connected component of the verified links."""
    representative = min(group, key=lambda f: (-f.words, f.id))
    names = {f.id: f.name for f in group}
    # Prim's algorithm from the representative: each member's evidence is its
    # strongest link to a member reached before it.
    evidence: dict[str, Evidence | None] = {representative.id: None}
    heap = [
        (_rank(link), other, representative.id, link)
        for other, link in neighbours.get(representative.id, ())
    ]
    heapq.heapify(heap)
    while heap:
        _, member, via, link = heapq.heappop(heap)
        if member in evidence:
            continue
        evidence[member] = link.evidence(member, via)
        for other, next_link in neighbours.get(member, ()):
            if other not in evidence:
                heapq.heappush(heap, (_rank(next_link), other, member, next_link))
    ordered = [representative.id, *sorted(set(names) - {representative.id})]
    members = tuple(Member(i, names[i], evidence[i]) for i in ordered)
    return Cluster(representative.id, representative.id, members)


def _ordered(this: str, links: dict[str, _Link]) -> list[Evidence]:
    ordered = sorted(links.items(), key=lambda item: (_rank(item[1]), item[0]))
    return [link.evidence(this, other) for other, link in ordered]


def find_duplicates(docs: Iterable[Document], options: DedupOptions | None = None) -> list[Cluster]:
    """The duplicate clusters of *docs* (singletons included), as :meth:`DuplicateIndex.clusters`.

    Inputs with the same id and text (the same name and text, read twice) are
    one document: they make one member. One id with two different texts
    raises :class:`ingest.IdConflictError`.

    >>> from ingest import Document
    >>> text = "Officials said on Monday that the talks had stalled again. " * 4
    >>> clusters = find_duplicates([Document("a", text), Document("b", "An unrelated note.")])
    >>> [len(c.members) for c in clusters]
    [1, 1]
    """
    index = DuplicateIndex(options)
    index.extend(docs)
    return index.clusters()
