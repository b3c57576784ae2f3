"""The flags of a hydria app's command line, in Hydra 1.3's order and wording: one table
that the parser (`cli`), the usage line and `--hydra-help` all read."""

from __future__ import annotations

from typing import Literal

from hydria.record_class import record

__all__ = [
    "CFG_KINDS",
    "COMPLETION_ACTIONS",
    "FLAGS",
    "INFO_KINDS",
    "OVERRIDES_HELP",
    "Command",
    "Flag",
]

CFG_KINDS = ("job", "hydra", "all")
INFO_KINDS = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
COMPLETION_ACTIONS = ("install", "uninstall", "query")

Command = Literal[
    "version",
    "experimental_rerun",
    "help",
    "hydra_help",
    "cfg",
    "info",
    "explain",
    "shell_completion",
    "multirun",
    "run",
]


@record(kw_only=True)
class Flag:
    """One flag of the command line.

    Attributes:
        long: the long spelling (`--cfg`); unique prefixes of it are accepted too.
        short: the short spelling (`-c`, `-cp`), or None.
        takes: "none" (a switch), "value" (one argument) or "optional" (`--info [kind]`).
        bare: the value of an "optional" flag given without one.
        metavar: how the usage line names its value (default: from the flag's name).
        choices: the accepted values, when they are a fixed set.
        expects: what the value is, for error messages.
        help: the one-line help shown in `--hydra-help` (Hydra's wording).
    """

    long: str
    short: str | None = None
    takes: Literal["none", "value", "optional"] = "none"
    bare: str = "all"
    metavar: str = ""
    choices: tuple[str, ...] = ()
    expects: str = ""
    help: str

    @property
    def dest(self) -> str:
        """The `RunRequest` field it sets: `--config-path` sets `config_path`."""
        return self.long[2:].replace("-", "_")


_MAIN_PATH_HELP = (
    "Overrides the config_path specified in hydria.main().\n"
    "                    The config_path is absolute or relative to the Python file"
    " declaring @hydria.main()"
)

# Hydra's flags, in Hydra's order (the order of --hydra-help and of the usage line).
FLAGS: tuple[Flag, ...] = (
    Flag(long="--help", short="-h", help="Application's help"),
    Flag(long="--hydra-help", help="Hydra's help"),
    Flag(long="--version", help="Show hydria's version and exit"),
    Flag(
        long="--cfg",
        short="-c",
        takes="value",
        choices=CFG_KINDS,
        help="Show config instead of running [job|hydra|all]",
    ),
    Flag(
        long="--resolve",
        help="Used in conjunction with --cfg, resolve config interpolations before printing.",
    ),
    Flag(
        long="--package",
        short="-p",
        takes="value",
        expects="a config package, e.g. db",
        help="Config package to show",
    ),
    Flag(long="--run", short="-r", help="Run a job"),
    Flag(
        long="--multirun",
        short="-m",
        help="Run multiple jobs with the configured launcher and sweeper",
    ),
    Flag(
        long="--resume",
        help="With --multirun: run only the jobs of hydra.sweep.dir that did not complete",
    ),
    Flag(
        long="--no-wait",
        help="With --multirun on a cluster launcher: submit the jobs and return at once",
    ),
    Flag(
        long="--shell-completion",
        short="-sc",
        help="Install or Uninstall shell completion:",
    ),
    Flag(
        long="--config-path",
        short="-cp",
        takes="value",
        expects="a config directory",
        help=_MAIN_PATH_HELP,
    ),
    Flag(
        long="--config-name",
        short="-cn",
        takes="value",
        expects="a config name",
        help="Overrides the config_name specified in hydria.main()",
    ),
    Flag(
        long="--config-dir",
        short="-cd",
        takes="value",
        expects="a config directory",
        help="Adds an additional config dir to the config search path",
    ),
    Flag(
        long="--experimental-rerun",
        takes="value",
        expects="a saved config pickle",
        help="Rerun a job from a previous config pickle",
    ),
    Flag(
        long="--info",
        short="-i",
        takes="optional",
        choices=INFO_KINDS,
        help=f"Print hydria information [{'|'.join(INFO_KINDS)}]",
    ),
    Flag(
        long="--explain",
        takes="optional",
        bare="",
        metavar="KEY",
        expects="a config key, e.g. db.port",
        help="With --cfg: show where each value came from. With a KEY: every value it took",
    ),
)
OVERRIDES_HELP = "Any key=value arguments to override config values (use dots for.nested=overrides)"
