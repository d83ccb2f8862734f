"""An lxml tree to text blocks: the unit the extractor scores and renders.

A *block* is the run of text between two block-level boundaries (the start or
end of a ``<p>``, ``<div>``, ``<li>``, heading, table cell...). Each block knows
the innermost block element that owns it, how much of its text sits inside
links, and where ``<br>`` broke its lines. The walk is one pass of
``lxml.etree.iterwalk``: no recursion, so depth costs nothing but time.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

import attrs
from lxml import etree

from ..core import CHECK_EVERY, Deadline

__all__ = ["BLOCK_TAGS", "HEADINGS", "Block", "split_blocks", "spoken", "writable"]

#: Headings (a button inside one, or around one, is its text: :func:`_heading_toggle`).
HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements whose text is never shown to a reader.
SKIP_TAGS: Final = frozenset(
    {
        "audio", "button", "canvas", "datalist", "embed", "head", "iframe", "input", "link",
        "map", "math", "meta", "noscript", "object", "option", "script", "select", "source",
        "style", "svg", "template", "textarea", "title", "track", "video",
    }
)  # fmt: skip

#: Elements that start and end a block of text.
BLOCK_TAGS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

_HIDDEN_STYLE_RE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: A date and time in ISO 8601 form (``2019-01-21T21:40:59.62Z+00:00``): written for
#: programs, not for readers.
_MACHINE_TIME_RE: Final = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)*", re.IGNORECASE
)
#: Han and kana: written without spaces, one character carries about a word.
#: (Hangul is written with spaces between words and counts as letters do.)
_WIDE_RE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_MARKUP_RE: Final = re.compile(r"<[a-zA-Z!/][^>]*>")
#: A client-side template's expression, ``{{ errors[117].message }}``: a placeholder
#: that a script fills in, shown raw when it does not.
_TEMPLATE_RE: Final = re.compile(r"\{\{[^{}]*\}\}")
#: How many blocks of one expression, numbers aside, make it a template's.
_TEMPLATE_REPEATS: Final = 3
_NUMBER_RE: Final = re.compile(r"\d+")
#: Zero-width space: not whitespace to ``str.split``, but a word break on the page.
_ZWSP: Final = "\u200b"
#: Characters libxml2 would turn into U+FFFD and that lxml refuses in strings it
#: builds (C0 controls except tab, line feed and carriage return, U+FFFE, U+FFFF)
#: become spaces. Lone surrogates (possible in a caller's str) cannot be encoded:
#: U+FFFD instead. Applied to the decoded page before parsing, and again to the
#: tree's text, where character references (``&#19;``, ``&#65535;``) put them.
_INVALID_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def writable(text: str) -> str:
    """*text* with what lxml and UTF-8 cannot hold replaced.

    C0 controls (but tab and line ends) become spaces, lone surrogates U+FFFD.

    >>> writable("a\\x00b\\ud800c") == "a b\\ufffdc"
    True
    """
    return _INVALID_RE.sub(_replacement, text)


def spoken(element: etree._Element) -> str:
    """*element*'s text as a reader hears it: its pieces joined, every run of white
    space one space.

    >>> import lxml.html
    >>> spoken(lxml.html.fragment_fromstring("<p> Seven   <b>Likes</b> </p>"))
    'Seven Likes'
    """
    return " ".join("".join(str(piece) for piece in element.itertext()).split())


def _replacement(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "


@attrs.define(slots=True)
class Block:
    """One run of text between block boundaries.

    Attributes:
        lines: The block's lines (``<br>`` breaks them), whitespace normalised.
        owner: The innermost block-level element the text belongs to.
        length: Characters of text, spaces excluded.
        link_length: Characters inside ``<a href>`` links, spaces excluded.
        index: Position in document order.
        starts_with_link: Whether the block's first text is inside a link.
        is_markup: Whether the text is markup left raw (``<img src=...>`` in a
            ``<noscript>`` that a broken page left as text, a template's unfilled
            ``{{ ... }}`` expressions: :func:`_unfilled_templates`).
        wide: Han and kana characters, each of which carries about as much as
            a word of three letters.
    """

    lines: list[str]
    owner: etree._Element
    length: int
    link_length: int
    index: int
    starts_with_link: bool = False
    is_markup: bool = False
    wide: int = 0

    @property
    def weight(self) -> int:
        """The length with Han and kana counted three times, for length thresholds."""
        return self.length + 2 * self.wide

    @property
    def link_density(self) -> float:
        """The share of the block's characters that sit inside links."""
        return self.link_length / self.length if self.length else 0.0

    @property
    def text(self) -> str:
        """The block's lines joined by spaces."""
        return " ".join(self.lines)


def is_hidden(element: etree._Element, *, aria: bool = True) -> bool:
    """Whether the markup itself hides *element* (``hidden``, ``display:none``), or with
    *aria*, hides it from screen readers (``aria-hidden="true"``).

    >>> import lxml.html
    >>> is_hidden(lxml.html.fragment_fromstring('<p style="display: none">x</p>'))
    True
    >>> is_hidden(lxml.html.fragment_fromstring('<p aria-hidden="true">x</p>'), aria=False)
    False
    """
    if element.get("hidden") is not None or (aria and element.get("aria-hidden") == "true"):
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


def machine_time(element: etree._Element) -> bool:
    """Whether *element* is a ``<time>`` whose text is an ISO 8601 timestamp: the
    machine-readable copy of a date the page shows readers in words beside it (a
    thread's comments, each with a ``<time class="d-none">`` for its metadata).

    >>> import lxml.html
    >>> machine_time(lxml.html.fragment_fromstring("<time>2019-01-21T21:40:59.62Z+00:00</time>"))
    True
    >>> machine_time(lxml.html.fragment_fromstring("<time>21 January 2019</time>"))
    False
    """
    return element.tag == "time" and bool(
        _MACHINE_TIME_RE.fullmatch((element.text or "").strip()) and not len(element)
    )


#: Microdata naming a post's votes (schema.org ``upvoteCount``, ``downvoteCount``).
_VOTES: Final = frozenset({"upvoteCount", "downvoteCount"})
_COUNT_RE: Final = re.compile(r"[+-]?[\d.,]+[km]?", re.IGNORECASE)


def vote_count(element: etree._Element) -> bool:
    """Whether *element* is a post's vote count, declared so in the page's microdata
    (``<div itemprop="upvoteCount">467</div>``): a score beside an answer or a
    comment, not something said in the thread.

    >>> import lxml.html
    >>> vote_count(lxml.html.fragment_fromstring('<div itemprop="upvoteCount">-2</div>'))
    True
    >>> vote_count(lxml.html.fragment_fromstring('<div itemprop="text">467 votes</div>'))
    False
    """
    return (
        element.get("itemprop") in _VOTES
        and not len(element)
        and bool(_COUNT_RE.fullmatch((element.text or "").strip()))
    )


#: A counter's text is at most this long ("7 Likes", "1,204 views").
_COUNTER_CHARS: Final = 30
_DIGIT_RE: Final = re.compile(r"\d")


def interaction_count(element: etree._Element) -> bool:
    """Whether *element* is a counter that the page's microdata declares (schema.org
    ``interactionStatistic``, an ``InteractionCounter``): a post's likes or a
    thread's views ("7 Likes"), a tally of what readers did, not something said.

    >>> import lxml.html
    >>> interaction_count(lxml.html.fragment_fromstring(
    ...     '<div itemprop="interactionStatistic"><span>7 Likes</span></div>'))
    True
    >>> interaction_count(lxml.html.fragment_fromstring('<p itemprop="text">7 Likes</p>'))
    False
    """
    if element.get("itemprop") != "interactionStatistic":
        return False
    text = spoken(element)
    return len(text) <= _COUNTER_CHARS and bool(_DIGIT_RE.search(text))


def quote_control(element: etree._Element) -> bool:
    """Whether *element* is a control inside a quotation: a script's button (``role=
    "button"``, no link target) that unfolds a reply's quote ("Click to expand..."), or
    a placeholder link (``<a>`` with no target, name or id) that folds it again
    ("Click to shrink...").

    >>> import lxml.html
    >>> quote = lxml.html.fragment_fromstring(
    ...     "<blockquote><p>All cameras are Leicas now.</p><div><a role='button'>"
    ...     "Click to expand...</a><a>Click to shrink...</a><a name='n1'>1</a></div>"
    ...     "</blockquote>")
    >>> [quote_control(element) for element in quote.iter("p", "a")]
    [False, True, True, False]
    """
    return (
        element.get("href") is None
        and (element.get("role") == "button" or _placeholder(element))
        and next(element.iterancestors("blockquote"), None) is not None
    )


def _placeholder(element: etree._Element) -> bool:
    """Whether *element* is a link with no target, name or id: a script's handle."""
    return element.tag == "a" and element.get("name") is None and element.get("id") is None


#: A quotation's source line is at most this long ("Poltergust said:").
_SOURCE_CHARS: Final = 80


def quote_source(block: Block) -> bool:
    """Whether *block* is the line heading a quotation with its source: a link to the
    post quoted that introduces its words ("Poltergust said:", "Zitat von X:").

    A reply quotes the post it answers and says whose words they are; the line is
    a link (a jump to the post) ending with a colon, and the quotation begins with it.

    >>> import lxml.html
    >>> page = lxml.html.fromstring(
    ...     "<div><blockquote><div><a href='/p/7'>Poltergust said:</a></div>"
    ...     "<div>Do I unlock psychic powers?</div></blockquote></div>")
    >>> [quote_source(block) for block in split_blocks(page)]
    [True, False]
    """
    text = block.text
    if len(text) > _SOURCE_CHARS or not text.endswith(":"):
        return False
    owner = block.owner
    quote = owner if owner.tag == "blockquote" else next(owner.iterancestors("blockquote"), None)
    if quote is None:
        return False
    said = spoken(quote)
    return said.startswith(text)


def controlled_ids(root: etree._Element) -> set[str]:
    """The ids of the elements that a control on the page shows and hides (``aria-controls``).

    An accordion's panels and a tab list's panels are hidden until their button
    is pressed: collapsed, one click from the reader, not hidden from them.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<div><button aria-controls="a b">x</button></div>')
    >>> sorted(controlled_ids(page))
    ['a', 'b']
    """
    return {
        name
        for control in root.iterfind(".//*[@aria-controls]")
        for name in (control.get("aria-controls") or "").split()
    }


#: An accordion's answer: at least this many characters, at most this share in links.
_MIN_PANEL: Final = 50
_MAX_PANEL_LINKS: Final = 0.3
#: Its question: a visible element of at most this many characters just before it.
_MAX_QUESTION: Final = 300
#: Answers of one signature, side by side or one in each of a run of like items.
_MIN_PANELS: Final = 3


def folded_panels(root: etree._Element) -> set[etree._Element]:
    """The hidden answers of accordions that name no controls (a FAQ toggled by a script).

    Each answer is hidden (``display:none``, ``hidden``) and holds prose (50
    characters or more, under a third of them in links), right after a short
    visible element, its question; three or more of one signature (tag and
    first class) sit side by side or one in each of a run of like items. Such
    answers are one click from the reader, as the panels of
    :func:`controlled_ids` are; a menu's hidden submenus are links, not prose.

    >>> import lxml.html
    >>> item = '<div class="q"><h3>Why?</h3><div style="display:none">{}</div></div>'
    >>> page = lxml.html.fromstring("<div>" + item.format("Because " * 9) * 3 + "</div>")
    >>> len(folded_panels(page))
    3
    """
    groups: dict[tuple[object, ...], list[etree._Element]] = {}
    styled = [*root.iterfind(".//*[@style]"), *root.iterfind(".//*[@hidden]")]
    for element in dict.fromkeys(styled):
        parent = element.getparent()
        if parent is None or not _answers(element):
            continue
        kind = _kind(element)
        groups.setdefault((kind, parent), []).append(element)
        above = parent.getparent()
        if above is not None:
            groups.setdefault((kind, above, _kind(parent)), []).append(element)
    return {
        element for members in groups.values() if len(members) >= _MIN_PANELS for element in members
    }


def _kind(element: etree._Element) -> tuple[str, str]:
    """The tag and first class name: what the answers (or items) of one accordion share."""
    return str(element.tag), (element.get("class") or "").split(" ")[0]


def _chars(element: etree._Element) -> int:
    """The non-space characters of *element*'s text."""
    return sum(len("".join(str(piece).split())) for piece in element.itertext())


def _answers(element: etree._Element) -> bool:
    """Whether *element* is hidden, holds prose and follows a short visible question."""
    if not is_hidden(element, aria=False):
        return False
    question = element.getprevious()
    while question is not None and not isinstance(question.tag, str):
        question = question.getprevious()
    if question is None or question.tag in SKIP_TAGS or is_hidden(question, aria=False):
        return False  # a script before a streamed page's hidden part is no question
    asked = _chars(question)
    if not 0 < asked <= _MAX_QUESTION:
        return False
    text = _chars(element)
    linked = sum(_chars(link) for link in element.iter("a"))
    return text >= _MIN_PANEL and linked <= _MAX_PANEL_LINKS * text


#: A class word naming a control styled as a button (``btn-primary``, ``add_to_cart_button``).
_BUTTON_RE: Final = re.compile(r"(?:^|[\s_-])(?:btn|button)(?:$|[\s_-])")
#: A button's label is at most this many characters (a card wrapped in a link
#: styled as a button is more).
_MAX_BUTTON: Final = 40


def _button(element: etree._Element) -> bool:
    """Whether *element* is a control styled as a button: named so by a class word or by
    ``role="button"``, holding no block element (it may be one) and at most
    :data:`_MAX_BUTTON` characters ("Quick view", "Add to cart", "Compare").

    >>> import lxml.html
    >>> _button(lxml.html.fragment_fromstring('<a class="btn btn-small" href="/q">Quick view</a>'))
    True
    >>> _button(lxml.html.fragment_fromstring('<a class="card-button"><h3>A title</h3></a>'))
    False
    """
    names = (element.get("class") or "").lower()
    if not _BUTTON_RE.search(names) and (element.get("role") or "").lower() != "button":
        return False
    if element.tag in {"body", "html", "main", "article"}:
        return False
    if next(element.iterdescendants(*BLOCK_TAGS), None) is not None:
        return False
    return _chars(element) <= _MAX_BUTTON


def _normalise(raw: str) -> list[str]:
    """Split at ``\n`` (from ``<br>`` or ``<pre>``) and collapse each line's whitespace.

    ``str.split`` knows every Unicode space (no-break, ideographic, line and
    paragraph separators), and is several times faster than a regex.
    """
    if _ZWSP in raw:
        raw = raw.replace(_ZWSP, " ")
    lines = []
    for piece in raw.split("\n"):
        words = piece.split()
        if words:
            lines.append(" ".join(words))
    return lines


def _verbatim(raw: str) -> list[str]:
    """The non-blank lines of preformatted text, indentation kept, line ends stripped.

    >>> _verbatim("\\ndef f():\\n    return 1\\n")
    ['def f():', '    return 1']
    """
    if _ZWSP in raw:
        raw = raw.replace(_ZWSP, " ")
    return [line.rstrip() for line in raw.split("\n") if line.strip()]


class _Splitter:
    """The state of one walk: the open block and the stacks around it."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.owners: list[etree._Element] = []  # innermost block element last
        self.link_depth = 0
        self.pre_depth = 0
        self.length = 0  # non-space characters of the open block
        self.link_length = 0
        self.starts_with_link = False
        # an inline element (an ``<a>``) ended and no text came since: see _apart
        self.inline_closed = self.link_closed = False

    def add(self, text: str | None) -> None:
        if not text:
            return
        self.link_closed = self.inline_closed = False
        text = writable(text)  # as the same characters written raw were, before parsing
        if not self.pre_depth:
            text = text.replace("\n", " ")
        self.pieces.append(text)
        visible = sum(map(len, text.split()))
        if not self.length and visible:
            self.starts_with_link = bool(self.link_depth)
        self.length += visible
        if self.link_depth:
            self.link_length += visible

    def flush(self) -> None:
        if self.length and self.owners:
            raw = "".join(self.pieces)
            lines = _verbatim(raw) if self.pre_depth else _normalise(raw)
            if lines:
                length = sum(len(line) - line.count(" ") - line.count("\t") for line in lines)
                self.blocks.append(
                    Block(
                        lines,
                        self.owners[-1],
                        length,
                        min(self.link_length, length),
                        len(self.blocks),
                        self.starts_with_link,
                        bool(_MARKUP_RE.match(lines[0])),
                        sum(len(_WIDE_RE.findall(line)) for line in lines),
                    )
                )
        self.pieces.clear()
        self.length = self.link_length = 0
        self.starts_with_link = self.link_closed = self.inline_closed = False

    def start(self, element: etree._Element, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.flush()
            self.owners.append(element)
            self.pre_depth += tag == "pre"
        elif tag == "br":
            self.pieces.append("\n")
        else:
            if self._apart(element, tag):
                self.pieces.append(" ")
            self.link_depth += tag == "a" and element.get("href") is not None
        self.add(element.text)

    def _apart(self, element: etree._Element, tag: str) -> bool:
        """Whether inline *element*, written right after another, starts a new word.

        Two links are two words (a tag list, facets, a rating's stars, spaced by
        style sheets), and so are two elements where a lowercase letter meets a
        capital (a tile's ``<span>Gregory</span><span>Paragon 68 Pack</span>``, a
        brand and its product's name set on two lines), outside ``<pre>``. A word
        is split across styled elements often (a drop cap's ``<span>I</span>f``,
        an ordinal's ``3<sup>rd</sup>``, a badge doubled for two screen sizes,
        ``NEWNEW``), across two link targets or from lower case into a capital
        hardly ever.
        """
        if not self.inline_closed or not self.pieces or self.pre_depth:
            return False
        last = self.pieces[-1][-1:]
        return not last.isspace() and (
            (tag == "a" and self.link_closed)
            or (last.islower() and (element.text or "")[:1].isupper())
        )

    def end(self, element: etree._Element, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.flush()
            self.owners.pop()
            self.pre_depth -= tag == "pre"
        elif tag == "a":
            self.link_depth -= element.get("href") is not None
        self.add(element.tail)
        if tag not in BLOCK_TAGS and tag != "br" and not element.tail:
            self.inline_closed = True
            self.link_closed = self.link_closed or tag == "a"


def _heading_toggle(element: etree._Element) -> bool:
    """Whether *element* is a button whose label is a heading, which is its text.

    An accordion marks each question up as a heading holding a button that opens
    its answer (``<h3><button aria-expanded="false" aria-controls="a1">How long does
    it take?</button></h3>``, the ARIA pattern): the button's label is the heading.
    Other accordions put the heading inside the button (``<button><h3>How long can I
    rent it?</h3><svg/></button>``): HTML allows only phrasing content there, so a
    heading in a button is the title of the section that the button unfolds, what
    the page itself marks as a heading, whatever the button says of its state.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<h3><button aria-expanded="false">Why?</button></h3>')
    >>> [b.text for b in split_blocks(page)]
    ['Why?']
    >>> page = lxml.html.fromstring('<div><button><h3>How?</h3></button><p>So.</p></div>')
    >>> [b.text for b in split_blocks(page)]
    ['How?', 'So.']
    """
    if element.tag != "button":
        return False
    parent = element.getparent()
    if parent is not None and parent.tag in HEADINGS:
        return element.get("aria-expanded") is not None or element.get("aria-controls") is not None
    return next(element.iter(*HEADINGS), None) is not None


#: Elements skipped in every walk: code, styles, metadata, media, form controls'
#: values. (The strict walk also skips ``noscript``, ``button`` and hidden elements.)
ALWAYS_SKIP: Final = SKIP_TAGS - {"noscript", "button"}


def split_blocks(
    root: etree._Element,
    *,
    deadline: Deadline | None = None,
    reveal: bool = False,
    aria: bool = True,
    buttons: bool = True,
) -> list[Block]:
    """The text blocks of *root*'s subtree, in document order.

    Hidden elements and those in :data:`SKIP_TAGS` are skipped with their
    subtrees (their tail text, which belongs to the parent, is kept), except
    collapsed panels that a control on the page shows (:func:`controlled_ids`) and
    tab panels (``role="tabpanel"``): one click from the reader, not hidden; without
    *aria*, an element hidden only from screen readers (``aria-hidden``) is shown;
    without *buttons*, a control styled as a button (:func:`_button`) is skipped.
    Two links written with nothing between them (``<a>Co-op</a><a>Strategy</a>``),
    or two inline elements where a lowercase letter meets a capital, are two words
    (:meth:`_Splitter._apart`).
    The *deadline*, if any, is checked every :data:`CHECK_EVERY` events of the walk.

    >>> import lxml.html
    >>> page = lxml.html.fromstring("<div><p>One <a href='/x'>link</a><br>two</p>tail</div>")
    >>> [(b.lines, b.owner.tag, b.link_length) for b in split_blocks(page)]
    [(['One link', 'two'], 'p', 4), (['tail'], 'div', 0)]
    >>> page = lxml.html.fromstring("<p><a href='/t/a'>Co-op</a><a href='/t/b'>Strategy</a></p>")
    >>> [b.lines for b in split_blocks(page)]
    [['Co-op Strategy']]
    >>> page = lxml.html.fromstring("<h3><span>Gregory</span><span>Paragon</span></h3>")
    >>> [b.lines for b in split_blocks(page)]
    [['Gregory Paragon']]
    """
    splitter = _Splitter()
    collapsed = set() if reveal else controlled_ids(root)
    folded = set() if reveal else folded_panels(root)
    walker = etree.iterwalk(root, events=("start", "end"))
    skipped: set[etree._Element] = set()
    skip = ALWAYS_SKIP if reveal else SKIP_TAGS
    for count, (event, element) in enumerate(walker):
        if deadline is not None and not count % CHECK_EVERY:
            deadline.check("while splitting the page into blocks")
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if (
                (tag in skip and not _heading_toggle(element))
                or (
                    not reveal
                    and is_hidden(element, aria=aria)
                    and element.get("id") not in collapsed
                    and element.get("role") != "tabpanel"
                    and element not in folded
                )
                or (not buttons and _button(element))
                or (tag == "time" and machine_time(element))
                or vote_count(element)
                or interaction_count(element)
                or quote_control(element)
            ):
                skipped.add(element)
                walker.skip_subtree()
            else:
                splitter.start(element, tag)
        elif element in skipped:
            skipped.discard(element)
            splitter.add(element.tail)
        else:
            splitter.end(element, tag)
    splitter.flush()
    return _unfilled_templates(splitter.blocks)


def _unfilled_templates(blocks: list[Block]) -> list[Block]:
    """*blocks* with those that are a template's unfilled expression marked as markup.

    A page built by a client-side framework prints a placeholder per item that a
    script fills in (``{{ DiscussionBoard.errors[11793116].message }}`` under each
    post of a thread); saved before the script ran, or when it has nothing to say,
    the raw expression is left as text. A block whose every line is one such
    expression, outside ``<pre>``, repeated (numbers aside) in
    :data:`_TEMPLATE_REPEATS` blocks or more, is markup: one expression alone may
    be a documentation page's example of the syntax, kept.
    """
    shapes = {
        block.index: _NUMBER_RE.sub("0", block.text)
        for block in blocks
        if "{{" in block.text
        and block.owner.tag != "pre"
        and all(_TEMPLATE_RE.fullmatch(line) for line in block.lines)
    }
    counts = Counter(shapes.values())
    templated = {index for index, shape in shapes.items() if counts[shape] >= _TEMPLATE_REPEATS}
    if not templated:
        return blocks
    return [
        attrs.evolve(block, is_markup=True) if block.index in templated else block
        for block in blocks
    ]
