"""The ``ingest`` command line: parsing arguments and printing, nothing else.

``_main`` parses the arguments and runs the one-process commands over
:class:`ingest.Pipeline`; ``_scale`` runs the commands over the engines
beyond one process (``dedup --engine dask``, ``index``); ``_console`` is what
is printed on stderr. Exit codes and examples: ``docs/cli.md``.

Imports the public names of the other packages; nothing imports it.
"""

from ._main import main

__all__ = ["main"]
