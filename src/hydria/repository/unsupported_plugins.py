"""Hydra's launcher and sweeper plugin packages, and what hydria does with each.

hydria runs its own launchers and sweepers. Some of Hydra's plugin packages have a
built-in twin here (joblib, submitit, the local Ray launcher, the Optuna sweeper,
hydra-list-sweeper: their config option names and `_target_` paths keep working); the
others are not run, and naming them (`hydra/launcher=rq`, or a `_target_` in their
package) is an error that says so and what to use instead. Search path discovery skips
all of these packages: none of them adds to the search path, and importing them would
pull in hydra-core.
"""

from __future__ import annotations

from hydria.record_class import record

__all__ = ["SKIPPED_PACKAGES", "UNSUPPORTED", "UnsupportedPlugin", "unsupported_plugin_message"]


@record(kw_only=True)
class UnsupportedPlugin:
    """A Hydra launcher or sweeper plugin hydria does not run."""

    distribution: str  # what `pip install` names
    group: str  # hydra/launcher or hydra/sweeper
    option: str  # its option in that group
    target: str  # its class, as its config's `_target_` names it
    instead: str  # what hydria offers for the same need


_LAUNCHERS = (
    "hydra/launcher=basic (one job after another), joblib (local worker processes), "
    "submitit_local, submitit_slurm (SLURM job arrays) or ray (a local or running Ray cluster)"
)

UNSUPPORTED: tuple[UnsupportedPlugin, ...] = (
    UnsupportedPlugin(
        distribution="hydra-rq-launcher",
        group="hydra/launcher",
        option="rq",
        target="hydra_plugins.hydra_rq_launcher.rq_launcher.RQLauncher",
        instead=_LAUNCHERS,
    ),
    UnsupportedPlugin(
        distribution="hydra-ray-launcher",
        group="hydra/launcher",
        option="ray_aws",
        target="hydra_plugins.hydra_ray_launcher.ray_aws_launcher.RayAWSLauncher",
        instead="hydra/launcher=ray with hydra.launcher.ray.init.address naming a cluster "
        "started with `ray up`; or " + _LAUNCHERS,
    ),
    UnsupportedPlugin(
        distribution="hydra-ax-sweeper",
        group="hydra/sweeper",
        option="ax",
        target="hydra_plugins.hydra_ax_sweeper.ax_sweeper.AxSweeper",
        instead="hydra/sweeper=basic (grid sweeps); run Ax's optimisation loop in your task",
    ),
    UnsupportedPlugin(
        distribution="hydra-nevergrad-sweeper",
        group="hydra/sweeper",
        option="nevergrad",
        target="hydra_plugins.hydra_nevergrad_sweeper.nevergrad_sweeper.NevergradSweeper",
        instead="hydra/sweeper=basic (grid sweeps); run Nevergrad's optimiser in your task",
    ),
)

# Plugin packages discovery never imports: the ones above, and those hydria replaces.
SKIPPED_PACKAGES: tuple[str, ...] = (
    "hydra_plugins.hydra_ax_sweeper",
    "hydra_plugins.hydra_joblib_launcher",
    "hydra_plugins.hydra_nevergrad_sweeper",
    "hydra_plugins.hydra_optuna_sweeper",
    "hydra_plugins.hydra_ray_launcher",
    "hydra_plugins.hydra_rq_launcher",
    "hydra_plugins.hydra_submitit_launcher",
    "hydra_plugins.list_sweeper_plugin",
)


def unsupported_plugin_message(
    *, group: str | None = None, option: str | None = None, target: str | None = None
) -> str | None:
    """What to tell a user who names a Hydra plugin hydria does not run, by config option
    (`group`, `option`) or by `_target_`; None for anything else."""
    for plugin in UNSUPPORTED:
        by_option = group == plugin.group and option == plugin.option
        if not by_option and target != plugin.target:
            continue
        kind = plugin.group.rpartition("/")[2]
        named = f"{plugin.group}={plugin.option}" if by_option else f"_target_: {target}"
        return (
            f"{named} is the {kind} of the Hydra plugin {plugin.distribution}, "
            f"which hydria does not run.\n  Instead use {plugin.instead}."
        )
    return None
