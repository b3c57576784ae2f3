"""Where an app's configs are, found without importing it: its `@main(...)` arguments
read statically from the script, else what its last run recorded.

Importing the app would run its imports (torch: seconds) on every Tab, and run the
user's code, which completion has no business doing. The script is parsed with `ast`
and never executed: only literal arguments (strings, None) are used. When one is not a
literal (`os.path.join(...)`, a name, an f-string), the record of the app's last run
(`app.completion_record`) says what it evaluated to.
"""

from __future__ import annotations

import ast
import enum
import os
import stat
import warnings
from collections.abc import Sequence

from hydria.app.app_setup import AppSource, primary_source_url
from hydria.app.completion_record import read_recorded_source
from hydria.errors import HydriaError
from hydria.record_class import record
from hydria.version_base import (
    CURRENT_VERSION,
    UNSPECIFIED,
    default_config_path,
    read_version_base,
)

__all__ = [
    "ConfigSource",
    "DecoratorArgs",
    "Unknown",
    "find_config_source",
    "module_script",
    "read_decorator",
]

#: a script larger than this is not read (completion must answer at once)
MAX_SCRIPT_BYTES = 4 * 1024 * 1024
_PACKAGES = ("hydra", "hydria")
_PARAMETERS = ("config_path", "config_name", "version_base")


class Unknown(enum.Enum):
    """Why a decorator argument has no value to use."""

    OMITTED = "omitted"
    NOT_LITERAL = "not a literal"


Arg = str | None | Unknown


@record(kw_only=True)
class DecoratorArgs:
    """The arguments of an app's `@main(...)`, as written in its script."""

    config_path: Arg
    config_name: Arg
    version_base: Arg


@record(kw_only=True)
class ConfigSource:
    """Where an app finds its configs, as `@main` would compute it.

    Attributes:
        script: the app's script, an absolute path.
        primary: the primary config source URL (`file:///...`, `pkg://...`), or None.
        config_name: the primary config's name, or None.
        version_base: the app's version_base, read ("1.1", "1.3").
        origin: "script" (read from the decorator), "record" (the last run's record)
            or "partial" (the decorator, with what could not be read left out).
    """

    script: str
    primary: str | None
    config_name: str | None
    version_base: str
    origin: str


def _read_source(script: str) -> bytes | None:
    try:
        fd = os.open(script, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SCRIPT_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_SCRIPT_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _main_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names under which the script can call `main`: `main` imported from hydra or
    hydria (`from hydria import main as m`), and the modules themselves (`import hydra`)."""
    functions: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in _PACKAGES:
                    modules.add(alias.asname or alias.name)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] in _PACKAGES
        ):
            for alias in node.names:
                if alias.name.endswith("main"):
                    functions.add(alias.asname or alias.name)
    return functions, modules


def _is_main_call(call: ast.Call, functions: set[str], modules: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in functions
    return (
        isinstance(func, ast.Attribute)
        and func.attr.endswith("main")
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )


def _literal(node: ast.expr) -> Arg:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        value: str | None = node.value
        return value
    return Unknown.NOT_LITERAL


def _arguments(call: ast.Call) -> DecoratorArgs:
    values: dict[str, Arg] = dict.fromkeys(_PARAMETERS, Unknown.OMITTED)
    for name, node in zip(_PARAMETERS, call.args, strict=False):
        values[name] = Unknown.NOT_LITERAL if isinstance(node, ast.Starred) else _literal(node)
    if any(isinstance(node, ast.Starred) for node in call.args):
        values = {k: Unknown.NOT_LITERAL if v is Unknown.OMITTED else v for k, v in values.items()}
    for keyword in call.keywords:
        if keyword.arg is None:  # **kwargs: any parameter not given may be in it
            values = {
                k: Unknown.NOT_LITERAL if v is Unknown.OMITTED else v for k, v in values.items()
            }
        elif keyword.arg in values:
            values[keyword.arg] = _literal(keyword.value)
    return DecoratorArgs(**values)


def read_decorator(script: str) -> DecoratorArgs | None:
    """The arguments of the first function decorated with hydra's or hydria's `main` in
    `script`, read without executing it.

    Args:
        script: the script's path.

    Returns:
        The arguments, or None when the script cannot be read or parsed (a syntax
        error) or has no such decorator.
    """
    source = _read_source(script)
    if source is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in the user's code: not ours
            tree = ast.parse(source, filename=script)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    functions, modules = _main_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and _is_main_call(decorator, functions, modules):
                return _arguments(decorator)
    return None


def _known(value: Arg) -> object:
    """An argument as `main` receives it: an omitted one is `UNSPECIFIED`."""
    return UNSPECIFIED if value is Unknown.OMITTED else value


def _from_decorator(script: str, args: DecoratorArgs) -> ConfigSource | None:
    """What `@main` computes from `args`, with hydria's own rules; None when an argument
    it needs is not a literal."""
    complete = Unknown.NOT_LITERAL not in (args.config_path, args.config_name, args.version_base)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Hydra's version_base warnings: for runs only
            raw_base = _known(args.version_base)
            if raw_base is Unknown.NOT_LITERAL:
                raw_base = None
            base = read_version_base(raw_base)
            path = _known(args.config_path)
            if path is Unknown.NOT_LITERAL:
                config_path = None
            else:
                config_path = default_config_path(path, raw_base, base, warning="")
    except HydriaError:
        return None
    name = args.config_name
    return ConfigSource(
        script=script,
        primary=primary_source_url(
            AppSource(calling_file=script, calling_module=None), config_path
        ),
        config_name=name if isinstance(name, str) else None,
        version_base=base,
        origin="script" if complete else "partial",
    )


def find_config_source(script: str) -> ConfigSource | None:
    """Where the app at `script` finds its configs: its decorator's literal arguments,
    else its last run's record, else what of the decorator could be read.

    Args:
        script: the app's script, an absolute path.

    Returns:
        The source, or None when nothing is known (no decorator found and no record).
    """
    args = read_decorator(script)
    found = None if args is None else _from_decorator(script, args)
    if found is not None and found.origin == "script":
        return found
    recorded = read_recorded_source(script)
    if recorded is not None:
        return ConfigSource(
            script=script,
            primary=recorded.primary,
            config_name=recorded.config_name,
            version_base=recorded.version_base or CURRENT_VERSION,
            origin="record",
        )
    return found


def module_script(module: str, cwd: str, path: Sequence[str]) -> str | None:
    """The file `python -m MODULE` runs from `cwd`, found as the import system would find
    it but without importing anything (a package's `__init__` is not run): `pkg.app` is
    `pkg/app.py`, a package `pkg` its `pkg/__main__.py`.

    Args:
        module: the dotted name after `-m`.
        cwd: where the command runs (first on the module search path, as `-m` puts it).
        path: the rest of the search path (the interpreter's `sys.path`).

    Returns:
        The module's source file, or None when there is none (not found, not a `.py`
        file, a name that is not a module name).
    """
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    from importlib.machinery import PathFinder

    locations: list[str] | None = [cwd, *(p for p in path if p)]
    spec = None
    for index in range(len(parts)):
        if locations is None:
            return None  # a plain module has no submodules
        spec = PathFinder.find_spec(".".join(parts[: index + 1]), locations)
        if spec is None:
            return None
        locations = (
            None
            if spec.submodule_search_locations is None
            else list(spec.submodule_search_locations)
        )
    if spec is not None and locations is not None:  # a package: it runs its __main__
        spec = PathFinder.find_spec(f"{module}.__main__", locations)
    origin = None if spec is None else spec.origin
    if origin is None or not origin.endswith(".py") or not os.path.isfile(origin):
        return None
    return origin
