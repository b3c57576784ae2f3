"""A job's output directory: naming and creating it, and the `.hydra/*.yaml` files saved in it.

The files are written byte for byte as Hydra 1.3 writes them (`OmegaConf.to_yaml`,
unresolved), because tools read them back and users diff them across runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import yaml
from omegaconf import Container, DictConfig, OmegaConf, open_dict, read_write

from hydria.errors import ConfigContentError

__all__ = ["prepare_output_dir", "save_job_configs"]


def _select_path(config: DictConfig, key: str) -> str:
    # throw_on_missing: a `???` directory is an error that names the key, not a folder "None".
    value = OmegaConf.select(config, key, throw_on_missing=True)
    if value is None:
        raise ConfigContentError(
            f"'{key}' is null or absent, so the job has no output directory. "
            f"Set it in the config or on the command line ({key}=...)."
        )
    return str(value)


def prepare_output_dir(config: DictConfig, dir_key: str, subdir_key: str | None) -> str:
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
        The absolute output directory, which now exists.

    Raises:
        hydria.errors.ConfigContentError: a directory key holds null or names no value.
        omegaconf.errors.OmegaConfBaseException: a directory is `???` or fails to resolve.
    """
    output_dir = _select_path(config, dir_key)
    if subdir_key is not None:
        output_dir = os.path.join(output_dir, _select_path(config, subdir_key))
    output_dir = os.path.abspath(output_dir)
    os.makedirs(output_dir, exist_ok=True)
    runtime = config.hydra.runtime
    with read_write(runtime), open_dict(runtime):
        runtime.output_dir = output_dir
    return output_dir


def _write_yaml(directory: str, filename: str, node: Container) -> None:
    _write_text(directory, filename, OmegaConf.to_yaml(node))


def _write_text(directory: str, filename: str, text: str) -> None:
    with open(os.path.join(directory, filename), "w", encoding="utf-8") as file:
        file.write(text)


def _hydra_yaml(config: DictConfig) -> str:
    """`OmegaConf.to_yaml(OmegaConf.masked_copy(config, "hydra"))`, byte for byte, without
    the masked copy: deep-copying the whole config costs more than dumping it. Does what
    `to_yaml` does inside, through the same private helpers (present in OmegaConf 2.1-2.4)."""
    try:
        from omegaconf._utils import get_omega_conf_dumper
        from omegaconf.basecontainer import BaseContainer
    except ImportError:  # pragma: no cover - a future OmegaConf without them
        return OmegaConf.to_yaml(OmegaConf.masked_copy(config, "hydra"))
    options: dict[str, Any] = {"resolve": False, "throw_on_missing": False, "enum_to_str": True}
    if "encode_missing_literals" in BaseContainer._to_content.__code__.co_varnames:
        options["encode_missing_literals"] = True  # 2.4: a literal '???' string is escaped
    content = BaseContainer._to_content(config.hydra, **options)
    dumped: str = yaml.dump(
        {"hydra": content},
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        Dumper=get_omega_conf_dumper(),
    )
    return dumped


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
    """
    subdir = config.hydra.output_subdir
    if subdir is None:
        return None
    directory = os.path.join(config.hydra.runtime.output_dir, str(subdir))
    os.makedirs(directory, exist_ok=True)
    _write_yaml(directory, "config.yaml", task_config)
    _write_text(directory, "hydra.yaml", _hydra_yaml(config))
    _write_yaml(directory, "overrides.yaml", OmegaConf.create(list(task_overrides)))
    return directory
