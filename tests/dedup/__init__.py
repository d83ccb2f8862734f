"""Tests of :mod:`ingest.dedup`."""
