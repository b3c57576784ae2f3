"""Dispatching the hooks of `hydra.callbacks` to the callbacks of one run or sweep.

Each entry of `hydra.callbacks` is instantiated once per run (or sweep) and the same
objects see every hook, in config order; the `*_end` hooks run in reverse order, so
a callback that opened something first closes it last. A hook that raises does not
cost the run: it is reported as a warning and the others still run.

What a callback is (`hydria.plugin_contracts.Callback`), which ones hydria ships and
how a config's entries are built and checked (`hydria.plugin_registry.load_callbacks`)
live above this layer: a job only needs the dispatch.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["Callbacks"]


class Callbacks:
    """The callbacks of one run or sweep, and the dispatch of each hook to them."""

    def __init__(self, callbacks: Sequence[Any] = ()) -> None:
        self.callbacks = list(callbacks)

    def __bool__(self) -> bool:
        return bool(self.callbacks)

    def notify(self, hook: str, *, reverse: bool = False, **kwargs: Any) -> None:
        """Call `hook(**kwargs)` on every callback that has it."""
        for callback in reversed(self.callbacks) if reverse else self.callbacks:
            method = getattr(callback, hook, None)
            if method is None:
                continue
            try:
                method(**kwargs)
            except Exception as exc:  # a broken hook must not cost the run its result
                warnings.warn(
                    f"Callback {type(callback).__name__}.{hook} raised {type(exc).__name__}: {exc}",
                    RuntimeWarning,
                    stacklevel=2,
                )
