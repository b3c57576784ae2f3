"""What a config may export for its job (`hydra.job.env_set`): anything but a wider
target policy, or variables that make programs load code they name.

The target policy comes from the launching process's environment. A config that could
set `HYDRIA_UNSAFE_TARGETS` for its own job would unlock what the policy refuses, so
the policy variables may only narrow: `HYDRIA_ALLOWED_TARGETS` is intersected with the
launching process's allow-list, and the unlock lists may only drop names. Variables
that make the dynamic loader, Python or a shell run code from a file or a name
(`LD_PRELOAD`, `LD_AUDIT`, `DYLD_INSERT_LIBRARIES`, `PYTHONBREAKPOINT`, `BASH_ENV`) may
only repeat the launching process's value (so `hydra.job.env_copy` keeps working).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from hydria.errors import ConfigContentError
from hydria.instantiation.policy import (
    ALLOWED_ENV,
    HYDRA_OVERRIDE_ENV,
    UNSAFE_ENV,
    entries,
    intersect,
)

__all__ = ["CODE_LOADING_VARIABLES", "job_environment"]

#: Variables that make programs the job starts load or run code named in them.
CODE_LOADING_VARIABLES = (
    "LD_PRELOAD",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "PYTHONBREAKPOINT",
    "BASH_ENV",
)


def _narrowed_allow_list(value: str, current: str | None, key: str) -> str:
    asked = entries(value)
    if not asked:  # a blank allow-list means none: it cannot lift the launching one
        return current or ""
    have = entries(current)
    if not have:
        return ",".join(asked)
    kept = intersect(have, asked)
    if not kept:
        raise ConfigContentError(
            f"{key}={value!r} shares no target with the launching process's "
            f"{ALLOWED_ENV}={current!r}; a config may narrow the allow-list, not replace "
            "it. List prefixes under those, or change the environment that starts the app."
        )
    return ",".join(kept)


def job_environment(
    env_set: Mapping[Any, Any],
    environ: Mapping[str, str] | None = None,
    node: str = "hydra.job.env_set",
) -> dict[str, str]:
    """The variables to export for a job from `env_set`, the policy kept as narrow.

    Args:
        env_set: the config's `hydra.job.env_set`.
        environ: the launching process's environment (default: `os.environ`).
        node: where `env_set` comes from, for messages.

    Returns:
        `env_set` as strings, with `HYDRIA_ALLOWED_TARGETS` narrowed to what the
        launching process allows too.

    Raises:
        hydria.errors.ConfigContentError: `env_set` unlocks a target the launching
            process does not, or sets a code-loading variable to a new value.
    """
    current = os.environ if environ is None else environ
    values = {str(key): str(value) for key, value in env_set.items()}
    for key, value in values.items():
        where = f"{node}.{key}"
        if key == ALLOWED_ENV:
            values[key] = _narrowed_allow_list(value, current.get(key), where)
        elif key in (UNSAFE_ENV, HYDRA_OVERRIDE_ENV):
            extra = [e for e in entries(value) if e not in entries(current.get(key))]
            if extra:
                raise ConfigContentError(
                    f"{where} would unlock {', '.join(extra)} for the job: a config cannot "
                    f"widen the target policy. If the config is trusted, set {key} in the "
                    "environment that starts the app."
                )
        elif key in CODE_LOADING_VARIABLES and value != current.get(key):
            raise ConfigContentError(
                f"{where}={value!r}: a config cannot set {key}, which makes the programs the "
                f"job starts load code from what it names. Set it in the environment that "
                "starts the app, or copy it from there with hydra.job.env_copy."
            )
    return values
