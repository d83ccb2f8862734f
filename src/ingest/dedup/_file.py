"""The file format of a saved :class:`ingest.DuplicateIndex`.

A NumPy ``.npz`` archive (a ZIP of ``.npy`` arrays), read with
``allow_pickle=False``, so a file from anywhere can be loaded without running
code. Arrays:

``header`` (uint8)
    UTF-8 JSON: ``{"format": "ingest.DuplicateIndex", "version": 1,
    "options": {...DedupOptions...}, "documents": [{"id", "name", "words",
    "text_key", "exact_key", "language"}, ...]}``; the keys are 16 hex digits.
``shingles`` (uint32), ``shingle_counts`` (int64, one per document)
    Every document's sorted word-shingle set, concatenated.
``signatures`` (uint32, ``documents x num_perm``)
    Document signatures.
``sentence_hashes`` (uint32), ``sentence_sizes`` (int64, one per sentence),
``sentence_counts`` (int64, one per document)
    Every sentence's sorted content-stem set, concatenated.
``sentence_signatures`` (uint32, ``sentences x sentence_num_perm``)
    Sentence signatures.

Verified links are not stored: loading re-adds the documents, which
re-derives them (a pair's decision depends only on the pair).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ..core import UNDETERMINED, IndexFileError, OptionsError
from ._features import DocFeatures, with_signatures
from ._options import DedupOptions

__all__ = ["FORMAT", "VERSION", "read_index", "write_index"]

FORMAT: Final = "ingest.DuplicateIndex"
VERSION: Final = 1

_ARRAYS: Final = {
    "header": np.uint8,
    "shingles": np.uint32,
    "shingle_counts": np.int64,
    "signatures": np.uint32,
    "sentence_hashes": np.uint32,
    "sentence_sizes": np.int64,
    "sentence_counts": np.int64,
    "sentence_signatures": np.uint32,
}


def write_index(path: Path, options: DedupOptions, docs: Sequence[DocFeatures]) -> None:
    """Write *docs* and *options* to *path*, replacing it atomically."""
    docs = with_signatures(docs, options)  # an index keeps none
    header = {
        "format": FORMAT,
        "version": VERSION,
        "options": options.to_json(),
        "documents": [
            {
                "id": d.id,
                "name": d.name,
                "words": d.words,
                "text_key": f"{d.text_key:016x}",
                "exact_key": f"{d.exact_key:016x}",
                "language": d.language,
            }
            for d in docs
        ],
    }
    arrays: dict[str, npt.NDArray[Any]] = {
        "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        "shingles": _concat([d.shingles for d in docs]),
        "shingle_counts": np.array([d.shingles.size for d in docs], dtype=np.int64),
        "signatures": _rows([d.signature for d in docs], options.num_perm),
        "sentence_hashes": _concat([d.sentence_values for d in docs]),
        "sentence_sizes": np.concatenate(
            [np.empty(0, dtype=np.int64), *(d.sentence_sizes for d in docs)]
        ).astype(np.int64),
        "sentence_counts": np.array([d.sentence_count for d in docs], dtype=np.int64),
        "sentence_signatures": _rows(
            [d.sentence_signatures for d in docs],
            options.sentence_num_perm,
        ),
    }
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as out:
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
    temporary.replace(path)


def _concat(parts: Sequence[npt.NDArray[np.uint32]]) -> npt.NDArray[np.uint32]:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint32)


def _rows(blocks: Sequence[npt.NDArray[np.uint32]], width: int) -> npt.NDArray[np.uint32]:
    """*blocks* of rows (or single rows) of *width* values, stacked."""
    return np.concatenate(
        [np.empty((0, width), dtype=np.uint32), *(b.reshape(-1, width) for b in blocks)]
    )


def read_index(path: Path) -> tuple[DedupOptions, list[DocFeatures]]:
    """The options and documents saved in *path*; raises :class:`IndexFileError`."""
    source = str(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = sorted(set(_ARRAYS) - set(archive.files))
            if missing:
                raise IndexFileError(
                    f"expected the arrays {sorted(_ARRAYS)} of a saved DuplicateIndex, "
                    f"missing {missing}; save the index again with DuplicateIndex.save",
                    source=source,
                )
            arrays = {name: archive[name] for name in _ARRAYS}
    except (
        OSError,
        ValueError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
        RuntimeError,
    ) as error:
        # RuntimeError: an encrypted member; its subclass NotImplementedError: a ZIP
        # feature (version, compression) that zipfile lacks.
        if isinstance(error, IndexFileError):
            raise
        raise IndexFileError(
            f"expected a DuplicateIndex file (a NumPy .npz archive), could not read it: {error}; "
            "save the index again with DuplicateIndex.save",
            source=source,
        ) from error
    for name, value in arrays.items():
        # NumPy returns the raw bytes of a member that has no .npy header.
        if not isinstance(value, np.ndarray):
            raise IndexFileError(
                f"member {name + '.npy'!r} is not a NumPy array (it has no .npy header); "
                "save the index again with DuplicateIndex.save",
                source=source,
            )
    for name, dtype in _ARRAYS.items():
        if arrays[name].dtype != dtype:
            raise IndexFileError(
                f"array {name!r} should hold {np.dtype(dtype).name}, "
                f"found {arrays[name].dtype.name}",
                source=source,
            )
    header = _header(arrays["header"], source)
    try:
        options = DedupOptions.from_json(header["options"])
    except (OptionsError, TypeError) as error:
        raise IndexFileError(f"invalid options in header: {error}", source=source) from error
    return options, _documents(header["documents"], arrays, options, source)


def _header(raw: npt.NDArray[np.uint8], source: str) -> dict[str, Any]:
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexFileError(f"header is not UTF-8 JSON: {error}", source=source) from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise IndexFileError(f"expected format {FORMAT!r}, found {found!r}", source=source)
    if header.get("version") != VERSION:
        raise IndexFileError(
            f"expected version {VERSION}, found {header.get('version')!r}; "
            "this version of ingest cannot read it",
            source=source,
        )
    if not isinstance(header.get("options"), dict) or not isinstance(header.get("documents"), list):
        raise IndexFileError(
            "header must hold an 'options' object and a 'documents' list", source=source
        )
    return header


def _check_counts(
    values: npt.NDArray[Any], counts: npt.NDArray[np.int64], what: str, source: str
) -> None:
    if counts.ndim != 1 or (counts < 0).any() or int(counts.sum()) != len(values):
        raise IndexFileError(
            f"the counts of {what} do not add up to the {len(values)} stored", source=source
        )


def _split(
    values: npt.NDArray[Any], counts: npt.NDArray[np.int64], what: str, source: str
) -> list[npt.NDArray[Any]]:
    _check_counts(values, counts, what, source)
    return np.split(values, np.cumsum(counts)[:-1]) if counts.size else []


def _documents(
    entries: list[Any], arrays: dict[str, npt.NDArray[Any]], options: DedupOptions, source: str
) -> list[DocFeatures]:
    n = len(entries)
    signatures = arrays["signatures"]
    sentence_signatures = arrays["sentence_signatures"]
    sizes = arrays["sentence_sizes"]
    if signatures.shape != (n, options.num_perm) or sentence_signatures.shape != (
        len(sizes),
        options.sentence_num_perm,
    ):
        raise IndexFileError(
            f"signature arrays have shapes {signatures.shape} and {sentence_signatures.shape}, "
            f"expected ({n}, {options.num_perm}) and ({len(sizes)}, {options.sentence_num_perm})",
            source=source,
        )
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in entries]
    if len(set(ids)) != n:
        repeated = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise IndexFileError(f"document ids must be unique, repeated: {repeated}", source=source)
    if len(arrays["shingle_counts"]) != n or len(arrays["sentence_counts"]) != n:
        raise IndexFileError(f"per-document counts do not match {n} documents", source=source)
    shingles = _split(arrays["shingles"], arrays["shingle_counts"], "shingles", source)
    sentence_values = arrays["sentence_hashes"]
    _check_counts(sentence_values, sizes, "sentence hashes", source)
    # Where each sentence's hashes start, and one past the last sentence.
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    counts = arrays["sentence_counts"]
    if int(counts.sum()) != len(sizes) or (counts < 0).any():
        raise IndexFileError("the sentence counts do not match the sentences", source=source)
    docs = []
    first = 0
    for entry, doc_shingles, sig, count in zip(entries, shingles, signatures, counts, strict=True):
        try:
            doc_id, name, words = entry["id"], entry["name"], entry["words"]
            text_key, exact_key = int(entry["text_key"], 16), int(entry["exact_key"], 16)
        except (KeyError, TypeError, ValueError) as error:
            raise IndexFileError(
                f"document entry {entry!r} lacks a valid id, name, words, text_key or "
                f"exact_key: {error!r}",
                source=source,
            ) from error
        language = entry.get("language", UNDETERMINED)  # absent in files before issue 18
        if not (
            isinstance(doc_id, str)
            and isinstance(name, str)
            and isinstance(words, int)
            and isinstance(language, str)
        ):
            raise IndexFileError(
                f"document entry {entry!r} has fields of wrong types", source=source
            )
        last = first + int(count)
        docs.append(
            DocFeatures(
                id=doc_id,
                name=name,
                text_key=text_key,
                exact_key=exact_key,
                words=words,
                shingles=doc_shingles,
                signature=sig,
                sentence_values=sentence_values[bounds[first] : bounds[last]],
                sentence_sizes=sizes[first:last],
                sentence_signatures=sentence_signatures[first:last],
                language=language,
            )
        )
        first = last
    return docs
