"""Tests of :mod:`ingest.html`."""
