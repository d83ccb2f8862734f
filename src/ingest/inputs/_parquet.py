"""Parquet files (the layout of datatrove and Dolma) to document records.

One row is one document: a string column ``text``, and optionally ``id``,
``metadata`` (a struct, a map, or a JSON object as a string, as datatrove
writes and reads it), ``name``, ``title``, ``url``. Other columns are kept as
metadata, as datatrove's reader keeps them. The file is read one row group at
a time (a partition of the Dask engine), never whole.

Needs ``pyarrow`` (``pip install 'ingest[parquet]'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from ..core import OptionsError
from ._errors import InputError

__all__ = ["PARQUET_EXTRA", "PARQUET_EXTS", "is_parquet", "parquet_records", "row_groups"]

PARQUET_EXTRA: Final = (
    "reading Parquet files needs the 'parquet' extra, which is not installed: "
    "pip install 'ingest[parquet]'"
)

#: The columns that are fields of a document; any other column is metadata.
_FIELDS: Final = frozenset({"id", "text", "name", "title", "url"})

#: Fields that our own rows keep in ``metadata`` (``ingest.outputs._parquet``).
_LIFTED: Final = ("title", "url")

#: The extensions of a Parquet file.
PARQUET_EXTS: Final = frozenset({".parquet", ".pq"})

#: A Parquet file starts (and ends) with these bytes.
_MAGIC: Final = b"PAR1"


def is_parquet(head: bytes) -> bool:
    """Whether *head* starts a Parquet file.

    >>> is_parquet(b"PAR1\\x15\\x04"), is_parquet(b"{}")
    (True, False)
    """
    return head.startswith(_MAGIC)


def _pyarrow() -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.parquet``, or :class:`OptionsError` naming the extra."""
    try:
        import pyarrow as pa  # noqa: PLC0415 -- an optional extra
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as error:
        raise OptionsError(PARQUET_EXTRA) from error
    return pa, pq


def row_groups(path: Path) -> int:
    """How many row groups *path* has (the Dask engine's partitions)."""
    return int(_pyarrow()[1].ParquetFile(path).num_row_groups)


def parquet_records(path: Path, groups: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The rows of *path* (of its row *groups*, default all) as JSON-like records,
    with ``metadata`` as a ``dict`` whichever way it was stored.

    A file that is not Parquet, or is damaged, raises :class:`InputError`
    (after the rows of the row groups before the damage).
    """
    pa, pq = _pyarrow()
    try:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups) if groups is None else groups:
            yield from _rows(parquet.read_row_group(group).to_pylist())
    except pa.ArrowException as exc:
        raise InputError(f"not a readable Parquet file: {exc}", source=str(path)) from exc


def _rows(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        metadata = row.pop("metadata", None)
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {"metadata": metadata}
        elif isinstance(metadata, list):  # a map column: key-value pairs
            metadata = dict(metadata)
        record = {k: row[k] for k in _FIELDS if row.get(k) is not None}
        extra = {k: v for k, v in row.items() if k not in _FIELDS}
        meta = extra | (metadata if isinstance(metadata, dict) else {})
        for field in _LIFTED:  # as ``ingest`` writes them: in the metadata
            if field not in record and isinstance(meta.get(field), str):
                record[field] = meta.pop(field)
        record["metadata"] = meta
        yield record
