"""``python -m ingest``: the same as the ``ingest`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
