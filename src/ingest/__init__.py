"""ingest: turn messy news sources into clean, de-duplicated articles."""

from ._document import Document, Meta
from ._errors import BundleError, DecodeError, IngestError, LimitError, OptionsError, Problem

__all__ = [
    "BundleError",
    "DecodeError",
    "Document",
    "IngestError",
    "LimitError",
    "Meta",
    "OptionsError",
    "Problem",
]

__version__ = "0.1.0"
