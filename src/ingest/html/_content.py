"""Find the main block of a page's text blocks and render it as structured text.

The steps, each a small function (:mod:`._strategy` calls them):

1. :func:`furniture_elements` marks page furniture: elements that are
   furniture by what they are (``nav``, ``aside``, ``footer``, ``figure``, ARIA
   landmarks) or what they are called (class and id words such as ``related``,
   ``share``, ``comment``, ``newsletter``, ``most-read``), unless they hold most
   of the page's prose; :func:`teaser_cards` adds teaser cards repeated side by
   side (related and most-read lists that carry no telling names);
2. :func:`choose_container` scores every element by the prose beneath it minus
   a penalty for link text and short fragments, and takes the best one: the
   tightest element holding the article and little else. Semantic markup
   (``<article>``, ``<main>``, ``itemprop=articleBody``) earns a bonus;
   :func:`expand_container` grows it over the sibling sections of a product or
   service page;
3. :func:`render` keeps the container's blocks that are not furniture and not
   link lists (of several ``<article>`` elements, the main one or the posts of
   a thread: :func:`ingest.html._items.dropped_articles`) and drops short
   labels at the edges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from lxml import etree

from ._blocks import Block, quote_source, writable
from ._items import dropped_articles, glossed_links
from ._page import HEADINGS, MAX_PROSE_LINKS, MIN_PROSE, Page, is_prose, words

__all__ = [
    "LABEL_CHARS",
    "anchored_by_heading",
    "announces",
    "choose_container",
    "customer_reviews",
    "describe",
    "expand_container",
    "furniture_elements",
    "in_set",
    "is_label",
    "is_main",
    "never_content",
    "presentation_named",
    "render",
    "small_print_named",
    "teaser_cards",
]

#: Elements that are page furniture whatever they are called.
_FURNITURE_TAGS: Final = frozenset(
    {"aside", "dialog", "figcaption", "figure", "footer", "form", "header", "menu", "nav"}
)
#: Furniture tags that never hold the article, however much prose they have. A
#: ``<figure>`` can: a table's figure left open by the markup holds the rest of it.
_NEVER_CONTENT_TAGS: Final = frozenset({"aside", "dialog", "figcaption", "footer", "menu", "nav"})
_FURNITURE_ROLES: Final = frozenset(
    {
        "alertdialog", "banner", "complementary", "contentinfo", "dialog", "menu", "menubar",
        "navigation", "search",
    }
)  # fmt: skip
#: Furniture roles that never hold the article: the roles of the never-content tags.
_NEVER_CONTENT_ROLES: Final = _FURNITURE_ROLES - {"banner"}
#: Names of a consent notice: never the article, however much prose it has.
_CONSENT_RE: Final = re.compile(r"cookie|consent|gdpr")
#: Class and id words of furniture, matched inside camelCase and hyphenated names
#: (names are lower-cased first).
_FURNITURE_RE: Final = re.compile(
    r"comment|disqus|share|sharing|social|related|recommend|promo|newsletter|subscri|signup"
    r"|sign-up|most-?read|most-?popular|mostpopular|popular|trending|cookie|consent|gdpr"
    r"|banner|sidebar|breadcrumb|sponsor|outbrain|taboola|popup|modal|byline|author"
    r"|dateline|footer|header|masthead|navbar|navigation|menu|toolbar|pagination|pager|copyright"
    r"|advert|adslot|ad-slot|dfp|widget|skip-?link|tag-?list|taglist|keywords|read-?more"
    r"|also-?read|print|caption|credit|timestamp|published|updated|rating|login|overlay"
    r"|gallery|slideshow|carousel|lightbox|sr-only|screen-?reader|visually-?hidden|signature"
    # The same words in class names written in other languages.
    r"|koment|komment|coment|relacionad|correlat|verwandt|similaire|publicidad|publicidade"
    r"|werbung|reklam|pubblicit|compartir|partilhar|condivid|partager|teilen"
)
#: Whole-word furniture names too short to match inside other words.
_FURNITURE_WORDS: Final = frozenset(
    {
        "ad", "ads", "aside", "date", "hidden", "image", "img", "meta", "nav", "photo", "picture",
        "legal", "share", "social", "tag", "tags", "time",
    }
)  # fmt: skip
#: Words before a furniture word that make it say what an element lacks or holds.
_MODIFIERS: Final = frozenset({"no", "has", "with", "without"})
#: Furniture words that name a picture: an element so named that holds this many
#: prose blocks is a section beside a picture, not the picture's box.
_MEDIA_WORDS: Final = frozenset({"image", "img", "photo", "picture"})
_PROSE_MEDIA_BLOCKS: Final = 2
#: Utility classes that clip overflow: the element is shown.
_SHOWN_RE: Final = re.compile(r"overflow(?:-[xy])?-hidden|text-hidden|hidden-overflow")
#: A utility class showing the element from some screen width on (``hidden
#: md:block``): hidden on phones only, so ``hidden`` does not make it furniture.
_BREAKPOINT_SHOWN_RE: Final = re.compile(
    r"(?:^|\s)(?:sm|md|lg|xl|2xl):(?:block|flex|grid|inline|table)"
)
#: The variant prefixes of a utility class (``print:``, ``md:``, ``lg:hover:``).
_VARIANT_RE: Final = re.compile(r"\S*:")
#: A utility class under a variant other than the screen widths ``sm:`` to ``2xl:``
#: (``print:hidden``, ``marker:hidden``, ``[&::-webkit-details-marker]:hidden``,
#: ``dark:``, ``group-hover:``, a container's width ``@2xl:``): it applies when
#: printing, to a part of the element, in some state or some box, not to the
#: element as the page lays it out. (A screen width's ``md:hidden`` marks the
#: phone layout's copy of something, and still counts.)
_CONDITIONAL_RE: Final = re.compile(r"(?:^|(?<=\s))(?!(?:sm|md|lg|xl|2xl):)\S*:\S*")
_HIDDEN_CLASS_RE: Final = re.compile(r"(?:^|\s)hidden(?=\s|$)")
#: Bootstrap's display utilities at a screen width (``d-md-none``, ``d-lg-block``).
_DISPLAY_AT_RE: Final = re.compile(r"(?:^|\s)d-(sm|md|lg|xl|xxl)-([a-z-]+)(?=\s|$)")
_WIDTHS: Final = ("sm", "md", "lg", "xl", "xxl")


def _phone_copy(names: str) -> bool:
    """Whether Bootstrap's display classes hide the element from some screen width up,
    and no wider width shows it again: the phone layout's copy of something the
    page shows otherwise on a desktop (``d-block d-md-none``).

    >>> _phone_copy("col-12 d-block d-md-none"), _phone_copy("d-none d-md-block")
    (True, False)
    >>> _phone_copy("d-md-none d-xl-block"), _phone_copy("d-none")
    (False, False)
    """
    widest = max(
        _DISPLAY_AT_RE.findall(names), key=lambda found: _WIDTHS.index(found[0]), default=None
    )
    return widest is not None and widest[1] == "none"


#: A heading named only by this (``h2.section-header``) is its section's heading.
_HEADER_RE: Final = re.compile(r"header")
#: Names that mark the article body itself; they override furniture words.
_BODY_RE: Final = re.compile(
    r"article-?body|story-?body|post-?body|entry-?content|article-?content|post-?content"
    r"|story-?content|main-?content|article-?text|story-?text|body-?text|articlebody"
    r"|rich-?text|page-?content"
)
#: Furniture names that say how an element is shown, not what it is.
_PRESENTATION_RE: Final = re.compile(
    r"carousel|slideshow|slider|gallery|header|hidden|image|img|photo|picture"
    r"|caption|overlay|modal|lightbox|print"
)
_WORD_SPLIT_RE: Final = re.compile(r"[^a-z0-9]+")
_SEMANTIC_TAGS: Final = frozenset({"article", "main"})
#: Elements that hold one paragraph: never a container of the article. (Table
#: cells are not among them: old layouts put the whole article in a ``<td>``.)
_PARAGRAPH_TAGS: Final = frozenset({"p", "pre", "blockquote", "li", "dd", "dt"})

#: Rendered blocks with more of their text in links than this are dropped.
_MAX_RENDER_LINKS: Final = 0.5
#: ... except paragraphs and list items (``<p>``, ``<li>``), which may link most of
#: their words and still be prose (hover cards, affiliate links, a list of
#: references that say what each one is), up to this density.
_MAX_PARAGRAPH_LINKS: Final = 0.65
#: Container score multiplier for semantic markup and body class names.
_SEMANTIC_BONUS: Final = 1.15
#: A furniture element holding at least this share of the page's prose, in at
#: least this many blocks, is kept: its name misleads (``content has-sidebar``).
_PROTECT_SHARE: Final = 0.5
_PROTECT_BLOCKS: Final = 3
#: Non-paragraph lines shorter than this at the edges of the article are labels.
LABEL_CHARS: Final = 30
#: The container grows to an ancestor whose added text has at most this share in links.
_MAX_ADDED_LINKS: Final = 0.33


def _names(element: etree._Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip().lower()


#: The longest :func:`describe` label; longer ones are cut, ending in an ellipsis.
MAX_LABEL: Final = 120


def describe(element: etree._Element) -> str:
    """A CSS-like label for *element*: ``div#main.story-body``.

    At most :data:`MAX_LABEL` characters, with what document text may not
    hold (controls, lone surrogates: ``id="a&#19;b"``) replaced as in the text.
    """
    label = str(element.tag)
    if element.get("id"):
        label += "#" + str(element.get("id")).strip()
    classes = (element.get("class") or "").split()
    if classes:
        label += "." + ".".join(classes[:3])
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 1] + "\u2026"
    return writable(label)


def is_body_named(element: etree._Element) -> bool:
    """Whether class, id or microdata name *element* as the article body."""
    if (element.get("itemprop") or "").lower() == "articlebody":
        return True
    names = _names(element)
    return bool(names and _BODY_RE.search(names))


def _furniture_name(names: str) -> bool:
    """Whether lower-cased class and id *names* are those of furniture.

    A utility class's variant prefix says when a style applies, not what the
    element is: ``print:break-inside-avoid`` is a paragraph that is not split
    when printed, ``site-header:min-h-screen`` a box sized while a header shows.
    """
    shown_from_breakpoint = bool(_BREAKPOINT_SHOWN_RE.search(names))
    names = _VARIANT_RE.sub("", _CONDITIONAL_RE.sub(" ", names))
    if any(_body_token(token) for token in names.split()):
        return False
    if _phone_copy(names):
        return True
    if _FURNITURE_RE.search(names):
        return True
    names = _SHOWN_RE.sub(" ", names)
    if shown_from_breakpoint:
        names = _HIDDEN_CLASS_RE.sub(" ", names)
    words = _WORD_SPLIT_RE.split(names)
    # "no-image", "has-image", "with-photo": a modifier saying what the element lacks
    # or holds, not what it is.
    return any(
        word in _FURNITURE_WORDS and (at == 0 or words[at - 1] not in _MODIFIERS)
        for at, word in enumerate(words)
    )


def _body_token(token: str) -> bool:
    """Whether one class or id *token* names the article body: a body word not followed,
    in the same token, by a furniture word (``ArticleBody-read-time-and-social``, a
    part of the body block, is the body's sharing bar)."""
    found = _BODY_RE.search(token)
    return found is not None and not _furniture_name(token[found.end() :])


#: A name for any boxed part of a template: a series of them is a page's content
#: units (a review's products), a single one an appeal or a sign-up.
_WIDGET_RE: Final = re.compile(r"widget")


def _furniture_by_markup(element: etree._Element) -> bool:
    """Whether *element* is furniture by its tag or ARIA role, whatever it is called."""
    return element.tag in _FURNITURE_TAGS or (element.get("role") or "").lower() in _FURNITURE_ROLES


def presentation_named(element: etree._Element, *, repeated: bool = False) -> bool:
    """Whether *element* is furniture only by names that say how it is shown.

    A carousel, a header strip, a picture or a modal may hold anything, and so
    may a widget that is *repeated* (other elements carry its class); comments,
    menus, footers or related links are furniture by what they are. Elements
    that are furniture by tag or role are not so named.
    """
    if _furniture_by_markup(element):
        return False
    patterns = (_PRESENTATION_RE, _WIDGET_RE) if repeated else (_PRESENTATION_RE,)
    return _named_only(_names(element), *patterns)


def _named_only(names: str, *patterns: re.Pattern[str]) -> bool:
    """Whether *names* are furniture's, and only by what *patterns* match."""
    rest = names
    for pattern in patterns:
        rest = pattern.sub(" ", rest)
    return _furniture_name(names) and not _furniture_name(rest)


def is_furniture(element: etree._Element, memo: dict[str, bool] | None = None) -> bool:
    """Whether *element* looks like page furniture by tag, role or name.

    *memo* caches the verdict on names across the elements of one page (pages
    repeat class names; the name patterns are the costly part).

    >>> import lxml.html
    >>> is_furniture(lxml.html.fragment_fromstring('<div class="related-links">x</div>'))
    True
    >>> is_furniture(lxml.html.fragment_fromstring('<div class="story-body share-on">x</div>'))
    False
    >>> is_furniture(lxml.html.fragment_fromstring('<div class="ArticleBody-social-bar">x</div>'))
    True
    """
    if _furniture_by_markup(element):
        return True
    names = _names(element)
    if not names or element.tag in {"body", "html", "article", "main"}:
        return False
    if (element.get("itemprop") or "").lower() == "articlebody":
        return False
    if element.tag in HEADINGS and _named_only(names, _HEADER_RE):
        return False  # a heading styled as a section's header is that section's heading
    if memo is None:
        verdict = _furniture_by_names(names)
    elif (known := memo.get(names)) is not None:
        verdict = known
    else:
        verdict = memo[names] = _furniture_by_names(names)
    if verdict and _named_only(names, _WIDGET_RE) and _in_built_main(element):
        return False  # a page builder's section (the verdict on names alone is memoised)
    return verdict


def _in_built_main(element: etree._Element) -> bool:
    """Whether *element* lies in the page's ``<main>`` inside a page builder's widget.

    Page builders lay a page out as sibling widgets (``so-panel widget``,
    ``widget_text``), one per section, inside the ``<main>`` the theme marks; a
    sidebar's widgets stand outside it. So a widget inside ``<main>`` that has a
    widget beside it (or lies within such a widget) is a section of the page, not
    furniture.
    """
    chain = [element]
    for ancestor in element.iterancestors():
        if is_main(ancestor):
            return any(_WIDGET_RE.search(_names(held)) and _beside_widget(held) for held in chain)
        chain.append(ancestor)
    return False


def is_main(element: etree._Element) -> bool:
    """Whether *element* is the page's declared main content (``<main>``, ``role="main"``)."""
    return element.tag == "main" or (element.get("role") or "").lower() == "main"


def _beside_widget(element: etree._Element) -> bool:
    """Whether another child of *element*'s parent is named a widget."""
    parent = element.getparent()
    return parent is not None and any(
        other is not element
        and isinstance(other.tag, str)
        and _WIDGET_RE.search(_names(other)) is not None
        for other in parent
    )


#: The classes a content management system gives each post it renders (WordPress:
#: ``post-123 product type-product status-publish product_tag-travel ...``).
_CMS_POST_RE: Final = re.compile(r"(?:^|\s)status-publish(?:\s|$)")
_CMS_TYPE_RE: Final = re.compile(r"(?:^|\s)type-[a-z_]+(?:\s|$)")


def _furniture_by_names(names: str) -> bool:
    """Whether lower-cased *names* are furniture's and not a CMS post's (:func:`_cms_post`)."""
    return not _cms_post(names) and _furniture_name(names)


def _cms_post(names: str) -> bool:
    """Whether lower-cased *names* are those a CMS gives a published post: its type and
    status, then a class per term it is filed under (``tag-share``,
    ``category-social-media``, ``product_tag-travel-gear``), which say what the post is
    about, not what the element is. A post is content wherever it sits (teasers are
    told by the elements around them and by their shape)."""
    return bool(_CMS_POST_RE.search(names) and _CMS_TYPE_RE.search(names))


def _protect_limit(page: Page) -> float:
    """Prose from which a named element or a card list is the content (half the page's)."""
    return _PROTECT_SHARE * sum(block.length for block in page.blocks if is_prose(block))


def _quotes(page: Page, element: etree._Element) -> bool:
    """Whether *element* is a ``<figure>`` holding a quotation with prose (a testimonial),
    a table or a code listing with text.

    A figure is an image and its caption, a quotation and its source, or a table or a
    code listing and its title (blog platforms wrap every table in one, static site
    generators every highlighted listing): the quotation, the table and the code are
    content; the caption (``figcaption``) stays furniture.
    """
    if element.tag != "figure":
        return False
    return any(
        quote in page.stats and page.stats[quote].prose > 0
        for quote in element.iterdescendants("blockquote")
    ) or any(
        held in page.stats and page.stats[held].total > 0
        for held in element.iterdescendants("table", "pre")
    )


def _named_by_heading(element: etree._Element) -> bool:
    """Whether *element* is furniture only by an id made from its heading.

    Documentation and long pages give each section an anchor made from its
    heading (``id="respond-to-review-comments"``): words of the heading, not a
    name for furniture. A heading's own id is its anchor whatever its words
    (``<h3 id="nav_the_last_step_1">``, a table of contents' link target): only
    its classes say what it is.
    """
    anchor = (element.get("id") or "").strip().lower()
    if not anchor or _furniture_by_markup(element):
        return False
    classes = (element.get("class") or "").strip().lower()
    if classes and _furniture_name(classes):
        return False
    return element.tag in HEADINGS or anchored_by_heading(element)


def anchored_by_heading(element: etree._Element) -> bool:
    """Whether *element*'s id is made from its first heading's words, joined by hyphens
    (``<section id="upkeep">`` headed "Upkeep"): a section's anchor.

    >>> import lxml.html
    >>> anchored_by_heading(lxml.html.fragment_fromstring(
    ...     '<section id="Daily-Upkeep"><h2>Daily upkeep</h2><p>Oil it.</p></section>'))
    True
    """
    anchor = (element.get("id") or "").strip().lower()
    heading = next(element.iter(*HEADINGS), None)
    if not anchor or heading is None:
        return False
    parts = _WORD_SPLIT_RE.split("".join(str(piece) for piece in heading.itertext()).lower())
    return anchor == "-".join(part for part in parts if part)


#: A name saying that a part of the element is hidden (Drupal's ``field--label-hidden``:
#: a field shown without its label).
_PART_HIDDEN_RE: Final = re.compile(r"(?:label|title|caption|icon|heading)s?-+hidden")


def _part_hidden(element: etree._Element) -> bool:
    """Whether *element* is furniture only by a name saying a part of it is hidden."""
    return _named_only(_names(element), _PART_HIDDEN_RE)


#: A name of a "read more" control or list.
_READ_MORE_RE: Final = re.compile(r"read-?more")


#: ... an element so named holding at least this share of its text in prose is the
#: text such a toggle folds away.
_EXPANDED_PROSE: Final = 2 / 3


def _expander(element: etree._Element) -> bool:
    """Whether *element* is furniture only by a "read more" name (``read-more__text``),
    and not named as a review.

    The name marks "Read more" link lists, and the text a "Read more" toggle folds
    away (a category's introduction, a FAQ's answer): one that is mostly prose
    (:data:`_EXPANDED_PROSE`) is that text (see :func:`furniture_elements`). A buyer's
    review folded so stays what it was (see :func:`customer_reviews`)."""
    names = _names(element)
    return _named_only(names, _READ_MORE_RE) and not _REVIEW_RE.search(names)


def _media_named(element: etree._Element) -> bool:
    """Whether *element* is furniture only by a media word in its names (``text-image``).

    Layouts name a section by what it shows beside its text (``about-image-text``);
    such a section holding paragraphs is content, an image box is not.
    """
    names = _names(element)
    if not names or element.tag in _FURNITURE_TAGS or _FURNITURE_RE.search(names):
        return False
    words = set(_WORD_SPLIT_RE.split(names))
    return bool(words & _FURNITURE_WORDS) and words & _FURNITURE_WORDS <= _MEDIA_WORDS


#: Elements that only a page's body holds: a navigation or footer holding one was left
#: open by the markup.
_PAGE_HOLDERS: Final = ("main", "article", "h1")
#: A ``<form>`` holding this share of the page's text wraps the page (:func:`_wraps_page`).
_PAGE_FORM_SHARE: Final = 0.5


def _wraps_page(page: Page, element: etree._Element) -> bool:
    """Whether *element* is a ``<form>`` around the page: one holding most of its text
    (ASP.NET Web Forms wrap the whole body in one form). A search box, a newsletter
    form or a reply box holds a small part of it."""
    if element.tag != "form":
        return False
    root = page.elements[0]
    return page.stats[element].total >= _PAGE_FORM_SHARE * page.stats[root].total


def _never_content(element: etree._Element) -> bool:
    """Whether *element* is furniture whatever share of the page's prose it holds.

    A navigation, a dialog or a footer is so by what it is, tag or ARIA role,
    and a cookie notice by its name: its paragraphs of legal text are the most
    prose on a short page, not its content. One that holds the page's ``<main>``,
    an ``<article>`` or an ``<h1>`` is not a navigation but an unclosed tag that
    the parser let run over the page (``<nav>`` left open before the article): it
    is protected like any named element that holds most of the prose.
    """
    if _CONSENT_RE.search(_names(element)):
        return True
    if element.tag in _NEVER_CONTENT_TAGS or (
        (element.get("role") or "").lower() in _NEVER_CONTENT_ROLES
    ):
        return next(element.iterdescendants(*_PAGE_HOLDERS), None) is None
    return False


def never_content(elements: set[etree._Element]) -> set[etree._Element]:
    """The *elements* that are furniture by what they are, whatever they hold: a
    navigation, a footer, a dialog, a cookie notice (:func:`_never_content`)."""
    return {element for element in elements if _never_content(element)}


#: Names of a product's customer reviews and ratings (not a "preview").
_REVIEW_RE: Final = re.compile(r"(?<!p)review|rating")
#: Names of testimonials: quotations the seller chose and shows, content (see
#: :func:`_quotes`), not buyers' reviews.
_TESTIMONIAL_RE: Final = re.compile(r"testimonial")


def customer_reviews(page: Page, container: etree._Element) -> set[etree._Element]:
    """The elements of a product page named or marked up as its reviews or ratings.

    Buyers' reviews are to a product what comments are to an article: what
    others say about it, not its description (testimonials the seller shows
    are content, whatever else their names say). The *container*, the elements
    holding it and, as for other named furniture, an element holding half of
    the page's prose are never among them.
    """
    holding = {container, *container.iterancestors()}
    limit = _protect_limit(page)
    return {
        element
        for element, entry in page.stats.items()
        if element not in holding
        and entry.prose < limit
        and (
            _REVIEW_RE.search(_names(element))
            or "review" in (element.get("itemprop") or "").lower()
        )
        and not any(
            _TESTIMONIAL_RE.search(_names(shown)) for shown in (element, *element.iterancestors())
        )
    }


#: Names of a maker's small print (``common-bottom-disclaimer``, ``disclaimer-notes``).
_SMALL_PRINT_RE: Final = re.compile(r"disclaimer")


def small_print_named(element: etree._Element) -> bool:
    """Whether *element* is named as small print: the legal notes that back a product
    page's claims (read on product pages only: elsewhere such a box may hold the
    content, a bank's terms).

    >>> import lxml.html
    >>> small_print_named(lxml.html.fragment_fromstring('<div class="pd-disclaimer">x</div>'))
    True
    """
    return bool(_SMALL_PRINT_RE.search(_names(element)))


#: Names of comments: on a page that says it is a discussion, its posts.
_COMMENT_RE: Final = re.compile(r"comment|disqus|koment|komment|coment")


def _comment_named(element: etree._Element) -> bool:
    """Whether *element* is furniture by name only because it is named a comment."""
    return _named_only(_names(element), _COMMENT_RE)


def furniture_elements(
    page: Page, *, discussion: bool = False, split: bool = False
) -> set[etree._Element]:
    """Elements that are furniture by tag, role or name, unless they hold most of the prose.

    On a *discussion* (a page whose metadata says it is a forum thread or a
    question and its answers), comments are the content: an element named
    only a comment is not furniture. Boxes named exactly as such a misnamed body,
    beside it, are its rest. Boxes named only as a template's widgets, of one name,
    holding half of the prose together are too (a page builder's sections: the
    container that the rest would leave is a small part of the page); with *split*
    (a page where nothing else holds the prose), boxes of any one furniture name are.
    """
    limit = _protect_limit(page)
    memo: dict[str, bool] = {}
    owners = {block.owner for block in page.blocks}
    named = {
        element
        for element, entry in page.stats.items()
        if is_furniture(element, memo)
        and not _flows_into_block(element, owners)
        and not (discussion and element.tag not in _FURNITURE_TAGS and _comment_named(element))
        and not _quotes(page, element)
        and not _named_by_heading(element)
        and not _wraps_page(page, element)
        and not (entry.prose_blocks >= _PROSE_MEDIA_BLOCKS and _media_named(element))
        and not (entry.prose_blocks >= _PROSE_MEDIA_BLOCKS and _part_hidden(element))
        and not (entry.prose >= _EXPANDED_PROSE * entry.total and _expander(element))
    }
    furniture = {
        element
        for element in named
        if _never_content(element)
        or page.stats[element].prose < limit
        or page.stats[element].prose_blocks < _PROTECT_BLOCKS
        or limit == 0
    }
    furniture -= _body_twins(named - furniture, furniture)
    bodies = named - furniture
    if limit:
        freed = _split_body(page, furniture, limit, widgets_only=not split)
        furniture -= freed
        bodies |= freed
    return furniture - _body_kin(page, bodies, furniture)


def _split_body(
    page: Page, furniture: set[etree._Element], limit: float, *, widgets_only: bool = False
) -> set[etree._Element]:
    """The elements of *furniture* that are a body split into boxes of one name: named
    furniture only by the same class words (``elementor-widget``: a page builder makes
    each section a widget), two or more of them side by side or apart, which together
    hold half of the page's prose (*limit*) in three prose blocks or more.

    With *widgets_only*, only boxes whose every furniture class word names a widget
    (``widget widget-spotlight-stories``) count: a template's box for any content,
    which says nothing of what it holds, as a comment's or a related link's name
    does. Half of the page's prose in such boxes is its body, whatever container
    the rest of the page offers (a programme page's introduction above its course
    sections, each a widget)."""
    groups: dict[tuple[str, frozenset[str]], list[etree._Element]] = {}
    for element in furniture:
        if widgets_only and "widget" not in (element.get("class") or "").lower():
            continue  # no widget's name among its classes: the test below fails, cheaply
        if _furniture_by_markup(element) or _never_content(element):
            continue
        words = _furniture_words(element)
        if words and (not widgets_only or all(map(_WIDGET_RE.search, words))):
            groups.setdefault((element.tag, words), []).append(element)
    freed: set[etree._Element] = set()
    for members in groups.values():
        held = set(members)
        tops = [box for box in members if not any(up in held for up in box.iterancestors())]
        if (
            len(tops) >= 2
            and sum(page.stats[box].prose for box in tops) >= limit
            and sum(page.stats[box].prose_blocks for box in tops) >= _PROTECT_BLOCKS
        ):
            freed.update(members)
    return freed


def _body_twins(bodies: set[etree._Element], furniture: set[etree._Element]) -> set[etree._Element]:
    """The elements of *furniture* named exactly as a misnamed body in *bodies* and
    standing beside it (siblings, or children of siblings: one wrapper each): the
    rest of the body, which the page splits into boxes of one name
    (``articleWidget``), only the first holding half of the prose."""
    twins: set[etree._Element] = set()
    for body in bodies:
        if _furniture_by_markup(body) or not body.get("class"):
            continue
        parent = body.getparent()
        if parent is None:
            continue
        grand = parent.getparent()
        scopes = [parent] if grand is None else [parent, *[u for u in grand if u is not parent]]
        for scope in scopes:
            for other in scope:
                if (
                    other is not body
                    and other in furniture
                    and other.tag == body.tag
                    and other.get("class") == body.get("class")
                ):
                    twins.add(other)
    return twins


#: How far up from a misnamed body its kin may stand (a page builder's widget, its
#: column's inner box, the column, the builder's root).
_KIN_LEVELS: Final = 5


def _furniture_words(element: etree._Element) -> frozenset[str]:
    """The class names of *element* that are furniture's (``elementor-widget``,
    ``elementor-widget-text-editor``), which say what kind of box it is."""
    classes = (element.get("class") or "").lower().split()
    return frozenset(name for name in classes if _furniture_name(name))


def _body_kin(
    page: Page, bodies: set[etree._Element], furniture: set[etree._Element]
) -> set[etree._Element]:
    """The elements of *furniture* that are the rest of a misnamed body in *bodies*
    named only as a page builder's widget (``elementor-widget
    elementor-widget-text-editor``), standing within a few levels of it
    (:data:`_KIN_LEVELS`): the boxes of its tag and the same furniture class names
    (every class name that makes it furniture; the builder's id of each box
    differs) holding two prose blocks or more, which a page builder splits the
    body into (the introduction in one column's box, the rest in another's), and
    the builder's heading boxes (the tag, a widget class name in common, nothing
    but headings inside) right before a block of the body or of such a box, which
    head the body's parts. A promotion box beside the body (a line of prose and
    a button under a heading box) stays furniture."""
    kin: set[etree._Element] = set()
    headed: list[etree._Element] = []
    for body in bodies:
        if _furniture_by_markup(body) or _never_content(body):
            continue
        words = _furniture_words(body)
        if not words or not all(_WIDGET_RE.search(word) for word in words):
            continue
        scope = body
        for _ in range(_KIN_LEVELS):
            up = scope.getparent()
            if up is None:
                break
            scope = up
        for other in furniture:
            if other in kin or other.tag != body.tag or _furniture_by_markup(other):
                continue
            if not any(up is scope for up in other.iterancestors()):
                continue
            others = _furniture_words(other)
            if others == words and page.stats[other].prose_blocks >= _PROSE_MEDIA_BLOCKS:
                kin.add(other)
            elif others & words and _headings_only(page, other):
                headed.append(other)
    held = bodies | kin
    for heading in headed:
        entry = page.stats[heading]
        after = entry.first + entry.blocks
        if after < len(page.blocks) and any(
            up in held for up in page.blocks[after].owner.iterancestors()
        ):
            kin.add(heading)
    return kin


def _headings_only(page: Page, element: etree._Element) -> bool:
    """Whether every block under *element* is a heading's."""
    blocks = page.blocks_of(element)
    return bool(blocks) and all(block.owner.tag in HEADINGS for block in blocks)


def _flows_into_block(element: etree._Element, owners: set[etree._Element]) -> bool:
    """Whether *element* is furniture by name only and its own text runs into an enclosing
    block (it owns no block, and text lies directly in it): an inline wrapper such
    as a ``<span>`` around a post's body, whose text would stay whatever its name
    says, so the blocks inside it cannot be furniture by that name either."""
    if element in owners or _furniture_by_markup(element):
        return False
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def teaser_cards(page: Page, groups: list[list[etree._Element]]) -> set[etree._Element]:
    """The cards of *groups* (see :func:`ingest.html._items.card_groups`) that are teasers.

    A card list holding half of the page's prose or more is the article itself
    (a listicle, a digest); a list of links each said what it is in words of its
    own (:func:`~._items.glossed_links`) is the article's.
    """
    limit = _protect_limit(page)
    teasers: set[etree._Element] = set()
    for group in groups:
        parent = page.parent[group[0]]
        if glossed_links(page, group):
            continue  # an article's list of resources, each link said what it is
        if limit == 0 or parent is None or page.stats[parent].prose < limit:
            teasers.update(group)
    return teasers


def in_set(page: Page, members: set[etree._Element]) -> dict[etree._Element, bool | None]:
    """For each element, whether it or an ancestor is in *members*."""
    return page.inherit(lambda element: True if element in members else None)


def _contribution(block: Block) -> float:
    if is_prose(block):
        return float(block.length - block.link_length)
    if block.owner.tag in _PARAGRAPH_TAGS and block.link_density <= MAX_PROSE_LINKS:
        return 0.0  # a short paragraph: neutral
    # Link text is navigation; short unlinked text is mostly labels and captions.
    return -(block.link_length + 0.25 * (block.length - block.link_length))


#: The share of the chosen element's score that the one ``<article>`` inside it must
#: hold to be the container instead.
_INNER_ARTICLE: Final = 0.5


def choose_container(page: Page, boilerplate: set[etree._Element]) -> etree._Element | None:
    """The element whose subtree best holds the article, or ``None`` without prose."""
    furniture = in_set(page, boilerplate)
    scores = page.totals(
        lambda block: -0.1 * block.length if furniture[block.owner] else _contribution(block)
    )
    best: etree._Element | None = None
    best_key = (0.0, 0)
    for element, raw in scores.items():
        if raw <= 0 or element.tag in _PARAGRAPH_TAGS or element.tag in HEADINGS:
            continue
        bonus = element.tag in _SEMANTIC_TAGS or is_body_named(element)
        key = (raw * _SEMANTIC_BONUS if bonus else raw, page.depth[element])
        if key > best_key:
            best, best_key = element, key
    if best is not None and best.tag != "article":
        inner = [e for e in best.iterdescendants("article") if e in scores]
        if len(inner) == 1 and scores[inner[0]] >= _INNER_ARTICLE * scores[best]:
            return inner[0]
    return best


def render(
    page: Page,
    container: etree._Element,
    boilerplate: set[etree._Element],
    *,
    title: str,
    trim: bool = True,
    keep_links: bool = False,
    titled: set[etree._Element] | None = None,
    cards: Sequence[etree._Element] = (),
    discussion: bool = False,
    slogans: bool = False,
) -> list[Block]:
    """The container's blocks that belong to the main content.

    With *trim*, short labels before and after the article's paragraphs go
    too; with *keep_links*, link blocks stay (the items of a listing are links);
    with *slogans*, an ``h1`` that does not repeat the page's title stays (see
    :func:`_slogan`);
    the headings inside *titled* elements stay though they are links (the titles
    of a round-up's items), an ``<h1>`` there too (a page of offers heads each with
    one); any other ``<h1>`` is the headline, the document's title. The
    ``<article>`` elements among a listing's *cards* or inside them are its items,
    never dropped as odd articles out. On a page that says it is a *discussion*,
    two articles of one signature are its posts already.
    """
    under = page.inherit(lambda element: True if element is container else None)
    furniture = in_set(page, boilerplate)
    in_titled = in_set(page, titled) if titled else None
    dropped = in_set(
        page,
        _not_cards(page, dropped_articles(page, container, title, discussion=discussion)[0], cards),
    )
    kept: list[Block] = []
    mixed = _mixed_lists(page)
    for block in page.blocks:
        owner = block.owner
        if not under[owner] or block.is_markup:
            continue
        if furniture[owner] or dropped[owner]:
            if kept and _titles_contents(kept[-1], block):
                kept.pop()  # the title of a table of contents that went as furniture
            continue
        limit = _MAX_PARAGRAPH_LINKS if owner.tag in {"p", "li"} else _MAX_RENDER_LINKS
        if (
            block.link_density > limit
            and not keep_links
            and not (in_titled is not None and owner.tag in HEADINGS and in_titled[owner])
            and not (owner.tag == "li" and owner.getparent() in mixed)
            and not _in_page_heading(owner)
            and not quote_source(block)
            and not _defined_term(page, owner)
            and not _described_cell(page, owner)
        ):
            if kept and _titles_contents(kept[-1], block):
                kept.pop()  # the title of a table of contents that went as links
            continue
        if (
            owner.tag == "h1"
            and not (in_titled is not None and in_titled[owner])
            and not (slogans and _slogan(block, title))
        ) or (title and block.text == title):
            continue
        kept.append(block)
    return _trim_edges(kept) if trim else kept


#: An ``h1`` with under this share of its words in the page's title is not its headline.
_SLOGAN_TITLE_WORDS: Final = 0.5


def _slogan(block: Block, title: str) -> bool:
    """Whether *block*, an ``h1``, says something other than the page's *title*.

    An article's ``h1`` is its headline, given as the document's title; a landing
    page's are its hero line ("Build what's next") and, on pages that head every
    section with one, its sections' headings, while its title names the site or the
    service. Those are text of the page: fewer than half of their words are in
    the title.

    >>> from ingest.html._blocks import split_blocks
    >>> import lxml.html
    >>> [hero] = split_blocks(lxml.html.fromstring("<div><h1>Cloud for builders</h1></div>"))
    >>> _slogan(hero, "Acme AI | GPU hosting"), _slogan(hero, "Cloud for builders - Acme")
    (True, False)
    """
    said = words(block.text)
    return bool(said) and len(said & words(title)) < _SLOGAN_TITLE_WORDS * len(said)


def _titles_contents(label: Block, links: Block) -> bool:
    """Whether *label*, the block right before the link list *links*, is the title of a
    table of contents: a short line, and the list (the whole list, when *links* is one
    of its items) links to :data:`_MIN_CONTENTS` places on the page or more, and to
    nothing else.

    The contents go as links; their title ("Table of Contents", "In this article",
    "Inhalt") would stay, a line of the page's furniture inside the article.
    """
    return (
        label.index == links.index - 1
        and label.weight < LABEL_CHARS
        and label.owner.tag not in _CELL_TAGS
        and _contents(links.owner)
    )


#: A table of contents links to this many places on the page or more.
_MIN_CONTENTS: Final = 3


def _contents(element: etree._Element) -> bool:
    """Whether *element* (its list, when it is a list's item) is a table of contents:
    :data:`_MIN_CONTENTS` links or more, all to places on the page."""
    if element.tag == "li" and (parent := element.getparent()) is not None:
        element = parent
    return _in_page_links(element, least=_MIN_CONTENTS)


def _in_page_links(element: etree._Element, *, least: int = 1, controls: bool = False) -> bool:
    """Whether *element* holds *least* links or more, all to places on the page (with
    *controls*, or working a control of it: :func:`_stays_on_page`)."""
    links = [link for link in element.iter("a") if link.get("href") is not None]
    return len(links) >= least and all(_stays_on_page(link, controls=controls) for link in links)


def _stays_on_page(link: etree._Element, *, controls: bool) -> bool:
    """Whether *link* leads to a place on the page (an anchor, ``#answer-3``), or, with
    *controls*, works a control of it: a link that runs a script
    (``javascript:void(0)``) or opens a panel (``aria-controls``) is a control dressed
    as a link, an accordion's question.
    """
    target = (link.get("href") or "").strip()
    if target.startswith("#") and len(target) > 1:
        return True
    return controls and (
        target.lower().startswith("javascript:") or link.get("aria-controls") is not None
    )


def _in_page_heading(element: etree._Element) -> bool:
    """Whether *element* is a heading whose links all lead to a place on the page.

    A heading linked to its own anchor (a permalink) or to the panel it opens (a
    question of a FAQ's accordion, ``<a href="#answer-3">``, or a script's link,
    ``<a href="javascript:void(0)" aria-controls="answer-3">``) is the section's
    heading, not a link away from the page.
    """
    return element.tag in HEADINGS and _in_page_links(element, controls=True)


def _defined_term(page: Page, element: etree._Element) -> bool:
    """Whether *element* is a definition list's term followed by its description.

    A listing may set its items out as a ``<dl>``: each linked title a ``<dt>``,
    its summary the ``<dd>`` after it. A term described in prose is the item's
    name, not a link away from the page; the terms of a list of links stand alone,
    and a file's name over its size (a forum post's attachments) is no summary.

    >>> import lxml.html
    >>> from ingest.html._blocks import split_blocks
    >>> root = lxml.html.fromstring(
    ...     '<dl><dt><a href="/a">Alpha</a></dt><dd>The first release, with the new HTML'
    ...     ' parser and a faster index.</dd><dt><a href="/b">b.zip</a></dt>'
    ...     '<dd>(42 KiB) Downloaded 12 times</dd></dl>'
    ... )
    >>> page = Page.of(split_blocks(root))
    >>> [_defined_term(page, term) for term in root.iter("dt")]
    [True, False]
    """
    if element.tag != "dt":
        return False
    described = next((kin for kin in element.itersiblings() if isinstance(kin.tag, str)), None)
    if described is None or described.tag != "dd" or described not in page.stats:
        return False
    return page.stats[described].prose_blocks > 0


def _described_cell(page: Page, element: etree._Element) -> bool:
    """Whether *element* is a table's cell whose row describes it in prose.

    A listing set out as a table gives each item a row: its linked name in one
    cell, its summary in another. The name is the item's, not a link away.
    """
    if element.tag not in _CELL_TAGS or (row := element.getparent()) is None:
        return False
    return any(
        cell is not element and cell in page.stats and page.stats[cell].prose_blocks > 0
        for cell in row
    )


def _mixed_lists(page: Page) -> set[etree._Element]:
    """Lists most of whose items are not links: a linked item there is one of them.

    An article's list names five tools and links two of them to reviews; a
    list of links (related posts, a menu) links every item.
    """
    items: dict[etree._Element, list[int]] = {}
    for block in page.blocks:
        if block.owner.tag == "li" and (parent := block.owner.getparent()) is not None:
            counts = items.setdefault(parent, [0, 0])
            counts[block.link_density > _MAX_PARAGRAPH_LINKS] += 1
    return {parent for parent, (plain, linked) in items.items() if plain >= max(1, linked)}


def _not_cards(
    page: Page, articles: set[etree._Element], cards: Sequence[etree._Element]
) -> set[etree._Element]:
    """The *articles* that neither are one of the *cards*, nor are inside or around one.

    A shop marks each product tile up as an ``<article>`` inside its ``<li>``: when
    the items' region also holds other articles (a footer's columns), the one with
    the most prose may not be a tile, and the tiles would go as its odd ones out.
    """
    if not cards:
        return articles
    inside = in_set(page, set(cards))
    around = {up for card in cards for up in card.iterancestors()}
    return {element for element in articles if not inside[element] and element not in around}


def expand_container(
    page: Page,
    container: etree._Element,
    boilerplate: set[etree._Element],
) -> etree._Element:
    """The container, grown to the ancestors whose other text is content, not links.

    A service or product page spreads its content over sibling sections; the
    container holds the one with the most prose. Each ancestor is taken while
    the text it adds (outside furniture) has at most :data:`_MAX_ADDED_LINKS`
    of it in links; an ancestor adding less than a paragraph's worth
    (:data:`~._page.MIN_PROSE`: a "Loading" placeholder, a dateline) is climbed
    through, and taken only with a larger section above it.
    """
    furniture = in_set(page, boilerplate)
    text = page.totals(lambda block: 0.0 if furniture[block.owner] else block.length)
    links = page.totals(lambda block: 0.0 if furniture[block.owner] else block.link_length)
    current = top = container
    while (parent := page.parent[current]) is not None:
        added = text[parent] - text[top]
        if added > 0 and links[parent] - links[top] > _MAX_ADDED_LINKS * added:
            break
        if added >= MIN_PROSE:
            top = parent
        current = parent
    return top


#: Table cells: data (a specification's name and value), however short.
_CELL_TAGS: Final = frozenset({"td", "th"})


def is_label(block: Block) -> bool:
    """A short line that is not a paragraph nor a table's cell: a dateline, a kicker, a
    "Comments" label.

    Length is :attr:`Block.weight`, where a Han or kana character
    counts three times.
    """
    return (
        block.weight < LABEL_CHARS
        and block.owner.tag not in _PARAGRAPH_TAGS
        and block.owner.tag not in _CELL_TAGS
    )


def announces(block: Block) -> bool:
    """A short line that announces what follows (``Tagged:``, ``Mehr zum Thema:``,
    ``Weight:``): at the end of the article, what it announced (a list of links) is
    gone; in a listing's card, it names the value after it."""
    return block.weight < LABEL_CHARS and block.text.rstrip().endswith((":", "\uff1a"))


def _trim_edges(blocks: list[Block]) -> list[Block]:
    """Drop labels before the first and after the last paragraph, and trailing headings
    and lines that announce what no longer follows."""
    start, end = 0, len(blocks)
    while start < end and is_label(blocks[start]):
        start += 1
    while end > start and (
        is_label(blocks[end - 1])
        or blocks[end - 1].owner.tag in HEADINGS
        or announces(blocks[end - 1])
    ):
        end -= 1
    return blocks[start:end]
