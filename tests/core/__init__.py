"""Tests of :mod:`ingest.core`."""
