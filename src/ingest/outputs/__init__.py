"""Outputs: documents written as a bundle, JSONL or a directory of files.

Takes documents (and, after de-duplication, their cluster) and writes them
through a :class:`Sink` opened by :func:`open_sink`, atomically, never over an
input (:func:`check_target`). A new output format is a new sink here.

Imports :mod:`ingest.core`, :mod:`ingest.bundle` and :mod:`ingest.dedup` (the audit
page of a de-duplication run, :func:`write_report`).
"""

from ._report import ReportOptions, ReportSummary, write_report
from ._sinks import Format, Sink, check_target, open_sink

__all__ = [
    "Format",
    "ReportOptions",
    "ReportSummary",
    "Sink",
    "check_target",
    "open_sink",
    "write_report",
]
