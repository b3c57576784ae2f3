"""`--info [kind]`, and Hydra's debug dump of the same at the start of a run or sweep
when `hydra.verbose` asks for it.

Every run and sweep imports this module to ask whether the dump is wanted, so it
imports only what that question needs: the renderers and `show_config` (with the
resolver it brings) load when a dump or an `--info` text is made."""

from __future__ import annotations

import os

from omegaconf import OmegaConf

from hydria.app import debug_info
from hydria.app.application import Invocation
from hydria.compose import Composition

__all__ = ["info_text", "log_debug_info", "show_info"]


def show_info(invocation: Invocation) -> None:
    """Print what `--info KIND` asks for, on stdout."""
    assert invocation.request.info is not None
    print(info_text(invocation.request.info, invocation.compose()))


def info_text(kind: str, composition: Composition, *, config_yaml: str | None = None) -> str:
    """`--info KIND` for a composition; `config_yaml` replaces its composed config."""
    # the text renderers are imported only for the flags that print them (start-up cost)
    from hydria.app import help as help_text

    if config_yaml is None:
        from hydria.app.modes.show_config import without_hydra

        config_yaml = OmegaConf.to_yaml(without_hydra(composition.config))
    plugins = None
    if kind in ("all", "plugins"):
        from hydria.plugin_registry import installed_plugins

        plugins = installed_plugins()
    text: str = help_text.render_info(
        kind,
        plugins=plugins,
        search_path=composition.repository.search_path,
        defaults=composition.defaults,
        config_yaml=config_yaml,
        sources=config_sources(composition),
    )
    return text


def log_debug_info(composition: Composition) -> None:
    """Hydra's debug dump (`--info all`) at the start of a run or a sweep, logged
    through `hydra_logging` when `hydra.verbose` asks for it (see `debug_info`)."""
    if debug_info.wants_debug_info():
        from hydria.app.modes.show_config import without_hydra

        debug_info.log_debug_info(
            info_text("all", composition, config_yaml=""),
            OmegaConf.to_yaml(without_hydra(composition.config)),
        )


def config_sources(composition: Composition) -> dict[str, str]:
    """Config path → the file it was read from (`pkg://...` inside a package), or
    `structured://...` for the ConfigStore: what `--info defaults-tree` shows."""
    found: dict[str, str] = {}
    for d in composition.defaults.defaults:
        raw = composition.repository.load(d.config_path)
        if raw is None or d.config_path in found:
            continue
        if raw.filename is None:
            found[d.config_path] = f"structured://{d.config_path}"
        elif raw.source.scheme == "pkg":
            extension = os.path.splitext(raw.filename)[1]
            found[d.config_path] = f"{raw.source.url}/{d.config_path}{extension}"
        else:
            found[d.config_path] = raw.filename
    return found
