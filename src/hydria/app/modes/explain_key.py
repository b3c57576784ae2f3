"""`--explain KEY`: every value a key of the composed config took, and where from."""

from __future__ import annotations

from hydria.app.application import Invocation
from hydria.errors import ExplainError, UsageError
from hydria.runtime import pop_job, push_job

__all__ = ["explain_key"]


def explain_key(invocation: Invocation) -> None:
    """Print the history of `--explain KEY` on stdout."""
    from hydria.app.explain import key_history_text  # provenance loads only for --explain

    request = invocation.request
    assert request.explain
    composition = invocation.compose()
    token = push_job(composition.config.hydra)
    try:
        text = key_history_text(composition, request.explain, resolve=request.resolve)
    except ExplainError as exc:
        raise UsageError(f"--explain {request.explain}: {exc}") from None
    finally:
        pop_job(token)
    print(text)
