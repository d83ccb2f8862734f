"""Repeated structures: teaser cards, listing items, the posts of a thread.

A page repeats a structure when several siblings share a *signature* (their
tag and first class name). What the repetition means depends on where it sits
and what it holds:

* short cards that lead with a link, side by side, are teasers (related, most
  read) next to an article, and the items themselves on a listing page:
  :func:`card_groups` finds them, :func:`item_region` the element holding the
  largest group;
* several ``<article>`` elements of one signature, each with prose, are the
  posts of a thread or the entries of a digest: :func:`dropped_articles` keeps
  them together, and drops the odd ones out (teasers, a neighbouring article).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Final

from lxml import etree

from ._blocks import Block, spoken
from ._page import HEADINGS, MAX_PROSE_LINKS, Page, box_signature, is_prose

__all__ = [
    "DATE_RE",
    "MIN_CARDS",
    "card_groups",
    "dated",
    "dropped_articles",
    "iso_date",
    "item_region",
    "leads_with_link",
    "post_chrome",
]

#: A teaser card holds at most this many characters ...
_MAX_CARD: Final = 1000
#: ... and leads with a link of at least this many characters (or holds a link block).
_MIN_CARD_LINK: Final = 10
#: What follows a linked term in a list item that explains it.
_TERM_SEPARATORS: Final = frozenset(":-\u2013\u2014")
#: A link opening a sentence is a term, not a headline, up to this many characters.
_MAX_TERM: Final = 30
#: Cards count as a list from this many side by side.
MIN_CARDS: Final = 3
#: Groups of one card repeated under a listing's sections are its items when their
#: cards hold at least this share of the element holding them all.
_SAME_CARDS_SHARE: Final = 0.5
#: Articles of one signature are posts (all kept) from this many ...
_MIN_POSTS: Final = 3
#: ... when the others hold at least this share of the main one's prose (teasers
#: beside an article hold little).
_POSTS_SHARE: Final = 0.5
#: On a page whose metadata says it is a discussion, articles of one signature are
#: posts from this many, whatever their share (a question and its one answer, which
#: quotes it and says more).
_MIN_DISCUSSION_POSTS: Final = 2
#: Paragraphs of prose that each of a run of articles holds when they are articles of
#: their own (:func:`titled_article`), not cards or replies.
_OWN_ARTICLE_BLOCKS: Final = 3
#: Month names and their short forms, in English, German, French, Spanish, Italian,
#: Portuguese and Dutch.
_MONTH: Final = (
    r"(?:jan|ene|gen|feb|f[eé]v|mar|m[aä]r|maa|apr|avr|abr|may|mag|mai|mei|jun|jui|giu|jul|lug"
    r"|aug|ao[uû]|ago|sep|set|oct|okt|ott|out|nov|dec|dez|d[eé]c|dic)\w*\.?"
)
#: A calendar date written out: ``11/19/2025``, ``2025-11-19``, ``2025.11.19``,
#: ``2025年11月19日``, ``2025년 11월 19일``, ``Nov 19, 2025``, ``19. November 2025``,
#: ``19 de noviembre de 2025`` (named parts: :func:`iso_date`).
DATE_RE: Final = re.compile(
    r"\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})[/.](?P<ab_year>\d{2,4})\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
    r"|\b(?P<y_first>\d{4})[/.] ?(?P<y_month>\d{1,2})[/.] ?(?P<y_day>\d{1,2})\b"
    r"|(?P<cjk_year>\d{4}) ?[\u5e74\ub144] ?(?P<cjk_month>\d{1,2}) ?[\u6708\uc6d4] ?"
    r"(?P<cjk_day>\d{1,2}) ?[\u65e5\uc77c]"
    rf"|\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})\b"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th|er)?\.? (?:de )?(?P<month2>{_MONTH}) (?:de )?"
    r"(?P<year2>\d{4})\b",
    re.IGNORECASE,
)
#: The month of a written month name, by its first letters (``jui``: French June and
#: July, told apart by the fourth letter).
_MONTHS: Final = {
    "jan": 1, "ene": 1, "gen": 1, "feb": 2, "fev": 2, "mar": 3, "maa": 3, "apr": 4,
    "avr": 4, "abr": 4, "may": 5, "mag": 5, "mai": 5, "mei": 5, "jun": 6, "giu": 6,
    "juin": 6, "jul": 7, "juil": 7, "lug": 7, "aug": 8, "aou": 8, "ago": 8, "sep": 9,
    "set": 9, "oct": 10, "okt": 10, "ott": 10, "out": 10, "nov": 11, "dec": 12, "dez": 12,
    "dic": 12,
}  # fmt: skip


def iso_date(match: re.Match[str]) -> str:
    """The ``YYYY-MM-DD`` of a :data:`DATE_RE` match, or ``""`` when it cannot be told:
    ``03/04/2025`` (month or day first?), a two-digit year, no such day.

    >>> [iso_date(DATE_RE.search(text)) for text in ("Nov 19, 2025", "3. März 2025",
    ...     "19 de noviembre de 2025", "19.11.2025", "11/19/2025", "03/04/2025", "1 juil. 2024")]
    ['2025-11-19', '2025-03-03', '2025-11-19', '2025-11-19', '2025-11-19', '', '2024-07-01']
    >>> [iso_date(DATE_RE.search(text)) for text in ("4 de outubro de 2025", "4 maart 2025")]
    ['2025-10-04', '2025-03-04']
    >>> [iso_date(DATE_RE.search(text)) for text in ("\u5165\u529b 2025.03.04 10:30",
    ...     "2025/3/4", "2025\u5e743\u67084\u65e5", "2025\ub144 3\uc6d4 4\uc77c")]
    ['2025-03-04', '2025-03-04', '2025-03-04', '2025-03-04']
    """
    parts = match.groupdict()
    if parts["iso"]:
        year, month, day = (int(part) for part in parts["iso"].split("-"))
    elif parts["y_first"] or parts["cjk_year"]:
        year = int(parts["y_first"] or parts["cjk_year"])
        month = int(parts["y_month"] or parts["cjk_month"])
        day = int(parts["y_day"] or parts["cjk_day"])
    elif parts["ab_year"]:
        a, b, year = int(parts["a"]), int(parts["b"]), int(parts["ab_year"])
        if parts["sep"] == ".":
            day, month = a, b  # 19.11.2025: day first, as where dots are written
        elif (a > 12) == (b > 12):
            return ""  # 03/04/2025: either
        else:
            month, day = (b, a) if a > 12 else (a, b)
    else:
        name = parts["month"] or parts["month2"]
        day = int(parts["day"] or parts["day2"])
        year = int(parts["year"] or parts["year2"])
        folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        month = _MONTHS.get(folded[:4], _MONTHS.get(folded[:3], 0))
    if year < 1000:
        return ""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return ""


#: The region of a listing grows from the items' parent to an ancestor while the
#: ancestor holds at most this many times the text: the list's own heading and
#: introduction come in, the page around it does not.
_REGION_GROWTH: Final = 1.5


def _is_card(page: Page, element: etree._Element) -> bool:
    """A teaser: a short element that leads with a link or holds a link list."""
    stats = page.stats[element]
    if stats.total > _MAX_CARD or element.tag in HEADINGS or element.tag == "p":
        return False
    if stats.blocks >= 2 and stats.link_blocks >= 1:
        return True
    return leads_with_link(page, element)


def leads_with_link(page: Page, element: etree._Element) -> bool:
    """Whether *element*'s first block opens with a link (a teaser's headline).

    A linked term that the block goes on to explain does not count.
    """
    first = page.blocks[page.stats[element].first]
    return (
        first.starts_with_link and first.link_length >= _MIN_CARD_LINK and not _defines_term(first)
    )


def _defines_term(block: Block) -> bool:
    """Whether *block* is a linked term and its explanation (``Selenium: a tool to ...``).

    Such list items are content (a glossary, a guide's list of tools, a "next
    steps" list whose sentences open with the linked page's short name); a
    teaser's headline link is longer, and followed by a summary, not by a colon
    or a dash.
    """
    if block.link_density > MAX_PROSE_LINKS:
        return False
    if is_prose(block) and block.link_length <= _MAX_TERM:
        return True  # the link is a sentence's subject ("Creating modules explains ...")
    seen = 0
    text = block.text
    for at, char in enumerate(text):
        if seen >= block.link_length:
            return text[at:].lstrip()[:1] in _TERM_SEPARATORS
        seen += not char.isspace()
    return False


#: A link's gloss: a separator, then words (``: an online course on ...``).
_GLOSS_RE: Final = re.compile(rf"\s*[{re.escape(''.join(sorted(_TERM_SEPARATORS)))}]\s+\w")
#: Words of letters a gloss has at least (a teaser's date, "- December 16, 2019", is
#: no gloss).
_GLOSS_WORDS: Final = 3
_LETTERS_RE: Final = re.compile(r"[^\W\d_]+")


def glossed_links(page: Page, group: list[etree._Element]) -> bool:
    """Whether every card of *group* is a list item of one line: a link, then a
    separator and what the link leads to in a few words of its own
    (``<li><a>Negotiation for beginners, a course</a>: free, online, with a
    workshop</li>``).

    :func:`_defines_term` lets a short linked term through one item at a time; an
    article's list of resources may link long titles, and reads as such as a whole.
    A teaser names a post, its excerpt set apart in a block of its own, its date
    after a dash no gloss.
    """
    return len(group) >= 2 and all(_glossed_link(page, card) for card in group)


def _glossed_link(page: Page, card: etree._Element) -> bool:
    blocks = page.blocks_of(card)
    link = next(card.iter("a"), None)
    if card.tag != "li" or len(blocks) != 1 or link is None:
        return False
    name = spoken(link)
    text = blocks[0].text
    if not name or not text.startswith(name):
        return False
    rest = text[len(name) :]
    return _GLOSS_RE.match(rest) is not None and len(_LETTERS_RE.findall(rest)) >= _GLOSS_WORDS


def dated(page: Page, element: etree._Element) -> bool:
    """Whether *element* carries a date: a ``<time>`` element or a date written out.

    A card with a date is a post's teaser (news, a blog's latest entries),
    not one of the features or services a page offers.
    """
    if next(element.iter("time"), None) is not None:
        return True
    return any(DATE_RE.search(block.text) for block in page.blocks_of(element))


def card_groups(page: Page) -> list[list[etree._Element]]:
    """Every run of at least :data:`MIN_CARDS` cards of one signature under one parent."""
    found: list[list[etree._Element]] = []
    for kids in page.children.values():
        if len(kids) < MIN_CARDS:
            continue
        groups: dict[tuple[str, str], list[etree._Element]] = {}
        for child in kids:
            if _is_card(page, child):
                groups.setdefault(box_signature(child), []).append(child)
        found.extend(members for members in groups.values() if len(members) >= MIN_CARDS)
    return found


def item_region(
    page: Page,
    groups: list[list[etree._Element]],
    excluded: dict[etree._Element, bool | None],
    shown: dict[etree._Element, bool | None] | None = None,
) -> tuple[etree._Element, list[etree._Element]] | None:
    """The element holding a listing's items and the items, or ``None`` without card groups.

    The largest group by text, outside the *excluded* elements (furniture),
    gives the items, with the other groups of its signature when the element
    holding them all is mostly their cards (:func:`_same_cards`); the region is
    their parent, grown to ancestors that add little around it (the list's
    heading, a sort bar). With *shown* (the elements inside furniture that is not so
    only by a name saying how it is shown), the other groups of that signature may
    stand in such boxes: a listing's sections each in a box named for its header.
    """
    alike = [group for group in groups if not (shown or excluded)[group[0]]]
    groups = [group for group in groups if not excluded[group[0]]]
    if not groups:
        return None
    best = max(groups, key=lambda group: sum(page.stats[member].total for member in group))
    region = page.parent[best[0]]
    if region is None:
        return None
    best, region = _same_cards(page, alike, best, region)
    while (up := page.parent[region]) is not None and (
        page.stats[up].total <= _REGION_GROWTH * page.stats[region].total
    ):
        region = up
    return region, best


def _same_cards(
    page: Page,
    groups: list[list[etree._Element]],
    best: list[etree._Element],
    region: etree._Element,
) -> tuple[list[etree._Element], etree._Element]:
    """The cards of every group sharing *best*'s signature, and the element holding them.

    A listing split into sections (a category's "top rated", then its kinds of
    recipe) repeats one card under each section's heading: all of them are the
    items (a guide's bare ``<li>`` lists too: menus are furniture and left out).
    """
    kind = box_signature(best[0])
    same = [group for group in groups if box_signature(group[0]) == kind]
    if len(same) < 2:
        return best, region
    cards = [card for group in same for card in group]
    holder = _common_ancestor([group[0] for group in same])
    if sum(page.stats[card].total for card in cards) < _SAME_CARDS_SHARE * page.stats[holder].total:
        return best, region
    return cards, holder


def _heading(element: etree._Element) -> str:
    """The text of the first heading in *element*, folded for comparison ("" without one)."""
    heading = next(element.iter(*HEADINGS), None)
    if heading is None:
        return ""
    return spoken(heading).casefold()


def titled_article(posts: list[etree._Element], title: str) -> etree._Element | None:
    """The one of *posts* that the page is titled after, when they are articles of their
    own: each has a heading, and no heading repeats or holds another (a thread's
    replies are headed "Re: " and its title). A page that runs one article after
    another (an investigation's earlier parts, the next story loaded below) is about
    the one its title names."""
    folded = " ".join(title.split()).casefold()
    headings = [_heading(post) for post in posts]
    if not folded or not all(headings):
        return None
    for at, heading in enumerate(headings):
        if any(heading in other for other in headings[:at] + headings[at + 1 :]):
            return None
    named = [post for post, heading in zip(posts, headings, strict=True) if heading in folded]
    return named[0] if len(named) == 1 else None


def dropped_articles(
    page: Page, container: etree._Element, title: str = "", *, discussion: bool = False
) -> tuple[set[etree._Element], list[etree._Element]]:
    """The ``<article>`` elements in the container that are not its content, and the posts.

    Of the outermost articles, the one with the most prose of its own (outside
    the articles it repeats) is kept and, when at least :data:`_MIN_POSTS`
    articles share its signature and hold, besides it, at least half its
    prose (the posts of a thread, the entries of a digest), all of those too;
    the others are teasers or comments. Inside a kept article, articles
    repeated side by side (teasers at the end of a post) go; a single one (a
    post's body) stays. Text outside every inner article
    (an introduction, a standfirst) stays. The posts kept together come second
    (none when the main article stands alone). Posts that are articles of their own,
    one of them titled like the page (:func:`titled_article`), are not a thread:
    that one is kept. A thread's opening post rendered in a template of its own, right
    before its replies, is one of the posts (:func:`_with_starter`). On a page whose
    metadata says it is a *discussion*, every outermost article sharing the main one's
    signature is a post, from two (:data:`_MIN_DISCUSSION_POSTS`: a question and its
    one answer).
    """
    inner = [element for element in container.iterdescendants("article") if element in page.stats]
    if len(inner) < 2:
        return set(), []
    members = set(inner)
    outer: dict[etree._Element, etree._Element | None] = {
        element: next((up for up in element.iterancestors("article") if up in members), None)
        for element in inner
    }
    nested: dict[tuple[etree._Element, tuple[str, str]], list[etree._Element]] = {}
    for element in inner:
        parent = outer[element]
        if parent is not None:
            nested.setdefault((parent, box_signature(element)), []).append(element)
    repeated = [group for group in nested.values() if len(group) >= 2]
    own = {element: page.stats[element].prose for element in inner}
    for group in repeated:
        for element in group:
            parent = outer[element]
            if parent is not None:
                own[parent] -= page.stats[element].prose
    dropped: set[etree._Element] = set()
    posts: list[etree._Element] = []
    top = [element for element in inner if outer[element] is None]
    if len(top) >= 2:
        main = max(top, key=own.__getitem__)
        peers = [element for element in top if box_signature(element) == box_signature(main)]
        others = sum(own[peer] for peer in peers) - own[main]
        least, share = (_MIN_DISCUSSION_POSTS, 0.0) if discussion else (_MIN_POSTS, _POSTS_SHARE)
        if len(peers) >= least and others >= share * own[main]:
            posts = peers
            titled = titled_article(peers, title)
            if titled is not None and all(
                page.stats[peer].prose_blocks >= _OWN_ARTICLE_BLOCKS for peer in peers
            ):
                main, posts = titled, []
            else:
                posts = _with_starter(page, top, posts)
        dropped.update(set(top) - set(posts or [main]))
    for group in repeated:
        dropped.update(group)
    return dropped, posts


def _with_starter(
    page: Page, top: list[etree._Element], posts: list[etree._Element]
) -> list[etree._Element]:
    """The *posts* of a thread and, before them, its opening post when the page renders
    it apart: the outermost article (of *top*, in document order) right before the
    first post, of another signature, holding prose (forum software gives the
    question a template of its own, and its replies another)."""
    at = top.index(posts[0])
    if at == 0:
        return posts
    starter = top[at - 1]
    if box_signature(starter) == box_signature(posts[0]) or not page.stats[starter].prose_blocks:
        return posts
    return [starter, *posts]


def post_chrome(page: Page, posts: list[etree._Element]) -> set[etree._Element]:
    """What frames each of a thread's *posts*: everything beside its message.

    A post's message is the smallest element holding all of its prose; what
    sits beside it on the way up to the post (the author's name, rank, join
    date and post count, the post's date and reaction bar) frames every post
    alike and is not what was said. A post without prose (a one-line reply) keeps
    its one inner ``<article>``, its body, when it has one, and is left whole
    otherwise.
    """
    chrome: set[etree._Element] = set()
    for post in posts:
        owners = [block.owner for block in page.blocks_of(post) if is_prose(block)]
        if owners:
            message = _common_ancestor(owners)
        elif (body := _post_body(page, post)) is not None:
            message = body
        else:
            continue
        while message is not post:
            up = page.parent[message]
            if up is None:
                break
            chrome.update(kid for kid in page.children[up] if kid is not message)
            message = up
    return chrome


def _post_body(page: Page, post: etree._Element) -> etree._Element | None:
    """The one ``<article>`` inside *post*, if it holds exactly one with text: the message
    of a post whose message is too short to be prose (a one-line reply), marked up as
    the post's body beside its author box."""
    bodies = [inner for inner in post.iterdescendants("article") if inner in page.stats]
    return bodies[0] if len(bodies) == 1 else None


def _common_ancestor(elements: list[etree._Element]) -> etree._Element:
    """The deepest element holding every one of *elements* (or being it)."""
    first = elements[0]
    path = [first, *first.iterancestors()]
    deepest = 0
    for element in elements[1:]:
        line = {element, *element.iterancestors()}
        deepest = next(at for at in range(deepest, len(path)) if path[at] in line)
    return path[deepest]
