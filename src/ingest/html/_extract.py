"""HTML pages to documents: decode, parse, read metadata, extract the main content.

The stages live in their own modules: ``_parse`` (bytes to an lxml tree),
``_meta`` (title, author, dates... from meta tags, OpenGraph and JSON-LD),
``_blocks`` (tree to text blocks), ``_page`` (per-element totals over the
blocks), ``_strategy`` (which blocks are the main content, by page type, with
``_content``, ``_items`` and ``_kind``) and ``_markdown``. This module holds
the options and the one public function. ``docs/html.md`` explains the
rules and the parser choice.
"""

from __future__ import annotations

import unicodedata
from typing import Final

import attrs
from bs4 import BeautifulSoup

from ..core import (
    Deadline,
    Document,
    HtmlError,
    LimitError,
    MetaValue,
    Problem,
    flag,
    integer,
    number,
    one_of,
)
from ._kind import Evidence, microdata_discussion, sells
from ._markdown import to_markdown
from ._meta import byline, read_meta
from ._parse import Parsed, decode_page, parse_soup, parse_text
from ._strategy import extract_article

__all__ = ["HtmlOptions", "extract_html"]

_DEFAULT_MAX_BYTES: Final = 32 * 1024 * 1024
_DEFAULT_MAX_ELEMENTS: Final = 500_000
_DEFAULT_MAX_DEPTH: Final = 512
_DEFAULT_TIME_BUDGET: Final = 10.0
_UNNAMED: Final = "<html>"
#: What :func:`extract_html` can give as the document's text.
OUTPUTS: Final = ("text", "markdown")


def _larger(default: int) -> str:
    return f"use {default!r} (the default) or a larger number"


@attrs.frozen
class HtmlOptions:
    """How :func:`extract_html` reads a page. Derive variants with :func:`attrs.evolve`.

    >>> HtmlOptions(max_depth=0)
    Traceback (most recent call last):
    ...
    ingest.OptionsError: HtmlOptions.max_depth must be an integer >= 1, got 0; \
use 512 (the default) or a larger number

    Attributes:
        max_bytes: The largest input accepted, in bytes (for ``str`` input, in
            characters). Larger pages raise :class:`ingest.LimitError` before any
            work is done. The default, 32 MiB, is far above any real article.
        max_elements: The most elements a parsed page may have. Work and memory
            grow with the element count, and markup can pack an element into
            eight bytes; pages over the limit raise :class:`ingest.LimitError`.
            Real articles have a few thousand.
        max_depth: Element nesting kept when a page is re-parsed with
            BeautifulSoup (pages nested deeper than libxml2's limit, and soups
            passed in). Deeper elements are flattened into lines of text, so
            their text is kept, their structure is not.
        time_budget: Seconds of CPU time (of the calling thread) that one page
            may take, or ``None`` for no budget. It is checked between the
            stages of the work and inside the loops over the tree; a page that
            uses it up raises :class:`ingest.LimitError`. The size limits bound
            the work already; this is the backstop for input that is slow in a
            way they do not foresee. The default, 10 s, is a thousand times what
            a real article takes.
        strict: Raise instead of recovering: a charset declaration the bytes
            contradict raises :class:`ingest.DecodeError`, a page without
            article text raises :class:`ingest.HtmlError`. Off by default:
            both become ``Document.problems``.
        json_ld_fallback: Use JSON-LD ``articleBody`` when the page's markup
            yields almost no article text.
        output: ``"text"`` (one paragraph, heading or list item per line) or
            ``"markdown"`` (headings, lists, tables and code blocks marked up,
            blank lines between blocks, link targets dropped).
    """

    max_bytes: int = attrs.field(
        default=_DEFAULT_MAX_BYTES, validator=integer(1, hint=_larger(_DEFAULT_MAX_BYTES))
    )
    max_elements: int = attrs.field(
        default=_DEFAULT_MAX_ELEMENTS, validator=integer(1, hint=_larger(_DEFAULT_MAX_ELEMENTS))
    )
    max_depth: int = attrs.field(
        default=_DEFAULT_MAX_DEPTH, validator=integer(1, hint=_larger(_DEFAULT_MAX_DEPTH))
    )
    time_budget: float | None = attrs.field(
        default=_DEFAULT_TIME_BUDGET,
        validator=number(
            0,
            optional=True,
            hint=f"seconds: use {_DEFAULT_TIME_BUDGET!r} (the default), a larger number, "
            "or None for no budget",
        ),
    )
    strict: bool = attrs.field(default=False, validator=flag)
    json_ld_fallback: bool = attrs.field(default=True, validator=flag)
    output: str = attrs.field(
        default="text", validator=one_of(OUTPUTS, hint="use 'text' (the default) for plain text")
    )


def extract_html(
    data: bytes | str | BeautifulSoup,
    *,
    url: str | None = None,
    content_type: str | None = None,
    options: HtmlOptions | None = None,
    output: str | None = None,
) -> Document:
    """Extract the article of an HTML page as a :class:`Document`.

    *data* is the page as fetched (``bytes``, decoded with the page's own and
    the caller's charset declarations), as text, or a ``BeautifulSoup`` the
    caller already parsed. *url* is where the page came from (it names the
    document and resolves a relative canonical URL); *content_type* is the
    HTTP ``Content-Type`` header, whose charset outranks the page's own.
    *output*, if given, overrides :attr:`HtmlOptions.output`: ``"text"`` or
    ``"markdown"``. What kind of page it is (``article``, ``forum``,
    ``product``, ``service``, ``listing``, ``collection``, ``documentation``)
    goes to ``meta["page_type"]``.

    >>> page = b'''<html lang="en"><head><title>Rain due | Daily Planet</title>
    ... <meta property="og:site_name" content="Daily Planet"></head><body>
    ... <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    ... <article><h1>Rain due</h1>
    ... <p>Forecasters expect rain across the region from Thursday, ending a dry month.</p>
    ... <p>Farmers welcomed the news after weeks without a drop.</p></article>
    ... <aside class="most-read"><a href="/x">Ten things about clouds</a></aside></body></html>'''
    >>> doc = extract_html(page, url="https://planet.example/rain")
    >>> print(doc.title)
    Rain due
    >>> print(doc.text)
    Forecasters expect rain across the region from Thursday, ending a dry month.
    Farmers welcomed the news after weeks without a drop.
    >>> doc.meta["language"], doc.meta["site_name"], doc.meta["encoding_rule"]
    ('en', 'Daily Planet', 'utf-8')
    """
    opts = options or HtmlOptions()
    if output is not None:
        opts = attrs.evolve(opts, output=output)
    source = url or _UNNAMED
    meta: dict[str, MetaValue] = {}
    problems: list[Problem] = []
    deadline = Deadline(opts.time_budget, source=source)
    if isinstance(data, BeautifulSoup):
        parsed = parse_soup(data, source=source, max_depth=opts.max_depth, deadline=deadline)
        doc_source = "<soup>"
    elif isinstance(data, bytes | str):
        _check_size(data, opts, source)
        if isinstance(data, bytes):
            decoded = decode_page(data, content_type, source, strict=opts.strict)
            meta.update(decoded.meta())
            problems.extend(decoded.problems)
            text, doc_source = decoded.text, "<bytes>"
            deadline.check("after decoding")
        else:
            text, doc_source = data, "<str>"
        parsed = parse_text(text, source=source, max_depth=opts.max_depth, deadline=deadline)
    else:
        raise TypeError(
            "extract_html() takes bytes, str or a BeautifulSoup object, "
            f"got {type(data).__name__}; decode or parse the page first"
        )
    return _document(
        parsed,
        meta,
        problems,
        url=url,
        content_type=content_type,
        opts=opts,
        source=source,
        doc_source=doc_source,
        deadline=deadline,
    )


def _check_size(data: bytes | str, opts: HtmlOptions, source: str) -> None:
    if len(data) > opts.max_bytes:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        raise LimitError(
            f"the page is {len(data)} {unit}, over the limit of {opts.max_bytes}; "
            "raise HtmlOptions.max_bytes to read it",
            source=source,
        )


def _document(
    parsed: Parsed,
    meta: dict[str, MetaValue],
    problems: list[Problem],
    *,
    url: str | None,
    content_type: str | None,
    opts: HtmlOptions,
    source: str,
    doc_source: str,
    deadline: Deadline,
) -> Document:
    problems.extend(parsed.problems)
    deadline.check("after parsing")
    elements = int(parsed.root.xpath("count(//*)"))
    if elements > opts.max_elements:
        raise LimitError(
            f"the page has {elements} elements, over the limit of {opts.max_elements}; "
            "raise HtmlOptions.max_elements to read it",
            source=source,
        )
    page = read_meta(parsed.root, url=url, source=source)
    problems.extend(page.problems)
    deadline.check("after reading the metadata")
    extraction = extract_article(
        parsed.root,
        title=page.title,
        json_ld_body=page.article_body if opts.json_ld_fallback else "",
        product_description=page.product_description if opts.json_ld_fallback else "",
        hints=Evidence(
            schema_types=frozenset(page.schema_types) | microdata_discussion(parsed.root),
            og_type=page.og_type,
            dated=bool(page.published),
            cart=sells(parsed.root),
        ),
        deadline=deadline,
    )
    if not extraction.lines:
        message = "no article text found in the page; check that it is an article, not an index"
        if opts.strict:
            raise HtmlError(message, source=source)
        problems.append(Problem("no-article-text", message, source))
    fields: dict[str, MetaValue] = {
        "url": url,
        "content-type": content_type,
        "canonical_url": page.canonical_url,
        "site_name": page.site_name,
        # A byline names an article's author where its metadata does not (elsewhere, a
        # name marked as an author's is a post's, a review's or a team member's).
        "author": page.author or (byline(parsed.root) if extraction.page_type == "article" else ""),
        "published": page.published or extraction.published,
        "modified": page.modified,
        "language": page.language,
        "description": page.description,
        "parser": parsed.parser,
        "extraction": extraction.method,
        "container": extraction.container,
        "page_type": extraction.page_type,
    }
    meta.update({key: value for key, value in fields.items() if value})
    text = "\n".join(extraction.lines)
    if opts.output == "markdown":
        # Blocks as markdown, then lines from JSON-LD, one paragraph each.
        parts = (
            [to_markdown(extraction.blocks), *extraction.appended]
            if extraction.blocks
            else list(extraction.lines)
        )
        text = "\n\n".join(part for part in parts if part)
    # Composed characters (NFC, as the W3C character model asks of web text): a page
    # written in decomposed form ("u" and a combining diaeresis for "ü", as macOS
    # saves names) would otherwise split words for every \w-based tool downstream.
    return Document(
        name=url or _UNNAMED,
        text=unicodedata.normalize("NFC", text),
        title=unicodedata.normalize("NFC", page.title),
        meta=meta,
        source=doc_source,
        problems=tuple(problems),
    )
