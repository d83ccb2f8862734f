"""ingest: turn messy news sources into clean, de-duplicated articles.

The engines beyond one process are attributes of the package too, imported on
first use so that ``import ingest`` never imports their optional
dependencies: ``ingest.DaskEngine``, ``ingest.DaskOptions``, ``ingest.DaskRun``
and ``ingest.clean_document`` (``pip install 'ingest[dask]'``), and
``ingest.RedisIndex`` (``pip install 'ingest[redis]'``). Without the extra,
using one raises an :class:`ImportError` that names it. They are left out of
``__all__`` on purpose: ``from ingest import *`` would import Dask.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

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

if TYPE_CHECKING:  # what the lazy attributes below are, for type checkers
    from ._dask import DaskEngine as DaskEngine
    from ._dask import DaskOptions as DaskOptions
    from ._dask import DaskRun as DaskRun
    from ._dask import clean_document as clean_document
    from ._redis_index import RedisIndex as RedisIndex

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

#: Lazy attributes: name -> (module, extra that installs its dependencies).
_LAZY: Final = {
    "DaskEngine": ("._dask", "dask"),
    "DaskOptions": ("._dask", "dask"),
    "DaskRun": ("._dask", "dask"),
    "clean_document": ("._dask", "dask"),
    "RedisIndex": ("._redis_index", "redis"),
}


def __getattr__(name: str) -> object:
    """Import a lazy attribute (:data:`_LAZY`) on first use (PEP 562)."""
    try:
        module_name, extra = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    try:
        module = import_module(module_name, __name__)
    except ImportError as error:
        root: BaseException = error
        while isinstance(root.__cause__, ImportError):
            root = root.__cause__
        raise ImportError(
            f"ingest.{name} needs the {extra!r} extra, which is not installed ({root}): "
            f"pip install 'ingest[{extra}]'",
            name=error.name,
        ) from error
    value = getattr(module, name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
