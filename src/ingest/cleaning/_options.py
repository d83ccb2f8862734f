"""The options of the cleaning stage and the rule plan they select."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Final, cast

import attrs

from ..core import OptionsError, integer, number, one_of
from ._rules import (
    LEVELS,
    CompiledRule,
    Level,
    Rule,
    RuleSet,
    compile_rules,
    default_rules,
    load_rules,
)

__all__ = ["CORPUS_GROUP", "CleanOptions", "Plan", "for_language", "plan_for", "primary_language"]

#: The group of the corpus-level rule (lines shared by many documents of a source).
CORPUS_GROUP: Final = "corpus"

_USER_RULES: Final = frozenset({"extra-marker", "extra-line"})


def _string_tuple(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str | PathLike):
        value = (value,)
    if not isinstance(value, Iterable):
        raise OptionsError(f"{what} must be a list of strings, got {value!r}")
    items = tuple(str(v) if isinstance(v, PathLike) else v for v in value)
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise OptionsError(f"{what} must hold only strings, got {bad[0]!r}")
    return cast("tuple[str, ...]", items)


def _groups(value: object) -> frozenset[str] | None:
    return None if value is None else frozenset(_string_tuple(value, "CleanOptions.groups"))


def _languages(value: object) -> frozenset[str] | None:
    return None if value is None else frozenset(_string_tuple(value, "CleanOptions.languages"))


def _extra_markers(value: object) -> tuple[str, ...]:
    return _string_tuple(value, "CleanOptions.extra_markers")


def _extra_lines(value: object) -> tuple[str, ...]:
    return _string_tuple(value, "CleanOptions.extra_lines")


def _rule_files(value: object) -> tuple[str, ...]:
    return _string_tuple(value, "CleanOptions.rule_files")


def _read_rule_file(path: str) -> RuleSet:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsError(
            f"CleanOptions.rule_files: cannot read {path!r} ({exc}); "
            "give the path of a UTF-8 rules file in the format of "
            "ingest/cleaning/data/boilerplate.toml"
        ) from exc
    return load_rules(text, path)


def _extra_rules(options: CleanOptions) -> RuleSet:
    rules = RuleSet(())
    for path in options.rule_files:
        rules = rules + _read_rule_file(path)
    user: list[Rule] = []
    if options.extra_markers:
        user.append(
            Rule(
                name="extra-marker",
                group="link-lists",
                kind="block",
                level="conservative",
                reason="link-list block introduced by a marker from CleanOptions.extra_markers",
                phrases=(("*", options.extra_markers),),
            )
        )
    if options.extra_lines:
        user.append(
            Rule(
                name="extra-line",
                group="extra",
                kind="line",
                level="conservative",
                reason="line matching a pattern from CleanOptions.extra_lines",
                phrases=(("*", options.extra_lines),),
                sentences=True,
            )
        )
    return rules + RuleSet(tuple(user))


@attrs.frozen
class CleanOptions:
    """How :func:`ingest.clean` decides what is boilerplate.

    Derive variants with :func:`attrs.evolve`; every value is checked when the
    object is built and a bad one raises :class:`ingest.OptionsError`.

    >>> CleanOptions(languages={"en", "fr"}).languages == frozenset({"en", "fr"})
    True
    >>> CleanOptions(aggressiveness="high")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ingest.OptionsError: CleanOptions.aggressiveness must be one of ..., got 'high'

    Attributes:
        groups: The rule groups to apply, ``None`` for all. Built-in groups:
            ``link-lists``, ``ads``, ``social``, ``newsletter``, ``cookies``,
            ``legal``, ``navigation``, ``credits``, and ``corpus`` (lines a
            :class:`BoilerplateModel` learned); rule files may add more.
            ``extra_markers`` and ``extra_lines`` always apply.
        languages: The languages whose phrases are used (26 built in: ``ar cs
            da de el en es fi fr hi hu id it ja ko nb nl pl pt ro ru sv tr uk vi
            zh``, or
            any a rule file adds), ``None`` for all. Matching is whole-line, so
            using every language is safe and is the default; with ``None``, a
            document whose ``meta["language"]`` has rules gets only those.
        aggressiveness: ``"conservative"`` applies only unmistakable rules and
            removes bare (unbulleted) headline lines of a link list only when the
            list ends the text; ``"normal"`` (default) also applies one-word
            section markers such as "Related" when at least two headlines
            follow (one after "Related:"); ``"aggressive"`` also removes a last
            headline that might be a subheading of the paragraph after it, also
            when it ends in ``?``.
        extra_markers: More link-list marker patterns (rules-file pattern syntax:
            whole-line, case-insensitive, ``...`` for a few words), e.g.
            ``("more from the newsroom",)``.
        extra_lines: More single-line boilerplate patterns, e.g.
            ``("continue reading with ...",)``.
        rule_files: Paths of more rules files in the format of
            ``ingest/cleaning/data/boilerplate.toml``, applied after the built-in rules.
        max_item_words: The most words a headline of a link list may have;
            longer lines end the list and are kept.
        corpus_min_documents: Corpus rule: a line is learned as boilerplate only
            if at least this many documents contain it.
        corpus_min_share: Corpus rule: ... and at least this share (0-1] of the
            documents contain it.
        corpus_max_document_share: Corpus rule: a document in which learned
            lines make up more than this share (0-1] of the non-blank lines is
            left alone (it is likely a copy of another document, not a page
            with a footer).
        corpus_headline_documents: Corpus rule: a headline-like line that at
            least this many documents contain (the document itself included)
            is one of the source's link headlines; two or more of them in a
            row are removed as a link list without a marker.
    """

    groups: frozenset[str] | None = attrs.field(default=None, converter=_groups)
    languages: frozenset[str] | None = attrs.field(default=None, converter=_languages)
    aggressiveness: Level = attrs.field(default="normal", validator=one_of(LEVELS))
    extra_markers: tuple[str, ...] = attrs.field(default=(), converter=_extra_markers)
    extra_lines: tuple[str, ...] = attrs.field(default=(), converter=_extra_lines)
    rule_files: tuple[str, ...] = attrs.field(default=(), converter=_rule_files)
    max_item_words: int = attrs.field(default=30, validator=integer(1, 10_000))
    corpus_min_documents: int = attrs.field(default=5, validator=integer(1, 10_000))
    corpus_min_share: float = attrs.field(default=0.5, validator=number(0, 1, low_open=True))
    corpus_max_document_share: float = attrs.field(
        default=0.5, validator=number(0, 1, low_open=True)
    )
    corpus_headline_documents: int = attrs.field(
        default=2,
        validator=integer(2, 10_000, hint="a headline seen in one document is not seen elsewhere"),
    )

    def __attrs_post_init__(self) -> None:
        for name in ("extra_markers", "extra_lines"):
            for pattern in getattr(self, name):
                if not pattern.strip() or not pattern.replace("...", "").strip():
                    raise OptionsError(
                        f"CleanOptions.{name} holds {pattern!r}; a pattern needs at least one word"
                    )
        rules = default_rules() + _extra_rules(self)
        self._check_subset("groups", self.groups, rules.groups | {CORPUS_GROUP, "extra"})
        self._check_subset("languages", self.languages, rules.languages - {"*"})

    @staticmethod
    def _check_subset(name: str, given: frozenset[str] | None, known: frozenset[str]) -> None:
        if given is None:
            return
        unknown = sorted(given - known)
        if unknown:
            raise OptionsError(
                f"CleanOptions.{name} has unknown {name} {unknown}; "
                f"known {name}: {sorted(known)} (or None for all)"
            )


@attrs.frozen
class Plan:
    """The compiled rules that one :class:`CleanOptions` selects."""

    line_rules: tuple[CompiledRule, ...]
    block_rules: tuple[CompiledRule, ...]
    corpus: bool
    options: CleanOptions
    #: The most words a line matched by any of the rules can have (found once: every
    #: line of every document reads it).
    max_words: int = attrs.field(init=False)

    @max_words.default
    def _max_words(self) -> int:
        return max((c.max_words for c in self.line_rules + self.block_rules), default=0)


@functools.lru_cache(maxsize=32)
def plan_for(options: CleanOptions) -> Plan:
    """Compile the rules *options* selects (memoised: options are immutable)."""
    rank = LEVELS.index(options.aggressiveness)
    rules = default_rules() + _extra_rules(options)
    languages = None if options.languages is None else options.languages | {"*"}
    chosen = [
        r
        for r in rules.rules
        if LEVELS.index(r.level) <= rank
        and (options.groups is None or r.group in options.groups or r.name in _USER_RULES)
    ]
    compiled = compile_rules(chosen, languages)
    return Plan(
        line_rules=tuple(c for c in compiled if c.rule.kind != "block"),
        block_rules=tuple(c for c in compiled if c.rule.kind == "block"),
        corpus=options.groups is None or CORPUS_GROUP in options.groups,
        options=options,
    )


def primary_language(tag: object) -> str:
    """The primary subtag of a language tag, lower-cased: ``"pt-BR"`` is ``"pt"``; ``""`` if none.

    >>> primary_language("pt-BR"), primary_language(" DE "), primary_language(None)
    ('pt', 'de', '')
    """
    if not isinstance(tag, str):
        return ""
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary.isalpha() and primary.isascii() else ""


@functools.lru_cache(maxsize=256)
def for_language(options: CleanOptions, language: str) -> CleanOptions | None:
    """*options* narrowed to the rules of *language*, or ``None`` to keep every language's.

    Only options that use every language (``languages=None``) are narrowed, and
    only to a language some rule has phrases for: a caller's own choice of
    languages stands, and a page in a language without rules gets them all.
    """
    if options.languages is not None:
        return None
    known = (default_rules() + _extra_rules(options)).languages
    if language not in known or language == "*":
        return None
    return attrs.evolve(options, languages=frozenset({language}))
