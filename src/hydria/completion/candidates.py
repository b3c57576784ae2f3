"""The candidates for the word being completed, as Hydra 1.3's completion offers them.

Each candidate is the whole replacement of the word. One ending with `=`, `.` or `/`
has more to type after it (the shell adds no space):

- a flag (`-m`, `--config-name=`), or a flag's value (`--cfg=job`, `-cn train`);
- a config group (`db=`, `server/`) or a group's option (`db=mysql`), the built-in
  `hydra/...` groups included; with `-m`, an option not yet in a sweep (`db=mysql,postgresql`);
- a key of the config composed with the typed overrides (`db.port=`, `model.optimizer.`),
  or a leaf's value (`trainer.deterministic=true`);
- a file path, for the flags that take one and for values that are paths.

The `+`, `++` and `~` prefixes are kept: `+db` offers what `db` does, prefixed.
"""

from __future__ import annotations

from collections.abc import Callable

from hydria.app.flags import FLAGS, Flag
from hydria.completion.paths import complete_path, looks_like_path
from hydria.completion.typed_args import TypedArgs, find_flag
from hydria.record_class import record

__all__ = ["Tree", "word_candidates"]

_PREFIXES = ("++", "+", "~")


@record(kw_only=True)
class Tree:
    """What answering needs from the app's config tree, each made on first call (a flag
    needs none of them, a group's options need no composition).

    Attributes:
        groups: `(group) -> (options, subgroups)`.
        keys: `(dotted) -> keys completing it` (see `config_keys.key_candidates`).
        values: `(key) -> values to offer after key=`.
        leaf: `(key) -> its current value`, or None.
        primaries: `() -> the primary configs` (the top of the config dirs).
        cwd: the directory relative paths are relative to.
    """

    groups: Callable[[str], tuple[list[str], list[str]]]
    keys: Callable[[str], list[str]]
    values: Callable[[str], list[str]]
    leaf: Callable[[str], object]
    primaries: Callable[[], list[str]]
    cwd: str


def word_candidates(word: str, typed: TypedArgs, tree: Tree) -> list[str]:
    """The candidates for `word`, sorted, each once.

    Args:
        word: the word being completed.
        typed: the arguments before it.
        tree: the app's config tree.
    """
    if typed.pending is not None:
        found = _flag_values(typed.pending, word, tree)
    elif word.startswith("-") and not word.startswith("--") and "=" in word:
        found = []  # `-cn=x` is not a spelling the app's parser reads
    elif word.startswith("-"):
        found = _flags(word, tree)
    else:
        found = _override(word, typed, tree)
    return sorted({c for c in found if "\n" not in c and "\0" not in c})


def _flags(word: str, tree: Tree) -> list[str]:
    name, eq, value = word.partition("=")
    if eq:
        flag = find_flag(name)
        if flag is None or flag.takes == "none":
            return []
        return [f"{name}={c}" for c in _flag_values(flag, value, tree)]
    found = []
    for flag in FLAGS:
        if flag.long.startswith(word):
            found.append(flag.long + "=" if flag.takes == "value" else flag.long)
        if flag.short is not None and flag.short.startswith(word):
            found.append(flag.short)
    return found


def _flag_values(flag: Flag, value: str, tree: Tree) -> list[str]:
    if flag.dest in ("config_path", "config_dir"):
        return complete_path(value, tree.cwd, dirs_only=True)
    if flag.dest == "experimental_rerun":
        return complete_path(value, tree.cwd)
    if flag.dest == "config_name":
        return [name for name in tree.primaries() if name.startswith(value)]
    if flag.choices:
        return [choice for choice in flag.choices if choice.startswith(value)]
    if flag.dest in ("package", "explain"):  # a key of the config, not a value
        return [key.removesuffix("=") for key in tree.keys(value)]
    return []


def _override(word: str, typed: TypedArgs, tree: Tree) -> list[str]:
    prefix = next((p for p in _PREFIXES if word.startswith(p)), "")
    body = word[len(prefix) :]
    key, eq, value = body.partition("=")
    if eq:
        found = _after_equals(key, value, typed, tree)
    else:
        deleting = prefix == "~"
        found = _group_names(body, tree, deleting=deleting)
        for candidate in tree.keys(body):
            # `~db.port` deletes the key: no value needs to follow it
            found.append(candidate.removesuffix("=") if deleting else candidate)
    return [prefix + c for c in found]


def _group_names(body: str, tree: Tree, *, deleting: bool) -> list[str]:
    """Groups completing `body`: `db=` for a group with options, `server/` for one with
    groups inside (both for one with both); `~db` takes no option after it."""
    parent, _, _ = body.rpartition("/")
    found = []
    for sub in tree.groups(parent)[1]:
        name = f"{parent}/{sub}" if parent else sub
        if not name.startswith(body):
            continue
        options, subgroups = tree.groups(name)
        if options and name != "hydra":  # `hydra/config` is the node's schema, not a choice
            found.append(name if deleting else name + "=")
        if subgroups:
            found.append(name + "/")
    return found


def _sweeping(typed: TypedArgs) -> bool:
    return typed.multirun or "hydra.mode=MULTIRUN" in typed.overrides


def _after_equals(key: str, value: str, typed: TypedArgs, tree: Tree) -> list[str]:
    """`key=value...`: a group's options, else the key's values and paths."""
    listed, comma, partial = value.rpartition(",")
    group = key.partition("@")[0]
    values = tree.groups(group)[0] if group else []
    if not values:
        values = tree.values(key)
        if looks_like_path(partial) or looks_like_path(str(tree.leaf(key) or "")):
            values = values + complete_path(partial, tree.cwd)
    if comma and not _sweeping(typed):
        return []  # a comma-separated sweep needs --multirun
    done = listed.split(",") if comma else []
    return [f"{key}={listed}{comma}{v}" for v in values if v.startswith(partial) and v not in done]
