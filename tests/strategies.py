"""Hypothesis strategies shared by the test suite (one place, as in attrs' tests)."""

from __future__ import annotations

from typing import Final

from hypothesis import strategies as st

from ingest import Document

#: Unicode scalar values: any character but lone surrogates (UTF-8 cannot hold them).
scalar_chars: Final = st.characters(codec="utf-8")
#: The same without control characters, for names and header values people type.
printable_chars: Final = st.characters(codec="utf-8", exclude_categories=["Cc"])

#: Text with any Unicode scalar value (no lone surrogates, which cannot be encoded).
any_text = st.text(scalar_chars)

#: Document names: non-empty, any characters but control characters.
names = st.text(printable_chars, min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)

meta_keys = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True)

documents = st.builds(
    Document,
    name=names,
    text=any_text,
    title=st.text(scalar_chars, max_size=40),
)

#: Meta of user keys (no provenance keys) with string values, as a bundle header keeps them.
user_meta = st.dictionaries(
    meta_keys.filter(
        lambda k: (
            k not in {"name", "id", "title", "length", "encoding", "line", "offset", "size"}
            and not k.startswith("encoding_")
        )
    ),
    st.text(scalar_chars, max_size=20),
    max_size=3,
)

documents_with_meta = st.builds(
    Document,
    name=names,
    text=any_text,
    title=st.text(scalar_chars, max_size=40),
    meta=user_meta,
) | st.builds(
    Document,
    name=names,
    text=any_text,
    meta=user_meta,
    id=st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True),
)

_header_lines = st.sampled_from(
    [
        b"<<<FILE a.txt>>>",
        b"<<<FILE b.txt>>>\r",
        b"<<<FILE>>>",
        b"<<<FILE a.txt",
        b'<<<FILE name="q\\x">>>',
        b'<<<FILE c.txt encoding="shift_jis">>>',
        b'<<<FILE d.txt encoding="nope">>>',
        b"<<<FILES are not headers",
        b"<<<END>>>",
        b"",
        b"   ",
    ]
)
_length_headers = st.integers(min_value=0, max_value=40).map(
    lambda n: b'<<<FILE l.txt length="%d">>>' % n
)
_text_lines = st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" "))

#: Bundle-like bytes: a mix of good and broken headers, end markers, lengths right
#: and wrong, and arbitrary body bytes, joined by LF or CRLF.
bundle_bytes = st.lists(
    st.one_of(_header_lines, _length_headers, _text_lines, st.just("Été — “ok”".encode())),
    max_size=25,
).flatmap(lambda lines: st.sampled_from([b"\n", b"\r\n"]).map(lambda eol: eol.join(lines)))

# -- de-duplication ---------------------------------------------------------------

_article_vocabulary: Final = [
    *("officials", "talks", "tariffs", "beijing", "washington", "trade", "deal", "stalled"),
    *("negotiators", "president", "ministry", "algorithm", "platform", "users", "app"),
    *("company", "shares", "market", "billion", "review", "export", "licence", "court"),
    *("judge", "ruling", "senators", "vote", "bill", "weekend", "monday"),
    *("the", "a", "of", "and", "to", "in", "on", "for", "with", "that", "said", "would"),
]

#: Sentences of 4 to 14 words from a small news vocabulary, so that texts share
#: words, shingles and stems often, as articles on one story do.
article_sentences = st.lists(st.sampled_from(_article_vocabulary), min_size=4, max_size=14).map(
    lambda words: " ".join(words).capitalize() + "."
)

#: Article-like texts of 1 to 8 sentences.
article_texts = st.lists(article_sentences, min_size=1, max_size=8).map(" ".join)

#: Sets of 32-bit hashes as MinHash takes them.
hash_sets = st.lists(st.integers(0, 2**32 - 1), max_size=200)

# -- HTML pages --------------------------------------------------------------------

_html_pieces = st.sampled_from(
    [
        "<html>", "<body>", "<div class='story'>", "</div>", "<p>", "</p>", "<br>", "<a href='/x'>",
        "</a>", "<script>x()</script>", "<!-- c -->", "<h1>", "</h1>", "<nav>", "</nav>", "&amp;",
        "&#8217;", "&bogus;", "<", ">", "<table><tr><td>", '<meta charset="shift_jis">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "x"}</script>',
        "<?xml version='1.0' encoding='utf-8'?>", "\x00", "\ufeff",
    ]
)  # fmt: skip

#: Markup-like text: tags (balanced or not), entities, declarations and prose.
html_texts = st.lists(st.one_of(_html_pieces, st.text(max_size=20)), max_size=40).map("".join)

# -- boilerplate cleaning ------------------------------------------------------------

_cleaning_lines = st.sampled_from(
    [
        "", "", "   ", "MOST READ :", "Read also:", "Related", "Trending", "Lire aussi :",
        "Читайте также:", "You may also like", "More from Reuters", "Advertisement",
        "Share this article", "Facebook Twitter Email", "Sign up for our newsletter",
        "We use cookies to improve your experience.", "© 2025 Acme News. All rights reserved.",
        "Skip to content", "Photo: Jane Doe/Reuters", "READ MORE: Oil prices fall again",
        "- Oil prices fall for a third day", "* Markets rally after the vote",
        "1. Charge your phone", "[Ten charts on trade](https://example.com/t)",
        "TikTok Ban Looms as Deadline Nears", "The Negotiation Deadlock", "### What Lies Ahead",
        "**The Uncertain Future of TikTok**", "He declined to comment.",
        "\u201cRead also the fine print,\u201d she said.", "> Share this article, he wrote.",
        "The talks stalled on Friday after both sides refused to move on tariffs.",
        "Will China authorize a sale?", "line with a carriage return\r",
    ]
)  # fmt: skip

#: Texts built from boilerplate lines, markers, headlines, subheadings, paragraphs,
#: blank lines and arbitrary text, with or without a final line end.
cleaning_texts = st.tuples(
    st.lists(st.one_of(_cleaning_lines, st.text(max_size=30)), max_size=30),
    st.booleans(),
).map(lambda parts: "\n".join(parts[0]) + ("\n" if parts[1] else ""))
