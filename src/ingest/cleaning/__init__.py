"""Cleaning: boilerplate out of a document's text, nothing of the article lost.

Takes a :class:`~ingest.Document` and gives a :class:`CleanResult` (the cleaned
document and every :class:`RemovedSpan`, with the rule that removed it and
why). The rules are data (``data/boilerplate.toml``, loaded and compiled by
``_rules``) in 26 languages; ``_lines`` normalises and classifies lines in
every script; ``_lists`` finds link lists; :func:`learn_boilerplate` learns
lines repeated across a corpus (``_corpus``). Options: :class:`CleanOptions`.

Imports only :mod:`ingest.core`.
"""

from ._clean import CleanResult, RemovedSpan, clean
from ._corpus import BoilerplateModel, learn_boilerplate
from ._options import CleanOptions

__all__ = [
    "BoilerplateModel",
    "CleanOptions",
    "CleanResult",
    "RemovedSpan",
    "clean",
    "learn_boilerplate",
]
