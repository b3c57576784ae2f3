"""Runs an app from its command line: the one place the stages are wired together.

argv → RunRequest → (compose → run_job) or (compose → print config / help / info).
"""

from __future__ import annotations

import os
import shlex
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from omegaconf import Container, DictConfig, ListConfig, Node, OmegaConf, open_dict
from omegaconf.errors import InterpolationToMissingValueError, MissingMandatoryValue

from hydria.app import debug_info, initialization
from hydria.app.app_setup import (
    AppSource,
    app_repository,
    app_search_path,
    app_source,
    disk_cache_dir,
    primary_source_url,
)
from hydria.app.cli import RunRequest, parse_args
from hydria.app.initialization import Initialized
from hydria.app.report import report, report_task_error, report_task_traceback
from hydria.app.task_model import config_model_of, with_config_model
from hydria.builtin import RunMode
from hydria.compose import Composition, Memos, compose_config
from hydria.errors import HydriaError, UsageError
from hydria.overrides import parse_overrides
from hydria.repository import ConfigRepository, ConfigStore, ParsedFileCache, SearchPathEntry
from hydria.runtime import (
    JobSpec,
    JobStatus,
    configure_logging,
    make_dir,
    pop_job,
    push_job,
    register_resolvers,
    restore_logging,
    run_job,
    save_sweep_config,
    snapshot_logging,
)
from hydria.runtime.callbacks import Callbacks
from hydria.terminal_text import printable
from hydria.version import __version__
from hydria.version_base import CURRENT_VERSION

_PARSED_FILES = ParsedFileCache()
_MEMOS = Memos.create(disk_dir=disk_cache_dir())


class AppExit(Exception):
    """Carries the exit code of a finished command up to `main` (which calls sys.exit)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True, kw_only=True)
class App:
    """An app: its task function and where its configs are, from the decorator."""

    task: Callable[..., Any]
    config_path: str | None
    config_name: str | None
    source: AppSource
    config_model: type | None = None  # the pydantic model the task's parameter asks for
    # what `version_base` the decorator was given, read ("1.1", "1.3"): recorded in
    # hydra.runtime.version_base, from where a job decides a null hydra.job.chdir
    version_base: str = CURRENT_VERSION
    # False: neither hydra_logging nor job_logging is applied (in-process test runners)
    configure_logging: bool = True

    @property
    def job_task(self) -> Callable[[DictConfig], Any]:
        """What a job calls: the task, given its config as the model it asks for."""
        return with_config_model(self.task, self.config_model)

    def validate(self, composition: Composition) -> None:
        """Check the composition against the pydantic schemas it used and the task's
        model, before anything runs. Without pydantic imported there can be none."""
        if "pydantic" not in sys.modules:
            return
        from hydria.validation import SchemaCheck, validate_composition

        extra = []
        if self.config_model is not None:
            extra.append(SchemaCheck("", self.config_model, "the task's annotation"))
        validate_composition(composition, extra)

    def search_path(self, request: RunRequest) -> tuple[SearchPathEntry, ...]:
        config_path = request.config_path if request.config_path is not None else self.config_path
        extra = [request.config_dir] if request.config_dir else []
        return app_search_path(primary_source_url(self.source, config_path), extra)

    def repository(self, request: RunRequest) -> ConfigRepository:
        entries = self.search_path(request)
        return app_repository(entries, store=ConfigStore.instance(), cache=_PARSED_FILES)

    def config_name_for(self, request: RunRequest) -> str | None:
        return request.config_name if request.config_name is not None else self.config_name


def _compose(
    app: App,
    request: RunRequest,
    overrides: Sequence[str],
    *,
    skip_missing: bool = False,
    check_sweeps: bool = True,
    sweeps_allowed: bool = False,
) -> Composition:
    parsed = parse_overrides(list(overrides))
    if not check_sweeps:
        parsed = [o for o in parsed if not o.is_sweep]
    return compose_config(
        app.repository(request),
        app.config_name_for(request),
        parsed,
        return_hydra_config=True,
        job_name=app.source.job_name,
        version=__version__,
        version_base=app.version_base,
        skip_missing=skip_missing,
        sweeps_allowed=sweeps_allowed,
        memos=_MEMOS,
    )


def _multirun(app: App, request: RunRequest, overrides: list[str]) -> list[Any]:
    """Compose the sweep's base config, then run its jobs batch by batch through the
    configured launcher, recording each in `<sweep dir>/results.jsonl` as it ends.

    Every job of a batch is composed before any runs (so a bad option fails early, as
    in Hydra); a failing job does not stop the others; at the end a summary table is
    printed on stderr and the exit code is 1 if any job failed (130 after Ctrl-C).
    """
    from hydria.plugins import load_plugin  # only sweeps need these (start-up cost)
    from hydria.sweep import ResultsFile, execute_sweep, make_progress, summary_table

    master = _compose(app, request, overrides, skip_missing=True, sweeps_allowed=True)
    cfg = master.config
    hydra_overrides = [str(o) for o in OmegaConf.to_container(cfg.hydra.overrides.hydra) or []]
    task_overrides = [str(o) for o in OmegaConf.to_container(cfg.hydra.overrides.task) or []]
    sweeper = load_plugin("sweeper", cfg.hydra.sweeper)
    batches = sweeper.batches(task_overrides, options_of=master.repository.group_options)
    launcher = load_plugin("launcher", cfg.hydra.launcher)
    config_name = app.config_name_for(request)
    resume = request.resume
    callbacks = Callbacks()

    def make_spec(num: int, job: list[str]) -> JobSpec:
        job_overrides = [*hydra_overrides, *job]
        composition = _compose(app, request, job_overrides)
        app.validate(composition)
        job_cfg = composition.config
        # the sweep's ${now:...} etc. once resolved stay the same in every job, as in Hydra
        OmegaConf.copy_cache(from_config=cfg, to_config=job_cfg)
        with open_dict(job_cfg):
            job_cfg.hydra.job.id = str(num)
            job_cfg.hydra.job.num = num
        callbacks.notify(
            "on_compose_config", config=job_cfg, config_name=config_name, overrides=job_overrides
        )
        task = OmegaConf.to_container(job_cfg.hydra.overrides.task)
        assert isinstance(task, list)
        return JobSpec(
            config=job_cfg,
            task=app.job_task,
            task_overrides=tuple(str(t) for t in task),
            dir_key="hydra.sweep.dir",
            subdir_key="hydra.sweep.subdir",
            configure_logging=app.configure_logging,
            callbacks=callbacks,
            log_errors=True,
            owned=True,
        )

    snapshot = snapshot_logging()
    configured: frozenset[str] | None = None
    token = push_job(cfg.hydra)
    lock = None
    try:
        if app.configure_logging:
            configured = configure_logging(cfg.hydra.hydra_logging, cfg.hydra.verbose)
            _log_debug_info(master)
        sweep_dir = Path(str(cfg.hydra.sweep.dir))
        results = ResultsFile(sweep_dir)
        if resume:  # a sweep to resume is there, with these jobs: checked before creating
            _completed_jobs(results, batches)
        callbacks = Callbacks.from_config(cfg)  # a missing tracking library stops it here
        make_dir(str(sweep_dir), "hydra.sweep.dir", "the sweep directory")
        lock = _own_sweep_dir(sweep_dir)  # held until the sweep process returns
        completed = _resumable(results, batches) if resume else {}
        if not resume:
            _set_aside(results)
            save_sweep_config(cfg, str(sweep_dir))
        results.path.touch()  # a sweep killed before any job ended can be resumed
        callbacks.notify("on_multirun_start", config=cfg, config_name=config_name)
        total = sum(len(b) for b in batches)
        progress = make_progress(total, len(completed))
        try:
            outcome = execute_sweep(
                batches,
                make_spec=make_spec,
                launcher=launcher,
                results=results,
                progress=progress,
                completed=completed,
            )
        finally:
            progress.close()
        callbacks.notify("on_multirun_end", reverse=True, config=cfg, config_name=config_name)
    finally:
        if lock is not None:
            lock.release()
        pop_job(token)
        restore_logging(snapshot, configured)
    records = list(outcome.records.values())
    if outcome.submitted and not outcome.failures and not outcome.interrupted:
        print(_submitted_text(sweep_dir, outcome.submitted))
        return []
    if records:  # on stderr, as the progress lines: stdout is the task's
        done = sum(r.status == "completed" for r in records)
        sys.stderr.write(
            f"Sweep {printable(str(sweep_dir))}: {total} jobs, {done} completed, "
            f"{len(outcome.failed)} not\n"
            f"{summary_table(records)}\n"
        )
    if outcome.interrupted:
        kept = [a for a in sys.argv[1:] if not a.startswith(("hydra.sweep.dir=", "--resume"))]
        again = [shlex.quote(a) for a in [*kept, "--resume", f"hydra.sweep.dir={sweep_dir}"]]
        stopped = "Terminated (SIGTERM)" if outcome.terminated else "Interrupted"
        sys.stderr.write(
            f"{stopped}. Finished jobs are recorded in {results.path}; to run the rest:\n"
            f"  python {printable(' '.join([sys.argv[0], *again]))}\n"
        )
        raise AppExit(143 if outcome.terminated else 130)
    if outcome.failures:
        num, first = min(outcome.failures.items())
        job_overrides = list(outcome.records[num].overrides)
        if first.error_traceback is not None:
            report_task_traceback(
                first.error_traceback, first.error_filtered, overrides=job_overrides
            )
        count = len(outcome.failures)
        where = printable(str(results.path))
        sys.stderr.write(f"{count} of {total} jobs failed; every failure is in {where}\n")
        raise AppExit(1)
    return [outcome.return_values.get(n) for n in range(total)]


def _submitted_text(sweep_dir: Path, submitted: Sequence[Any]) -> str:
    engines = sorted({str(r.extra.get("engine", "the launcher")) for r in submitted})
    ids = [str(r.extra["job_id"]) for r in submitted if "job_id" in r.extra]
    shown = ", ".join(ids[:8]) + (f", ... ({len(ids)} in all)" if len(ids) > 8 else "")
    return (
        f"Submitted {len(submitted)} jobs to {', '.join(engines)}"
        + (f" (job ids {shown})" if ids else "")
        + f"; not waiting for them.\nSweep dir: {printable(str(sweep_dir))}\n"
        f"Their state and results as they end: python -m hydria results "
        + printable(str(sweep_dir))
    )


def _completed_jobs(results: Any, batches: Sequence[Sequence[list[str]]]) -> dict[int, Any]:
    """The jobs an earlier run of this sweep completed, checked against this sweep's jobs.

    Raises:
        UsageError: nothing to resume there, or the sweep there had other jobs.
    """
    if not results.path.exists():
        raise UsageError(
            f"--resume: {results.path} does not exist; pass the directory of the sweep to "
            "resume: hydra.sweep.dir=<its directory>"
        )
    jobs = [job for batch in batches for job in batch]
    completed = {}
    for num, record in results.latest().items():
        if num >= len(jobs) or list(record.overrides) != list(jobs[num]):
            raise UsageError(
                f"--resume: job #{num} of the sweep in {results.path.parent} ran with "
                f"{list(record.overrides)}, but this command line makes it "
                f"{jobs[num] if num < len(jobs) else 'no job'}; resume with the same overrides"
            )
        if record.status == "completed":
            completed[num] = record
        elif record.status == "submitted":
            _refuse_in_flight(num, record)
    return completed


def _own_sweep_dir(sweep_dir: Path) -> Any:
    """Take the sweep directory's lock (see `hydria.sweep.ownership`).

    Raises:
        SweepDirInUseError: another sweep or resume holds it (the message names it).
    """
    from hydria.sweep.ownership import SweepLock

    lock = SweepLock(sweep_dir)
    lock.acquire()
    return lock


def _resumable(results: Any, batches: Sequence[Sequence[list[str]]]) -> dict[int, Any]:
    """Under the lock: wait for the jobs an earlier, killed run of the sweep left
    running (their records decide), then the completed jobs; says what it resumes."""
    from hydria.sweep.job_journal import wait_for_jobs

    total = sum(len(b) for b in batches)
    completed = _completed_jobs(results, batches)
    pending = set(range(total)) - set(completed)

    def say(text: str) -> None:
        sys.stderr.write(text + "\n")

    wait_for_jobs(results.path.parent, pending, say)
    completed = _completed_jobs(results, batches)
    say(
        f"--resume: {len(completed)} of {total} jobs of the sweep in "
        f"{printable(str(results.path.parent))} completed before; running the other "
        f"{total - len(completed)}"
    )
    return completed


def _refuse_in_flight(num: int, record: Any) -> None:
    """A job still queued or running on its engine would run twice if resumed."""
    from hydria.sweep.live import IN_FLIGHT, live_state

    state = live_state(record)
    if state is not None and state.split(" ")[0] in IN_FLIGHT:
        where = f"{record.extra.get('engine', 'its engine')} job {record.extra.get('job_id', '?')}"
        raise UsageError(
            f"--resume: job #{num} is still {state} ({where}); wait for it to end, or cancel "
            "it, before resuming"
        )


def _set_aside(results: Any) -> None:
    """A new sweep in a directory that holds an older one's results: keep them, renamed."""
    if not results.path.exists():
        return
    index = 1
    while (kept := results.path.with_name(f"results.{index}.jsonl")).exists():
        index += 1
    results.path.rename(kept)


_MISSING_ERRORS = (MissingMandatoryValue, InterpolationToMissingValueError)


def _resolve_keeping_missing(cfg: Container) -> None:
    """Resolve in place; an interpolation to a `???` value stays `???`.

    That is what OmegaConf 2.3 does (and so what `--cfg --resolve` shows on Hydra 1.3);
    OmegaConf 2.4 raises instead, which would make `--cfg hydra --resolve` unusable
    (`hydra.sweep.subdir` points to the unset `hydra.job.num`).
    """
    try:
        OmegaConf.resolve(cfg)
        return
    except _MISSING_ERRORS:
        pass
    assert isinstance(cfg, (DictConfig, ListConfig))
    keys: list[Any] = list(range(len(cfg))) if isinstance(cfg, ListConfig) else list(cfg.keys())
    for key in keys:
        node = cfg._get_node(key)
        if isinstance(node, Container):
            _resolve_keeping_missing(node)
        elif isinstance(node, Node) and node._is_interpolation():
            try:
                value = cfg[key]
            except _MISSING_ERRORS:
                value = "???"
            cfg[key] = value


def _without_hydra(cfg: DictConfig) -> DictConfig:
    return OmegaConf.masked_copy(cfg, [str(k) for k in cfg if k != "hydra"])


def _mode_from_config(app: App, request: RunRequest) -> str | None:
    """`hydra.mode` as the config sets it, or None (then the flags decide)."""
    try:
        cfg = _compose(app, request, request.overrides, skip_missing=True, check_sweeps=False)
    except Exception:  # noqa: BLE001 - the real composition below reports the error
        return None
    mode = cfg.config.hydra.mode
    return None if mode is None else str(getattr(mode, "name", mode))


def _show_cfg(app: App, request: RunRequest) -> None:
    composition = _compose(app, request, request.overrides)
    cfg = composition.config
    token = push_job(cfg.hydra)
    try:
        OmegaConf.set_readonly(cfg.hydra, None)
        if request.cfg == "job":
            with_hydra: Any = _without_hydra(cfg)
        elif request.cfg == "hydra":
            with_hydra = OmegaConf.masked_copy(cfg, ["hydra"])
            with open_dict(with_hydra.hydra):  # as Hydra: the help texts only with --cfg all
                for key in ("help", "hydra_help"):
                    with_hydra.hydra.pop(key, None)
        else:
            with_hydra = cfg
        package = None if request.package == "_global_" else request.package
        selected = with_hydra if package is None else OmegaConf.select(with_hydra, package)
        if selected is None:
            raise UsageError(f"package '{package}' not found in config")
        if not isinstance(selected, Container):
            text = f"{selected}\n"
        else:
            if package is not None:
                print(f"# @package {package}")
            if request.resolve:
                _resolve_keeping_missing(selected)
            text = OmegaConf.to_yaml(selected)
        if request.explain == "":
            from hydria.app.explain import annotated_config

            text = annotated_config(
                composition, request.overrides, text, package=package, resolved=request.resolve
            )
        sys.stdout.write(text)
    finally:
        pop_job(token)


def _explain_key(app: App, request: RunRequest) -> None:
    from hydria.app.explain import key_history_text
    from hydria.errors import ExplainError

    assert request.explain
    composition = _compose(app, request, request.overrides)
    token = push_job(composition.config.hydra)
    try:
        text = key_history_text(
            composition, request.overrides, request.explain, resolve=request.resolve
        )
    except ExplainError as exc:
        raise UsageError(f"--explain {request.explain}: {exc}") from None
    finally:
        pop_job(token)
    print(text)


def _multirun_from_flag(app: App, request: RunRequest) -> list[Any]:
    overrides = list(request.overrides)
    mode = _mode_from_config(app, request)
    if mode == "RUN":
        warnings.warn(  # Hydra's wording, which users' tests match on
            "\n\tRunning Hydra app with --multirun, overriding with `hydra.mode=MULTIRUN`.",
            UserWarning,
            stacklevel=1,
        )
        mode = None
    if mode is None:
        overrides.append("hydra.mode=MULTIRUN")
    return _multirun(app, request, overrides)


_RESUME_KEYS = ("hydra.sweep.resume=", "+hydra.sweep.resume=", "++hydra.sweep.resume=")


def _take_resume_switch(request: RunRequest) -> RunRequest:
    """`hydra.sweep.resume=true` on the command line is `--resume`. It is taken out of the
    overrides, so the `hydra` node stays exactly Hydra's (which has no such key)."""
    rest, resume = [], request.resume
    for text in request.overrides:
        if text.startswith(_RESUME_KEYS):
            value = text.partition("=")[2].strip().lower()
            if value not in ("true", "false"):
                raise UsageError(f"'{text}': hydra.sweep.resume is true or false")
            resume = value == "true"
        else:
            rest.append(text)
    return replace(request, overrides=tuple(rest), resume=resume)


def _run(app: App, request: RunRequest) -> Any:
    request = _take_resume_switch(request)
    if request.resume and not request.multirun and "hydra.mode=MULTIRUN" not in request.overrides:
        raise UsageError("--resume resumes a sweep: give it with --multirun (-m)")
    if request.no_wait:
        if not request.multirun and "hydra.mode=MULTIRUN" not in request.overrides:
            raise UsageError("--no-wait submits a sweep's jobs: give it with --multirun (-m)")
        request = replace(request, overrides=(*request.overrides, "++hydra.launcher.wait=false"))
    if request.multirun:
        return _multirun_from_flag(app, request)
    overrides = list(request.overrides)
    try:
        # one composition for the common case; Hydra composes twice (to read hydra.mode)
        composition = _compose(app, request, overrides)
    except HydriaError:
        # a sweep, or a `???` group: fine if the config itself asks for a multirun
        if _mode_from_config(app, request) == "MULTIRUN":
            return _multirun(app, request, overrides)
        raise
    cfg = composition.config
    mode = cfg.hydra.mode
    if mode is not None and str(getattr(mode, "name", mode)) == "MULTIRUN":
        return _multirun(app, request, overrides)
    app.validate(composition)
    if mode is None:  # what Hydra's `hydra.mode=RUN` override does, recorded the same way
        cfg.hydra.mode = RunMode.RUN
        cfg.hydra.overrides.hydra.append("hydra.mode=RUN")
    snapshot = snapshot_logging()
    configured: frozenset[str] | None = None
    try:
        if app.configure_logging:
            configured = configure_logging(cfg.hydra.hydra_logging, cfg.hydra.verbose)
            _log_debug_info(composition)
        task = OmegaConf.to_container(cfg.hydra.overrides.task)
        assert isinstance(task, list)
        config_name = app.config_name_for(request)
        callbacks = Callbacks.from_config(cfg)
        callbacks.notify(
            "on_compose_config", config=cfg, config_name=config_name, overrides=overrides
        )
        callbacks.notify("on_run_start", config=cfg, config_name=config_name)
        result = run_job(
            JobSpec(
                config=cfg,
                task=app.job_task,
                task_overrides=tuple(str(t) for t in task),
                configure_logging=app.configure_logging,
                callbacks=callbacks,
            )
        )
        callbacks.notify(
            "on_run_end", reverse=True, config=cfg, config_name=config_name, job_return=result
        )
    finally:
        restore_logging(snapshot, configured)
    if result.status is JobStatus.FAILED:
        assert result.error is not None
        raise AppExit(report_task_error(result.error, overrides=list(task)))
    return result.return_value


def _groups(repo: ConfigRepository) -> dict[str, list[str]]:
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


def _rerun(app: App, request: RunRequest) -> Any:
    """Run the task again on the config a finished job saved in its `.hydra` folder.

    The path may name the job's output dir, the folder or any file in it. The job's own
    output directory and `hydra` node are reused as they were; overrides on the command
    line are ignored. A warning tells when the config tree composes differently today.
    """
    # Imported here: only reruns pay for reading runs back and comparing them.
    from hydria.app.rerun import load_rerun

    assert request.experimental_rerun is not None
    saved = load_rerun(request.experimental_rerun, request.overrides)
    task_cfg = saved.config
    full = OmegaConf.create({"hydra": saved.hydra})
    OmegaConf.set_struct(task_cfg, True)
    token = push_job(full.hydra)
    snapshot = snapshot_logging()
    try:
        configure_logging(full.hydra.get("job_logging"), full.hydra.get("verbose", False))
        return app.job_task(task_cfg)
    except Exception as exc:  # noqa: BLE001 - the user's task: reported with its traceback
        raise AppExit(report_task_error(exc)) from None
    finally:
        restore_logging(snapshot)
        pop_job(token)


def _help_text() -> Any:
    # help, info and version text: imported only for those flags (start-up cost)
    from hydria.app import help as help_text

    return help_text


def _dispatch(app: App, request: RunRequest) -> Any:

    if request.version:
        print(_help_text().version_text())
        return None
    if request.experimental_rerun is not None:
        return _rerun(app, request)
    if request.resolve and request.cfg is None and not request.help and not request.explain:
        raise UsageError(  # Hydra's phrase first: users' tests match on it
            "The --resolve flag can only be used in conjunction with --cfg or --help "
            "(or --explain KEY)"
        )
    if request.help or request.hydra_help:
        composition = _compose(app, request, request.overrides)
        cfg = composition.config
        repo = composition.repository
        token = push_job(cfg.hydra)
        try:
            if request.help:
                job = _without_hydra(cfg)
                job_yaml = OmegaConf.to_yaml(job, resolve=request.resolve)
                text = _help_text().render_app_help(cfg.hydra, _groups(repo), job_yaml)
            else:
                shown = [str(k) for k in cfg.hydra if k not in ("help", "hydra_help")]
                hydra_yaml = OmegaConf.to_yaml(OmegaConf.masked_copy(cfg.hydra, shown))
                text = _help_text().render_hydra_help(cfg.hydra, _groups(repo), hydra_yaml)
        finally:
            pop_job(token)
        print(text)
        return None
    commands = sum(
        [request.run, request.cfg is not None, request.multirun, request.info is not None]
    )
    if commands > 1:
        raise UsageError("Only one of --run, --multirun, --cfg and --info can be given")
    if request.cfg is not None:
        _show_cfg(app, request)
        return None
    if request.explain:
        _explain_key(app, request)
        return None
    if request.info is not None:
        composition = _compose(app, request, request.overrides)
        print(_info_text(request.info, composition))
        return None
    return _run(app, request)


def _info_text(kind: str, composition: Composition, *, config_yaml: str | None = None) -> str:
    """`--info KIND` for a composition; `config_yaml` replaces its composed config."""
    if config_yaml is None:
        config_yaml = OmegaConf.to_yaml(_without_hydra(composition.config))
    text: str = _help_text().render_info(
        kind,
        search_path=composition.repository.search_path,
        defaults=composition.defaults,
        config_yaml=config_yaml,
        sources=_config_sources(composition),
        **({"plugins": _installed_plugins()} if kind in ("all", "plugins") else {}),
    )
    return text


def _log_debug_info(composition: Composition) -> None:
    """Hydra's debug dump (`--info all`) at the start of a run or a sweep, logged
    through `hydra_logging` when `hydra.verbose` asks for it (see `debug_info`)."""
    if debug_info.wants_debug_info():
        debug_info.log_debug_info(
            _info_text("all", composition, config_yaml=""),
            OmegaConf.to_yaml(_without_hydra(composition.config)),
        )


def _config_sources(composition: Composition) -> dict[str, str]:
    """Config path → the file it was read from (`pkg://...` inside a package), or
    `structured://...` for the ConfigStore: what `--info defaults-tree` shows."""
    found: dict[str, str] = {}
    for d in composition.defaults.defaults:
        raw = composition.repository.load(d.config_path)
        if raw is None or d.config_path in found:
            continue
        if raw.filename is None:
            found[d.config_path] = f"structured://{d.config_path}"
        elif raw.source.scheme == "pkg":
            extension = os.path.splitext(raw.filename)[1]
            found[d.config_path] = f"{raw.source.url}/{d.config_path}{extension}"
        else:
            found[d.config_path] = raw.filename
    return found


def _installed_plugins() -> dict[str, list[str]]:
    """What `--info plugins` lists: the config sources, the launchers and sweepers
    known by name (built-ins, then installed entry points), and the installed search
    path plugins, by class name."""
    from hydria.app.help import BUILTIN_PLUGINS
    from hydria.plugins import plugin_names
    from hydria.repository.plugin_search_path import search_path_plugins  # kept off start-up

    names = plugin_names()
    return {
        "ConfigSource": list(BUILTIN_PLUGINS["ConfigSource"]),
        "Launcher": list(dict.fromkeys(n.rsplit(".", 1)[-1] for n in names["launcher"])),
        "Sweeper": list(dict.fromkeys(n.rsplit(".", 1)[-1] for n in names["sweeper"])),
        "SearchPathPlugin": [cls.__name__ for cls in search_path_plugins()],
    }


def run_app(app: App, argv: Sequence[str]) -> Any:
    """Run `app` with a command line; return the task's value, or raise `AppExit`.

    Every error is reported here (message, exit code); only `main` exits the process.
    """
    try:
        return dispatch(app, argv)
    except AppExit:
        raise
    except Exception as exc:  # noqa: BLE001 - report() turns every error into a message
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
    initialization.activate(
        Initialized(
            search_path=app.search_path(request),
            job_name=app.source.job_name,
            version_base=app.version_base,
            origin=f"the app {app.source.job_name!r}",
        )
    )
    try:
        return _dispatch(app, request)
    finally:
        initialization.clear()


def make_app(
    task: Callable[[DictConfig], Any],
    config_path: str | None,
    config_name: str | None,
    *,
    version_base: str = CURRENT_VERSION,
) -> App:
    """The app `@main` makes of `task`; `version_base` as `read_version_base` returned it."""
    return App(
        task=task,
        config_path=config_path,
        config_name=config_name,
        source=app_source(task),
        config_model=config_model_of(task),
        version_base=version_base,
    )
