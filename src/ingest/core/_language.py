"""The language of a text, and the stop words and stemmer that go with it.

Language identification is py3langid's (a fork of langid.py that ships its
naive Bayes model, 97 languages): the code of the most likely language, or
:data:`UNDETERMINED` when the text has too few letters to tell or the model
is unsure. A document's own ``meta["language"]`` wins over identification
(:func:`language_code` normalises ``"en-US"``, ``"PT_br"`` to ``"en"``, ``"pt"``).

Stop words come from the ``stop-words`` package and Snowball stemmers from
PyStemmer, for the languages each has; a language without them keeps every
word (no stop words) as it is (no stemmer).

>>> detect_language("Die Verhandlungen sind ins Stocken geraten, sagte die Regierung am Montag.")
'de'
>>> detect_language("ok")
'und'
>>> language_code("en-US"), language_code("Português"), language_code("")
('en', 'und', 'und')
>>> stemmer_for("ru").stemWord("переговоры"), stemmer_for("ja") is None
('переговор', True)
"""

from __future__ import annotations

import copy
import functools
import re
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import Stemmer
import stop_words

from ._compiled import jit, numba_installed
from ._document import Document

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = [
    "UNDETERMINED",
    "detect_language",
    "detect_languages",
    "document_language",
    "document_languages",
    "language_code",
    "stemmer_for",
    "stop_words_for",
    "terms_language",
    "with_language",
    "with_languages",
]

#: The ISO 639-2 code for "undetermined": too little text, or no confident guess.
UNDETERMINED: Final = "und"

#: Identification reads this many characters from the start of a text: enough
#: for a confident guess (a paragraph), and a long text costs no more.
_PREFIX: Final = 600

#: Fewer letters than this and the text is :data:`UNDETERMINED`: langid guesses
#: at random on a few words.
_MIN_LETTERS: Final = 20

#: A guess less probable than this (langid's normalised probability) is
#: :data:`UNDETERMINED`.
_MIN_PROBABILITY: Final = 0.5

#: :data:`_MIN_LETTERS` letters from the start, with what is between them.
_LETTERS: Final = re.compile(rf"(?:[\W\d_]*+[^\W\d_]){{{_MIN_LETTERS}}}")

#: A language code as documents carry it: ``en``, ``en-US``, ``pt_BR``, ``EN``.
_CODE: Final = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*")

#: ISO 639-1 code -> PyStemmer's Snowball algorithm.
_SNOWBALL: Final = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


def language_code(value: str) -> str:
    """*value* (a language tag as documents carry it) as a lower-case ISO 639 code,
    or :data:`UNDETERMINED` when it is not one."""
    match = _CODE.fullmatch(value.strip().lower())
    return match.group(1) if match else UNDETERMINED


@functools.cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once (about 0.5 s) when a language is first needed."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415

    class Batched(LanguageIdentifier):  # type: ignore[misc]
        """py3langid's identifier that takes the raw scores of texts computed
        beforehand, for a whole batch (:func:`_raw_scores`), instead of walking
        and scoring each text again."""

        __slots__ = ("rows", "scores")

        def encode(self, text: str) -> bytes:
            """*text* as py3langid reads it (NFC, UTF-8)."""
            encoded: bytes = self._encode(text)
            return encoded

        def _raw_score(self, text: bytes) -> Any:
            scores = self.scores.get(text)
            if scores is None:
                return super()._raw_score(text)
            return scores.copy()  # py3langid normalises the scores in place

    identifier = Batched.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.scores = {}
    identifier.rows = _SingleRows(identifier.nb_ptc)
    return identifier


class _SingleRows:
    """The rows of py3langid's model (half floats, one per feature) as single floats,
    each made when a text first visits its feature: what the product of a score
    takes (py3langid makes them again for each text). About a quarter of the
    features occur in a language's news: a quarter of the memory of them all.
    """

    def __init__(self, table: npt.NDArray[np.float16]) -> None:
        self._table = table
        self._slot = np.full(table.shape[0], -1, dtype=np.intp)
        self._rows = np.empty((0, table.shape[1]), dtype=np.float32)
        self._made = 0
        self._lock = threading.Lock()

    def take(
        self, features: npt.NDArray[np.int32]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
        """The rows, and the row of each of *features* among them (those new made first)."""
        with self._lock:
            new = np.unique(features[self._slot[features] < 0])
            made = self._made + new.size
            if made > len(self._rows):
                grown = np.empty((max(made, 2 * len(self._rows)), self._table.shape[1]), np.float32)
                grown[: self._made] = self._rows[: self._made]
                self._rows = grown
            self._rows[self._made : made] = self._table[new]
            self._slot[new] = np.arange(self._made, made)
            self._made = made
            return self._rows, self._slot[features]


def detect_language(text: str) -> str:
    """The ISO 639 code of *text*'s language, or :data:`UNDETERMINED`."""
    prefix = text[:_PREFIX]
    if not _enough_letters(prefix):
        return UNDETERMINED
    return _guess(*_identifier().classify(prefix))


def _enough_letters(prefix: str) -> bool:
    """Whether *prefix* has :data:`_MIN_LETTERS` letters (found one by one, up to the last)."""
    return _LETTERS.match(prefix) is not None


def detect_languages(texts: Sequence[str]) -> list[str]:
    """``[detect_language(text) for text in texts]``, faster: py3langid's automaton
    walks the bytes of all the texts at once with numpy (:func:`_walk`), and its
    scores are computed from those counts as py3langid computes them (:func:`_raw_scores`).

    >>> detect_languages(["Die Verhandlungen sind ins Stocken geraten, sagte sie.", "ok"])
    ['de', 'und']
    """
    prefixes = [text[:_PREFIX] for text in texts]
    found = [_enough_letters(prefix) for prefix in prefixes]
    # A copy holds this call's scores: the model is shared, the scores are not.
    identifier = copy.copy(_identifier())
    encoded = [identifier.encode(p) for p, f in zip(prefixes, found, strict=True) if f]
    identifier.scores = _raw_scores(identifier, encoded)
    return [
        _guess(*identifier.classify(prefix)) if f else UNDETERMINED
        for prefix, f in zip(prefixes, found, strict=True)
    ]


def _guess(code: str, probability: float) -> str:
    return str(code) if probability >= _MIN_PROBABILITY else UNDETERMINED


@functools.cache
def _automaton() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """py3langid's automaton as arrays: the next states, each state's row offset,
    each state's feature (-1 for none)."""
    identifier = _identifier()
    return (
        np.frombuffer(identifier.tk_nextmove, dtype=np.uint32),
        np.array(identifier.tk_row, dtype=np.int64) << 8,
        np.array(identifier.tk_output, dtype=np.int64),
    )


#: Texts whose bytes :func:`visit_counts` walks in turn, a byte of each.
_INTERLEAVED: Final = 16

#: Texts whose bytes :func:`_walk` holds at once (five bytes per byte of each text,
#: ~9 MB for 1,024 texts of 600 characters in a script of 3-byte characters).
_WALKED_AT_ONCE: Final = 1024


def _raw_scores(
    identifier: LanguageIdentifier, texts: list[bytes]
) -> dict[bytes, npt.NDArray[np.float32]]:
    """py3langid's raw score of each of *texts* (encoded as it encodes them) that
    visits a feature, as its ``_sparse_score`` computes it: ``log1p(counts) @
    nb_ptc[features] + nb_pc`` over the features in the order first visited.

    The model's rows are half floats, which the product makes single floats: here
    each feature's row is made a single float once (:class:`_SingleRows`), not
    once per text that visits it (the same numbers in the same product).
    """
    visits = [
        visit
        for start in range(0, len(texts), _WALKED_AT_ONCE)
        for visit in _walk(identifier, texts[start : start + _WALKED_AT_ONCE])
    ]
    if not visits:
        return {}
    rows, at = identifier.rows.take(np.concatenate([f for _, f, _ in visits]))
    scores = {}
    first = 0
    for text, features, counts in visits:
        last = first + features.size
        weights = np.log1p(counts.astype(np.float32))
        scores[text] = weights @ rows[at[first:last]] + identifier.nb_pc
        first = last
    return scores


def _walk(
    identifier: LanguageIdentifier, texts: list[bytes]
) -> list[tuple[bytes, npt.NDArray[np.int32], npt.NDArray[np.int64]]]:
    """Each of *texts* (encoded as py3langid encodes them) that visits a feature
    of its automaton, with the features visited and their counts, in the order
    first visited (as its ``visit_counts`` makes them): all texts one byte
    position at a time."""
    nextmove, rowbase, output = _automaton()
    if nextmove.size != len(identifier.tk_nextmove):  # pragma: no cover - another model
        raise ValueError("the language model changed after its automaton was read")
    if (kernel := _compiled_visits()) is not None:
        # The same visits, compiled (visit_counts).
        data = np.frombuffer(b"".join(texts), dtype=np.uint8)
        ends = np.cumsum([len(text) for text in texts], dtype=np.int64)
        found, counts, per_text = kernel(nextmove, rowbase, output, data, ends, _features())
        return _visits(texts, found, counts, per_text.tolist())
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    lengths = np.array([len(texts[i]) for i in order], dtype=np.intp)
    width = int(lengths[0]) if texts else 0
    # One row per byte position (contiguous for the texts still walking).
    data = np.zeros((width, len(texts)), dtype=np.uint8)
    for row, i in enumerate(order):
        data[: lengths[row], row] = np.frombuffer(texts[i], dtype=np.uint8)
    state = np.zeros(len(texts), dtype=np.int64)
    features = np.full((width, len(texts)), -1, dtype=np.int32)
    active = len(texts)
    for at in range(width):
        # The texts are longest first: those still walking are the first columns.
        while lengths[active - 1] <= at:
            active -= 1
        state[:active] = nextmove[rowbase[state[:active]] + data[at, :active]]
        features[at, :active] = output[state[:active]]
    visits = []
    for row, i in enumerate(order):
        seen = features[:, row][features[:, row] >= 0]
        if seen.size:
            values, firsts, counts = np.unique(seen, return_index=True, return_counts=True)
            first = np.argsort(firsts)
            visits.append((texts[i], values[first], counts[first]))
    return visits


def visit_counts(  # noqa: PLR0917 (numba: no keyword-only arguments)
    nextmove: npt.NDArray[np.uint32],
    rowbase: npt.NDArray[np.int64],
    output: npt.NDArray[np.int64],
    data: npt.NDArray[np.uint8],
    ends: npt.NDArray[np.int64],
    features: int,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`_walk`'s loop, text by text, byte by byte (compiled by numba when it is
    installed: :func:`_compiled_visits`): the texts are *data* up to ``ends[0]``, then
    up to ``ends[1]``, ...; the automaton's arrays are :func:`_automaton`'s, of
    *features* features. The features each text visits in the order first visited,
    one text after the other, their counts, and how many each text visits.

    >>> nextmove, rowbase, output = _automaton()
    >>> data = np.frombuffer(b"the talks", dtype=np.uint8)
    >>> found, counts, per_text = visit_counts(
    ...     nextmove, rowbase, output, data, np.array([9]), int(output.max()) + 1
    ... )
    >>> int(per_text[0]) == found.size == counts.size > 0
    True
    """
    # The texts a few at a time, a byte of each in turn: the next state of a text
    # waits for its last (a load from the automaton's large table), those of the
    # others do not, so their loads overlap.
    starts = np.concatenate((np.zeros(1, dtype=np.int64), ends[:-1]))
    visited = np.empty(data.size, dtype=np.int64)
    states = np.zeros(_INTERLEAVED, dtype=np.int64)
    for group in range(0, ends.size, _INTERLEAVED):
        last = min(group + _INTERLEAVED, ends.size)
        longest = 0
        for text in range(group, last):
            states[text - group] = 0
            longest = max(longest, ends[text] - starts[text])
        for step in range(longest):
            for text in range(group, last):
                at = starts[text] + step
                if at < ends[text]:
                    state = nextmove[rowbase[states[text - group]] + data[at]]
                    states[text - group] = state
                    visited[at] = output[state]
    # Then each text's features in the order first visited, and their counts.
    seen = np.zeros(features, dtype=np.int64)
    found = np.empty(data.size, dtype=np.int32)
    counts = np.empty(data.size, dtype=np.int64)
    per_text = np.zeros(ends.size, dtype=np.int64)
    out = 0
    for text in range(ends.size):
        first = out
        for at in range(starts[text], ends[text]):
            feature = visited[at]
            if feature >= 0:
                if seen[feature] == 0:
                    found[out] = feature
                    out += 1
                seen[feature] += 1
        for k in range(first, out):
            counts[k] = seen[found[k]]
            seen[found[k]] = 0
        per_text[text] = out - first
    return found[:out], counts[:out], per_text


@functools.cache
def _compiled_visits() -> Any:
    """:func:`visit_counts` compiled by numba, or ``None`` without numba."""
    return jit(visit_counts) if numba_installed() else None


def _visits(
    texts: list[bytes],
    found: npt.NDArray[np.int32],
    counts: npt.NDArray[np.int64],
    per_text: list[int],
) -> list[tuple[bytes, npt.NDArray[np.int32], npt.NDArray[np.int64]]]:
    """:func:`_walk`'s visits from :func:`visit_counts`' flat arrays: each text that
    visits a feature, its *per_text* features in *found*, with their *counts*."""
    visits = []
    first = 0
    for text, count in zip(texts, per_text, strict=True):
        if count:
            visits.append((text, found[first : first + count], counts[first : first + count]))
            first += count
    return visits


@functools.cache
def _features() -> int:
    """The number of features of the automaton's outputs."""
    return int(_automaton()[2].max()) + 1


def document_language(doc: Document) -> str:
    """*doc*'s language: its ``meta["language"]`` when that is a language code
    (or ``und``, a verdict already reached), else :func:`detect_language` of its text.

    >>> document_language(Document("a", "Talks stalled.", meta={"language": "pt-BR"}))
    'pt'
    """
    return _said(doc) or detect_language(doc.text)


def _said(doc: Document) -> str:
    """The language code *doc*'s ``meta["language"]`` says, or ``""``.

    ``und`` is said too: it is what identification wrote when the text did not
    tell (the pipeline identifies each document once, and de-duplication must
    not identify the same text again).
    """
    said = doc.meta.get("language")
    if not isinstance(said, str):
        return ""
    if (code := language_code(said)) != UNDETERMINED:
        # One object per code: an index keeps every document's (a new string each
        # was ~50 bytes a document, 50 MB at a million).
        return sys.intern(code)
    return UNDETERMINED if said.strip().lower() == UNDETERMINED else ""


def document_languages(docs: Sequence[Document]) -> list[str]:
    """``[document_language(doc) for doc in docs]``, those to identify at once
    (:func:`detect_languages`)."""
    said = [_said(doc) for doc in docs]
    guessed = iter(detect_languages([d.text for d, s in zip(docs, said, strict=True) if not s]))
    return [s or next(guessed) for s in said]


def with_languages(docs: Sequence[Document]) -> list[Document]:
    """``[with_language(doc) for doc in docs]``, the languages identified at once
    (:func:`detect_languages`, about three times faster than one text at a time).

    >>> german = "Die Verhandlungen sind ins Stocken geraten, sagte sie."
    >>> docs = [Document("a", "Talks stalled."), Document("b", german)]
    >>> [d.meta["language"] for d in with_languages(docs)]
    ['und', 'de']
    """
    return [
        doc if _said(doc) else attrs.evolve(doc, meta=doc.meta | {"language": language})
        for doc, language in zip(docs, document_languages(docs), strict=True)
    ]


def with_language(doc: Document) -> Document:
    """*doc* with ``meta["language"]`` set to :func:`document_language` when it
    does not say (or says something that is neither a language tag nor ``und``);
    else *doc* itself.

    >>> with_language(Document("a", "Die Verhandlungen sind ins Stocken geraten, sagte sie.")).meta
    Meta({'language': 'de'})
    """
    if _said(doc):
        return doc
    return attrs.evolve(doc, meta=doc.meta | {"language": detect_language(doc.text)})


@functools.cache
def stop_words_for(language: str) -> frozenset[str]:
    """The case-folded stop words of *language*, with apostrophe-free spellings
    added (``dont`` for ``don't``); empty for a language the package lacks."""
    if language not in stop_words.LANGUAGE_MAPPING:
        return frozenset()
    words = stop_words.get_stop_words(language)
    return frozenset(
        spelling
        for word in words
        for spelling in (word.casefold(), word.casefold().replace("'", ""))
    )


@functools.cache
def stemmer_for(language: str) -> Stemmer.Stemmer | None:
    """PyStemmer's Snowball stemmer for *language* (no cache inside, see
    :func:`ingest.core._text.content_stems`), or ``None``."""
    algorithm = _SNOWBALL.get(language)
    if algorithm is None or algorithm not in Stemmer.algorithms():
        return None
    return Stemmer.Stemmer(algorithm, 0)


def terms_language(language: str) -> str:
    """The language whose stop words and stemmer the content terms of a *language*
    text use: itself when either package has it, else English (the library's
    default before it knew languages: langid's ``und`` for a short or garbled
    text, or a guess such as Nigerian Pidgin for English word salad, would
    otherwise keep every stop word, and every text would share sentences).

    >>> terms_language("de"), terms_language("und"), terms_language("ja")
    ('de', 'en', 'ja')
    """
    if stop_words_for(language) or stemmer_for(language) is not None:
        return language
    return "en"
