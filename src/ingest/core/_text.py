"""Text to tokens: normalisation, words, content terms and sentences, in any language.

The first stage of de-duplication. Every function here is pure and works on
plain strings; hashing the tokens is the next stage (:mod:`ingest.dedup._shingle`).

Two token streams come out of a text:

* **words** (:func:`words`): every word of the normalised text, in order. Word
  shingles over them detect exact copies, near copies and truncated copies.
  Scripts written without spaces (Chinese, Japanese) have no words to find,
  so each of their characters is a word: shingles of five characters.
* **content terms** (:func:`content_stems`): the words that carry meaning in
  the document's language (not in the ``stop-words`` package's list for it),
  reduced to their Snowball stem by PyStemmer where it has the language; in
  Chinese and Japanese, the pairs of adjacent characters (bigrams) once
  one-character stop words are gone, and in Korean the syllable pairs of each
  word (its particles change, its stem does not). Sentences of content terms
  survive the rewording of a paraphrase: ``"The talks stalled"`` and
  ``"Negotiations have stalled"`` share ``stall``.

>>> words("The U.S. talks STALLED, again.")
['the', 'u', 's', 'talks', 'stalled', 'again']
>>> content_stems(words("TikTok's negotiations have stalled"))
['tiktok', 'negoti', 'stall']
>>> content_stems(words("商標の役割は二つ"), "ja")
['商標', '標役', '役割', '割二', '二つ']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain
from typing import Final, NamedTuple, TypeVar

from ._language import stemmer_for, stop_words_for, terms_language

__all__ = [
    "MAX_SENTENCE_WORDS",
    "SENTENCE_MARK",
    "STOPWORDS",
    "SentenceStream",
    "content_stems",
    "marked_stream",
    "normalize",
    "sentence_sizes",
    "sentence_stream",
    "sentence_terms",
    "sentences",
    "split_stream",
    "word_bytes",
    "word_stream",
    "word_terms",
    "words",
]

_T = TypeVar("_T", str, bytes)

#: Typographic characters that NFKC leaves alone but that writers use
#: interchangeably with their ASCII forms (``""`` deletes the character).
_TYPOGRAPHY: Final = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201b", "'"),
    ("\u02bc", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2013", "-"),
    ("\u2014", "-"),
    ("\u00ad", ""),  # soft hyphen: invisible, splits words in HTML-derived text
    ("\u200b", ""),  # zero-width space
    # The NFKC forms of two common characters, here so that text with them
    # still takes the ASCII fast path of word_stream.
    ("\u2026", "..."),
    ("\u00a0", " "),
)

#: For the ASCII fast path of :func:`word_bytes`: word bytes stay, any other
#: The byte table of :func:`word_stream`: ASCII letters are lower-cased,
#: digits, apostrophes and non-ASCII bytes stay, any other byte becomes a space.
_ASCII_WORD_BYTES: Final = bytes(
    c if c >= 0x80 else ord(chr(c).lower()) if chr(c).isalnum() or chr(c) == "'" else ord(" ")
    for c in range(256)
)

#: Everything but ASCII and word characters: what becomes a space before the
#: UTF-8 bytes of non-ASCII text go through the byte table.
_NON_ASCII_NON_WORD: Final = re.compile(r"[^\x00-\x7f\w]+")

#: Characters of scripts written without spaces between words, each one a
#: word: Han ideographs (with extension A and the compatibility block, and the
#: supplementary planes' extensions), Hiragana and Katakana (NFKC makes
#: half-width Katakana full-width).
_UNSPACED_CHARS: Final = (
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
_UNSPACED: Final = re.compile(f"[{_UNSPACED_CHARS}]")

#: Hangul syllables: Korean separates words with spaces, but a word carries its
#: particles (``엘제이의``, ``엘제이는``), so its content terms are syllable pairs.
_HANGUL: Final = re.compile("[\uac00-\ud7a3]{2,}")

#: A word: one character of an unspaced script, or letters and digits with
#: inner apostrophes (``don't``, ``o'brien``).
_WORD: Final = re.compile(
    f"(?=\\w)[{_UNSPACED_CHARS}]|[^\\W_{_UNSPACED_CHARS}]+(?:'[^\\W_{_UNSPACED_CHARS}]+)*"
)

#: The full stops that end a sentence with no space after them: ideographic, and
#: those of Devanagari, Arabic, Urdu, Ethiopic, Armenian and Myanmar.
_STOPS: Final = "\u3002\u0964\u0965\u061f\u06d4\u1362\u0589\u104b"

#: The end of a sentence inside a paragraph: terminal punctuation (and
#: closing quotes or brackets) followed by white space; the :data:`_STOPS`
#: anywhere; ``!`` and ``?`` (full-width ones, after NFKC) before a
#: character of an unspaced script. Abbreviations such as ``U.S.`` are split
#: too; a stray split only makes two short pieces, which :func:`sentences`
#: joins back when they are too short. (The punctuation goes with the split:
#: it is no word.)
_SENTENCE_END: Final = re.compile(
    r"[.!?][\"')\]]*\s+"
    f"|[{_STOPS}][\u300d\u300f\"')\\]]*\\s*"
    f"|[!?][\u300d\u300f\"')\\]]*(?=[{_UNSPACED_CHARS}])"
)

#: The second branch of ``_SENTENCE_END`` alone (no match in a text without :data:`_STOPS`).
_STOP_END: Final = re.compile(_SENTENCE_END.pattern.split("|", 2)[1])

#: ``_SENTENCE_END`` in ASCII text, where its other two branches cannot match (they
#: need a character of another script): a regular expression with one branch is
#: about four times as fast.
_ASCII_SENTENCE_END: Final = re.compile(r"[.!?][\"')\]]*\s+")

#: A word of a text without unspaced characters (the same words as ``_WORD``, faster).
_SPACED_WORD: Final = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

#: The token :func:`sentences` puts where a sentence or a line ends (a control
#: character: neither a word nor white space to ``split``).
_MARK: Final = "\x01"

#: ``_WORD`` and ``_SPACED_WORD``, or a :data:`_MARK`.
_WORD_OR_MARK: Final = re.compile(f"{_MARK}|{_WORD.pattern}")
_SPACED_WORD_OR_MARK: Final = re.compile(f"{_MARK}|{_SPACED_WORD.pattern}")

#: The byte table of :func:`word_stream`, keeping :data:`_MARK`.
_MARKED_WORD_BYTES: Final = bytes(
    ord(_MARK) if c == ord(_MARK) else byte for c, byte in enumerate(_ASCII_WORD_BYTES)
)

#: English stop words from the maintained ``stop-words`` package, with the
#: apostrophe-free spellings added (``dont`` for ``don't``).
STOPWORDS: Final = stop_words_for("en")

#: A sentence longer than this many words is cut into pieces of at most this
#: size, so text without punctuation still aligns piece by piece.
MAX_SENTENCE_WORDS: Final = 40

#: Characters of an unspaced script count as this share of a word towards
#: ``min_words`` and :data:`MAX_SENTENCE_WORDS` (a Chinese or Japanese word
#: is two characters or so).
_UNSPACED_WEIGHT: Final = 0.5


def _plain_typography(text: str) -> str:
    for typographic, plain in _TYPOGRAPHY:
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


def normalize(text: str) -> str:
    """*text* in the form that comparisons see: NFKC, case-folded, ASCII quotes.

    >>> normalize("\\uff23af\\u00e9 \\u201cQuoted\\u201d \\u2014 it\\u2019s")
    'café "quoted" - it\\'s'
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _plain_typography(text)
    return text.casefold()


def words(text: str) -> list[str]:
    """The words of the normalised *text*, in order.

    >>> words("Don't  stop—e-mail me at 10:30!")
    ["don't", 'stop', 'e', 'mail', 'me', 'at', '10', '30']
    """
    return _WORD.findall(normalize(text))


def word_stream(text: str) -> bytes:
    """The normalised UTF-8 bytes of *text* in which words are easy to find.

    Every byte that is not part of a word is a space, except apostrophes.
    The words are the maximal runs of bytes other than spaces, once every
    apostrophe that is not between two word bytes counts as a space: the
    vectorised hashing in :mod:`ingest.dedup._shingle` does that for a whole batch
    at once, :func:`word_bytes` for one text. Text that is ASCII once
    typographic quotes and dashes are replaced skips NFKC and the regular
    expression.

    >>> word_stream("'Quoted' it's, ROCK''n roll!")
    b"'quoted' it's  rock''n roll "
    >>> word_stream("TikTok交渉").decode()
    'tiktok 交  渉 '
    """
    # Typography first: if that leaves ASCII, NFKC and case folding are
    # lower-casing, which the byte table does (NFKC leaves these marks alone).
    plain = _plain_typography(text)
    if plain.isascii():
        return plain.encode("ascii").translate(_ASCII_WORD_BYTES)
    # Every non-ASCII character left is a word character: its UTF-8 bytes
    # (all >= 0x80) are word bytes for the table.
    normal = _NON_ASCII_NON_WORD.sub(" ", normalize(text))
    if _UNSPACED.search(normal):
        normal = _UNSPACED.sub(r" \g<0> ", normal)
    return normal.encode("utf-8", "surrogatepass").translate(_ASCII_WORD_BYTES)


def split_stream(data: bytes) -> list[bytes]:
    """The words of a :func:`word_stream` (the reference of the vectorised split).

    >>> split_stream(b"'quoted' it's  rock''n roll ")
    [b'quoted', b"it's", b'rock', b'n', b'roll']
    """
    return _inner_apostrophes(data).split()


def _inner_apostrophes(data: bytes) -> bytes:
    """*data* (a word stream) with every apostrophe that is not between two word
    bytes made a space, as ``_WORD`` keeps them."""
    if b"'" in data:
        while b"''" in data:
            data = data.replace(b"''", b"  ")
        data = b" " + data.replace(b" '", b"  ").replace(b"' ", b"  ") + b" "
        data = data.replace(b" '", b"  ").replace(b"' ", b"  ")
    return data


def word_bytes(text: str) -> list[bytes]:
    """The words of *text* as UTF-8 bytes: ``[w.encode() for w in words(text)]``, faster.

    >>> word_bytes("Don't stop")
    [b"don't", b'stop']
    """
    return split_stream(word_stream(text))


def _pairs(run: str) -> list[str]:
    """The pairs of adjacent characters of *run* (the run itself when it has one)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def content_stems(tokens: Iterable[str], language: str = "en") -> list[str]:
    """The content terms among *tokens* (words of a text in *language*).

    Words not in the language's stop words (:func:`ingest.core._language.stop_words_for`),
    by their Snowball stem when PyStemmer has the language, then the pairs of
    adjacent characters of each run of unspaced-script characters (one-character
    stop words left out first) and the syllable pairs of each Korean word. A
    possessive ``'s`` is dropped before the stop-word test, so ``trump's``
    counts as ``trump``; outside English, elisions split (``l'accord``: ``l``, ``accord``).

    >>> content_stems(["the", "president's", "tariffs", "were", "raised"])
    ['presid', 'tariff', 'rais']
    >>> content_stems(["l'accord", "a", "été", "signé"], "fr")
    ['accord', 'sign']
    >>> content_stems(["엘제이의", "사진", "공개"], "ko")
    ['엘제', '제이', '이의', '사진', '공개']
    """
    language = terms_language(language)
    stops = stop_words_for(language)
    kept: list[str] = []
    pairs: list[str] = []
    run: list[str] = []
    for token in tokens:
        if len(token) == 1 and _UNSPACED.match(token):
            if token not in stops:
                run.append(token)
            continue
        if run:
            pairs.extend(_pairs("".join(run)))
            run = []
        for part in _content_parts(token, language, stops):
            (pairs.extend(_pairs(part)) if _HANGUL.fullmatch(part) else kept.append(part))
    if run:
        pairs.extend(_pairs("".join(run)))
    return _stem(kept, language) + pairs


def _content_parts(word: str, language: str, stops: frozenset[str]) -> list[str]:
    """The parts of *word* that are not stop words: *word* without a possessive
    ``'s``, split at apostrophes outside English."""
    word = word.removesuffix("'s")
    if language != "en" and "'" in word:
        return [part for part in word.split("'") if part not in stops]
    return [] if word in stops else [word]


def _stem(words: list[str], language: str) -> list[str]:
    stemmer = stemmer_for(language)
    stems: list[str] = stemmer.stemWords(words) if stemmer is not None else words
    return stems


def _lines(text: str) -> list[str]:
    """The logical lines of *text*: a line that starts in lower case continues
    the line before it (hard-wrapped prose), any other line starts anew
    (paragraphs, headlines, list items)."""
    # Lines split at each newline and stripped, the empty ones left out: the pieces
    # of a split at `\s*\n\s*` (a blank line is no line), faster.
    stripped = [line for line in map(str.strip, text.split("\n")) if line]
    if not any(line[:1].islower() for line in stripped[1:]):
        return stripped
    lines: list[str] = []
    for line in stripped:
        if lines and line[:1].islower():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def sentences(text: str, *, min_words: int = 4) -> list[list[str]]:
    """The sentences of *text*, each as its list of words.

    A sentence ends at terminal punctuation followed by white space (``。``
    and the full stops of other scripts need none), and at a line break unless
    the next line starts in lower case (hard-wrapped prose continues; headlines
    and list items are sentences of their own). Pieces with fewer than
    *min_words* words are joined to the following piece; pieces longer than
    :data:`MAX_SENTENCE_WORDS` words are cut (two characters of an unspaced
    script count as one word).

    >>> sentences("Talks stalled. Trump spoke on Monday\\nabout it.\\nNo deal yet, says Beijing.")
    [['talks', 'stalled', 'trump', 'spoke', 'on', 'monday', 'about', 'it'], \
['no', 'deal', 'yet', 'says', 'beijing']]
    >>> [len(s) for s in sentences("交渉は今週も停滞したと伝えられた。北京は合意を否定した\uff01")]
    [16, 10]
    """
    nfkc = _plain_typography(unicodedata.normalize("NFKC", text))
    # One pass over the whole text: every sentence end and line end becomes a mark
    # token, then the words and marks are found at once and cut at the marks.
    lines = _marked_lines(nfkc).casefold()
    ends = _ASCII_SENTENCE_END if lines.isascii() else _SENTENCE_END
    unspaced = not nfkc.isascii() and _UNSPACED.search(nfkc) is not None
    tokens = _tokens(ends.sub(f" {_MARK} ", lines), unspaced=unspaced)
    words: list[str] = []
    start = 0
    for end in _mark_positions(tokens, _MARK):
        words += tokens[start:end]
        start = end + 1
    words += tokens[start:]
    sizes: Sequence[float] = range(len(words) + 1)
    if unspaced:
        sizes = list(
            accumulate((_UNSPACED_WEIGHT if _is_unspaced(w) else 1.0 for w in words), initial=0.0)
        )
    cuts = _cuts(_piece_ends(tokens, _MARK), sizes, min_words)
    return [words[first:last] for first, last in zip([0, *cuts], cuts, strict=False)]


class SentenceStream(NamedTuple):
    """A text's words as bytes, cut into its :func:`sentences` (:func:`sentence_stream`)."""

    #: The text's :func:`word_stream` with a :data:`SENTENCE_MARK` token where a
    #: sentence or a line ends (the same words, and the marks).
    stream: bytes
    #: ``split_stream(stream)``: the words and the marks, in order.
    tokens: list[bytes]
    #: The number of words of each sentence, in order (they cover every word).
    sizes: list[int]


#: The token of a :class:`SentenceStream` where a sentence or a line ends.
SENTENCE_MARK: Final = _MARK.encode()


def sentence_stream(text: str) -> SentenceStream | None:
    """The words of *text* as :func:`word_stream` finds them, and where :func:`sentences`
    cuts them, in one pass (``None`` when the text has characters of an unspaced
    script: :func:`sentences` weighs those, and :func:`sentence_terms` pairs them).

    No word is made a Python string: the words of ``sentences(text)`` are
    ``tokens`` without the marks, decoded, cut into pieces of ``sizes`` words.
    (The feature step finds the tokens of a whole batch's :func:`marked_stream` at
    once, and cuts them with :func:`sentence_sizes`.)

    >>> marked = sentence_stream("Talks stalled. Trump spoke\\non Monday.\\nNo deal, he says.")
    >>> marked.stream
    b'talks stalled \\x01 trump spoke on monday \\x01 \\x01 no deal  he says '
    >>> marked.sizes, marked.tokens[:3]
    ([6, 4], [b'talks', b'stalled', b'\\x01'])
    """
    stream = marked_stream(text)
    if stream is None:
        return None
    tokens = _inner_apostrophes(stream).split()
    return SentenceStream(stream, tokens, sentence_sizes(_piece_ends(tokens, SENTENCE_MARK)))


def marked_stream(text: str) -> bytes | None:
    """The :func:`word_stream` of *text* with a :data:`SENTENCE_MARK` token where a
    sentence or a line ends (``None`` when the text has characters of an unspaced
    script), as :func:`sentence_stream` finds it.

    >>> marked_stream("Talks stalled. Trump spoke\\non Monday.")
    b'talks stalled \\x01 trump spoke on monday '
    """
    plain = _plain_typography(text)
    if not plain.isascii():
        nfkc = unicodedata.normalize("NFKC", text)
        plain = _plain_typography(nfkc)
        # Typography has no unspaced characters: the text has some if it (or its NFKC
        # form, when that is another text) has.
        if _UNSPACED.search(plain) or (nfkc is not text and _UNSPACED.search(text)):
            return None
    lines = _marked_lines(plain)
    if not lines.isascii():  # the byte table lower-cases ASCII letters
        lines = lines.casefold()
    # Without unspaced characters, the third branch of _SENTENCE_END cannot match, and
    # its first two find ends in the same gaps between words one after the other (a
    # match holds no word; a repeated mark is no new cut).
    marked = _ASCII_SENTENCE_END.sub(f" {_MARK} ", lines)
    if not marked.isascii():
        if any(stop in marked for stop in _STOPS):
            marked = _STOP_END.sub(f" {_MARK} ", marked)
        marked = _NON_ASCII_NON_WORD.sub(" ", marked)
    return marked.encode("utf-8", "surrogatepass").translate(_MARKED_WORD_BYTES)


def sentence_sizes(ends: list[int]) -> list[int]:
    """The number of words of each of the :func:`sentences` of a text without
    characters of an unspaced script, whose pieces between sentence and line ends
    end at *ends* (in words; the last one the text's number of words).

    >>> sentence_sizes([2, 6, 6, 11])
    [6, 5]
    """
    cuts = _cuts(ends, range(ends[-1] + 1), 4)
    return [b - a for a, b in zip([0, *cuts], cuts, strict=False)]


def _marked_lines(nfkc: str) -> str:
    """The :func:`_lines` of *nfkc* (NFKC text) joined by :data:`_MARK`
    tokens (a mark already in the text is made another character that is no word)."""
    if _MARK in nfkc:
        nfkc = nfkc.replace(_MARK, "\x02")
    return f" {_MARK} ".join(_lines(nfkc))


def _mark_positions(tokens: Sequence[_T], mark: _T) -> Iterator[int]:
    """The positions of *mark* in *tokens*, found by ``list.index`` (C)."""
    at = -1
    for _ in range(tokens.count(mark)):
        at = tokens.index(mark, at + 1)
        yield at


def _piece_ends(tokens: Sequence[_T], mark: _T) -> list[int]:
    """Where each piece of *tokens* between marks ends, counted in words (marks
    left out); the last piece ends with the text."""
    ends = [at - k for k, at in enumerate(_mark_positions(tokens, mark))]
    ends.append(len(tokens) - len(ends))
    return ends


def _cuts(ends: list[int], sizes: Sequence[float], min_words: int) -> list[int]:
    """Where the sentences of pieces that end at *ends* (in words) end.

    ``sizes[j] - sizes[i]`` is the size of words ``i`` to ``j`` (a character of an
    unspaced script weighs less). A piece smaller than *min_words* joins the next;
    one larger than :data:`MAX_SENTENCE_WORDS` is cut into equal runs of words; a
    small piece left at the end joins the last sentence when they fit together.
    """
    cuts: list[int] = []
    start = 0
    for end in ends:
        size = sizes[end] - sizes[start]
        if size < min_words:
            continue
        if size > MAX_SENTENCE_WORDS:
            step = max(1, int(MAX_SENTENCE_WORDS * (end - start) / size))
            cuts.extend(range(start + step, end, step))
        cuts.append(end)
        start = end
    last = ends[-1]
    if start < last:
        before = cuts[-2] if len(cuts) > 1 else 0
        if cuts and sizes[start] - sizes[before] + sizes[last] - sizes[start] <= MAX_SENTENCE_WORDS:
            cuts[-1] = last
        else:
            cuts.append(last)
    return cuts


def _tokens(marked: str, *, unspaced: bool) -> list[str]:
    """The words and :data:`_MARK` tokens of *marked* (case-folded, NFKC text;
    *unspaced*: whether it has characters of an unspaced script). ASCII text goes
    through a byte table and ``split`` (what :func:`split_stream` does
    for word streams), about three times as fast as the regular expression."""
    if not marked.isascii():
        pattern = _WORD_OR_MARK if unspaced else _SPACED_WORD_OR_MARK
        return pattern.findall(marked)
    data = marked.encode("ascii").translate(_MARKED_WORD_BYTES).decode("ascii")
    if "'" in data:
        # Keep only apostrophes between two word characters, as split_stream does.
        while "''" in data:
            data = data.replace("''", "  ")
        data = " " + data.replace(" '", "  ").replace("' ", "  ") + " "
        data = data.replace(" '", "  ").replace("' ", "  ")
    return data.split()


def _is_unspaced(word: str) -> bool:
    """Whether *word* is one character of an unspaced script."""
    return len(word) == 1 and _UNSPACED.match(word) is not None


def sentence_terms(texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
    """For each of *texts* (in the matching *languages*), the content terms of each of
    its :func:`sentences`, space-separated: ``" ".join(content_stems(s, language))``
    up to the order and spacing of the terms, for a whole batch at once.

    Each distinct word of a language is looked up (stop word test, stem) once,
    and kept for the next batches (:data:`_TERMS`); sentences with characters of an
    unspaced script go through :func:`content_stems`, which pairs them.

    >>> sentence_terms(["The talks stalled on Monday. Officials met in Beijing again."], ["en"])
    [['talk stall monday', 'offici met beij']]
    """
    per_doc = [sentences(text) for text in texts]
    languages = [terms_language(language) for language in languages]
    for language in set(languages):
        if len(_TERMS.setdefault(language, {})) > _TERMS_KEPT:
            _TERMS[language] = {}  # bounded: start again (a batch adds its words at most)
    for doc, language in zip(per_doc, languages, strict=True):
        table = _TERMS[language]
        new = [w for w in dict.fromkeys(chain.from_iterable(doc)) if w not in table]
        for word, terms in zip(new, word_terms(new, language), strict=True):
            table[word] = terms
    tables = {language: _TERMS[language] for language in set(languages)}
    result = []
    for text, doc, language in zip(texts, per_doc, languages, strict=True):
        if not text.isascii() and _UNSPACED.search(text):
            result.append([" ".join(content_stems(s, language)) for s in doc])
        else:
            lookup = tables[language].__getitem__
            result.append([" ".join(filter(None, map(lookup, s))) for s in doc])
    return result


#: What :func:`word_terms` made of each word seen, per language: a word's terms
#: depend on the word and the language only. At most ``_TERMS_KEPT`` words a
#: language (~100 bytes each): the words of a language's news are far fewer.
_TERMS: Final[dict[str, dict[str, str]]] = {}
_TERMS_KEPT: Final = 1 << 19


def word_terms(words: list[str], language: str) -> list[str]:
    """What :func:`content_stems` makes of each of *words* alone, space-separated
    (``""`` for a stop word), with one call of the stemmer for all of them.

    *language* is a :func:`~ingest.core._language.terms_language`.

    >>> word_terms(["the", "talks", "o'brien's", "엘제이의"], "en")
    ['', 'talk', "o'brien", '엘제 제이 이의']
    """
    stops = stop_words_for(language)
    joined = "\n".join(words)
    if joined.isascii() and "'" not in joined:
        # The common batch: each word one part, itself (none for a stop word), stemmed.
        stems = iter(_stem([w for w in words if w not in stops], language))
        return ["" if word in stops else next(stems) for word in words]
    # Most words have no apostrophe: one part, the word itself (none for a stop word).
    split = {word: _content_parts(word, language, stops) for word in words if "'" in word}
    parts = [w for w in words if w not in split and w not in stops]
    parts += [p for ps in split.values() for p in ps]
    plain = [p for p in parts if p.isascii() or not _paired(p)]
    stem_of = dict(zip(plain, _stem(plain, language), strict=True))
    # A word without an apostrophe is one part, itself (the stem inlined: one lookup).
    return [
        _split_terms(split[word], stem_of)
        if word in split
        else ""
        if word in stops
        else stem_of[word]
        if word in stem_of
        else " ".join(_pairs(word))
        for word in words
    ]


def _split_terms(parts: list[str], stem_of: dict[str, str]) -> str:
    """The terms of a word split into *parts* at apostrophes, as :func:`content_stems`
    orders them: the stems of the parts, then the pairs."""
    parts = sorted(parts, key=lambda part: part not in stem_of)
    return " ".join(_part_terms(part, stem_of) for part in parts)


def _part_terms(part: str, stem_of: dict[str, str]) -> str:
    """The terms of one *part* of a word: its stem, or its pairs of characters."""
    return stem_of[part] if part in stem_of else " ".join(_pairs(part))


def _paired(part: str) -> bool:
    """Whether *part* of a word goes to its character pairs (Korean, an unspaced
    script) rather than to the stemmer."""
    return _HANGUL.fullmatch(part) is not None or _UNSPACED.match(part) is not None
