"""`-sc/--shell-completion`: print the script that installs or removes tab completion in
bash, zsh or fish, or answer one query of a script Hydra installed.

The installed scripts never run the app: each Tab runs `python -m hydria complete`
(the completion engine, which reads the app's script and config tree without
importing it) with the interpreter that printed the script. `query=SHELL` keeps
Hydra's protocol (`COMP_LINE` in the environment) for users of Hydra's scripts,
answered by the same engine.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hydria.app.application import App
from hydria.app.cli import RunRequest
from hydria.errors import UsageError
from hydria.record_class import record

__all__ = ["SHELLS", "Registration", "registration", "shell_completion"]

SHELLS = ("bash", "fish", "zsh")
# the shell functions, one file per shell: `@PYTHON@` stands for the interpreter
_SCRIPTS = Path(__file__).resolve().parent.parent.parent / "completion_scripts"
_SCRIPT_FILES = {"bash": "bash.sh", "fish": "fish.fish", "zsh": "zsh.zsh"}


@record(kw_only=True)
class Registration:
    """What an installed script completes: the command names the shell sees, and the
    app's script when those commands do not name it.

    `python app.py` registers the interpreter's names and `app.py` (run as `./app.py`);
    the script is then read from the command line, so one install serves every app
    run through those names. An entry point (`myapp`) registers its name, with the
    file that defines the task as its script.
    """

    commands: tuple[str, ...]
    script: str | None  # None: the script is on the command line


def registration(argv0: str, executable: str, task_file: str | None) -> Registration:
    """The commands to register for an app started as `argv0` by `executable`.

    Args:
        argv0: `sys.argv[0]`: the script (`app.py`, `./src/app.py`) or an entry point.
        executable: the interpreter (`sys.executable`).
        task_file: the file that defines the task function, if it has one.
    """
    name = os.path.basename(argv0)
    if argv0.endswith(".py"):
        names = ("python", "python3", os.path.basename(executable), name)
        return Registration(commands=tuple(dict.fromkeys(names)), script=None)
    script = os.path.abspath(task_file) if task_file else None
    return Registration(commands=(name,), script=script)


def shell_completion(
    app: App,
    request: RunRequest,
    *,
    argv0: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Carry out `-sc install=SHELL`, `uninstall=SHELL` or `query=SHELL`; nothing is
    composed and the task does not run.

    Args:
        app: the app whose command line this is.
        request: the parsed command line; `shell_completion` holds `ACTION=SHELL`.
        argv0: how the app was started (default `sys.argv[0]`).
        environ: the environment a query reads (default `os.environ`).

    Raises:
        UsageError: an unsupported shell, or a query without the shell's variables.
    """
    action, _, shell = (request.shell_completion or "").partition("=")
    if shell not in SHELLS:
        raise UsageError(
            f"--shell-completion {action}={shell}: unsupported shell {shell!r}; "
            f"hydria completes {', '.join(SHELLS)} (e.g. -sc {action}=bash)"
        )
    argv0 = sys.argv[0] if argv0 is None else argv0
    task_file = _task_file(app)
    if action == "query":
        print(_query(shell, argv0, task_file, os.environ if environ is None else environ))
        return
    found = registration(argv0, sys.executable, task_file)
    text = _install(shell, found) if action == "install" else _UNINSTALL[shell](found)
    print(text, end="")


def _task_file(app: App) -> str | None:
    task: Any = app.task
    while hasattr(task, "__wrapped__"):
        task = task.__wrapped__
    try:
        return inspect.getsourcefile(task)
    except TypeError:  # a builtin or a callable without source
        return None


def _function_name(command: str) -> str:
    """A shell function name for one entry point's completion (`my-app` → `my_app`)."""
    return "_hydria_complete_" + re.sub(r"\W", "_", command)


def _fish_quote(text: str) -> str:
    if re.fullmatch(r"[\w@%+=:,./-]+", text):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _install(shell: str, found: Registration) -> str:
    quote = _fish_quote if shell == "fish" else shlex.quote
    functions = (_SCRIPTS / _SCRIPT_FILES[shell]).read_text(encoding="utf-8")
    functions = functions.replace("@PYTHON@", quote(sys.executable))
    return functions + "\n" + _REGISTER[shell](found, quote)


def _bash_register(found: Registration, quote: Callable[[str], str]) -> str:
    names = " ".join(quote(c) for c in found.commands)
    # what completed these commands before, restored by -sc uninstall=bash (as Hydra does)
    lines = [f"_HYDRIA_OLD_COMPLETE=$(complete -p {names} 2>/dev/null | grep -v _hydria_complete)"]
    function = "_hydria_complete"
    if found.script is not None:
        function = _function_name(found.commands[0])
        lines.append(f"{function}() {{ _hydria_complete_with {quote(found.script)}; }}")
    lines.append(f"complete -o default -F {function} {names}")
    return "\n".join(lines) + "\n"


def _zsh_register(found: Registration, quote: Callable[[str], str]) -> str:
    names = " ".join(quote(c) for c in found.commands)
    # what completed these commands before (zsh's _python...), restored by uninstall
    lines = [
        "typeset -gA _hydria_old_comps",
        f"for _hydria_c in {names}; do",
        "    [[ ${_comps[$_hydria_c]-} == _hydria_complete* ]] ||"
        " _hydria_old_comps[$_hydria_c]=${_comps[$_hydria_c]-}",
        "done",
        "unset _hydria_c",
    ]
    function = "_hydria_complete"
    if found.script is not None:
        function = _function_name(found.commands[0])
        lines.append(f"{function}() {{ _hydria_complete_with {quote(found.script)}; }}")
    lines.append(f"compdef {function} {names}")
    # the completer of `~` words, still called for commands that are not hydria apps
    lines.append("(( $+_hydria_tilde_fallback )) || _hydria_tilde_fallback=${_comps[-tilde-]-}")
    lines.append("compdef _hydria_tilde -tilde-")
    return "\n".join(lines) + "\n"


def _fish_register(found: Registration, quote: Callable[[str], str]) -> str:
    if found.script is not None:
        function = _function_name(found.commands[0])
        return (
            f"function {function}\n    __hydria_complete {quote(found.script)}\nend\n"
            f"complete -c {quote(found.commands[0])} -x -a '({function})'\n"
        )
    # added to fish's own completions of python, taking over once a script is typed
    return "".join(
        f"complete -c {quote(c)} -n __hydria_is_app -x -a '(__hydria_complete)'\n"
        for c in found.commands
    )


_REGISTER = {"bash": _bash_register, "zsh": _zsh_register, "fish": _fish_register}


def _bash_uninstall(found: Registration) -> str:
    names = " ".join(shlex.quote(c) for c in found.commands)
    return (
        f"complete -r {names} 2>/dev/null\n"
        'eval "${_HYDRIA_OLD_COMPLETE-}"\n'
        "unset -v _HYDRIA_OLD_COMPLETE\n"
    )


def _zsh_uninstall(found: Registration) -> str:
    names = " ".join(shlex.quote(c) for c in found.commands)
    return (
        f"compdef -d {names}\n"
        f"for _hydria_c in {names}; do\n"
        "    [[ -n ${_hydria_old_comps[$_hydria_c]-} ]] &&"
        " compdef ${_hydria_old_comps[$_hydria_c]} $_hydria_c\n"
        "    unset '_hydria_old_comps[$_hydria_c]'\n"
        "done\n"
        "unset _hydria_c\n"
    )


def _fish_uninstall(found: Registration) -> str:
    # `complete -e -c python` would erase fish's own python completions too: those
    # registrations are switched off instead, as Hydra empties its function
    own = [c for c in found.commands if not c.startswith("python")]
    lines = [f"complete -e -c {_fish_quote(c)}" for c in own]
    lines.append("function __hydria_is_app\n    return 1\nend")
    return "\n".join(lines) + "\n"


_UNINSTALL: dict[str, Callable[[Registration], str]] = {
    "bash": _bash_uninstall,
    "zsh": _zsh_uninstall,
    "fish": _fish_uninstall,
}


def _query(shell: str, argv0: str, task_file: str | None, environ: Mapping[str, str]) -> str:
    """One answer to a script Hydra installed: it runs `APP -sc query=SHELL` with the
    command line in `COMP_LINE` (bash also gives the cursor in `COMP_POINT`). bash and
    zsh (Hydra's zsh is its bash script) read the candidates space-separated, fish one
    a line."""
    line = environ.get("COMP_LINE")
    if line is None:
        raise UsageError(
            f"-sc query={shell} answers a completion request from a shell: it reads the "
            "command line from COMP_LINE, which is not set; to complete in a shell, run "
            f"-sc install={shell}"
        )
    point = environ.get("COMP_POINT", "")
    if shell != "fish" and point.isdigit():
        line = line[: int(point)]
    script = argv0 if argv0.endswith(".py") or task_file is None else task_file
    candidates = _engine(os.path.abspath(script), line)
    return "\n".join(candidates) if shell == "fish" else " ".join(candidates)


def _engine(script: str, line: str) -> Sequence[str]:
    """The completion engine's candidates for `line`, from its command line."""
    command = [sys.executable, "-m", "hydria", "complete", "--script", script]
    command += ["--cwd", os.getcwd(), "--line", line]
    debug = os.environ.get("HYDRIA_COMPLETION_DEBUG") == "1"
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL,
        text=True,
        check=False,
    )
    return [c for c in done.stdout.splitlines() if c]
