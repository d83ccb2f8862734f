"""Words, sentences, content terms and language in every language (issue 18)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from py3langid.langid import LanguageIdentifier

from ingest import Document
from ingest.core import _language, _text
from ingest.core._language import (
    UNDETERMINED,
    detect_language,
    detect_languages,
    document_language,
    document_languages,
    language_code,
    stemmer_for,
    stop_words_for,
    terms_language,
    with_language,
    with_languages,
)
from ingest.core._text import (
    content_stems,
    sentence_terms,
    sentences,
    word_bytes,
    word_terms,
    words,
)

from ..conftest import FIXTURES, missing

NEWS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "news"
REWRITES = tomllib.loads((NEWS / "rewrites.toml").read_text(encoding="utf-8"))["rewrite"]


def test_rewrites_listed() -> None:
    assert len(REWRITES) >= 30
    assert {r["language"] for r in REWRITES} >= {"en", "de", "pt", "ru", "it", "ja", "ko"}


def test_unspaced_characters_are_words() -> None:
    assert words("TikTok交渉は停滞") == ["tiktok", "交", "渉", "は", "停", "滞"]
    assert words("北京、合意") == ["北", "京", "合", "意"]


@given(st.text(alphabet=st.sampled_from(list("ab '交渉はカタ한국어,。!? \n"))))
def test_word_bytes_match_words(text: str) -> None:
    assert word_bytes(text) == [w.encode() for w in words(text)]


def test_sentence_ends_without_spaces() -> None:
    text = (
        "交渉は今週も停滞したと伝えられた。北京は合意の存在を否定した\uff01次の会合は未定だという。"
    )
    assert ["".join(s) for s in sentences(text)] == [
        "交渉は今週も停滞したと伝えられた",
        "北京は合意の存在を否定した",
        "次の会合は未定だという",
    ]
    assert len(sentences("Он сказал это вчера. Она ответила сегодня утром.")) == 2
    assert len(sentences("यह पहला वाक्य काफी लंबा है। यह दूसरा वाक्य भी काफी लंबा है।")) == 2


def test_spaced_text_is_not_split_inside_words() -> None:
    assert sentences("Yahoo!Japan and Amazon.com report results on Monday") == [
        ["yahoo", "japan", "and", "amazon", "com", "report", "results", "on", "monday"]
    ]


@pytest.mark.parametrize(
    ("tokens", "language", "expected"),
    [
        (["the", "talks", "stalled"], "en", ["talk", "stall"]),
        (["die", "verhandlungen", "stockten"], "de", ["verhandl", "stockt"]),
        (["l'accord", "a", "été", "signé"], "fr", ["accord", "sign"]),
        (["переговоры", "зашли", "в", "тупик"], "ru", ["переговор", "зашл", "тупик"]),
        (["北", "京", "の", "合", "意"], "ja", ["北京", "京合", "合意"]),
        (["엘제이의", "사진"], "ko", ["엘제", "제이", "이의", "사진"]),
        (["the", "talks", "stalled"], UNDETERMINED, ["talk", "stall"]),
        (["北", "京", "の", "合", "意"], "zh", ["北京", "京の", "の合", "合意"]),
    ],
)
def test_content_terms_per_language(tokens: list[str], language: str, expected: list[str]) -> None:
    assert content_stems(tokens, language) == expected


def test_stop_words_and_stemmers_cover_the_news_languages() -> None:
    for language in ("en", "de", "pt", "ru", "it", "fr", "es"):
        assert stop_words_for(language)
        assert stemmer_for(language) is not None
    assert stop_words_for("xx") == frozenset()
    assert stemmer_for("ja") is None


@pytest.mark.parametrize("entry", REWRITES, ids=lambda r: r["file"])
def test_language_of_each_rewrite(entry: dict[str, str]) -> None:
    text = (NEWS / "rewrites" / entry["file"]).read_text(encoding="utf-8")
    assert detect_language(text) == entry["language"]


def test_language_from_meta_wins() -> None:
    text = (FIXTURES / "dedup" / "languages" / "zh_original.txt").read_text(encoding="utf-8")
    assert document_language(Document("a", text)) == "zh"
    assert document_language(Document("a", text, meta={"language": "ja-JP"})) == "ja"
    assert document_language(Document("a", text, meta={"language": "?"})) == "zh"
    assert detect_language("too short") == UNDETERMINED
    said = Document("a", text, meta={"language": "zh-Hant"})
    assert with_language(said) is said
    assert with_language(Document("a", text)).meta["language"] == "zh"
    docs = [said, Document("b", text), Document("c", "too short")]
    assert with_languages(docs) == [with_language(d) for d in docs]
    assert with_languages(docs)[0] is said
    assert language_code("PT_br") == "pt"
    # "und" is a verdict already reached (the pipeline's): not identified again.
    undetermined = Document("a", text, meta={"language": "und"})
    assert document_language(undetermined) == UNDETERMINED
    assert document_languages([undetermined, Document("b", text)]) == [UNDETERMINED, "zh"]
    assert with_language(undetermined) is undetermined


def test_a_language_said_by_many_documents_is_one_string() -> None:
    # An index keeps every document's language: one object per code, not one a document.
    docs = [Document(f"d{n}", "x", meta={"language": "".join(["E", "N-gb"])}) for n in range(3)]
    first, *rest = document_languages(docs)
    assert first == "en"
    assert all(code is first for code in rest)


@given(
    st.text(alphabet="ab l'th e's the und der 한국어의 交渉は The ça été'", max_size=80),
    st.sampled_from(["en", "fr", "de", "ko", "ja", "und"]),
)
@example("국국'T", "de")  # a Korean part before a stemmed one: stems first, as content_stems
def test_word_terms_are_each_words_content_stems(text: str, language: str) -> None:
    """A batch of words (with apostrophes, stop words, Korean, an unspaced script)
    gets what :func:`content_stems` makes of each word alone."""
    found = words(text)
    expected = [" ".join(content_stems([word], language)) for word in found]
    assert word_terms(found, terms_language(language)) == expected


@pytest.mark.parametrize("kept", [1 << 19, 50])
def test_batched_terms_equal_per_sentence_terms(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batched, through the cache of words' terms, also when the cache is full and
    starts again between batches (*kept* words)."""
    monkeypatch.setattr(_text, "_TERMS_KEPT", kept)
    texts = [(NEWS / "rewrites" / r["file"]).read_text(encoding="utf-8") for r in REWRITES]
    texts.append((FIXTURES / "dedup" / "languages" / "zh_original.txt").read_text(encoding="utf-8"))
    languages = [detect_language(text) for text in texts]
    batched = [
        terms for start in range(0, len(texts), 4)
        for terms in sentence_terms(texts[start : start + 4], languages[start : start + 4])
    ]  # fmt: skip
    for text, language, terms in zip(texts, languages, batched, strict=True):
        one_by_one = [content_stems(s, language) for s in sentences(text)]
        assert [sorted(t.split()) for t in terms] == [sorted(t) for t in one_by_one]
    assert all(len(table) <= kept + 5000 for table in _text._TERMS.values())


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80))
def test_ascii_sentence_ends_cut_where_the_full_pattern_does(text: str) -> None:
    """In ASCII text the one-branch pattern cuts where the full one does."""
    assert _text._ASCII_SENTENCE_END.split(text) == _text._SENTENCE_END.split(text)


@given(st.text(alphabet="ab c'.!?\n\"')\u3002\u4ea4\u00e9\x01A1_-", max_size=80))
def test_sentences_are_the_words_of_each_piece(text: str) -> None:
    """Sentences found in one pass hold the words the word pattern finds, in order,
    and nothing else (a control character in the text is no mark)."""
    found = [word for sentence in sentences(text, min_words=1) for word in sentence]
    assert found == words(text.replace("\x01", " "))


def test_languages_of_a_batch_equal_one_by_one() -> None:
    """The automaton walked for all texts at once finds each text's language and
    probability as py3langid finds it alone (the rewrites in seven languages, and
    texts too short to tell)."""
    texts = [(NEWS / "rewrites" / r["file"]).read_text(encoding="utf-8") for r in REWRITES]
    texts += ["ok", "", "Ω" * 30, texts[0][:50], texts[1].upper()]
    assert detect_languages(texts) == [detect_language(text) for text in texts]
    assert detect_languages([]) == []
    with pytest.MonkeyPatch.context() as patch:  # walked a few texts at a time
        patch.setattr(_language, "_WALKED_AT_ONCE", 3)
        assert detect_languages(texts) == [detect_language(text) for text in texts]
    docs = [Document("a", texts[0], meta={"language": "pt-BR"}), Document("b", texts[1])]
    assert document_languages(docs) == [document_language(doc) for doc in docs]


@given(
    st.lists(st.text(alphabet="ab cdé Жж ыйक हि مر 한국 交渉 .!?\nAB", max_size=300), max_size=5)
)
def test_languages_of_random_texts_equal_one_by_one(texts: list[str]) -> None:
    assert detect_languages(texts) == [detect_language(text) for text in texts]


@given(st.text(alphabet="ab1_ é2 Ж٣ ・\n交-", max_size=60))
def test_enough_letters_counts_the_letters(text: str) -> None:
    """Letters are word characters but digits and the underscore, in any script."""
    letters = len(re.findall(r"[^\W\d_]", text))
    assert _language._enough_letters(text) == (letters >= _language._MIN_LETTERS)


def _assert_raw_scores_are_py3langids(texts: list[str]) -> None:
    identifier = _language._identifier()
    encoded = [identifier.encode(text) for text in texts]
    scores = _language._raw_scores(identifier, encoded)
    for text in encoded:
        own = LanguageIdentifier._raw_score(identifier, text)  # py3langid's, text alone
        if text in scores:
            assert scores[text].dtype == own.dtype
            assert scores[text].tobytes() == own.tobytes()
        else:  # no feature visited: py3langid's fill
            assert not (own - own[0]).any()


def test_raw_scores_of_a_batch_are_py3langids_bit_for_bit() -> None:
    """The batch's scores (the features' rows made single floats once) are the
    numbers py3langid computes for each text alone, bit for bit: the rewrites in
    seven languages, repeated, and a text with no feature."""
    texts = [(NEWS / "rewrites" / r["file"]).read_text(encoding="utf-8") for r in REWRITES]
    _assert_raw_scores_are_py3langids([t[:600] for t in texts] + [texts[0][:600], "\x00"])


_ALPHABET = "ab cdé Жж ыйक हि مر 한국 交渉 .!?\nAB"
_SCRIPTS = st.text(alphabet=_ALPHABET, max_size=600)
_SCRIPTS_SHORT = st.text(alphabet=_ALPHABET, max_size=80)


def _visits(texts: list[str], kernel: object) -> dict[bytes, tuple[list[int], list[int]]]:
    """:func:`_language._walk`'s visits of *texts*, by text, with *kernel* standing for
    the compiled one (``None``: numpy's walk)."""
    identifier = _language._identifier()
    encoded = [identifier.encode(text) for text in texts]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_language, "_compiled_visits", lambda: kernel)
        walked = _language._walk(identifier, encoded)
    return {text: (found.tolist(), counts.tolist()) for text, found, counts in walked}


@given(st.lists(_SCRIPTS_SHORT, max_size=20))
def test_the_automaton_walk_is_the_same_compiled_plain_and_by_numpy(texts: list[str]) -> None:
    """The features each text visits, in the order first visited, and their counts:
    the same by numpy's walk of all texts at once, by :func:`visit_counts` as plain
    Python, and compiled (numba, the test extra's)."""
    if (compiled := _language._compiled_visits()) is None:
        missing("numba is not installed: pip install 'ingest[fast]'", installed_by="the test extra")
    by_numpy = _visits(texts, None)
    assert _visits(texts, _language.visit_counts) == by_numpy
    assert _visits(texts, compiled) == by_numpy


@given(st.lists(_SCRIPTS, max_size=5))
def test_raw_scores_of_random_texts_are_py3langids(texts: list[str]) -> None:
    _assert_raw_scores_are_py3langids(texts)
