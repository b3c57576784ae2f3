"""Running an unmodified Hydra script or module with `import hydra` served by hydria.

The shim directory holds a `hydra` package made only of re-exports of hydria's names
under Hydra's module paths. Put first on `PYTHONPATH`, it is found before any installed
hydra-core (entries of `PYTHONPATH` precede site-packages on `sys.path`), and every Python
process started with that environment — DDP ranks, `subprocess` re-runs of
`sys.executable sys.argv[0]`, joblib or submitit workers — finds it too.

Why the script runs in a new interpreter (`os.execve`) and not in this one (`runpy`):

- `python SCRIPT` sets up things `runpy.run_path` does not reproduce: `sys.path[0]` is the
  script's directory (runpy leaves this process's entry), `sys.argv[0]` is the path as
  typed, `__main__` is a real module that `pickle` and multiprocessing's `spawn` can find
  again, interpreter options (`-X`, `-W`, `-O`) apply from the first line, and nothing of
  hydria's start-up is already imported or registered. Hydra apps depend on several of
  these: the job name and a `config_path` relative to the script come from `sys.argv[0]`
  and the caller's file.
- Children must get the shim through the environment anyway, so the script itself may as
  well get it the same way: one mechanism, one behaviour, whether a process is the
  script or one of its ranks.
- Replacing this process keeps its pid, its signals (Ctrl-C, `kill` from a scheduler) and
  its exit code, with nothing in between to forward them. On Windows, where `exec`
  starts a new process and lets the old one exit at once, the script runs as a child
  whose exit code is returned instead.
The price is one more interpreter start-up, a few tens of milliseconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from hydria.errors import UsageError

__all__ = ["environment_with_shim", "run_with_shim", "shim_dir"]


def shim_dir() -> Path:
    """The absolute path of the directory holding the `hydra` shim package.

    It is a folder of `hydria.compat` as installed (a wheel, or the source tree of an
    editable install), so it always matches the hydria that will serve the imports.
    """
    return Path(__file__).resolve().parent / "shim"


def environment_with_shim(environ: Mapping[str, str]) -> dict[str, str]:
    """A copy of `environ` whose `PYTHONPATH` starts with the shim directory.

    The directory is moved to the front when it is already there, so running through
    `hydria.compat` twice (a script that re-runs itself) does not grow the variable.
    """
    shim = str(shim_dir())
    entries = [e for e in environ.get("PYTHONPATH", "").split(os.pathsep) if e and e != shim]
    env = dict(environ)
    env["PYTHONPATH"] = os.pathsep.join([shim, *entries])
    return env


def _interpreter_options() -> list[str]:
    # The options this interpreter was started with (`python -X dev -m hydria.compat ...`),
    # so the script runs under the same ones. When hydria.compat was not started with
    # `-m` (run programmatically), there are none to pass on.
    argv = sys.orig_argv
    for i, arg in enumerate(argv[1:], start=1):
        if arg == "-mhydria.compat" or (arg == "-m" and argv[i + 1 : i + 2] == ["hydria.compat"]):
            return list(argv[1:i])
    return []


def run_with_shim(target: str, args: Sequence[str], *, is_module: bool = False) -> int:
    """Run the script `target` (or, with `is_module`, the module) as `python target args`
    would, with the shim first on `PYTHONPATH`.

    On POSIX this process is replaced and the function does not return; elsewhere it
    returns the script's exit code.

    Raises:
        hydria.errors.UsageError: `target` is not a file (or not a module name), or this
            interpreter ignores the environment (`-E`, `-I`), so `PYTHONPATH` would not
            reach the script.
    """
    if sys.flags.ignore_environment:
        raise UsageError(
            "this Python ignores PYTHON* environment variables (-E or -I), so the hydra shim "
            "on PYTHONPATH would not be seen; run 'python -m hydria.compat' without them"
        )
    if is_module:
        if not target or target.startswith("-"):
            raise UsageError(f"-m expects a module name, got {target!r}")
        command = ["-m", target, *args]
    else:
        if not Path(target).is_file():
            reason = "is a directory" if Path(target).is_dir() else "no such file"
            raise UsageError(f"cannot run '{target}': {reason}")
        command = [target, *args]
    argv = [sys.executable, *_interpreter_options(), *command]
    env = environment_with_shim(os.environ)
    # exec discards this process's unwritten buffers.
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "posix":
        try:
            return subprocess.run(argv, env=env, check=False).returncode
        except KeyboardInterrupt:
            # The console sent Ctrl-C to the child as well; it decides how it ends.
            return 130
    os.execve(sys.executable, argv, env)
