"""Documents to a Parquet file, in the layout of datatrove and Dolma.

Columns: ``id`` and ``text`` (strings), ``metadata`` (a JSON object, as a
string: the document's name, title, source, URL and ``meta``; datatrove's
reader parses it, and so does ours), and from de-duplication ``cluster``
(the cluster's id, or null) and ``representative`` (whether the document is
its cluster's representative, or null). Rows are written in row groups of
``ROW_GROUP`` documents, so memory stays bounded; a row group is a partition
of the Dask engine when the file is read back.

Needs ``pyarrow`` (``pip install 'ingest[parquet]'``).
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Final

from ..core import Document, OptionsError, jsonl_record

__all__ = ["PARQUET_COLUMNS", "ROW_GROUP", "ParquetSink", "parquet_row"]

#: Documents per row group.
ROW_GROUP: Final = 2048

PARQUET_COLUMNS: Final = ("id", "text", "metadata", "cluster", "representative")

_EXTRA: Final = (
    "writing Parquet needs the 'parquet' extra, which is not installed: "
    "pip install 'ingest[parquet]'"
)


def parquet_row(doc: Document) -> dict[str, Any]:
    """*doc* as a row of :data:`PARQUET_COLUMNS`: its JSONL record (:func:`jsonl_record`)
    with ``meta``, ``title``, ``source`` and ``url`` in ``metadata``.

    >>> row = parquet_row(Document("a.txt", "Hi", meta={"url": "https://x.example/a"}))
    >>> row["id"], row["cluster"], json.loads(row["metadata"])["url"]
    ('e544201e02b66407', None, 'https://x.example/a')
    """
    record = jsonl_record(doc)
    meta = record["meta"]
    assert isinstance(meta, dict)  # noqa: S101 -- jsonl_record's shape
    metadata = {key: record[key] for key in ("title", "source", "url")} | meta
    cluster = meta.get("cluster_id")
    return {
        "id": record["id"],
        "text": record["text"],
        "metadata": json.dumps(metadata, ensure_ascii=False),
        "cluster": cluster if isinstance(cluster, str) else None,
        "representative": (meta.get("duplicate_of") is None) if cluster else None,
    }


class ParquetSink:
    """A sink writing rows to *handle*; :meth:`close` writes the last row group and the footer."""

    def __init__(self, handle: BinaryIO) -> None:
        try:
            import pyarrow as pa  # noqa: PLC0415 -- an optional extra
            import pyarrow.parquet as pq  # noqa: PLC0415
        except ImportError as error:
            raise OptionsError(_EXTRA) from error
        self._pa = pa
        self._schema = pa.schema(
            [
                ("id", pa.string()),
                ("text", pa.string()),
                ("metadata", pa.string()),
                ("cluster", pa.string()),
                ("representative", pa.bool_()),
            ]
        )
        self._writer = pq.ParquetWriter(handle, self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, doc: Document) -> None:
        row = parquet_row(doc)
        row["text"].encode("utf-8")  # a lone surrogate fails here, before anything is kept
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            table = self._pa.Table.from_pylist(self._rows, schema=self._schema)
            self._writer.write_table(table)
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
