"""The Ray launcher: each job a Ray task, on a local Ray cluster or one the config names.

Configured like Hydra's Ray launcher plugin (`hydra/launcher=ray`): `ray.init`
arguments under `hydra.launcher.ray.init` (`address` joins a running cluster) and
`ray.remote` options under `hydra.launcher.ray.remote` (`num_cpus`, `num_gpus`,
`max_calls`, ...), so existing configs work. What it adds to the plugin:

* results stream back as jobs finish, each recorded at once;
* a job whose worker dies is recorded as failed (`WorkerDied`, with Ray's reason)
  and not silently run again: task retries are off unless `remote.max_retries` is set;
* a task that cannot be pickled, an address nothing listens on, and options
  `ray.remote` rejects are refused before anything is submitted, and so are jobs
  that ask for more than any node of a cluster it started has (on a cluster it
  joined, where a node may yet join, that is a warning: Ray would wait forever);
* workers import what the driver imports (Ray passes on the script's directory
  and the working directory; directories the app added to `sys.path` travel as
  PYTHONPATH in the runtime env), and each job runs in the launch directory when
  its node has it, as it would locally (`JobSpec.launch_dir`);
* Ctrl-C cancels the jobs in flight;
* a streamed sweep's jobs (an optimiser's trials) are submitted one at a time, as
  fewer than the sweeper's `max_in_flight` run (`launch_stream`).

The jobs' console output reaches the driver through Ray (`ray.init.log_to_driver`),
as it comes; each job's log is also in its output dir. Jobs see the environment of
their node's Ray workers, which on a cluster this launcher did not start is not the
driver's: pass variables in `ray.init.runtime_env.env_vars` or `hydra.job.env_set`.

Ray is imported only when a job is launched with this launcher. The module is over
400 lines because every item above is one concern of one Ray session (connect, check,
submit, wait, cancel), which splitting would scatter over modules that each hold a
piece of the same `ray` handle.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import site
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any

from hydria.errors import PluginError
from hydria.launchers.base import WorkerDied, failed_job, job_line
from hydria.launchers.remote import SourcedTask, check_sendable, run_in_worker
from hydria.plugin_contracts import JobEvents, JobStream, Launcher
from hydria.runtime import JobReturn, JobSpec

__all__ = ["RayLauncher"]

LOG = logging.getLogger("hydria.launchers.ray")
# How often a wait for results lets Ctrl-C through; results themselves arrive at once.
_POLL = 0.5
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class RayLauncher(Launcher):
    """Jobs as Ray tasks; options as Hydra's Ray launcher plugin (`ray.init`, `ray.remote`)."""

    def __init__(self, ray: Mapping[str, Any] | None = None, wait: bool = True) -> None:
        if not wait:
            raise PluginError(
                "the Ray launcher needs the driver: Ray tasks belong to the process that "
                "submitted them and end with it, so it always waits for them; "
                "--no-wait (hydra.launcher.wait=false) is for cluster launchers (submitit_slurm)"
            )
        ray = dict(ray or {})
        unknown = sorted(set(ray) - {"init", "remote"})
        if unknown:
            raise PluginError(
                f"hydra.launcher.ray has unknown key(s) {unknown}: it takes `init` "
                "(ray.init arguments) and `remote` (ray.remote options)"
            )
        for key in ("init", "remote"):
            if not isinstance(ray.get(key) or {}, Mapping):
                raise PluginError(
                    f"hydra.launcher.ray.{key} must be a mapping of ray.{key}() arguments; "
                    f"got {ray[key]!r}"
                )
        self.init: dict[str, Any] = dict(ray.get("init") or {})
        # A dead worker must fail its job, not rerun it behind the sweep's back.
        self.remote: dict[str, Any] = {"max_retries": 0, **(ray.get("remote") or {})}

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        if not jobs:
            return
        with _driver_environment():
            self._launch(jobs, events)

    def _launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        ray = _import_ray()
        check_sendable(jobs[0], "Ray workers", extra="ray")  # every job has the same task
        remote = self._remote_function(ray)
        connected_here = not ray.is_initialized()
        if connected_here:
            self._start(ray)
        try:
            own_cluster = connected_here and _is_head(ray)
            self._check_fits(ray, own_cluster=own_cluster)
            LOG.info("Ray launcher: %d jobs on %s", len(jobs), _where(ray, own_cluster))
            self._run(ray, remote, jobs, events)
        finally:
            if connected_here:  # stops the local cluster, or leaves the joined one
                ray.shutdown()

    def _start(self, ray: Any) -> None:
        """`ray.init` with the configured arguments, the dashboard off unless asked for,
        and the driver's import path added to the workers' runtime env."""
        address = self.init.get("address")
        if isinstance(address, str):
            _check_reachable(address)
        options = {"include_dashboard": False, **self.init}
        options["runtime_env"] = _import_path_env(options.get("runtime_env"))
        import signal

        # ray.init makes SIGTERM exit the driver at once; the sweep's own handler (stop
        # as on Ctrl-C, recording the jobs in flight) is put back
        on_sigterm = signal.getsignal(signal.SIGTERM)
        try:
            ray.init(**options)
        except Exception as exc:  # noqa: BLE001 - whatever Ray refuses, say which call
            if ray.is_initialized():  # it failed after it connected
                ray.shutdown()
            raise PluginError(
                f"ray.init() failed with hydra.launcher.ray.init={self.init}: "
                f"{type(exc).__name__}: {_clean(exc)}"
            ) from exc
        finally:
            if on_sigterm is not None and signal.getsignal(signal.SIGTERM) != on_sigterm:
                with suppress(ValueError):  # not in the main thread: nothing to put back
                    signal.signal(signal.SIGTERM, on_sigterm)

    def _remote_function(self, ray: Any) -> Any:
        try:
            return ray.remote(**self.remote)(run_in_worker)
        except (TypeError, ValueError) as exc:
            raise PluginError(f"hydra.launcher.ray.remote: ray.remote() refuses it: {exc}") from exc

    def _check_fits(self, ray: Any, *, own_cluster: bool) -> None:
        """Ray keeps a task no node can hold waiting forever: say so before submitting.
        On a cluster this launcher started that is an error; on one it joined, a node
        with the resources may still join (an autoscaler), so it is a warning."""
        demand = _demand(self.remote)
        nodes = [node["Resources"] for node in ray.nodes() if node.get("Alive")]
        if any(all(res.get(k, 0) >= v for k, v in demand.items()) for res in nodes):
            return
        have = "; ".join(", ".join(f"{k}={res.get(k, 0):g}" for k in demand) for res in nodes)
        message = (
            f"each job asks Ray for {', '.join(f'{k}={v:g}' for k, v in demand.items())} "
            f"(hydra.launcher.ray.remote), but no node of the cluster has that much "
            f"(nodes: {have or 'none'})"
        )
        if own_cluster:
            raise PluginError(
                f"{message}; give the local cluster more (hydra.launcher.ray.init: num_cpus, "
                "num_gpus, resources) or ask for less"
            )
        LOG.warning("%s; the jobs wait until a node that has it joins", message)

    def _run(self, ray: Any, remote: Any, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        """Submit every job (Ray queues what the cluster cannot run yet), then report
        each as it ends."""
        queue = deque(enumerate(jobs))
        self._submit_and_wait(ray, remote, lambda: queue.popleft() if queue else None, events)

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        """Submit a job whenever fewer than `jobs.max_in_flight` run, each made by the
        sweep once the jobs before it that ended were reported."""
        first = jobs.next()
        if first is None:
            return
        with _driver_environment():
            ray = _import_ray()
            check_sendable(first, "Ray workers", extra="ray")  # every job has the same task
            remote = self._remote_function(ray)
            connected_here = not ray.is_initialized()
            if connected_here:
                self._start(ray)
            try:
                own_cluster = connected_here and _is_head(ray)
                self._check_fits(ray, own_cluster=own_cluster)
                LOG.info(
                    "Ray launcher: jobs as the sweep makes them, at most %d at once, on %s",
                    jobs.max_in_flight,
                    _where(ray, own_cluster),
                )
                pending: list[JobSpec] = [first]
                taken = 0

                def take() -> tuple[int, JobSpec] | None:
                    nonlocal taken
                    spec = pending.pop() if pending else jobs.next()
                    if spec is None:
                        return None
                    taken += 1
                    return taken - 1, spec

                self._submit_and_wait(ray, remote, take, events, limit=jobs.max_in_flight)
            finally:
                if connected_here:
                    ray.shutdown()

    def _submit_and_wait(
        self,
        ray: Any,
        remote: Any,
        take: Callable[[], tuple[int, JobSpec] | None],
        events: JobEvents,
        *,
        limit: int | None = None,
    ) -> None:
        """Submit what `take` gives while fewer than `limit` run (None: everything at
        once), reporting each job as it ends. Anything that stops this, Ctrl-C first,
        cancels what runs."""
        launch_dir = os.getcwd()
        running: dict[Any, tuple[int, float, str]] = {}
        exhausted = False
        try:
            while not exhausted or running:
                while not exhausted and (limit is None or len(running) < limit):
                    taken = take()
                    if taken is None:
                        exhausted = True
                        break
                    index, spec = taken
                    # A worker starts where its node was started (`ray start` run
                    # elsewhere): the job runs from the launch dir, as it would locally.
                    task = (
                        spec.task if isinstance(spec.task, SourcedTask) else SourcedTask(spec.task)
                    )
                    spec = replace(spec, task=task, launch_dir=launch_dir)
                    num, shown = job_line(spec)
                    ref = remote.options(name=f"job #{num}").remote(spec)
                    LOG.info("\t#%s : %s", num, shown)
                    events.started(index, {})
                    running[ref] = (index, time.time(), f"job #{num} ({shown})")
                if not running:
                    continue
                done, rest = ray.wait(list(running), num_returns=1, timeout=_POLL)
                if done and rest:  # and whatever else has ended meanwhile
                    done += ray.wait(rest, num_returns=len(rest), timeout=0)[0]
                for ref in done:
                    index, started, name = running.pop(ref)
                    events.finished(index, self._result(ray, ref, started, name))
        except BaseException:
            for ref in running:
                with suppress(Exception):  # a failed cancel must not hide why we stopped
                    ray.cancel(ref, force=True)  # force: stop jobs that already run, too
            raise

    def _result(self, ray: Any, ref: Any, started: float, name: str) -> JobReturn:
        """The job's `JobReturn`, or a FAILED one saying what Ray reported instead."""
        errors = ray.exceptions
        try:
            result: JobReturn = ray.get(ref)
            return result
        except errors.RayTaskError as exc:
            # not the task's own failure (run_job catches those): the job did not load on
            # the worker (a module it cannot import) or failed before its task ran
            cause = exc.cause if isinstance(exc.cause, BaseException) else exc
            return failed_job(cause, started=started, text=f"{_clean(exc)}\n")
        except (errors.WorkerCrashedError, errors.OutOfMemoryError, errors.NodeDiedError) as exc:
            reason = f"{_clean(exc)}{self._retry_note()}"
            died = WorkerDied(f"the Ray worker running {name} died: {reason}")
            return failed_job(died, started=started, text=f"WorkerDied: {died}\n")
        except Exception as exc:  # noqa: BLE001 - any other Ray error fails this job only
            text = f"Ray could not run {name}: {type(exc).__name__}: {_clean(exc)}\n"
            return failed_job(exc, started=started, text=text)

    def _retry_note(self) -> str:
        retries = self.remote.get("max_retries")
        if retries == 0:
            return (
                " It was not run again: task retries are off "
                "(hydra.launcher.ray.remote.max_retries=0)."
            )
        return f" (retried as hydra.launcher.ray.remote.max_retries={retries} allows)"


@contextmanager
def _driver_environment() -> Iterator[None]:
    """The driver's environment as it was before the launch, once it is over.

    Ray reads its settings from the environment (`_import_ray` sets two defaults, which
    the cluster processes `ray.init` starts inherit) and writes some there itself; none
    of it is the app's, so the launch leaves `os.environ` as it found it."""
    before = dict(os.environ)
    try:
        yield
    finally:
        for key in [key for key in os.environ if key not in before]:
            del os.environ[key]
        for key, value in before.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


def _import_ray() -> Any:
    # Ray 2.60 turns token authentication on once any local cluster wrote a token, after
    # which joining a cluster started without one fails; a user who wants it sets it.
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    # The jobs' output reaches the console through Ray (`log_to_driver`, on by default).
    # A sweep's jobs print lines that differ only in numbers, which Ray's deduplication
    # would merge into one line "[repeated 3x across cluster]".
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    try:
        import ray
    except ImportError:
        raise PluginError(
            "hydra/launcher=ray needs ray, an optional extra: pip install hydria[ray]"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    """A plain `host:port` that nothing listens on makes `ray.init` retry forever, in
    silence: refuse it at once instead. (`auto`, `local` and `ray://` are Ray's.)"""
    host, sep, port = address.rpartition(":")
    if not sep or "://" in address or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise PluginError(
            f"no Ray cluster answers at hydra.launcher.ray.init.address={address} ({exc}). "
            "Start one there (ray start --head --port PORT), or fix the address; "
            "address=null starts a local cluster"
        ) from None


def _import_path_env(runtime_env: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The runtime env to start Ray with: the user's, with PYTHONPATH led by the
    directories the driver imports from that workers would not see.

    Ray passes the script's directory and the working directory on by itself, and
    workers started from the same installation have its `.pth` directories (an
    editable install's source); what is left is what the app added to `sys.path`.
    A runtime env makes Ray start fresh workers (about 1.5 s), so none is added
    when nothing is left. The workers' own PYTHONPATH is kept (Ray expands
    `${PYTHONPATH}` on the node)."""
    known = {os.path.realpath(os.getcwd()), *_pth_dirs()}
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    if script:
        known.add(os.path.dirname(os.path.realpath(script)))
    extra = [p for p in _driver_import_path() if os.path.realpath(p) not in known]
    if not extra:
        return dict(runtime_env) if runtime_env else None
    env = dict(runtime_env or {})
    env_vars = dict(env.get("env_vars") or {})
    given = env_vars.get("PYTHONPATH", "${PYTHONPATH}")
    env_vars["PYTHONPATH"] = os.pathsep.join([*extra, str(given)])
    env["env_vars"] = env_vars
    return env


def _driver_import_path() -> list[str]:
    """The directories on the driver's `sys.path` outside the interpreter's own."""
    roots = {
        os.path.realpath(p)
        for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)
    }
    found: list[str] = []
    for entry in sys.path:
        path = os.path.abspath(entry or os.curdir)  # "" is the working directory
        real = os.path.realpath(path)
        inside = any(real == root or real.startswith(root + os.sep) for root in roots)
        if os.path.isdir(path) and not inside and path not in found:
            found.append(path)
    return found


def _pth_dirs() -> set[str]:
    """The directories the installation's `.pth` files put on `sys.path`."""
    found: set[str] = set()
    for directory in [*site.getsitepackages(), site.getusersitepackages()]:
        for pth in glob.glob(os.path.join(directory, "*.pth")):
            try:
                with open(pth, encoding="utf-8") as file:
                    lines = [line.strip() for line in file]
            except (OSError, UnicodeDecodeError):
                continue
            found.update(
                os.path.realpath(os.path.join(directory, line))
                for line in lines
                if line and not line.startswith(("#", "import ", "import\t"))
            )
    return found


def _demand(remote: Mapping[str, Any]) -> dict[str, float]:
    """What one job asks a node for, in Ray's resource names."""
    num_cpus = remote.get("num_cpus")
    demand = {
        "CPU": 1.0 if num_cpus is None else float(num_cpus),
        "GPU": float(remote.get("num_gpus") or 0),
        "memory": float(remote.get("memory") or 0),
    }
    demand.update({str(k): float(v) for k, v in (remote.get("resources") or {}).items()})
    return {k: v for k, v in demand.items() if v > 0}


def _where(ray: Any, own_cluster: bool) -> str:
    cpus = ray.cluster_resources().get("CPU", 0)
    if own_cluster:
        return f"a local Ray cluster with {cpus:g} CPUs"
    return f"the Ray cluster at {ray.get_runtime_context().gcs_address} ({cpus:g} CPUs)"


def _is_head(ray: Any) -> bool:
    """This process started the cluster's head node (`ray.init` without an address
    found none to join). Ray says so only in its node object: no public way."""
    node = getattr(getattr(ray, "_private", None), "worker", None)
    return bool(getattr(getattr(node, "_global_node", None), "head", False))


def _clean(exc: BaseException) -> str:
    """Ray's message without the terminal colours it puts in remote tracebacks."""
    return _ANSI.sub("", str(exc)).strip()
