"""Compressed inputs: recognised by their first bytes, decompressed as a stream.

A file compressed with gzip, bzip2, xz or zstd is read through a decompressing
stream, so nothing is ever unpacked whole: the readers downstream take what
they need (a line, a member, at most ``max_member_bytes`` of a page), and a
decompression bomb stops at that limit like any other oversized input.

>>> import gzip, io
>>> raw = io.BufferedReader(io.BytesIO(gzip.compress(b"<<<FILE a.txt>>>\\nHi\\n")))
>>> compression_of(raw.peek(MAGIC_BYTES))
'gzip'
>>> decompressed(raw, "gzip", "a.bundle.gz").read()
b'<<<FILE a.txt>>>\\nHi\\n'
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import PurePath
from typing import BinaryIO, Final, Literal, cast

import zstandard

from ._errors import InputError

__all__ = [
    "COMPRESSED_EXTS",
    "MAGIC_BYTES",
    "Compression",
    "compression_of",
    "decompressed",
    "decompression_error",
    "inner_name",
]

Compression = Literal["gzip", "bzip2", "xz", "zstd"]

#: Each format's magic number: what its first bytes always are.
_MAGIC: Final[tuple[tuple[bytes, Compression], ...]] = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

#: What the decompressors raise on corrupt or truncated data.
_ERRORS: Final = (OSError, EOFError, lzma.LZMAError, zstandard.ZstdError)

#: How many leading bytes :func:`compression_of` needs.
MAGIC_BYTES: Final = 6

#: The extensions that name a compression: stripped to find what is inside.
COMPRESSED_EXTS: Final = frozenset({".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd"})


def compression_of(head: bytes) -> Compression | None:
    """The compression whose magic number *head* starts with, or ``None``.

    >>> compression_of(b"BZh91AY"), compression_of(b"<html>")
    ('bzip2', None)
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # bzip2: "BZh" and the block size, a digit from 1 to 9.
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[3:4] != b"0":
        return "bzip2"
    return None


def inner_name(name: str) -> str:
    """*name* without its compression extension: what the decompressed file is called.

    >>> inner_name("pages/a.html.gz"), inner_name("feed.jsonl.zst"), inner_name("b.txt")
    ('pages/a.html', 'feed.jsonl', 'b.txt')
    """
    path = PurePath(name)
    return str(path.with_suffix("")) if path.suffix.lower() in COMPRESSED_EXTS else name


class _Guarded(io.RawIOBase):
    """A decompressing stream that ends where its data is corrupt or cut short.

    The error is kept (:func:`decompression_error`) rather than raised: a
    buffered reader drops what it had gathered when its raw stream raises, so
    raising would lose the documents just before the damage.
    """

    def __init__(self, raw: BinaryIO, kind: Compression, source: str) -> None:
        super().__init__()
        self._raw = raw
        self._kind = kind
        self._source = source
        self.produced = 0
        self.error: InputError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            # read1: one step of the decompressor, so what comes before damage is returned
            # before the damage raises (readinto would gather, then drop it all).
            data: bytes = self._raw.read1(len(buffer))  # type: ignore[attr-defined]
        except _ERRORS as exc:
            self.error = InputError(
                f"the {self._kind} data is corrupt or cut short after "
                f"{self.produced:,} decompressed bytes ({exc}); the rest of it was not read",
                source=self._source,
            )
            return 0
        size = len(data)
        buffer[:size] = data
        self.produced += size
        return size


def decompression_error(stream: io.BufferedReader) -> InputError | None:
    """Why a stream of :func:`decompressed` ended early, or ``None`` (or not such a stream)."""
    raw = stream.raw
    return raw.error if isinstance(raw, _Guarded) else None


def decompressed(stream: BinaryIO, kind: Compression, source: str) -> io.BufferedReader:
    """A buffered stream of the decompressed bytes of *stream* (read lazily).

    Concatenated members (``cat a.gz b.gz``, multi-frame zstd) read as one
    stream, as ``zcat`` reads them. Corrupt or truncated data ends the stream
    where it is reached; :func:`decompression_error` then says why.
    """
    # Each decompressor is closed with the stream it reads (the caller's).
    raw: BinaryIO
    if kind == "gzip":
        raw = cast("BinaryIO", gzip.GzipFile(fileobj=stream, mode="rb"))
    elif kind == "bzip2":
        raw = cast("BinaryIO", bz2.BZ2File(stream, mode="rb"))
    elif kind == "xz":
        raw = cast("BinaryIO", lzma.LZMAFile(stream, mode="rb"))  # noqa: SIM115
    else:
        raw = cast(
            "BinaryIO",
            zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True),
        )
    return io.BufferedReader(_Guarded(raw, kind, source), buffer_size=1 << 16)
