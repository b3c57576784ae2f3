"""A job's output directory: naming and creating it, and the `.hydra/*.yaml` files saved in it.

The files are written byte for byte as Hydra 1.3 writes them (`OmegaConf.to_yaml`,
unresolved), because tools read them back and users diff them across runs.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence

from omegaconf import Container, DictConfig, OmegaConf, open_dict, read_write

from hydria.config_storage import NOT_PLAIN, plain_leaf, stored_node, stored_value, write_leaf
from hydria.errors import ConfigContentError, OutputDirError
from hydria.runtime.config_yaml import config_yaml, strings_yaml, wrapped_yaml
from hydria.runtime.plain_content import reference_text

__all__ = ["make_dir", "prepare_output_dir", "save_job_configs", "save_sweep_config"]


def _referenced(config: DictConfig, key: str) -> str | None:
    """The value of `key` when it is literal text or only joins text and absolute node
    references, as Hydra's sweep subdir `${hydra.job.num}` does, found without
    OmegaConf's interpolation grammar (parsing costs more than the rest of naming a
    sweep job's directory); None for anything else, which OmegaConf resolves (and
    reports on). The directory keys are strings: OmegaConf converts what they resolve
    to with `str`."""
    raw = stored_value(config, key)
    if type(raw) is not str or raw == "???":
        return None
    if "${" not in raw:  # OmegaConf gives such a string as it is stored
        return raw
    return reference_text(config, raw)


def _select_path(config: DictConfig, key: str) -> str:
    fast = _referenced(config, key)
    if fast is not None:
        return fast
    # throw_on_missing: a `???` directory is an error that names the key, not a folder "None".
    value = OmegaConf.select(config, key, throw_on_missing=True)
    if value is None:
        raise ConfigContentError(
            f"'{key}' is null or absent, so the job has no output directory. "
            f"Set it in the config or on the command line ({key}=...)."
        )
    return str(value)


def make_dir(path: str, keys: str, what: str = "the output directory") -> None:
    """Create the directory `path` (and its parents) if it is not there.

    Args:
        path: the directory.
        keys: the config keys it comes from, for the message (`hydra.run.dir`).
        what: what the directory is, for the message.

    Raises:
        hydria.errors.OutputDirError: it cannot be created (a file in the way, no
            permission, a read-only file system), or it is there but not writable.
    """
    try:
        try:  # a job's dir: its parent is there (one call, where `makedirs` makes two)
            os.mkdir(path)
        except FileNotFoundError:
            os.makedirs(path, exist_ok=True)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
    except OSError as exc:
        raise _dir_error(path, keys, what, exc) from exc
    except ValueError as exc:  # a NUL byte: no file system takes it
        raise _dir_error(path, keys, what, OSError(22, "the path holds a NUL byte")) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise _dir_error(path, keys, what, PermissionError(13, os.strerror(13), path))


def _dir_error(path: str, keys: str, what: str, exc: OSError) -> OutputDirError:
    reason = exc.strerror or str(exc)
    blocking = _file_in_the_way(path)
    if blocking == path:
        reason = "a file of that name is in the way"
    elif blocking is not None:
        reason = f"'{blocking}' is a file, not a directory"
    elif exc.filename and os.path.abspath(str(exc.filename)) != os.path.abspath(path):
        reason += f" ({exc.filename})"  # a parent that is not writable, or not there
    return OutputDirError(
        f"Cannot use '{path}' as {what} ({keys}): {reason}.\n"
        f"  Choose a directory that can be created and written: {keys.split(' ')[0]}=<dir>"
    )


def _file_in_the_way(path: str) -> str | None:
    """`path` or its nearest parent that exists but is not a directory, if any."""
    current = path
    while not os.path.isdir(current):
        if os.path.lexists(current):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return None


def prepare_output_dir(
    config: DictConfig, dir_key: str, subdir_key: str | None
) -> tuple[str, str, str | None]:
    """Name the job's output dir, create it, and record it in `hydra.runtime.output_dir`.

    The directory keys are resolved against the whole config, so `${now:...}`,
    `${hydra.job.override_dirname}` and `${hydra:...}` work; the caller must have made
    the job current (`push_job`) for the last one. The subdir is resolved only here,
    per job, because it names things (`hydra.job.num`, `hydra.job.id`) that only the
    job knows.

    Args:
        config: the job's full config, with its `hydra` node; updated in place.
        dir_key: e.g. `hydra.run.dir`, or `hydra.sweep.dir` for a sweep job.
        subdir_key: e.g. `hydra.sweep.subdir`, joined under the directory; or None.

    Returns:
        The absolute output directory, which now exists, and the values the two keys
        resolved to (the subdir's None without a `subdir_key`): resolving them again
        would parse their interpolations again.

    Raises:
        hydria.errors.ConfigContentError: a directory key holds null or names no value.
        hydria.errors.OutputDirError: the directory cannot be created or written.
        omegaconf.errors.OmegaConfBaseException: a directory is `???` or fails to resolve.
    """
    directory = _select_path(config, dir_key)
    subdir = None if subdir_key is None else _select_path(config, subdir_key)
    output_dir = os.path.abspath(directory if subdir is None else os.path.join(directory, subdir))
    make_dir(output_dir, dir_key if subdir_key is None else f"{dir_key} and {subdir_key}")
    if write_leaf(config, "hydra.runtime.output_dir", output_dir):
        return output_dir, directory, subdir
    runtime = stored_node(config, "hydra.runtime")
    if runtime is None:
        runtime = config.hydra.runtime
    fields = runtime.keys()  # a `???` field included (unlike `in runtime`)
    if OmegaConf.is_readonly(runtime) or "output_dir" not in fields:
        with read_write(runtime), open_dict(runtime):
            runtime.output_dir = output_dir
    else:  # a field of the schema, still writable: each flag toggled walks the node
        runtime.output_dir = output_dir
    return output_dir, directory, subdir


_RECORD = (
    "part of the job's record",
    "The job's task did not run. Free some space or choose another output directory;\n"
    "  hydra.output_subdir=null saves no record.",
)


def _write_yaml(directory: str, filename: str, node: Container) -> None:
    _write_text(directory, filename, config_yaml(node), _RECORD)


def _file_bytes(text: str) -> bytes:
    """What `open(path, "w", encoding="utf-8")` would write for `text` (`\\n` becomes the
    platform's line separator)."""
    if os.linesep != "\n":
        text = text.replace("\n", os.linesep)
    return text.encode("utf-8")


def _write_bytes(path: str, data: bytes) -> None:
    """Create or truncate `path` and write `data` in full, as `open(path, "w")` does,
    without what a Python file object costs on top (a job writes three of these:
    `open` adds a stat, a terminal check and two seeks to each, a third of a sweep
    job's system calls)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)  # Windows: as given
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write_text(directory: str, filename: str, text: str, said: tuple[str, str]) -> None:
    """Write a file in full, or raise an `OutputDirError` saying `said`: (what the
    file is, what happened and what to do)."""
    path = os.path.join(directory, filename)
    try:
        _write_bytes(path, _file_bytes(text))
    except OSError as exc:
        # a half-written record would mislead `rerun` and `diff`: take it away
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.remove(path)
        what, then = said
        raise OutputDirError(
            f"Cannot write {path}, {what}: {exc.strerror or exc}.\n  {then}"
        ) from exc


def save_sweep_config(config: DictConfig, sweep_dir: str) -> None:
    """Write the sweep's config, unresolved, to `<sweep_dir>/multirun.yaml` (as
    `OmegaConf.save` does).

    Raises:
        hydria.errors.OutputDirError: it cannot be written in full (a full disk).
    """
    said = (
        "the sweep's config",
        "No job ran. Free some space or choose another sweep directory: hydra.sweep.dir=<dir>",
    )
    _write_text(sweep_dir, "multirun.yaml", OmegaConf.to_yaml(config), said)


def _hydra_yaml(config: DictConfig) -> str:
    """`OmegaConf.to_yaml(OmegaConf.masked_copy(config, "hydra"))`, byte for byte (see
    `config_yaml`: the sections the jobs of a sweep share are emitted once)."""
    return wrapped_yaml(config, "hydra")


def save_job_configs(
    config: DictConfig, task_config: DictConfig, task_overrides: Sequence[str]
) -> str | None:
    """Write `config.yaml`, `hydra.yaml` and `overrides.yaml` under `<output_dir>/<output_subdir>`.

    Args:
        config: the job's full config; `hydra.runtime.output_dir` must be set.
        task_config: what the task receives (the config without `hydra`).
        task_overrides: the job's task overrides, saved as a YAML list.

    Returns:
        The directory written to, or None when `hydra.output_subdir` is null (nothing saved).

    Raises:
        hydria.errors.OutputDirError: the directory cannot be created, or a file cannot be
            written in full (a full disk); a file written in part is removed.
    """
    subdir = plain_leaf(config, "hydra.output_subdir")
    if subdir is NOT_PLAIN:
        subdir = config.hydra.output_subdir
    if subdir is None:
        return None
    output_dir = plain_leaf(config, "hydra.runtime.output_dir")
    if output_dir is NOT_PLAIN:
        output_dir = config.hydra.runtime.output_dir
    directory = os.path.join(output_dir, str(subdir))
    make_dir(directory, "hydra.output_subdir", "the directory of the job's record")
    _write_yaml(directory, "config.yaml", task_config)
    _write_text(directory, "hydra.yaml", _hydra_yaml(config), _RECORD)
    _write_text(directory, "overrides.yaml", strings_yaml(task_overrides), _RECORD)
    return directory
