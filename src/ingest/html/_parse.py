"""HTML bytes to an lxml tree: charset declarations, decoding, parsing, depth safety.

The hot path is ``lxml.html`` (libxml2 building its own tree): about ten times
faster than building a BeautifulSoup tree. BeautifulSoup does the work that
path cannot:

* libxml2's tree builder stops at a fixed nesting depth (2,048 levels even with
  ``huge_tree``) and *silently* drops everything after that point. The parser's
  error log is checked for that, and such pages are re-parsed by BeautifulSoup
  on the lxml parser: it drives libxml2 through its event interface, which has
  no depth limit, and builds its own tree;
* markup lxml rejects outright (``Document is empty`` for a page that is only a
  comment, or whose first comment is never closed) goes to BeautifulSoup's
  ``html.parser``, which recovers what text there is. Python 3.11's html.parser
  is quadratic on runs of unclosed tags (CVE-2025-6069), so a ``<`` that is not
  closed before the next ``<`` is escaped first; the deep-page path above never
  uses html.parser;
* callers may hand in a ``BeautifulSoup`` object they already hold.

A soup is converted to an lxml tree by :func:`soup_to_tree`, iteratively, so
the extractor has one tree type to work on. Nesting deeper than a limit is
flattened there into line-separated text: the structure past that depth is
lost, the text is not.
"""

from __future__ import annotations

import re
from typing import Final

import attrs
import lxml.html
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction
from bs4.exceptions import ParserRejectedMarkup
from lxml import etree

from ..core import CHECK_EVERY, Deadline, Decoded, Problem, decode
from ._blocks import BLOCK_TAGS, writable

__all__ = [
    "Parsed",
    "decode_page",
    "find_declarations",
    "parse_soup",
    "parse_text",
    "soup_to_tree",
]

#: How far into the bytes to look for ``<meta charset>`` and ``http-equiv``. The
#: HTML standard's prescan looks at 1,024 bytes; real pages often put the
#: declaration after long inline scripts, so the window is wider.
_PRESCAN_BYTES: Final = 16 * 1024

#: BOM-less UTF-16 is sniffed from this many leading bytes: when at least 40 % of
#: the odd (or even) bytes are NUL and at most 5 % of the others.
_SNIFF_BYTES: Final = 4096
_MIN_SNIFF_PAIRS: Final = 8
_UTF16_NULS: Final = 0.4
_STRAY_NULS: Final = 0.05

_META_CHARSET_RE: Final = re.compile(
    rb"""<meta\s[^>]{0,512}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_HTTP_EQUIV_RE: Final = re.compile(rb"""http-equiv\s*=\s*["']?content-type""", re.IGNORECASE)
_XML_DECL_BYTES_RE: Final = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_CONTENT_TYPE_CHARSET_RE: Final = re.compile(
    r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
#: An XML declaration names an encoding the text no longer has (it is decoded);
#: html.parser would keep it as text, so it is dropped.
_XML_DECL_TEXT_RE: Final = re.compile(r"^\ufeff?(\s*<\?xml[^>]*\?>)+")

#: libxml2 reports the nesting limit with this error before dropping the rest.
_DEPTH_LIMIT_ERROR: Final = etree.ErrorTypes.ERR_RESOURCE_LIMIT

#: Elements that end a line when flattening structure past the depth limit.
_LINE_TAGS: Final = BLOCK_TAGS | {"br"}

#: A ``<`` whose tag is not closed before the next ``<``: escaped before html.parser
#: sees it (runs of them are quadratic there, CVE-2025-6069). Each match looks
#: ahead only to the next ``<`` or ``>``, so the scan is linear.
_UNCLOSED_TAG_RE: Final = re.compile(r"<(?=[^<>]*(?:<|\Z))")

_SKIPPED_STRINGS: Final = (Comment, Declaration, Doctype, ProcessingInstruction, CData)


@attrs.frozen
class Parsed:
    """A parsed page.

    Attributes:
        root: The ``<html>`` element of an lxml tree.
        parser: Which parser built it: ``"lxml"``, ``"bs4:lxml"`` (nesting past
            libxml2's limit), ``"bs4:html.parser"`` (markup lxml rejects) or
            ``"bs4:caller"`` (a soup passed in by the caller).
        problems: What went wrong and was recovered from (depth limit, flattening).
    """

    root: lxml.html.HtmlElement
    parser: str
    problems: tuple[Problem, ...] = ()


def find_declarations(data: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """The charset declarations of a page, most authoritative first.

    BOM-less UTF-16, recognised by its NUL bytes, comes first (HTML never holds
    NULs, so the bytes outweigh any label); then an HTTP ``Content-Type`` from
    the caller, the page's own ``http-equiv`` or ``<meta charset>``, and an XML
    declaration.

    >>> find_declarations(b'<meta charset="shift_jis"><p>', "text/html; charset=UTF-8")
    [('http', 'UTF-8'), ('meta', 'shift_jis')]
    """
    found: list[tuple[str, str]] = []
    sniffed = _sniff_utf16(data)
    if sniffed:
        found.append(("sniff", sniffed))
    if content_type:
        header = _CONTENT_TYPE_CHARSET_RE.search(content_type)
        if header:
            found.append(("http", header.group(1)))
    head = data[:_PRESCAN_BYTES]
    meta = _META_CHARSET_RE.search(head)
    if meta:
        tag = head[meta.start() : head.find(b">", meta.end()) + 1 or len(head)]
        origin = "http-equiv" if _HTTP_EQUIV_RE.search(tag) else "meta"
        found.append((origin, meta.group(1).decode("ascii")))
    xml = _XML_DECL_BYTES_RE.match(head)
    if xml:
        found.append(("xml", xml.group(1).decode("ascii")))
    return found


def _sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes interleave NULs as BOM-less UTF-16 does.

    HTML text never holds NUL bytes, but ASCII written as UTF-16 has one in
    every other byte; such bytes are valid UTF-8 too, so without this the page
    would decode as ``<\x00h\x00t\x00...``.

    >>> _sniff_utf16("<html><p>Hi</p></html>".encode("utf-16-le")), _sniff_utf16(b"<html>")
    ('utf-16-le', None)
    """
    head = data[:_SNIFF_BYTES]
    pairs = len(head) // 2
    if pairs < _MIN_SNIFF_PAIRS:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= _UTF16_NULS * pairs and even <= _STRAY_NULS * pairs:
        return "utf-16-le"
    if even >= _UTF16_NULS * pairs and odd <= _STRAY_NULS * pairs:
        return "utf-16-be"
    return None


def _sanitize(text: str) -> str:
    return writable(_XML_DECL_TEXT_RE.sub("", text, count=1))


def decode_page(data: bytes, content_type: str | None, source: str, *, strict: bool) -> Decoded:
    """Decode page bytes with the page's own and the caller's declarations."""
    return decode(
        data, declared=find_declarations(data, content_type), source=source, strict=strict
    )


def parse_text(
    text: str, *, source: str, max_depth: int, deadline: Deadline | None = None
) -> Parsed:
    """Parse decoded page text: lxml first, BeautifulSoup where lxml loses text."""
    text = _sanitize(text)
    # Parse UTF-8 bytes with the encoding forced: lxml refuses a str that carries an
    # XML encoding declaration, and must not obey a <meta charset> of text already decoded.
    parser = lxml.html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError:
        # libxml2 found no element at all (empty page, only a comment): let
        # html.parser recover whatever there is.
        markup = _UNCLOSED_TAG_RE.sub("&lt;", text)
        try:
            soup = BeautifulSoup(markup, "html.parser")
        except ParserRejectedMarkup:
            # html.parser asserts on some declarations and marked sections
            # (``<![sDATA[``: "unknown status keyword"): escaped, they are text.
            soup = BeautifulSoup(markup.replace("<!", "&lt;!"), "html.parser")
        return _from_soup(
            soup, "bs4:html.parser", source=source, max_depth=max_depth, deadline=deadline
        )
    if any(error.type == _DEPTH_LIMIT_ERROR for error in parser.error_log):
        problem = Problem(
            "html-depth-limit",
            "libxml2 stopped at its nesting limit and would have dropped the rest of the "
            "page; re-parsed with BeautifulSoup on lxml's event parser",
            source,
        )
        if deadline is not None:
            deadline.check("after parsing with lxml")
        soup = BeautifulSoup(text, "lxml")
        return _from_soup(
            soup,
            "bs4:lxml",
            source=source,
            max_depth=max_depth,
            problem=problem,
            deadline=deadline,
        )
    _adopt_strays(root)
    return Parsed(root, "lxml")


def _adopt_strays(root: etree._Element) -> None:
    """Move what libxml2 left beside *root* into its body, as browsers read it.

    Markup after ``</html>`` (a CMS that prints its template's closing tags, then
    the article) becomes a second top-level ``<html>`` element in libxml2's
    document, outside the root the extractor reads; an HTML5 parser, like every
    browser, puts it in the body. Its ``<head>`` and ``<body>`` are unwrapped.
    """
    strays = [node for node in root.itersiblings() if isinstance(node.tag, str)]
    if not strays:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")

    def adopt(text: str | None) -> None:
        if text and text.strip():
            _append_text(body, text, body[-1] if len(body) else None)

    for stray in strays:
        adopt(stray.text)
        for child in list(stray):
            if child.tag in {"head", "body"}:
                adopt(child.text)
                body.extend(list(child))
                adopt(child.tail)
            else:
                body.append(child)


def _append_text(parent: etree._Element, text: str, last: etree._Element | None) -> None:
    """Add *text* after *last*, *parent*'s last child, or to its text when it has none."""
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _from_soup(
    soup: BeautifulSoup,
    parser: str,
    *,
    source: str,
    max_depth: int,
    problem: Problem | None = None,
    deadline: Deadline | None = None,
) -> Parsed:
    root, flattened = soup_to_tree(soup, max_depth=max_depth, deadline=deadline)
    problems = [problem] if problem else []
    return Parsed(root, parser, tuple(problems + _flattened(flattened, source)))


def parse_soup(
    soup: BeautifulSoup, *, source: str, max_depth: int, deadline: Deadline | None = None
) -> Parsed:
    """Convert a caller's soup to the lxml tree the extractor works on."""
    return _from_soup(soup, "bs4:caller", source=source, max_depth=max_depth, deadline=deadline)


def _flattened(count: int, source: str) -> list[Problem]:
    if not count:
        return []
    return [
        Problem(
            "html-nesting-flattened",
            f"{count} elements were nested deeper than max_depth; their text was kept "
            "as lines of the nearest shallower element (raise HtmlOptions.max_depth "
            "to keep more structure)",
            source,
        )
    ]


def _xml_name(name: str) -> str | None:
    return name if _NAME_RE.fullmatch(name) else None


_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


class _TextSink:
    """Appends text at the tree's insertion point in one write per run.

    Setting ``.text``/``.tail`` copies the whole string, so appending piece by
    piece would be quadratic on long runs (100,000 flattened spans); and
    ``len(element)`` walks the children, so the last child of each element is
    remembered instead of looked up.
    """

    def __init__(self) -> None:
        self.parent: etree._Element | None = None
        self.pieces: list[str] = []
        self.last_child: dict[etree._Element, etree._Element] = {}

    def add(self, parent: etree._Element, text: str) -> None:
        if parent is not self.parent:
            self.flush()
            self.parent = parent
        self.pieces.append(text)

    def flush(self) -> None:
        parent, text = self.parent, "".join(self.pieces)
        self.pieces.clear()
        if parent is None or not text:
            return
        _append_text(parent, text, self.last_child.get(parent))

    def child(self, parent: etree._Element, tag: str) -> etree._Element:
        """Append a new element, after any text still pending."""
        self.flush()
        self.parent = None
        element = etree.SubElement(parent, tag)
        self.last_child[parent] = element
        return element


def soup_to_tree(
    soup: BeautifulSoup | Tag, *, max_depth: int, deadline: Deadline | None = None
) -> tuple[lxml.html.HtmlElement, int]:
    """Build an lxml ``<html>`` tree from a soup, without recursion.

    Elements deeper than *max_depth* are not created: their text is appended,
    in document order, to the deepest created ancestor, with a ``<br>`` where a
    block element began or ended. Returns the root and how many elements were
    flattened. The *deadline*, if any, is checked every :data:`CHECK_EVERY` nodes.

    >>> soup = BeautifulSoup("<div><p>a<div>b</div>c</p></div>d", "html.parser")
    >>> root, flat = soup_to_tree(soup, max_depth=2)
    >>> etree.tostring(root, encoding=str), flat
    ('<html><body><div><p>a<br/>b<br/>c</p></div>d</body></html>', 1)
    """
    root: lxml.html.HtmlElement = lxml.html.Element("html")
    body = etree.SubElement(root, "body")
    # Map each soup Tag (by id) to (its lxml element, its depth below body).
    created: dict[int, tuple[etree._Element, int]] = {id(soup): (body, 0)}
    flattened = 0
    flat_blocks: set[int] = set()
    sink = _TextSink()
    for count, node in enumerate(soup.descendants):
        if deadline is not None and not count % CHECK_EVERY:
            deadline.check("while converting the BeautifulSoup tree")
        parent = node.parent
        if parent is None:
            continue
        target, depth = created.get(id(parent), (body, 0))
        if isinstance(node, NavigableString):
            if isinstance(node, _SKIPPED_STRINGS):
                continue
            before = node.previous_sibling
            if isinstance(before, Tag) and id(before) in flat_blocks:
                sink.child(target, "br")  # a flattened block ended here
            sink.add(target, _sanitize(str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name.lower()
        if name in {"html", "body", "head"} and depth == 0:
            created[id(node)] = (body if name != "head" else _head(root), 0)
            if name == "html":
                _copy_attributes(node, root)  # lang, for the metadata
            continue
        if depth >= max_depth:
            flattened += 1
            if name in _LINE_TAGS:
                sink.child(target, "br")
                flat_blocks.add(id(node))
            created[id(node)] = (target, depth)
            continue
        element = sink.child(target, _xml_name(name) or "span")
        _copy_attributes(node, element)
        created[id(node)] = (element, depth + 1)
    sink.flush()
    return root, flattened


def _copy_attributes(node: Tag, element: etree._Element) -> None:
    for key, value in node.attrs.items():
        text = " ".join(value) if isinstance(value, list) else str(value)
        try:
            element.set(key, _sanitize(text))
        except ValueError:
            continue  # a name XML cannot hold (``a"b``, ``xml:lang``): it carries no text


def _head(root: etree._Element) -> etree._Element:
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)  # before <body>: no text is pending at the root
    return head
