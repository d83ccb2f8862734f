"""Atomic file writing: a temporary file beside the target, renamed over it on success."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

__all__ = ["atomic_writer", "write_text"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a binary file that replaces *path* only when the block completes.

    On an exception (or a crash) the target keeps its old content, or stays
    absent; the temporary file is removed. The data is flushed and fsynced
    before the rename, and the rename is atomic on POSIX file systems.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path()
    )
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the result the usual umask-based mode.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(target: str | os.PathLike[str] | None, write: Callable[[TextIO], None]) -> None:
    """Call *write* with a UTF-8 text stream: stdout when *target* is ``None``, else a
    file that :func:`atomic_writer` replaces when *write* returns."""
    if target is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    with atomic_writer(target) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        write(text)
        text.flush()
        text.detach()
