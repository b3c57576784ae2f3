"""compose_config(): a config tree plus overrides → one composed `DictConfig`.

The stage's steps, in Hydra's order: reject sweeps, extend the search path
from `hydra.searchpath`, resolve the defaults list, merge the configs, apply
value overrides in struct mode, and record what was done in the `hydra` node.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, ListConfig, OmegaConf, flag_override, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException

from hydria.compose.apply_overrides import apply_overrides
from hydria.compose.config_memo import ConfigMemo
from hydria.compose.hydra_node import (
    DirnameRule,
    assemble_root,
    fill_runtime,
    fill_static,
    fill_task,
    hydra_node_key,
    typed_hydra_node,
)
from hydria.compose.launch_template import launch_template
from hydria.compose.searchpath import with_searchpath
from hydria.defaults import DefaultsList, DefaultsMemo, split_body
from hydria.errors import CompositionError, SweepNotAllowedError
from hydria.overrides import ChoiceSweep, Override, is_hydra_override
from hydria.record_class import record
from hydria.repository import ConfigRepository
from hydria.version_base import CURRENT_VERSION, at_least

if TYPE_CHECKING:
    from hydria.compose.merge import MergeItem

HYDRA_PROVIDER = "hydra"


@record(kw_only=True)
class Composition:
    """What a composition produced: the config, and how it was made."""

    config: DictConfig
    defaults: DefaultsList
    repository: ConfigRepository
    # the overrides it was composed with, in order (provenance replays them)
    overrides: tuple[Override, ...] = ()


def reject_sweeps(overrides: Sequence[Override]) -> None:
    """A sweep has many values; a single composition can take only one.

    Raises:
        SweepNotAllowedError: naming the override and what to write instead.
    """
    for o in overrides:
        if not o.is_sweep:
            continue
        if isinstance(o.value, ChoiceSweep) and o.value.simple_form:
            # Hydra's wording, line for line: users' tests match on it
            raise SweepNotAllowedError(
                f"Ambiguous value for argument '{o.text}'\n"
                "1. To use it as a list, use key=[value1,value2]\n"
                "2. To use it as string, quote the value: key=\\'value1,value2\\'\n"
                "3. To sweep over it, add --multirun to your command line"
            )
        raise SweepNotAllowedError(f"Override '{o.text}' is a sweep; sweeps need --multirun (-m)")


def reject_hydra_sweeps(overrides: Sequence[Override]) -> None:
    """Hydra's own config is the same for every job of a sweep, so it cannot be swept.

    Raises:
        SweepNotAllowedError: naming the override.
    """
    for o in overrides:
        if o.is_sweep and is_hydra_override(o):
            raise SweepNotAllowedError(
                f"Override '{o.text}' sweeps the hydra config, which is shared by all the "
                "jobs of a sweep and cannot vary between them"
            )


def _merge_items(repo: ConfigRepository, defaults: DefaultsList) -> tuple[list[MergeItem], bool]:
    """The content of every config to merge, and whether a non-builtin config writes `hydra`."""
    # merging loads with the first config built: a warm start takes it from the memo
    from hydria.compose.merge import MergeItem, embed

    items: list[MergeItem] = []
    touches_hydra = False
    for d in defaults.defaults:
        raw = repo.load(d.config_path)
        if raw is None:  # resolve_defaults only lists configs it found
            raise CompositionError(f"Config '{d.config_path}' disappeared during composition")
        body = split_body(raw)[1]
        if isinstance(body, (DictConfig, ListConfig)):
            # a structured config is shared with its store, and merging re-parents
            # its nodes into the result: merge a private copy
            body = copy.deepcopy(body)
        source = raw.filename or str(raw.source)
        builtin = raw.source.provider == HYDRA_PROVIDER and d.config_path.startswith("hydra/")
        item = MergeItem(
            config_path=d.config_path,
            package=d.package,
            content=body,
            source=source,
            is_builtin=builtin,
            identity=raw.identity,
        )
        items.append(item)
        if builtin:
            continue
        top = embed(body, d.package) if not isinstance(body, DictConfig) else None
        has_hydra = (isinstance(top, dict) and "hydra" in top) or (
            isinstance(body, DictConfig) and d.package in ("", "hydra")
        )
        if has_hydra:
            touches_hydra = True
            _check_searchpath_owner(d.primary, d.config_path, top)
    return items, touches_hydra


def _check_searchpath_owner(primary: bool, path: str, top: Any) -> None:
    if primary or not isinstance(top, dict):
        return
    hydra = top.get("hydra")
    if isinstance(hydra, dict) and hydra.get("searchpath") is not None:
        raise CompositionError(
            f"In '{path}': hydra.searchpath can only be set in the primary config"
        )


def _merged(items: list[MergeItem]) -> tuple[dict[Any, Any] | None, DictConfig | None]:
    from hydria.compose.merge import NeedsOmegaConf, merge_all_omegaconf, merge_all_plain

    try:
        return merge_all_plain(items), None
    except NeedsOmegaConf:
        return None, merge_all_omegaconf(items)


def _strip_structured_defaults(cfg: DictConfig, items: Sequence[MergeItem]) -> None:
    for item in items:
        if not isinstance(item.content, DictConfig) or "defaults" not in item.content:
            continue
        node = OmegaConf.select(cfg, item.package) if item.package else cfg
        if isinstance(node, DictConfig) and "defaults" in node:
            with flag_override(node, ["readonly", "struct"], False):
                node.pop("defaults", None)


@record
class Memos:
    """Memos a caller may keep across compositions; each re-checks its inputs on use.

    `dirname_rules` goes with the launch templates in `configs` (see
    `launch_template`): the override-dir rule read while filling each, or None for a
    key whose config cannot be filled ahead."""

    defaults: DefaultsMemo
    configs: ConfigMemo
    dirname_rules: dict[Hashable, DirnameRule | None]

    @classmethod
    def create(cls, *, disk_dir: str | None = None) -> Memos:
        return cls(DefaultsMemo(), ConfigMemo(disk_dir=disk_dir), {})


def _hydra_node(items: list[MergeItem], memos: Memos | None) -> DictConfig:
    if memos is None:
        return typed_hydra_node(items)
    return memos.configs.get_or_build(
        hydra_node_key(items), lambda: typed_hydra_node(items), keep_first=True
    )


def _build_config(
    repo: ConfigRepository, defaults: DefaultsList, *, with_hydra: bool, memos: Memos | None
) -> DictConfig:
    """Merge the defaults list's configs; the hydra node is kept only `with_hydra`."""
    items, touches_hydra = _merge_items(repo, defaults)
    plain, typed = _merged(items)
    if plain is not None:
        plain.pop("hydra", None)
        if touches_hydra and not with_hydra:
            _hydra_node(items, memos)  # validates what user configs write to it
        try:
            return assemble_root(_hydra_node(items, memos) if with_hydra else None, plain)
        except OmegaConfBaseException as exc:
            raise CompositionError(f"The composed config is not valid: {exc}") from None
    assert typed is not None
    _strip_structured_defaults(typed, items)
    if "hydra" in typed:
        if with_hydra or touches_hydra:
            hydra = _hydra_node(items, memos)
        # a frozen dataclass as the primary config makes the root read-only; as in Hydra
        # the hydra node is still added (and the app's keys stay read-only)
        with (
            open_dict(typed),
            flag_override(typed, ["no_deepcopy_set_nodes", "readonly"], [True, False]),
        ):
            if with_hydra:
                typed["hydra"] = hydra
                OmegaConf.set_readonly(typed.hydra, False)
            else:
                del typed["hydra"]
    return typed


def _config_from_defaults(
    repo: ConfigRepository,
    defaults: DefaultsList,
    overrides: Sequence[Override],
    *,
    config_name: str | None,
    return_hydra_config: bool,
    job_name: str,
    version: str,
    version_base: str,
    memos: Memos | None,
) -> DictConfig:
    """The config a resolved defaults list composes to, overrides applied, hydra node filled."""
    with_hydra = return_hydra_config or any(is_hydra_override(o) for o in defaults.config_overrides)

    def build() -> DictConfig:
        cfg = _build_config(repo, defaults, with_hydra=with_hydra, memos=memos)
        if "hydra" in cfg:
            try:
                fill_static(
                    cfg,
                    choices=defaults.choices,
                    search_path=repo.search_path,
                    version=version,
                    version_base=version_base,
                )
            except OmegaConfBaseException as exc:
                raise CompositionError(
                    f"Could not record this composition in the hydra node: {exc}"
                ) from None
        # the flags each composition starts from, memoised with the config: setting them
        # walks the whole tree, once per job of a sweep otherwise
        OmegaConf.set_struct(cfg, True)
        if "hydra" in cfg:
            OmegaConf.set_readonly(cfg.hydra, False)
        return cfg

    if memos is None:
        cfg = build()
    else:
        identities = []
        for d in defaults.defaults:
            raw = repo.load(d.config_path)
            identities.append((d.config_path, d.package, raw.identity if raw else None))
        static = (
            tuple(defaults.choices.items()),
            tuple(repo.search_path),
            version,
            version_base,
        )
        key = ("config", with_hydra, tuple(identities), static)
        # Built from files alone, it is kept on disk too, for the next run of the app: a
        # file's identity is its path and a stamp with a checksum of its bytes; a store
        # node's holds a token of this process, which another never meets.
        from_files = all(_is_file_identity(i) for _, _, i in identities)
        template = launch_template(
            memos.configs,
            memos.dirname_rules,
            key,
            lambda: memos.configs.get_or_build(key, build, keep_first=from_files),
            defaults.config_overrides,
            overrides=overrides,
            config_name=config_name,
            job_name=job_name,
        )
        if isinstance(template, DictConfig):  # the base config: no shortcut for it
            cfg = template
        elif template is not None:
            cfg, rule, task = template
            apply_overrides(cfg, task)
            try:
                fill_task(cfg, [o for o in overrides if not is_hydra_override(o)], rule)
            except OmegaConfBaseException as exc:
                raise CompositionError(
                    f"Could not record this composition in the hydra node: {exc}"
                ) from None
            return _without_hydra(cfg) if not return_hydra_config else cfg
        else:
            cfg = memos.configs.get_or_build(key, build, keep_first=from_files)
    apply_overrides(cfg, defaults.config_overrides)
    if "hydra" in cfg:
        try:
            fill_runtime(cfg, overrides=overrides, config_name=config_name, job_name=job_name)
        except OmegaConfBaseException as exc:
            raise CompositionError(
                f"Could not record this composition in the hydra node: {exc}"
            ) from None
        if not return_hydra_config:
            _without_hydra(cfg)
    return cfg


def _without_hydra(cfg: DictConfig) -> DictConfig:
    with read_write(cfg), open_dict(cfg):
        del cfg["hydra"]
    return cfg


def _is_file_identity(identity: object) -> bool:
    return (
        isinstance(identity, tuple)
        and len(identity) == 2
        and isinstance(identity[0], str)
        and os.path.isabs(identity[0])
    )


def compose_config(
    repo: ConfigRepository,
    config_name: str | None,
    overrides: Sequence[Override],
    *,
    return_hydra_config: bool = False,
    job_name: str = "app",
    version: str = "0",
    version_base: str = CURRENT_VERSION,
    skip_missing: bool = False,
    sweeps_allowed: bool = False,
    memos: Memos | None = None,
) -> Composition:
    """Compose a primary config under overrides, as Hydra 1.3 does.

    Args:
        repo: the config repository (search path, store, file cache).
        config_name: the primary config, or None.
        overrides: parsed overrides, group selections and value overrides mixed.
        return_hydra_config: keep the `hydra` node in the result.
        job_name: `hydra.job.name` unless a config sets it.
        version: `hydra.runtime.version`.
        version_base: `hydra.runtime.version_base`, the version_base the app or the
            `initialize*` asked for ("1.1", "1.3"...), already read (see hydria.version_base);
            a job reads it back to decide `hydra.job.chdir` when that is null.
        skip_missing: leave `???` group selections out (multirun) instead of failing.
        sweeps_allowed: compose a sweep's base config (multirun): sweep overrides are
            recorded in `hydra.overrides` but not applied; sweeping `hydra.*` is an error.
        memos: memos to reuse work across calls; results are the same without them.

    Raises:
        SweepNotAllowedError, MissingConfigError, DefaultsListError, CompositionError,
        ConfigLoadError: each naming what to fix.
    """
    if sweeps_allowed:
        reject_hydra_sweeps(overrides)
    else:
        reject_sweeps(overrides)
    repo = with_searchpath(repo, config_name, overrides)
    legacy = not at_least(version_base, "1.2")  # Hydra 1.1's defaults-list leniency
    if memos is not None:
        defaults = memos.defaults.resolve(
            repo,
            config_name,
            overrides,
            skip_missing=skip_missing,
            legacy_1_1=legacy,
        )
    else:
        from hydria.defaults import resolve_defaults  # with memos, only a miss loads it

        defaults = resolve_defaults(
            repo, config_name, overrides, skip_missing=skip_missing, legacy_1_1=legacy
        )
    try:
        cfg = _config_from_defaults(
            repo,
            defaults,
            overrides,
            config_name=config_name,
            return_hydra_config=return_hydra_config,
            job_name=job_name,
            version=version,
            version_base=version_base,
            memos=memos,
        )
    except RecursionError:
        # OmegaConf builds, copies and merges nodes recursively (about 13 frames a level)
        from hydria.compose.depth import too_deep_error

        raise too_deep_error(repo, defaults) from None
    return Composition(config=cfg, defaults=defaults, repository=repo, overrides=tuple(overrides))
