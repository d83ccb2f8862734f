"""Article metadata from a page's ``<head>``, OpenGraph tags and JSON-LD.

Each field has an ordered list of sources; the first non-empty one wins. JSON-LD
is read defensively: invalid or absurdly nested blocks are skipped and reported,
never raised.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Final
from urllib.parse import urljoin

import attrs
from lxml import etree

from ..core import Problem
from ._blocks import writable

__all__ = ["PageMeta", "byline", "clean_title", "normalize_date", "read_meta"]

#: Schema.org types whose JSON-LD object describes the article itself.
_ARTICLE_TYPES: Final = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
        "liveblogposting", "techarticle", "scholarlyarticle", "report", "posting",
    }
)  # fmt: skip

#: Separators between an article title and the site name in ``<title>``.
_TITLE_SEPARATOR_RE: Final = re.compile(r"\s+[|\-\u2013\u2014:\u00b7\u2022/»«]+\s+")
_SPACE_RE: Final = re.compile(r"\s+")
_DATE_ONLY_RE: Final = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_OFFSET_RE: Final = re.compile(r"([+-]\d{2})(\d{2})$")
#: Schema.org types of one product on sale, whose ``description`` the extractor checks.
_PRODUCT_TYPES: Final = frozenset({"product", "productgroup", "individualproduct"})
#: At most this many JSON-LD objects are inspected per page.
_MAX_JSON_OBJECTS: Final = 2000
#: A class naming an element for the author or the byline, as a word of it
#: (``author``, ``post-author``, ``authors--author``, ``byline``), not a comment's.
_BYLINE_CLASS_RE: Final = re.compile(r"(?<![a-z])(?<!comment-)(?:authors?|byline)(?![a-z])")
#: What a byline says before the name: "By", "Written by", "Author:", in several languages.
_BY_RE: Final = re.compile(
    r"^(?:(?:written|posted|words|story|reviewed|authored|article|text|photos?)\s+by|by|von|"
    r"par|por|di|door|av|af|przez|"
    r"autor(?:in)?|author|auteur|escrito por|[ée]crit par)\b[:\s]*",
    re.IGNORECASE,
)
#: Elements marked as an author's tried before giving up.
_MAX_BYLINES: Final = 20
#: A name has at most this many characters and words.
_MAX_NAME: Final = 60
_MAX_NAME_WORDS: Final = 6
#: Elements that hold no byline (nor do their descendants): the page's head, scripts and
#: navigation. Not a ``<footer>``: an ``<article>``'s footer is where HTML5 puts its author.
_NOT_BYLINE_TAGS: Final = frozenset({"script", "style", "head", "title", "meta", "nav"})


@attrs.frozen
class PageMeta:
    """What the page says about itself; every field is ``""`` when unknown.

    Attributes:
        title: The article title, the site's name stripped.
        author: Author names, comma-separated.
        published: Publication date-time in ISO 8601.
        modified: Last modification date-time in ISO 8601.
        canonical_url: The canonical URL, absolute when a base URL was known.
        site_name: The publication's name.
        language: The page's language as the primary subtag of its language
            tag, lower-cased (``en`` for ``en-GB``, ``pt`` for ``pt_BR``).
        description: The page's summary.
        article_body: JSON-LD ``articleBody`` (used by the extractor, not in meta).
        product_description: The longest JSON-LD ``Product`` ``description``
            (used by the extractor, not in meta).
        schema_types: Every JSON-LD ``@type`` on the page, lower-cased, sorted
            (used to tell the page type).
        og_type: The OpenGraph ``og:type``, lower-cased.
        problems: JSON-LD blocks that could not be read, a canonical URL
            that could not be resolved.
    """

    title: str = ""
    author: str = ""
    published: str = ""
    modified: str = ""
    canonical_url: str = ""
    site_name: str = ""
    language: str = ""
    description: str = ""
    article_body: str = ""
    product_description: str = ""
    schema_types: tuple[str, ...] = ()
    og_type: str = ""
    problems: tuple[Problem, ...] = ()


def _norm(text: str | None) -> str:
    # JSON-LD strings may hold escaped NULs and lone surrogates ("\\ud800").
    return _SPACE_RE.sub(" ", writable(text or "")).strip()


def _first(*values: str | None) -> str:
    for value in values:
        cleaned = _norm(value)
        if cleaned:
            return cleaned
    return ""


def normalize_date(value: str) -> str:
    """An ISO 8601 rendering of a date as pages write it, or ``""``.

    >>> normalize_date("2019-11-19T10:00:00Z"), normalize_date("2019/11/19")
    ('2019-11-19T10:00:00+00:00', '2019-11-19')
    >>> normalize_date("Tue, 19 Nov 2019 10:00:00 +0100"), normalize_date("soon")
    ('2019-11-19T10:00:00+01:00', '')
    """
    text = _norm(value)
    if not text:
        return ""
    date_only = _DATE_ONLY_RE.match(text)
    if date_only:
        year, month, day = (int(part) for part in date_only.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC).date().isoformat()
        except ValueError:
            return ""
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    candidate = _OFFSET_RE.sub(r"\1:\2", candidate)
    try:
        return datetime.fromisoformat(candidate).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _language(value: str) -> str:
    """The primary subtag of a language tag, lower-cased: ``pt-BR`` and ``pt_BR`` are ``pt``."""
    primary = re.split(r"[-_,;\s]", _norm(value), maxsplit=1)[0].lower()
    return primary if primary.isascii() and primary.isalpha() and len(primary) <= 8 else ""


def clean_title(title: str, site_name: str, headline: str = "") -> str:
    """Strip a site name that ``<title>`` adds before or after the article title.

    >>> clean_title("Rates rise again | The Daily Planet", "The Daily Planet")
    'Rates rise again'
    >>> clean_title("Rates rise again - Planet", "", headline="Rates rise again")
    'Rates rise again'
    >>> clean_title("Covid-19 - what we know", "")
    'Covid-19 - what we know'
    """
    parts = _TITLE_SEPARATOR_RE.split(title)
    if len(parts) < 2:
        return title
    site = site_name.casefold()
    if headline and headline in parts:
        return headline
    if site:
        kept = [part for part in parts if part.casefold() != site]
        if len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0] if kept else title
    # Without a known site name: drop one short trailing segment ("... | CNN").
    last = parts[-1]
    if len(last.split()) <= 3 and len(last) * 3 < len(title) and not headline:
        return title[: title.rfind(last)].rstrip(" |-\u2013\u2014:\u00b7\u2022/»«")
    return title


def _json_objects(data: object) -> Iterator[dict[str, object]]:
    """The JSON objects in *data*, breadth-first, without recursion.

    At most ``_MAX_JSON_OBJECTS`` containers are visited, so a hostile block
    (a list of a million objects) costs no more than a normal one.

    >>> [obj["n"] for obj in _json_objects([{"n": 1, "c": {"n": 2}}, [{"n": 3}]])]
    [1, 2, 3]
    """
    queue: deque[object] = deque([data])
    for _ in range(_MAX_JSON_OBJECTS):
        if not queue:
            return
        item = queue.popleft()
        values = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict):
            yield item
        if isinstance(values, Iterable) and len(queue) < _MAX_JSON_OBJECTS:
            queue.extend(
                islice(
                    (value for value in values if isinstance(value, dict | list)),
                    _MAX_JSON_OBJECTS,
                )
            )


def _types(obj: dict[str, object]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.casefold() for v in values if isinstance(v, str)}


def _names(value: object) -> list[str]:
    """Names in a JSON-LD person/organization value (string, object or list)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        if isinstance(item, str):
            names.append(_norm(item))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str):
                names.append(_norm(name))
    return [name for name in names if name and not name.startswith("http")]


def _text(value: object) -> str:
    return _norm(value) if isinstance(value, str) else ""


def _read_json_ld(
    root: etree._Element, source: str
) -> tuple[dict[str, str], set[str], list[Problem]]:
    found: dict[str, str] = {}
    problems: list[Problem] = []
    all_types: set[str] = set()
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError as exc:
            problems.append(
                Problem(
                    "json-ld-invalid", f"a JSON-LD block is not valid JSON ({exc}); skipped", source
                )
            )
            continue
        except RecursionError:
            # The C scanner checks its own depth and raises cleanly: a hostile block.
            problems.append(
                Problem(
                    "json-ld-invalid", "a JSON-LD block nests too deeply to read; skipped", source
                )
            )
            continue
        for obj in _json_objects(data):
            types = _types(obj)
            all_types |= types
            if types & _ARTICLE_TYPES:
                _article_fields(obj, found)
            elif "website" in types or "organization" in types or "newsmediaorganization" in types:
                found.setdefault("site_name", _text(obj.get("name")))
            elif types & _PRODUCT_TYPES:
                text = obj.get("description")
                if isinstance(text, str) and len(text) > len(found.get("product", "")):
                    found["product"] = text
    return {key: value for key, value in found.items() if value}, all_types, problems


def _article_fields(obj: dict[str, object], found: dict[str, str]) -> None:
    def put(key: str, value: str) -> None:
        if value and not found.get(key):
            found[key] = value

    put("title", _text(obj.get("headline")) or _text(obj.get("name")))
    put("author", ", ".join(dict.fromkeys(_names(obj.get("author")))))
    put("published", _text(obj.get("datePublished")))
    put("modified", _text(obj.get("dateModified")))
    put("description", _text(obj.get("description")))
    put("language", _text(obj.get("inLanguage")))
    url = obj.get("url") or obj.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id")
    put("url", _text(url))
    publisher = _names(obj.get("publisher"))
    put("site_name", publisher[0] if publisher else "")
    body = obj.get("articleBody")
    if isinstance(body, str) and len(body) > len(found.get("article_body", "")):
        found["article_body"] = body


def _element_text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(str(piece) for piece in element.itertext())


def byline(root: etree._Element) -> str:
    """The author a page's byline names when its metadata names none: the first element
    marked as the author (``rel="author"``, ``itemprop="author"``, a class named for the
    author or byline: ``author-name``, ``post-author``, ``byline``) whose text is a short
    name, without its "By" or "Written by" (in several languages).

    >>> page = etree.fromstring("<div><p class='byline'>By Jane Doe</p><p>Text.</p></div>")
    >>> byline(page)
    'Jane Doe'
    """
    tried = 0
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_BYLINE_TAGS:
            continue
        classes = (element.get("class") or "").lower()
        marked = (
            element.get("rel") == "author"
            or element.get("itemprop") == "author"
            or _BYLINE_CLASS_RE.search(classes) is not None
        )
        if not marked or any(up.tag in _NOT_BYLINE_TAGS for up in element.iterancestors()):
            continue
        tried += 1
        if tried > _MAX_BYLINES:
            break  # a byline comes early; nested "author" boxes would cost their text each
        name = _BY_RE.sub("", _norm(_element_text(element))).strip(" ,:|-\u2013\u2014")
        short = 2 < len(name) <= _MAX_NAME and len(name.split()) <= _MAX_NAME_WORDS
        if short and not any(ch.isdigit() or ch in "@/" for ch in name):
            return name
    return ""


def read_meta(root: etree._Element, *, url: str | None, source: str) -> PageMeta:
    """Collect :class:`PageMeta` from a parsed page."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        equiv = (meta.get("http-equiv") or "").strip()
        key = (key or equiv).lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content
    links: dict[str, str] = {}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href")
        for name in rel:
            if href and name not in links:
                links[name] = href
    ld, schema_types, problems = _read_json_ld(root, source)

    title_element = root.find(".//title")
    page_title = _norm(_element_text(title_element))
    headline = _norm(_element_text(next(root.iter("h1"), None)))
    site_name = _first(
        metas.get("og:site_name"), ld.get("site_name"), metas.get("application-name")
    )
    title = _first(
        metas.get("og:title"), ld.get("title"), metas.get("twitter:title"), headline, page_title
    )
    title = clean_title(title, site_name, headline if headline != title else "")

    authors = [
        metas.get("author"),
        ld.get("author"),
        metas.get("article:author"),
        metas.get("dc.creator"),
        metas.get("byl"),
        metas.get("parsely-author"),
    ]
    author = _first(*(a for a in authors if a and not a.startswith("http")))
    published = ""
    for candidate in (
        metas.get("article:published_time"),
        ld.get("published"),
        metas.get("datepublished"),
        metas.get("pubdate"),
        metas.get("publish-date"),
        metas.get("date"),
        metas.get("dc.date"),
        metas.get("dc.date.issued"),
        metas.get("parsely-pub-date"),
        next((t.get("datetime") for t in root.iter("time") if t.get("datetime")), None),
    ):
        published = normalize_date(candidate or "")
        if published:
            break
    modified = normalize_date(
        _first(metas.get("article:modified_time"), ld.get("modified"), metas.get("datemodified"))
    )
    canonical = _first(links.get("canonical"), metas.get("og:url"), ld.get("url"))
    if canonical and url:
        try:
            canonical = urljoin(url, canonical)
        except ValueError as error:  # "Invalid IPv6 URL": an unclosed "[" in the host
            problems.append(
                Problem(
                    "bad-url",
                    f"the canonical URL {canonical!r} cannot be resolved against {url!r} "
                    f"({error}); kept as the page gives it",
                    source,
                )
            )
    language = _language(
        _first(
            root.get("lang"),
            root.get("xml:lang"),
            metas.get("content-language"),
            metas.get("language"),
            ld.get("language"),
            metas.get("og:locale"),
        )
    )
    description = _first(
        metas.get("description"), metas.get("og:description"), metas.get("twitter:description"),
        ld.get("description"),
    )  # fmt: skip
    return PageMeta(
        title=title,
        author=author,
        published=published,
        modified=modified,
        canonical_url=canonical,
        site_name=site_name,
        language=language,
        description=description,
        article_body=writable(ld.get("article_body", "")),
        product_description=writable(ld.get("product", "")),
        schema_types=tuple(sorted(writable(kind) for kind in schema_types)),
        og_type=_norm(metas.get("og:type")).lower(),
        problems=tuple(problems),
    )
