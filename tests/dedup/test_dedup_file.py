"""Saving and loading a DuplicateIndex: round trip, and bad files give positioned errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ingest import DedupOptions, Document, DuplicateIndex, IndexFileError

from ..conftest import FIXTURES, SEEDS


def _docs() -> list[Document]:
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted((FIXTURES / "dedup").glob("*.txt"))]
    assert len(paths) == 9
    return [Document(p.name, p.read_text(encoding="utf-8")) for p in paths]


def test_round_trip_keeps_clusters_and_answers(tmp_path: Path) -> None:
    options = DedupOptions(num_perm=64, seed=7)
    docs = _docs()
    index = DuplicateIndex(options)
    index.extend(docs[:-1])
    path = tmp_path / "index.ingest"
    index.save(path)
    assert path.exists()
    assert not list(tmp_path.glob(".*tmp"))
    loaded = DuplicateIndex.load(path)
    assert loaded.options == options
    assert len(loaded) == len(index)
    assert loaded.clusters() == index.clusters()
    assert loaded.query(docs[-1]) == index.query(docs[-1])
    # Loaded indexes keep growing like the original.
    assert loaded.add(docs[-1]) == index.add(docs[-1])
    assert loaded.clusters() == index.clusters()


def test_empty_index_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "empty.npz"
    DuplicateIndex().save(path)
    assert DuplicateIndex.load(path).clusters() == []


def _saved(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path / "index.npz"
    index = DuplicateIndex()
    index.extend(_docs()[:3])
    index.save(path)
    with np.load(path) as archive:
        return path, {name: archive[name] for name in archive.files}


def _write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with path.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]


def _header(arrays: dict[str, np.ndarray]) -> dict[str, object]:
    header: dict[str, object] = json.loads(arrays["header"].tobytes())
    return header


def _with_header(arrays: dict[str, np.ndarray], **changes: object) -> dict[str, np.ndarray]:
    header = _header(arrays) | changes
    raw = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    return arrays | {"header": raw}


def test_header_says_format_and_version(tmp_path: Path) -> None:
    _, arrays = _saved(tmp_path)
    header = _header(arrays)
    assert header["format"] == "ingest.DuplicateIndex"
    assert header["version"] == 1
    assert isinstance(header["documents"], list)
    assert len(header["documents"]) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: _with_header(a, version=2), "expected version 1, found 2"),
        (lambda a: _with_header(a, format="other"), "expected format 'ingest.DuplicateIndex'"),
        (
            lambda a: _with_header(a, options={"num_perm": 3}),
            "invalid options in header: DedupOptions.num_perm must be an integer",
        ),
        (lambda a: a | {"header": np.frombuffer(b"\xff{", np.uint8)}, "header is not UTF-8 JSON"),
        (
            lambda a: _with_header(a, documents=[_header(a)["documents"][0]] * 3),  # type: ignore[index]
            "document ids must be unique, repeated: ['",
        ),
        (lambda a: {k: v for k, v in a.items() if k != "signatures"}, "missing ['signatures']"),
        (
            lambda a: a | {"signatures": a["signatures"][:, :5]},
            "signature arrays have shapes (3, 5)",
        ),
        (
            lambda a: a | {"shingle_counts": a["shingle_counts"] + 1},
            "the counts of shingles do not add up",
        ),
        (
            lambda a: a | {"shingles": a["shingles"].astype(np.int64)},
            "array 'shingles' should hold uint32, found int64",
        ),
    ],
)
def test_bad_files_raise_index_file_error(tmp_path: Path, change: object, message: str) -> None:
    path, arrays = _saved(tmp_path)
    _write(path, change(arrays))  # type: ignore[operator]
    with pytest.raises(IndexFileError) as info:
        DuplicateIndex.load(path)
    assert info.value.source == str(path)
    assert message in str(info.value)


def test_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "index.npz"
    path.write_bytes(b"not a zip file")
    with pytest.raises(IndexFileError, match="expected a DuplicateIndex file"):
        DuplicateIndex.load(path)


def test_encrypted_member_gives_index_file_error(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flags_at] |= 1  # general purpose flag bit 0: encrypted
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(IndexFileError) as info:
        DuplicateIndex.load(path)
    assert str(info.value) == (
        f"{path}: expected a DuplicateIndex file (a NumPy .npz archive), could not read it: "
        "File 'header.npy' is encrypted, password required for extraction; "
        "save the index again with DuplicateIndex.save"
    )


def test_member_that_is_not_an_array_gives_index_file_error(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, b"no .npy header" if name == "signatures.npy" else content)
    with pytest.raises(IndexFileError) as info:
        DuplicateIndex.load(path)
    assert str(info.value) == (
        f"{path}: member 'signatures.npy' is not a NumPy array (it has no .npy header); "
        "save the index again with DuplicateIndex.save"
    )


def test_pickled_arrays_are_refused_not_unpickled(tmp_path: Path) -> None:
    path, arrays = _saved(tmp_path)
    _write(path, arrays | {"header": np.array([{"evil": 1}], dtype=object)})
    with pytest.raises(IndexFileError, match="Object arrays cannot be loaded"):
        DuplicateIndex.load(path)


def test_corrupt_bytes_give_index_file_error_or_a_valid_index(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    data = path.read_bytes()
    broken = tmp_path / "broken.npz"
    sources = set()
    for offset in range(0, len(data), max(1, len(data) // 60)):
        flipped = bytearray(data)
        flipped[offset] ^= 0xFF
        broken.write_bytes(bytes(flipped))
        try:
            DuplicateIndex.load(broken)
        except IndexFileError as error:  # anything else fails the test
            sources.add(error.source)
    assert sources == {str(broken)}


def test_a_sentence_repeated_many_times_is_cheap() -> None:
    text = "The talks stalled on Monday, officials in Beijing said. " * 20_000
    paraphrase = "Officials in Beijing said on Monday that the talks had stalled. " * 3
    index = DuplicateIndex(DedupOptions(kinds={"paraphrase"}))
    index.add(Document("a", text))
    [evidence] = index.add(Document("b", paraphrase))
    assert (evidence.kind, evidence.exact) == ("paraphrase", 1.0)


def test_an_index_saved_before_the_package_layout_still_loads() -> None:
    """``fixtures/dedup/index-0.1.0.npz`` was saved by ingest 0.1.0 when its modules were flat.

    It holds the five seeds and a copy of seed 002 (named ``copy-of-002``).
    """
    seeds = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    fresh = DuplicateIndex(DedupOptions(sentence_threshold=0.5))  # the default then
    fresh.extend([*seeds, Document("copy-of-002", seeds[2].text)])
    loaded = DuplicateIndex.load(FIXTURES / "dedup" / "index-0.1.0.npz")
    assert len(loaded) == 6
    assert loaded.options == DedupOptions(sentence_threshold=0.5)
    assert loaded.clusters() == fresh.clusters()
    found = loaded.query(Document("another-copy", seeds[2].text))
    assert found == fresh.query(Document("another-copy", seeds[2].text))
    assert {(e.matched, e.kind) for e in found} == {
        (seeds[2].id, "exact"),
        (Document("copy-of-002", seeds[2].text).id, "exact"),
    }


def test_an_index_saved_before_the_near_banding_changed_finds_its_near_copies() -> None:
    """``fixtures/dedup/index-65d9f40-near.npz`` (``fixtures/dedup/old_indexes.py``): kinds
    exact + near, saved by commit 65d9f40, whose document LSH was banded at
    ``near_threshold``; three seeds and a near copy of each (``near-of-NAME``). A file holds
    no LSH buckets: loading bands the signatures anew, so today's banding applies."""
    loaded = DuplicateIndex.load(FIXTURES / "dedup" / "index-65d9f40-near.npz")
    assert loaded.options == DedupOptions(kinds={"exact", "near"}, sentence_threshold=0.5)
    pairs = {tuple(sorted(m.name for m in c.members)) for c in loaded.clusters()}
    seeds = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert pairs == {(s.name, f"near-of-{s.name}") for s in seeds[:3]}
    for seed in seeds[:3]:
        found = {e.kind for e in loaded.query(Document("q", seed.text))}
        assert found == {"exact", "near"}
