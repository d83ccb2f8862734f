"""The checks on what a command reads and where it writes, made before anything is read.

Every engine runs the same checks: inputs exist (globs match files), and the
output is never an input, never inside an input directory, and never holds an
input (inputs are never modified or overwritten).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..core import OptionsError
from ._sources import STDIN

__all__ = ["check_inputs", "expand_globs"]


def check_inputs(inputs: Iterable[str], output: str | os.PathLike[str] | BinaryIO | None) -> None:
    """Refuse a missing input, and an output that is an input, is inside an input
    directory, or is a directory that holds an input (an :class:`~ingest.OptionsError`).

    ``-`` (standard input) is always there; an *output* that is not a path (a
    stream, ``None`` for standard output) cannot clash with an input.
    """
    shown = os.fspath(output) if isinstance(output, str | os.PathLike) else ""
    out = Path(shown).resolve() if shown else None
    for name in inputs:
        if name == STDIN:
            continue
        path = Path(name)
        if not path.exists():
            raise OptionsError(f"the input {name!r} does not exist")
        if out is None:
            continue
        resolved = path.resolve()
        if out == resolved or (out.exists() and out.samefile(resolved)):
            raise OptionsError(
                f"the output {shown!r} is also an input; inputs are never "
                "overwritten: write to another path"
            )
        if path.is_dir() and resolved in out.parents:
            raise OptionsError(
                f"the output {str(out)!r} is inside the input directory {name!r}; "
                "write it elsewhere"
            )
        if out in resolved.parents:
            raise OptionsError(
                f"the input {name!r} is inside the output directory {shown!r}; "
                "write to a new directory"
            )


def expand_globs(patterns: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files matching *patterns* (paths or globs, ``**`` included), each once, sorted
    per pattern; a pattern that matches no file is an :class:`~ingest.OptionsError`."""
    paths: list[Path] = []
    for pattern in map(str, patterns):
        matches = sorted(glob.glob(pattern, recursive=True))  # noqa: PTH207 - user globs
        files = [Path(m) for m in matches if Path(m).is_file()]
        if not files:
            hint = f" (a directory: give its files, '{pattern.rstrip('/')}/*.bundle')"
            raise OptionsError(
                f"the input {pattern!r} matches no file"
                + (hint if Path(pattern).is_dir() else "; check the path or glob")
            )
        paths.extend(files)
    return list(dict.fromkeys(paths))
