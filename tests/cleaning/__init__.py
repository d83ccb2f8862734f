"""Tests of :mod:`ingest.cleaning`."""
