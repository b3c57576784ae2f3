"""What the arguments already typed say: the flags that change the config source
(`-cp`, `-cn`, `-cd`), multirun, the overrides, and a flag still waiting for its value.

A half-typed line is not a command line: `parse_args` would reject `-cn` without its
value. This reads the same flag table (`app.flags`) leniently instead: an unknown or
ambiguous flag is skipped, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydria.app.flags import FLAGS, Flag
from hydria.record_class import record

__all__ = ["TypedArgs", "find_flag", "read_typed_args"]


@record(kw_only=True)
class TypedArgs:
    """The typed arguments, read.

    Attributes:
        overrides: the arguments that are not flags, in order.
        config_path: the last `--config-path` value, or None.
        config_name: the last `--config-name` value, or None.
        config_dirs: the `--config-dir` values.
        multirun: `--multirun`/`-m` is on the line.
        pending: a flag given last without its value: the word being completed is it.
    """

    overrides: tuple[str, ...] = ()
    config_path: str | None = None
    config_name: str | None = None
    config_dirs: tuple[str, ...] = ()
    multirun: bool = False
    pending: Flag | None = None


def find_flag(name: str) -> Flag | None:
    """The flag spelled `name` (long, short, or a unique prefix of a long one), or None."""
    for flag in FLAGS:
        if name in (flag.long, flag.short):
            return flag
    if name.startswith("--") and len(name) > 2:
        matches = [f for f in FLAGS if f.long.startswith(name)]
        if len(matches) == 1:
            return matches[0]
    return None


def _is_flag(word: str) -> bool:
    # as the app's parser: `-` alone and negative numbers are arguments
    if word.startswith("--"):
        return len(word) > 2
    return len(word) > 1 and word[0] == "-" and word[1].isalpha()


def read_typed_args(args: Sequence[str]) -> TypedArgs:
    """Read the app's arguments typed before the word being completed.

    Args:
        args: the words after the script.
    """
    overrides: list[str] = []
    values: dict[str, str] = {}
    config_dirs: list[str] = []
    multirun = False
    pending: Flag | None = None
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if word == "--":
            overrides.extend(args[index:])
            break
        if not _is_flag(word):
            overrides.append(word)
            continue
        name, eq, value = word.partition("=")
        flag = find_flag(name)
        if flag is None:
            continue
        if flag.dest == "multirun":
            multirun = True
        if flag.takes == "none" or eq:
            attached = value if eq else None
        elif index < len(args):
            following = args[index]
            takes_it = not _is_flag(following) and (
                flag.takes == "value" or not ("=" in following or following[:1] in "~+")
            )
            attached = following if takes_it else None
            index += 1 if takes_it else 0
        else:
            attached = None
            pending = flag if flag.takes == "value" or flag.choices else None
        if attached is None:
            continue
        if flag.dest == "config_dir":
            config_dirs.append(attached)
        else:
            values[flag.dest] = attached
    return TypedArgs(
        overrides=tuple(overrides),
        config_path=values.get("config_path"),
        config_name=values.get("config_name"),
        config_dirs=tuple(config_dirs),
        multirun=multirun,
        pending=pending,
    )
