"""Text to tokens: normalisation, words, stemmed content words and sentences.

The first stage of de-duplication. Every function here is pure and works on
plain strings; hashing the tokens is the next stage (:mod:`ingest.dedup._shingle`).

Two token streams come out of a text:

* **words** (:func:`words`): every word of the normalised text, in order. Word
  shingles over them detect exact copies, near copies and truncated copies.
* **content stems** (:func:`content_stems`): the words that carry meaning
  (not in the ``stop-words`` package's English list), reduced to their
  Snowball stem by PyStemmer. Sentences of content stems survive the rewording
  of a paraphrase: ``"The talks stalled"`` and ``"Negotiations have stalled"``
  share ``stall``.

>>> words("The U.S. talks STALLED, again.")
['the', 'u', 's', 'talks', 'stalled', 'again']
>>> content_stems(words("TikTok's negotiations have stalled"))
['tiktok', 'negoti', 'stall']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

import Stemmer
import stop_words

__all__ = [
    "MAX_SENTENCE_WORDS",
    "STOPWORDS",
    "content_stems",
    "normalize",
    "sentences",
    "split_stream",
    "word_bytes",
    "word_stream",
    "words",
]

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

#: A word: letters and digits, with inner apostrophes (``don't``, ``o'brien``).
_WORD: Final = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

#: The end of a sentence inside a paragraph: terminal punctuation (and
#: closing quotes or brackets) followed by white space. Abbreviations such as
#: ``U.S.`` are split too; a stray split only makes two short pieces, which
#: :func:`sentences` joins back when they are too short.
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])[\"')\]]*\s+")

#: A line break, with the white space around it.
_LINE_BREAK: Final = re.compile(r"\s*\n\s*")

#: English stop words from the maintained ``stop-words`` package, with the
#: apostrophe-free spellings added (``dont`` for ``don't``).
STOPWORDS: Final = frozenset(
    word for stop in stop_words.get_stop_words("english") for word in (stop, stop.replace("'", ""))
)

#: A sentence longer than this many words is cut into pieces of at most this
#: size, so text without punctuation still aligns piece by piece.
MAX_SENTENCE_WORDS: Final = 40

#: No cache inside PyStemmer: its default keeps 10,000 words and, once full,
#: purges it by sorting, which made stemming three times slower on a corpus
#: with a large vocabulary (synthetic news: 150,000 distinct words in 2,000
#: documents) than not caching at all.
_STEMMER: Final = Stemmer.Stemmer("english", 0)


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
    """
    # Typography first: if that leaves ASCII, NFKC and case folding are
    # lower-casing, which the byte table does (NFKC leaves these marks alone).
    plain = _plain_typography(text)
    if plain.isascii():
        return plain.encode("ascii").translate(_ASCII_WORD_BYTES)
    # Every non-ASCII character left is a word character: its UTF-8 bytes
    # (all >= 0x80) are word bytes for the table.
    normal = _NON_ASCII_NON_WORD.sub(" ", normalize(text))
    return normal.encode("utf-8", "surrogatepass").translate(_ASCII_WORD_BYTES)


def split_stream(data: bytes) -> list[bytes]:
    """The words of a :func:`word_stream` (the reference of the vectorised split).

    >>> split_stream(b"'quoted' it's  rock''n roll ")
    [b'quoted', b"it's", b'rock', b'n', b'roll']
    """
    if b"'" in data:
        # Keep only apostrophes between two word bytes, as _WORD does.
        while b"''" in data:
            data = data.replace(b"''", b"  ")
        data = b" " + data.replace(b" '", b"  ").replace(b"' ", b"  ") + b" "
        data = data.replace(b" '", b"  ").replace(b"' ", b"  ")
    return data.split()


def word_bytes(text: str) -> list[bytes]:
    """The words of *text* as UTF-8 bytes: ``[w.encode() for w in words(text)]``, faster.

    >>> word_bytes("Don't stop")
    [b"don't", b'stop']
    """
    return split_stream(word_stream(text))


def content_stems(tokens: Iterable[str]) -> list[str]:
    """The Snowball stems of the content words among *tokens* (see :data:`STOPWORDS`).

    A possessive ``'s`` is dropped before the stop-word test, so ``trump's``
    counts as ``trump``.

    >>> content_stems(["the", "president's", "tariffs", "were", "raised"])
    ['presid', 'tariff', 'rais']
    """
    kept = [w for t in tokens if (w := t.removesuffix("'s")) not in STOPWORDS]
    stems: list[str] = _STEMMER.stemWords(kept)
    return stems


def _lines(text: str) -> list[str]:
    """The logical lines of *text*: a line that starts in lower case continues
    the line before it (hard-wrapped prose), any other line starts anew
    (paragraphs, headlines, list items)."""
    lines: list[str] = []
    for line in _LINE_BREAK.split(text.strip()):
        if lines and line[:1].islower():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def sentences(text: str, *, min_words: int = 4) -> list[list[str]]:
    """The sentences of *text*, each as its list of words.

    A sentence ends at terminal punctuation followed by white space, and at a
    line break unless the next line starts in lower case (hard-wrapped prose
    continues; headlines and list items are sentences of their own). Pieces
    with fewer than *min_words* words are joined to the following piece;
    pieces longer than :data:`MAX_SENTENCE_WORDS` words are cut.

    >>> sentences("Talks stalled. Trump spoke on Monday\\nabout it.\\nNo deal yet, says Beijing.")
    [['talks', 'stalled', 'trump', 'spoke', 'on', 'monday', 'about', 'it'], \
['no', 'deal', 'yet', 'says', 'beijing']]
    """
    result: list[list[str]] = []
    pending: list[str] = []
    nfkc = _plain_typography(unicodedata.normalize("NFKC", text))
    for line in _lines(nfkc):
        for piece in _SENTENCE_END.split(line):
            pending.extend(_WORD.findall(piece.casefold()))
            if len(pending) < min_words:
                continue
            result.extend(
                pending[start : start + MAX_SENTENCE_WORDS]
                for start in range(0, len(pending), MAX_SENTENCE_WORDS)
            )
            pending = []
    if pending:
        if result and len(result[-1]) + len(pending) <= MAX_SENTENCE_WORDS:
            result[-1].extend(pending)
        else:
            result.append(pending)
    return result
