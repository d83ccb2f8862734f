"""Words to their content-term hashes, and sentences to theirs: the paraphrase
signal's part of the feature step (:func:`~ingest.dedup._features.compute_features`).

A word's content terms (:func:`~ingest.core.word_terms`: its stem, unless it is a
stop word) depend on the word and its language only: they are computed once per
word and language, and the sentences' term hashes are gathered from the words' with
numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
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
from ._shingle import Hashes, Tokens, distinct_tokens, hash_streams, span_positions

__all__ = ["Sizes", "sentence_hashes"]

Sizes: TypeAlias = npt.NDArray[np.int64]
"""How many values of a flat array belong to each sentence, in order."""


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
        self.ids: dict[str, dict[bytes, int]] = {}
        self.bounds = np.zeros(2, dtype=np.int64)
        self.values = np.empty(0, dtype=np.uint32)

    def clear(self) -> None:
        """Forget every word."""
        self.__init__()  # type: ignore[misc]

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

        Only the batch's distinct words (:func:`~ingest.dedup._shingle.distinct_tokens`)
        are made bytes and looked up.
        """
        table = self.ids.setdefault(language, {})
        stand, number = distinct_tokens(tokens, keys, which)
        data = tokens.data
        words = [
            data[start:end]
            for start, end in zip(
                tokens.starts[stand].tolist(),
                (tokens.starts + tokens.lengths)[stand].tolist(),
                strict=True,
            )
        ]
        found = list(map(table.get, words, repeat(0)))
        if 0 in found:  # words not seen yet (id 0 is no word's)
            new = list(dict.fromkeys(w for w, i in zip(words, found, strict=True) if not i))
            terms = word_terms([w.decode("utf-8", "surrogatepass") for w in new], language)
            values, counts = hash_streams([t.encode() for t in terms])
            first = self.bounds.size - 1
            new_ids = dict(zip(new, range(first, first + len(new)), strict=True))
            table.update(new_ids)
            self.bounds = np.concatenate((self.bounds, self.bounds[-1] + np.cumsum(counts)))
            self.values = np.concatenate((self.values, values))
            found = [i or new_ids[w] for w, i in zip(words, found, strict=True)]
        return np.array(found, dtype=np.intp)[number]

    def terms(self, ids: npt.NDArray[np.intp]) -> tuple[Hashes, Sizes]:
        """The term hashes of the words *ids*, one word after the other, and how
        many each word has."""
        firsts = self.bounds[ids]
        counts = self.bounds[ids + 1] - firsts
        return self.values[span_positions(firsts, counts)], counts


#: The content-term hashes of the words seen (:class:`_TermHashes`), for at most
#: ``_TERMS_KEPT`` words (~20 bytes each, and the dictionaries' keys): the words of a
#: language's news are far fewer.
_TERMS: Final = _TermHashes()
_TERMS_KEPT: Final = 1 << 19


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
    if _TERMS.bounds.size > _TERMS_KEPT:
        _TERMS.clear()  # bounded: start again (a batch adds its words at most)
    is_word = np.frombuffer(tokens.data, np.uint8)[tokens.starts] != SENTENCE_MARK[0]
    terms_of = [terms_language(language) for language in languages]
    fast = np.array([m is not None for m in marked], dtype=bool)
    doc_of = np.repeat(np.arange(len(docs)), tokens.counts)
    fast_word = is_word & fast[doc_of]
    ids = np.zeros(keys.size, dtype=np.intp)
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
