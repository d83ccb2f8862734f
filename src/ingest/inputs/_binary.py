"""Content that is not text: known binary formats, NUL bytes, control characters.

An input that is an image, an archive or an executable must fail with a reason,
never be decoded (every byte decodes as windows-1252) and written as an
article. Three signals, each one that text does not give:

* a **signature**: the first bytes of a known binary format (PNG, PDF, ZIP...);
* **NUL bytes** in bytes that are not UTF-16 or UTF-32 (no text encoding a
  page or an article uses puts a NUL in text);
* **control characters** in the decoded text: more than :data:`MAX_CONTROL_SHARE`
  of its characters are C0/C1 controls other than tab, line feed, carriage
  return, form feed and vertical tab, as happens when bytes that are text in
  no candidate encoding fall back to windows-1252 (random bytes give about 13%;
  text, about none).

Files and pages are checked on their bytes (:func:`binary_reason`) and then on
their text (:func:`control_reason`). A document that arrives already as text
(a bundle member, a JSONL or Parquet record, a WET record) is checked on its
text alone (:func:`text_reason`): the same signatures, read back from the first
characters, a NUL character, and the share of control characters.

>>> binary_reason(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
'binary content: looks like PNG'
>>> binary_reason(b"plain text"), binary_reason("plain text".encode("utf-16"))
(None, None)
>>> binary_reason(b"abc\\x00def")
'binary content: a NUL byte at byte 3'
"""

from __future__ import annotations

import re
from typing import Final

from ..core import sniff_wide
from ._compressed import compression_of

__all__ = ["MAX_CONTROL_SHARE", "binary_reason", "control_reason", "text_reason"]

#: First bytes of binary formats, and what to call them.
_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP (or a document or archive in ZIP: docx, xlsx, epub, jar)"),
    (b"PK\x05\x06", "ZIP (empty archive)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O binary"),
    (b"\x00asm", "WebAssembly"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "Parquet (read it as a .parquet file)"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"OggS", "Ogg"),
    (b"fLaC", "FLAC"),
    (b"ID3\x02", "MP3"),
    (b"ID3\x03", "MP3"),
    (b"ID3\x04", "MP3"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM"),
)

#: RIFF containers name their format at byte 8.
_RIFF: Final = {b"WEBP": "WebP", b"WAVE": "WAV", b"AVI ": "AVI"}

#: The most C0/C1 control characters (other than white space) that text may have.
MAX_CONTROL_SHARE: Final = 0.05

_CONTROL: Final = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


#: How many first characters of a text are read back as bytes to find a signature.
_HEAD: Final = 16


def _format_of(data: bytes) -> str | None:
    """The binary format *data* starts with (its signature), or ``None``."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    if data.startswith(b"RIFF") and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4 (or another ISO media file)"
    return None


def binary_reason(data: bytes) -> str | None:
    """Why *data* is not text, from its bytes (a signature, a NUL byte), or ``None``."""
    compression = compression_of(data)
    if compression is not None:
        return f"binary content: looks like {compression} (compressed twice?)"
    name = _format_of(data)
    if name is not None:
        return f"binary content: looks like {name}"
    nul = data.find(b"\x00")
    if nul != -1 and sniff_wide(data[:8]) is None:
        return f"binary content: a NUL byte at byte {nul}"
    return None


def control_reason(text: str, encoding: str) -> str | None:
    """Why decoded *text* is not text (too many control characters), or ``None``.

    >>> control_reason("a\\x01b\\x02c", "windows-1252")
    'binary content: 40% of its characters are control characters once decoded as windows-1252'
    """
    if not text:
        return None
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        share = controls / len(text)
        return (
            f"binary content: {share:.0%} of its characters are control characters "
            f"once decoded as {encoding}"
        )
    return None


def text_reason(text: str, encoding: str) -> str | None:
    """Why a document that arrived as *text* is not text, or ``None``.

    Its first characters are read back as bytes (in *encoding*, and as
    Latin-1, the way binary data usually ends up in a JSON string) to find a
    signature, which counts only when those characters also hold a control
    character (a text may well start with ``GIF89a`` or ``%PDF-``; the binary
    formats put control bytes right after their signature); then a NUL
    character, then :func:`control_reason`.

    >>> text_reason("\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "windows-1252")
    'binary content: looks like PNG'
    >>> text_reason("an article\\x00with a NUL", "utf-8")
    'binary content: a NUL character at character 10'
    >>> text_reason("Grüße aus Köln, 東京", "utf-8"), text_reason("GIF89a is a format", "utf-8")
    (None, None)
    """
    head = text[:_HEAD]
    if _CONTROL.search(head) is None:
        return control_reason(text, encoding)
    for codec in (encoding, "latin-1"):
        try:
            data = head.encode(codec)
        except (LookupError, UnicodeEncodeError):
            continue
        compression = compression_of(data)
        name = f"{compression}-compressed data" if compression is not None else _format_of(data)
        if name is not None:
            return f"binary content: looks like {name}"
    nul = text.find("\x00")
    if nul != -1:
        return f"binary content: a NUL character at character {nul}"
    return control_reason(text, encoding)
