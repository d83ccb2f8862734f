"""The bundle format: many text files in one ``<<<FILE ...>>>`` stream.

Takes bytes (a path, a binary stream or ``bytes``) and gives
:class:`~ingest.Document` values (:func:`read_bundle`, :class:`BundleReader`);
writes documents back as a bundle, atomically (:func:`write_bundle`). The
grammar is in ``docs/bundle-format.md``; ``_header`` parses and writes the
``<<<FILE ...>>>`` lines, ``_reader`` splits a stream into members.

Imports only :mod:`ingest.core`.
"""

from ._reader import BUNDLE_SUFFIXES, BundleOptions, BundleReader, read_bundle
from ._writer import write_bundle

__all__ = ["BUNDLE_SUFFIXES", "BundleOptions", "BundleReader", "read_bundle", "write_bundle"]
