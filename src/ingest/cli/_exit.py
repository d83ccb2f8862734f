"""The exit codes of every ``ingest`` command (``docs/cli.md``, "Exit codes")."""

from typing import Final

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE"]

#: Every document was written (or dropped as a duplicate).
EXIT_OK: Final = 0
#: Some documents failed (each reported on stderr), or the run stopped on an error.
EXIT_FAILED: Final = 1
#: A usage error: bad arguments, a missing input, an output that would overwrite an
#: input, an optional extra that is not installed. Nothing was read or written.
EXIT_USAGE: Final = 2
#: Interrupted (Ctrl-C); the output was left as it was.
EXIT_INTERRUPTED: Final = 130
