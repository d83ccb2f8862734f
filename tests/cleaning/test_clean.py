"""Boilerplate cleaning: seeds, labelled fixtures, explanations, options and properties."""

from __future__ import annotations

import pickle
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import (
    CleanOptions,
    CleanResult,
    Document,
    OptionsError,
    RemovedSpan,
    clean,
    learn_boilerplate,
)
from ingest.cleaning._clean import STEPS, split_lines

from ..conftest import FIXTURES, SEEDS
from ..strategies import cleaning_texts

CASES = sorted((FIXTURES / "cleaning" / "cases").glob("*.toml"))
SEED_REMOVED: dict[str, list[int]] = tomllib.loads(
    (FIXTURES / "cleaning" / "seeds.toml").read_text(encoding="utf-8")
)["removed"]


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    remaining = iter(long)
    return all(any(line == other for other in remaining) for line in short)


def _load_case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# -- seeds ----------------------------------------------------------------------------


def test_every_seed_has_an_expectation() -> None:
    assert sorted(SEED_REMOVED) == sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(SEED_REMOVED))
def test_seed_loses_exactly_the_expected_lines(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    result = clean(text)
    removed = [n for span in result.removed for n in range(span.start, span.end + 1)]
    assert removed == SEED_REMOVED[name]
    lines = text.split("\n")
    kept = "\n".join(line for n, line in enumerate(lines, 1) if n not in SEED_REMOVED[name])
    assert result.text.rstrip() == kept.rstrip()


@pytest.mark.parametrize("name", [n for n, removed in SEED_REMOVED.items() if not removed])
def test_unchanged_seeds_are_byte_identical(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert clean(text).text.rstrip() == text.rstrip()


def test_seed_001_loses_the_most_read_block_and_nothing_else() -> None:
    text = (SEEDS / "001_c51191e24029489c.txt").read_text(encoding="utf-8")
    result = clean(text)
    assert "MOST READ" not in result.text
    assert "MrBeast" not in result.text
    for heading in ("The Negotiation Deadlock", "Legal and Regulatory Challenges"):
        assert f"\n{heading}\n" in result.text
    assert result.text.endswith("the future landscape of international tech policy.\n")


def test_seed_004_loses_the_read_also_block() -> None:
    text = (SEEDS / "004_2a6d3f40887b6548.txt").read_text(encoding="utf-8")
    result = clean(text)
    assert [(s.start, s.end, s.rule) for s in result.removed] == [(13, 17, "link-list")]
    assert result.text.splitlines()[-1].startswith("As the negotiations continue")


# -- labelled fixtures -------------------------------------------------------------------


def test_the_fixture_corpus_is_not_empty() -> None:
    assert len(CASES) >= 40
    langs = {_load_case(path)["lang"] for path in CASES}
    assert {"en", "fr", "de", "es", "pt", "it", "ru"} <= langs
    assert sum(_load_case(path)["expect"] == "unchanged" for path in CASES) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture(path: Path) -> None:
    case = _load_case(path)
    assert case["expect"] in {"clean", "unchanged"}, "expect is 'clean' or 'unchanged'"
    options = CleanOptions(**case.get("options", {}))
    corpus = case.get("corpus")
    model = learn_boilerplate([*corpus, case["input"]], options) if corpus else None
    expected = case["input"] if case["expect"] == "unchanged" else case["output"]
    result = clean(case["input"], options, corpus=model)
    assert result.text.rstrip() == expected.rstrip(), case["label"]
    if case["expect"] == "clean":
        assert result.removed, "a 'clean' case must remove something"
        assert expected.rstrip() != case["input"].rstrip()
    assert clean(result.text, options, corpus=model).text == result.text
    # Known misses: boilerplate kept on purpose because it reads like article text.
    for line in case.get("known_misses", []):
        assert line in case["input"].splitlines()
        assert line in result.text.splitlines()


# -- results, documents and explanations ------------------------------------------------


def test_cleaning_a_document_keeps_its_id_and_counts_removed_lines() -> None:
    doc = Document(name="a.txt", text="Talks stalled.\nAdvertisement\nBoth sides left.\n")
    result = clean(doc)
    assert result.document is not None
    assert result.document.id == doc.id
    assert result.document.text == "Talks stalled.\nBoth sides left.\n"
    assert dict(result.document.meta) == {"boilerplate_removed": 1}
    assert result.name == "a.txt"
    assert clean(doc.text).document is None


def test_meta_is_extended_not_replaced() -> None:
    # (A lone "x" line would go too: next to a share prompt it is the X button.)
    doc = Document(
        name="a", text="Talks resume.\nShare this article\n", meta={"url": "https://e.x/a"}
    )
    cleaned = clean(doc).document
    assert cleaned is not None
    assert dict(cleaned.meta) == {"url": "https://e.x/a", "boilerplate_removed": 1}


def test_explanation_of_seed_001() -> None:
    path = SEEDS / "001_c51191e24029489c.txt"
    result = clean(Document(name=path.name, text=path.read_text(encoding="utf-8")))
    assert str(result) == (
        "001_c51191e24029489c.txt: removed 4 of 28 lines in 1 span\n"
        "- lines 25-28  link-list [link-lists]: link list: a marker line and the headlines "
        'after it (marker "MOST READ :", 3 items)\n'
        "    | MOST READ :\n"
        "    | MrBeast and Roblox CEO Lead $25 Billion Bid for TikTok Amid U.S. Ban Threat\n"
        "    | TikTok Ban Looms as Deadline Nears: What It Means for Users\n"
        "    | Temu Dominates 2025 Apple App Store Downloads, Redefining App Trends"
    )


def test_explanation_when_nothing_is_removed() -> None:
    assert str(clean("Just one line.\n")) == "nothing removed (1 lines kept)"


def test_explanation_lists_spans_in_order_and_cuts_long_lines() -> None:
    long_cookie = "We use cookies " + "and more cookies " * 10
    result = clean(f"Skip to content\nBody text here.\n{long_cookie}\n")
    text = str(result)
    assert text.splitlines()[0] == "removed 2 of 3 lines in 2 spans"
    assert text.index("line 1  navigation") < text.index("line 3  cookie-notice")
    assert "\u2026" in text
    assert result.removed[0] == RemovedSpan(
        1, 1, "Skip to content", "navigation", "navigation", "site navigation text"
    )


def test_steps_are_named_and_described() -> None:
    assert [step.name for step in STEPS] == ["lines", "known-headlines", "corpus", "blocks"]
    assert all(step.description for step in STEPS)


def test_mid_article_block_keeps_the_paragraphs_after_it() -> None:
    text = "Intro.\nRead also:\n- One headline\n- Two headline\nThe story goes on here.\n"
    assert clean(text).text == "Intro.\nThe story goes on here.\n"


def test_a_headline_that_may_be_a_subheading_is_kept_unless_aggressive() -> None:
    text = (
        "Intro.\nRelated coverage\nRail strike called off after pay deal\nWhat Comes Next\n"
        "The story goes on.\n"
    )
    assert clean(text).text == "Intro.\nWhat Comes Next\nThe story goes on.\n"
    aggressive = CleanOptions(aggressiveness="aggressive")
    assert clean(text, aggressive).text == "Intro.\nThe story goes on.\n"


def test_navigation_words_go_only_next_to_other_boilerplate() -> None:
    text = "Skip to content\nMenu\nSearch\n\nTitle\nMenu\nThe set lunch costs 28 pounds.\n"
    result = clean(text)
    assert result.text == "Title\nMenu\nThe set lunch costs 28 pounds.\n"
    assert [span.rule for span in result.removed] == ["navigation", "navigation-words"]


def test_an_enumeration_with_commas_is_no_row_of_share_buttons() -> None:
    # As in a table of the platforms each creator is on.
    text = "MrBeast\nYouTube, TikTok, X\nFacebook Twitter Email\nHe posts daily.\n"
    assert clean(text).text == "MrBeast\nYouTube, TikTok, X\nHe posts daily.\n"


def test_share_buttons_one_a_line_go_only_next_to_a_share_prompt() -> None:
    end = "Talks resume on Monday.\nShare this:\nFacebook\nX\nEmail\n"
    assert clean(end).text == "Talks resume on Monday.\n"
    alone = "Talks resume on Monday.\nFacebook\nThe company was founded in 2004.\n"
    assert clean(alone).text == alone
    follow = "Talks resume on Monday.\nFollow us on Facebook, X, Instagram and YouTube\n"
    assert clean(follow).text == "Talks resume on Monday.\n"


def test_a_colon_inside_a_word_is_no_label_colon() -> None:
    # English image credits name at least two words ("image: busybox" is YAML).
    yaml = "services:\n  web:\n    image: nginx:stable\n"
    assert clean(Document(name="c.md", text=yaml, meta={"language": "en"})).text == yaml
    assert clean("Image: Ben Hasty\nThe car is fast.\n").text == "The car is fast.\n"


def test_not_a_str_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"expects a str or an ingest\.Document, got bytes"):
        clean(b"bytes")  # type: ignore[arg-type]


# -- corpus-level boilerplate ---------------------------------------------------------


FOOTER = "The Valley Courier is owned by its readers."


def _site(n: int, extra: str = "") -> list[str]:
    return [f"Story {i} headline\nBody of story {i} is here.\n{extra}{FOOTER}\n" for i in range(n)]


def test_learned_footer_is_removed_with_its_evidence() -> None:
    docs = _site(8)
    model = learn_boilerplate(docs)
    assert (model.documents, model.threshold, model.count(FOOTER)) == (8, 5, 8)
    result = clean(docs[0], corpus=model)
    assert result.text == "Story 0 headline\nBody of story 0 is here.\n"
    assert result.removed[0].reason == "line shared by 8 of 8 documents of this source"
    assert clean(docs[0], CleanOptions(groups={"link-lists"}), corpus=model).text == docs[0]


def test_results_options_and_models_pickle() -> None:
    model = learn_boilerplate(_site(6))
    result = clean(Document(name="a", text=_site(6)[0]), CleanOptions(), corpus=model)
    for value in (model, result, CleanOptions(languages={"en"})):
        assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 (our own bytes)


def test_a_change_of_spacing_ends_a_list_of_bare_headlines() -> None:
    text = (
        "Intro paragraph of the deal post.\n\nDon't Miss\n\nApple AirPods\n\n"
        "Automatically on, automatically connected\nEasy setup for all your devices\n"
    )
    result = clean(text)
    assert result.text == (
        "Intro paragraph of the deal post.\n\n"
        "Automatically on, automatically connected\nEasy setup for all your devices\n"
    )


def test_a_line_in_few_documents_is_never_learned() -> None:
    docs = _site(4)
    assert len(learn_boilerplate(docs)) == 0
    assert clean(docs[0], corpus=learn_boilerplate(docs)).text == docs[0]


def test_a_document_made_of_shared_lines_is_left_alone_with_a_note() -> None:
    copy = "Wind farm approved\nThe regulator approved it.\nWork starts in 2026.\n"
    model = learn_boilerplate([copy] * 6)
    result = clean(copy, corpus=model)
    assert result.text == copy
    assert result.notes
    assert "corpus rule skipped: 3 of 3 non-blank lines" in result.notes[0]
    assert "note: corpus rule skipped" in str(result)


@given(st.integers(1, 4), st.integers(5, 12))
def test_property_rare_lines_are_never_removed_by_the_corpus_rule(rare: int, total: int) -> None:
    rare_line = "A quote shared by a few stories."
    docs = [f"Story {i}\n{rare_line if i < rare else ''}\n{FOOTER}\n" for i in range(total)]
    model = learn_boilerplate(docs)
    assert rare_line not in model
    for doc in docs:
        assert all(span.text != rare_line for span in clean(doc, corpus=model).removed)


# -- options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"aggressiveness": "high"},
            (
                "CleanOptions.aggressiveness must be one of "
                "'conservative', 'normal', 'aggressive', got 'high'"
            ),
        ),
        (
            {"languages": ["en", "xx"]},
            (
                "CleanOptions.languages has unknown languages ['xx']; known languages: "
                "['ar', 'cs', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'hi', 'hu', 'id', 'it', "
                "'ja', 'ko', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sv', 'tr', 'uk', 'vi', 'zh'] "
                "(or None for all)"
            ),
        ),
        (
            {"max_item_words": 0},
            "CleanOptions.max_item_words must be an integer from 1 to 10000, got 0",
        ),
        (
            {"corpus_min_documents": True},
            "CleanOptions.corpus_min_documents must be an integer from 1 to 10000, got True",
        ),
        (
            {"corpus_min_share": 0},
            "CleanOptions.corpus_min_share must be a number in (0, 1], got 0",
        ),
        (
            {"corpus_max_document_share": 1.5},
            "CleanOptions.corpus_max_document_share must be a number in (0, 1], got 1.5",
        ),
        ({"extra_markers": ["..."]}, "CleanOptions.extra_markers holds '...'; a pattern needs"),
        ({"extra_lines": [" "]}, "CleanOptions.extra_lines holds ' '; a pattern needs"),
        ({"groups": 5}, "CleanOptions.groups must be a list of strings, got 5"),
        ({"languages": ["en", 3]}, "CleanOptions.languages must hold only strings, got 3"),
    ],
)
def test_bad_options_raise_options_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(OptionsError) as info:
        CleanOptions(**kwargs)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)


def test_unknown_group_names_the_known_groups() -> None:
    with pytest.raises(OptionsError, match=r"unknown groups \['adverts'\]; known groups: \['ads'"):
        CleanOptions(groups={"adverts"})


def test_options_are_frozen_and_evolvable() -> None:
    options = CleanOptions()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        options.aggressiveness = "aggressive"  # type: ignore[misc]
    assert attrs.evolve(options, languages=["ru"]).languages == frozenset({"ru"})


def test_a_rule_file_adds_rules_and_groups(tmp_path: Path) -> None:
    rules = tmp_path / "site.toml"
    rules.write_text(
        '[[rule]]\nname = "paywall"\ngroup = "paywall"\nkind = "line"\n'
        'reason = "paywall prompt"\npatterns.en = ["continue reading for ..."]\n',
        encoding="utf-8",
    )
    options = CleanOptions(rule_files=[rules], groups={"paywall"})
    result = clean("Body.\nContinue reading for just $1\nAdvertisement\n", options)
    assert result.text == "Body.\nAdvertisement\n"
    assert result.removed[0].rule == "paywall"


def test_a_rule_files_anywhere_phrases_stand_anywhere_in_a_line(tmp_path: Path) -> None:
    rules = tmp_path / "site.toml"
    rules.write_text(
        '[[rule]]\nname = "promo"\ngroup = "promo"\nkind = "line"\nreason = "promo code"\n'
        'patterns.en = ["promo code: ..."]\nanywhere.en = ["use code save10"]\n',
        encoding="utf-8",
    )
    options = CleanOptions(rule_files=[rules], groups={"promo"})
    text = (
        "Body.\nUse code SAVE10\nUse code SAVE10 at checkout\nToday only, use code SAVE10\n"
        "Today only, use code SAVE10 at checkout\nPromo code: WINTER\nUse code later.\n"
    )
    assert clean(text, options).text == "Body.\nUse code later.\n"


def test_a_missing_rule_file_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(OptionsError, match=r"CleanOptions.rule_files: cannot read '.*nope.toml'"):
        CleanOptions(rule_files=[str(missing)])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("rule = [", "not valid TOML: "),
        ("format = 2\n[[rule]]\n", "top level: 'format' must be 1, got 2"),
        ('[[rule]]\nname = "x"\n', "rule #1: 'group' must be a non-empty string"),
        (
            '[[rule]]\nname = "x"\ngroup = "g"\nkind = "blok"\nreason = "r"\n',
            "rule 'x': 'kind' must be one of ['block', 'line', 'word-set'], got 'blok'",
        ),
        (
            '[[rule]]\nname = "x"\ngroup = "g"\nkind = "line"\nreason = "r"\npatterns.en = [1]\n',
            "rule 'x', language 'en': expected a list of non-empty strings",
        ),
        (
            '[[rule]]\nname = "x"\ngroup = "g"\nkind = "line"\nreason = "r"\ncolour = 1\n',
            "rule #1: unknown keys ['colour']",
        ),
        (
            (
                '[[rule]]\nname = "x"\ngroup = "g"\nkind = "line"\nreason = "r"\ncontext = 1\n'
                'patterns.en = ["a"]\n'
            ),
            "rule 'x': 'context' must be true or false, got 1",
        ),
        (
            (
                '[[rule]]\nname = "x"\ngroup = "g"\nkind = "word-set"\nreason = "r"\n'
                'words.en = ["a"]\nanywhere.en = ["b"]\n'
            ),
            "rule 'x': [rule.anywhere] must be a table of language = [...] lists",
        ),
        (
            (
                '[[rule]]\nname = "x"\ngroup = "g"\nkind = "line"\nreason = "r"\n'
                'patterns.en = ["a"]\nanywhere.en = [2]\n'
            ),
            "rule 'x', anywhere 'en': expected a list of non-empty strings",
        ),
    ],
)
def test_a_bad_rule_file_raises_a_specific_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OptionsError) as info:
        CleanOptions(rule_files=[str(path)])
    assert str(info.value).startswith(f"{path}: {message}")


# -- properties ----------------------------------------------------------------------


@given(cleaning_texts)
def test_property_cleaned_text_is_a_subsequence_of_the_input_lines(text: str) -> None:
    assert _is_subsequence(split_lines(clean(text).text), split_lines(text))


@given(cleaning_texts)
def test_property_cleaning_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once.text).text == once.text
    assert clean(once.text).removed == ()


@given(cleaning_texts, st.sampled_from(["conservative", "normal", "aggressive"]))
def test_property_kept_and_removed_lines_partition_the_input(text: str, level: str) -> None:
    result = clean(text, CleanOptions(aggressiveness=level))  # type: ignore[arg-type]
    lines = split_lines(text)
    removed = {n for span in result.removed for n in range(span.start, span.end + 1)}
    assert result.text == "".join(line for n, line in enumerate(lines, 1) if n not in removed)
    for span in result.removed:
        assert span.text == "".join(lines[span.start - 1 : span.end]).removesuffix("\n")
    assert result.removed_lines == len(removed)
    assert result.input_lines == len(lines)


@given(cleaning_texts)
def test_property_cleaning_never_adds_text(text: str) -> None:
    result: CleanResult = clean(text)
    assert len(result.text) <= len(text)
    assert not set(result.text) - set(text)
