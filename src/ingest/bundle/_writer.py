"""Writing bundles: every member with ``length``, so any text reads back exactly."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable
from typing import BinaryIO

from ..core import PROVENANCE_KEYS, BundleError, Document, MetaValue, atomic_writer, derive_id
from ._header import format_header
from ._reader import STRUCTURAL_KEYS

__all__ = ["write_bundle"]


def _attribute_value(value: MetaValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _header_for(doc: Document, body: bytes) -> str:
    attributes = {"length": str(len(body))}
    if doc.id != derive_id(doc.name, doc.text):
        attributes["id"] = doc.id
    if doc.title:
        attributes["title"] = doc.title
    for key, value in doc.meta.items():
        if key in PROVENANCE_KEYS or key in STRUCTURAL_KEYS:
            continue
        written = _attribute_value(value)
        if written is not None:
            attributes[key] = written
    return format_header(doc.name, attributes)


def _encode_body(doc: Document, target: str) -> bytes:
    """The body's bytes: the text in UTF-8.

    A reader takes a byte-order mark at the start of a body as the mark of its
    encoding, not as text, so a text that itself starts with U+FEFF gets one
    more mark before it (bundle format, section 5).
    """
    try:
        body = doc.text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BundleError(
            f"document {doc.name!r} holds a lone surrogate U+{ord(doc.text[exc.start]):04X} "
            f"at character {exc.start}, which UTF-8 cannot store; fix the text before writing",
            source=target,
        ) from exc
    return codecs.BOM_UTF8 + body if body.startswith(codecs.BOM_UTF8) else body


def _check_keys(doc: Document, target: str) -> None:
    for key in doc.meta:
        if key in PROVENANCE_KEYS:
            continue
        if (
            not (key[:1].isascii() and key[:1].isalpha())
            or not all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
            or key != key.lower()
        ):
            raise BundleError(
                f"document {doc.name!r} has meta key {key!r}, which a header cannot hold; "
                "keys are lower-case ASCII letters, digits, '-' and '_', starting with a letter",
                source=target,
            )


def _write_members(docs: Iterable[Document], out: BinaryIO, target: str) -> int:
    count = 0
    for doc in docs:
        _check_keys(doc, target)
        body = _encode_body(doc, target)
        out.write(_header_for(doc, body).encode("utf-8"))
        out.write(b"\n")
        out.write(body)
        out.write(b"\n")
        count += 1
    return count


def write_bundle(docs: Iterable[Document], target: str | os.PathLike[str] | BinaryIO) -> int:
    """Write *docs* as one UTF-8 bundle; returns how many were written.

    Every header carries ``length``, so any text (empty, without a final line
    break, with CRLF, NUL or lines that look like headers) reads back exactly.
    ``id`` is written when it is not the derived one, ``title`` when not empty,
    and meta entries as attributes (provenance entries such as ``encoding`` are
    left out: the next read records its own). A path is written atomically.

    >>> import io
    >>> out = io.BytesIO()
    >>> write_bundle([Document(name="a.txt", text="no newline")], out)
    1
    >>> out.getvalue()
    b'<<<FILE a.txt length="10">>>\\nno newline\\n'
    """
    if isinstance(target, str | os.PathLike):
        with atomic_writer(target) as handle:
            return _write_members(docs, handle, os.fspath(target))
    return _write_members(docs, target, str(getattr(target, "name", "<stream>")))
