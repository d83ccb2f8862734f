"""HTML extraction: fixture pages, metadata, decoding provenance, hostile input."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path
from typing import Any

import attrs
import lxml.html
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

import ingest
from ingest import (
    DecodeError,
    HtmlError,
    HtmlOptions,
    IngestError,
    LimitError,
    OptionsError,
    extract_html,
)
from ingest.core._deadline import Deadline
from ingest.html._blocks import split_blocks
from ingest.html._meta import clean_title, normalize_date

from ..conftest import FIXTURES
from ..strategies import html_texts

HTML = FIXTURES / "html"
#: What a page's text may not hold, written raw or as a character reference: NUL
#: and other C0 controls (but tab and line breaks), U+FFFE, U+FFFF, lone surrogates.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
PAGES = sorted(HTML.glob("*.html"))


def _expected(page: Path) -> str:
    return page.with_suffix(".expected.txt").read_text(encoding="utf-8").rstrip("\n")


def test_fixture_glob_is_not_empty() -> None:
    assert len(PAGES) >= 8
    for page in PAGES:
        assert page.with_suffix(".expected.txt").is_file(), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_fixture_text(page: Path) -> None:
    doc = extract_html(page.read_bytes(), url=f"https://news.example/{page.stem}")
    assert doc.text == _expected(page)
    assert doc.name == f"https://news.example/{page.stem}"
    assert doc.source == "<bytes>"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_fixture_from_callers_soup(page: Path) -> None:
    # A soup the caller built (with html.parser, from correctly decoded text)
    # gives the same article as the lxml path.
    from_bytes = extract_html(page.read_bytes())
    decoded = page.read_bytes().decode(str(from_bytes.meta.get("encoding", "utf-8")))
    doc = extract_html(BeautifulSoup(decoded, "html.parser"))
    assert doc.text == from_bytes.text
    assert doc.title == from_bytes.title
    provenance = ("parser", "encoding", "encoding_declared", "encoding_confidence", "encoding_rule")
    assert doc.meta.without(*provenance) == from_bytes.meta.without(*provenance)
    assert doc.meta["parser"] == "bs4:caller"
    assert doc.source == "<soup>"


# -- metadata ----------------------------------------------------------------------


def test_news_metadata() -> None:
    doc = extract_html(
        (HTML / "news_related.html").read_bytes(), url="https://herald.example/news/x?utm=1"
    )
    assert doc.title == "Harbour bridge to close for repairs"
    assert dict(doc.meta) == {
        "encoding": "utf-8",
        "encoding_declared": "utf-8",
        "encoding_confidence": 1.0,
        "encoding_rule": "declared:meta",
        "url": "https://herald.example/news/x?utm=1",
        "canonical_url": "https://herald.example/news/harbour-bridge-repairs",
        "site_name": "The Coastal Herald",
        "author": "Maria Lopes",
        "published": "2024-02-11T08:30:00+00:00",
        "language": "en",
        "description": "The bridge will close for six weeks from March.",
        "parser": "lxml",
        "extraction": "container",
        "container": "div.article-body",
        "page_type": "article",
    }
    assert doc.problems == ()


def test_json_ld_metadata() -> None:
    doc = extract_html((HTML / "divs_most_read.html").read_bytes())
    assert doc.title == "Museum returns carved panels"
    assert doc.meta["author"] == "Jan Novak, Eva Berg"
    assert doc.meta["published"] == "2023-09-05T14:00:00+02:00"
    assert doc.meta["modified"] == "2023-09-06T09:15:00+02:00"
    assert doc.meta["site_name"] == "Valley Post"
    assert doc.meta["language"] == "en"
    assert doc.meta["encoding_rule"] == "declared:http-equiv"
    assert "canonical_url" not in doc.meta


def test_opengraph_locale_and_url() -> None:
    doc = extract_html((HTML / "blog_comments.html").read_bytes())
    assert doc.meta["language"] == "en"  # og:locale en_US
    assert doc.meta["canonical_url"] == "https://slowdesk.example/2021/03/paper-notebook/"
    assert doc.title == "Why I switched to a paper notebook"


@pytest.mark.parametrize(
    ("attributes", "language"),
    [
        ('lang="de-AT"', "de"),
        ('lang="PT_br"', "pt"),
        ('lang="zh-Hant-TW"', "zh"),
        ('xml:lang="fr"', "fr"),
        ('lang="12"', ""),
        ("", ""),
    ],
)
def test_the_page_language_is_its_primary_subtag(attributes: str, language: str) -> None:
    page = (
        f"<html {attributes}><body><article><p>Forecasters expect rain across the region "
        "from Thursday, ending a dry month.</p></article></body></html>"
    )
    assert extract_html(page).meta.get("language", "") == language


def test_json_ld_body_fallback_and_invalid_block() -> None:
    doc = extract_html((HTML / "json_ld_body.html").read_bytes())
    assert doc.meta["extraction"] == "json-ld"
    assert doc.meta["author"] == "Ana Souza"
    assert doc.meta["published"] == "2022-05-30"
    assert [p.code for p in doc.problems] == ["json-ld-invalid"]
    no_fallback = extract_html(
        (HTML / "json_ld_body.html").read_bytes(), options=HtmlOptions(json_ld_fallback=False)
    )
    assert "feira" not in no_fallback.text


def test_hostile_json_ld_is_reported_not_raised() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    page = f'<script type="application/ld+json">{nested}</script><p>{"word " * 30}</p>'
    doc = extract_html(page)
    assert doc.text == ("word " * 30).strip()
    assert [p.code for p in doc.problems] == ["json-ld-invalid"]


@pytest.mark.parametrize(
    ("title", "site", "headline", "expected"),
    [
        ("Rates rise | The Daily Planet", "The Daily Planet", "", "Rates rise"),
        ("The Daily Planet - Rates rise", "The Daily Planet", "", "Rates rise"),
        ("Rates rise \u2013 Planet", "", "Rates rise", "Rates rise"),
        ("Rates rise again, says bank | CNN", "", "", "Rates rise again, says bank"),
        ("Covid-19 - what we know so far", "", "", "Covid-19 - what we know so far"),
        ("No separator here", "Planet", "", "No separator here"),
    ],
)
def test_clean_title(title: str, site: str, headline: str, expected: str) -> None:
    assert clean_title(title, site, headline) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-11-19T10:00:00Z", "2019-11-19T10:00:00+00:00"),
        ("2019-11-19T10:00:00+0100", "2019-11-19T10:00:00+01:00"),
        ("2019-11-19", "2019-11-19"),
        ("2019/11/19", "2019-11-19"),
        ("Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19T10:00:00+00:00"),
        ("2019-13-45", ""),
        ("last Tuesday", ""),
        ("", ""),
    ],
)
def test_normalize_date(raw: str, expected: str) -> None:
    assert normalize_date(raw) == expected


def test_extraction_leaves_cleaning_to_the_cleaning_stage() -> None:
    body = "<p>" + "Talks stalled on Friday after a long week of meetings. " * 2 + "</p>"
    page = f"<article>{body}<p>Advertisement</p>{body}</article>"
    raw = extract_html(page)
    assert raw.text.split("\n")[1] == "Advertisement"
    assert "boilerplate_removed" not in raw.meta
    cleaned = ingest.clean(raw).document
    assert cleaned is not None
    assert "Advertisement" not in cleaned.text
    assert cleaned.meta["boilerplate_removed"] == 1


def test_a_page_cleaned_away_is_a_problem_of_the_cleaning_stage() -> None:
    doc = extract_html("<article><p>Advertisement</p></article>", url="https://x.example/a")
    assert doc.text == "Advertisement"
    cleaned = ingest.clean(doc).document
    assert cleaned is not None
    assert cleaned.text == ""
    [problem] = cleaned.problems
    assert problem.code == "cleaned-away"
    assert str(problem).startswith("https://x.example/a: the text cleaner removed every line")


def test_json_ld_strings_are_made_writable() -> None:
    body = "Line with a NUL\\u0000 and a lone surrogate \\ud800 in it. " * 3
    page = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        f'"headline": "Bad\\u0000title", "articleBody": "{body}"}}</script>'
    )
    doc = extract_html(page)
    assert doc.title == "Bad title"
    assert doc.meta["extraction"] == "json-ld"
    assert "\x00" not in doc.text
    assert "\ufffd" in doc.text


@pytest.mark.parametrize("reference", ["&#19;", "&#x13;", "&#65535;", "&#xFFFE;", "&#1;"])
def test_character_references_to_controls_read_as_the_raw_characters(reference: str) -> None:
    raw = reference.replace("&#x", "").replace("&#", "").rstrip(";")
    char = chr(int(raw, 16) if "x" in reference else int(raw))
    words = "A control{}between words, in a paragraph long enough to be the article."
    by_reference = extract_html(f"<title>T{reference}itle</title><p>{words.format(reference)}</p>")
    written_raw = extract_html(f"<title>T{char}itle</title><p>{words.format(char)}</p>")
    assert by_reference.text == written_raw.text == words.format(" ")
    assert by_reference.title == written_raw.title == "T itle"


def test_canonical_url_that_cannot_be_resolved_is_kept_and_reported() -> None:
    page = '<link rel="canonical" href="http://[x/a"><p>Some article text here.</p>'
    doc = extract_html(page, url="https://a.example/a")
    assert doc.meta["canonical_url"] == "http://[x/a"
    assert [p.code for p in doc.problems] == ["bad-url"]
    assert doc.problems[0].message == (
        "the canonical URL 'http://[x/a' cannot be resolved against 'https://a.example/a' "
        "(Invalid IPv6 URL); kept as the page gives it"
    )


# -- decoding provenance -------------------------------------------------------------


def test_undeclared_legacy_encodings_are_recorded() -> None:
    cp1252 = extract_html((HTML / "cp1252_undeclared.html").read_bytes())
    assert (cp1252.meta["encoding"], cp1252.meta["encoding_rule"]) == ("windows-1252", "fallback")
    sjis = extract_html((HTML / "shift_jis_undeclared.html").read_bytes())
    assert sjis.meta["encoding_rule"] == "chardet"
    assert sjis.meta["encoding"] in {"shift_jis", "cp932"}
    assert sjis.title == "市内で初雪、平年より九日早く"


def test_utf16_without_bom_is_sniffed() -> None:
    doc = extract_html((HTML / "utf16_no_bom.html").read_bytes(), content_type="text/html")
    assert (doc.meta["encoding"], doc.meta["encoding_rule"]) == ("utf-16-le", "declared:sniff")
    big_endian = (HTML / "utf16_no_bom.html").read_bytes().decode("utf-16-le").encode("utf-16-be")
    assert extract_html(big_endian).text == doc.text


def test_wrong_declaration_is_a_problem_then_strict_error() -> None:
    data = (HTML / "wrong_declaration_cyrillic.html").read_bytes()
    doc = extract_html(data)
    assert doc.meta["encoding_declared"] == "utf-8"
    assert doc.meta["encoding_rule"] == "chardet"
    assert [p.code for p in doc.problems] == ["declared-charset-mismatch"]
    with pytest.raises(DecodeError, match="declares charset 'utf-8'"):
        extract_html(data, options=HtmlOptions(strict=True))


def test_http_content_type_outranks_meta() -> None:
    data = '<meta charset="shift_jis"><p>Grüße aus Köln, wo es heute regnet.</p>'.encode()
    doc = extract_html(data, content_type="text/html; charset=UTF-8")
    assert doc.meta["encoding_rule"] == "declared:http"
    assert doc.meta["content-type"] == "text/html; charset=UTF-8"
    assert doc.text == "Grüße aus Köln, wo es heute regnet."


def test_str_input_with_xml_declaration() -> None:
    # lxml refuses a str that still carries an encoding declaration.
    page = (HTML / "broken_markup.html").read_text(encoding="utf-8")
    assert page.startswith('<?xml version="1.0" encoding="utf-8"?>')
    doc = extract_html(page)
    assert doc.text == _expected(HTML / "broken_markup.html")
    assert doc.source == "<str>"
    assert "encoding" not in doc.meta


# -- structure -----------------------------------------------------------------------


def test_structure_lines() -> None:
    page = """<article><h1>Title</h1><p>First paragraph with <b>bold</b> and
    <a href="/x">a link</a>, long enough to count as prose for the extractor.</p>
    <h2>Section</h2><ul><li>One</li><li>Two</li></ul><p>Line one<br>line two</p>
    <pre>code  kept
  as is</pre><p hidden>Hidden text</p><p style="display:none">Also hidden</p></article>"""
    assert extract_html(page).text.split("\n") == [
        "First paragraph with bold and a link, long enough to count as prose for the extractor.",
        "Section",
        "One",
        "Two",
        "Line one",
        "line two",
        "code  kept",
        "  as is",
    ]


def test_only_the_main_of_several_articles() -> None:
    long = "The river rose two metres overnight and the old bridge was closed to traffic. " * 3
    other = "<article><p>{} is a story about something else entirely, told at length.</p></article>"
    page = (
        "<main><p>Live report from the valley, updated through the day by our staff.</p>"
        f"<article><p>{long}</p><p>{long}</p></article>"
        + "".join(other.format(name) for name in ("Gardening", "Football", "Cooking"))
        + "</main>"
    )
    doc = extract_html(page)
    assert doc.text.split("\n") == [
        "Live report from the valley, updated through the day by our staff.",
        long.strip(),
        long.strip(),
    ]


def test_a_linked_item_of_a_list_of_names_stays() -> None:
    long = "I ran every editor against the same project and timed each one of them. " * 3
    tools = "".join(
        f"<li><a href='/review/{name}'>{name}</a></li>" if linked else f"<li>{name}</li>"
        for name, linked in (("Vim", True), ("Emacs", True), ("Nano", False), ("Helix", False))
    )
    related = "".join(f"<li><a href='/post/{n}'>Post {n}</a></li>" for n in range(1, 4))
    page = (
        f"<article><p>{long}</p><p>The editors tested were:</p><ul>{tools}</ul>"
        f"<p>{long}</p><h2>More posts</h2><ul>{related}</ul></article>"
    )
    lines = extract_html(page).text.split("\n")
    assert lines[1:6] == ["The editors tested were:", "Vim", "Emacs", "Nano", "Helix"]
    assert not any(line.startswith("Post ") for line in lines)


def test_a_label_left_without_its_list_ends_nothing() -> None:
    long = "The river rose two metres overnight and the old bridge was closed to traffic. " * 3
    links = "".join(f"<li><a href='/tag/{n}'>{n}</a></li>" for n in ("Floods", "Bridges", "Valley"))
    page = (
        f"<article><p>{long}</p><p>{long}</p><p>Tagged:</p><ul>{links}</ul>"
        "<p>Mehr zum Thema:</p></article>"
    )
    assert extract_html(page).text.split("\n") == [long.strip(), long.strip()]
    # Inside the article, a line announcing what follows stays.
    kept = f"<article><p>{long}</p><p>Three roads were closed:</p><p>{long}</p></article>"
    assert "Three roads were closed:" in extract_html(kept).text


def test_layout_table_cell_can_hold_the_article() -> None:
    page = """<table><tr><td>Menu<br><a href=/a>Home</a><br><a href=/b>Archive</a></td>
    <td><p>The council voted on Monday to keep the old library open for five more years.</p>
    <p>Campaigners had collected four thousand signatures over the summer to save it.</p></td>
    <td>Weather: sunny</td></tr></table>"""
    doc = extract_html(page)
    assert doc.meta["container"] == "td"
    assert doc.text == (
        "The council voted on Monday to keep the old library open for five more years.\n"
        "Campaigners had collected four thousand signatures over the summer to save it."
    )


def test_markup_lxml_rejects_goes_to_beautifulsoup() -> None:
    doc = extract_html(b"<!-- only a comment -->")
    assert doc.meta["parser"] == "bs4:html.parser"
    assert doc.text == ""
    assert [p.code for p in doc.problems] == ["no-article-text"]
    # An unclosed first comment swallows the page for libxml2; html.parser recovers.
    doc = extract_html("<!-- oops\n<p>Real text after a broken comment, kept anyway.</p>")
    assert doc.meta["parser"] == "bs4:html.parser"
    assert doc.text.endswith("Real text after a broken comment, kept anyway.")


def test_markup_after_the_closing_html_tag_is_in_the_body() -> None:
    # A template prints its closing tags, then the article: libxml2 files the rest
    # under a second top-level <html>, browsers in the body.
    story = "The council approved the new library after a year of public hearings. " * 3
    page = (
        "<html><head><title>Library</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/news'>News</a></nav></body></html>\n"
        f"<div class='post'>stray text<h1>Library approved</h1><p>{story.strip()}</p></div>"
        f"<body><p>{story.strip()}</p></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["parser"] == "lxml"
    assert doc.text.count(story.strip()) == 2
    assert "Home" not in doc.text
    assert extract_html(page.replace("</body></html>\n", "")).text.count(story.strip()) == 2


def test_unclosed_tags_do_not_make_html_parser_quadratic() -> None:
    # CVE-2025-6069: 16,000 unclosed "<a " take html.parser ~15 s on Python 3.11.7.
    for page in ("<!--" + "<a " * 16_000, "<body>" + "<div>" * 3000 + "<a " * 16_000):
        start = time.process_time()
        doc = extract_html(page)
        assert time.process_time() - start < 5
        assert doc.meta["parser"] in {"bs4:html.parser", "bs4:lxml"}


def test_plain_text_page() -> None:
    assert extract_html("Just a line of text, no markup at all.").text == (
        "Just a line of text, no markup at all."
    )


# -- limits and hostile input ----------------------------------------------------------
# Time bounds use CPU time (``time.process_time``): other work on a shared machine
# must not make them fail, and what they guard is the work done, not the wait.


def test_deep_nesting_keeps_all_text() -> None:
    depth = 100_000
    page = "<body><p>Before.</p>" + "<div>" * depth + "Deep text." + "</div>" * depth
    page += "<p>After the deep part.</p></body>"
    start = time.process_time()
    doc = extract_html(page.encode())
    assert time.process_time() - start < 20
    assert doc.text == "Before.\nDeep text.\nAfter the deep part."
    assert doc.meta["parser"] == "bs4:lxml"
    assert [p.code for p in doc.problems] == ["html-depth-limit", "html-nesting-flattened"]


def test_deep_and_wide_page_through_beautifulsoup_is_linear() -> None:
    # Past libxml2's limit, with 40,000 paragraphs flattened into one element:
    # looking up that element's last child each time would be quadratic.
    page = "<body>" + "<div>" * 3000 + "<p>Some words of text here, a sentence.</p>" * 40_000
    start = time.process_time()
    doc = extract_html(page)
    assert time.process_time() - start < 15
    assert doc.meta["parser"] == "bs4:lxml"
    assert doc.text.count("Some words of text here, a sentence.") == 40_000


def test_libxml2_truncation_is_detected_below_our_depth_limit() -> None:
    # 3,000 levels: libxml2 (2,048 with huge_tree) would drop the rest silently.
    page = "<div>" * 3000 + "Inner text." + "</div>" * 3000 + "<p>Outer text.</p>"
    doc = extract_html(page, options=HtmlOptions(max_depth=5000))
    assert doc.text == "Inner text.\nOuter text."
    assert [p.code for p in doc.problems] == ["html-depth-limit"]


def test_large_page_finishes_in_bounded_time() -> None:
    paragraph = "<p>" + "A sentence of an unusually long article, repeated. " * 4 + "</p>\n"
    page = ("<html><body><nav><a href='/'>Home</a></nav><article>" + paragraph * 50_000).encode()
    assert len(page) > 10_000_000
    start = time.process_time()
    doc = extract_html(page)
    assert time.process_time() - start < 30
    assert doc.text.count("\n") == 49_999


def test_max_bytes_limit() -> None:
    with pytest.raises(LimitError) as caught:
        extract_html(b"<p>" + b"x" * 100, options=HtmlOptions(max_bytes=64))
    assert str(caught.value) == (
        "<html>: the page is 103 bytes, over the limit of 64; "
        "raise HtmlOptions.max_bytes to read it"
    )


def test_max_elements_limit() -> None:
    page = "<p>a</p>" * 20
    assert extract_html(page, options=HtmlOptions(max_elements=22)).text == "\n".join("a" * 20)
    with pytest.raises(LimitError) as caught:
        extract_html(page, url="https://a.example/", options=HtmlOptions(max_elements=21))
    assert str(caught.value) == (
        "https://a.example/: the page has 22 elements, over the limit of 21; "
        "raise HtmlOptions.max_elements to read it"
    )


def test_time_budget_zero_stops_after_the_first_stage() -> None:
    page = b"<p>Some article text here.</p>"
    with pytest.raises(LimitError) as caught:
        extract_html(page, url="https://a.example/", options=HtmlOptions(time_budget=0))
    assert re.fullmatch(
        r"https://a\.example/: the page used up its time budget \(\d+\.\d\d s of CPU time, "
        r"HtmlOptions\.time_budget=0 s\) after decoding; raise HtmlOptions\.time_budget, "
        r"or set it to None, to read it",
        str(caught.value),
    )
    # Text and soups have no decoding stage: the next check stops them.
    with pytest.raises(LimitError, match=r"time_budget=0 s\) after parsing;"):
        extract_html(page.decode(), options=HtmlOptions(time_budget=0))
    with pytest.raises(LimitError, match="while converting the BeautifulSoup tree"):
        extract_html(BeautifulSoup(page, "html.parser"), options=HtmlOptions(time_budget=0))
    assert extract_html(page, options=HtmlOptions(time_budget=None)).text


def test_time_budget_is_checked_inside_the_block_loop() -> None:
    """An injected clock that advances one second per reading: deterministic."""
    readings: list[float] = []

    def clock() -> float:
        readings.append(float(len(readings)))
        return readings[-1]

    tree = lxml.html.fromstring("<div>" + "<p>a</p>" * 5000 + "</div>")
    deadline = Deadline(3.5, source="https://a.example/", clock=clock)
    with pytest.raises(LimitError) as caught:
        split_blocks(tree, deadline=deadline)
    # Readings: 0 at the start, then one per 1,024 events of the walk (10,002 events).
    assert readings == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert str(caught.value) == (
        "https://a.example/: the page used up its time budget (4.00 s of CPU time, "
        "HtmlOptions.time_budget=3.5 s) while splitting the page into blocks; "
        "raise HtmlOptions.time_budget, or set it to None, to read it"
    )
    assert len(split_blocks(tree, deadline=Deadline(None, source="x", clock=clock))) == 5000
    assert len(readings) == 5


def test_many_paragraphs_under_deep_nesting_is_linear() -> None:
    # 20,000 paragraphs under 2,000 nested divs: per-block ancestor walks would
    # cost 40 million steps; the page index keeps it linear.
    page = "<body>" + "<div>" * 2000 + "<p>Some words of text here.</p>" * 20_000
    start = time.process_time()
    doc = extract_html(page)
    assert time.process_time() - start < 10
    assert doc.text.count("Some words of text here.") == 20_000


def test_max_bytes_message_names_the_source() -> None:
    with pytest.raises(LimitError) as caught:
        extract_html("x" * 10, url="https://a.example/", options=HtmlOptions(max_bytes=5))
    assert str(caught.value) == (
        "https://a.example/: the page is 10 characters, over the limit of 5; "
        "raise HtmlOptions.max_bytes to read it"
    )


def test_strict_mode_without_article() -> None:
    with pytest.raises(HtmlError) as caught:
        extract_html(b"<html><body></body></html>", options=HtmlOptions(strict=True))
    assert str(caught.value) == (
        "<html>: no article text found in the page; check that it is an article, not an index"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"max_bytes": 0},
        {"max_elements": 1.5},
        {"max_depth": -1},
        {"max_depth": True},
        {"strict": "yes"},
        {"time_budget": -1},
        {"time_budget": float("inf")},
        {"time_budget": "10"},
    ],
)
def test_options_are_validated(changes: dict[str, Any]) -> None:
    with pytest.raises(OptionsError, match="HtmlOptions"):
        attrs.evolve(HtmlOptions(), **changes)


def test_wrong_input_type() -> None:
    with pytest.raises(TypeError, match="takes bytes, str or a BeautifulSoup object"):
        extract_html(json.loads("1"))


@given(
    st.one_of(
        html_texts,
        html_texts.map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
    )
)
def test_any_input_gives_a_document(data: str | bytes) -> None:
    try:
        doc = extract_html(data)
    except IngestError:  # pragma: no cover - lenient mode raises only on limits
        pytest.fail("lenient mode raised")
    assert "\n\n" not in doc.text
    assert doc.text == doc.text.strip()
    for value in (doc.text, doc.title, *doc.meta.values()):
        assert not isinstance(value, str) or _UNWRITABLE.search(value) is None
    assert doc.text or doc.problems  # an empty document says why


@given(html_texts)
def test_strict_mode_raises_only_documented_errors(data: str) -> None:
    with contextlib.suppress(HtmlError, DecodeError):
        extract_html(data.encode("utf-8", "surrogatepass"), options=HtmlOptions(strict=True))


def test_a_german_boards_poster_boxes_go() -> None:
    message = "Bei mir hat ein neues Netzteil geholfen, das alte war nach sechs Jahren am Ende. "
    posts = "".join(
        f"<div class='post'><dl class='profil'><dt><a href='/u/{name}'>{name}</a></dt>"
        f"<dd>Beiträge: {count}</dd><dd>Registriert: {year}</dd></dl>"
        f"<div class='inhalt'><p>{message * 2}</p></div></div>"
        for name, count, year in (("anna", 12, 2019), ("jens", 840, 2011), ("kai", 3, 2024))
    )
    text = extract_html(f"<div id='beitraege'>{posts}</div>").text
    assert text.split("\n") == [(message * 2).strip()] * 3


def test_a_posts_machine_timestamps_and_vote_counts_go() -> None:
    # A Q&A thread prints each post's date twice: in words for the reader and in ISO
    # form inside a <time> hidden by a utility class (its metadata); and each post's
    # score, which its microdata declares a vote count.
    post = (
        "<div class='answer'><div itemprop='upvoteCount'>-2</div><div class='info'>answered "
        "<time class='d-none'>2023-03-02T08:01:59.62Z+00:00</time> <span>Mar 2, 2023</span>"
        "</div><p>Wet your hands and the bench instead of dusting them with flour.</p>"
        "<p>Shown at <time datetime='2023-03-02T08:01'>8:01 on 2 March</time>.</p></div>"
    )
    assert [block.text for block in split_blocks(lxml.html.fromstring(post))] == [
        "answered Mar 2, 2023",
        "Wet your hands and the bench instead of dusting them with flour.",
        "Shown at 8:01 on 2 March.",
    ]


def test_a_posts_like_counter_goes() -> None:
    # A thread gives each post its likes in an element that the microdata declares an
    # interaction statistic (schema.org InteractionCounter); the tally is not said by
    # anyone. Text that the microdata names otherwise stays.
    post = (
        "<div itemprop='comment'><div itemprop='text'><p>Bump the minimum version in a "
        "minor release; nobody pins the compiler that tightly.</p></div>"
        "<div itemprop='interactionStatistic' itemscope "
        "itemtype='http://schema.org/InteractionCounter'>"
        "<meta itemprop='userInteractionCount' content='7'><span>7 Likes</span></div>"
        "<p itemprop='description'>3 replies</p></div>"
    )
    assert [block.text for block in split_blocks(lxml.html.fromstring(post))] == [
        "Bump the minimum version in a minor release; nobody pins the compiler that tightly.",
        "3 replies",
    ]


def test_a_templates_unfilled_expressions_are_not_text() -> None:
    # A thread built by a client-side framework prints a placeholder under each post
    # that a script fills in; saved before it ran, the raw expression is left. Three
    # blocks of one expression (numbers aside) are the template's; one alone (a page
    # showing the syntax) stays, and so does an expression inside a <pre>.
    post = (
        "<div><p>Post number {0} says the method works for beginners.</p>"
        "<div>{{{{ errors[{0}].message }}}}</div></div>"
    )
    page = "<div>" + "".join(post.format(n) for n in (117, 118, 120)) + "</div>"
    texts = [
        block.text for block in split_blocks(lxml.html.fromstring(page)) if not block.is_markup
    ]
    assert texts == [
        f"Post number {n} says the method works for beginners." for n in (117, 118, 120)
    ]
    alone = (
        "<div><p>Write the name between braces:</p><div>{{ user.name }}</div>"
        + "<pre>{{ a }}</pre>" * 3
        + "</div>"
    )
    assert not any(block.is_markup for block in split_blocks(lxml.html.fromstring(alone)))


def test_a_quotes_unfold_control_is_not_text() -> None:
    # A reply quotes the post it answers in a box a script folds, with a control to
    # unfold it and a link with no target to fold it again; a control outside a
    # quotation (a link styled as a button) is text, and so is an anchor named for a
    # footnote inside one.
    page = (
        "<div><blockquote><div>All cameras are Leicas now.</div><div>"
        "<a role='button' tabindex='0'>Click to expand...</a></div>"
        "<div><a>Click to shrink...</a></div><div><a name='n1'>Not mine</a>, mind.</div>"
        "</blockquote>"
        "<p>Only the expensive ones.</p><p><a role='button'>Show all replies</a></p></div>"
    )
    assert [block.text for block in split_blocks(lxml.html.fromstring(page))] == [
        "All cameras are Leicas now.",
        "Not mine, mind.",
        "Only the expensive ones.",
        "Show all replies",
    ]
