"""`python -m hydria <command>`: tools that work on what runs left behind."""

from __future__ import annotations

import sys

from hydria.tools import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
