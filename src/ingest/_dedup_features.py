"""Documents to the features that de-duplication compares.

The stage between the text stages (:mod:`ingest._text`, :mod:`ingest._shingle`,
:mod:`ingest._signature`) and the index (:mod:`ingest._dedup`): for each
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

import attrs
import numpy as np
import xxhash

from ._dedup_options import DedupOptions
from ._document import Document
from ._shingle import Hashes, hash_streams, shingle_hashes, split_sets
from ._signature import Permutations, Signatures, signatures, signatures_flat
from ._text import content_stems, sentences, word_stream

__all__ = [
    "MIN_SENTENCE_STEMS",
    "DocFeatures",
    "compute_features",
    "document_signatures",
    "permutations",
    "text_key",
]

#: Sentences with fewer distinct content stems than this do not take part in
#: alignment: two stems in common say nothing about a sentence.
MIN_SENTENCE_STEMS = 2


@attrs.frozen(eq=False)
class DocFeatures:
    """What the index keeps of one document.

    Attributes:
        id: The document's id.
        name: The document's name.
        text_key: xxh3-64 of the raw text: tells a repeated input from an id clash.
        exact_key: xxh3-64 of the hashes of the normalised words, in order:
            equal for ``exact`` duplicates.
        words: The number of words (how complete the text is).
        shingles: The sorted set of word-shingle hashes.
        signature: The MinHash signature of ``shingles``.
        sentence_hashes: Per aligned sentence, the sorted set of its content-stem hashes.
        sentence_signatures: Their MinHash signatures, one row per sentence.
    """

    id: str
    name: str
    text_key: int
    exact_key: int
    words: int
    shingles: Hashes
    signature: Signatures
    sentence_hashes: tuple[Hashes, ...]
    sentence_signatures: Signatures

    @functools.cached_property
    def sentences(self) -> tuple[frozenset[int], ...]:
        """``sentence_hashes`` as frozensets, for exact alignment (made when first used)."""
        return tuple(frozenset(s.tolist()) for s in self.sentence_hashes)

    @functools.cached_property
    def sentence_groups(self) -> tuple[tuple[frozenset[int], tuple[int, ...]], ...]:
        """The distinct sentences, each with the indices of its copies, in first-seen order.

        Alignment works on these, so a text that repeats one sentence 20,000
        times costs one comparison, not 20,000 squared.
        """
        groups: dict[frozenset[int], list[int]] = {}
        for i, sentence in enumerate(self.sentences):
            groups.setdefault(sentence, []).append(i)
        return tuple((sentence, tuple(indices)) for sentence, indices in groups.items())

    @functools.cached_property
    def sentence_group_of(self) -> tuple[int, ...]:
        """For each sentence, the number of its group in :attr:`sentence_groups`."""
        group_of = [0] * len(self.sentence_hashes)
        for number, (_, indices) in enumerate(self.sentence_groups):
            for i in indices:
                group_of[i] = number
        return tuple(group_of)


def text_key(text: str) -> int:
    """xxh3-64 of *text* as UTF-8."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def permutations(options: DedupOptions) -> tuple[Permutations, Permutations]:
    """The permutations of document signatures and of sentence signatures."""
    return (
        Permutations.create(options.num_perm, options.seed),
        Permutations.create(options.sentence_num_perm, options.seed),
    )


#: Documents hashed and signed per vectorised batch (bounds the memory of a batch).
_BATCH = 256


def compute_features(docs: Sequence[Document], options: DedupOptions) -> list[DocFeatures]:
    """The features of each of *docs*, in order."""
    if len(docs) > _BATCH:
        return [
            features
            for start in range(0, len(docs), _BATCH)
            for features in compute_features(docs[start : start + _BATCH], options)
        ]
    doc_perms, sentence_perms = permutations(options)
    streams = [word_stream(doc.text) for doc in docs]
    hashes, words = hash_streams(streams)
    values, counts = shingle_hashes(hashes, words, options.shingle_size)
    doc_signatures = signatures_flat(values, counts, doc_perms)
    shingle_sets = split_sets(values, counts)
    # Sentences: sets of content-stem hashes, kept when they have enough stems.
    per_doc = [sentences(doc.text) for doc in docs]
    stems = [content_stems(sentence) for doc in per_doc for sentence in doc]
    stem_hashes, stem_counts = hash_streams([" ".join(group).encode() for group in stems])
    all_sets = split_sets(stem_hashes, stem_counts)
    sentence_sets: list[list[Hashes]] = []
    first = 0
    for doc_sentences in per_doc:
        sets = all_sets[first : first + len(doc_sentences)]
        sentence_sets.append([s for s in sets if s.size >= MIN_SENTENCE_STEMS])
        first += len(doc_sentences)
    flat = [s for sets in sentence_sets for s in sets]
    sentence_signatures = signatures(flat, sentence_perms)
    result = []
    first = 0
    token_sets = np.split(hashes, np.cumsum(words)[:-1]) if docs else []
    for doc, token_hashes, n_words, shingle_set, sig, sets in zip(
        docs, token_sets, words.tolist(), shingle_sets, doc_signatures, sentence_sets, strict=True
    ):
        result.append(
            DocFeatures(
                id=doc.id,
                name=doc.name,
                text_key=text_key(doc.text),
                exact_key=xxhash.xxh3_64_intdigest(token_hashes.astype("<u4").tobytes()),
                words=n_words,
                shingles=shingle_set,
                signature=sig,
                sentence_hashes=tuple(sets),
                sentence_signatures=sentence_signatures[first : first + len(sets)],
            )
        )
        first += len(sets)
    return result


def document_signatures(texts: Sequence[str], options: DedupOptions) -> Signatures:
    """Texts to document signatures, nothing else: the path ``minhash_speed.py`` times.

    The same tokens, shingles and signatures as :func:`compute_features`, in
    batches of ``_BATCH`` texts.
    """
    perms = Permutations.create(options.num_perm, options.seed)
    parts = []
    for start in range(0, len(texts), _BATCH):
        hashes, words = hash_streams([word_stream(t) for t in texts[start : start + _BATCH]])
        values, counts = shingle_hashes(hashes, words, options.shingle_size)
        parts.append(signatures_flat(values, counts, perms))
    if not parts:
        return np.empty((0, options.num_perm), dtype=np.uint32)
    return np.concatenate(parts)
