"""Tests of :mod:`ingest.engines`."""
