"""The boilerplate rule table: loading, validating and compiling ``data/boilerplate.toml``.

Rules are data. Each rule names a *kind* of boilerplate (a link-list marker,
an advertisement label, a cookie notice, ...), the *group* it belongs to, the
least *aggressiveness* at which it applies, the *reason* shown by
``--explain``, and its phrases per language. The pattern language is small on
purpose: a pattern matches a whole normalised line, and ``...`` stands for one
to ``wildcard_words`` words.

>>> rule = compile_rule(default_rules().rule("advertisement"), None)
>>> rule.matches(LineInfo.of("  ADVERTISEMENT  "))
True
>>> rule.matches(LineInfo.of("The advertisement ran for a week."))
False

This module also holds the line classifiers the cleaning steps share: what a
heading, a list item and a headline-like line look like.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Final, Literal, TypeAlias, cast

import attrs

from ..core import OptionsError

__all__ = [
    "KINDS",
    "LEVELS",
    "MAX_RULE_LINE_WORDS",
    "CompiledRule",
    "Level",
    "LineInfo",
    "Rule",
    "RuleSet",
    "compile_rule",
    "compile_rules",
    "count_words",
    "default_rules",
    "fold",
    "is_heading",
    "is_headline_like",
    "is_list_item",
    "is_number_only",
    "load_rules",
    "normalize",
]

Level: TypeAlias = Literal["conservative", "normal", "aggressive"]

#: Aggressiveness levels, least aggressive first.
LEVELS: Final[tuple[Level, ...]] = ("conservative", "normal", "aggressive")

#: Rule kinds: what a match removes.
KINDS: Final = frozenset({"block", "line", "word-set"})

#: Lines with more words than this are article text: no rule pattern is matched
#: against them (nor are they normalised, which keeps cleaning fast).
MAX_RULE_LINE_WORDS: Final = 80

_RULES_FILE: Final = "boilerplate.toml"
_FORMAT: Final = 1
_RULE_KEYS: Final = frozenset(
    {
        "name",
        "group",
        "kind",
        "level",
        "reason",
        "patterns",
        "words",
        "min_items",
        "wildcard_words",
        "min_words",
        "sentences",
        "context",
        "colon",
    }
)

# -- normalisation ---------------------------------------------------------------

_QUOTES: Final = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'}
)
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
_LETTERS: Final = str.maketrans({"\u0131": "i"})
#: Han characters and kana: scripts written without spaces between words.
_UNSPACED: Final = re.compile(
    "[\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"
)
#: How many characters of Chinese or Japanese count as one word (an average word of
#: either language is one to two characters long).
UNSPACED_CHARS_PER_WORD: Final = 2
_COLON_GLUED: Final = re.compile(r":(?=[^\s\d/])")
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
_BULLET: Final = re.compile(
    r"^\s*(?:(?:[-*+\u2022\u00b7\u25aa\u25ba\u25b8\u25e6\u2013\u2014\u203a\u2192]|\d{1,2}[.)])\s+"
    r"|[\u30fb\u25cf\u25a0\u25b6]\s*)(?=\S)"  # Japanese and Chinese bullets need no space
)
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
        text = unicodedata.normalize("NFC", _MARKS.sub("", text)).translate(_LETTERS)
    text = _SLASH.sub("/", _SPACE_COLON.sub(":", text.translate(_QUOTES)))
    return _SPACES.sub(" ", text)


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
    """
    line = _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", line))
    line = fold(line).strip(_LEAD).rstrip(_TRAIL).lstrip(_LEAD).strip()
    return _COLON_GLUED.sub(": ", line) if ":" in line else line


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
    one letter, does not start with a quotation mark, is not a heading, and
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
    if not stripped or stripped[0] in _QUOTE_OPENERS or is_heading(line):
        return False
    if not min_words <= line.words <= max_words:
        return False
    if not any(ch.isalpha() for ch in stripped):
        return False
    tail = stripped.rstrip(_CLOSERS)
    if not tail or tail[-1] in _NOT_HEADLINE_END:
        return False
    return questions or tail[-1] not in _QUESTION


# -- the rule table ---------------------------------------------------------------


@attrs.frozen
class Rule:
    """One boilerplate rule, as written in the rules file.

    Attributes:
        name: Unique rule name, shown in explanations.
        group: Rule group, selectable with ``CleanOptions.groups``.
        kind: ``"block"``, ``"line"`` or ``"word-set"`` (see the rules file).
        level: The least aggressiveness at which the rule applies.
        reason: Why a matching line is boilerplate, shown in explanations.
        phrases: ``(language, phrases)`` pairs: patterns (``block``, ``line``)
            or words (``word-set``).
        min_items: Block rules: the fewest headline items that must follow the
            marker before anything is removed.
        wildcard_words: The most words one ``...`` in a pattern stands for.
        min_words: Word-set rules: the fewest words a matching line has.
        sentences: Whether a line that ends like a sentence may match.
        context: Whether the rule applies only next to other boilerplate: in a
            run of matched (or blank) lines that holds a line matched by a rule
            without ``context``.
        colon: Whether a matching line must end with a colon ("See also:"
            announces a list; "See also" is a section heading).
    """

    name: str
    group: str
    kind: str
    level: Level
    reason: str
    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    min_items: int = 0
    wildcard_words: int = 8
    min_words: int = 2
    sentences: bool = False
    context: bool = False
    colon: bool = False

    @property
    def languages(self) -> frozenset[str]:
        """The languages this rule has phrases for."""
        return frozenset(lang for lang, _ in self.phrases)


@attrs.frozen
class RuleSet:
    """An ordered collection of rules; the first matching rule explains a line."""

    rules: tuple[Rule, ...]

    @property
    def languages(self) -> frozenset[str]:
        """Every language some rule has phrases for."""
        return frozenset().union(*(r.languages for r in self.rules))

    @property
    def groups(self) -> frozenset[str]:
        """Every rule group."""
        return frozenset(r.group for r in self.rules)

    def rule(self, name: str) -> Rule:
        """The rule called *name*."""
        for r in self.rules:
            if r.name == name:
                return r
        known = ", ".join(r.name for r in self.rules)
        raise OptionsError(f"no boilerplate rule is called {name!r}; known rules: {known}")

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(self.rules + other.rules)


def _fail(source: str, where: str, msg: str) -> OptionsError:
    return OptionsError(f"{source}: {where}: {msg}")


def _str_list(value: object, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return _raise(_fail(source, where, "expected a list of non-empty strings"))
    return tuple(cast("list[str]", value))


def _raise(error: OptionsError) -> tuple[str, ...]:
    raise error


def _int(table: Mapping[str, object], key: str, default: int, source: str, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 200:
        raise _fail(source, where, f"{key!r} must be an integer from 0 to 200, got {value!r}")
    return value


def _rule(table: object, source: str, index: int) -> Rule:
    where = f"rule #{index + 1}"
    if not isinstance(table, dict):
        raise _fail(source, where, "expected a table ([[rule]])")
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise _fail(source, where, f"unknown keys {unknown}; allowed: {sorted(_RULE_KEYS)}")
    for key in ("name", "group", "kind", "reason"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise _fail(source, where, f"{key!r} must be a non-empty string")
    name, kind = table["name"], table["kind"]
    where = f"rule {name!r}"
    if kind not in KINDS:
        raise _fail(source, where, f"'kind' must be one of {sorted(KINDS)}, got {kind!r}")
    level = table.get("level", "normal")
    if level not in LEVELS:
        raise _fail(source, where, f"'level' must be one of {list(LEVELS)}, got {level!r}")
    key = "words" if kind == "word-set" else "patterns"
    phrases = table.get(key)
    if not isinstance(phrases, dict) or not phrases:
        raise _fail(source, where, f"expected a [rule.{key}] table of language = [...] lists")
    for flag in ("sentences", "context", "colon"):
        if not isinstance(table.get(flag, False), bool):
            raise _fail(source, where, f"{flag!r} must be true or false, got {table[flag]!r}")
    return Rule(
        name=name,
        group=table["group"],
        kind=kind,
        level=level,
        reason=table["reason"],
        phrases=tuple(
            (lang, _str_list(v, source, f"{where}, language {lang!r}"))
            for lang, v in phrases.items()
        ),
        min_items=_int(table, "min_items", 0, source, where),
        wildcard_words=max(1, _int(table, "wildcard_words", 8, source, where)),
        min_words=max(1, _int(table, "min_words", 2, source, where)),
        sentences=table.get("sentences", False),
        context=table.get("context", False),
        colon=table.get("colon", False),
    )


def load_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Parse and validate a rules file in the format of ``data/boilerplate.toml``.

    Raises :class:`ingest.OptionsError` naming the file and the rule at fault.

    >>> rules = load_rules('''
    ... [[rule]]
    ... name = "paywall"
    ... group = "extra"
    ... kind = "line"
    ... reason = "paywall prompt"
    ... patterns.en = ["continue reading with a subscription"]
    ... ''')
    >>> [r.name for r in rules.rules]
    ['paywall']
    >>> load_rules("rule = 3", "mine.toml")
    Traceback (most recent call last):
    ...
    ingest.OptionsError: mine.toml: top level: expected one or more [[rule]] tables
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OptionsError(f"{source}: not valid TOML: {exc}; fix the file or remove it") from exc
    fmt = data.get("format", _FORMAT)
    if fmt != _FORMAT:
        raise _fail(source, "top level", f"'format' must be {_FORMAT}, got {fmt!r}")
    tables = data.get("rule")
    if not isinstance(tables, list) or not tables:
        raise _fail(source, "top level", "expected one or more [[rule]] tables")
    rules = tuple(_rule(t, source, i) for i, t in enumerate(tables))
    seen: set[str] = set()
    for r in rules:
        if r.name in seen:
            raise _fail(source, f"rule {r.name!r}", "the name is used by an earlier rule")
        seen.add(r.name)
    return RuleSet(rules)


@functools.cache
def default_rules() -> RuleSet:
    """The rules shipped with ``ingest`` (``ingest/cleaning/data/boilerplate.toml``), read once."""
    text = (
        resources.files("ingest.cleaning").joinpath("data", _RULES_FILE).read_text(encoding="utf-8")
    )
    return load_rules(text, f"ingest/cleaning/data/{_RULES_FILE}")


# -- compiled rules ---------------------------------------------------------------

_TOKEN_SPLIT: Final = re.compile(r"[\s|/\u00b7\u2022,]+")
#: What a first word may end with that a pattern's first word does not ("published," "lire:").
_FIRST_WORD_TRIM: Final = ",;:.!?"


def _pattern_regex(pattern: str, wildcard_words: int) -> str:
    wildcard = rf"\S+(?: \S+){{0,{wildcard_words - 1}}}"
    chunks = fold(pattern.strip()).split("...")
    escaped = []
    for index, chunk in enumerate(chunks):
        if chunk.endswith(" ") and index < len(chunks) - 1:
            # "published ..." also matches "published, broadcast ...".
            escaped.append(re.escape(chunk[:-1]) + r"[,;:.!?]? ")
        else:
            escaped.append(re.escape(chunk))
    return wildcard.join(escaped)


@attrs.frozen
class CompiledRule:
    """A rule reduced to the languages in use, ready to match lines.

    Attributes:
        rule: The rule.
        words: Word-set rules: the words (empty for pattern rules).
        max_words: The most words a matching line can have.
        heads: The patterns that open with a word, as one regex per first word:
            a line is tried only against the patterns that open with its first word.
        loose: The patterns that open with a wildcard (``... all rights
            reserved``), each with its longest literal part: a line is tried
            only against the patterns whose literal it contains.
    """

    rule: Rule
    words: frozenset[str]
    max_words: int = 10_000
    heads: Mapping[str, re.Pattern[str]] = attrs.field(factory=dict)
    loose: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def matches(self, line: LineInfo) -> bool:
        """Whether *line*, as a whole, is what this rule describes."""
        if line.blank or line.words > self.max_words or not line.norm:
            return False
        if line.sentence and not self.rule.sentences:
            return False
        if line.stripped[0] in _QUOTE_OPENERS:
            return False  # a quotation is article text, whatever it says
        if self.rule.colon and not line.stripped.endswith((":", "\uff1a")):
            return False
        if not self.words:
            head = self.heads.get(_first_word(line.norm))
            if head is not None and head.fullmatch(line.norm) is not None:
                return True
            return any(
                literal in line.norm and regex.fullmatch(line.norm) is not None
                for literal, regex in self.loose
            )
        tokens = [t.strip(":;.!") for t in _TOKEN_SPLIT.split(line.norm) if t.strip(":;.!")]
        return len(tokens) >= self.rule.min_words and all(t in self.words for t in tokens)


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0].rstrip(_FIRST_WORD_TRIM)


def _alternation(patterns: Iterable[str], wildcard_words: int) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_pattern_regex(p, wildcard_words)})" for p in patterns))


def compile_rule(rule: Rule, languages: frozenset[str] | None) -> CompiledRule | None:
    """Compile *rule* for *languages* (``None``: all); ``None`` when it has no phrase for them."""
    phrases = sorted(
        {p for lang, ps in rule.phrases if languages is None or lang in languages for p in ps}
    )
    if not phrases:
        return None
    if rule.kind == "word-set":
        return CompiledRule(rule, frozenset(fold(p).strip() for p in phrases))
    by_head: dict[str, list[str]] = {}
    loose = []
    for phrase in phrases:
        head = _first_word(fold(phrase.strip()))
        if "..." in head or not head:
            loose.append(phrase)
        else:
            by_head.setdefault(head, []).append(phrase)
    # No line longer than the longest pattern can match: skip such lines cheaply.
    longest = max(
        count_words(fold(p).replace("...", " ")) + p.count("...") * rule.wildcard_words
        for p in phrases
    )
    heads = {head: _alternation(group, rule.wildcard_words) for head, group in by_head.items()}
    literals = [max(fold(p.strip()).split("..."), key=len).strip() for p in loose]
    return CompiledRule(
        rule,
        frozenset(),
        longest,
        heads,
        tuple(
            (literal, _alternation([p], rule.wildcard_words))
            for literal, p in zip(literals, loose, strict=True)
        ),
    )


def compile_rules(
    rules: Iterable[Rule], languages: frozenset[str] | None
) -> tuple[CompiledRule, ...]:
    """Compile every rule that has phrases for *languages*, keeping their order."""
    compiled = (compile_rule(rule, languages) for rule in rules)
    return tuple(c for c in compiled if c is not None)
