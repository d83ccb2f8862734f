"""Cleaning in every language: fixture coverage, the document's language, scripts without spaces."""

# ruff: noqa: RUF001 (text in other scripts, with their own colons and question marks, is the point)

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from ingest import CleanOptions, Document, clean
from ingest.cleaning._lines import LineInfo, count_words, fold, is_headline_like, normalize
from ingest.cleaning._options import for_language, primary_language
from ingest.cleaning._rules import default_rules

from ..conftest import FIXTURES

CASES = sorted((FIXTURES / "cleaning" / "cases").glob("*.toml"))

#: The languages the rules file must serve, each with fixtures of every kind.
LANGUAGES = (
    "en de fr es it pt nl pl sv da nb fi cs ro hu tr ru uk el ja zh ar ko id hi vi".split()  # noqa: SIM905
)
KINDS = ("mid-block", "end-block", "negative")


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name",
    [
        "link-list",
        "link-list-section",
        "link-list-weak",
        "inline-promo",
        "advertisement",
        "share-prompt",
        "newsletter",
        "cookie-notice",
        "copyright",
        "navigation",
    ],
)
def test_every_language_has_phrases_for_the_main_rules(name: str) -> None:
    assert set(LANGUAGES) <= default_rules().rule(name).languages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_a_mid_block_an_end_block_and_a_negative(lang: str) -> None:
    covered: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for path in CASES:
        case = _load(path)
        if case["lang"] == lang:
            for kind in case.get("covers", []):
                covered[kind].append(path.stem)
    assert all(covered.values()), f"{lang}: {covered}"
    for path in CASES:
        case = _load(path)
        if case["lang"] == lang and "negative" in case.get("covers", []):
            assert case["expect"] == "unchanged"


DEFAULT_CASES = [
    path for path in CASES if not _load(path).get("options") and not _load(path).get("corpus")
]


@pytest.mark.parametrize("path", DEFAULT_CASES, ids=[p.stem for p in DEFAULT_CASES])
def test_fixture_with_its_language_only(path: Path) -> None:
    """The rules of a fixture's own language clean it as well as every language's rules do."""
    case = _load(path)
    doc = Document(name=path.stem, text=case["input"], meta={"language": case["lang"]})
    result = clean(doc)
    expected = case["input"] if case["expect"] == "unchanged" else case["output"]
    assert result.text.rstrip() == expected.rstrip(), case["label"]
    assert result.language == case["lang"]


def test_the_document_language_narrows_the_rules_and_is_explained() -> None:
    text = "Der Bund spart.\nRead also:\n- Oil slips again\nLesen Sie auch:\n- Gold steigt\n"
    doc = Document(name="a", text=text, meta={"language": "de-AT"})
    result = clean(doc)
    assert result.language == "de"
    assert result.text == "Der Bund spart.\nRead also:\n- Oil slips again\n"
    assert str(result).splitlines()[0] == (
        'a: removed 2 of 5 lines in 1 span; rules of language "de" (from meta["language"])'
    )
    assert clean(text).text == "Der Bund spart.\n"  # plain text: every language's rules


@pytest.mark.parametrize("tag", ["th", "", "x-klingon", "12"])
def test_a_language_without_rules_keeps_every_language(tag: str) -> None:
    doc = Document(name="a", text="Body.\nLesen Sie auch:\n- Gold steigt\n", meta={"language": tag})
    result = clean(doc)
    assert result.language == ""
    assert result.text == "Body.\n"


def test_the_callers_languages_stand() -> None:
    options = CleanOptions(languages={"en"})
    assert for_language(options, "de") is None
    doc = Document(
        name="a", text="Body.\nLesen Sie auch:\n- Gold steigt\n", meta={"language": "de"}
    )
    result = clean(doc, options)
    assert (result.language, result.text) == ("", doc.text)


@pytest.mark.parametrize(
    ("tag", "primary"),
    [("pt-BR", "pt"), ("EN_us", "en"), (" zh-Hant-TW ", "zh"), ("", ""), (None, ""), ("1x", "")],
)
def test_primary_language(tag: object, primary: str) -> None:
    assert primary_language(tag) == primary


# -- matching across scripts -----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "pattern"),
    [
        ("A LIRE AUSSI", "à lire aussi"),
        ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ", "διαβάστε επίσης"),
        ("CITESTE SI", "citește și"),
        ("Citeşte şi", "citește și"),  # cedilla, not comma below
        ("AYRICA OKUYUN", "ayrıca okuyun"),
        ("اقرأ أيضاً", "اقرأ أيضا"),
        ("\u200fاقرأ أيضا\u200f", "اقرأ أيضا"),  # right-to-left marks
        ("ЧИТАЙТЕ ЕЩЁ", "читайте еще"),
    ],
)
def test_matching_ignores_case_accents_vowel_marks_and_direction_marks(
    written: str, pattern: str
) -> None:
    assert fold(written) == fold(pattern)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Oil slips as demand fades", 5),
        ("日銀が追加利上げを決定", 6),  # 11 characters, two to a word
        ("給食：来年1月から値上げ", 6),  # punctuation is no word; digits join their word
        ("相关阅读", 2),
        ("Apple、新型iPhoneを発表", 5),
        ("", 0),
    ],
)
def test_count_words(line: str, words: int) -> None:
    assert count_words(line) == words


@pytest.mark.parametrize(
    "line",
    [
        "大雪で休校の小学校、月曜から授業再開へ",
        "給食：来年1月から1食あたり30円値上げ",  # a colon inside does not matter
        "暴雨过后全市中小学周一复课",
        "المقاصف: ارتفاع سعر الوجبة في يناير",
        "Kantinen: Preis für Mittagessen steigt im Januar",
    ],
)
def test_headlines_in_every_script(line: str) -> None:
    assert is_headline_like(LineInfo.of(line), 30, questions=False)


@pytest.mark.parametrize(
    "line",
    [
        "市教育委員会は、各校の校長と協議するとしている。",  # 。 ends a sentence
        "「値上げは避けられない」と市長は述べた。」",
        "新一轮表决预计将于明年一月中旬进行。",
        "这会影响多少家庭？",  # a question, unless questions are allowed
        "هل ترتفع الأسعار؟",  # Arabic question mark
        "وقال إنه سيناقش البدائل مع المديرين.",
        "Die Stadt, die Schulen und die Eltern,",
    ],
)
def test_sentences_in_every_script(line: str) -> None:
    assert not is_headline_like(LineInfo.of(line), 30, questions=False)


def test_a_long_line_without_spaces_is_not_short() -> None:
    paragraph = "市教育委員会は各校の校長と代替案について協議するとしている" * 3
    assert count_words(paragraph) > 30
    assert not is_headline_like(LineInfo.of(paragraph), 30, questions=False)


def test_decorated_markers_of_every_script_normalise_to_their_words() -> None:
    assert normalize("【関連記事】") == "関連記事"
    assert normalize("■ あわせて読みたい") == "あわせて読みたい"
    assert normalize("相关阅读：暴雨过后复课") == "相关阅读: 暴雨过后复课"


@pytest.mark.parametrize(
    "text",
    [
        "本文。\n【関連記事】\n・大雪で休校の小学校、月曜から授業再開へ\n・給食：来年1月から値上げ\n続きの本文。\n",
        "正文。\n相关阅读：暴雨过后全市中小学周一复课\n正文继续。\n",
        "نص.\nاقرأ أيضا: ارتفاع سعر الوجبة في يناير\nبقية النص.\n",
    ],
)
def test_cjk_and_arabic_link_lists_go(text: str) -> None:
    first, *_, last = text.splitlines()
    assert clean(text).text == f"{first}\n{last}\n"


@pytest.mark.parametrize(
    "heading",
    [
        "More on this topic",
        "Mehr zum Thema",
        "Meer over dit onderwerp",
        "Mer om ämnet",
        "Mere om emnet",
        "Mer om saken",
        "Aiheesta lisää",
        "Περισσότερα για το θέμα",
    ],
)
def test_a_more_on_the_topic_heading_over_a_paragraph_stays(heading: str) -> None:
    text = f"Body of the story.\n{heading}\nThe ministry will publish its figures in May.\n"
    assert clean(text).text == text


def test_a_pattern_with_a_wildcard_matches_chinese_written_without_spaces() -> None:
    text = "市议会周三通过了预算。\n分享到微信\n北方日报版权所有\n"
    assert clean(text).text == "市议会周三通过了预算。\n"
