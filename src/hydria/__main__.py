"""`python -m hydria <command>`: tools that work on what runs left behind, and `complete`,
which answers a shell's Tab for an app without importing it (see `hydria.completion`)."""

from __future__ import annotations

import sys


def _main(argv: list[str]) -> int:
    if argv[:1] == ["complete"]:
        # before `hydria.tools`: a Tab pays only for what completion imports
        from hydria.completion.command import main as complete

        return complete(argv[1:])
    from hydria.tools import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
