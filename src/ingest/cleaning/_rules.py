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

Lines are normalised and measured by ``_lines``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Final, Literal, TypeAlias, cast

import attrs

from ..core import OptionsError
from ._lines import LineInfo, count_words, fold, is_quotation, is_unspaced

__all__ = [
    "KINDS",
    "LEVELS",
    "CompiledRule",
    "Level",
    "Rule",
    "RuleSet",
    "compile_rule",
    "compile_rules",
    "default_rules",
    "first_match",
    "load_rules",
]

Level: TypeAlias = Literal["conservative", "normal", "aggressive"]

#: Aggressiveness levels, least aggressive first.
LEVELS: Final[tuple[Level, ...]] = ("conservative", "normal", "aggressive")

#: Rule kinds: what a match removes.
KINDS: Final = frozenset({"block", "line", "word-set"})

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
        "anywhere",
        "words",
        "min_items",
        "wildcard_words",
        "min_words",
        "sentences",
        "context",
        "colon",
        "no_colon",
        "bulleted",
        "heading",
    }
)

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
        no_colon: Whether a matching line must not end with a colon ("Read
            more" continues the teaser above it; "Read more:" announces a list).
        bulleted: Block rules: whether only bulleted or numbered headlines and
            link lines are items, not bare headlines ("Read more" over bulleted
            links opens a list; over a bare headline it ends a teaser).
        heading: Block rules: whether the marker reads as a section heading
            too ("Latest News", "Tags"): on a listing or collection page, or
            where the lists it opens would be the whole text, the list is the
            content and stays.
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
    no_colon: bool = False
    bulleted: bool = False
    heading: bool = False

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


def _placed_anywhere(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The patterns of *phrases* that may stand anywhere in a line (``[rule.anywhere]``):
    each alone, and with words before it, after it, or both (``...`` stands for one
    word or more).

    >>> for form in _placed_anywhere(("we may earn a commission",)):
    ...     print(form)
    we may earn a commission
    we may earn a commission ...
    ... we may earn a commission
    ... we may earn a commission ...
    """
    return tuple(
        form
        for phrase in phrases
        for form in (phrase, f"{phrase} ...", f"... {phrase}", f"... {phrase} ...")
    )


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
    anywhere = table.get("anywhere", {})
    if not isinstance(anywhere, dict) or (anywhere and kind == "word-set"):
        raise _fail(source, where, "[rule.anywhere] must be a table of language = [...] lists")
    for flag in ("sentences", "context", "colon", "no_colon", "bulleted", "heading"):
        if not isinstance(table.get(flag, False), bool):
            raise _fail(source, where, f"{flag!r} must be true or false, got {table[flag]!r}")
    return Rule(
        name=name,
        group=table["group"],
        kind=kind,
        level=level,
        reason=table["reason"],
        phrases=tuple(
            (
                lang,
                _str_list(phrases.get(lang, []), source, f"{where}, language {lang!r}")
                + _placed_anywhere(
                    _str_list(anywhere.get(lang, []), source, f"{where}, anywhere {lang!r}")
                ),
            )
            for lang in {**phrases, **anywhere}
        ),
        min_items=_int(table, "min_items", 0, source, where),
        wildcard_words=max(1, _int(table, "wildcard_words", 8, source, where)),
        min_words=max(1, _int(table, "min_words", 2, source, where)),
        sentences=table.get("sentences", False),
        context=table.get("context", False),
        colon=table.get("colon", False),
        no_colon=table.get("no_colon", False),
        bulleted=table.get("bulleted", False),
        heading=table.get("heading", False),
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

#: What separates the words of a row of buttons. Not a comma: "YouTube, TikTok, X"
#: is an enumeration written in the text (the platforms a creator is on).
_TOKEN_SPLIT: Final = re.compile(r"[\s|/\u00b7\u2022]+")
#: What a first word may end with that a pattern's first word does not ("published," "lire:").
_FIRST_WORD_TRIM: Final = ",;:.!?"


def _pattern_regex(pattern: str, wildcard_words: int) -> str:
    wildcard = rf"\S+(?: \S+){{0,{wildcard_words - 1}}}"
    chunks = fold(pattern.strip()).split("...")
    escaped = []
    for index, text in enumerate(chunks):
        # Next to Chinese or Japanese, the space around "..." is optional: "分享到 ..."
        # matches "分享到微信", written without spaces.
        head, chunk = "", text
        if index > 0 and text.startswith(" ") and is_unspaced(text[1:2]):
            head, chunk = " ?", text[1:]
        if chunk.endswith(" ") and index < len(chunks) - 1:
            # "published ..." also matches "published, broadcast ...".
            space = " ?" if is_unspaced(chunk[-2:-1]) else " "
            escaped.append(head + re.escape(chunk[:-1]) + r"[,;:.!?]?" + space)
        else:
            escaped.append(head + re.escape(chunk))
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
        return first_match((self,), line) is not None


def first_match(rules: Sequence[CompiledRule], line: LineInfo) -> CompiledRule | None:
    """The first of *rules* that matches *line* as a whole (:meth:`CompiledRule.matches`).

    What depends on the line alone (blank, too long to normalise, a quotation, its
    first word, its tokens) is found once, not once a rule: every line of every
    document is tried against every rule it does not match.
    """
    norm = line.norm
    if line.blank or not norm or is_quotation(line):
        return None  # a quotation is article text, whatever it says
    first = _first_word(norm)
    colon = line.stripped.endswith((":", "\uff1a"))
    tokens: list[str] | None = None
    for compiled in rules:
        rule = compiled.rule
        if line.words > compiled.max_words or (line.sentence and not rule.sentences):
            continue
        if (rule.colon or rule.no_colon) and colon != rule.colon:
            continue
        if not compiled.words:
            head = compiled.heads.get(first)
            if head is not None and head.fullmatch(norm) is not None:
                return compiled
            if any(
                literal in norm and regex.fullmatch(norm) is not None
                for literal, regex in compiled.loose
            ):
                return compiled
            continue
        if tokens is None:
            tokens = [t.strip(":;.!") for t in _TOKEN_SPLIT.split(norm) if t.strip(":;.!")]
        if len(tokens) >= rule.min_words and all(t in compiled.words for t in tokens):
            return compiled
    return None


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
        if "..." in head or not head or ("..." in phrase and is_unspaced(head[-1:])):
            # A Chinese or Japanese first word has no space after it in the line.
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
