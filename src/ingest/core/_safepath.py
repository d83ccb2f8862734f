"""Writing member names as files under a directory, safely.

``ingest unpack`` and ``ingest clean --format dir`` turn document names, which
come from untrusted bundles, into file paths. This module is the only place
that does so. It is modelled on the ``data`` extraction filter of
:mod:`tarfile` (PEP 706) and the bypasses found against such filters:

* a name must be relative and plain: no absolute path, no drive letter
  (``C:``), no UNC or backslash separator, no NUL, no ``..`` component, not
  empty and not a bare directory (``a/``); ``.`` and empty components are
  dropped (``a/./b`` and ``a//b`` are ``a/b``);
* every directory on the way is opened relative to its parent with
  ``O_NOFOLLOW``, so a symbolic link in the target (or a chain of them) is
  never followed, wherever it points;
* the file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW``: an existing
  file, link or directory of that name (a collision, including two names
  that differ only in case on a case-insensitive file system) is refused,
  never overwritten;
* only regular files and directories are created: never links, devices or
  special permission bits.

>>> safe_name("news/2025/a.txt")
'news/2025/a.txt'
>>> safe_name("../etc/passwd")
Traceback (most recent call last):
...
ingest.UnsafePathError: unsafe name '../etc/passwd': it has a '..' component, \
which would leave the target directory
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from types import TracebackType
from typing import Final

from ._errors import IngestError, public

__all__ = ["SafeDirectory", "UnsafePathError", "safe_name"]

_DRIVE_RE: Final = re.compile(r"^[A-Za-z]:")
#: Flags for opening each directory on the way: never through a link.
_DIR_FLAGS: Final = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
#: Flags for creating a file: a new regular file, never through a link.
_FILE_FLAGS: Final = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
)
#: The longest name component most file systems accept, in bytes.
_MAX_COMPONENT: Final = 255


@public
class UnsafePathError(IngestError, ValueError):
    """A document name cannot be written as a file under the target directory.

    ``name`` is the refused name and ``reason`` says why; ``str()`` renders both.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"unsafe name {name!r}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (UnsafePathError, (self.name, self.reason))


def safe_name(name: str) -> str:
    """*name* as a normalised relative POSIX path, or :class:`UnsafePathError`.

    >>> safe_name("./a//b.txt")
    'a/b.txt'
    >>> safe_name("C:/Windows/win.ini")
    Traceback (most recent call last):
    ...
    ingest.UnsafePathError: unsafe name 'C:/Windows/win.ini': it starts with a \
drive letter
    """
    if not name:
        raise UnsafePathError(name, "it is empty")
    if "\x00" in name:
        raise UnsafePathError(name, "it holds a NUL character")
    if "\\" in name:
        raise UnsafePathError(
            name, "it holds a backslash, a path separator (or UNC prefix) on Windows"
        )
    if name.startswith("/"):
        raise UnsafePathError(name, "it is an absolute path")
    if _DRIVE_RE.match(name):
        raise UnsafePathError(name, "it starts with a drive letter")
    if name.endswith("/"):
        raise UnsafePathError(name, "it names a directory, not a file")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafePathError(
            name, "it has a '..' component, which would leave the target directory"
        )
    if not parts:
        raise UnsafePathError(name, "it names the target directory itself")
    for part in parts:
        if len(os.fsencode(part)) > _MAX_COMPONENT:
            raise UnsafePathError(name, f"a component is longer than {_MAX_COMPONENT} bytes")
    return "/".join(parts)


class SafeDirectory:
    """A directory into which untrusted names are written as new regular files.

    Use as a context manager (it holds a file descriptor on the directory).
    :meth:`write` creates one file, refusing anything :func:`safe_name`
    refuses, links anywhere on the way, and existing files.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._fd = os.open(self.root, _DIR_FLAGS)
        self.written: set[str] = set()

    def __enter__(self) -> SafeDirectory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the directory's file descriptor."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def write(self, name: str, data: bytes) -> str:
        """Create the file *name* holding *data*; return the normalised name.

        Raises :class:`UnsafePathError` for a refused name, a link on the way
        or a collision; *nothing* is written then.
        """
        clean = safe_name(name)
        *dirs, leaf = clean.split("/")
        fd = os.dup(self._fd)
        try:
            for i, part in enumerate(dirs):
                child = self._enter(fd, part, name, "/".join(dirs[: i + 1]))
                os.close(fd)
                fd = child
            try:
                out = os.open(leaf, _FILE_FLAGS, 0o666, dir_fd=fd)
            except FileExistsError:
                raise UnsafePathError(name, self._collision(clean)) from None
            except OSError as exc:
                if _is_link_error(exc):
                    raise UnsafePathError(name, "the target path is a symbolic link") from None
                raise
            with os.fdopen(out, "wb") as handle:
                handle.write(data)
        finally:
            os.close(fd)
        self.written.add(clean)
        return clean

    def _collision(self, clean: str) -> str:
        if clean in self.written:
            return "another document of the same name was already written"
        return "a file, directory or link of that name already exists in the target"

    @staticmethod
    def _enter(parent: int, part: str, name: str, so_far: str) -> int:
        """Open (creating it if needed) the directory *part* under *parent*."""
        with contextlib.suppress(FileExistsError):
            os.mkdir(part, 0o777, dir_fd=parent)
        try:
            child = os.open(part, _DIR_FLAGS, dir_fd=parent)
        except OSError as exc:
            # Linux says ENOTDIR for a link opened with O_DIRECTORY | O_NOFOLLOW: look.
            if _is_link_error(exc) or stat.S_ISLNK(os.lstat(part, dir_fd=parent).st_mode):
                raise UnsafePathError(
                    name, f"{so_far!r} in the target is a symbolic link"
                ) from None
            if isinstance(exc, NotADirectoryError):
                raise UnsafePathError(
                    name, f"{so_far!r} is already a file in the target, not a directory"
                ) from None
            raise
        if not stat.S_ISDIR(os.fstat(child).st_mode):  # pragma: no cover - O_DIRECTORY
            os.close(child)
            raise UnsafePathError(name, f"{so_far!r} is not a directory")
        return child


def _is_link_error(exc: OSError) -> bool:
    """Whether *exc* is how ``O_NOFOLLOW`` refuses a link (ELOOP; EMLINK on some BSDs)."""
    return exc.errno in (errno.ELOOP, errno.EMLINK)
