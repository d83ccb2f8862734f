"""Line normalisation and rule matching: the fast paths give what the plain forms give."""

# ruff: noqa: RUF001 (curly quotes, fullwidth colons and other scripts are the point)

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import CleanOptions
from ingest.cleaning._lines import LineInfo, fold, normalize
from ingest.cleaning._options import for_language, plan_for
from ingest.cleaning._rules import first_match

#: Characters that fold's and normalize's shortcuts look for, among ordinary ones.
_SPECIAL = (
    " \t\u00a0\u2003\u3000\n:/`*_[]()\u2019\u2018\u02bc\u201c\u201d\u0131\u0301\u064eİıÀé：我"
)
_LINES = st.text(alphabet=st.sampled_from(_SPECIAL + "abcXYZ019.!?-#"), max_size=40) | st.text(
    max_size=30
)


def _plain_fold(text: str) -> str:
    """fold as it was written before its shortcuts: every substitution, every time."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFD", text)
        text = re.sub(
            "[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640"
            "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]",
            "",
            text,
        )
        text = unicodedata.normalize("NFC", text).translate({0x131: "i"})
    quotes: dict[str, str | int | None] = {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
    text = text.translate(str.maketrans(quotes))
    text = re.sub(r"\s*/\s*", "/", re.sub(r"\s+:", ":", text))
    return re.sub(r"\s+", " ", text)


@settings(max_examples=400)
@given(_LINES)
def test_fold_gives_what_every_substitution_gives(text: str) -> None:
    assert fold(text) == _plain_fold(text)


@given(_LINES)
def test_normalize_unwraps_markdown_only_where_it_is(text: str) -> None:
    plain = re.sub(r"\*\*|__", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))
    assert normalize(text) == normalize(plain)


def test_every_whitespace_but_the_space_is_unprintable() -> None:
    """fold skips collapsing spaces in a printable line without a double space."""
    whitespace = re.compile(r"\s")
    found = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if code != 0x20 and whitespace.match(chr(code)) and chr(code).isprintable()
    ]
    assert found == []


_RULE_WORDS = st.sampled_from(
    [
        "Read also",
        "Lesen Sie auch",
        "Advertisement",
        "Share",
        "Facebook",
        "Twitter",
        "Follow us",
        "All rights reserved",
        "©",
        "2024",
        "Menu",
        "Oil slips",
        "said.",
        "Related:",
        "関連記事",
        '"Read more," she said',
        "|",
        "•",
    ]
)


@settings(max_examples=300)
@given(st.lists(_RULE_WORDS, min_size=1, max_size=5), st.sampled_from(["", "en", "de", "ja"]))
def test_first_match_is_the_first_rule_that_matches_alone(words: list[str], language: str) -> None:
    options = CleanOptions()
    narrowed = for_language(options, language) if language else None
    plan = plan_for(narrowed or options)
    line = LineInfo.of(" ".join(words), plan.max_words)
    for rules in (plan.line_rules, plan.block_rules):
        alone = next((rule for rule in rules if rule.matches(line)), None)
        assert first_match(rules, line) is alone
