"""Tests of :mod:`ingest.pipeline`."""
