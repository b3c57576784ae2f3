"""Waiting in tests for something another process does, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(ready: Callable[[], bool], what: str, timeout: float = 60, every: float = 0.1) -> None:
    """Poll `ready` until it is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)
