"""`python -m hydria.compat`: run an unmodified Hydra script on hydria.

usage: python -m hydria.compat SCRIPT [ARGS...]
       python -m hydria.compat -m MODULE [ARGS...]
       python -m hydria.compat --pythonpath

SCRIPT (or MODULE) runs as `python SCRIPT ARGS` would, except that `import hydra` and its
submodules are hydria's, in it and in every Python process it starts. Everything after
SCRIPT is the script's own (`-m` there is Hydra's multirun flag). `--pythonpath` prints
the directory that does this when put first on PYTHONPATH. Exit code: the script's, or 2
when the command line is wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hydria.compat.shim_runner import run_with_shim, shim_dir
from hydria.errors import UsageError

_PROG = "python -m hydria.compat"
_USAGE = (
    f"usage: {_PROG} SCRIPT [ARGS...]\n"
    f"       {_PROG} -m MODULE [ARGS...]\n"
    f"       {_PROG} --pythonpath\n"
)


def main(argv: Sequence[str]) -> int:
    """Parse `argv` (without the program name) and act on it; returns the exit code."""
    if not argv:
        sys.stderr.write(_USAGE + f"{_PROG}: error: name the script to run\n")
        return 2
    first, rest = argv[0], list(argv[1:])
    if first in ("-h", "--help"):
        sys.stdout.write(__doc__.split("\n\n", 1)[1] if __doc__ else _USAGE)
        return 0
    if first == "--pythonpath":
        if rest:
            sys.stderr.write(_USAGE + f"{_PROG}: error: --pythonpath takes no arguments\n")
            return 2
        print(shim_dir())
        return 0
    try:
        if first == "-m":
            if not rest:
                raise UsageError("-m expects a module name")
            return run_with_shim(rest[0], rest[1:], is_module=True)
        if first.startswith("-m") and len(first) > 2:
            return run_with_shim(first[2:], rest, is_module=True)
        if first.startswith("-"):
            raise UsageError(f"unknown option '{first}': the script's own options go after SCRIPT")
        return run_with_shim(first, rest)
    except UsageError as exc:
        sys.stderr.write(_USAGE + f"{_PROG}: error: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
