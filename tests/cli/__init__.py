"""Tests of :mod:`ingest.cli`."""
