"""Where two duplicates agree: shared passages and aligned sentences, as character spans.

The index decides on hashed sets, which carry no positions; an audit needs
them. :func:`find_passages` recomputes, for one pair, what the decision saw:

* for ``exact``, ``near`` and ``containment``: the **shared passages**, the
  longest runs of words that both texts hold (runs of at least
  ``shingle_size`` words, the word shingles that the similarity counts);
* for ``paraphrase``: the **aligned sentences**, each sentence (or run of up
  to ``sentence_window`` adjacent sentences) whose content stems have a
  Jaccard similarity of at least ``sentence_threshold`` with a sentence of
  the other text.

Offsets are into the texts as given (``str`` indexes), so a viewer can
highlight them. The words and sentences follow :mod:`ingest.core._text`
(typographic quotes and dashes read as ASCII, case folded).

>>> from ingest.dedup._options import DedupOptions
>>> a = "Breaking: the talks stalled in Beijing on Monday, officials said."
>>> b = "The talks stalled in Beijing on Monday, officials said. More soon."
>>> [(p.start, p.end, p.matched_start, p.matched_end) for p in
...  find_passages(a, b, "near", DedupOptions())]
[(10, 64, 0, 54)]
>>> a[10:64]
'the talks stalled in Beijing on Monday, officials said'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

import attrs

from ..core import content_stems
from ._features import MIN_SENTENCE_STEMS
from ._options import DedupOptions, Evidence, Kind, Passage

__all__ = ["find_passages", "with_passages"]

#: A word, as :mod:`ingest.core._text` finds them (letters and digits, inner apostrophes).
_WORD: Final = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")

#: The end of a sentence inside a line, and a line break (as in ``core._text``).
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+")
_LINE_BREAK: Final = re.compile(r"\s*\n\s*")

#: Sentences shorter than this many words join the next (``core._text.sentences``).
_MIN_WORDS: Final = 4


def _token(word: str) -> str:
    return (
        unicodedata.normalize("NFKC", word).replace("\u2019", "'").replace("\u02bc", "'").casefold()
    )


def _words(text: str) -> list[tuple[str, int, int]]:
    """Every word of *text*: its normal form, start and end."""
    return [(_token(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _shared_runs(
    a: Sequence[tuple[str, int, int]], b: Sequence[tuple[str, int, int]], k: int
) -> list[Passage]:
    """The maximal runs of at least *k* words that *a* and *b* both hold, once each."""
    k = max(1, min(k, len(a), len(b)))
    if len(a) < k or len(b) < k:
        return []
    where: dict[tuple[str, ...], int] = {}
    for j in range(len(b) - k + 1):
        where.setdefault(tuple(w for w, _, _ in b[j : j + k]), j)
    passages: list[Passage] = []
    i = 0
    while i <= len(a) - k:
        found = where.get(tuple(w for w, _, _ in a[i : i + k]))
        if found is None:
            i += 1
            continue
        j = found
        end_a, end_b = i + k, j + k  # grow the run while the next words match too
        while end_a < len(a) and end_b < len(b) and a[end_a][0] == b[end_b][0]:
            end_a, end_b = end_a + 1, end_b + 1
        passages.append(Passage(a[i][1], a[end_a - 1][2], b[j][1], b[end_b - 1][2]))
        i = end_a
    return passages


def _sentences(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """The sentences of *text* (start, end, content stems), split as ``core._text`` splits."""
    pieces: list[tuple[int, int]] = []
    position = 0
    for line in _LINE_BREAK.split(text):
        start = text.find(line, position) if line else position
        position = start + len(line)
        if pieces and line[:1].islower():  # a wrapped line continues the sentence
            first, _ = pieces.pop()
            start = first
        cursor = start
        for end_mark in _SENTENCE_END.finditer(text, start, position):
            pieces.append((cursor, end_mark.start()))
            cursor = end_mark.end()
        if cursor < position:
            pieces.append((cursor, position))
    result: list[tuple[int, int, frozenset[str]]] = []
    pending: tuple[int, list[str]] | None = None
    for piece_start, end in pieces:
        words = [w for w, _, _ in _words(text[piece_start:end])]
        start = piece_start
        if pending is not None:
            start, words = pending[0], pending[1] + words
        if len(words) < _MIN_WORDS:
            pending = (start, words)
            continue
        pending = None
        result.append((start, end, frozenset(content_stems(words))))
    if pending is not None and result:
        start, _, stems = result.pop()
        result.append((start, len(text.rstrip()), stems | frozenset(content_stems(pending[1]))))
    return result


def _similar(x: frozenset[str], y: frozenset[str], threshold: float) -> bool:
    return (
        len(x) >= MIN_SENTENCE_STEMS
        and len(y) >= MIN_SENTENCE_STEMS
        and (len(x & y) >= threshold * len(x | y))
    )


def _aligned(
    a: Sequence[tuple[int, int, frozenset[str]]],
    b: Sequence[tuple[int, int, frozenset[str]]],
    options: DedupOptions,
    *,
    flip: bool = False,
) -> list[Passage]:
    """Runs of up to ``sentence_window`` sentences of *a* aligned with one sentence of *b*."""
    found: list[Passage] = []
    for b_start, b_end, stems in b:
        for size in range(1, options.sentence_window + 1):
            for i in range(len(a) - size + 1):
                run = a[i : i + size]
                merged = frozenset().union(*(s for _, _, s in run))
                if size > 1 and not all(s & stems for _, _, s in run):
                    continue
                if _similar(merged, stems, options.sentence_threshold):
                    start, end = run[0][0], run[-1][1]
                    found.append(
                        Passage(b_start, b_end, start, end)
                        if flip
                        else Passage(start, end, b_start, b_end)
                    )
    return found


def find_passages(
    text: str, matched: str, kind: Kind, options: DedupOptions | None = None
) -> tuple[Passage, ...]:
    """Where *text* and *matched* agree, for a pair judged duplicates of *kind*.

    Passages are sorted by their start in *text*, each once.
    """
    opts = options or DedupOptions()
    if kind == "paraphrase":
        a, b = _sentences(text), _sentences(matched)
        found = _aligned(a, b, opts) + _aligned(b, a, opts, flip=True)
    else:
        found = _shared_runs(_words(text), _words(matched), opts.shingle_size)
    return tuple(sorted(set(found)))


def with_passages(
    evidence: Evidence, text: str, matched: str, options: DedupOptions | None = None
) -> Evidence:
    """*evidence* of *text* against *matched* (the text of ``evidence.matched``), with
    its :attr:`~Evidence.passages` found (:func:`find_passages`)."""
    return attrs.evolve(evidence, passages=find_passages(text, matched, evidence.kind, options))
