"""Tests of :mod:`ingest.bundle`."""
