"""HTML pages: bytes of a page in, the main text and metadata out.

:func:`extract_html` decodes the page (``_parse``), reads its metadata (title,
dates, canonical URL, JSON-LD: ``_meta``), splits the body into text blocks
(``_blocks``), scores them (``_page``), tells the page type and picks the
main content (``_strategy``), as text or markdown (``_markdown``), giving one
:class:`~ingest.Document`. Options:
:class:`HtmlOptions`.

It gives the extracted text as the page holds it: cleaning boilerplate lines
out of it is the cleaning stage's business (:func:`ingest.clean`, which the
pipeline runs on every document, extracted or not).

Imports only :mod:`ingest.core`.
"""

from ._extract import HtmlOptions, extract_html

__all__ = ["HtmlOptions", "extract_html"]
