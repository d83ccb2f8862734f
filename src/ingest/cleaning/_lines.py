"""Lines as the cleaning steps see them: normalised for matching, measured, classified.

:func:`normalize` is the form rule patterns match against (case, accents,
decoration and trailing punctuation folded away, in every script);
:func:`count_words` measures a line in words, also in Chinese and Japanese,
which are written without spaces; :class:`LineInfo` holds both for one line;
and the classifiers say what a heading, a list item and a headline-like line
look like.

>>> line = LineInfo.of("### Lesen Sie auch:")
>>> line.norm, line.words, is_heading(line)
('lesen sie auch', 3, True)
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Final

import attrs

__all__ = [
    "MAX_RULE_LINE_WORDS",
    "UNSPACED_CHARS_PER_WORD",
    "LineInfo",
    "count_words",
    "fold",
    "is_heading",
    "is_headline_like",
    "is_list_item",
    "is_number_only",
    "is_quotation",
    "is_unspaced",
    "item_number",
    "normalize",
]

#: Lines with more words than this are article text: no rule pattern is matched
#: against them (nor are they normalised, which keeps cleaning fast).
MAX_RULE_LINE_WORDS: Final = 80

#: Quotes and apostrophes straightened (one character for one, none a target of
#: another: ``str.replace`` of each, much faster than ``str.translate`` with a table).
_QUOTES: Final = (
    ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("`", "'"), ("\u201c", '"'), ("\u201d", '"')
)  # fmt: skip
_LEAD: Final = (
    " \t#*_[(|>-\u2013\u2014\u2022\u00b7\u25ba\u25b6\u2192~=\u3010\u25a0\u25a1\u25bc\u25bd"
    "\u25c6\u25c7\u25cf\u25cb\u2605\u2606\u25b7\u30fb"
)
_TRAIL: Final = " \t:.!?\u2026\u00bb\u203a>\u2192|-\u2013\u2014*_])#\u25b6\u25ba\u3011"
#: Marks that matching ignores, so that a phrase matches however it is accented or
#: vocalised: Latin, Greek and Cyrillic accents (after canonical decomposition, so
#: "A LIRE AUSSI" is "à lire aussi" and "ΔΙΑΒΑΣΤΕ" is "διαβάστε"), Arabic short
#: vowels, hamza and madda marks and the tatweel ("اقرأ أيضاً" is "اقرا ايضا"), and
#: the invisible direction marks of right-to-left text.
_MARKS: Final = re.compile(
    "[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
#: Turkish dotless i folds to i, as casefold() folds the capital I.
_DOTLESS_I: Final = "\u0131"
#: Han characters and kana: scripts written without spaces between words.
_UNSPACED: Final = re.compile(
    "[\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"
)
#: How many characters of Chinese or Japanese count as one word (an average word of
#: either language is one to two characters long).
UNSPACED_CHARS_PER_WORD: Final = 2
#: The first colon of a line glued to the word after it ("Lire aussi:Un titre"); a
#: later one belongs to its word ("image: nginx:stable" is a label and one word).
_COLON_GLUED: Final = re.compile(r"^([^:]*):(?=[^\s\d/])")
_SPACES: Final = re.compile(r"\s+")
_SPACE_COLON: Final = re.compile(r"\s+:")
_SLASH: Final = re.compile(r"\s*/\s*")
_MD_LINK: Final = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS: Final = re.compile(r"\*\*|__")
_NUMBER_ONLY: Final = re.compile(r"^\s*\d{1,2}[.)]?\s*$")
#: Sentence-final punctuation: Latin, Greek and Cyrillic (. ! ;, the Greek question
#: mark is ;), Chinese and Japanese (\u3002 \uff01 \uff0e \uff1b), Arabic (\u061b) and
#: Urdu (\u06d4) and Devanagari (\u0964).
_SENTENCE_END: Final = frozenset(".!;\u3002\uff01\uff0e\uff1b\uff61\u061b\u06d4\u0964")
#: What a headline does not end with: a sentence end, a comma or a colon of any script.
_NOT_HEADLINE_END: Final = _SENTENCE_END | frozenset(",:\u2026\uff0c\u3001\uff1a\u060c")
#: Question marks: Latin, fullwidth (Chinese, Japanese) and Arabic.
_QUESTION: Final = frozenset("?\uff1f\u061f")
_CLOSERS: Final = "\"')]}\u201d\u2019\u00bb*_ \t\u300d\u300f\uff09\u3011\u3009\u300b"
_QUOTE_OPENERS: Final = frozenset("\"'\u201c\u201e\u00ab\u2018\u201a>")
#: Closing quotation marks: straight, English and German (\u201d \u201c), French (\u00bb),
#: single (\u2019 \u2018), Chinese and Japanese corner brackets.
_QUOTE_CLOSERS: Final = frozenset("\"'\u201d\u201c\u00bb\u2019\u2018\u300d\u300f")
_BULLET: Final = re.compile(
    r"^\s*(?:(?:[-*+\u2022\u00b7\u25aa\u25ba\u25b8\u25e6\u2013\u2014\u203a\u2192]|\d{1,2}[.)])\s+"
    r"|[\u30fb\u25cf\u25a0\u25b6]\s*)(?=\S)"  # Japanese and Chinese bullets need no space
)
_NUMBERED: Final = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")
_LINK_ONLY: Final = re.compile(
    r"^\s*(?:[-*+\u2022]\s+)?(?:\[[^\]]+\]\([^)]*\)|<?https?://\S+>?)\s*$"
)
_HEADING: Final = re.compile(r"^\s*(?:#{1,6}\s+\S|\*\*[^*].*\*\*\s*$|__[^_].*__\s*$)")


def fold(text: str) -> str:
    """Case-fold, NFKC-normalise, drop accents, straighten quotes, collapse spaces (no stripping).

    >>> fold("À LIRE AUSSI"), fold("Ayr\\u0131ca  OKUYUN"), fold("اقرأ أيضاً")
    ('a lire aussi', 'ayrica okuyun', 'اقرا ايضا')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", _MARKS.sub("", text)).replace(_DOTLESS_I, "i")
    for curly, straight in _QUOTES:
        if curly in text:
            text = text.replace(curly, straight)
    # Each substitution only where it can change something (most lines hold no colon,
    # no slash and only single spaces): the same text, without the regex calls.
    if ":" in text:
        text = _SPACE_COLON.sub(":", text)
    if "/" in text:
        text = _SLASH.sub("/", text)
    if "  " in text or not text.isprintable():  # every other whitespace is unprintable
        text = _SPACES.sub(" ", text)
    return text


def is_unspaced(char: str) -> bool:
    """Whether *char* is of a script written without spaces between words (Han, kana).

    >>> is_unspaced("\u5206"), is_unspaced("a")
    (True, False)
    """
    return bool(_UNSPACED.fullmatch(char))


def count_words(text: str) -> int:
    """How many words *text* has: runs of non-space characters, except in Chinese and Japanese.

    Those are written without spaces, so every :data:`UNSPACED_CHARS_PER_WORD`
    of their characters count as one word, and their punctuation as none.

    >>> count_words("Oil slips as demand fades"), count_words("日銀が追加利上げを決定")
    (5, 6)
    """
    if text.isascii():
        return len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    rest = _UNSPACED.sub(" ", text).split()
    spaced = sum(1 for token in rest if any(ch.isalnum() for ch in token))
    return spaced + math.ceil(unspaced / UNSPACED_CHARS_PER_WORD)


def normalize(line: str) -> str:
    """The form of *line* that rule patterns match against.

    >>> normalize("MOST READ :")
    'most read'
    >>> normalize("### Related Articles \u00bb")
    'related articles'
    >>> normalize("[Read more](https://example.com/x)")
    'read more'
    >>> normalize("Lire aussi\u00a0: Un titre")
    'lire aussi: un titre'
    >>> normalize("**Read more:** [Oil slips](https://example.com/oil)")
    'read more: oil slips'
    >>> normalize("\u3010\u95a2\u9023\u8a18\u4e8b\u3011")
    '\u95a2\u9023\u8a18\u4e8b'
    >>> normalize("\u76f8\u5173\u9605\u8bfb\uff1a\u6807\u9898")
    '\u76f8\u5173\u9605\u8bfb: \u6807\u9898'
    >>> normalize("image: nginx:stable")
    'image: nginx:stable'
    """
    if "](" in line:
        line = _MD_LINK.sub(r"\1", line)
    if "**" in line or "__" in line:
        line = _MD_EMPHASIS.sub("", line)
    line = fold(line).strip(_LEAD).rstrip(_TRAIL).lstrip(_LEAD).strip()
    return _COLON_GLUED.sub(r"\1: ", line, count=1) if ":" in line else line


def _ends_sentence(stripped: str) -> bool:
    tail = stripped.rstrip(_CLOSERS)
    return bool(tail) and tail[-1] in _SENTENCE_END


@attrs.frozen
class LineInfo:
    """One line as the cleaning steps see it (without its line ending).

    Attributes:
        text: The line as written, without the line ending.
        stripped: ``text`` without surrounding whitespace.
        norm: :func:`normalize` of the line; empty for a line longer than any
            rule in use can match (at most :data:`MAX_RULE_LINE_WORDS` words).
        blank: Whether the line holds only whitespace.
        sentence: Whether the line ends like a sentence (``. ! ;`` before
            closing quotes or brackets).
        words: How many words the line has (counted in ``norm`` when it is set).
    """

    text: str
    stripped: str
    norm: str
    blank: bool
    sentence: bool
    words: int

    @classmethod
    def of(cls, text: str, max_words: int = MAX_RULE_LINE_WORDS) -> LineInfo:
        """Classify one line (its line ending, if any, is ignored).

        Lines of more than *max_words* words (the longest any rule in use can
        match) are not normalised.
        """
        text = text.rstrip("\r\n")
        stripped = text.strip()
        words = count_words(stripped)
        norm = normalize(stripped) if words <= min(max_words, MAX_RULE_LINE_WORDS) else ""
        return cls(
            text=text,
            stripped=stripped,
            norm=norm,
            blank=not stripped,
            sentence=_ends_sentence(stripped),
            words=count_words(norm) if norm else words,
        )


def is_quotation(line: LineInfo) -> bool:
    """A line that opens with a quotation mark: article text, whatever it says.

    >>> is_quotation(LineInfo.of('"Read more," she said')), is_quotation(LineInfo.of("Read more"))
    (True, False)
    """
    return bool(line.stripped) and line.stripped[0] in _QUOTE_OPENERS


def _quote_then_words(stripped: str) -> bool:
    """Whether a line that opens with a quotation goes on with words after the quotation closes.

    "\u00ab Nous ne c\u00e9derons pas \u00bb : le maire r\u00e9pond" is a headline that quotes
    someone; a line that is quoted to its end is a quotation.
    """
    closing = next(
        (
            i
            for i, ch in enumerate(stripped[1:], 1)
            if ch in _QUOTE_CLOSERS and not stripped[i + 1 : i + 2].isalnum()  # not an apostrophe
        ),
        0,
    )
    return bool(closing) and any(ch.isalpha() for ch in stripped[closing + 1 :])


def is_heading(line: LineInfo) -> bool:
    """A Markdown heading (``## ...``) or a line that is bold as a whole (``**...**``).

    >>> is_heading(LineInfo.of("### What Lies Ahead"))
    True
    >>> is_heading(LineInfo.of("The Negotiation Deadlock"))
    False
    """
    return bool(_HEADING.match(line.text))


def is_list_item(line: LineInfo, max_words: int) -> bool:
    """A bulleted or numbered headline, a Markdown link line, or a bare URL.

    A bulleted *sentence* (ending with ``.``, ``!``, ``?`` or ``;``) is not an
    item: story lists are made of sentences, link lists of headlines.

    >>> is_list_item(LineInfo.of("- Trials in Quebec mirror the era"), 30)
    True
    >>> is_list_item(LineInfo.of("- The court upheld the ban."), 30)
    False
    >>> is_list_item(LineInfo.of("[Ten charts on trade](https://example.com/t)"), 30)
    True
    """
    if _LINK_ONLY.match(line.text):
        return True
    bullet = _BULLET.match(line.text)
    if bullet is None:
        return False
    words = count_words(line.text[bullet.end() :])
    return not line.sentence and 1 <= words <= max_words


def item_number(line: LineInfo) -> int | None:
    """The number of a numbered item ("4. Xero" is 4); ``None`` for any other line.

    >>> item_number(LineInfo.of("4. Xero")), item_number(LineInfo.of("- Xero"))
    (4, None)
    """
    numbered = _NUMBERED.match(line.text)
    return int(numbered.group(1)) if numbered else None


def is_number_only(line: LineInfo) -> bool:
    """A line holding only a small number: the rank of a headline in a numbered list.

    >>> is_number_only(LineInfo.of(" 2. ")), is_number_only(LineInfo.of("2025"))
    (True, False)
    """
    return bool(_NUMBER_ONLY.match(line.text))


def is_headline_like(
    line: LineInfo, max_words: int, *, questions: bool, min_words: int = 2
) -> bool:
    """A bare line that reads like a headline: short, not a sentence, not a quote.

    It has *min_words* to *max_words* words (see :func:`count_words`), at least
    one letter, is not a quotation (a line may open with one if words follow
    it: "\u00ab Nous ne c\u00e9derons pas \u00bb : le maire r\u00e9pond"), is not a heading, and
    does not end with a sentence end, a comma or a colon of any script
    (``. ! ; , :``, ``\u3002 \uff0c \u3001``, ``\u060c \u061b``...), nor with a question
    mark unless *questions*. A colon inside the line does not matter:
    "Kantinen: Preis steigt im Januar" is a headline.

    >>> is_headline_like(LineInfo.of("TikTok Ban Looms as Deadline Nears"), 30, questions=False)
    True
    >>> is_headline_like(LineInfo.of("He declined to comment."), 30, questions=False)
    False
    """
    stripped = line.stripped
    if not stripped or is_heading(line):
        return False
    if is_quotation(line) and not _quote_then_words(stripped):
        return False
    if not min_words <= line.words <= max_words:
        return False
    if not any(ch.isalpha() for ch in stripped):
        return False
    tail = stripped.rstrip(_CLOSERS)
    if not tail or tail[-1] in _NOT_HEADLINE_END:
        return False
    return questions or tail[-1] not in _QUESTION
