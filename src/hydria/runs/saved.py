"""A finished run as its `.hydra` folder recorded it: the task's config and the `hydra` node.

Everything needed to compose the run again is in the `hydra` node: the config
sources searched (`runtime.config_sources`), the primary config
(`job.config_name`) and the overrides (`overrides.hydra`, `overrides.task`).
Runs made by Hydra 1.3 record the same, so they can be read too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from hydria.errors import SavedRunError
from hydria.record_class import record

__all__ = ["SavedRun", "load_run", "written_strings"]

_RECORD_FILES = ("config.yaml", "hydra.yaml")


@record(kw_only=True)
class SavedRun:
    """One run's record.

    Attributes:
        directory: the job's output directory (where the task wrote).
        record_dir: the folder holding `config.yaml` and `hydra.yaml` (`.hydra`, or
            whatever `hydra.output_subdir` named).
        config: the task's config as saved (interpolations unresolved).
        hydra: the run's `hydra` node.
    """

    directory: Path
    record_dir: Path
    config: DictConfig
    hydra: DictConfig

    @property
    def task_overrides(self) -> tuple[str, ...]:
        return written_strings(self.hydra, "overrides.task")

    @property
    def hydra_overrides(self) -> tuple[str, ...]:
        return written_strings(self.hydra, "overrides.hydra")

    @property
    def config_name(self) -> str | None:
        name = OmegaConf.select(self.hydra, "job.config_name", default=None)
        return None if name is None else str(name)

    @property
    def job_name(self) -> str:
        return str(OmegaConf.select(self.hydra, "job.name", default="app"))

    @property
    def choices(self) -> dict[str, str | None]:
        node = OmegaConf.select(self.hydra, "runtime.choices", default=None)
        if not isinstance(node, DictConfig):
            return {}
        return {str(k): None if v is None else str(v) for k, v in node.items()}

    @property
    def cwd(self) -> str | None:
        cwd = OmegaConf.select(self.hydra, "runtime.cwd", default=None)
        return None if cwd is None else str(cwd)


def written_strings(node: DictConfig, key: str) -> tuple[str, ...]:
    """A list of strings as written: an override like `+c=${hydra:job.name}` is not resolved."""
    value = OmegaConf.select(node, key, default=None)
    if not isinstance(value, ListConfig):
        return ()
    items = OmegaConf.to_container(value, resolve=False)
    assert isinstance(items, list)
    return tuple(str(v) for v in items)


def _record_dir(path: Path) -> Path:
    """The folder with the record, given the run dir, the folder itself or a file in it."""
    if path.is_file():
        path = path.parent
    if all((path / name).is_file() for name in _RECORD_FILES):
        return path
    candidates = [path / ".hydra"]
    candidates += sorted(p for p in path.iterdir() if p.is_dir() and p.name != ".hydra")
    for candidate in candidates:
        if all((candidate / name).is_file() for name in _RECORD_FILES):
            return candidate
    raise SavedRunError(
        f"'{path}' is not a run directory: it has no .hydra/config.yaml and .hydra/hydra.yaml. "
        "Give the output directory of a run (or of one job of a sweep); a run made with "
        "hydra.output_subdir=null saved no record"
    )


def _load_yaml(path: Path) -> Any:
    try:
        return OmegaConf.load(path)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise SavedRunError(
            f"Cannot read '{path}': it is not UTF-8 text (a byte 0x{bad} in it); a run "
            "saves its .hydra files as UTF-8, so this one was written by something else"
        ) from None
    except RecursionError:
        raise SavedRunError(f"Cannot read '{path}': its values are nested too deeply") from None
    # ValueError: an integer past Python's digit limit; OmegaConf's: a key it cannot hold
    except (OSError, ValueError, yaml.YAMLError, OmegaConfBaseException) as exc:
        raise SavedRunError(f"Cannot read '{path}': {exc}") from None


def load_run(path: str | os.PathLike[str]) -> SavedRun:
    """Read a run's record.

    Args:
        path: the run's output directory, its `.hydra` folder, or a file in that folder.

    Raises:
        SavedRunError: no record there, or one that does not parse or lacks the `hydra` node.
    """
    given = Path(path)
    if not given.exists():
        raise SavedRunError(f"'{given}' not found; give the output directory of a run")
    record = _record_dir(given)
    config = _load_yaml(record / "config.yaml")
    hydra_file = _load_yaml(record / "hydra.yaml")
    if not isinstance(config, DictConfig):
        raise SavedRunError(f"'{record / 'config.yaml'}' does not hold a mapping")
    hydra = hydra_file.get("hydra") if isinstance(hydra_file, DictConfig) else None
    if not isinstance(hydra, DictConfig):
        raise SavedRunError(f"'{record / 'hydra.yaml'}' has no `hydra:` mapping")
    output_dir = OmegaConf.select(hydra, "runtime.output_dir", default=None)
    directory = record.parent
    recorded = Path(output_dir) if isinstance(output_dir, str) else None
    if recorded is not None and recorded.is_dir() and recorded.resolve() == directory.resolve():
        directory = recorded
    return SavedRun(directory=directory, record_dir=record, config=config, hydra=hydra)
