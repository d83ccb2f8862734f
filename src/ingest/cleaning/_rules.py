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
    }
)

# -- normalisation ---------------------------------------------------------------

_QUOTES: Final = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'}
)
_LEAD: Final = " \t#*_[(|>-\u2013\u2014\u2022\u00b7\u25ba\u25b6\u2192~="
_TRAIL: Final = " \t:.!?\u2026\u00bb\u203a>\u2192|-\u2013\u2014*_])#\u25b6\u25ba"
_SPACES: Final = re.compile(r"\s+")
_SPACE_COLON: Final = re.compile(r"\s+:")
_SLASH: Final = re.compile(r"\s*/\s*")
_MD_LINK: Final = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS: Final = re.compile(r"\*\*|__")
_NUMBER_ONLY: Final = re.compile(r"^\s*\d{1,2}[.)]?\s*$")
_SENTENCE_END: Final = frozenset(".!;")
_CLOSERS: Final = "\"')]}\u201d\u2019\u00bb*_ \t"
_QUOTE_OPENERS: Final = frozenset("\"'\u201c\u201e\u00ab\u2018\u201a>")
_BULLET: Final = re.compile(r"^\s*(?:[-*+\u2022\u00b7\u25aa\u25ba\u2013\u2014]|\d{1,2}[.)])\s+\S")
_LINK_ONLY: Final = re.compile(
    r"^\s*(?:[-*+\u2022]\s+)?(?:\[[^\]]+\]\([^)]*\)|<?https?://\S+>?)\s*$"
)
_HEADING: Final = re.compile(r"^\s*(?:#{1,6}\s+\S|\*\*[^*].*\*\*\s*$|__[^_].*__\s*$)")


def fold(text: str) -> str:
    """Case-fold, NFKC-normalise, straighten quotes and collapse spaces (no stripping)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    text = _SLASH.sub("/", _SPACE_COLON.sub(":", text))
    return _SPACES.sub(" ", text)


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
    """
    line = _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", line))
    return fold(line).strip(_LEAD).rstrip(_TRAIL).lstrip(_LEAD).strip()


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
        words = len(stripped.split())
        norm = normalize(stripped) if words <= min(max_words, MAX_RULE_LINE_WORDS) else ""
        return cls(
            text=text,
            stripped=stripped,
            norm=norm,
            blank=not stripped,
            sentence=_ends_sentence(stripped),
            words=norm.count(" ") + 1 if norm else words,
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
    if not _BULLET.match(line.text):
        return False
    words = len(line.stripped.split()) - 1  # the bullet is the first "word"
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

    It has *min_words* to *max_words* words, at least one letter, does not start with a
    quotation mark, is not a heading, and does not end with ``. ! ; , :``
    (nor with ``?`` unless *questions*).

    >>> is_headline_like(LineInfo.of("TikTok Ban Looms as Deadline Nears"), 30, questions=False)
    True
    >>> is_headline_like(LineInfo.of("He declined to comment."), 30, questions=False)
    False
    """
    stripped = line.stripped
    if not stripped or stripped[0] in _QUOTE_OPENERS or is_heading(line):
        return False
    if not min_words <= len(stripped.split()) <= max_words:
        return False
    if not any(ch.isalpha() for ch in stripped):
        return False
    tail = stripped.rstrip(_CLOSERS)
    if not tail or tail[-1] in ".!;,:\u2026":
        return False
    return questions or tail[-1] != "?"


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
    for flag in ("sentences", "context"):
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
    """A rule reduced to the languages in use, ready to match lines."""

    rule: Rule
    regex: re.Pattern[str] | None
    words: frozenset[str]
    max_words: int = 10_000

    def matches(self, line: LineInfo) -> bool:
        """Whether *line*, as a whole, is what this rule describes."""
        if line.blank or line.words > self.max_words or not line.norm:
            return False
        if line.sentence and not self.rule.sentences:
            return False
        if line.stripped[0] in _QUOTE_OPENERS:
            return False  # a quotation is article text, whatever it says
        if self.regex is not None:
            return self.regex.fullmatch(line.norm) is not None
        tokens = [t.strip(":;.!") for t in _TOKEN_SPLIT.split(line.norm) if t.strip(":;.!")]
        return len(tokens) >= self.rule.min_words and all(t in self.words for t in tokens)


def compile_rule(rule: Rule, languages: frozenset[str] | None) -> CompiledRule | None:
    """Compile *rule* for *languages* (``None``: all); ``None`` when it has no phrase for them."""
    phrases = sorted(
        {p for lang, ps in rule.phrases if languages is None or lang in languages for p in ps}
    )
    if not phrases:
        return None
    if rule.kind == "word-set":
        return CompiledRule(rule, None, frozenset(fold(p).strip() for p in phrases))
    alternatives = "|".join(f"(?:{_pattern_regex(p, rule.wildcard_words)})" for p in phrases)
    # No line longer than the longest pattern can match: skip such lines cheaply.
    longest = max(
        len(fold(p).replace("...", " ").split()) + p.count("...") * rule.wildcard_words
        for p in phrases
    )
    return CompiledRule(rule, re.compile(alternatives), frozenset(), longest)


def compile_rules(
    rules: Iterable[Rule], languages: frozenset[str] | None
) -> tuple[CompiledRule, ...]:
    """Compile every rule that has phrases for *languages*, keeping their order."""
    compiled = (compile_rule(rule, languages) for rule in rules)
    return tuple(c for c in compiled if c is not None)
