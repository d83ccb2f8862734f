"""Document <-> record: a JSONL line or a Parquet row as a :class:`~ingest.Document`.

One function, so that every reader maps records alike (and the mapping can
move to a shared codec in one piece).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core import Document, MetaValue, Problem, derive_id

__all__ = ["document_from_record"]


def _scalar(value: object) -> MetaValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def document_from_record(record: dict[str, object], source: str, number: int) -> Document:
    """A JSONL record or Parquet row (``docs/cli.md``, "JSONL records") as a document.

    Its metadata is ``meta``, or ``metadata`` as datatrove and Dolma name it.
    """
    raw_meta = record.get("meta", record.get("metadata"))
    meta: dict[str, MetaValue] = {}
    problems: list[Problem] = []
    if isinstance(raw_meta, dict):
        meta = {str(k): _scalar(v) for k, v in raw_meta.items()}
    elif raw_meta is not None:
        problems.append(
            Problem("bad-meta", '"meta" is not an object; it was kept as a string', source, number)
        )
        meta = {"meta": _scalar(raw_meta)}
    path = meta.pop("path", None)
    named = path if isinstance(path, str) and path else record.get("name")
    name = named if isinstance(named, str) and named else f"{Path(source).name}:{number}"
    url = record.get("url")
    if isinstance(url, str) and url:
        meta["url"] = url
    text = str(record["text"])
    title = record.get("title")
    given_id = record.get("id")
    meta["line"] = number
    return Document(
        name=name,
        text=text,
        title=title if isinstance(title, str) else "",
        meta={k: v for k, v in meta.items() if v is not None},
        source=source,
        problems=problems,
        id=str(given_id)
        if isinstance(given_id, str | int) and given_id != ""
        else derive_id(name, text),
    )
