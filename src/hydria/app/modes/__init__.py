"""One module per thing a command line can ask for: run, multirun, --cfg, --info, --help and
--hydra-help, --explain KEY, --experimental-rerun, --shell-completion. `app.runner` picks
one per command line; each receives the `Invocation` (the request, its overrides parsed
once) and returns the task's value or None, or raises `AppExit` (--shell-completion,
which reads no config, receives the app and the request)."""
