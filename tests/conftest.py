"""Shared pytest configuration: hypothesis profiles, fixture paths, the command runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("quick", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def run_ingest(
    *args: str | Path, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m ingest ARGS`` in a subprocess, output captured, never raising on failure."""
    return subprocess.run(  # noqa: S603 -- our own command, fixed arguments
        [sys.executable, "-m", "ingest", *map(str, args)],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        cwd=cwd,
    )


def missing(message: str, *, installed_by: str) -> NoReturn:
    """A test's requirement is not met (*message* says what and how to install it): a
    skip that says so, but a failure under ``CI=true``, where *installed_by* installs it."""
    if os.environ.get("CI"):
        pytest.fail(f"in CI: {message}; {installed_by} installs it")
    pytest.skip(message)
