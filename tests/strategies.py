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
