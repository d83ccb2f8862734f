"""Words to their content-term hashes, and sentences to theirs: the paraphrase
signal's part of the feature step (:func:`~ingest.dedup._features.compute_features`).

A word's content terms (:func:`~ingest.core.word_terms`: its stem, unless it is a
stop word) depend on the word and its language only: they are computed once per
word and language, and the sentences' term hashes are gathered from the words' with
numpy.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

from ..core import (
    SENTENCE_MARK,
    Document,
    sentence_sizes,
    sentence_terms,
    terms_language,
    word_terms,
)
from ._shingle import (
    Hashes,
    Tokens,
    distinct_tokens,
    equal_bytes,
    hash_lines,
    hash_streams,
    span_positions,
)

__all__ = ["Sizes", "forget_words", "sentence_hashes"]

Sizes: TypeAlias = npt.NDArray[np.int64]
"""How many values of a flat array belong to each sentence, in order."""

#: A newline: it ends each word in the text :func:`_strings` decodes, as each word's terms
#: in the text :func:`~ingest.dedup._shingle.hash_lines` hashes: no word or term holds one.
_NEWLINE: Final = ord("\n")
_APOSTROPHE: Final = ord("'")
#: The first byte value that is not ASCII.
_ASCII_END: Final = 0x80


class _TermHashes:
    """The content-term hashes of every word seen, per language: what
    :func:`~ingest.core.word_terms` makes of the word, hashed as :func:`hash_streams`
    hashes the terms of a sentence.

    A word's terms depend on the word and the language only, so they are computed
    once, for all the new words of a batch, and kept for the next batches (an index
    extended batch after batch keeps them warm). A word is an id into flat arrays:
    its hashes are ``values[bounds[id]:bounds[id + 1]]``; id 0 is no word, with none.
    """

    def __init__(self) -> None:
        self.vocabularies: dict[str, _Vocabulary] = {}
        self.bounds = np.zeros(2, dtype=np.int64)
        self.values = np.empty(0, dtype=np.uint32)

    def clear(self, *, keep_sizes: bool = True) -> None:
        """Forget every word. Each language's table keeps its size (*keep_sizes*): the
        words that come next fill it again without its growths (each one puts every
        word again)."""
        sizes = {language: v.keys.size for language, v in self.vocabularies.items()}
        self.__init__()  # type: ignore[misc]
        if keep_sizes:
            self.vocabularies = {lang: _Vocabulary(size) for lang, size in sizes.items()}

    def word_ids(
        self,
        tokens: Tokens,
        keys: npt.NDArray[np.uint64],
        which: npt.NDArray[np.intp],
        language: str,
    ) -> npt.NDArray[np.intp]:
        """The id of each of the tokens *which* of *tokens* (words of texts in
        *language*, whose :func:`~ingest.dedup._shingle.token_keys` are *keys*); the
        terms of words not seen yet computed first.

        The batch's distinct words (:func:`~ingest.dedup._shingle.distinct_tokens`)
        are looked up in the language's :class:`_Vocabulary`; only new words are made
        bytes and strings.
        """
        vocabulary = self.vocabularies.get(language)
        if vocabulary is None:
            vocabulary = self.vocabularies[language] = _Vocabulary()
        stand, number = distinct_tokens(tokens, keys, which)
        ids, held = vocabulary.find(tokens, keys, stand)
        held_at = np.flatnonzero(held)  # words whose key another word holds
        ids[held_at] = [vocabulary.others.get(w, 0) for w in _words(tokens, stand[held_at])]
        new = np.flatnonzero(ids == 0)
        if new.size:
            # The plain words (ASCII, no apostrophe: word_terms' shortest path) first.
            plain = ~_special(tokens, stand[new])
            new = np.concatenate((new[plain], new[~plain]))
            # Their strings from one decode of their bytes, and their terms' hashes from
            # one encode: no bytes object a word.
            words = _strings(tokens, stand[new])
            first = self.bounds.size - 1
            new_keys = np.sort(keys[stand[new]])
            if (new_keys[1:] != new_keys[:-1]).all():  # distinct keys: distinct words
                ids[new] = np.arange(first, first + len(words))
                count = int(plain.sum())
                terms = word_terms(words[:count], language) + word_terms(words[count:], language)
            else:  # a word may stand twice (its key held by another word): one id
                distinct = list(dict.fromkeys(words))
                id_of = dict(zip(distinct, range(first, first + len(distinct)), strict=True))
                ids[new] = [id_of[w] for w in words]
                terms = word_terms(distinct, language)
            values, counts = hash_lines(("\n".join(terms) + "\n").encode())
            self.bounds = np.concatenate((self.bounds, self.bounds[-1] + np.cumsum(counts)))
            self.values = np.concatenate((self.values, values))
            vocabulary.add(tokens, keys, stand[new], ids[new], held[new])
        return ids[number]

    def terms(self, ids: npt.NDArray[np.intp]) -> tuple[Hashes, Sizes]:
        """The term hashes of the words *ids*, one word after the other, and how
        many each word has."""
        firsts = self.bounds[ids]
        counts = self.bounds[ids + 1] - firsts
        return self.values[span_positions(firsts, counts)], counts


def _joined(tokens: Tokens, which: npt.NDArray[np.intp]) -> npt.NDArray[np.uint8]:
    """The bytes of the tokens *which* of *tokens*, one after the other."""
    data = np.frombuffer(tokens.data, dtype=np.uint8)
    return data[span_positions(tokens.starts[which], tokens.lengths[which])]


def _special(tokens: Tokens, which: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """Whether each of the tokens *which* of *tokens* (none empty) has a byte that is not
    ASCII or an apostrophe."""
    data = _joined(tokens, which)
    lengths = tokens.lengths[which]
    special = (data >= _ASCII_END) | (data == _APOSTROPHE)
    any_special: npt.NDArray[np.bool_] = np.logical_or.reduceat(
        special, np.cumsum(lengths) - lengths
    )
    return any_special


def _strings(tokens: Tokens, which: npt.NDArray[np.intp]) -> list[str]:
    """The tokens *which* of *tokens* as strings, decoded as one text (a token is a run
    of word bytes of a :func:`~ingest.core.word_stream`: it holds no newline, which
    ends each one here, and no part of a character)."""
    lengths = tokens.lengths[which]
    lines = np.full(int(lengths.sum()) + which.size, _NEWLINE, dtype=np.uint8)
    lines[span_positions(np.cumsum(lengths + 1) - lengths - 1, lengths)] = _joined(tokens, which)
    return lines.tobytes().decode("utf-8", "surrogatepass").split("\n")[:-1]


def _words(tokens: Tokens, which: npt.NDArray[np.intp]) -> list[bytes]:
    """The bytes of the tokens *which* of *tokens*."""
    starts = tokens.starts[which]
    ends = starts + tokens.lengths[which]
    data = tokens.data
    return [data[start:end] for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]


class _Vocabulary:
    """The words of one language seen so far, each with its id, found by their token
    keys (:func:`~ingest.dedup._shingle.token_keys`) in a table of open addressing
    (linear probing, at most half full), all the words of a batch at once: no Python
    object is made for a word already seen (a dictionary of a few hundred thousand
    words costs a cache miss or two a word).

    Two words of one length up to 8 bytes never share a key; longer ones could, so
    their bytes are kept (``text``) and compared. A word whose key another word holds
    is kept by its bytes in ``others`` (no such pair is known but made on purpose).
    """

    def __init__(self, size: int = 1 << 10) -> None:
        self.keys = np.zeros(size, dtype=np.uint64)
        self.ids = np.zeros(size, dtype=np.int32)  # 0: the slot is free
        self.lengths = np.zeros(size, dtype=np.int32)
        self.starts = np.zeros(size, dtype=np.int64)  # of a long word's bytes in text
        self.text = bytearray(8)  # the long words' bytes, and 8 bytes to read blocks
        self.others: dict[bytes, int] = {}
        self.count = 0

    def find(
        self, tokens: Tokens, keys: npt.NDArray[np.uint64], stand: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """The id of each of the tokens *stand* (0 for a word not seen yet), and whether
        another word holds its key (look it up in ``others``)."""
        wanted = keys[stand]
        lengths = tokens.lengths[stand]
        ids = np.zeros(stand.size, dtype=np.intp)
        held = np.zeros(stand.size, dtype=bool)
        slots = self._slots(wanted)
        pending = np.arange(stand.size)
        while pending.size:
            at = slots[pending]
            taken = self.ids[at] != 0
            same = taken & (self.keys[at] == wanted[pending])
            found, where = pending[same], at[same]
            word = self.lengths[where] == lengths[found]
            long = np.flatnonzero(word & (lengths[found] > 8))
            word[long] = equal_bytes(
                tokens.data,
                tokens.starts[stand[found[long]]],
                self.text,
                self.starts[where[long]],
                lengths[found[long]],
            )
            ids[found[word]] = self.ids[where[word]]
            held[found[~word]] = True
            pending = pending[taken & ~same]
            slots[pending] = (slots[pending] + 1) & (self.keys.size - 1)
        return ids, held

    def add(
        self,
        tokens: Tokens,
        keys: npt.NDArray[np.uint64],
        stand: npt.NDArray[np.intp],
        ids: npt.NDArray[np.intp],
        held: npt.NDArray[np.bool_],
    ) -> None:
        """File the new words *stand* (tokens of *tokens*) with their *ids*: by key,
        but those whose key is *held* by another word, or taken by another of them,
        by their bytes in ``others``."""
        _, first = np.unique(keys[stand], return_index=True)
        by_key = np.zeros(stand.size, dtype=bool)
        by_key[first] = True
        by_key &= ~held
        apart = np.flatnonzero(~by_key)
        self.others.update(zip(_words(tokens, stand[apart]), ids[apart].tolist(), strict=True))
        stand, ids = stand[by_key], ids[by_key]
        if 2 * (self.count + stand.size) > self.keys.size:
            self._grow(4 * (self.count + stand.size))
        lengths = tokens.lengths[stand]
        long = np.flatnonzero(lengths > 8)
        starts = np.zeros(stand.size, dtype=np.intp)
        starts[long] = len(self.text) - 8 + np.cumsum(lengths[long]) - lengths[long]
        self.text[-8:-8] = _joined(tokens, stand[long]).tobytes()
        self._place(keys[stand], ids, lengths, starts)

    def _slots(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        """The first slot each of *keys* is looked for in."""
        return (keys & np.uint64(self.keys.size - 1)).astype(np.intp)

    def _place(
        self,
        keys: npt.NDArray[np.uint64],
        ids: npt.NDArray[np.integer],
        lengths: npt.NDArray[np.integer],
        starts: npt.NDArray[np.integer],
    ) -> None:
        """Put *keys* (none in the table, all distinct) with their *ids*, *lengths* and
        *starts* each in the first free slot from its own; of those that want one
        slot at once, one takes it and the others go on."""
        slots = self._slots(keys)
        pending = np.arange(keys.size)
        while pending.size:
            at = slots[pending]
            free = np.flatnonzero(self.ids[at] == 0)
            # Each claims its free slot (a claim is below 0, an id above): the last
            # claim written to a slot takes it, without a sort of the slots.
            wanted, claims = at[free], -1 - pending[free].astype(np.int32)
            self.ids[wanted] = claims
            won = free[self.ids[wanted] == claims]
            chosen, placed = at[won], pending[won]
            self.keys[chosen], self.ids[chosen] = keys[placed], ids[placed]
            self.lengths[chosen], self.starts[chosen] = lengths[placed], starts[placed]
            waiting = np.ones(pending.size, dtype=bool)
            waiting[won] = False
            pending = pending[waiting]
            slots[pending] = (slots[pending] + 1) & (self.keys.size - 1)
        self.count += keys.size

    def _grow(self, size: int) -> None:
        """The table with at least *size* slots (a power of two), every word put again."""
        held = np.flatnonzero(self.ids)
        keys, ids = self.keys[held], self.ids[held]
        lengths, starts = self.lengths[held], self.starts[held]
        size = 1 << (size - 1).bit_length()
        self.keys = np.zeros(size, dtype=np.uint64)
        self.ids = np.zeros(size, dtype=np.int32)
        self.lengths = np.zeros(size, dtype=np.int32)
        self.starts = np.zeros(size, dtype=np.int64)
        self.count = 0
        self._place(keys, ids, lengths, starts)


#: The content-term hashes of the words seen (:class:`_TermHashes`), for at most
#: ``_TERMS_KEPT`` words (~20 bytes each, and 48-96 bytes of vocabulary table): the
#: words of a language's news are far fewer.
_TERMS: Final = _TermHashes()
_TERMS_KEPT: Final = 1 << 19

#: Held while a batch looks up and reads its words (threads may share :data:`_TERMS`).
_TERMS_LOCK: Final = threading.Lock()


def forget_words() -> None:
    """Forget the words this process has seen, their tables too: for a process that
    signs no more documents (a Dask worker once the partitions are signed), about 100
    MB less when it has seen as many words as it keeps (``_TERMS_KEPT``). Signing
    after this gives the same features; it only learns the words again."""
    with _TERMS_LOCK:
        _TERMS.clear(keep_sizes=False)


def sentence_hashes(
    docs: Sequence[Document],
    languages: Sequence[str],
    marked: Sequence[bytes | None],
    tokens: Tokens,
    keys: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.bool_], Hashes, Sizes, list[int]]:
    """Which of *tokens* are words, not :data:`~ingest.core.SENTENCE_MARK` tokens; the
    content-term hashes of each sentence of each of *docs*, flat; how many each
    sentence has; how many sentences each document has.

    *tokens* are those of the documents' streams (their *marked* streams, or their
    word streams where that is ``None``), *keys* their 64-bit hashes. A text with
    characters of an unspaced script (no *marked* stream) goes through
    :func:`~ingest.core.sentence_terms`, which pairs them.
    """
    is_word = np.frombuffer(tokens.data, np.uint8)[tokens.starts] != SENTENCE_MARK[0]
    terms_of = [terms_language(language) for language in languages]
    fast = np.array([m is not None for m in marked], dtype=bool)
    doc_of = np.repeat(np.arange(len(docs)), tokens.counts)
    fast_word = is_word & fast[doc_of]
    ids = np.zeros(keys.size, dtype=np.intp)
    with _TERMS_LOCK:  # one batch at a time: its words' ids index the arrays it reads
        if _TERMS.bounds.size > _TERMS_KEPT:
            _TERMS.clear()  # bounded: start again (a batch adds its words at most)
        for language in set(terms_of):
            in_language = np.array([t == language for t in terms_of])
            which = np.flatnonzero(fast_word & in_language[doc_of])
            if which.size:
                ids[which] = _TERMS.word_ids(tokens, keys, which, language)
        values, per_word = _TERMS.terms(ids[fast_word])
    # Sentences of the marked texts, one after the other: their terms counted.
    marked_sizes = _marked_sentence_sizes(fast, doc_of, is_word)
    word_ends = np.cumsum([size for sizes in marked_sizes for size in sizes], dtype=np.intp)
    sizes = np.diff(np.concatenate(([0], np.cumsum(per_word)))[word_ends], prepend=0)
    per_doc = [len(sizes) for sizes in marked_sizes]
    if fast.all():
        return is_word, values, sizes, per_doc
    # Texts with characters of an unspaced script, each in its place.
    value_parts, size_parts = [], []
    first = value_first = 0
    for doc, language, m, count in zip(docs, terms_of, marked, per_doc, strict=True):
        if m is None:
            terms = sentence_terms([doc.text], [language])[0]
            doc_values, doc_sizes = hash_streams([t.encode() for t in terms])
        else:
            doc_sizes = sizes[first : first + count]
            value_last = value_first + int(doc_sizes.sum())
            doc_values = values[value_first:value_last]
            first, value_first = first + count, value_last
        value_parts.append(doc_values)
        size_parts.append(doc_sizes)
    return (
        is_word,
        np.concatenate(value_parts),
        np.concatenate(size_parts),
        [part.size for part in size_parts],
    )


def _marked_sentence_sizes(
    fast: npt.NDArray[np.bool_], doc_of: npt.NDArray[np.intp], is_word: npt.NDArray[np.bool_]
) -> list[list[int]]:
    """The number of words of each sentence of each document (none for those not
    *fast*, whose streams are not marked), from where its marks are among its words:
    the tokens of document ``doc_of[i]`` are words where *is_word*."""
    words_of = np.bincount(doc_of[is_word], minlength=fast.size)
    marks = np.flatnonzero(~is_word)
    # A mark ends a piece after the words of its document before it.
    ends = (np.cumsum(is_word)[marks] - (np.cumsum(words_of) - words_of)[doc_of[marks]]).tolist()
    marks_of = np.bincount(doc_of[marks], minlength=fast.size).tolist()
    result = []
    first = 0
    for is_fast, count, words in zip(fast.tolist(), marks_of, words_of.tolist(), strict=True):
        result.append(sentence_sizes([*ends[first : first + count], words]) if is_fast else [])
        first += count
    return result
