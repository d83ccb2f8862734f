"""What kind of page this is: article, forum, product, service, listing, collection, docs.

The page says some of it (JSON-LD ``@type``, OpenGraph ``og:type``); its
structure says the rest: posts repeated in the main content (a thread), item
cards outweighing any article (a listing; a collection when they show prices),
code blocks (documentation), prose making most of a dated page's main content
(an article). :func:`page_type` weighs them in
a fixed order, the page's own word first where it is specific. The extractor
uses the answer to choose how much around the main block to keep
(``docs/html.md``, *Page types*); it is exposed as ``meta["page_type"]``.
"""

from __future__ import annotations

import re
from typing import Final

import attrs
from lxml import etree

__all__ = ["PAGE_TYPES", "Evidence", "microdata_discussion", "names_thread", "page_type", "sells"]

#: Every answer :func:`page_type` gives.
PAGE_TYPES: Final = (
    "article", "collection", "documentation", "forum", "listing", "product", "service",
)  # fmt: skip

#: Schema.org types of a discussion: the page is a forum thread or a Q&A page.
_FORUM_TYPES: Final = frozenset({"discussionforumposting", "qapage"})
#: Schema.org types of one product on sale.
_PRODUCT_TYPES: Final = frozenset({"product", "productgroup", "offer", "individualproduct"})
#: Schema.org types of a page of items.
_COLLECTION_TYPES: Final = frozenset({"collectionpage", "searchresultspage", "offercatalog"})
#: Schema.org types of technical documentation.
_DOCS_TYPES: Final = frozenset({"techarticle", "apireference", "softwaresourcecode"})
#: Schema.org types of an article (as in the metadata reader, plus ``report``).
_ARTICLE_TYPES: Final = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
        "scholarlyarticle", "report",
    }
)  # fmt: skip
_PRODUCT_OG: Final = frozenset({"product", "og:product", "product.item"})
#: ``og:type`` of a group of products: a category's page when its cards win, else one
#: product sold in several variants (colours, sizes), as shops tag such a product.
_COLLECTION_OG: Final = frozenset({"product.group"})
#: Schema.org types of what an ``Offer`` sells other than a product: on a page that
#: declares one of them, the offer is a service's price or plan.
_OFFERED_TYPES: Final = frozenset(
    {"service", "softwareapplication", "webapplication", "mobileapplication"}
)
#: From this many posts kept together, the main content is a thread.
_MIN_POSTS: Final = 3
#: From this many multi-line code blocks, the page is documentation.
_MIN_CODE_BLOCKS: Final = 2
#: An article's main content is at least this share prose.
_ARTICLE_PROSE: Final = 0.6
#: A control that puts the page's product in the basket, by its names or its words.
_CART_RE: Final = re.compile(r"add[\s_-]*to[\s_-]*(?:cart|bag|basket)", re.IGNORECASE)
#: The attributes that name a control.
_CONTROL_NAMES: Final = ("id", "class", "name", "value", "aria-label")


@attrs.frozen
class Evidence:
    """What the page says about itself and what its structure shows.

    Attributes:
        schema_types: Every JSON-LD ``@type`` on the page, lower-cased.
        og_type: The OpenGraph ``og:type``, lower-cased.
        dated: Whether the page gives a publication date.
        posts: Posts of one signature kept together in the main content.
        items: Whether item cards outweigh the article candidate.
        priced: Whether the items show prices (a shop's products, not posts).
        code_blocks: Multi-line ``<pre>`` blocks in the main content.
        prose_share: The share of the main content's text in prose blocks.
        cart: Whether the page has a button putting something in a shopping cart.
        post_boxes: Elements of the main content named as posts (a ``post`` class),
            each holding prose: a thread's messages, when they are not ``<article>``
            elements.
    """

    schema_types: frozenset[str] = frozenset()
    og_type: str = ""
    dated: bool = False
    posts: int = 0
    items: bool = False
    priced: bool = False
    code_blocks: int = 0
    prose_share: float = 0.0
    cart: bool = False
    post_boxes: int = 0

    @property
    def says_article(self) -> bool:
        """Whether the page's metadata calls it an article.

        ``og:type=article`` counts on a dated page only: site builders give
        it to every page, the shop's and the service's too.
        """
        return bool(self.schema_types & _ARTICLE_TYPES) or (
            self.og_type == "article" and self.dated
        )

    @property
    def says_discussion(self) -> bool:
        """Whether the page's metadata calls it a forum thread or a question page."""
        return bool(self.schema_types & _FORUM_TYPES)


#: The microdata item types of a page, one pass of libxml2's (a walk in Python costs
#: twice as much).
_ITEMTYPES: Final = etree.XPath("//@itemtype")


def microdata_discussion(root: etree._Element) -> frozenset[str]:
    """The thread type that the page's microdata declares (``itemtype="https://schema.org/
    DiscussionForumPosting"``), lower-cased as JSON-LD ``@type`` values are: forum
    software that marks its threads up in microdata says nothing in JSON-LD. (A
    question page's microdata, ``QAPage``, is left out: its comments are not its posts.)

    >>> from lxml import html
    >>> microdata_discussion(html.fromstring(
    ...     '<div itemscope itemtype="https://schema.org/DiscussionForumPosting">x</div>'))
    frozenset({'discussionforumposting'})
    >>> microdata_discussion(html.fromstring(
    ...     '<div itemscope itemtype="https://schema.org/Question">x</div>'))
    frozenset()
    """
    values = _ITEMTYPES(root)
    for value in values if isinstance(values, list) else ():
        if names_thread(str(value)):
            return frozenset({"discussionforumposting"})
    return frozenset()


def names_thread(itemtype: str) -> bool:
    """Whether a microdata ``itemtype`` (one or more type URLs) names a forum thread,
    ``DiscussionForumPosting`` (the last part of a URL, in any case).

    >>> names_thread("https://schema.org/DiscussionForumPosting"), names_thread("Comment")
    (True, False)
    """
    return any(
        url.rstrip("/").rsplit("/", 1)[-1].lower() == "discussionforumposting"
        for url in itemtype.split()
    )


def page_type(evidence: Evidence) -> str:
    """The page's type, one of :data:`PAGE_TYPES`.

    >>> page_type(Evidence(schema_types=frozenset({"product", "offer"})))
    'product'
    >>> page_type(Evidence(items=True, og_type="product.group"))
    'collection'
    >>> page_type(Evidence(og_type="product.group"))
    'product'
    >>> page_type(Evidence(items=True)), page_type(Evidence(items=True, priced=True))
    ('listing', 'collection')
    >>> page_type(Evidence(posts=5)), page_type(Evidence(dated=True, prose_share=0.9))
    ('forum', 'article')
    >>> page_type(Evidence(dated=True, prose_share=0.9, post_boxes=4))
    'forum'
    """
    types = evidence.schema_types
    article_said = evidence.says_article
    if types & _FORUM_TYPES or (
        evidence.posts >= _MIN_POSTS and not evidence.items and not _reviewed(evidence)
    ):
        return "forum"
    if evidence.items:
        said_collection = types & (_COLLECTION_TYPES | _PRODUCT_TYPES)
        shop = said_collection or evidence.og_type in _COLLECTION_OG or evidence.priced
        return "collection" if shop else "listing"
    # Without item cards, a group of products is one product and its variants.
    if (
        _sells_product(types)
        or evidence.og_type in _PRODUCT_OG
        or evidence.og_type in _COLLECTION_OG
    ):
        return "product"
    if types & _DOCS_TYPES or (evidence.code_blocks >= _MIN_CODE_BLOCKS and not article_said):
        return "documentation"
    if article_said:
        return "article"
    if evidence.dated and evidence.prose_share >= _ARTICLE_PROSE:
        # Dated prose in posts of one name is a thread whose messages are no
        # ``<article>`` elements (a board's ``div.post``).
        return "forum" if evidence.post_boxes >= _MIN_POSTS else "article"
    return "product" if evidence.cart else "service"


def _reviewed(evidence: Evidence) -> bool:
    """Whether the posts kept together are a product's reviews, not a thread: the
    page's JSON-LD says it is a product, and it sells (an "add to cart" button).

    >>> _reviewed(Evidence(schema_types=frozenset({"product"}), posts=6, cart=True))
    True
    >>> _reviewed(Evidence(schema_types=frozenset({"product"}), posts=6))
    False
    """
    return bool(evidence.schema_types & _PRODUCT_TYPES) and evidence.cart


def _sells_product(types: frozenset[str]) -> bool:
    """Whether JSON-LD *types* say the page sells a product.

    An ``Offer`` is what is sold and its price, whatever it is: a product, or a
    service or an application (a plan of a software service, a firm's rates). A
    page that declares a ``Service`` or a ``SoftwareApplication`` is that service's,
    even when it marks its plans up as a ``Product`` too (for the search engines'
    price snippets).

    >>> _sells_product(frozenset({"product", "offer"})), _sells_product(frozenset({"offer"}))
    (True, True)
    >>> _sells_product(frozenset({"softwareapplication", "offer"}))
    False
    >>> _sells_product(frozenset({"softwareapplication", "product"}))
    False
    """
    return bool(types & _PRODUCT_TYPES) and not types & _OFFERED_TYPES


def sells(root: etree._Element) -> bool:
    """Whether the page has an "add to cart" button (or bag, or basket).

    A product page that says nothing of itself in its metadata still sells:
    its buy box's button is named or labelled so. Item pages have such buttons
    too, but their cards make them listings or collections first.

    >>> from lxml import html
    >>> sells(html.fromstring('<div><button class="btn add-to-cart">Buy</button></div>'))
    True
    >>> sells(html.fromstring('<div><p>Add to cart</p><button>Send</button></div>'))
    False
    """
    for control in root.iter("button", "input"):
        names = " ".join(control.get(name, "") for name in _CONTROL_NAMES)
        text = "".join(map(str, control.itertext())) if control.tag == "button" else ""
        if _CART_RE.search(names) or _CART_RE.search(text):
            return True
    return False
