"""ingest: turn messy news sources into clean, de-duplicated articles."""

from ._bundle import BundleOptions, BundleReader, read_bundle
from ._bundle_writer import write_bundle
from ._clean import CleanResult, RemovedSpan, clean
from ._clean_corpus import BoilerplateModel, learn_boilerplate
from ._clean_options import CleanOptions
from ._decode import Decoded, DecodeOptions, decode
from ._dedup import DuplicateIndex, find_duplicates
from ._dedup_options import Cluster, DedupOptions, Evidence, Member
from ._document import Document, Meta
from ._errors import (
    BundleError,
    DecodeError,
    HtmlError,
    IdConflictError,
    IndexFileError,
    IngestError,
    LimitError,
    OptionsError,
    Problem,
)
from ._html import HtmlOptions, extract_html
from ._pipeline import Outcome, Pipeline, PipelineOptions, Report
from ._safepath import UnsafePathError
from ._sources import Failure, InputError

__all__ = [
    "BoilerplateModel",
    "BundleError",
    "BundleOptions",
    "BundleReader",
    "CleanOptions",
    "CleanResult",
    "Cluster",
    "DecodeError",
    "DecodeOptions",
    "Decoded",
    "DedupOptions",
    "Document",
    "DuplicateIndex",
    "Evidence",
    "Failure",
    "HtmlError",
    "HtmlOptions",
    "IdConflictError",
    "IndexFileError",
    "IngestError",
    "InputError",
    "LimitError",
    "Member",
    "Meta",
    "OptionsError",
    "Outcome",
    "Pipeline",
    "PipelineOptions",
    "Problem",
    "RemovedSpan",
    "Report",
    "UnsafePathError",
    "clean",
    "decode",
    "extract_html",
    "find_duplicates",
    "learn_boilerplate",
    "read_bundle",
    "write_bundle",
]

__version__ = "0.1.0"
