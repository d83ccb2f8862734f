"""The last stage of the pipeline: documents to a bundle, JSONL records or a directory.

Every output is written atomically: a path gets a temporary file (or
directory) beside it, renamed over it only when the run completes; a crash or
an error leaves the old output, or none, never a partial one. A sink's
``write`` either writes the whole document or raises an error and writes
nothing of it, so one bad document does not spoil the output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final, Literal, Protocol

from ..bundle import write_bundle
from ..core import Document, OptionsError, SafeDirectory, atomic_writer, encode_jsonl

__all__ = [
    "FORMATS",
    "Format",
    "Sink",
    "check_target",
    "open_sink",
]

Format = Literal["bundle", "jsonl", "dir", "parquet"]
FORMATS: Final = ("bundle", "jsonl", "dir", "parquet")


class Sink(Protocol):
    """Where the pipeline puts the documents it keeps."""

    def write(self, doc: Document) -> None:
        """Write *doc* whole, or raise (an :class:`~ingest.IngestError` or
        :class:`UnicodeEncodeError`) having written nothing of it."""


class _BundleSink:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, doc: Document) -> None:
        write_bundle([doc], self._handle)


class _JsonlSink:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, doc: Document) -> None:
        self._handle.write(encode_jsonl(doc))


class _DirSink:
    def __init__(self, directory: SafeDirectory) -> None:
        self._directory = directory

    def write(self, doc: Document) -> None:
        self._directory.write(doc.name, doc.text.encode("utf-8"))


def check_target(target: str | os.PathLike[str], fmt: Format) -> None:
    """Refuse an output path the format cannot replace safely (an :class:`OptionsError`)."""
    path = Path(target)
    if fmt == "dir":
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise OptionsError(f"--format dir writes a directory, but {str(path)!r} is a file")
        if path.is_dir() and any(path.iterdir()):
            raise OptionsError(
                f"the output directory {str(path)!r} is not empty; "
                "choose a new directory (it is created) or empty it first"
            )
    elif path.is_dir():
        raise OptionsError(f"the output {str(path)!r} is a directory; use --format dir or a file")
    if not path.parent.is_dir():
        raise OptionsError(f"the output's directory {str(path.parent)!r} does not exist")


@contextlib.contextmanager
def open_sink(target: str | os.PathLike[str] | BinaryIO, fmt: Format) -> Iterator[Sink]:
    """A sink writing *fmt* to *target* (a path, written atomically, or a binary stream)."""
    if isinstance(target, str | os.PathLike):
        if fmt == "dir":
            with _atomic_directory(Path(target)) as tmp, SafeDirectory(tmp) as directory:
                yield _DirSink(directory)
            return
        with atomic_writer(target) as handle:
            yield from _stream_sink(handle, fmt)
        return
    if fmt == "dir":
        raise OptionsError("--format dir needs an output directory: give -o DIR")
    yield from _stream_sink(target, fmt)
    target.flush()


def _stream_sink(handle: BinaryIO, fmt: Format) -> Iterator[Sink]:
    """The sink of a format written to one stream (a Parquet file is closed by its footer)."""
    if fmt == "parquet":
        from ._parquet import ParquetSink  # noqa: PLC0415 -- it builds on jsonl_record, here

        sink = ParquetSink(handle)
        yield sink
        sink.close()
    else:
        yield _BundleSink(handle) if fmt == "bundle" else _JsonlSink(handle)


@contextlib.contextmanager
def _atomic_directory(target: Path) -> Iterator[Path]:
    """A new directory beside *target*, renamed to it when the block completes."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        # rename(2) replaces an empty directory atomically and refuses a full one.
        tmp.replace(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
