"""Documents to the features that de-duplication compares.

The stage between the text stages (:mod:`ingest.core._text`, :mod:`ingest.dedup._shingle`,
:mod:`ingest.dedup._signature`) and the index (:mod:`ingest.dedup._index`): for each
document, the keys, sets and signatures of every kind of duplicate. The
computation is pure and batched: :func:`compute_features` signs all the
documents of a batch (and all their sentences) in one vectorised pass each.

>>> from ingest import Document
>>> text = "Officials in Beijing reviewed the TikTok deal on Monday."
>>> [f] = compute_features([Document("a", text)], DedupOptions())
>>> f.words, f.shingles.size, sorted(len(s) for s in f.sentences)
(9, 5, [6])
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt
import xxhash

from ..core import (
    UNDETERMINED,
    Document,
    document_languages,
    marked_stream,
    word_stream,
)
from ._options import DedupOptions, compares_sentences
from ._shingle import (
    Hashes,
    flat_sets,
    hash_streams,
    shingle_hashes,
    split_sets,
    token_keys,
    tokens_of,
)
from ._signature import Permutations, Signatures, signatures_flat
from ._terms import Sizes, sentence_hashes

__all__ = [
    "MIN_SENTENCE_STEMS",
    "NO_SIGNATURE",
    "DocFeatures",
    "Sizes",
    "compute_features",
    "document_signature",
    "document_signatures",
    "no_sentence_signatures",
    "permutations",
    "restore_sentence_signatures",
    "sentence_signatures",
    "text_key",
    "with_signature",
    "with_signatures",
    "without_signatures",
]

#: Sentences with fewer distinct content stems than this do not take part in
#: alignment: two stems in common say nothing about a sentence.
MIN_SENTENCE_STEMS = 2


@attrs.frozen(eq=False)
class DocFeatures:
    """What the index keeps of one document.

    Sentences are kept flat (one array of stem hashes and one of sizes),
    not as one array or set per sentence: a few bytes per stem, which is what
    lets a worker hold a million documents' features.

    Attributes:
        id: The document's id.
        name: The document's name.
        text_key: xxh3-64 of the raw text: tells a repeated input from an id clash.
        exact_key: xxh3-64 of the hashes of the normalised words, in order:
            equal for ``exact`` duplicates.
        words: The number of words (how complete the text is).
        shingles: The sorted set of word-shingle hashes.
        signature: The MinHash signature of ``shingles``.
        sentence_values: Per aligned sentence, the sorted set of its content-stem
            hashes, concatenated.
        sentence_sizes: The number of stems of each aligned sentence.
        sentence_signatures: Their MinHash signatures, one row per sentence.
        language: The document's language (ISO 639 code, ``und`` when not
            known): its ``meta["language"]``, else identified from its text.
            It chooses the stop words and the stemmer of its content terms.
    """

    id: str
    name: str
    text_key: int
    exact_key: int
    words: int
    shingles: Hashes
    signature: Signatures
    sentence_values: Hashes
    sentence_sizes: Sizes
    sentence_signatures: Signatures
    language: str = UNDETERMINED

    @property
    def nbytes(self) -> int:
        """The bytes of the arrays an index keeps of it: shingles, stems, sentence sizes."""
        return int(self.shingles.nbytes + self.sentence_values.nbytes + self.sentence_sizes.nbytes)

    @property
    def shingle_count(self) -> int:
        """The number of shingles (what the kinds decided on sets read of their sizes)."""
        return int(self.shingles.size)

    @property
    def sentence_count(self) -> int:
        """The number of aligned sentences."""
        return int(self.sentence_sizes.size)

    @property
    def sentence_hashes(self) -> tuple[Hashes, ...]:
        """Each sentence's sorted stem set, as views into ``sentence_values``."""
        if not self.sentence_sizes.size:
            return ()
        return tuple(np.split(self.sentence_values, np.cumsum(self.sentence_sizes)[:-1]))

    @property
    def sentences(self) -> tuple[frozenset[int], ...]:
        """The sentences' stem sets as frozensets (for inspection; made on every call)."""
        return tuple(frozenset(s.tolist()) for s in self.sentence_hashes)

    @functools.cached_property
    def sentence_group_of(self) -> npt.NDArray[np.intp]:
        """For each sentence, the number of its group: equal stem sets share a group,
        numbered in first-seen order.

        Alignment works on the groups, so a text that repeats one sentence
        20,000 times costs one comparison, not 20,000 squared.
        """
        groups: dict[bytes, int] = {}
        data = self.sentence_values.tobytes()
        width = self.sentence_values.itemsize
        first = 0
        group_of = np.empty(self.sentence_sizes.size, dtype=np.intp)
        for i, size in enumerate(self.sentence_sizes.tolist()):
            last = first + size * width
            group_of[i] = groups.setdefault(data[first:last], len(groups))
            first = last
        return group_of

    @functools.cached_property
    def sentence_groups(self) -> int:
        """The number of distinct sentences (groups of :attr:`sentence_group_of`)."""
        group_of = self.sentence_group_of
        return int(group_of.max()) + 1 if group_of.size else 0

    @property
    def sentence_repeated(self) -> bool:
        """Whether a sentence repeats another (then the groups are fewer than the
        sentences). Groups are numbered in first-seen order, so without a repeat the
        last sentence's group is the last number; with one, every group is below it."""
        group_of = self.sentence_group_of
        return bool(group_of.size) and int(group_of[-1]) != group_of.size - 1

    @property
    def sentence_firsts(self) -> npt.NDArray[np.intp]:
        """The first sentence of each group, by group number."""
        group_of = self.sentence_group_of
        if not self.sentence_repeated:
            return np.arange(group_of.size, dtype=np.intp)
        firsts = np.full(self.sentence_groups, -1, dtype=np.intp)
        # Assigning in reverse leaves the earliest index of each group.
        firsts[group_of[::-1]] = np.arange(group_of.size - 1, -1, -1, dtype=np.intp)
        return firsts


def text_key(text: str) -> int:
    """xxh3-64 of *text* as UTF-8."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def permutations(options: DedupOptions) -> tuple[Permutations, Permutations]:
    """The permutations of document signatures and of sentence signatures."""
    return (
        _permutations(options.num_perm, options.seed),
        _permutations(options.sentence_num_perm, options.seed),
    )


#: Documents hashed and signed per vectorised batch (bounds the memory of a batch).
_BATCH = 256


def compute_features(
    docs: Sequence[Document], options: DedupOptions, *, signed: bool = True
) -> list[DocFeatures]:
    """The features of each of *docs*, in order.

    ``signed=False`` leaves the signatures out (an empty document signature, no
    sentence signatures kept): for a :class:`~ingest.dedup._feature_table.FeatureTable`,
    which does not keep them.
    """
    if len(docs) > _BATCH:
        return [
            features
            for start in range(0, len(docs), _BATCH)
            for features in compute_features(docs[start : start + _BATCH], options, signed=signed)
        ]
    doc_perms, sentence_perms = permutations(options)
    # Sentences: sets of content-term hashes, kept when they have enough terms; none
    # (and no language) when no kind asked for compares sentences.
    compared = compares_sentences(options)
    languages = document_languages(docs) if compared else [UNDETERMINED] * len(docs)
    marked = [marked_stream(doc.text) for doc in docs] if compared else [None] * len(docs)
    tokens = tokens_of(
        [word_stream(doc.text) if m is None else m for doc, m in zip(docs, marked, strict=True)]
    )
    keys = token_keys(tokens)
    hashes, words = (keys >> np.uint64(32)).astype(np.uint32), tokens.counts
    stem_hashes, stem_counts = np.empty(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    per_doc = [0] * len(docs)
    if compared:
        is_word, stem_hashes, stem_counts, per_doc = sentence_hashes(
            docs, languages, marked, tokens, keys
        )
        # The marks are tokens of the streams, not words.
        kept = np.concatenate(([0], np.cumsum(is_word)))[np.cumsum(words)]
        hashes, words = hashes[is_word], np.diff(kept, prepend=0)
    values, counts = shingle_hashes(hashes, words, options.shingle_size)
    doc_signatures = (
        signatures_flat(values, counts, doc_perms)
        if signed
        else np.empty((len(docs), 0), dtype=np.uint32)
    )
    shingle_sets = split_sets(values, counts)
    set_values, set_sizes = flat_sets(stem_hashes, stem_counts)
    kept = set_sizes >= MIN_SENTENCE_STEMS
    sentence_values = set_values[np.repeat(kept, set_sizes)]
    sentence_sizes = set_sizes[kept]
    sentence_signatures = (
        signatures_flat(sentence_values, sentence_sizes, sentence_perms)
        if signed
        else np.empty((0, sentence_perms.num_perm), dtype=np.uint32)  # none kept, as an index
    )
    owner = np.repeat(np.arange(len(docs)), per_doc)
    per_doc_kept = np.bincount(owner[kept], minlength=len(docs)).tolist()
    result = []
    first = value_first = 0
    token_sets = np.split(hashes, np.cumsum(words)[:-1]) if docs else []
    for doc, language, doc_hashes, n_words, shingle_set, sig, count in zip(
        docs,
        languages,
        token_sets,
        words.tolist(),
        shingle_sets,
        doc_signatures,
        per_doc_kept,
        strict=True,
    ):
        sizes = sentence_sizes[first : first + count]
        value_last = value_first + int(sizes.sum())
        result.append(
            DocFeatures(
                id=doc.id,
                name=doc.name,
                text_key=text_key(doc.text),
                exact_key=xxhash.xxh3_64_intdigest(doc_hashes.astype("<u4").tobytes()),
                words=n_words,
                shingles=shingle_set,
                signature=sig,
                sentence_values=sentence_values[value_first:value_last],
                sentence_sizes=sizes,
                sentence_signatures=sentence_signatures[first : first + count],
                language=language,
            )
        )
        first += count
        value_first = value_last
    return result


@functools.lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> Permutations:
    """Drawn once per ``(num_perm, seed)``: drawing costs more than signing a short
    text, and the arrays are read-only, so sharing them is safe."""
    return Permutations.create(num_perm, seed)


def without_signatures(features: DocFeatures) -> DocFeatures:
    """*features* without its signatures: none for the document (0 values), none for
    its sentences (0 rows).

    What an index keeps once it has made a document's band keys: the
    signatures are a function of the shingle set and of the sentence stem sets,
    and only the evidence of a verified link needs them again
    (:func:`document_signature` and :func:`sentence_signatures` compute them again).
    """
    return attrs.evolve(
        features,
        signature=NO_SIGNATURE,
        sentence_signatures=no_sentence_signatures(features.sentence_signatures.shape[1]),
    )


#: The signature an index keeps (none): one array shared by every document.
NO_SIGNATURE: Final = np.empty(0, dtype=np.uint32)
NO_SIGNATURE.flags.writeable = False


@functools.lru_cache(maxsize=8)
def no_sentence_signatures(width: int) -> Signatures:
    """No sentence signatures of *width* values: one read-only array per width."""
    none = np.empty((0, width), dtype=np.uint32)
    none.flags.writeable = False
    return none


def document_signature(features: DocFeatures, options: DedupOptions) -> Signatures:
    """*features*' document signature: the one kept, or the same one computed again
    from its shingle set (an index keeps none: :func:`without_signatures`)."""
    if features.signature.size:
        return features.signature
    perms = _permutations(options.num_perm, options.seed)
    counts = np.array([features.shingles.size], dtype=np.int64)
    signature: Signatures = signatures_flat(features.shingles, counts, perms)[0]
    return signature


def with_signature(docs: Sequence[DocFeatures], options: DedupOptions) -> list[DocFeatures]:
    """*docs* with their document signatures, computed in one pass for those without
    (what :func:`without_signatures` left out)."""
    unsigned = [f for f in docs if not f.signature.size]
    if not unsigned:
        return list(docs)
    perms = _permutations(options.num_perm, options.seed)
    counts = np.fromiter((f.shingles.size for f in unsigned), np.int64, len(unsigned))
    values = np.concatenate([f.shingles for f in unsigned])
    signed = dict(zip(map(id, unsigned), signatures_flat(values, counts, perms), strict=True))
    return [attrs.evolve(f, signature=signed[id(f)]) if id(f) in signed else f for f in docs]


def with_signatures(docs: Sequence[DocFeatures], options: DedupOptions) -> list[DocFeatures]:
    """*docs* with their document and sentence signatures, computed in one pass for
    those without (what :func:`without_signatures` left out)."""
    return restore_sentence_signatures(with_signature(docs, options), options)


def sentence_signatures(features: DocFeatures, options: DedupOptions) -> Signatures:
    """*features*' sentence signatures: those kept, or the same ones computed again."""
    return restore_sentence_signatures([features], options)[0].sentence_signatures


def restore_sentence_signatures(
    docs: Sequence[DocFeatures], options: DedupOptions
) -> list[DocFeatures]:
    """*docs* with their sentence signatures, computed in one pass for those without."""
    missing = [f for f in docs if len(f.sentence_signatures) != f.sentence_count]
    if not missing:
        return list(docs)
    perms = _permutations(options.sentence_num_perm, options.seed)
    values = np.concatenate([f.sentence_values for f in missing])
    sizes = np.concatenate([f.sentence_sizes for f in missing])
    sigs = signatures_flat(values, sizes.astype(np.int64), perms)
    bounds = np.cumsum([f.sentence_count for f in missing])[:-1]
    restored = {
        id(f): attrs.evolve(f, sentence_signatures=rows)
        for f, rows in zip(missing, np.split(sigs, bounds), strict=True)
    }
    return [restored.get(id(f), f) for f in docs]


def document_signatures(texts: Sequence[str], options: DedupOptions) -> Signatures:
    """Texts to document signatures, nothing else: the path ``minhash_speed.py`` times.

    The same tokens, shingles and signatures as :func:`compute_features`, in
    batches of ``_BATCH`` texts.
    """
    perms = _permutations(options.num_perm, options.seed)
    parts = []
    for start in range(0, len(texts), _BATCH):
        hashes, words = hash_streams([word_stream(t) for t in texts[start : start + _BATCH]])
        values, counts = shingle_hashes(hashes, words, options.shingle_size)
        parts.append(signatures_flat(values, counts, perms))
    if not parts:
        return np.empty((0, options.num_perm), dtype=np.uint32)
    return np.concatenate(parts)
