"""Choose the main content: compare candidates, tell the page type, extract accordingly.

For every page two candidates are built from the same blocks:

* the *article*: the best-scoring container (:func:`~._content.choose_container`)
  rendered without furniture, link lists and odd ``<article>`` elements (the
  posts of a thread stay together: :func:`~._items.dropped_articles`);
* the *items*: the region holding the page's largest group of repeated cards
  (:func:`~._items.item_region`), rendered with its links.

The items win when they hold at least :data:`_ITEMS_GAIN` times the article's
text, unless the page calls itself an article and the article candidate is not
empty (its teaser lists are not its content) nor under a fifth of the items'
(:data:`_SAID_ITEMS_GAIN`: a blog's front page whose article candidate is a
promotion box). On a page with no article (the
candidate is empty and the page does not call itself one), a card grid boxed in
furniture named only for how it is shown (a carousel, a widget) is a candidate
too, rendered without that box counting as furniture. :func:`~._kind.page_type` names
the page from that, the page's own metadata and the article's shape. A
product or service page spreads its content over sections, so its container
grows to the ``<main>`` element holding it, if the page marks one, or else to
the ancestors whose added text is content
(:func:`~._content.expand_container`). Its cards are sections, not teasers
(plans, features), except, on a product page, those that open with a link
(other products) and, on a service page, those that open with a link and carry
a date (posts' teasers); a service page whose container is an article (most of
the prose) ends with it (:func:`~._trailers.without_tail`). A thread keeps each post's
message without the author box around it (:func:`~._items.post_chrome`;
not on a page that calls itself an article, whose entries are a listicle's),
and drops the quotations of its own posts in replies.
An article, a thread and documentation keep the container; an article
without the boxes that follow its body there (an author's card, a disclaimer:
:func:`~._trailers.without_trailers`). On a service or
documentation page, furniture named only for how it is shown (a carousel, a
section header, a code sample's ``hidden`` box) that holds prose is kept.

No silent loss: a page whose extraction is short is walked again with hidden,
``noscript`` and ``button`` content revealed (streamed pages put the article
in a hidden element, and libxml2 nests whole pages in an unclosed
``<button>``), and that extraction is taken when it is much longer. When every
candidate gives under :data:`MIN_ARTICLE` characters: JSON-LD ``articleBody``,
then the page's item tiles when they hold at least as much text as its prose
blocks, then those prose blocks (without a dialog's, a navigation's or a
footer's, when an article's worth is left), then all of its text that is not
furniture.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate
from typing import Final

import attrs
from lxml import etree

from ..core import Deadline
from ._blocks import Block, split_blocks
from ._bylines import without_byline, without_reading_times
from ._content import (
    announces,
    choose_container,
    customer_reviews,
    describe,
    expand_container,
    furniture_elements,
    in_set,
    is_main,
    never_content,
    presentation_named,
    render,
    small_print_named,
    teaser_cards,
)
from ._items import (
    DATE_RE,
    MIN_CARDS,
    card_groups,
    dated,
    dropped_articles,
    iso_date,
    item_region,
    leads_with_link,
    post_chrome,
)
from ._kind import Evidence, names_thread, page_type
from ._page import HEADINGS, WORD_RE, Page, box_signature, is_prose, words
from ._posters import without_poster_boxes
from ._trailers import without_forms, without_tail, without_trailers

__all__ = ["MIN_ARTICLE", "Extraction", "extract_article"]

#: Posts that open with a link are a listing's teasers when the item cards hold at
#: least this share of the article candidate (:func:`_teaser_posts`).
_TEASER_POSTS_SHARE: Final = 0.5
#: Below this many characters, the extraction counts as having found nothing.
MIN_ARTICLE: Final = 100
#: The items of a listing win over the article candidate from this many times its text.
_ITEMS_GAIN: Final = 2.0
#: On a page that calls itself an article, the items win only from this many times the
#: article candidate's text: that candidate is then a promotion or an introduction
#: (a blog's front page, a digest whose entries lead with links), not the article.
_SAID_ITEMS_GAIN: Final = 5.0
#: ... unless it holds this many characters of prose outside the item cards.
_OWN_TEXT: Final = 1500
#: An extraction shorter than this is compared with one from the page walked with
#: hidden, ``noscript`` and ``button`` content revealed ...
_REVEAL_BELOW: Final = 1000
#: ... when revealing multiplies the page's text at least this much; the revealed
#: extraction is taken when it is at least this many times longer.
_REVEAL_GAIN: Final = 3
#: A product page's text holding under this share of its JSON-LD description's
#: words gets the description added.
_DESCRIBED: Final = 0.5
_TAG_RE: Final = re.compile(r"<[^>]*>")
#: A block of a product page (or of the prose fallback) of at least this many
#: characters that repeats an earlier one is a copy (the summary shown to phones and
#: to wider screens).
_COPY_CHARS: Final = 20
#: ... and a run of at least this many blocks, each maybe shorter, that repeats an
#: earlier run in order and holds that many characters together, is one too (a
#: list of short lines written twice: sizes, colours, a price in each currency).
_COPY_RUN: Final = 3
#: The earlier places of a run's first lines that are compared with a later one.
_COPY_STARTS: Final = 4
#: A product page's heading of this many characters or fewer naming the shop's terms
#: (shipping, returns, payment, warranty) heads a section of them, not of the product.
_TERMS_CHARS: Final = 60
_TERMS_RE: Final = re.compile(
    r"\b(?:shipping|returns?|refunds?|delivery|warranty|guarantee|payments?)\b", re.IGNORECASE
)
#: A ``<pre>`` block of at least this many lines counts as a code block.
_CODE_LINES: Final = 3
#: Page types whose content spreads over sibling sections (a product's
#: specifications, a service's features are often short lines, not prose).
_SECTIONED: Final = frozenset({"product", "service"})
#: Page types whose furniture named only for how it is shown is content when it
#: holds prose (see :func:`_named_sections`).
_SHOWN_NAMES: Final = frozenset({"documentation", "product", "service"})
#: ... with at most this share of its text in links.
_MAX_SECTION_LINKS: Final = 0.2
#: On a service page, such furniture holding one of these headings is a section too.
_SECTION_HEADINGS: Final = ("h2", "h3", "h4", "h5", "h6")
#: A thread is its posts when they hold this share of its text; when they hold
#: less, what they were taken for (reviews, cards) sits beside other content.
_POSTS_HOLD: Final = 2 / 3
#: An amount of money: a currency sign or code before or after a number.
_PRICE_RE: Final = re.compile(
    r"(?:[$\u20ac\u00a3\u00a5\u20b9\u20bd\u20a9\u20ba\u20aa]|\b(?:USD|EUR|GBP|CHF|JPY|INR)\b)\s?\d"
    r"|\d\s?(?:[$\u20ac\u00a3\u00a5\u20b9\u20bd\u20a9\u20ba\u20aa]|(?:USD|EUR|GBP|CHF|kr|z\u0142|K\u010d|Ft|lei)\b)"
)
#: Items show prices when one line in this many is a price ...
_PRICED_LINES: Final = 10
#: ... with at most its label ("Sale price $19.99"): a line of at most this many characters.
_PRICE_LINE: Final = 40
#: A priced tile's name links to the product's page and has at least this many characters
#: (as a teaser's headline link) ...
_TILE_NAME: Final = 10
#: ... with more than this share of them in links (a link line, dropped as a link list).
_TILE_LINKS: Final = 0.5
#: A listing's control outside its cards: the count of its results, a sort, view or
#: filter toggle with at most its current choice, a "Show more" button, a skip link.
_CONTROL_RE: Final = re.compile(
    r"\s*(?:"
    r"(?:showing|displaying|viewing|loaded)?\s*(?:\d[\d,.]*(?:\s*[-\u2013\u2014]\s*\d[\d,.]*)?\s+of\s+)?"
    r"\d[\d,.]*\s+(?:results?|items?|products?|matches|entries|listings)(?:\s+found)?"
    r"|sort(?:\s*by)?\s*:?\s*(?:best\s+match|relevance|featured|newest|popularity|most\s+popular"
    r"|ranking|recommended|date|price[\w\s,:-]{0,20})?"
    r"|view(?:\s+as)?\s*:?|(?:items\s+)?per\s+page\s*:?"
    r"|(?:filters?|filter\s+by|refine(?:\s+by)?)\s*:?"
    r"|filter\s*(?:&|and)\s*sort|sort\s*(?:&|and)\s*filter"
    r"|(?:show|load|view|see)\s+more"
    r"|(?:(?:skip|jump)\s+to\s+[\w ]{1,30}?)+"
    r")\s*",
    re.IGNORECASE,
)
#: A reply's subject line: the thread's subject after a reply prefix (``Re: ...``).
_REPLY_RE: Final = re.compile(r"(?:re|aw|sv|antw)\s?:\s*(\S.*)", re.IGNORECASE)
#: ... repeated at least this many times, as the replies of a thread repeat it.
_REPLIES: Final = 2
#: A dateline is a block of at most this many characters ...
_DATELINE_CHARS: Final = 150
#: ... under this share of links ...
_DATELINE_LINKS: Final = 0.5
#: ... among this many blocks before the article and its first ones.
_DATELINE_REACH: Final = 5


@attrs.frozen
class Extraction:
    """The main content and how it was found.

    Attributes:
        lines: The content's lines (paragraphs, headings, list items).
        method: ``"container"``, ``"sections"``, ``"items"``, ``"json-ld"``,
            ``"prose"``, ``"page-text"`` or ``"empty"``, with ``"+revealed"``
            when hidden content had to be revealed (see the module docstring).
        container: A short description of the chosen element (``div.article-body``).
        page_type: One of :data:`ingest.html._kind.PAGE_TYPES`.
        blocks: The blocks the lines come from (for markdown), empty for JSON-LD.
        appended: Lines after the blocks' that come from JSON-LD (a product's
            description), one paragraph each.
        published: The ``YYYY-MM-DD`` of an article's dateline, when its metadata
            gives no date (:func:`~._items.iso_date`); empty otherwise.
    """

    lines: tuple[str, ...]
    method: str
    container: str = ""
    page_type: str = "article"
    blocks: tuple[Block, ...] = ()
    appended: tuple[str, ...] = ()
    published: str = ""


def extract_article(
    root: etree._Element,
    *,
    title: str = "",
    json_ld_body: str = "",
    product_description: str = "",
    hints: Evidence | None = None,
    deadline: Deadline | None = None,
) -> Extraction:
    """Extract the main content of a parsed page (see the module docstring).

    *hints* carries what the page's metadata says (JSON-LD types, ``og:type``);
    *product_description* is its JSON-LD ``Product`` description, added to a
    product page's text when the text lacks most of it.
    The *deadline*, if any, is checked while the page is split into blocks and
    after each pass over them.
    """
    body = root.find("body")
    top = body if body is not None else root
    said = hints or Evidence()
    blocks = split_blocks(top, deadline=deadline)
    found = _extract(
        top, blocks, title=title, json_ld_body=json_ld_body, said=said, deadline=deadline
    )
    chars = _chars(found.lines)
    if chars < _REVEAL_BELOW:
        revealed = split_blocks(top, deadline=deadline, reveal=True)
        if _length(revealed) >= _REVEAL_GAIN * max(1, _length(blocks)):
            second = _extract(
                top, revealed, title=title, json_ld_body=json_ld_body, said=said, deadline=deadline
            )
            # A listing seen on the page is not traded for another that the markup hides
            # (a second tab's list, a menu's): only for content the visible page lacks.
            other_list = found.method == second.method == "items"
            if _chars(second.lines) >= _REVEAL_GAIN * max(chars, MIN_ARTICLE) and not other_list:
                found = attrs.evolve(second, method=second.method + "+revealed")
                blocks = revealed
    if found.method == "items":
        # Shops and news rivers hide their tiles' duplicate links from screen readers
        # (a description repeating the title's link): shown on the page, so the items.
        # Their buttons ("Quick view", "Add to cart") are no part of an item; when the
        # items do not win without them, they are walked again with them.
        for buttons in (False, True):
            shown = split_blocks(top, deadline=deadline, aria=False, buttons=buttons)
            second = _extract(
                top, shown, title=title, json_ld_body=json_ld_body, said=said, deadline=deadline
            )
            if second.method == "items":
                found, blocks = second, shown
                break
    found = _without_subjects(found)
    found = _keeping(found, without_reading_times(without_poster_boxes(list(found.blocks))))
    if found.page_type == "product" or found.method.startswith("prose"):
        found = _without_copies(found)
    if found.page_type == "product":
        found = _without_excerpts(_without_terms(_without_small_print(found)))
        return _with_description(found, product_description)
    if found.page_type == "article" and not said.dated and found.blocks:
        # An article dated by its dateline: that date, when it can be told, is its own.
        dateline = _dateline(blocks, found.blocks)
        if dateline is not None:
            return attrs.evolve(found, published=iso_date(dateline))
    return found


def _with_description(found: Extraction, description: str) -> Extraction:
    """*found* with the product's JSON-LD description added when it lacks most of its words.

    Shops put the description in a collapsed tab or a drawer that the markup
    hides, or render it with scripts; their JSON-LD ``Product`` still says it.
    """
    text = html.unescape(_TAG_RE.sub(" ", description))
    lines = tuple(" ".join(line.split()) for line in text.splitlines() if line.strip())
    wanted = words(text)
    if not wanted or len(wanted & words(" ".join(found.lines))) >= _DESCRIBED * len(wanted):
        return found
    return attrs.evolve(found, lines=found.lines + lines, appended=lines)


def _chars(lines: Sequence[str]) -> int:
    return sum(map(len, lines))


def _length(blocks: Sequence[Block]) -> int:
    return sum(block.length for block in blocks)


def _lines(blocks: Sequence[Block]) -> tuple[str, ...]:
    return tuple(line for block in blocks for line in block.lines)


def _evidence(said: Evidence, blocks: list[Block], *, posts: int, items: bool) -> Evidence:
    total = _length(blocks)
    prose = sum(block.length for block in blocks if is_prose(block))
    code = sum(block.owner.tag == "pre" and len(block.lines) >= _CODE_LINES for block in blocks)
    return attrs.evolve(
        said,
        posts=posts,
        items=items,
        code_blocks=code,
        prose_share=prose / total if total else 0.0,
    )


def _typed(page: Page, container: etree._Element | None, evidence: Evidence) -> str:
    """The page's type; a page its prose alone would make an article is weighed again
    with its post boxes (:func:`_post_boxes`), counted for such a page only."""
    kind = page_type(evidence)
    if kind != "article" or container is None or evidence.says_article:
        return kind
    return page_type(attrs.evolve(evidence, post_boxes=_post_boxes(page, container)))


#: The elements that hold a forum's message, for :func:`_post_boxes`.
_POST_TAGS: Final = ("div", "li", "section", "article")


def _post_boxes(page: Page, container: etree._Element) -> int:
    """The elements in *container* named as posts (``post`` among their classes, as
    forum software names each message box) that hold prose of their own.

    Read only for a page that its prose would make an article, and its metadata
    does not: a board's thread has no ``<article>`` posts to count.
    """
    count = 0
    for element in container.iter(_POST_TAGS):
        stats = page.stats.get(element)
        if stats is not None and stats.prose_blocks and "post" in element.get("class", "").split():
            count += 1
    return count


def _inline_cards(
    page: Page,
    container: etree._Element,
    groups: list[list[etree._Element]],
    teasers: set[etree._Element],
) -> set[etree._Element]:
    """The teaser cards of *groups* that are the container's own text: a run of cards
    with the container's prose both before and after it, most of them with prose of
    their own or each under a heading of its own (a round-up's items between its
    introduction and its conclusion, each described; a checklist's lists, each under
    its section's heading), not headlines at the end of an article or beside it."""
    blocks = page.blocks_of(container)
    inline: set[etree._Element] = set()
    for group in groups:
        if not teasers.issuperset(group) or not all(
            container in member.iterancestors() for member in group
        ):
            continue
        first = min(page.stats[member].first for member in group)
        last = max(page.stats[member].first + page.stats[member].blocks for member in group)
        described = sum(page.stats[member].prose_blocks > 0 for member in group)
        headed = sum(_after_heading(member) for member in group)
        if (
            2 * max(described, headed) > len(group)
            and any(is_prose(block) for block in blocks if block.index < first)
            and any(is_prose(block) for block in blocks if block.index >= last)
        ):
            inline.update(group)
    return inline


def _digest_cards(
    container: etree._Element | None,
    groups: list[list[etree._Element]],
    teasers: set[etree._Element],
) -> set[etree._Element]:
    """The cards inside the *container* that are not teasers: a digest's or a listicle's
    entries, holding half of the page's prose (:func:`~._content.teaser_cards`). Their
    linked headings are the entries' titles."""
    if container is None:
        return set()
    return {
        card
        for group in groups
        for card in group
        if card not in teasers and container in card.iterancestors()
    }


def _after_heading(element: etree._Element) -> bool:
    """Whether *element* comes right after a heading of its own (a section's list)."""
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()  # a comment or processing instruction
    return previous is not None and previous.tag in HEADINGS


def _with_inline_cards(
    page: Page,
    container: etree._Element,
    marked: tuple[set[etree._Element], set[etree._Element], list[list[etree._Element]]],
    article: list[Block],
    *,
    title: str,
    titled: set[etree._Element],
) -> tuple[set[etree._Element], list[Block]]:
    """The teasers and the article once the container's own cards are not teasers
    (:func:`_inline_cards`; *marked*: the furniture, the teasers and the card groups;
    *titled*: the cards whose linked headings are kept already), without the boxes
    that follow its body (:func:`~._trailers.without_trailers`) and the byline over it
    (:func:`~._bylines.without_byline`)."""
    furniture, teasers, groups = marked
    inline = _inline_cards(page, container, groups, teasers)
    if not inline:
        return teasers, without_byline(without_trailers(page, without_forms(page, article)))
    teasers = teasers - inline
    return teasers, without_byline(
        without_trailers(
            page,
            without_forms(
                page,
                render(page, container, furniture | teasers, title=title, titled=inline | titled),
            ),
        )
    )


def _extract(
    top: etree._Element,
    blocks: list[Block],
    *,
    title: str,
    json_ld_body: str,
    said: Evidence,
    deadline: Deadline | None,
    split: bool = False,
) -> Extraction:
    # With *split*, the prose's boxes of one furniture name are content (see
    # furniture_elements and _fallback_or_split).
    page = Page.of(blocks)
    if deadline is not None:
        deadline.check("after indexing the blocks")
    groups = card_groups(page)
    furniture = furniture_elements(page, discussion=said.says_discussion, split=split)
    teasers = teaser_cards(page, groups)
    boilerplate = furniture | teasers
    if deadline is not None:
        deadline.check("after marking page furniture")
    container = choose_container(page, boilerplate)
    digest = _digest_cards(container, groups, teasers)
    article = (
        render(
            page,
            container,
            boilerplate,
            title=title,
            titled=digest,
            discussion=said.says_discussion,
        )
        if container is not None
        else []
    )
    region, items, cards, members = _item_candidate(
        page,
        groups,
        furniture,
        title=title,
        boxed=_length(article) < MIN_ARTICLE and not said.says_article,
    )
    posts = (
        dropped_articles(page, container, title, discussion=said.says_discussion)[1]
        if container is not None
        else []
    )
    wins = (
        (
            _length(items) >= _ITEMS_GAIN * max(MIN_ARTICLE, _length(article))
            and not _own_text(page, article, members)
        )
        or _teaser_posts(page, posts, members, article)
    ) and not _said_article(said, article, items)
    items = (
        _discussion_cards(page, region, members, furniture, title=title)
        if wins and said.says_discussion and region is not None
        else cards
    )
    if not said.dated and _dateline(page.blocks, article) is not None:
        said = attrs.evolve(said, dated=True)
    evidence = _evidence(said, article, posts=len(posts), items=wins)
    kind = _typed(page, container, attrs.evolve(evidence, priced=wins and _priced(items)))
    if wins and region is not None:
        return Extraction(_lines(items), "items", describe(region), kind, tuple(items))
    if kind == "article" and container is not None:
        teasers, article = _with_inline_cards(
            page, container, (furniture, teasers, groups), article, title=title, titled=digest
        )
        boilerplate = furniture | teasers
    if kind == "forum":
        container, boilerplate, article = _thread(
            page,
            container,
            posts,
            boilerplate,
            article=article,
            said=said,
            title=title,
            titled=digest,
        )
    # Cards opening with a link: the container does not grow over them (on an
    # article typed a service, the teasers after it), whether they are kept or not.
    linked = {card for card in teasers if leads_with_link(page, card)}
    if kind in _SECTIONED:
        furniture, article = _without_reviews(
            page, container, kind, furniture, teasers=teasers, article=article, title=title
        )
        boilerplate = furniture | {card for card in linked if _teases(page, card, kind)}
        article = _with_slogans(
            page,
            container,
            (furniture | teasers, article),
            kind=kind,
            title=title,
            titled=digest,
            discussion=said.says_discussion,
        )
    shown = boilerplate
    if container is not None and kind in _SHOWN_NAMES:
        shown = boilerplate - _named_sections(page, furniture, service=kind == "service")
        if kind == "documentation":
            # Documentation's lists of links and cards (a tutorial's contents, an
            # API's endpoints, a table of functions) inside its container are
            # content; sidebars are furniture.
            article = render(page, container, shown - teasers, title=title, keep_links=True)
        elif shown != boilerplate and kind not in _SECTIONED:
            article = render(page, container, shown, title=title)
    if container is not None and kind in _SECTIONED:
        grown = _declared_main(container)
        if grown is None:
            grown = expand_container(page, container, boilerplate | linked)
        if grown is not container or shown != furniture | teasers:
            # A category's tiles, taken for sections, keep their names with their prices;
            # an article taken for a service ends with its container.
            sections = without_tail(
                page,
                container,
                _without_controls(
                    page,
                    _titled_tiles(
                        page,
                        grown,
                        _linked_headings(
                            page,
                            grown,
                            _linked_prose(
                                page,
                                grown,
                                render(
                                    page,
                                    grown,
                                    shown,
                                    title=title,
                                    trim=kind == "product",
                                    titled=digest,
                                    slogans=kind == "service",
                                ),
                                shown,
                                service=kind == "service",
                            ),
                            shown,
                            title=title,
                            service=kind == "service",
                        ),
                        groups,
                        shown,
                    ),
                    [],
                ),
                service=kind == "service",
            )
            if _chars(_lines(sections)) >= MIN_ARTICLE:
                return Extraction(
                    _lines(sections), "sections", describe(grown), kind, tuple(sections)
                )
    if container is not None and _chars(_lines(article)) >= MIN_ARTICLE:
        return _contained(page, container, article, kind)
    fallback = _fallback_or_split(
        page,
        top,
        boilerplate,
        title=title,
        json_ld_body=json_ld_body,
        said=said,
        kind=kind,
        deadline=deadline,
        split=split,
    )
    # A page of product tiles and no article: the tiles, before its stray prose
    # (a newsletter box, a shipping notice) or its leftover text.
    leftover = fallback.method in {"prose", "page-text", "empty"}
    if (
        leftover
        and region is not None
        and _chars(_lines(items)) >= max(MIN_ARTICLE, _chars(fallback.lines))
    ):
        kind = page_type(attrs.evolve(said, items=True, priced=_priced(items)))
        return Extraction(_lines(items), "items", describe(region), kind, tuple(items))
    return fallback


def _in_order(kept: list[Block], extra: list[Block]) -> list[Block]:
    """*kept* and the blocks of *extra* not in it, in the page's order (*kept* itself
    when there are none)."""
    if not extra:
        return kept
    every = {block.index: block for block in (*kept, *extra)}
    return [every[index] for index in sorted(every)]


#: A heading holding more than this share of link text was dropped as a link.
_LINKED_HEADING: Final = 0.5


def _linked_headings(
    page: Page,
    region: etree._Element,
    kept: list[Block],
    boilerplate: set[etree._Element],
    *,
    title: str,
    service: bool,
) -> list[Block]:
    """*kept* (the blocks rendered from *region*) with the linked headings of its sections.

    A service page's feature card or section names itself with a heading that links
    to the page it summarises (``<h3><a href="/audit">Audit local SEO</a></h3>``
    over the paragraph that says what it is); render drops the heading as a link and
    keeps the paragraph. A heading (``h2`` to ``h6``) inside *region*, not furniture,
    mostly link text, right before a kept block that is not a heading, is that
    block's title and comes in. A link list's entries have no kept text after them.
    On a product page such headings name other products (bundles, accessories), so
    only a *service* page's come in.
    """
    if not service:
        return kept
    blocks = page.blocks
    kept_at = {block.index for block in kept}
    extra = [
        head
        for block in kept
        if block.index > 0
        and block.owner.tag not in HEADINGS
        and (head := blocks[block.index - 1]).index not in kept_at
        and head.owner.tag in HEADINGS
        and head.owner.tag != "h1"
        and head.link_density > _LINKED_HEADING
        and not head.is_markup
        and head.text != title
        and _inside_kept(head.owner, region, boilerplate)
    ]
    return _in_order(kept, extra)


#: A paragraph of links this long (characters, spaces excluded) is prose, not a link list.
_LINKED_PROSE: Final = 80


def _linked_prose(
    page: Page,
    region: etree._Element,
    kept: list[Block],
    boilerplate: set[etree._Element],
    *,
    service: bool,
) -> list[Block]:
    """*kept* (the blocks rendered from *region*) with its paragraphs written around links.

    A service page names the towns it serves, the offers of its partners or the
    guides it has written in one sentence whose every noun links to a page of its
    own ("Crews based in Leeds, Harrogate, York and Otley"); render drops such a
    paragraph as a link block. On a *service* page, a ``<p>`` inside *region*, not
    furniture, of :data:`_LINKED_PROSE` characters or more, more than half link
    text, whose links are inside it (not a card wrapped in one link: a teaser)
    comes in.
    """
    if not service:
        return kept
    kept_at = {block.index for block in kept}
    extra = [
        block
        for block in page.blocks_of(region)
        if block.index not in kept_at
        and block.owner.tag == "p"
        and block.length >= _LINKED_PROSE
        and block.link_density > _LINKED_HEADING
        and not block.is_markup
        and next(block.owner.iterancestors("a"), None) is None
        and _inside_kept(block.owner, region, boilerplate)
    ]
    return _in_order(kept, extra)


def _inside_kept(
    element: etree._Element, region: etree._Element, boilerplate: set[etree._Element]
) -> bool:
    """Whether *element* is inside *region* and neither it nor an ancestor up to the
    region is in *boilerplate*."""
    for up in (element, *element.iterancestors()):
        if up is region:
            return True
        if up in boilerplate:
            return False
    return False


def _titled_tiles(
    page: Page,
    region: etree._Element,
    kept: list[Block],
    groups: list[list[etree._Element]],
    boilerplate: set[etree._Element],
) -> list[Block]:
    """*kept* (the blocks rendered from *region*) with the names of its priced tiles.

    A category page taken for a product or service page keeps its tiles' prices
    (short lines) and drops their names, which link to each product's page, as link
    lists. In a group of cards (:func:`~._items.card_groups`) inside the region,
    each card whose price (a line of :data:`_PRICE_LINE` characters at most) is kept
    is named by its first link line before the price (:data:`_TILE_NAME` characters
    or more, not itself a price: a buy button shows one); when three cards or more
    are so named, the names that no other card repeats come in (a label that every
    card repeats, "See pricing", "Select", is a button, not a name).
    """
    kept_at = {block.index for block in kept}
    hidden = in_set(page, boilerplate)
    extra: list[Block] = []
    for group in groups:
        if region not in group[0].iterancestors():
            continue
        names = [
            name for card in group if (name := _tile_name(page, card, kept_at, hidden)) is not None
        ]
        if len(names) < MIN_CARDS:
            continue
        texts = Counter(name.text for name in names)
        extra.extend(name for name in names if name.index not in kept_at and texts[name.text] == 1)
    return _in_order(kept, extra)


def _tile_name(
    page: Page,
    card: etree._Element,
    kept_at: set[int],
    hidden: dict[etree._Element, bool | None],
) -> Block | None:
    """The name of a priced tile: its first link line before its kept price, if any
    (see :func:`_titled_tiles`)."""
    held = page.blocks_of(card)
    price = next(
        (
            at
            for at, block in enumerate(held)
            if block.index in kept_at
            and len(block.text) <= _PRICE_LINE
            and _PRICE_RE.search(block.text)
        ),
        None,
    )
    if price is None:
        return None
    return next(
        (
            block
            for block in held[:price]
            if block.length >= _TILE_NAME
            and block.link_density > _TILE_LINKS
            and not hidden[block.owner]
            and not block.is_markup
            and block.owner.tag != "h1"
            and not _PRICE_RE.search(block.text)
        ),
        None,
    )


def _priced(items: Sequence[Block]) -> bool:
    """Whether the items show prices: at least one of their lines in :data:`_PRICED_LINES`
    is a price with at most its label (:data:`_PRICE_LINE` characters). A product card
    gives a name, a price on its own line and a few badges; a post's teaser gives no
    price, a job's card its salary inside a line of company and place."""
    lines = _lines(items)
    priced = sum(len(line) <= _PRICE_LINE and bool(_PRICE_RE.search(line)) for line in lines)
    return bool(lines) and priced * _PRICED_LINES >= len(lines)


def _dateline(blocks: Sequence[Block], article: Sequence[Block]) -> re.Match[str] | None:
    """The date that a short block at the head of *article* (or just before it, among
    the page's *blocks*) gives, if any."""
    if not article:
        return None
    first = article[0].index
    near = [*blocks[max(0, first - _DATELINE_REACH) : first], *article[:_DATELINE_REACH]]
    for block in near:
        if block.length <= _DATELINE_CHARS and block.link_density < _DATELINE_LINKS:
            found = DATE_RE.search(block.text)
            if found is not None:
                return found
    return None


def _own_text(page: Page, article: Sequence[Block], cards: Sequence[etree._Element]) -> bool:
    """Whether the *article* candidate holds the page's own text beside its item *cards*:
    :data:`_OWN_TEXT` characters of prose or more outside every card (a category's
    buying guide under a shop's tiles)."""
    inside = in_set(page, set(cards))
    prose = sum(block.length for block in article if is_prose(block) and not inside[block.owner])
    return prose >= _OWN_TEXT


def _teaser_posts(
    page: Page,
    posts: Sequence[etree._Element],
    cards: Sequence[etree._Element],
    article: Sequence[Block],
) -> bool:
    """Whether the *posts* that the *article* candidate keeps together are the items'
    *cards* (one in each card, or the cards themselves), each opening with a link, and
    hold most of the article: a list of teasers with a summary each (a blog's or a
    catalogue's entries, marked up as ``<article>`` elements), not a thread, whose
    posts open with the poster's name or the message (and whose link previews are
    articles inside some of its posts, not in every one)."""
    if not posts or not cards:
        return False
    holding = {element for post in posts for element in (post, *post.iterancestors())}
    if not all(card in holding for card in cards):
        return False
    inside = in_set(page, set(cards))
    if not all(inside[post] and leads_with_link(page, post) for post in posts):
        return False
    held = sum(block.length for block in article if inside[block.owner])
    return held >= _TEASER_POSTS_SHARE * _length(article)


def _said_article(said: Evidence, article: Sequence[Block], items: Sequence[Block]) -> bool:
    """Whether the page calls itself an article and the *article* candidate is one: not
    empty, and holding a fifth of the *items*' text or more (:data:`_SAID_ITEMS_GAIN`).

    An article's teaser lists are not its content. But a blog's front page calls
    itself an article too, and there the best container is a promotion box beside
    the posts; a digest's entries that lead with links leave it its introduction.
    """
    return (
        said.says_article
        and _length(article) >= MIN_ARTICLE
        and _length(items) < _SAID_ITEMS_GAIN * _length(article)
    )


def _item_candidate(
    page: Page,
    groups: list[list[etree._Element]],
    furniture: set[etree._Element],
    *,
    title: str,
    boxed: bool,
) -> tuple[etree._Element | None, list[Block], list[Block], list[etree._Element]]:
    """The items' region, its blocks (to weigh against the article), its cards' blocks
    and the cards.

    With *boxed* (a page with no article), a card grid is the content even in a
    box named for how it is shown (a carousel, a widget), and that box, around
    the cards, is not furniture for them. On every page, the sections of a listing
    may each stand in such a box (a `section-with-header`): the groups of the
    items' signature there are items too (:func:`~._items.item_region`), and
    their boxes are not furniture for them. The cards keep what looks like
    furniture inside them (see :func:`_outside`).
    """
    # Only the furniture around a group's first card says anything of the groups.
    around = {up for group in groups for up in (group[0], *group[0].iterancestors())}
    loose = furniture - _shown_only(furniture & around)
    excluded = loose if boxed else furniture
    found = item_region(page, groups, in_set(page, excluded), in_set(page, loose))
    if found is None:
        return None, [], [], []
    region, members = found
    boxes = {up for member in members for up in member.iterancestors() if up in furniture}
    inner = furniture - boxes
    items = render(page, region, inner, title=title, keep_links=True, cards=members)
    cards = render(
        page,
        region,
        _outside(page, inner, members),
        title=title,
        trim=False,
        keep_links=True,
        cards=members,
    )
    cards = _once_per_card(page, _without_controls(page, cards, members), members)
    cards = _with_intro(page, region, cards, members, furniture)
    return region, items, cards, members


def _without_controls(
    page: Page, blocks: list[Block], cards: Sequence[etree._Element]
) -> list[Block]:
    """*blocks* without the listing's controls outside its *cards*: the count of its
    results (``Showing 1-16 of 29 results``, ``22 products``), its sort, view and filter
    toggles (``Sort by: Featured``, ``View:``, ``Filter & Sort``) and ``Show more``.

    They stand above or below the tiles, each a block of its own line, and are the
    page's buttons and status, not an item or the category's text.
    """
    inside: set[int] = set()
    for card in cards:
        stats = page.stats[card]
        inside.update(range(stats.first, stats.first + stats.blocks))
    return [
        block
        for block in blocks
        if block.index in inside or not all(_CONTROL_RE.fullmatch(line) for line in block.lines)
    ]


def _with_intro(
    page: Page,
    region: etree._Element,
    cards: list[Block],
    members: list[etree._Element],
    furniture: set[etree._Element],
) -> list[Block]:
    """The items' *cards* with the category's introduction: the paragraph right after
    an ``<h1>`` (or after the line under it, a subtitle), inside the items' *region*
    and before its first card, kept though a box around it is named as furniture (a
    hero banner, a `category-header`, a `read-more` box: how it is shown). What is
    furniture by what it is (a navigation, a dialog, a cookie notice) and a form's
    text stay out.
    """
    first = min(page.stats[member].first for member in members)
    kept = {block.index for block in cards}
    intros = []
    for at in range(first - 1):
        if page.blocks[at].owner.tag != "h1":
            continue
        intro = page.blocks[at + 1]
        if not is_prose(intro) and at + 2 < first:
            intro = page.blocks[at + 2]
        if intro.index in kept or not is_prose(intro):
            continue
        around = [intro.owner, *intro.owner.iterancestors()]
        if (
            region in around
            and not any(up.tag == "form" for up in around)
            and not never_content(furniture.intersection(around))
        ):
            intros.append(intro)
    return sorted([*cards, *intros], key=lambda block: block.index) if intros else cards


def _discussion_cards(
    page: Page,
    region: etree._Element,
    cards: list[etree._Element],
    furniture: set[etree._Element],
    *,
    title: str,
) -> list[Block]:
    """The items of a page that says it is a discussion: its posts, each without the
    author box beside its message (:func:`~._items.post_chrome`), as a thread's."""
    chrome = _outside(page, furniture, cards) | post_chrome(page, cards)
    blocks = render(page, region, chrome, title=title, trim=False, keep_links=True, cards=cards)
    blocks = _through_last_post(page, _once_per_card(page, blocks, cards), cards)
    thread = _thread_item(region)
    if thread is None:
        return blocks
    first = min(page.stats[card].first for card in cards)
    said = render(page, thread, furniture, title=title, trim=False, discussion=True)
    return [block for block in said if block.index < first] + blocks


def _thread_item(region: etree._Element) -> etree._Element | None:
    """The microdata's thread item around *region* (:func:`~._kind.names_thread`):
    forum software renders the opening post in a template of its own, before the
    replies' cards, inside the item that they all belong to."""
    return next((up for up in region.iterancestors() if names_thread(up.get("itemtype", ""))), None)


def _through_last_post(
    page: Page, blocks: list[Block], posts: Sequence[etree._Element]
) -> list[Block]:
    """A discussion's *blocks* up to the last one its *posts* hold: what follows the
    last post in the region ("You must log in to reply", "Similar threads" and their
    entries) was not said in it."""
    inside = in_set(page, set(posts))
    last = max((at for at, block in enumerate(blocks) if inside[block.owner]), default=-1)
    return blocks[: last + 1] if last >= 0 else blocks


def _contained(
    page: Page, container: etree._Element, article: list[Block], kind: str
) -> Extraction:
    """The extraction of a page by its *container*'s *article* blocks (on a Q&A page,
    up to the last answer: :func:`_through_last_answer`)."""
    article = _through_last_answer(page, container, article)
    return Extraction(_lines(article), "container", describe(container), kind, tuple(article))


#: Microdata naming an answer to a question (schema.org ``Question``).
_ANSWERS: Final = frozenset({"acceptedAnswer", "suggestedAnswer"})


def _through_last_answer(page: Page, container: etree._Element, blocks: list[Block]) -> list[Block]:
    """*blocks* up to the last answer, on a question-and-answer page.

    A page whose microdata gives one question two answers or more (``acceptedAnswer``
    and ``suggestedAnswer`` items of an ``itemtype=".../Question"``) is a Q&A thread; what
    its container holds after the last answer ("You must log in to answer this
    question", "Explore related questions" and their tags) was not said in it. A FAQ
    (one answer to each of its questions) is left as it is.
    """
    answers: dict[etree._Element, list[etree._Element]] = {}
    for element in container.iterfind(".//*[@itemprop]"):
        if element.get("itemprop") in _ANSWERS:
            question = next(
                (up for up in element.iterancestors() if up.get("itemscope") is not None), None
            )
            if question is not None and "Question" in question.get("itemtype", ""):
                answers.setdefault(question, []).append(element)
    posts = max(answers.values(), key=len, default=[])
    return _through_last_post(page, blocks, posts) if len(posts) >= 2 else blocks


def _once_per_card(page: Page, blocks: list[Block], cards: Sequence[etree._Element]) -> list[Block]:
    """*blocks* without a line that repeats one before it in the same card, nor a
    line that every card holds (:func:`_card_chrome`).

    A tile repeats its title's link over its picture, in a hidden copy for screen
    readers or a "quick view" overlay: the reader sees the title once.
    """
    card_of: dict[int, etree._Element] = {}
    for card in cards:
        stats = page.stats[card]
        for index in range(stats.first, stats.first + stats.blocks):
            card_of[index] = card
    seen: set[tuple[etree._Element, str]] = set()
    kept: list[Block] = []
    for block in blocks:
        if block.index in card_of:
            key = (card_of[block.index], block.text)
            if key in seen:
                continue
            seen.add(key)
        kept.append(block)
    holders = Counter(text for _card, text in seen)
    return [
        block
        for block in kept
        if block.index not in card_of or not _card_chrome(block, holders[block.text], len(cards))
    ]


def _card_chrome(block: Block, holders: int, cards: int) -> bool:
    """Whether *block*, a line that *holders* of a listing's *cards* hold, is the cards'
    chrome: a control or status that every card shows alike ("Rate this book",
    "Add to wishlist", a code host's "Code", "Issues", "Pull requests" under each
    repository), part of no one item.

    An item's own text (its title, summary, author, date) differs from card to card
    at least once over three cards or more. A field's name that announces its value
    (``Weight:``, :func:`~._content.announces`) and a value alike by chance (a line
    without a letter: a price, ``-30%``) stay.
    """
    return (
        holders == cards >= MIN_CARDS
        and not announces(block)
        and any(char.isalpha() for char in block.text)
    )


def _thread(
    page: Page,
    container: etree._Element | None,
    posts: list[etree._Element],
    boilerplate: set[etree._Element],
    *,
    article: list[Block],
    said: Evidence,
    title: str,
    titled: set[etree._Element],
) -> tuple[etree._Element | None, set[etree._Element], list[Block]]:
    """A thread's *container* (grown over its short replies: :func:`_with_replies`),
    *boilerplate* and *article*: its posts without their chrome and requotes.

    Each post keeps its message without the author box around it (not on a
    page that calls itself an article, whose entries are a listicle's).
    """
    container, posts, article = _with_replies(
        page, container, posts, article, boilerplate, said=said, title=title, titled=titled
    )
    thread = said.says_discussion or (bool(posts) and _dated(posts))
    if posts and container is not None and not said.says_article:
        boilerplate = boilerplate | post_chrome(page, posts)
        article = render(
            page,
            container,
            boilerplate,
            title=title,
            titled=titled,
            discussion=said.says_discussion,
        )
        if thread or not _half_hold(posts, *HEADINGS):
            article = _within_posts(page, article, posts)
    return container, boilerplate, _without_requotes(article, unquoted=thread)


#: How many ancestors above a discussion's container :func:`_with_replies` looks in.
_REPLY_LEVELS: Final = 3


def _with_replies(
    page: Page,
    container: etree._Element | None,
    posts: list[etree._Element],
    article: list[Block],
    boilerplate: set[etree._Element],
    *,
    said: Evidence,
    title: str,
    titled: set[etree._Element],
) -> tuple[etree._Element | None, list[etree._Element], list[Block]]:
    """A discussion's *container*, its *posts* and its *article*, the container grown
    over the replies after it.

    A thread whose replies are short (a line each, no prose) can have its opening
    post, the one element with prose, taken as the container, and every reply
    dropped. On a page that says it is a discussion, whose container holds no posts,
    when a run of at least :data:`~._items.MIN_CARDS` elements of one signature (the
    replies), outside the *boilerplate* and not mostly links, follows the container
    within :data:`_REPLY_LEVELS` ancestors (as its siblings, or as the children of a
    sibling after it), the container is the ancestor holding both, rendered again.
    """
    if not said.says_discussion or container is None or posts:
        return container, posts, article
    grown = _replies_parent(page, container, boilerplate)
    if grown is container:
        return container, posts, article
    return (
        grown,
        dropped_articles(page, grown, title, discussion=True)[1],
        render(page, grown, boilerplate, title=title, titled=titled, discussion=True),
    )


def _replies_parent(
    page: Page, container: etree._Element, boilerplate: set[etree._Element]
) -> etree._Element:
    """The ancestor of *container* holding the replies after it (see
    :func:`_with_replies`), or *container* itself."""
    current = container
    for _ in range(_REPLY_LEVELS):
        parent = page.parent[current]
        if parent is None:
            break
        kids = page.children[parent]
        after = kids[kids.index(current) + 1 :]
        if _replies(page, after, boilerplate) or any(
            _replies(page, page.children.get(sibling, []), boilerplate) for sibling in after
        ):
            return parent
        current = parent
    return container


def _replies(page: Page, kids: Sequence[etree._Element], boilerplate: set[etree._Element]) -> bool:
    """Whether *kids* hold a run of replies (see :func:`_with_replies`)."""
    runs: Counter[tuple[str, str]] = Counter()
    for kid in kids:
        stats = page.stats[kid]
        if (
            kid.tag not in HEADINGS
            and stats.link_blocks * 2 < stats.blocks
            and kid not in boilerplate
            and not any(up in boilerplate for up in kid.iterancestors())
        ):
            runs[box_signature(kid)] += 1
    return any(count >= MIN_CARDS for count in runs.values())


def _dated(posts: list[etree._Element]) -> bool:
    """Whether half of the *posts* or more carry a ``<time>``: a thread's, not sections'
    (which hold a heading each, :func:`_half_hold` of the headings)."""
    return _half_hold(posts, "time")


def _half_hold(posts: list[etree._Element], *tags: str) -> bool:
    """Whether half of the *posts* or more hold an element of one of the *tags*."""
    return 2 * sum(next(post.iter(*tags), None) is not None for post in posts) >= len(posts)


def _within_posts(page: Page, blocks: list[Block], posts: list[etree._Element]) -> list[Block]:
    """A thread's *blocks* that its *posts* hold, and the headings that head them.

    What the thread's element holds beside its posts (a summary of the
    discussion, "Similar threads", a sign-in prompt, pagination) is not what
    was said in it; its title is. A heading of what goes (a summary's "Main
    points raised") goes with it (:func:`_heads_posts`).
    """
    inside = in_set(page, set(posts))
    kept = [
        block
        for at, block in enumerate(blocks)
        if inside[block.owner] or (block.owner.tag in HEADINGS and _heads_posts(blocks, at, inside))
    ]
    if _length(kept) < _POSTS_HOLD * _length(blocks):
        return blocks
    return kept


def _heads_posts(blocks: list[Block], at: int, inside: dict[etree._Element, bool | None]) -> bool:
    """Whether the heading ``blocks[at]`` heads posts: the first block after it that is
    not a heading lies in a post (the thread's title), not beside them (a summary's
    sections, "Similar threads")."""
    for block in blocks[at + 1 :]:
        if block.owner.tag not in HEADINGS:
            return bool(inside[block.owner])
    return False


def _without_requotes(blocks: list[Block], *, unquoted: bool = False) -> list[Block]:
    """A thread's *blocks* without the quotations of what it already holds.

    A reply quotes the post it answers (``X said:``, then the post's lines in
    a ``<blockquote>``): lines of a quotation that repeat a line kept before
    are that post again, not something new said. On a page that is surely a
    thread (*unquoted*: its metadata says so, or its posts are dated), a
    paragraph repeated outside a quotation is too (a preview of the post
    replied to, a quotation in a ``<div>``).
    """
    seen: set[str] = set()
    kept: list[Block] = []
    for block in blocks:
        owner = block.owner
        quoted = (
            owner.tag == "blockquote" or next(owner.iterancestors("blockquote"), None) is not None
        )
        if (quoted or (unquoted and is_prose(block))) and block.text in seen:
            continue
        seen.add(block.text)
        kept.append(block)
    return kept


def _keeping(found: Extraction, kept: list[Block]) -> Extraction:
    """*found* with only the *kept* blocks (and their lines); *found* itself when every
    block is kept."""
    if len(kept) == len(found.blocks):
        return found
    return attrs.evolve(found, lines=_lines(kept), blocks=tuple(kept))


def _without_subjects(found: Extraction) -> Extraction:
    """*found* without the subject lines of a thread's posts.

    Older forum software heads every post with a subject: the thread's title on
    the first post, ``Re: `` and the title on each reply. Repeated over the posts,
    they are the thread's title again, not what was said; a heading of that kind
    seen :data:`_REPLIES` times or more is one, and so is the title heading itself.
    """
    replies = Counter(
        found_reply.group(1)
        for block in found.blocks
        if block.owner.tag in HEADINGS and (found_reply := _REPLY_RE.fullmatch(block.text))
    )
    subjects = {subject for subject, count in replies.items() if count >= _REPLIES}
    if not subjects:
        return found
    kept = [
        block
        for block in found.blocks
        if not (
            block.owner.tag in HEADINGS
            and (
                block.text in subjects
                or ((reply := _REPLY_RE.fullmatch(block.text)) and reply.group(1) in subjects)
            )
        )
    ]
    return _keeping(found, kept)


def _without_copies(found: Extraction) -> Extraction:
    """*found* without the blocks that repeat an earlier one word for word.

    Shops write a product's summary twice, for phones and for wider screens, and
    let the style sheet show one: the same description, the same list of features
    twice. Any page's copies come out twice when the extraction is all of its prose
    blocks (the ``prose`` fallback), which takes the phone's copy with the rest. A
    block of under :data:`_COPY_CHARS` characters may repeat (a specification's
    "Yes", "Included") unless it goes on a copy: the items of the copied list that
    follow the copied description, the heading that leads into it.
    """
    blocks = found.blocks
    first: dict[str, int] = {}
    kept: list[Block] = []
    follows = -1  # in a copy: the index of the block the next one would repeat
    runs = _copied_runs(blocks)
    for index, block in enumerate(blocks):
        if 0 <= follows < index and blocks[follows].text == block.text:
            follows += 1  # the copy goes on, short lines too (its list's items)
            continue
        follows = -1
        if index in runs:
            continue
        if block.length >= _COPY_CHARS and block.text in first:
            original = first[block.text]
            follows = original + 1
            # and the short lines that led into it (the copied section's heading)
            back = 1
            while (
                kept
                and original - back >= 0
                and kept[-1].index > blocks[original].index
                and kept[-1].text == blocks[original - back].text
                and kept[-1] is blocks[index - back]
            ):
                kept.pop()
                back += 1
            continue
        first.setdefault(block.text, index)
        kept.append(block)
    return _keeping(found, kept)


def _copied_runs(blocks: Sequence[Block]) -> set[int]:
    """The indices of the *blocks* that repeat, in order, a run of earlier ones: runs of
    :data:`_COPY_RUN` blocks or more holding :data:`_COPY_CHARS` characters or more.

    A list of short lines written twice (a size or colour picker, a table of prices
    in each currency, for phones and for wider screens) has no block long enough to
    be a copy by itself (:func:`_without_copies`); the run of them is one.

    >>> from lxml import etree
    >>> owner = etree.Element("li")
    >>> texts = ["Size", "Small", "Medium", "Extra large", "Note", "Small", "Medium", "Extra large"]
    >>> sorted(_copied_runs([Block([t], owner, len(t), 0, i) for i, t in enumerate(texts)]))
    [5, 6, 7]
    """
    # An earlier run is found by its first _COPY_RUN texts, at its first few places:
    # a line that a page repeats on every card ("Add to cart") would otherwise make
    # the search grow with the square of the page.
    at: dict[tuple[str, ...], list[int]] = {}
    copied: set[int] = set()
    index = 0
    while index + _COPY_RUN <= len(blocks):
        key = tuple(block.text for block in blocks[index : index + _COPY_RUN])
        longest = 0
        for start in at.get(key, ()):
            run = 0
            while (
                index + run < len(blocks)
                and start + run < index
                and blocks[start + run].text == blocks[index + run].text
            ):
                run += 1
            longest = max(longest, run)
        if longest >= _COPY_RUN and _length(blocks[index : index + longest]) >= _COPY_CHARS:
            copied.update(range(index, index + longest))
            index += longest
            continue
        starts = at.setdefault(key, [])
        if len(starts) < _COPY_STARTS:
            starts.append(index)
        index += 1
    return copied


def _without_terms(found: Extraction) -> Extraction:
    """*found* (a product page) without the sections on the shop's terms.

    Under a product's description and specifications, shops add what they say on
    every product page: shipping and returns, payment by instalments, their
    warranty. Such a section starts at a heading naming those terms (a short one,
    not a question: a buyer's question about the product's warranty is about the
    product) and runs to the next heading of its level or higher.
    """
    kept: list[Block] = []
    within = 0  # the level of the terms' heading while its section runs
    for block in found.blocks:
        tag = block.owner.tag
        level = int(tag[1]) if tag in HEADINGS else 0
        if level and level <= within:
            within = 0
        if level and not within and _terms_heading(block.text):
            within = level
        if not within:
            kept.append(block)
    return _keeping(found, kept)


def _without_small_print(found: Extraction) -> Extraction:
    """*found* (a product page) without the blocks inside its small print.

    A maker's product page backs each claim (battery life, a zoom, a trial offer)
    with a numbered note, and gathers the notes in a box named a disclaimer under
    the page: legal text, as the boxes named ``legal`` or ``copyright`` that are
    furniture on every page. (On other pages a box so named may hold the content: a
    bank's terms, a study's findings under a notice.)
    """
    named: dict[etree._Element, bool] = {}

    def small_print(element: etree._Element) -> bool:
        path: list[etree._Element] = []
        verdict = False
        for each in (element, *element.iterancestors()):
            if each in named:
                verdict = named[each]
                break
            path.append(each)
            if small_print_named(each):
                verdict = True
                break
        named.update(dict.fromkeys(path, verdict))
        return verdict

    return _keeping(found, [block for block in found.blocks if not small_print(block.owner)])


def _terms_heading(text: str) -> bool:
    """Whether a heading's *text* names a shop's terms (see :func:`_without_terms`)."""
    return (
        len(text) <= _TERMS_CHARS
        and not text.rstrip().endswith("?")
        and _TERMS_RE.search(text) is not None
    )


def _without_excerpts(found: Extraction) -> Extraction:
    """*found* without the prose blocks whose words stand, in order, inside a longer
    block: a product's summary cut short over its full description ("Read more"),
    a feature's sentence repeated inside the paragraph that tells all of it.

    A copy cut short is no copy word for word (:func:`_without_copies`): its
    words are the opening, or a run, of the block they were taken from. Of two
    blocks with the same words, the first stays.
    """
    blocks = found.blocks
    texts = [" " + " ".join(WORD_RE.findall(block.text.lower())) + " " for block in blocks]
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    every = "\n".join(texts)
    kept = [
        block
        for index, block in enumerate(blocks)
        if not (is_prose(block) and _within_other(every, starts, texts, index))
    ]
    return _keeping(found, kept)


def _within_other(every: str, starts: list[int], texts: list[str], index: int) -> bool:
    """Whether ``texts[index]`` stands inside another of *texts* (all of them joined
    in *every*, each starting at its offset in *starts*), or is an earlier one's words."""
    text = texts[index]
    found = every.find(text) if text.strip() else -1  # a block without words stays
    while found >= 0:
        other = bisect_right(starts, found) - 1
        if other != index and (texts[other] != text or other < index):
            return True
        found = every.find(text, found + 1)
    return False


def _teases(page: Page, card: etree._Element, kind: str) -> bool:
    """Whether a *card* that opens with a link, on a product or service page, is a teaser.

    On a product page it is: another product. On a service page it is not (a
    service offered: a linked heading and what it does) unless it carries a
    date: a post's teaser.
    """
    return kind == "product" or dated(page, card)


def _with_slogans(
    page: Page,
    container: etree._Element | None,
    rendered: tuple[set[etree._Element], list[Block]],
    *,
    kind: str,
    title: str,
    titled: set[etree._Element],
    discussion: bool,
) -> list[Block]:
    """The *container*'s blocks rendered without the furniture of *rendered*, with the
    ``h1`` headings that do not repeat the page's title (the hero's line: see
    :func:`~._content.render`) on a service page; the blocks of *rendered* on others."""
    boilerplate, article = rendered
    if kind != "service" or container is None:
        return article
    return render(
        page,
        container,
        boilerplate,
        title=title,
        titled=titled,
        discussion=discussion,
        slogans=True,
    )


def _without_reviews(
    page: Page,
    container: etree._Element | None,
    kind: str,
    furniture: set[etree._Element],
    *,
    teasers: set[etree._Element],
    article: list[Block],
    title: str,
) -> tuple[set[etree._Element], list[Block]]:
    """*furniture* and *article* without a product's buyers' reviews.

    Reviews are a product's comments: furniture for its container and its
    sections alike.
    """
    if kind != "product" or container is None:
        return furniture, article
    reviews = customer_reviews(page, container)
    if not reviews:
        return furniture, article
    return furniture | reviews, render(page, container, furniture | teasers | reviews, title=title)


def _outside(
    page: Page, furniture: set[etree._Element], cards: list[etree._Element]
) -> set[etree._Element]:
    """The *furniture* that is not inside one of the *cards*.

    Inside a card, what looks like furniture (its ``<header>``, a ``<figure>``
    wrapping it, a ``rating`` or an ``overflow-hidden`` box) is part of the item:
    its title, picture, price and rating.
    """
    inside = in_set(page, set(cards))
    return {element for element in furniture if not inside[element] or element in cards}


def _shown_only(furniture: set[etree._Element]) -> set[etree._Element]:
    """The *furniture* that is so only by a name saying how it is shown.

    A carousel, a slider or a widget may box any content; on a page with no
    article, the card grid such a box holds is the page's items.
    """
    return {element for element in furniture if presentation_named(element, repeated=True)}


def _named_sections(
    page: Page, furniture: set[etree._Element], *, service: bool = False
) -> set[etree._Element]:
    """The *furniture* that is so only by name and holds prose, not links.

    Only names that say how an element is shown (a carousel, a header strip, a
    picture), not what it is (comments, a menu, related links),
    are set aside: on a service page a testimonial carousel or a section header,
    on a documentation page a code sample in a box named ``hidden``, is content
    whatever its template calls it. On a *service* page, such an element holding
    a heading (``h2`` to ``h6``) instead of prose is one too (a carousel of the
    services offered, each a heading and a line about it), and so is a single
    ``widget`` (a page builder's box around one section), not only a repeated one.
    """
    links = page.totals(lambda block: float(block.link_length))
    classes = Counter(element.get("class") for element in furniture)
    return {
        element
        for element in furniture
        if (
            presentation_named(element, repeated=service or classes[element.get("class")] > 1)
            or (service and _section_header(page, element))
        )
        and (
            page.stats[element].prose_blocks
            or (service and next(element.iter(*_SECTION_HEADINGS), None) is not None)
        )
        and links[element] <= _MAX_SECTION_LINKS * page.stats[element].total
    }


def _section_header(page: Page, element: etree._Element) -> bool:
    """Whether *element* is a ``<header>`` that heads a section of a service page.

    A landing page marks the head of each of its sections (its hero: the offer's
    heading and the line under it; a card's title) up as a ``<header>``, as it
    does the site's banner; the banner is links (:data:`_MAX_SECTION_LINKS`),
    a section's header a heading and a line of text. A header with a date, or
    inside an ``<article>``, is a post's (its byline, dateline and standfirst:
    an article taken for a service page).
    """
    if (
        element.tag != "header"
        or (element.get("role") or "").lower() == "banner"
        or next(element.iterancestors("article"), None) is not None
    ):
        return False
    return not dated(page, element) and any(
        block.owner.tag not in HEADINGS and block.link_density <= _MAX_SECTION_LINKS
        for block in page.blocks_of(element)
    )


def _declared_main(container: etree._Element) -> etree._Element | None:
    """The ``<main>`` (or ``role="main"``) element holding the container, if any."""
    for element in (container, *container.iterancestors()):
        if is_main(element):
            return element
    return None


def _fallback_or_split(
    page: Page,
    top: etree._Element,
    boilerplate: set[etree._Element],
    *,
    title: str,
    json_ld_body: str,
    said: Evidence,
    kind: str,
    deadline: Deadline | None,
    split: bool,
) -> Extraction:
    """The fallback (:func:`_fallback`); when that is the page's prose, the page is
    looked at again with the prose's boxes of one furniture name as content (a page
    builder's widgets, one per section, none holding half of the prose alone), and a
    container found so is taken; failing that, a product page's ``<main>``
    (:func:`_main_sections`)."""
    fallback = _fallback(page, top, boilerplate, title=title, json_ld_body=json_ld_body, kind=kind)
    if fallback.method != "prose" or split:
        return _main_sections(page, boilerplate, fallback, title=title, kind=kind)
    again = _extract(
        top,
        page.blocks,
        title=title,
        json_ld_body=json_ld_body,
        said=said,
        deadline=deadline,
        split=True,
    )
    if again.method in {"container", "sections"}:
        return again
    return _main_sections(page, boilerplate, fallback, title=title, kind=kind)


def _main_sections(
    page: Page, boilerplate: set[etree._Element], fallback: Extraction, *, title: str, kind: str
) -> Extraction:
    """On a product page whose *fallback* is its prose (no container: a shop's names,
    prices and short lines beside a description too short to make one), the
    ``<main>`` element the page declares, read as sections; *fallback* otherwise."""
    if kind != "product" or fallback.method != "prose":
        return fallback
    main = next((element for element in page.elements if is_main(element)), None)
    if main is None:
        return fallback
    sections = render(page, main, boilerplate, title=title, trim=True)
    if _chars(_lines(sections)) < MIN_ARTICLE:
        return fallback
    return Extraction(_lines(sections), "sections", describe(main), kind, tuple(sections))


def _fallback(
    page: Page,
    top: etree._Element,
    boilerplate: set[etree._Element],
    *,
    title: str,
    json_ld_body: str,
    kind: str,
) -> Extraction:
    """JSON-LD ``articleBody``, the page's prose, or all its text that is not furniture."""
    ld_lines = tuple(line.strip() for line in json_ld_body.splitlines() if line.strip())
    if _chars(ld_lines) >= MIN_ARTICLE:
        return Extraction(ld_lines, "json-ld", page_type=kind)
    prose = _page_prose(page, boilerplate)
    if _chars(_lines(prose)) >= MIN_ARTICLE:
        return Extraction(_lines(prose), "prose", page_type=kind, blocks=tuple(prose))
    rest = render(page, top, boilerplate, title=title, trim=False)
    if rest:
        return Extraction(_lines(rest), "page-text", page_type=kind, blocks=tuple(rest))
    return Extraction((), "empty", page_type=kind)


def _page_prose(page: Page, boilerplate: set[etree._Element]) -> list[Block]:
    """The page's prose blocks, for a page where no container holds an article.

    Furniture named as such may hold the content (a category's description in a
    box named for a promotion, comments on a thread), so its prose stays; but not
    the prose of what is furniture by what it is, a dialog's offer, a navigation's
    or a footer's notes, a cookie notice, unless nothing of an article's worth is
    left without it.
    """
    prose = [block for block in page.blocks if is_prose(block)]
    never = in_set(page, never_content(boilerplate))
    own = [block for block in prose if not never[block.owner]]
    return own if _chars(_lines(own)) >= MIN_ARTICLE else prose
