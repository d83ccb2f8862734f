"""Outputs: documents written as a bundle, JSONL or a directory of files.

Takes documents (and, after de-duplication, their cluster) and writes them
through a :class:`Sink` opened by :func:`open_sink`, atomically, never over an
input (:func:`check_target`). A new output format is a new sink here.

Imports :mod:`ingest.core` and :mod:`ingest.bundle`.
"""

from ._sinks import Format, Sink, check_target, open_sink

__all__ = ["Format", "Sink", "check_target", "open_sink"]
