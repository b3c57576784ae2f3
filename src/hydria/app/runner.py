"""Runs an app from its command line: parse it once, pick the mode it asks for, report errors.

argv → `RunRequest` (`cli`) → its overrides parsed once (`Invocation`) → one module of
`app.modes`: run, multirun, --cfg, --info, --help/--hydra-help, --explain KEY,
--experimental-rerun, --shell-completion. Only `run_app` turns errors into messages and
exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hydria.app import initialization
from hydria.app.application import App, AppExit, Invocation, make_app
from hydria.app.cli import RunRequest, parse_args
from hydria.app.initialization import Initialized
from hydria.runtime import register_resolvers

if TYPE_CHECKING:
    from hydria.overrides import Override

__all__ = ["App", "AppExit", "dispatch", "make_app", "run_app"]


def run_app(app: App, argv: Sequence[str]) -> Any:
    """Run `app` with a command line; return the task's value, or raise `AppExit`.

    Every error is reported here (message, exit code); only `main` exits the process.
    """
    from hydria.app.completion_record import remember_app

    remember_app(app)  # where the configs are, for shell completion (never fails the run)
    try:
        return dispatch(app, argv)
    except AppExit:
        raise
    except Exception as exc:  # noqa: BLE001 - report() turns every error into a message
        from hydria.app.report import report  # the renderers load when there is an error

        raise AppExit(report(exc)) from None


def dispatch(app: App, argv: Sequence[str]) -> Any:
    """`run_app` without the reporting: an error in the command line, the configs or the
    set-up comes out as the exception it is (for in-process test runners, which assert
    on it). A failing task is still reported, and raises `AppExit`.

    While it runs, the app's search path is in effect for `compose()` calls without a
    config source (Hydra's GlobalHydra); it is cleared at the end, as Hydra does.
    """
    register_resolvers()
    request = parse_args(argv)
    if request.command == "shell_completion":  # prints a script or answers a Tab: no configs
        from hydria.app.modes.shell_completion import shell_completion

        return shell_completion(app, request)
    initialization.activate(
        Initialized(
            search_path=app.search_path(request),
            job_name=app.source.job_name,
            version_base=app.version_base,
            origin=f"the app {app.source.job_name!r}",
        )
    )
    try:
        return _run_mode(app, request)
    finally:
        initialization.clear()


def _parsed(overrides: Sequence[str]) -> list[Override]:
    """The command line's overrides as records; the parser (~2 ms of regexes to compile)
    is loaded only when there is one to parse."""
    if not overrides:
        return []
    from hydria.overrides import parse_overrides

    return parse_overrides(list(overrides))


def _run_mode(app: App, request: RunRequest) -> Any:
    """The one mode the request asks for (`RunRequest.command`, Hydra's precedence)."""
    command = request.command
    if command == "version":
        from hydria.app import help as help_text  # the text renderers load only for flags

        print(help_text.version_text())
        return None
    if command == "experimental_rerun":  # overrides are ignored there, not even parsed
        from hydria.app.modes.rerun import rerun

        return rerun(app, request)
    invocation = Invocation.create(app, request, _parsed(request.overrides))
    mode: Callable[[Invocation], Any]
    if command in ("help", "hydra_help"):
        from hydria.app.modes.app_help import show_help as mode
    elif command == "cfg":
        from hydria.app.modes.show_config import show_config as mode
    elif command == "info":
        from hydria.app.modes.info import show_info as mode
    elif command == "explain":
        from hydria.app.modes.explain_key import explain_key as mode
    elif command == "multirun":
        from hydria.app.modes.multirun import multirun

        def mode(invocation: Invocation) -> Any:
            return multirun(invocation, from_flag=True)

    else:
        from hydria.app.modes.run import run as mode
    if command not in ("run", "cfg", "multirun"):
        return mode(invocation)
    # the modes that compose for real keep what they parsed for the app's next run
    from hydria.app.run_state import kept_between_runs

    with kept_between_runs(app.identity):
        return mode(invocation)
