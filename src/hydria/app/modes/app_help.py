"""`--help` and `--hydra-help`: the app's help and hydria's, from their templates in the
`hydra` node, with the config groups the app's search path offers."""

from __future__ import annotations

from omegaconf import OmegaConf

from hydria.app.application import Invocation
from hydria.app.modes.show_config import without_hydra
from hydria.repository import ConfigRepository
from hydria.runtime import pop_job, push_job

__all__ = ["config_groups", "show_help"]


def show_help(invocation: Invocation) -> None:
    """Print `--help` (or `--hydra-help`) on stdout."""
    from hydria.app import help as help_text  # only these flags pay for the renderers

    request = invocation.request
    composition = invocation.compose()
    cfg = composition.config
    groups = config_groups(composition.repository)
    token = push_job(cfg.hydra)
    try:
        if request.help:
            job_yaml = OmegaConf.to_yaml(without_hydra(cfg), resolve=request.resolve)
            text = help_text.render_app_help(cfg.hydra, groups, job_yaml)
        else:
            shown = [str(k) for k in cfg.hydra if k not in ("help", "hydra_help")]
            hydra_yaml = OmegaConf.to_yaml(OmegaConf.masked_copy(cfg.hydra, shown))
            text = help_text.render_hydra_help(cfg.hydra, groups, hydra_yaml)
    finally:
        pop_job(token)
    print(text)


def config_groups(repo: ConfigRepository) -> dict[str, list[str]]:
    """Every config group on the search path (nested ones as `a/b`) and its options."""
    found: dict[str, list[str]] = {}

    def walk(group: str) -> None:
        for sub in repo.subgroups(group):
            path = f"{group}/{sub}" if group else sub
            options = repo.group_options(path)
            if options:
                found[path] = options
            walk(path)

    walk("")
    return dict(sorted(found.items()))
