"""Builds the typed `hydra` node and fills what only the composition knows (choices, overrides)."""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf, flag_override, open_dict
from omegaconf.errors import OmegaConfBaseException

from hydria.builtin import BUILTIN_SCHEMAS, ConfigSourceInfo, hydra_schema
from hydria.config_storage import stored_node, write_leaf
from hydria.errors import CompositionError
from hydria.overrides import Override, is_hydra_override
from hydria.record_class import record
from hydria.repository import SearchPathEntry

if TYPE_CHECKING:
    from hydria.compose.merge import MergeItem

HYDRA_CONFIG = "hydra/config"


def _hydra_part(item: MergeItem) -> Any:
    """What `item` writes into the hydra node (relative to it), or None."""
    if item.is_builtin:
        if item.config_path == HYDRA_CONFIG:
            return hydra_schema()  # Hydra's `hydra/config` is the typed schema itself
        schema = BUILTIN_SCHEMAS.get(item.config_path)
        if schema is not None:
            typed = OmegaConf.structured(schema)
            typed.merge_with(item.content)
            return _nest(typed, item.package)
    content = item.content
    if isinstance(content, DictConfig):
        if item.package == "hydra":
            return content
        if item.package == "" and "hydra" in content:
            return content.hydra
        if item.package.startswith("hydra."):
            return _nest(content, item.package)
        return None
    from hydria.compose.merge import embed  # loads with the first config built

    wrapped = embed(content, item.package)
    if isinstance(wrapped, dict) and "hydra" in wrapped:
        return wrapped["hydra"]
    return None


def _nest(node: Any, package: str) -> Any:
    """`node` wrapped so it lands at `package` once merged into the hydra node."""
    parts = package.split(".")[1:]
    if not parts:
        return node
    outer = OmegaConf.create()
    OmegaConf.update(outer, ".".join(parts), node, merge=False)
    return outer


def typed_hydra_node(items: Sequence[MergeItem]) -> DictConfig:
    """The `hydra` node on Hydra's schema, merged in Hydra's order so writes are type-checked.

    The options of the built-in groups come first, then the schema (`hydra/config`'s
    `_self_`), then what user configs write: exactly Hydra's merge order, so key order,
    extra keys (`env`) and validation match.

    Raises:
        CompositionError: a config wrote a value the schema rejects (the config is named).
    """
    node = OmegaConf.create()
    for item in items:
        part = _hydra_part(item)
        if part is None:
            continue
        if not isinstance(part, (dict, DictConfig)):
            raise CompositionError(
                f"In '{item.config_path}' ({item.source}): 'hydra' must be a mapping of "
                f"Hydra settings (like 'hydra: {{job: {{chdir: true}}}}'), "
                f"not {type(part).__name__} ({repr(part)[:60]})"
            )
        try:
            node.merge_with(part)
        except OmegaConfBaseException as exc:
            key = getattr(exc, "full_key", None)
            where = f"'hydra.{key}'" if key else "the hydra node"
            reason = (getattr(exc, "msg", None) or str(exc)).split("\n")[0]
            raise CompositionError(
                f"In '{item.config_path}' ({item.source}): invalid value for {where}: {reason}"
            ) from None
    return node


def hydra_node_key(items: Sequence[MergeItem]) -> Hashable:
    """What determines the typed hydra node: the configs that write to it."""
    return (
        "hydra-node",
        tuple(
            (i.config_path, i.package, i.identity) for i in items if i.is_builtin or writes_hydra(i)
        ),
    )


def writes_hydra(item: MergeItem) -> bool:
    """Whether a non-builtin item writes to the hydra node, without building anything."""
    content = item.content
    if isinstance(content, DictConfig):
        return item.package.startswith("hydra") or (item.package == "" and "hydra" in content)
    if item.package == "hydra" or item.package.startswith("hydra."):
        return True
    return item.package == "" and isinstance(content, dict) and "hydra" in content


def override_dirname(
    overrides: Sequence[Override], *, kv_sep: str, item_sep: str, exclude_keys: Sequence[str]
) -> str:
    """`hydra.job.override_dirname`: the task overrides, sorted, joined, `=` replaced."""
    lines = sorted(o.text for o in overrides if o.key not in exclude_keys)
    return re.sub("=", kv_sep, item_sep.join(lines))


def fill_static(
    cfg: DictConfig,
    *,
    choices: Mapping[str, str | None],
    search_path: Sequence[SearchPathEntry],
    version: str,
    version_base: str,
) -> None:
    """Record in `cfg.hydra` what follows from the configs alone: the group choices, the
    config sources, the version and the version_base the app asked for. Done once per
    built config and memoised with it (the typed `config_sources` list costs more than
    the rest of a warm composition)."""
    hydra = cfg.hydra
    with open_dict(hydra):
        hydra.runtime.choices.update(dict(choices))
    hydra.runtime.version = version
    hydra.runtime.version_base = version_base
    hydra.runtime.config_sources = [
        ConfigSourceInfo(path=e.location, schema=e.scheme, provider=e.provider) for e in search_path
    ]


@record
class DirnameRule:
    """`hydra.job.config.override_dirname`: how `hydra.job.override_dirname` is made."""

    kv_sep: str
    item_sep: str
    exclude_keys: tuple[str, ...]


def fill_runtime(
    cfg: DictConfig,
    *,
    overrides: Sequence[Override],
    config_name: str | None,
    job_name: str,
) -> None:
    """Record in `cfg.hydra` what this composition did, as Hydra records it."""
    rule = fill_launch(
        cfg,
        hydra_texts=[o.text for o in overrides if is_hydra_override(o)],
        config_name=config_name,
        job_name=job_name,
    )
    fill_task(cfg, [o for o in overrides if not is_hydra_override(o)], rule)


def fill_launch(
    cfg: DictConfig, *, hydra_texts: Sequence[str], config_name: str | None, job_name: str
) -> DirnameRule:
    """The part of `fill_runtime` that is the same for every job of a sweep: the hydra
    overrides, the copied environment, the working directory and the names. Returns how
    `fill_task` names the override dir (read here, where the node is looked up anyway)."""
    # Each node is looked up once and empty updates are skipped, as every OmegaConf
    # access here costs tens of microseconds.
    hydra = cfg.hydra
    job = hydra.job
    if hydra_texts:
        hydra.overrides.hydra.extend(list(hydra_texts))
    env_copy = job.env_copy
    if env_copy:
        with open_dict(hydra):
            for key in env_copy:
                if key not in os.environ:
                    raise CompositionError(
                        f"hydra.job.env_copy names '{key}', which is not set in the environment"
                    )
                job.env_set[key] = os.environ[key]
    hydra.runtime.cwd = os.getcwd()
    if "name" not in job:
        job.name = job_name
    job.config_name = config_name
    dirname_cfg = job.config.override_dirname
    return DirnameRule(
        kv_sep=dirname_cfg.kv_sep,
        item_sep=dirname_cfg.item_sep,
        exclude_keys=tuple(dirname_cfg.exclude_keys),
    )


def fill_task(cfg: DictConfig, task: Sequence[Override], rule: DirnameRule) -> None:
    """The part of `fill_runtime` each job has of its own: its task overrides, and the
    override dir named from them."""
    job = _node(cfg, "hydra.job")
    if task:
        _node(cfg, "hydra.overrides.task").extend([o.text for o in task])
    dirname = override_dirname(
        task, kv_sep=rule.kv_sep, item_sep=rule.item_sep, exclude_keys=rule.exclude_keys
    )
    if not write_leaf(job, "override_dirname", dirname):
        job.override_dirname = dirname


def _node(cfg: DictConfig, key: str) -> Any:
    """The container at `key`, read from storage when it can be (`hydria.config_storage`):
    a sweep composes each job, and each `cfg.hydra.job` costs ~30 µs a level."""
    node = stored_node(cfg, key)
    return node if node is not None else OmegaConf.select(cfg, key)


def set_job_number(cfg: DictConfig, num: int) -> None:
    """`hydra.job.id` and `hydra.job.num` of a sweep's job. Both are fields of Hydra's
    schema, written directly; only a node without them is opened (each flag toggled
    walks the node)."""
    job = _node(cfg, "hydra.job")
    if write_leaf(job, "id", str(num)) and write_leaf(job, "num", num):
        return
    keys = job.keys()  # a `???` field included (unlike `in job`)
    if "id" in keys and "num" in keys:
        job.id = str(num)
        job.num = num
        return
    with open_dict(job):
        job.id = str(num)
        job.num = num


def assemble_root(hydra: DictConfig | None, app: dict[Any, Any]) -> DictConfig:
    """The composed config: `hydra` first (as Hydra composes it first), then the app's keys."""
    if hydra is None:
        return OmegaConf.create(app)
    root = OmegaConf.create({"hydra": {}, **app})
    with flag_override(root, "no_deepcopy_set_nodes", True):
        root["hydra"] = hydra
    return root
