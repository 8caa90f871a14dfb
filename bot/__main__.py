"""`python -m bot`: the `hrbot` command, for when its script is not on PATH."""

import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
