"""Hypothesis strategies shared by the test suite (one place, as in attrs' tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from ingest import Document

#: Text with any Unicode scalar value (no lone surrogates, which cannot be encoded).
any_text = st.text(st.characters(exclude_categories=("Cs",)))

#: Document names: non-empty, any characters but control characters.
names = st.text(
    st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s != "")

meta_keys = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True)

documents = st.builds(
    Document,
    name=names,
    text=any_text,
    title=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
