"""Page types, candidates, markdown output and no silent loss in HTML extraction."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from ingest import HtmlOptions, OptionsError, extract_html
from ingest.cli._main import main
from ingest.html._blocks import split_blocks
from ingest.html._items import titled_article
from ingest.html._kind import PAGE_TYPES, Evidence, page_type
from ingest.html._page import Page
from ingest.html._strategy import _discussion_cards

from ..conftest import FIXTURES

HTML = FIXTURES / "html"
#: The page-type fixtures and the type each must be given.
TYPED = {
    "forum_thread": "forum",
    "forum_microdata_thread": "forum",  # says so in microdata only: not a listing of replies
    "forum_short_replies": "forum",  # one-line replies after the opening post: all kept
    "product_json_ld": "product",
    "product_repeated_summary": "product",  # the summary written twice, phones and wider screens
    "product_repeated_choices": "product",  # a list of short lines written twice
    "product_small_print": "product",  # the notes backing its claims in a box named a disclaimer
    "product_cart_button": "product",  # no metadata, but an "Add to basket" button
    "product_cut_summary": "product",  # the description cut short over the whole of it
    "product_reviews_posts": "product",  # buyers' reviews as <article>s: not a thread
    "product_group_og": "product",  # og:type product.group, no cards: one product's variants
    "service_sections": "service",
    "docs_code_sidebar": "documentation",
    "listing": "listing",  # job cards: a salary inside a line, not a price of its own
    "listing_tiles": "collection",  # a shop's tiles: each shows its price
    "listing_sections": "listing",  # one card repeated under each section's heading
    "listing_sections_plain": "listing",  # the same with bare list items
    "form_wrapped_listing": "collection",  # a shop's tiles inside a form around the page
    "listing_article_cards": "collection",  # tiles marked up as articles, and other articles
    "listing_article_teasers": "listing",  # article teasers opening with a link: not a thread
    "listing_tile_copies": "collection",  # each tile's title twice (an overlay): given once
    "listing_cms_terms": "collection",  # WordPress posts tagged "share...": not furniture
    "listing_hidden_list": "listing",  # the list on show, not a hidden tab's list
    "listing_front_page": "listing",  # says "Article"; sections boxed as headers; a promo
    "news_related": "article",
    "service_testimonials": "service",
    "service_accordion": "service",  # collapsed panels an accordion's buttons show
    "service_tab_panels": "service",  # tab panels hidden until their tab is chosen
    "service_page_builder": "service",  # sections as sibling widgets inside <main>
    "service_section_headers": "service",  # sections headed by <header>s, not a post's
    "service_software_offer": "service",  # JSON-LD Offer of a SoftwareApplication: its plan
    "service_linked_card_titles": "service",  # feature cards titled by links, kept with them
    "article_series": "article",  # full articles one after another: the titled one
    "collection_tile_names": "service",  # a category's prose and tiles: their names kept
    "collection_tile_buttons": "collection",  # each tile's "Quick view", "Add to cart" go
    "collection_controls": "collection",  # its result count, sort and view labels go
    "collection_sections_controls": "service",  # a category as sections: its count goes
}
MARKDOWN = sorted(HTML.glob("*.expected.md"))
_PROSE = "The committee met on Tuesday and agreed the budget for the coming year. " * 4
#: A second paragraph (a paragraph repeated word for word is a copy where the text is
#: all of a page's prose).
_PROSE_2 = "Members then voted to move the spring meeting to the library on the square. " * 4


def _rows(template: str, fields: list[tuple[str, ...]]) -> str:
    """*template* filled with each tuple of *fields*, joined: repeated markup for a test page."""
    return "".join(template.format(*row) for row in fields)


def _html(name: str) -> bytes:
    return (HTML / f"{name}.html").read_bytes()


def test_fixture_globs_are_not_empty() -> None:
    assert MARKDOWN
    for name in TYPED:
        assert (HTML / f"{name}.html").is_file(), name
        assert (HTML / f"{name}.expected.txt").is_file(), name


@pytest.mark.parametrize(("name", "kind"), TYPED.items())
def test_page_type(name: str, kind: str) -> None:
    doc = extract_html(_html(name))
    assert doc.meta["page_type"] == kind
    assert kind in PAGE_TYPES


@pytest.mark.parametrize("expected", MARKDOWN, ids=lambda p: p.name.split(".")[0])
def test_markdown_fixture(expected: Path) -> None:
    page = expected.with_name(expected.name.split(".")[0] + ".html")
    doc = extract_html(page.read_bytes(), output="markdown")
    assert doc.text == expected.read_text(encoding="utf-8").rstrip("\n")


def test_output_option_and_keyword_agree() -> None:
    page = _html("docs_code_sidebar")
    by_keyword = extract_html(page, output="markdown")
    by_option = extract_html(page, options=HtmlOptions(output="markdown"))
    assert by_keyword == by_option
    assert extract_html(page, options=HtmlOptions(output="markdown"), output="text").text == (
        extract_html(page).text
    )


def test_unknown_output_is_refused() -> None:
    with pytest.raises(OptionsError) as caught:
        extract_html(b"<p>x</p>", output="html")
    assert str(caught.value) == (
        "HtmlOptions.output must be one of 'text', 'markdown', got 'html'; "
        "use 'text' (the default) for plain text"
    )


def test_code_is_kept_verbatim() -> None:
    doc = extract_html(_html("docs_code_sidebar"))
    assert '    methods={"GET", "HEAD", "POST"},' in doc.text.split("\n")
    assert "On this page" not in doc.text  # the table of contents
    assert "Installation" not in doc.text  # the sidebar


def test_forum_keeps_every_post() -> None:
    text = extract_html(_html("forum_thread")).text
    for words in ("nail polish remover", "acetone smell", "spoon of rye", "smells of yoghurt"):
        assert words in text
    assert "Similar threads" not in text
    # Each post's author box frames the post; the message is what was said.
    assert "Joined 2019" not in text


def test_a_threads_opening_post_stands_before_its_replies_cards() -> None:
    # Forum software renders a thread's opening post in a template of its own, outside
    # the replies' cards, inside the microdata item of the thread: it is the first post.
    page = lxml.html.fromstring(
        "<div itemscope itemtype='https://schema.org/DiscussionForumPosting'>"
        "<div class='original'><article class='body'><p>How do I wire hatch lights so "
        "that they follow the tailgate?</p></article></div><div class='replies'>"
        + "".join(
            f"<article class='reply'><div class='user'><a href='/m/{n}'>member_{n}</a></div>"
            f"<article class='body'><p>Reply number {n} says what it found.</p></article></article>"
            for n in range(3)
        )
        + "</div></div>"
    )
    blocks = split_blocks(page)
    region = page.find(".//div[@class='replies']")
    assert region is not None
    cards = region.findall("article")
    said = [
        block.text for block in _discussion_cards(Page.of(blocks), region, cards, set(), title="")
    ]
    assert said[0] == "How do I wire hatch lights so that they follow the tailgate?"
    assert said[1:] == [f"Reply number {n} says what it found." for n in range(3)]


def test_articles_one_after_another_keep_the_titled_one_only() -> None:
    text = extract_html(_html("article_series")).text
    assert "third delay since building began" in text
    assert "Ferry fares" not in text
    assert "cycle lanes" not in text


def test_a_thread_whose_replies_repeat_its_title_is_not_a_series() -> None:
    post = "<article class='post'><h3>{}</h3><p>{}</p><p>{}</p><p>{}</p></article>"
    replies: list[tuple[str, ...]] = [("Sourdough starter smells of acetone", "A", "B", "C")]
    replies += [("Re: Sourdough starter smells of acetone", "D", "E", "F")] * 3
    page = lxml.html.fromstring("<div>" + _rows(post, replies) + "</div>")
    posts = list(page.iter("article"))
    assert titled_article(posts, "Sourdough starter smells of acetone") is None
    # Articles of their own, each under its own heading: the titled one.
    own = _rows(post, [(f"Story {n} of the week", "A", "B", "C") for n in "ABC"])
    series = list(lxml.html.fromstring("<div>" + own + "</div>").iter("article"))
    assert titled_article(series, "Story B of the week") is series[1]
    assert titled_article(series, "Something else") is None


def test_board_thread_of_post_boxes_is_a_forum() -> None:
    # A board's thread: dated messages in <div class="post"> boxes, no <article>
    # and no metadata. Its prose would make it an article; its posts make it a thread.
    post = (
        "<div class='post bg{0}'><dl class='postprofile'><dt><a href='/u/{0}'>member{0}</a>"
        "</dt></dl><div class='postbody'><p class='author'><time datetime='2024-02-2{0}'>"
        "Feb 2{0}, 2024</time></p><div class='content'>{1}</div>"
        "<ul><li><a href='/quote?p={0}'>Quote</a></li></ul></div></div>"
    )
    messages: list[tuple[str, ...]] = [
        (str(n), (_PROSE if n % 2 else _PROSE_2) + f"Reply {n}.") for n in range(1, 5)
    ]
    body = "<div id='page-body'><h2>Moving my savings</h2>" + _rows(post, messages) + "</div>"
    doc = extract_html(f"<html><body>{body}</body></html>".encode())
    assert doc.meta["page_type"] == "forum"
    for n in range(1, 5):
        assert f"Reply {n}." in doc.text
    # One post box on an article's page (a blog's entry) is no thread.
    single = "<div id='page-body'>" + _rows(post, messages[:1]) + "<p>" + _PROSE_2 + "</p></div>"
    assert extract_html(f"<html><body>{single}</body></html>".encode()).meta["page_type"] != (
        "forum"
    )


def test_listing_keeps_every_item_and_its_link_text() -> None:
    text = extract_html(_html("listing")).text
    for title in ("Senior Data Engineer", "Streaming Engineer, Kafka", "Quill Labs"):
        assert title in text
    assert "Post a job" not in text


def test_product_keeps_specifications_but_not_recommendations() -> None:
    text = extract_html(_html("product_json_ld")).text
    assert "Recycled 210D nylon ripstop" in text
    assert "Summit 40 Backpack" not in text


def test_service_keeps_every_section() -> None:
    text = extract_html(_html("service_sections")).text
    for heading in ("How we work", "What we design", "Prices"):
        assert heading in text.split("\n")
    assert "Ask us a question" not in text


def test_hidden_streamed_article_is_revealed() -> None:
    # A streamed page renders its article into a hidden element and moves it
    # into place with a script: without scripts, the hidden copy is the text.
    page = (
        "<html><body><div id='root'><p>Loading</p></div>"
        f"<div hidden id='S:0'><article><p>{_PROSE}</p><p>{_PROSE}</p></article></div>"
        "</body></html>"
    )
    doc = extract_html(page)
    assert doc.text.split("\n") == [_PROSE.strip(), _PROSE.strip()]
    assert doc.meta["extraction"] == "container+revealed"


def test_hidden_article_is_revealed_beside_a_visible_list() -> None:
    # A visible list that wins as the items does not keep a streamed article hidden:
    # only another list (a second tab's) is not traded for the one on show.
    cards = _rows(
        "<li class='card'><h3><a href='/p/{0}'>Product number {0} in the grid</a></h3></li>",
        [(str(n),) for n in range(6)],
    )
    page = (
        f"<html><body><ul class='grid'>{cards}</ul>"
        f"<div hidden id='S:0'><article><p>{_PROSE}</p><p>{_PROSE}</p><p>{_PROSE}</p>"
        f"<p>{_PROSE}</p></article></div></body></html>"
    )
    doc = extract_html(page)
    assert str(doc.meta["extraction"]).endswith("+revealed")
    assert doc.text.split("\n").count(_PROSE.strip()) == 4


def test_article_inside_unclosed_button_is_not_lost() -> None:
    page = (
        "<html><body><header><button class='menu'>Menu<div class='panel'>"
        "<nav><a href='/a'>A</a></nav></div>"
        f"<main><article><p>{_PROSE}</p><p>{_PROSE_2}</p></article></main>"
        "</body></html>"
    )
    assert extract_html(page).text.split("\n") == [_PROSE.strip(), _PROSE_2.strip()]


def test_small_hidden_parts_stay_hidden() -> None:
    page = f"<article><p>{_PROSE}</p><p hidden>{_PROSE.upper()}</p></article>"
    doc = extract_html(page)
    assert doc.text == _PROSE.strip()
    assert doc.meta["extraction"] == "container"


def test_teasers_beside_a_dated_article_do_not_make_it_a_listing() -> None:
    cards = "".join(
        f"<div class='card'><a href='/s/{n}'>Another story about the budget, number {n}</a>"
        f"<p>A short summary of story {n}.</p></div>"
        for n in range(12)
    )
    page = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2024-02-11'></head><body>"
        f"<article><p>{_PROSE}</p></article><div class='rail'>{cards}</div></body></html>"
    )
    doc = extract_html(page)
    assert doc.text == _PROSE.strip()
    assert doc.meta["page_type"] == "article"


@pytest.mark.parametrize(
    ("dateline", "published"),
    [
        ("By Jane Doe | March 3, 2025", "2025-03-03"),
        ("Publié le 3 mars 2025", "2025-03-03"),
        ("Veröffentlicht am 3. März 2025", "2025-03-03"),
        ("Updated 2025-03-03", "2025-03-03"),
        ("Posted 11/19/2025 by the desk", "2025-11-19"),
        ("Posted 03/04/2025 by the desk", None),  # March 4 or 3 April: not told
        ("\uc785\ub825 2025.03.03 10:30", "2025-03-03"),  # a Korean dateline: "input"
        ("2025\u5e743\u67083\u65e5 \u8a18\u8005", "2025-03-03"),  # Japanese
        ("2025\ub144 3\uc6d4 3\uc77c", "2025-03-03"),
    ],
)
def test_a_dateline_at_the_head_of_undated_prose_makes_an_article(
    dateline: str, published: str | None
) -> None:
    """No metadata date, but a short block giving one just above the prose: a byline.
    Its date is the article's when it can be told."""
    doc = extract_html(_article(f"<div class='meta'>{dateline}</div>"))
    assert doc.meta["page_type"] == "article"
    assert doc.meta.get("published") == published


def _article(head: str, *, meta: str = "") -> str:
    """A page of two paragraphs under a heading, *head* between them, *meta* in its head."""
    return (
        f"<html><head>{meta}</head><body><nav><a href='/'>Home</a></nav><main>"
        f"<h1>How the budget was agreed</h1>{head}<p>{_PROSE}</p><p>{_PROSE}</p>"
        "</main></body></html>"
    )


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("<p class='byline'>By Jane Doe</p>", "Jane Doe"),
        ("<span class='post-author'>Written by <a href='/a/jd'>Jane Doe</a></span>", "Jane Doe"),
        ("<div class='author-box'><span rel='author'>Von Jana Doe</span></div>", "Jana Doe"),
        ("<div class='comment-author'>A commenter</div>", None),
        ("<nav><p class='author'>The site's owner</p></nav>", None),
        ("<article><footer><p class='author'>Jane Doe</p></footer></article>", "Jane Doe"),
    ],
)
def test_an_article_without_author_metadata_takes_its_bylines_name(
    byline: str, author: str | None
) -> None:
    dated = "<meta property='article:published_time' content='2024-02-11'>"
    doc = extract_html(_article(byline, meta=dated))
    assert doc.meta["page_type"] == "article"
    assert doc.meta.get("author") == author


def test_a_name_marked_as_an_author_on_a_service_page_is_not_its_author() -> None:
    quotes = "".join(
        f"<div class='card'><p>{_PROSE}</p><p class='author'>Client {n}</p></div>" for n in "ABC"
    )
    page = f"<html><body><main><h1>Our services</h1>{quotes}</main></body></html>"
    doc = extract_html(page)
    assert doc.meta["page_type"] != "article"
    assert "author" not in doc.meta


def test_the_metadata_date_wins_over_a_dateline() -> None:
    dated = "<meta property='article:published_time' content='2024-02-11'>"
    page = _article("<div>Updated March 3, 2025</div>", meta=dated)
    assert extract_html(page).meta["published"] == "2024-02-11"


def test_prose_without_a_dateline_stays_a_service_page() -> None:
    """The same page with its dateline's date taken out, and a date far below the prose."""
    page = (
        "<html><body><main><h1>How the budget was agreed</h1><div class='meta'>By Jane Doe</div>"
        f"<p>{_PROSE}</p><p>{_PROSE}</p>"
        + "".join(f"<p>{_PROSE} Section {n}.</p>" for n in range(6))
        + "<footer><p>Prices valid until March 3, 2025</p></footer></main></body></html>"
    )
    assert extract_html(page).meta["page_type"] == "service"


def test_page_type_order() -> None:
    # The page's own word wins where it is specific; structure decides the rest.
    assert page_type(Evidence(schema_types=frozenset({"qapage"}), items=True)) == "forum"
    assert page_type(Evidence(items=True)) == "listing"
    assert page_type(Evidence(code_blocks=3)) == "documentation"
    assert page_type(Evidence(code_blocks=3, og_type="article", dated=True)) == "article"
    # Site builders give every page og:type=article: undated, it does not say article.
    assert page_type(Evidence(code_blocks=3, og_type="article")) == "documentation"
    assert page_type(Evidence(prose_share=0.9)) == "service"
    # A page that sells, and says nothing else of itself, is a product's.
    assert page_type(Evidence(prose_share=0.9, cart=True)) == "product"
    assert page_type(Evidence(items=True, cart=True)) == "listing"


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        ({"product", "offer"}, "product"),
        ({"offer"}, "product"),
        ({"softwareapplication", "offer"}, "service"),  # a software service's plan
        ({"service", "offer", "localbusiness"}, "service"),  # a firm's rates
        ({"softwareapplication", "product", "aggregaterating"}, "service"),  # price snippets
    ],
)
def test_an_offer_of_a_service_is_not_a_product(types: set[str], kind: str) -> None:
    assert page_type(Evidence(schema_types=frozenset(types))) == kind


def test_cli_extract_markdown(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    page = str(HTML / "docs_code_sidebar.html")
    code = main(["extract", page, "--markdown", "--no-clean", "--format", "jsonl", "-o", str(out)])
    assert code == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    expected = (HTML / "docs_code_sidebar.expected.md").read_text(encoding="utf-8")
    assert record["text"] == expected.rstrip("\n")
    assert record["meta"]["page_type"] == "documentation"


@pytest.mark.parametrize(
    ("form", "markdown"),
    [(["--output", "markdown"], True), (["-o", "markdown"], True), (["--output", "text"], False)],
)
def test_cli_extract_output_names_the_form_as_extract_html_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: list[str], *, markdown: bool
) -> None:
    """``--output markdown`` is ``extract_html(..., output="markdown")``; with -o a path
    beside it, the path is where; ``-o ./markdown`` is a file of that name."""
    monkeypatch.chdir(tmp_path)
    page = str(HTML / "docs_code_sidebar.html")
    expected = (HTML / "docs_code_sidebar.expected.md").read_text(encoding="utf-8").rstrip("\n")
    assert main(["extract", page, "--no-clean", *form, "-o", "out.jsonl"]) == 0
    text = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["text"]
    assert (text == expected) is markdown
    assert ("```" in text) is markdown
    assert not (tmp_path / "markdown").exists()
    assert not (tmp_path / "text").exists()
    assert main(["extract", page, "--markdown", "--no-clean", "-o", "./markdown"]) == 0
    assert (tmp_path / "markdown").read_text(encoding="utf-8").startswith("<<<FILE")


def test_cli_extract_markdown_is_not_cleaned(tmp_path: Path) -> None:
    """The cleaner's line rules are for text: --markdown skips the cleaning stage."""
    page = tmp_path / "page.html"
    body = "<p>" + "Talks stalled on Friday after a long week of meetings. " * 2 + "</p>"
    page.write_text(f"<article>{body}<p>Advertisement</p>{body}</article>")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(page), "--markdown", "--format", "jsonl", "-o", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert "\n\nAdvertisement\n\n" in record["text"]
    assert main(["extract", str(page), "--format", "jsonl", "-o", str(out)]) == 0
    assert "Advertisement" not in json.loads(out.read_text(encoding="utf-8"))["text"]


def test_quotations_in_figures_are_content_captions_are_not() -> None:
    text = extract_html(_html("service_testimonials")).text
    assert "six months later I sleep better" in text
    assert "never to an ideal one" in text
    assert "Anna, Tuesday evening class" not in text  # a quotation's source: its caption
    assert "roof terrace" not in text  # an image's caption
    assert "©" not in text


def test_section_named_for_its_picture_is_content() -> None:
    # class="about-image-text": a section beside a picture, holding paragraphs.
    assert "We opened in 2012" in extract_html(_html("service_testimonials")).text


def test_cards_keep_their_header_and_first_title() -> None:
    # Each tile's title sits in the tile's <header>: part of the item, not the page's header.
    doc = extract_html(_html("listing_tiles"))
    assert doc.meta["extraction"] == "items"
    assert doc.text.split("\n")[:2] == ["Dark Roast Whole Beans", "$19.99"]
    assert "Free shipping" not in doc.text


def test_service_page_keeps_sections_of_short_lines() -> None:
    features = _rows(
        "<div class='feature'><h3>{0}</h3><p>{1}</p></div>",
        [
            ("Scheduling", "Build rotas in minutes."),
            ("Time tracking", "Clock in from any phone."),
            ("Payroll", "Pay rates calculated for you."),
        ],
    )
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/pricing'>Pricing</a></nav>"
        f"<div class='page'><div class='intro'><p>{_PROSE}</p></div>"
        f"<div class='features'>{features}</div></div>"
        "<footer><p>Contact us</p></footer></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "service"
    assert doc.meta["extraction"] == "sections"
    assert "Clock in from any phone." in doc.text
    assert "Contact us" not in doc.text


def _product_page(panel: str) -> str:
    description = "Stoneware mug, thrown by hand and glazed in two tones.\nDishwasher safe."
    ld = json.dumps({"@type": "Product", "name": "Two-tone mug", "description": description})
    return (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        "<main><h1>Two-tone mug</h1><p class='price'>USD 60.00</p>"
        "<p>Ships from a small studio in Lyon within three working days of your order.</p>"
        f"{panel}</main></body></html>"
    )


def test_product_description_from_json_ld_when_the_page_hides_it() -> None:
    # The description sits in a collapsed tab the markup hides.
    page = _product_page(
        "<div hidden><p>Stoneware mug, thrown by hand and glazed in two tones.</p></div>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "product"
    assert doc.text.split("\n")[-2:] == [
        "Stoneware mug, thrown by hand and glazed in two tones.",
        "Dishwasher safe.",
    ]
    markdown = extract_html(page, output="markdown").text
    assert markdown.endswith("two tones.\n\nDishwasher safe.")


def test_product_description_shown_on_the_page_is_not_repeated() -> None:
    page = _product_page(
        "<div class='description'><p>Stoneware mug, thrown by hand and glazed in two tones."
        "</p><p>Dishwasher safe.</p></div>"
    )
    assert extract_html(page).text.count("Stoneware mug") == 1


def test_list_of_linked_terms_is_content_teasers_are_not() -> None:
    terms = _rows(
        "<li><a href='/tools/{0}'>{0} framework</a>: {1}</li>",
        [
            ("Selenium", "runs automated tests in real browsers, driven from several languages."),
            ("Cypress", "runs end-to-end and component tests of web applications in a browser."),
            ("Playwright", "automates Chromium, Firefox and WebKit with one API, headless or not."),
        ],
    )
    teasers = "".join(
        f"<li><a href='/s/{n}'>Budget talks resume after a long week, part {n}</a>"
        f"<span>The committee met again on Tuesday to agree the figures for next year.</span></li>"
        for n in range(4)
    )
    page = (
        f"<html><body><article><p>{_PROSE}</p><ul>{terms}</ul></article>"
        f"<div class='more'><ul>{teasers}</ul></div></body></html>"
    )
    text = extract_html(page).text
    assert "Selenium framework: runs automated tests" in text
    assert "Playwright framework: automates" in text
    assert "Budget talks resume" not in text


def test_section_anchored_by_its_heading_is_content() -> None:
    # id="respond-to-review-comments" is the heading's anchor, not a comment box.
    page = (
        f"<html><body><main><section id='intro'><h2>Intro</h2><p>{_PROSE}</p></section>"
        "<section id='respond-to-review-comments'><h2>Respond to review comments</h2>"
        "<p>Reply to every reviewer, and say in the next version what changed and why.</p>"
        "</section><section id='comments'><h2>Reader comments</h2><p>Great post, thanks "
        "for writing it all down so clearly!</p></section></main></body></html>"
    )
    text = extract_html(page).text
    assert "Reply to every reviewer" in text
    assert "Great post" not in text


@pytest.mark.parametrize("classes", ["card overflow-hidden", "hidden md:block"])
def test_utility_classes_that_show_text_are_not_furniture(classes: str) -> None:
    # overflow-hidden clips, "hidden md:block" shows from tablets on: both are on screen.
    page = (
        f"<html><body><main><div class='{classes}'><p>{_PROSE}</p></div>"
        f"<div class='{classes}'><p>Opening hours are nine to five on weekdays, with late "
        "evenings on Thursdays.</p></div></main><div class='newsletter'><p>Sign up to our "
        "newsletter for weekly news from the committee and its budget.</p></div></body></html>"
    )
    text = extract_html(page).text
    assert "late evenings on Thursdays" in text
    assert "newsletter" not in text


def test_service_sections_named_for_how_they_are_shown_are_content() -> None:
    # A testimonial carousel and a section header are content on a service page;
    # names that say what an element is (comments, a menu) still make it furniture.
    quotes = _rows(
        "<div class='carousel-item'><p>{0}</p><p>{1}</p></div>",
        [
            ("They repaired our roof in a day and left the garden tidier than before.", "Ruth"),
            ("Clear quote, fair price and a crew that turned up when they said.", "Omar"),
            ("The gutters have not overflowed once since the work was finished.", "Lee"),
        ],
    )
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/quote'>Get a quote</a></nav>"
        "<main><div class='services'>"
        f"<div class='intro'><h2>Roof repairs</h2><p>{_PROSE}</p></div>"
        "<div class='section-header'><h2>Gutters and fascias</h2>"
        "<p>We clear, repair and replace gutters, downpipes and fascia boards on every"
        " kind of house, and we check the roof edge while we are up there.</p></div>"
        f"<div class='owl-carousel testimonials'>{quotes}</div></div>"
        "<div class='comments'><p>Posted by a visitor: does anyone know a good plumber"
        " in the area, mine has retired and I cannot find anyone to replace him.</p></div>"
        "</main><footer><p>Contact us</p></footer></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "service"
    assert "We clear, repair and replace gutters" in doc.text
    assert "left the garden tidier than before" in doc.text
    assert "a good plumber" not in doc.text
    assert "Contact us" not in doc.text


def test_docs_note_named_for_how_it_is_shown_is_content() -> None:
    # "hidden-print" hides the note on paper only; a sidebar stays furniture.
    code = (
        "<pre><code>import json\nwith open('a.json') as f:\n    data = json.load(f)\n</code></pre>"
    )
    page = (
        "<html><body><div class='sidebar'><ul><li><a href='/a'>Install</a></li>"
        "<li><a href='/b'>Reading files</a></li><li><a href='/c'>Writing files</a></li></ul></div>"
        f"<main><h1>Reading JSON</h1><p>{_PROSE}</p>{code}"
        "<div class='note hidden-print'><p>Note: a file opened without an encoding uses the"
        " locale's default, which differs between machines; pass encoding='utf-8'.</p></div>"
        f"<p>{_PROSE}</p>{code}</main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "documentation"
    assert "which differs between machines" in doc.text
    assert "Reading files" not in doc.text


@pytest.mark.parametrize(
    "notice",
    [
        "<div role='dialog' class='privacy-box'>{0}</div>",  # furniture by its ARIA role
        "<div class='cmp-cookie-notice'>{0}</div>",  # by its name: a cookie notice
    ],
)
def test_consent_notice_with_most_of_the_prose_is_not_content(notice: str) -> None:
    # A short service page under a long consent notice: the notice holds most of
    # the page's prose, and is still not what the page is about.
    legal = _rows(
        "<p>{0} storage or access is used for the legitimate purpose of {1} "
        "that the subscriber or user has requested.</p>",
        [
            ("Functional", "providing a service"),
            ("Preference", "storing preferences"),
            ("Statistical", "anonymous statistics"),
            ("Marketing", "building user profiles"),
        ],
    )
    page = (
        "<html><body><main><h1>Robot vacuums</h1>"
        "<p>Our image sensors let a robot vacuum see furniture, cables and pets in low light.</p>"
        "<p>Each sensor maps a room in a single pass and uses very little power.</p></main>"
        f"{notice.format(legal)}</body></html>"
    )
    text = extract_html(page).text
    assert "see furniture, cables and pets" in text
    assert "legitimate purpose" not in text


def test_utility_variant_prefixes_do_not_make_furniture() -> None:
    # "print:" and "site-header:" say when a style applies, not what the element is.
    body = "".join(
        f"<p class='w-full print:break-inside-avoid'>{line}</p>"
        for line in (
            "Functions are values: pass them around, return them, keep them in lists.",
            "Composition joins two small functions into a third one without glue code.",
            "Currying lets a function take its arguments one at a time, as needed.",
        )
    )
    page = (
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<div class='flex site-header:min-h-screen'><main>{body}</main></div>"
        "<aside><p>Join the reading group: every Thursday we work through one chapter "
        "together and share our answers to the exercises.</p></aside></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["extraction"] == "container"
    assert "Composition joins two small functions" in doc.text
    assert "reading group" not in doc.text


@pytest.mark.parametrize(
    "hidden", ["marker:hidden", "print:hidden", "[&::-webkit-details-marker]:hidden"]
)
def test_hidden_under_a_variant_that_is_no_screen_width_is_not_furniture(hidden: str) -> None:
    # A FAQ's questions in <summary> elements whose list marker is hidden, or that
    # are hidden when printed: the elements are shown on screen, not furniture.
    faq = _rows(
        "<details><summary class='cursor-pointer flex {0}'><h4>{1}</h4></summary>"
        "<p>{2}</p></details>",
        [
            (hidden, "What does the survey cost?", "Nothing: the first survey of a home is free."),
            (hidden, "How long does it take?", "About two hours for a house of three bedrooms."),
            (hidden, "Who carries it out?", "One of our surveyors, all of them chartered."),
        ],
    )
    page = (
        f"<html><body><main><section><h2>Home surveys</h2><p>{_PROSE}</p><p>{_PROSE}</p>"
        f"</section><section><h2>Questions</h2>{faq}</section></main></body></html>"
    )
    text = extract_html(page).text
    assert "What does the survey cost?" in text
    assert "How long does it take?" in text


def test_service_cards_that_end_with_a_button_are_content() -> None:
    # Plans side by side, each a title, a price, its features and a button at the
    # end: a service's sections. Teasers open with their headline's link.
    plans = _rows(
        "<div class='plan'><h3>{0}</h3><p>{1}</p><ul><li>Phone consultation with an expert.</li>"
        "<li>Two rounds of revisions.</li></ul><a href='/buy'>Get started now</a></div>",
        [("Entry level", "$ 479"), ("Professional", "$ 589"), ("Executive", "$ 789")],
    )
    teasers = _rows(
        "<div class='post'><a href='/blog/{0}'>{1}</a><p>Five minutes' read.</p></div>",
        [("a", "How to write a cover letter"), ("b", "Ten interview questions"),
         ("c", "Negotiating your salary")],
    )  # fmt: skip
    page = (
        f"<html><body><div class='page'><p>{_PROSE}</p><div class='plans'>{plans}</div>"
        f"<div class='posts'>{teasers}</div></div></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "service"
    assert "$ 589" in doc.text
    assert "Two rounds of revisions." in doc.text
    assert "Negotiating your salary" not in doc.text


def test_sentences_opening_with_a_link_are_content() -> None:
    # A "next steps" list: each item a sentence whose subject links to the page it names.
    steps = _rows(
        "<li><a href='/docs/{0}'>{0}</a> {1}</li>",
        [
            ("Creating modules", "explains how to collect resources into modules."),
            ("Refactoring", "describes how to move and rename resources safely."),
            ("Removing resources", "shows how to drop a resource from the state file."),
        ],
    )
    page = (
        f"<html><body><main><p>{_PROSE}</p><h2>Next steps</h2><ul>{steps}</ul></main></body></html>"
    )
    text = extract_html(page).text
    assert "Creating modules explains how to collect resources" in text
    assert "Removing resources shows how" in text


def test_teaser_headline_and_summary_in_one_block_stay_teasers() -> None:
    # A headline link run into its summary reads like a sentence, but the link is
    # a headline, not a short term: the cards are a teaser list.
    teasers = "".join(
        f"<li><a href='/s/{n}'>Deportees return home after their long journey, part {n}</a> "
        "NEW DELHI: Their savings wasted, the families of the deportees are waiting at the "
        "airport to meet them again after a year spent abroad.</li>"
        for n in range(4)
    )
    page = (
        f"<html><body><div class='story'>{f'<p>{_PROSE}</p>' * 5}</div>"
        f"<div class='box'><ul>{teasers}</ul></div></body></html>"
    )
    assert "Deportees return home" not in extract_html(page).text


def test_documentation_keeps_its_lists_of_links_not_its_sidebar() -> None:
    code = "<pre>import ingest\ndoc = ingest.extract_html(page)\nprint(doc.text)</pre>"
    endpoints = _rows(
        "<li>{1} <a href='/api/{0}'>/v1/charges/{0}</a></li>",
        [("create", "POST"), ("retrieve", "GET"), ("capture", "POST")],
    )
    page = (
        "<html><body><nav><ul><li><a href='/a'>Getting started guide</a></li>"
        "<li><a href='/b'>Reference for every option</a></li></ul></nav>"
        f"<div class='doc'><h1>Charges</h1><p>{_PROSE}</p>{code}<h2>Endpoints</h2>"
        f"<ul>{endpoints}</ul>{code}</div></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "documentation"
    assert "GET /v1/charges/retrieve" in doc.text
    assert "Reference for every option" not in doc.text


def test_figure_holding_most_of_the_article_is_content() -> None:
    # A table's <figure> left open by the markup: the parser nests the rest of
    # the article inside it. A figure is an image and its caption; one holding
    # most of the page's prose in several paragraphs is the article.
    later = _rows("<p>{0} {1}</p>", [("Later.", _PROSE), ("Then.", _PROSE), ("Last.", _PROSE)])
    page = (
        f"<html><body><main><article><p>{_PROSE}</p>"
        "<figure class='block-table'><div class='table-wrapper'><table><tr><td>Size</td>"
        f"<td>1 l</td></tr></table>{later}</div></figure>"
        "</article></main><footer><p>Copyright 2025 Example Media.</p></footer></body></html>"
    )
    text = extract_html(page).text
    assert "Later. The committee met" in text
    assert "Last. The committee met" in text
    assert "Copyright" not in text


def test_figure_caption_is_not_content() -> None:
    page = (
        f"<html><body><main><article><p>{_PROSE}</p><p>{_PROSE}</p>"
        "<figure><img src='a.jpg'><figcaption>The committee room on Tuesday. "
        "Photo: Example Agency</figcaption></figure></article></main></body></html>"
    )
    assert "Photo: Example Agency" not in extract_html(page).text


def test_product_sections_named_for_how_they_are_shown_are_content() -> None:
    # A product's section in a header strip is its description; related
    # products are still not.
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "Product", "name": "Kettle K2"}</script></head><body>'
        "<nav><a href='/'>Shop</a> <a href='/cart'>Cart</a></nav><main>"
        "<div class='product-main'><h1>Kettle K2</h1>"
        f"<div class='description'><p>{_PROSE}</p></div>"
        "<div class='section-header'><h2>Care</h2><p>Descale it once a month with citric"
        " acid, rinse it twice and boil a full kettle of fresh water before use.</p></div>"
        "</div><div class='related-products'><a href='/k1'>Kettle K1, the smaller one</a>"
        " <a href='/t2'>Toaster T2 in the same colours</a></div></main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "product"
    assert "Descale it once a month" in doc.text
    assert "Toaster T2" not in doc.text


def test_a_series_of_widgets_is_content_a_single_widget_is_not() -> None:
    # A page of picks, each in a box its template calls a widget: the series is
    # the content; one widget beside it (a sign-up appeal) is not.
    picks = _rows(
        "<div class='c-product-widget'><h2>{0}</h2><p>{1}</p>"
        "<p>It is sold in four colours and comes with a two-year guarantee.</p></div>",
        [
            ("Kettle K2", "It boils a litre in two minutes and stays quiet."),
            ("Kettle K1", "The smaller model fits under low cupboards."),
            ("Kettle X9", "A gooseneck spout for careful pouring."),
        ],
    )
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/kitchen'>Kitchen</a></nav><main>"
        f"<div class='intro'><h1>The best kettles</h1><p>{_PROSE}</p><p>{_PROSE}</p></div>"
        f"<div class='picks'>{picks}</div><div class='signup-box-widget'><p>Get our best"
        " picks every week in your inbox, with deals you will not find anywhere else.</p>"
        "</div></main><footer><p>Contact us</p></footer></body></html>"
    )
    text = extract_html(page).text
    assert "boils a litre in two minutes" in text
    assert "gooseneck spout" in text
    assert "best picks every week" not in text


@pytest.mark.parametrize(
    "reviews",
    [
        "<div class='customer-reviews'>{0}</div>",  # by its name
        # by its microdata
        "<div><div itemprop='review' itemscope itemtype='https://schema.org/Review'>{0}</div></div>",
    ],
)
def test_product_drops_its_buyers_reviews(reviews: str) -> None:
    said = _rows(
        "<p>{0} {1}</p>",
        [
            ("Great kettle!", "Boils fast and looks lovely on our counter, would buy again."),
            ("Stopped working.", "After three weeks it would not switch on any more, sadly."),
            ("Nice colour.", "Exactly the shade of green we wanted for the new kitchen."),
        ],
    )
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "Product", "name": "Kettle K2"}</script></head><body><main>'
        f"<div class='product-main'><h1>Kettle K2</h1><div class='description'><p>{_PROSE}</p>"
        "<p>A steel filter keeps scale out of the cup and lifts out for washing.</p></div>"
        f"</div>{reviews.format(said)}</main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "product"
    assert "lifts out for washing" in doc.text
    assert "would not switch on" not in doc.text


def test_testimonials_are_not_buyers_reviews() -> None:
    # A business's chosen quotations, even in a box also named for reviews and on
    # a page its JSON-LD calls a product, are content.
    quotes = _rows(
        "<div class='testimonial-card'><div class='review-text'><p>{0}</p><p>{1}</p></div></div>",
        [
            ("They cleared the wasps' nest in an hour and explained every step.", "Ann"),
            ("Friendly, on time and the mice have not come back since spring.", "Raj"),
        ],
    )
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "Product", "name": "Pest control"}</script></head><body><main>'
        f"<div class='intro'><h1>Pest control</h1><p>{_PROSE}</p><p>{_PROSE}</p></div>"
        f"<div class='testimonials'>{quotes}</div></main></body></html>"
    )
    assert "explained every step" in extract_html(page).text


def test_a_discussion_keeps_posts_named_comments() -> None:
    # On a page whose JSON-LD says it is a forum thread, the posts its software
    # calls comments are the content; without that word they would be furniture.
    posts = _rows(
        "<div id='comment-{0}_wrap' class='entry-content'><p>{1}</p></div>",
        [
            ("101", "Has anyone flown the new lander to the far moon without refuelling?"),
            ("102", "Yes, with two extra tanks on the sides and a very careful descent burn."),
            ("103", "I tried it last week and ran dry ten metres above the surface, sadly."),
            ("104", "Use the gravity of the inner moon first, it saves a lot of fuel overall."),
        ],
    )
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "DiscussionForumPosting", "headline": "Far moon landing"}</script></head>'
        "<body><nav><a href='/'>Forums</a></nav><main><h1>Far moon landing</h1>"
        f"<div id='comments'>{posts}</div>"
        f"<div class='guest-teaser'><p>{_PROSE}</p><p>{_PROSE}</p></div>"
        "</main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "forum"
    for line in ("without refuelling", "careful descent burn", "ten metres above", "inner moon"):
        assert line in doc.text


@pytest.mark.parametrize("modifier", ["no", "has", "with", "without"])
def test_a_name_saying_what_an_element_lacks_or_holds_is_not_furniture(modifier: str) -> None:
    # "no-image", "has-image": a modifier saying the row has a picture or none, not
    # that it is one.
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "Article", "headline": "Get started"}</script></head>'
        "<body><nav><a href='/'>Home</a></nav><main><article>"
        f"<p>{_PROSE}</p>"
        f"<section class='landing-row landing-row-{modifier}-image'><h2>Hello, world</h2>"
        "<p>Follow this introductory course for step-by-step instructions about how to"
        " create your first app.</p></section></article></main></body></html>"
    )
    assert "step-by-step instructions" in extract_html(page).text


def test_documentation_keeps_the_rows_of_its_tables_of_functions() -> None:
    # A table whose rows each open with a linked function name looks like a
    # list of teaser cards; in documentation it is the reference.
    code = "<pre>from itertools import accumulate\ntotals = accumulate(data)\nprint(totals)</pre>"
    rows = _rows(
        "<tr class='row'><td><a href='#{0}'>{0}()</a></td><td>{1}</td></tr>",
        [("accumulate", "p0, p0+p1, p0+p1+p2"), ("compress", "data where selectors hold"),
         ("dropwhile", "seq[n], seq[n+1], starting when the predicate fails")],
    )  # fmt: skip
    page = (
        "<html><body><div class='sidebar'><ul><li><a href='/a'>Previous topic: functools</a>"
        "</li><li><a href='/b'>Next topic: operator module</a></li></ul></div>"
        f"<div class='body'><h1>itertools</h1><p>{_PROSE}</p>{code}"
        f"<table><tbody>{rows}</tbody></table>{code}</div></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "documentation"
    assert "starting when the predicate fails" in doc.text
    assert "compress()" in doc.text
    assert "Next topic" not in doc.text


def test_service_cards_under_a_linked_heading_are_content_dated_ones_are_not() -> None:
    # A service's features, each a linked heading and what it does, are its
    # sections; cards with a date are the teasers of its blog's posts.
    features = _rows(
        "<div class='card'><h3><a href='/{0}'>{1}</a></h3><p>{2}</p></div>",
        [
            ("rank", "Track local rankings", "See where your business ranks, street by street."),
            ("audit", "Audit citations", "Find the directories that list your address wrong."),
            ("reviews", "Monitor reviews", "Answer every review from one inbox, on every site."),
        ],
    )
    posts = _rows(
        "<div class='card'><h3><a href='/blog/{0}'>{1}</a></h3><p>{2}</p><p>{3}</p></div>",
        [
            ("a", "Ten ways to rank higher", "March 3, 2025", "Spring cleaning for your listings."),
            ("b", "The latest update", "2025-02-14", "What changed, and what to do now."),
            ("c", "Local search in Europe", "12 January 2025", "Our survey of a thousand shops."),
        ],
    )
    page = (
        f"<html><body><main><section><h2>Local search tools</h2><p>{_PROSE}</p>"
        f"<p>{_PROSE}</p></section><section><h2>What you get</h2>"
        f"<div class='grid'>{features}</div></section><section><h2>From the blog</h2>"
        f"<div class='grid'>{posts}</div></section></main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "service"
    assert "street by street" in doc.text
    assert "list your address wrong" in doc.text
    assert "Spring cleaning" not in doc.text
    assert "Our survey" not in doc.text


def test_forum_signatures_are_furniture() -> None:
    # Under each post its author's signature: the same lines under every post,
    # about the author, not what was said (phpBB's posts are not <article>s).
    posts = _rows(
        "<div class='post'><div class='postbody'><div class='content'>{0}</div>"
        "<div id='sig{1}' class='signature'>{2}</div></div></div>",
        [
            ("Has anyone flown the new lander to the far moon without refuelling at all?",
             "1", "Three-time champion of the lunar rally, ask me anything you like"),
            ("Yes, with two extra tanks on the sides and a very careful descent burn.",
             "2", "Signatures are the bumper stickers of the internet, said a wise one"),
            ("I tried it last week and ran dry ten metres above the surface, sadly.",
             "3", "Three-time champion of the lunar rally, ask me anything you like"),
        ],
    )  # fmt: skip
    page = f"<html><body><nav><a href='/'>Forums</a></nav><main>{posts}</main></body></html>"
    text = extract_html(page).text
    assert "careful descent burn" in text
    assert "lunar rally" not in text
    assert "bumper stickers" not in text


def test_a_thread_drops_quotations_of_its_own_posts() -> None:
    # A reply quotes the post it answers: that post again, not something new.
    # A quotation from elsewhere (a manual) is what the reply says.
    first = "Has anyone flown the new lander to the far moon without refuelling at all?"
    manual = "Refuel before every descent below two thousand metres, says the manual."
    posts = _rows(
        "<article class='post'><div class='message'>{0}<p>{1}</p></div></article>",
        [
            ("", first),
            (f"<blockquote><div>Pilot7 said:</div><p>{first}</p></blockquote>",
             "Yes, with two extra tanks on the sides and a very careful descent burn."),
            (f"<blockquote><p>{manual}</p></blockquote>",
             "I tried it without, and ran dry ten metres above the surface, sadly."),
        ],
    )  # fmt: skip
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "DiscussionForumPosting", "headline": "Far moon landing"}</script></head>'
        f"<body><main><h1>Far moon landing</h1>{posts}</main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "forum"
    assert doc.text.count(first) == 1
    assert manual in doc.text
    assert "careful descent burn" in doc.text


def test_a_page_without_an_article_keeps_its_card_grid_in_a_widget() -> None:
    # A best-sellers page: no article, its ranked cards in a box the template
    # calls a widget. The cards are the content; the footer's links are not.
    cards = _rows(
        "<li class='rank-card'><div>#{0}</div><div><a href='/p/{0}'>{1}</a></div>"
        "<div>{2}</div><div>$ {3}</div></li>",
        [
            ("1", "The Long Way Home, a novel", "Ann Marsh", "22.40"),
            ("2", "A Court of Quiet Rivers", "Leo Hart", "26.60"),
            ("3", "Bread for Beginners", "Sam Oake", "18.99"),
            ("4", "Maps of the Northern Sky", "Ida Cole", "31.00"),
        ],
    )
    page = (
        "<html><body><div class='page'><h1>Best sellers in books</h1>"
        f"<div class='list-widget'><ol class='grid'>{cards}</ol></div></div>"
        "<footer><ul><li><a href='/help'>Help and contact</a></li>"
        "<li><a href='/jobs'>Careers at the shop</a></li>"
        "<li><a href='/press'>Press releases</a></li></ul></footer></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "collection"  # the cards show prices: products
    for title in ("The Long Way Home", "A Court of Quiet Rivers", "Maps of the Northern Sky"):
        assert title in doc.text
    assert "Careers at the shop" not in doc.text


def test_article_in_a_widget_keeps_its_teaser_widget_out() -> None:
    # The same box around teasers beside an article: the article is the content.
    teasers = _rows(
        "<li class='post-card'><a href='/p/{0}'>{1}</a><span>{2}</span></li>",
        [
            ("a", "Council approves new cycle lanes", "May 2"),
            ("b", "Library to open on Sundays", "May 1"),
            ("c", "Harbour festival returns in June", "April 30"),
        ],
    )
    page = (
        f"<html><body><main><h1>Budget agreed</h1><p>{_PROSE}</p><p>{_PROSE}</p></main>"
        f"<div class='posts-widget'><ul>{teasers}</ul></div></body></html>"
    )
    doc = extract_html(page)
    assert "agreed the budget" in doc.text
    assert "cycle lanes" not in doc.text


def test_item_tiles_are_taken_before_stray_prose() -> None:
    # A shop's category page: short tiles and no article; the only prose is the
    # newsletter box. The tiles are the content, not that box.
    tiles = _rows(
        "<div class='tile'><div><a href='/p/{0}'>{1}</a></div><div>{2}</div></div>",
        [
            ("1", "Grow bags, a bundle of ten", "$ 19.00"),
            ("2", "Natural wood pot stakes", "$ 7.50"),
            ("3", "Waterproof kneeling pad", "$ 12.00"),
            ("4", "Knife and tool sharpener", "$ 9.95"),
            ("5", "Seed packet plant markers", "$ 4.25"),
        ],
    )
    page = (
        f"<html><body><div class='shop'><div class='tiles'>{tiles}</div></div>"
        "<div class='newsletter'><p>Sign up for our letters and get ten percent off"
        " your first order, with news of the season's seeds and tools.</p></div></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["extraction"] == "items"
    for title in ("Grow bags, a bundle of ten", "kneeling pad", "plant markers"):
        assert title in doc.text
    assert "ten percent off" not in doc.text


def test_a_figure_holding_a_code_listing_is_content() -> None:
    # Static site generators put highlighted code in <figure class="highlight">.
    page = (
        "<html><head><script type='application/ld+json'>"
        '{"@type": "BlogPosting", "headline": "Reading files"}</script></head>'
        "<body><nav><a href='/'>Home</a></nav><main><article>"
        f"<p>{_PROSE}</p>"
        "<figure class='highlight'><pre><code>with open(path) as handle:\n"
        "    for line in handle:\n        print(line.rstrip())</code></pre></figure>"
        f"<p>{_PROSE}</p>"
        "<figure><img src='shot.png' alt=''><figcaption>A screenshot of the output</figcaption>"
        "</figure></article></main></body></html>"
    )
    text = extract_html(page).text
    assert "for line in handle:" in text
    assert "A screenshot of the output" not in text


def test_a_product_summary_cut_short_goes_and_its_whole_stays() -> None:
    # The words of a cut summary stand inside the full paragraph: the summary goes.
    # Two paragraphs with the same words (one with other punctuation): the first stays.
    full = "The kettle whistles when the water boils, and it pours without a single drip."
    cut = "The kettle whistles when the water boils, and it pours"
    again = "Made in Suffolk; glazed by hand, fired twice and checked before it is boxed."
    page = (
        '<html><head><script type="application/ld+json">{"@type": "Product"}</script></head>'
        f"<body><main><h1>Kettle</h1><p>{cut} without</p><p>{again}</p>"
        f"<p>{full}</p><p>{again.replace(';', ',')}</p></main></body></html>"
    )
    doc = extract_html(page)
    assert doc.meta["page_type"] == "product"
    assert doc.text.splitlines() == [again, full]


def test_priced_tiles_keep_their_names_not_a_label_every_tile_repeats() -> None:
    # Tiles among a category's sections: each name links to the product and goes as a
    # link list, while its price stays. The names come back; a link that every tile
    # repeats before its price ("Choose options") is a button, not a name.
    named = _rows(
        "<li class='tile'><a href='/p/{0}'>{1}</a><div class='price'>{2}</div></li>",
        [("1", "Walnut Chopping Board", "$48.00"), ("2", "Enamel Milk Pan", "$36.00"),
         ("3", "Linen Tea Towel Set", "$22.00")],
    )  # fmt: skip
    labelled = _rows(
        "<li class='card'><h3>{0}</h3><a href='/options'>Choose options</a>"
        "<div class='price'>{1}</div></li>",
        [("Oak Spoon Rest", "$14.00"), ("Stoneware Jug", "$31.00"),
         ("Beech Rolling Pin", "$19.00")],
    )  # fmt: skip
    page = (
        f"<html><body><main><p>{_PROSE}</p><ul class='grid'>{named}</ul>"
        f"<ul class='more'>{labelled}</ul><p>{_PROSE_2}</p></main></body></html>"
    )
    lines = extract_html(page).text.splitlines()
    assert lines[1:4] == ["Walnut Chopping Board", "$48.00", "Enamel Milk Pan"]
    assert "Oak Spoon Rest" in lines
    assert "Choose options" not in lines
