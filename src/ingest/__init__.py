"""ingest: turn messy news sources into clean, de-duplicated articles.

The engines beyond one process are attributes of the package too, imported on
first use so that ``import ingest`` never imports their optional
dependencies: ``ingest.DaskEngine``, ``ingest.DaskOptions``, ``ingest.DaskRun``
and ``ingest.clean_document`` (``pip install 'ingest[dask]'``), and
``ingest.RedisIndex`` and its ``ingest.IndexOptionsError`` (``pip install
'ingest[redis]'``). Without the extra, using one raises an :class:`ImportError`
that names it. They are left out of ``__all__`` on purpose: ``from ingest
import *`` would import Dask.
"""

from typing import TYPE_CHECKING

from . import engines
from .bundle import BundleOptions, BundleReader, read_bundle, write_bundle
from .cleaning import (
    BoilerplateModel,
    CleanOptions,
    CleanResult,
    RemovedSpan,
    clean,
    learn_boilerplate,
)
from .core import (
    BundleError,
    Decoded,
    DecodeError,
    DecodeOptions,
    Document,
    HtmlError,
    IdConflictError,
    IndexFileError,
    IngestError,
    LimitError,
    Meta,
    OptionsError,
    Problem,
    UnsafePathError,
    decode,
)
from .dedup import Cluster, DedupOptions, DuplicateIndex, Evidence, Member, find_duplicates
from .html import HtmlOptions, extract_html
from .inputs import Failure, InputError
from .outputs import ReportOptions, write_report
from .pipeline import Outcome, Pipeline, PipelineOptions, Report

if TYPE_CHECKING:  # what the lazy attributes below are, for type checkers
    from .engines import DaskEngine as DaskEngine
    from .engines import DaskOptions as DaskOptions
    from .engines import DaskRun as DaskRun
    from .engines import IndexOptionsError as IndexOptionsError
    from .engines import RedisIndex as RedisIndex
    from .engines import clean_document as clean_document

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
    "ReportOptions",
    "UnsafePathError",
    "clean",
    "decode",
    "extract_html",
    "find_duplicates",
    "learn_boilerplate",
    "read_bundle",
    "write_bundle",
    "write_report",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """The engines' names (:data:`ingest.engines.LAZY`), imported on first use (PEP 562)."""
    if name not in engines.LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(engines, name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *engines.LAZY})
