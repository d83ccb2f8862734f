"""JSONL records: one document per line, read and written alike by every engine.

The one codec of the format (``docs/cli.md``, "JSONL records"): the local
pipeline's reader and sink, the Dask engine's partitions and the Redis index
command all go through :func:`jsonl_record` / :func:`encode_jsonl` and :func:`decode_jsonl_line`,
so a document reads back from the same line the same way whichever engine
reads it, and what ``ingest`` writes it reads back unchanged (name, id, text,
title, url and metadata).

>>> doc = Document("a.txt", "Hi", meta={"lang": "en", "url": "https://x.example/a"})
>>> line = encode_jsonl(doc)
>>> back = decode_jsonl_line(line, "out.jsonl", 1)
>>> (back.name, back.id == doc.id, back.text, dict(back.meta.without("line")))
('a.txt', True, 'Hi', {'lang': 'en', 'url': 'https://x.example/a'})
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from ._document import PROVENANCE_KEYS, Document, MetaValue, derive_id
from ._errors import DecodeError, Problem

__all__ = [
    "JSONL_META_KEYS",
    "JSONL_SUFFIXES",
    "decode_jsonl_line",
    "document_from_record",
    "encode_jsonl",
    "jsonl_record",
]

#: The file suffixes read as JSONL (also when the content starts with ``{``).
JSONL_SUFFIXES: Final = frozenset({".jsonl", ".ndjson"})

#: The ``meta`` keys every written record has (``null`` when unknown), in order.
JSONL_META_KEYS: Final = (
    "path",
    "encoding",
    "encoding_confidence",
    "boilerplate_removed",
    "cluster_id",
    "duplicate_of",
    "kind",
    "score",
)
#: Metadata written at the top level of a record, not in ``meta``.
_TOP_LEVEL: Final = frozenset({"url"})
#: Where a record's metadata may be: ``meta`` (ours), ``metadata`` (datatrove, Dolma).
_META_FIELDS: Final = ("meta", "metadata")


def jsonl_record(doc: Document) -> dict[str, object]:
    """*doc* as a JSONL record: ``id``, ``text``, ``title``, ``source``, ``url``, ``meta``.

    >>> record = jsonl_record(Document("a.txt", "Hi", meta={"url": "https://x.example/a"}))
    >>> record["id"], record["url"], record["meta"]["path"], record["meta"]["cluster_id"]
    ('e544201e02b66407', 'https://x.example/a', 'a.txt', None)
    """
    meta: dict[str, MetaValue] = dict.fromkeys(JSONL_META_KEYS)
    meta["path"] = doc.name
    for key, value in doc.meta.items():
        if key in _TOP_LEVEL or (key in PROVENANCE_KEYS and key not in JSONL_META_KEYS):
            continue
        meta[key] = value
    url = doc.meta.get("url") or doc.meta.get("canonical_url") or ""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "source": doc.source,
        "url": url,
        "meta": meta,
    }


def encode_jsonl(doc: Document, extra: Mapping[str, object] | None = None) -> bytes:
    """*doc*'s record (with *extra* top-level fields) as one UTF-8 line, ``\\n`` included.

    Non-ASCII characters are written as themselves; a record holding a lone
    surrogate (which UTF-8 cannot hold, but a Python string can) is written with
    JSON escapes instead, which read back to the same string.
    """
    record = jsonl_record(doc)
    if extra:
        record.update(extra)
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record) + "\n").encode("ascii")


def decode_jsonl_line(raw: bytes, source: str, line: int) -> Document:
    """The document of one JSONL line; a :class:`~ingest.DecodeError` if it is not one.

    The error names *source* and *line*; a caller records it as the failure of
    this record and goes on with the next line.
    """
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(f"not a JSON object: {exc}", source=source, line=line) from exc
    return document_from_record(record, source, line)


def document_from_record(record: object, source: str, line: int) -> Document:
    """A decoded JSONL record (any JSON value) as a document, read as ``docs/cli.md`` says.

    ``text`` (a string) is required. The name is ``meta.path``, else ``name``,
    else ``FILE:LINE``; ``id``, ``title``, ``url`` and the other metadata are
    kept (``metadata`` is read where there is no ``meta``; values that are not
    JSON scalars become JSON strings; a ``meta`` that is not an object is kept
    as a string, with a ``bad-meta`` problem). ``meta["line"]`` is *line*.
    """
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise DecodeError(
            'not a document: expected a JSON object with a string "text"',
            source=source,
            line=line,
        )
    field = next((f for f in _META_FIELDS if record.get(f) is not None), "meta")
    raw_meta = record.get(field)
    meta: dict[str, MetaValue] = {}
    problems: list[Problem] = []
    if isinstance(raw_meta, dict):
        meta = {str(k): _scalar(v) for k, v in raw_meta.items()}
    elif raw_meta is not None:
        why = f'"{field}" is not an object; it was kept as a string'
        problems.append(Problem("bad-meta", why, source, line))
        meta = {field: _scalar(raw_meta)}
    path = meta.pop("path", None)
    named = path if isinstance(path, str) and path else record.get("name")
    name = named if isinstance(named, str) and named else f"{Path(source).name}:{line}"
    url = record.get("url")
    if isinstance(url, str) and url:
        meta["url"] = url
    text: str = record["text"]
    title = record.get("title")
    given_id = record.get("id")
    meta["line"] = line
    # The placeholders every written record has are not metadata of the document.
    kept = {k: v for k, v in meta.items() if v is not None or k not in JSONL_META_KEYS}
    return Document(
        name=name,
        text=text,
        title=title if isinstance(title, str) else "",
        meta=kept,
        source=source,
        problems=problems,
        id=str(given_id)
        if isinstance(given_id, str | int) and not isinstance(given_id, bool) and given_id != ""
        else derive_id(name, text),
    )


def _scalar(value: object) -> MetaValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
