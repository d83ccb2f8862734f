"""Fuzz target: ``ingest.DuplicateIndex.load`` on arbitrary file contents.

Index files may come from anywhere, so loading one must never run code and
never fail with anything but :class:`ingest.IndexFileError`. The seeds are
real saved indexes; libFuzzer mutates their ZIP structure, headers and arrays.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest

_PATH = Path(tempfile.gettempdir()) / f"ingest-fuzz-index-{os.getpid()}.npz"


def check(data: bytes) -> str:
    _PATH.write_bytes(data)
    try:
        index = ingest.DuplicateIndex.load(_PATH)
    except ingest.IndexFileError:
        return "error"
    finally:
        _PATH.unlink()  # none left behind when libFuzzer ends the process
    index.clusters()
    return "ok"


if __name__ == "__main__":
    fuzz_main("index_file", check, sys.argv)
