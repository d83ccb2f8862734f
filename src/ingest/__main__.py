"""``python -m ingest``: the same as the ``ingest`` command."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
