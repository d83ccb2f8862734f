"""ingest: turn messy news sources into clean, de-duplicated articles."""

from ._bundle import BundleOptions, BundleReader, read_bundle
from ._bundle_writer import write_bundle
from ._clean import CleanResult, RemovedSpan, clean
from ._clean_corpus import BoilerplateModel, learn_boilerplate
from ._clean_options import CleanOptions
from ._decode import Decoded, DecodeOptions, decode
from ._document import Document, Meta
from ._errors import (
    BundleError,
    DecodeError,
    HtmlError,
    IngestError,
    LimitError,
    OptionsError,
    Problem,
)
from ._html import HtmlOptions, extract_html

__all__ = [
    "BoilerplateModel",
    "BundleError",
    "BundleOptions",
    "BundleReader",
    "CleanOptions",
    "CleanResult",
    "DecodeError",
    "DecodeOptions",
    "Decoded",
    "Document",
    "HtmlError",
    "HtmlOptions",
    "IngestError",
    "LimitError",
    "Meta",
    "OptionsError",
    "Problem",
    "RemovedSpan",
    "clean",
    "decode",
    "extract_html",
    "learn_boilerplate",
    "read_bundle",
    "write_bundle",
]

__version__ = "0.1.0"
