"""The engines beside the one-process pipeline: Dask for a corpus larger than one
machine, Redis for a persistent, incremental duplicate index.

Both make the same decisions as :class:`ingest.DuplicateIndex`: they share its
features, band keys, verification and clustering (:mod:`ingest.dedup`) and
clean with :mod:`ingest.cleaning`. Their dependencies are optional extras, so
nothing here is imported before it is used: ``DaskEngine``, ``DaskOptions``,
``DaskRun`` and ``clean_document`` need ``pip install 'ingest[dask]'``,
``RedisIndex`` and ``IndexOptionsError`` need ``pip install 'ingest[redis]'``.
Without the extra, using one raises an :class:`ImportError` that names it.

Imports :mod:`ingest.core`, :mod:`ingest.bundle`, :mod:`ingest.cleaning` and
:mod:`ingest.dedup`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # what the lazy attributes below are, for type checkers
    from ._dask import DaskEngine as DaskEngine
    from ._dask import DaskOptions as DaskOptions
    from ._dask import DaskRun as DaskRun
    from ._dask import clean_document as clean_document
    from ._redis import IndexOptionsError as IndexOptionsError
    from ._redis import RedisIndex as RedisIndex

__all__ = [
    "DaskEngine",
    "DaskOptions",
    "DaskRun",
    "IndexOptionsError",
    "RedisIndex",
    "clean_document",
]

#: Lazy attributes: name -> (module, extra that installs its dependencies).
LAZY: Final = {
    "DaskEngine": ("._dask", "dask"),
    "DaskOptions": ("._dask", "dask"),
    "DaskRun": ("._dask", "dask"),
    "clean_document": ("._dask", "dask"),
    "RedisIndex": ("._redis", "redis"),
    "IndexOptionsError": ("._redis", "redis"),
}


def __getattr__(name: str) -> object:
    """Import a lazy attribute (:data:`LAZY`) on first use (PEP 562)."""
    try:
        module_name, extra = LAZY[name]
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
    return sorted({*globals(), *LAZY})
