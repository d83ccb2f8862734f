"""Safe writing of untrusted names (unpack, --format dir), after tarfile's ``data`` filter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest import UnsafePathError
from ingest.core._safepath import SafeDirectory, safe_name

UNSAFE = {
    "/etc/passwd": "absolute path",
    "//server/share/x": "absolute path",
    "../escape.txt": "'..' component",
    "a/../../escape.txt": "'..' component",
    "a/..": "'..' component",
    "C:/Windows/win.ini": "drive letter",
    "c:relative.txt": "drive letter",
    "\\\\server\\share\\x": "backslash",
    "a\\..\\b": "backslash",
    "nul\x00byte": "NUL",
    "": "empty",
    ".": "target directory itself",
    "./": "names a directory",
    "dir/": "names a directory",
    "x" * 256: "longer than 255 bytes",
}


@pytest.mark.parametrize(("name", "reason"), UNSAFE.items(), ids=repr)
def test_unsafe_names_are_refused(name: str, reason: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError, match=reason.replace("(", r"\(")):
        safe_name(name)
    with SafeDirectory(tmp_path) as target, pytest.raises(UnsafePathError):
        target.write(name, b"x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("a.txt", "a.txt"),
        ("./a//b/./c.txt", "a/b/c.txt"),
        ("é/日本.txt", "é/日本.txt"),
        ("a..b", "a..b"),
    ],
)
def test_safe_names_are_normalised(name: str, normal: str, tmp_path: Path) -> None:
    assert safe_name(name) == normal
    with SafeDirectory(tmp_path) as target:
        assert target.write(name, b"data") == normal
    assert (tmp_path / normal).read_bytes() == b"data"


def test_symlinked_directory_in_the_target_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "target"
    target.mkdir()
    (target / "sub").symlink_to(outside)
    with SafeDirectory(target) as out, pytest.raises(UnsafePathError, match="symbolic link"):
        out.write("sub/x.txt", b"pwned")
    assert list(outside.iterdir()) == []


def test_symlink_chain_and_dangling_link_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "target"
    target.mkdir()
    (target / "hop").symlink_to(outside)
    (target / "chain").symlink_to(target / "hop")
    (target / "file.txt").symlink_to(outside / "created.txt")  # dangling: O_CREAT would follow
    with SafeDirectory(target) as out:
        with pytest.raises(UnsafePathError, match="symbolic link"):
            out.write("chain/x.txt", b"pwned")
        with pytest.raises(UnsafePathError):
            out.write("file.txt", b"pwned")
    assert list(outside.iterdir()) == []


def test_hard_link_in_the_target_is_not_written_through(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"keep")
    target = tmp_path / "target"
    target.mkdir()
    os.link(precious, target / "a.txt")
    with SafeDirectory(target) as out, pytest.raises(UnsafePathError, match="already exists"):
        out.write("a.txt", b"overwrite")
    assert precious.read_bytes() == b"keep"


def test_collisions_are_refused(tmp_path: Path) -> None:
    with SafeDirectory(tmp_path) as out:
        out.write("a/b.txt", b"1")
        with pytest.raises(UnsafePathError, match="same name was already written"):
            out.write("a//b.txt", b"2")
        with pytest.raises(UnsafePathError, match="already a file"):
            out.write("a/b.txt/c.txt", b"3")
        with pytest.raises(UnsafePathError, match="already exists"):
            out.write("a", b"4")
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"1"
