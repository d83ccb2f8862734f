"""Byte-stream plumbing for the bundle reader: push-back, positions, transcoding."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO, Final, TextIO

__all__ = ["CHUNK", "Input", "TextAsUtf8", "Transcoder", "skip_utf8_bom", "sniff_wide"]

CHUNK: Final = 1 << 16


class Input:
    """A binary stream with push-back that tracks byte offset and line number."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._pending = b""
        self.offset = 0
        self.line = 1

    def _consume(self, data: bytes) -> bytes:
        self.offset += len(data)
        self.line += data.count(b"\n")
        return data

    def readline(self, limit: int) -> bytes:
        """One line with its line break, at most *limit* bytes; ``b""`` at the end."""
        if self._pending:
            cut = self._pending.find(b"\n", 0, limit)
            if cut != -1 or len(self._pending) >= limit:
                end = cut + 1 if cut != -1 else limit
                line, self._pending = self._pending[:end], self._pending[end:]
                return self._consume(line)
            line, self._pending = self._pending, b""
            line += self._stream.readline(limit - len(line))
            return self._consume(line)
        return self._consume(self._stream.readline(limit))

    def read(self, size: int) -> bytes:
        """Up to *size* bytes; fewer only at the end of the stream."""
        parts = [self._pending[:size]]
        self._pending = self._pending[size:]
        missing = size - len(parts[0])
        while missing > 0:
            chunk = self._stream.read(min(missing, CHUNK * 16))
            if not chunk:
                break
            parts.append(chunk)
            missing -= len(chunk)
        return self._consume(b"".join(parts))

    def unread(self, data: bytes) -> None:
        """Push *data* back; it is read again next."""
        if data:
            self._pending = data + self._pending
            self.offset -= len(data)
            self.line -= data.count(b"\n")


class Transcoder(io.RawIOBase):
    """Re-encode a UTF-16 or UTF-32 stream as UTF-8, incrementally."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._replacement = "\ufffd".encode(encoding)
        self._buffer = b""
        self._eof = False
        self.replaced = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer and not self._eof:
            chunk = self._raw.read(CHUNK)
            self._eof = not chunk
            text = self._decoder.decode(chunk, final=self._eof)
            if "\ufffd" in text and self._replacement not in chunk:
                self.replaced = True
            self._buffer = text.encode("utf-8")
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def sniff_wide(head: bytes) -> str | None:
    """The encoding of a stream that starts with a BOM or a header in UTF-16/32."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        if head.startswith("<<<FILE".encode(encoding)):
            return encoding
    return None


def skip_utf8_bom(stream: BinaryIO) -> Input:
    """An input over *stream* that skips a UTF-8 byte-order mark at its start."""
    inp = Input(stream)
    start = inp.read(3)
    if start != codecs.BOM_UTF8:
        inp.unread(start)
    return inp


class TextAsUtf8(io.RawIOBase):
    """A text stream seen as the UTF-8 bytes of its text."""

    def __init__(self, text: TextIO) -> None:
        super().__init__()
        self._text = text
        self._buffer = b""
        self.name = getattr(text, "name", "<text>")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._buffer:
            self._buffer = self._text.read(CHUNK).encode("utf-8", "surrogatepass")
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size
