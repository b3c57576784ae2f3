"""`hydria.explain` and the `--explain` flag: where the values of a config came from.

A composed config does not carry its provenance (composing records none, to stay
fast). It carries, in its `hydra` node, everything needed to compose it again —
config sources, primary config, overrides — and that replay is traced. The
answer is checked against the config it explains: if the config files changed
since, the explanation would be of another config, and it is refused.
"""

from __future__ import annotations

import difflib
import os
from typing import Any, overload

from omegaconf import DictConfig, OmegaConf

from hydria.compose import Composition
from hydria.errors import ExplainError
from hydria.provenance import KeyHistory, Provenance, trace
from hydria.provenance.model import format_key, key_parts
from hydria.provenance.render import annotate_yaml, render_history
from hydria.runtime.context import HydraConfig

__all__ = ["annotated_config", "explain", "key_history", "key_history_text"]


def _without_hydra(cfg: DictConfig) -> dict[Any, Any]:
    container = OmegaConf.to_container(cfg, resolve=False)
    assert isinstance(container, dict)
    return {k: v for k, v in container.items() if k != "hydra"}


def _source(config: DictConfig | str | os.PathLike[str]) -> tuple[DictConfig, DictConfig]:
    """The hydra node to compose from, and the task config the answer must match."""
    if isinstance(config, (str, os.PathLike)):
        from hydria.runs.saved import load_run

        run = load_run(config)
        return run.hydra, run.config
    if not isinstance(config, DictConfig):
        raise ExplainError(
            f"explain() takes a DictConfig or a run directory, got {type(config).__name__}"
        )
    if "hydra" in config:
        return config.hydra, config
    if HydraConfig.initialized():
        return HydraConfig.get(), config
    raise ExplainError(
        "This config does not say how it was composed: explain() needs the `hydra` node "
        "(compose(..., return_hydra_config=True)), a call inside a running job, or a run "
        "directory"
    )


def _traced(config: DictConfig | str | os.PathLike[str]) -> Provenance:
    from hydria.runs.recompose import recompose

    hydra, expected = _source(config)
    composition = recompose(hydra)
    if not _same(_without_hydra(composition.config), _without_hydra(expected)):
        raise ExplainError(
            "The config files changed since this config was composed: composing its "
            "overrides again gives a different config, so its origins cannot be traced. "
            "`python -m hydria diff <run dir>` shows what changed"
        )
    return trace(composition)  # with the recorded overrides it was composed from


def _same(a: Any, b: Any) -> bool:
    """`a == b` for composed values, but for `nan`, which is the same as itself here."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return bool(a == b)


def _unknown_key(key: str, provenance: Provenance) -> ExplainError:
    message = f"'{key}' is not a key of this config"
    close = difflib.get_close_matches(key, list(provenance), n=3, cutoff=0.6)
    if close:
        quoted = [f"'{c}'" for c in close]
        listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        message += f"; did you mean {listed}?"
    return ExplainError(message)


def key_history(provenance: Provenance, key: str) -> KeyHistory:
    """The history of `key`, or an error naming the closest keys.

    Raises:
        ExplainError: no key by that name was ever written.
    """
    if key not in provenance:
        raise _unknown_key(key, provenance)
    return provenance[key]


@overload
def explain(config: DictConfig | str | os.PathLike[str], key: str) -> KeyHistory: ...
@overload
def explain(config: DictConfig | str | os.PathLike[str], key: None = None) -> Provenance: ...
def explain(
    config: DictConfig | str | os.PathLike[str], key: str | None = None
) -> KeyHistory | Provenance:
    """Where the values of a composed config came from.

    Args:
        config: a config composed with its `hydra` node (`compose(...,
            return_hydra_config=True)`, or an app's full config); the task's config
            inside a running job; or a run's output directory.
        key: a full key (`db.port`, `model.layers[0]`); None for every key.

    Returns:
        The key's `KeyHistory` (each value it took, with file and line or override),
        or, without a key, the `Provenance` of every key.

    Raises:
        ExplainError: an unknown key, a config that does not record how it was composed,
            or one whose config files changed since.
        HydriaError: composing the config again failed (a config file was removed...).
    """
    provenance = _traced(config)
    return provenance if key is None else key_history(provenance, key)


def key_history_text(composition: Composition, key: str, *, resolve: bool) -> str:
    """What `--explain KEY` prints.

    Raises:
        ExplainError: the key is not in the config (nor was ever written).
    """
    history = key_history(_trace_of(composition), key)
    resolved = None
    if resolve and history.present:
        selected = OmegaConf.select(
            composition.config, format_key(key_parts(key)), throw_on_missing=False
        )
        resolved = (
            OmegaConf.to_container(selected, resolve=True)
            if OmegaConf.is_config(selected)
            else selected
        )
    return render_history(history, resolved_value=resolved, resolved=resolve)


def annotated_config(
    composition: Composition,
    text: str,
    *,
    package: str | None,
    resolved: bool,
) -> str:
    """What `--cfg ... --explain` prints: `text` (the YAML --cfg prints for `package`)
    with each value's origin beside it."""
    prefix = key_parts(package) if package else ()
    return annotate_yaml(text, _trace_of(composition), prefix=prefix, resolved=resolved)


def _trace_of(composition: Composition) -> Provenance:
    """Trace a composition with the overrides it was composed with (parsed once, by the
    command line; provenance numbers them and reads which chose each config)."""
    return trace(composition)
