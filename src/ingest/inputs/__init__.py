"""Inputs: paths, directories and standard input, read as documents.

Takes what the user names on the command line or passes to the pipeline and
gives items in input order: a :class:`DocItem` (a document of a bundle, a
JSONL line or a text file), a :class:`PageItem` (an HTML page, extracted
later by a worker) or a :class:`Failure` (an input that could not be read,
with its reason). A new input format is a new reader here.

Imports :mod:`ingest.core` and :mod:`ingest.bundle`.
"""

from ._checks import check_inputs, expand_globs
from ._errors import InputError
from ._parquet import PARQUET_EXTS, row_groups
from ._sources import STDIN, DocItem, Failure, Item, PageItem, ReadAs, Reader

__all__ = [
    "PARQUET_EXTS",
    "STDIN",
    "DocItem",
    "Failure",
    "InputError",
    "Item",
    "PageItem",
    "ReadAs",
    "Reader",
    "check_inputs",
    "expand_globs",
    "row_groups",
]
