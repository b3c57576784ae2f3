"""The command line of a hydria app: argv → `RunRequest`, with Hydra 1.3's flags and semantics.

Hand-written rather than argparse, because argparse prints and exits on errors and
this module must raise `UsageError` instead. Everything that is not a flag is an
override; flags may appear anywhere, and after a bare `--` everything is an override.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from hydria.app.flags import CFG_KINDS as CFG_KINDS
from hydria.app.flags import COMPLETION_ACTIONS as COMPLETION_ACTIONS
from hydria.app.flags import FLAGS as FLAGS
from hydria.app.flags import INFO_KINDS as INFO_KINDS
from hydria.app.flags import OVERRIDES_HELP as OVERRIDES_HELP
from hydria.app.flags import Command as Command
from hydria.app.flags import Flag as Flag
from hydria.errors import UsageError
from hydria.record_class import record

__all__ = [
    "CFG_KINDS",
    "COMPLETION_ACTIONS",
    "FLAGS",
    "INFO_KINDS",
    "Command",
    "Flag",
    "RunRequest",
    "parse_args",
    "usage_text",
]


@record(kw_only=True)
class RunRequest:
    """What the command line asks for, checked but not yet acted on.

    Attributes:
        overrides: every argument that is not a flag, in order (`db=mysql`, `~x`, ...).
        config_path: `--config-path/-cp`, replaces the decorator's config_path.
        config_name: `--config-name/-cn`, replaces the decorator's config_name.
        config_dir: `--config-dir/-cd`, a directory searched before the others.
        cfg: `--cfg/-c`: show this part of the config (job, hydra, all) instead of running.
        resolve: `--resolve`: resolve interpolations before showing (--cfg, --help).
        package: `--package/-p`: show only this package of the config (needs --cfg).
        info: `--info/-i`: which information to print (a bare `--info` is "all").
        help: `--help/-h`: print the app's help.
        hydra_help: `--hydra-help`: print the help about hydria's own config groups.
        version: `--version`: print the version.
        multirun: `--multirun/-m`: sweep and launch jobs.
        resume: `--resume`: with --multirun, run only the jobs of the sweep in
            `hydra.sweep.dir` that did not complete.
        no_wait: `--no-wait`: with --multirun, a launcher that sends jobs to a cluster
            submits them and returns without waiting (`hydra.launcher.wait=false`).
        run: `--run/-r`: run one job (the default command).
        experimental_rerun: `--experimental-rerun`: a saved config pickle to run again.
        shell_completion: `--shell-completion/-sc` with its subcommand taken from the
            arguments, as given: `install=bash`, `uninstall=fish` or `query=bash`.
        explain: `--explain`: "" to annotate what --cfg prints with each value's origin;
            a key (`db.port`) to print every value that key took and where from.
    """

    overrides: tuple[str, ...] = ()
    config_path: str | None = None
    config_name: str | None = None
    config_dir: str | None = None
    cfg: str | None = None
    resolve: bool = False
    package: str | None = None
    info: str | None = None
    help: bool = False
    hydra_help: bool = False
    version: bool = False
    multirun: bool = False
    resume: bool = False
    no_wait: bool = False
    run: bool = False
    experimental_rerun: str | None = None
    shell_completion: str | None = None
    explain: str | None = None

    @property
    def command(self) -> Command:
        """What to do, in Hydra's precedence: --version, --experimental-rerun, --help,
        --hydra-help, then the one of --cfg, --info, -sc, --multirun, --run given (run if none).
        """
        if self.version:
            return "version"
        if self.experimental_rerun is not None:
            return "experimental_rerun"
        if self.help:
            return "help"
        if self.hydra_help:
            return "hydra_help"
        if self.cfg is not None:
            return "cfg"
        if self.info is not None:
            return "info"
        if self.explain:
            return "explain"
        if self.shell_completion is not None:
            return "shell_completion"
        return "multirun" if self.multirun else "run"


_BY_SHORT = {f.short: f for f in FLAGS if f.short is not None}
_BY_LONG = {f.long: f for f in FLAGS}
_SPELLINGS = [*_BY_LONG, *_BY_SHORT]


def parse_args(argv: Sequence[str]) -> RunRequest:
    """Read a command line (without the program name) the way Hydra 1.3 reads it.

    Args:
        argv: the arguments, e.g. `sys.argv[1:]`.

    Returns:
        The request, with overrides in the order given and flags checked together.

    Raises:
        UsageError: an unknown, ambiguous or malformed flag, a bad value, or flags that
            cannot be combined; the message names the flag and what was expected.
    """
    values: dict[str, Any] = {}  # RunRequest field → value (str for flags with values)
    overrides: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token == "--":
            overrides.extend(argv[i:])
            break
        if not _is_flag(token):
            overrides.append(token)
            continue
        flag, spelled, value = _match_flag(token)
        if flag.takes == "none":
            if value is not None:
                raise UsageError(f"{spelled} takes no value, got {value!r}")
            values[flag.dest] = True
            continue
        if value is None and i < len(argv) and _may_be_value(flag, argv[i]):
            value = argv[i]
            i += 1
        if value is None and flag.takes == "value":
            following = f"; got the flag {argv[i]!r}" if i < len(argv) else ""
            raise UsageError(f"{spelled} expects a value: {_expected(flag)}{following}")
        values[flag.dest] = _checked_value(flag, spelled, flag.bare if value is None else value)
    if values.pop("shell_completion", False):
        request = replace(RunRequest(overrides=tuple(overrides)), **values)
        # Like Hydra, --version, --experimental-rerun and the helps win: -sc is then ignored.
        if request.command in ("run", "multirun", "cfg", "info"):
            completion = _completion_subcommand(overrides)
            overrides.remove(completion)
            values["shell_completion"] = completion
    request = replace(RunRequest(overrides=tuple(overrides)), **values)
    _check_combination(request)
    if request.command in ("run", "multirun"):
        request = _sweep_switches(request)
    return request


_RESUME_KEYS = ("hydra.sweep.resume=", "+hydra.sweep.resume=", "++hydra.sweep.resume=")


def _sweep_switches(request: RunRequest) -> RunRequest:
    """`--resume` and `--no-wait` (sweep flags) checked against the command, and their
    override spellings folded in, so that no later stage edits the overrides.

    `hydra.sweep.resume=true` is `--resume`: taken out of the overrides, so the `hydra`
    node stays exactly Hydra's (which has no such key). `--no-wait` is the override
    `++hydra.launcher.wait=false`, appended.
    """
    rest, resume = [], request.resume
    for text in request.overrides:
        if text.startswith(_RESUME_KEYS):
            value = text.partition("=")[2].strip().lower()
            if value not in ("true", "false"):
                raise UsageError(f"'{text}': hydra.sweep.resume is true or false")
            resume = value == "true"
        else:
            rest.append(text)
    sweeping = request.multirun or "hydra.mode=MULTIRUN" in rest
    if resume and not sweeping:
        raise UsageError("--resume resumes a sweep: give it with --multirun (-m)")
    if request.no_wait:
        if not sweeping:
            raise UsageError("--no-wait submits a sweep's jobs: give it with --multirun (-m)")
        rest.append("++hydra.launcher.wait=false")
    return replace(request, overrides=tuple(rest), resume=resume)


def _is_flag(token: str) -> bool:
    # `-` alone and negative numbers (`-1`) are arguments, as in argparse.
    if token.startswith("--"):
        return len(token) > 2
    return len(token) > 1 and token[0] == "-" and token[1].isalpha()


def _may_be_value(flag: Flag, token: str) -> bool:
    if token == "--" or _is_flag(token):
        return False
    # `--info db=mysql`: the optional kind is absent and an override follows.
    return flag.takes == "value" or not ("=" in token or token.startswith(("~", "+")))


def _match_flag(token: str) -> tuple[Flag, str, str | None]:
    """The flag a token names, how to call it in messages, and its `=value` if attached."""
    name, eq, value = token.partition("=")
    attached = value if eq else None
    if name.startswith("--"):
        if name in _BY_LONG:
            return _BY_LONG[name], name, attached
        candidates = [f for f in FLAGS if f.long.startswith(name)]
        if len(candidates) == 1:
            return candidates[0], candidates[0].long, attached
        if candidates:
            names = ", ".join(f.long for f in candidates)
            raise UsageError(f"ambiguous flag {name!r}: it could be {names}")
    elif name in _BY_SHORT:
        return _BY_SHORT[name], name, attached
    else:
        # `-cjob` is `-c job`, as argparse reads it (the longest short flag wins: `-cpconf`)
        valued = [s for s, f in _BY_SHORT.items() if f.takes != "none" and name.startswith(s)]
        if valued and attached is None:
            short = max(valued, key=len)
            return _BY_SHORT[short], short, name[len(short) :]
    raise UsageError(_unknown_flag_message(name))


def _unknown_flag_message(name: str) -> str:
    message = f"unknown flag {name!r}"
    if not name.startswith("--"):
        valued = [s for s, f in _BY_SHORT.items() if f.takes != "none" and name.startswith(s)]
        if valued:
            short = max(valued, key=len)
            rest = name[len(short) :]
            return f"{message}; to give {short} a value, write '{short} {rest}' or '{short}={rest}'"
        switches = [f"-{c}" for c in name[1:]]
        if len(switches) > 1 and all(s in _BY_SHORT for s in switches):
            return f"{message}; short flags cannot be combined, write '{' '.join(switches)}'"
    close = difflib.get_close_matches(name, _SPELLINGS, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; --hydra-help lists the flags"


def _expected(flag: Flag) -> str:
    return f"one of {', '.join(flag.choices)}" if flag.choices else flag.expects


def _checked_value(flag: Flag, spelled: str, value: str) -> str:
    if not flag.choices or value in flag.choices:
        return value
    message = f"{spelled} expects one of {', '.join(flag.choices)}, got {value!r}"
    close = difflib.get_close_matches(value, flag.choices, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    raise UsageError(message)


def _completion_subcommand(overrides: Sequence[str]) -> str:
    """The one `install=SHELL`, `uninstall=SHELL` or `query=SHELL` argument of `-sc`."""
    found = [o for o in overrides if o.partition("=")[0] in COMPLETION_ACTIONS and "=" in o]
    expected = "one of install=SHELL, uninstall=SHELL, query=SHELL (e.g. -sc install=bash)"
    if not found:
        raise UsageError(f"--shell-completion expects {expected}")
    if len(found) > 1:
        given = " and ".join(repr(o) for o in found)
        raise UsageError(f"--shell-completion expects only one of its subcommands, got {given}")
    action, _, shell = found[0].partition("=")
    if not shell:
        raise UsageError(
            f"--shell-completion expects a shell after '{action}=', e.g. {action}=bash"
        )
    return found[0]


def _check_combination(request: RunRequest) -> None:
    """Hydra's checks on flags given together, in Hydra's order (help wins over all)."""
    if request.command in ("version", "experimental_rerun", "help"):
        return
    if request.resolve and request.cfg is None and not request.explain:
        raise UsageError(  # Hydra's phrase first: users' tests match on it
            "The --resolve flag can only be used in conjunction with --cfg or --help "
            "(or --explain KEY)"
        )
    if request.hydra_help:
        return
    commands = (
        ("--run", request.run),
        ("--multirun", request.multirun),
        ("--cfg", request.cfg is not None),
        ("--info", request.info is not None),
        ("--explain KEY", bool(request.explain)),
        ("--shell-completion", request.shell_completion is not None),
    )
    given = [name for name, is_given in commands if is_given]
    if len(given) > 1:
        raise UsageError(
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; "
            f"got {', '.join(given[:-1])} and {given[-1]}"
        )
    if request.package is not None and request.cfg is None:
        raise UsageError("--package can only be used with --cfg (it picks the package to show)")
    if request.explain == "" and request.cfg is None:
        raise UsageError(
            "--explain without a key annotates what --cfg prints: add --cfg job (or hydra, "
            "all), or name the key to explain, e.g. --explain db.port"
        )


def usage_text(prog: str, *, width: int = 80) -> str:
    """The `usage:` lines, wrapped as argparse wraps them.

    Args:
        prog: the program name (`app.py`).
        width: the terminal width.
    """
    parts = [_usage_part(f) for f in FLAGS]
    head = f"usage: {prog} "
    indent = " " * len(head)
    lines: list[str] = []
    line = head
    for part in parts:
        if line not in (head, indent) and len(line) + len(part) > width - 2:
            lines.append(line.rstrip())
            line = indent
        line += part + " "
    lines.append(line.rstrip())
    lines.append(indent + "[overrides ...]")
    return "\n".join(lines)


def _usage_part(flag: Flag) -> str:
    metavar = "{" + ",".join(flag.choices) + "}" if flag.choices else flag.dest.upper()
    metavar = flag.metavar or metavar
    if flag.takes == "none":
        return f"[{flag.long}]"
    if flag.takes == "optional":
        return f"[{flag.long} [{metavar}]]"
    return f"[{flag.long} {metavar}]"
