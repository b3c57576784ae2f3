"""--experimental-rerun: read back the run to run again, and warn when its config tree moved on.

The task runs on the config the run saved, as in Hydra 1.3. Composing the run's
overrides again with today's files tells whether running the app anew would give
the same config; when it would not, the user is told what changed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from hydria.errors import SavedRunError, UsageError
from hydria.runs.diff import diff_against_config
from hydria.runs.diff_report import render_text
from hydria.runs.recompose import recompose
from hydria.runs.saved import SavedRun, load_run

__all__ = ["load_rerun", "warn_if_tree_changed"]

_NOT_FOUND_HINT = "give the .hydra folder of a finished job (or a file in it)"
TREE_CHANGED = (
    "--experimental-rerun: the config tree now composes a different config for this run's "
    "overrides; running the saved config. Differences:"
)


def load_rerun(path: str, overrides: Sequence[str]) -> SavedRun:
    """Read the run `--experimental-rerun` names, warning about the ignored overrides.

    Args:
        path: the run's output dir, its `.hydra` folder or a file in it (Hydra's users
            give `.hydra/config.pickle`).
        overrides: the overrides on the command line, which a rerun ignores.

    Raises:
        UsageError: no run's record there.
    """
    given = Path(path)
    if not given.exists():
        raise UsageError(f"--experimental-rerun: '{given}' not found; {_NOT_FOUND_HINT}")
    try:
        saved = load_run(given)
    except SavedRunError as exc:
        raise UsageError(f"--experimental-rerun: {exc}") from None
    if overrides:
        warnings.warn(
            "--experimental-rerun ignores the overrides on the command line: "
            + " ".join(overrides),
            UserWarning,
            stacklevel=1,
        )
    warn_if_tree_changed(saved)
    return saved


def warn_if_tree_changed(saved: SavedRun) -> None:
    """Warn when the run's overrides compose, today, a config other than the saved one,
    or no longer compose at all. Only warns: the saved config is what runs."""
    try:
        composed = recompose(saved.hydra).config
    # Any failure (a file gone, an option renamed, a schema that no longer validates)
    # means the same thing here, and must not stop the rerun.
    except Exception as exc:  # noqa: BLE001 - reported as a warning, the rerun goes on
        warnings.warn(
            f"--experimental-rerun: cannot compose this run's config again ({_one_line(exc)}); "
            "running the saved config",
            UserWarning,
            stacklevel=1,
        )
        return
    diff = diff_against_config(saved, composed)
    if not diff.same:
        warnings.warn(f"{TREE_CHANGED}\n{render_text(diff)}", UserWarning, stacklevel=1)


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
