"""A real one-node SLURM cluster, with accounting, for the submitit launcher's tests.

The session starts munged, a private MariaDB, slurmdbd, slurmctld and slurmd as root,
all in a temporary folder, on free loopback ports, and points the tests at it with
`SLURM_CONF`. Accounting (slurmdbd + MariaDB) is not optional: without it `sacct`
knows no job, and once squeue forgets an ended job (MinJobAge) nothing tells how it
ended.

Where the Debian packages are missing the tests are skipped, unless
`HYDRIA_REQUIRE_SLURM` is set (`make test` sets it once the packages are installed,
so CI fails instead of skipping). Teardown cancels every job, stops the daemons it
started, then kills whatever still carries this cluster's `SLURM_CONF` (a
`slurmstepd` or job process that outlived its daemon); nothing is stopped by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PACKAGES = "slurmctld slurmd slurm-client munge slurmdbd mariadb-server"
PROGRAMS = (
    "munged",
    "mariadb-install-db",
    "mariadbd",
    "mariadb-admin",
    "slurmdbd",
    "slurmctld",
    "slurmd",
    "sbatch",
    "srun",
    "squeue",
    "sacct",
    "scancel",
    "scontrol",
    "sinfo",
)
# the daemons live in sbin, which a non-login shell's PATH may lack
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def _program(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH_PATH)


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    missing = [p for p in PROGRAMS if _program(p) is None]
    if missing:
        return (
            f"SLURM cannot be started here: {', '.join(missing)} not found; install the "
            f"Debian packages ({PACKAGES}), as `make test` does when run as root"
        )
    if os.geteuid() != 0:
        return "SLURM cannot be started here: the test cluster's daemons must run as root"
    return None


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class LocalSlurm:
    """The cluster's files under `root`; `start()` and `stop()` own its processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.conf = root / "slurm.conf"
        self.node = socket.gethostname().split(".")[0]
        self.ctld_port, self.slurmd_port, self.dbd_port, self.db_port = _free_ports(4)
        self.munge_socket = root / "munge" / "socket"
        self.db_socket = root / "db.sock"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}
        self.daemons: list[tuple[str, subprocess.Popen[bytes]]] = []

    # ---- start ----

    def start(self) -> None:
        for sub in ("munge", "log", "state", "spool", "db"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._start_munge()
        self._start_database()
        self._write_configs()
        self._spawn("slurmdbd", "-D")
        self._wait(lambda: _port_open(self.dbd_port), 30, "slurmdbd to listen", "slurmdbd")
        self._spawn("slurmctld", "-D", "-f", str(self.conf))
        self._spawn("slurmd", "-D", "-f", str(self.conf), "-N", self.node)
        self._wait(self._node_idle, 60, "the node to become idle", "slurmctld", "slurmd")

    def _start_munge(self) -> None:
        key = self.root / "munge" / "key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        (self.root / "munge").chmod(0o700)
        self._spawn(
            "munged",
            "--foreground",
            "--force",  # its files are under /tmp, which munged finds too open otherwise
            f"--key-file={key}",
            f"--socket={self.munge_socket}",
            f"--pid-file={self.root / 'munge' / 'pid'}",
            f"--seed-file={self.root / 'munge' / 'seed'}",
            f"--log-file={self.root / 'log' / 'munged.log'}",
        )
        self._wait(self.munge_socket.exists, 20, "munged's socket", "munged")

    def _start_database(self) -> None:
        data = self.root / "db"
        made = subprocess.run(
            [
                _require("mariadb-install-db"),
                "--no-defaults",
                "--user=root",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if made.returncode != 0:  # say why: the tool's own output, not only its exit code
            tail = "\n".join((made.stdout + made.stderr).strip().splitlines()[-20:])
            raise RuntimeError(
                f"mariadb-install-db exited with {made.returncode} in {data}:\n{tail}"
            )
        self._spawn(
            "mariadbd",
            "--no-defaults",
            "--user=root",
            f"--datadir={data}",
            "--bind-address=127.0.0.1",
            f"--port={self.db_port}",
            f"--socket={self.db_socket}",
            f"--log-error={self.root / 'log' / 'mariadb.log'}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=16M",
            "--innodb-log-file-size=8M",
        )
        ping = [_require("mariadb-admin"), "--no-defaults", f"--socket={self.db_socket}", "-uroot"]

        def answers() -> bool:
            return subprocess.run([*ping, "ping"], capture_output=True).returncode == 0

        self._wait(answers, 60, "MariaDB to answer", "mariadb")

    def _write_configs(self) -> None:
        log, munge = self.root / "log", self.munge_socket
        dbd = self.root / "slurmdbd.conf"  # slurmdbd looks for it next to $SLURM_CONF
        dbd.write_text(
            "\n".join(
                [
                    "AuthType=auth/munge",
                    f"AuthInfo=socket={munge}",
                    "DbdHost=localhost",
                    "DbdAddr=127.0.0.1",
                    f"DbdPort={self.dbd_port}",
                    "SlurmUser=root",
                    f"PidFile={self.root / 'slurmdbd.pid'}",
                    f"LogFile={log / 'slurmdbd.log'}",
                    "StorageType=accounting_storage/mysql",
                    "StorageHost=127.0.0.1",
                    f"StoragePort={self.db_port}",
                    "StorageUser=root",
                    "StorageLoc=hydria_accounting",
                    "",
                ]
            )
        )
        dbd.chmod(0o600)  # slurmdbd refuses a config others can read
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
        self.conf.write_text(
            "\n".join(
                [
                    "ClusterName=hydriatest",
                    f"SlurmctldHost={self.node}(127.0.0.1)",
                    "AuthType=auth/munge",
                    "CredType=cred/munge",
                    # cred_expire: how long a requeued job waits before it may start again
                    f"AuthInfo=socket={munge},cred_expire=5",
                    "SlurmUser=root",
                    "SlurmdUser=root",
                    f"SlurmctldPort={self.ctld_port}",
                    f"SlurmdPort={self.slurmd_port}",
                    f"StateSaveLocation={self.root / 'state'}",
                    f"SlurmdSpoolDir={self.root / 'spool'}",
                    f"SlurmctldPidFile={self.root / 'slurmctld.pid'}",
                    f"SlurmdPidFile={self.root / 'slurmd.pid'}",
                    f"SlurmctldLogFile={log / 'slurmctld.log'}",
                    f"SlurmdLogFile={log / 'slurmd.log'}",
                    # no cgroups, no systemd: plain process tracking
                    "ProctrackType=proctrack/linuxproc",
                    "TaskPlugin=task/none",
                    "JobAcctGatherType=jobacct_gather/none",
                    "AccountingStorageType=accounting_storage/slurmdbd",
                    "AccountingStorageHost=127.0.0.1",
                    f"AccountingStoragePort={self.dbd_port}",
                    # where the clients find munge for accounting (else /run/munge/...)
                    f"AccountingStoragePass={munge}",
                    "JobCompType=jobcomp/none",
                    "SchedulerType=sched/builtin",
                    "SchedulerParameters=sched_interval=1",
                    "SelectType=select/cons_tres",
                    "SelectTypeParameters=CR_CPU",
                    "MpiDefault=none",
                    "ReturnToService=2",
                    "MinJobAge=300",  # squeue keeps showing ended jobs for 5 minutes
                    "KillWait=2",
                    "Waittime=0",
                    "InactiveLimit=0",
                    # more job slots than cores: the test jobs mostly wait
                    "SlurmdParameters=config_overrides",
                    f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs=4 "
                    f"RealMemory={max(memory_mb // 2, 1024)} State=UNKNOWN",
                    "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
                    "",
                ]
            )
        )

    def _spawn(self, program: str, *args: str) -> None:
        log = open(self.root / "log" / f"{program}.out", "ab")  # noqa: SIM115 - the daemon's
        process = subprocess.Popen(
            [_require(program), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C on the test run does not reach the daemons
        )
        log.close()
        self.daemons.append((program, process))

    def _node_idle(self) -> bool:
        done = self.run("sinfo", "-h", "-o", "%T")
        return done.returncode == 0 and done.stdout.strip() == "idle"

    def _wait(self, ready: Callable[[], bool], timeout: float, what: str, *logs: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            dead = [(name, p.returncode) for name, p in self.daemons if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = f"{dead[0][0]} exited with {dead[0][1]}" if dead else f"{timeout}s passed"
                raise RuntimeError(
                    f"SLURM did not start: waiting for {what}, {why}.\n{self._tails(logs)}"
                )
            time.sleep(0.1)

    def _tails(self, names: tuple[str, ...]) -> str:
        parts = []
        for name in names:
            for path in sorted((self.root / "log").glob(f"{name}*")):
                lines = path.read_text(errors="replace").splitlines()[-15:]
                parts.append(f"--- {path}\n" + "\n".join(lines))
        return "\n".join(parts)

    # ---- use ----

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A SLURM client command against this cluster."""
        return subprocess.run(
            [_require(program), *args], env=self.env, capture_output=True, text=True, timeout=30
        )

    # ---- stop ----

    def stop(self) -> None:
        """Cancel every job, stop the daemons, then kill what still runs for this cluster."""
        if any(name == "slurmctld" and p.poll() is None for name, p in self.daemons):
            self.run("scancel", "--user=root")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                listed = self.run("squeue", "-h", "-o", "%i")
                if listed.returncode != 0 or not listed.stdout.strip():
                    break
                time.sleep(0.2)
        for _, process in reversed(self.daemons):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for _, process in reversed(self.daemons):
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.daemons.clear()
        self._kill_leftovers()

    def _kill_leftovers(self) -> None:
        """Processes whose environment names this cluster (`slurmstepd`, job processes)."""
        mark = f"SLURM_CONF={self.conf}".encode()
        for _ in range(50):
            found = [pid for pid in _pids() if pid != os.getpid() and mark in _environ(pid)]
            if not found:
                return
            for pid in found:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _environ(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # gone, or not ours to read
        return []


def _require(program: str) -> str:
    found = _program(program)
    if found is None:
        raise RuntimeError(f"{program} not found (Debian packages: {PACKAGES})")
    return found


@pytest.fixture(scope="session")
def slurm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSlurm]:
    """The running cluster; `SLURM_CONF` points at it for the whole session."""
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("HYDRIA_REQUIRE_SLURM"):
            pytest.fail(f"HYDRIA_REQUIRE_SLURM is set, but {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = LocalSlurm(tmp_path_factory.mktemp("slurm"))
    with pytest.MonkeyPatch.context() as patch:
        try:
            cluster.start()
            patch.setenv("SLURM_CONF", str(cluster.conf))
            yield cluster
        finally:
            cluster.stop()


# ---- the app the submitit tests run ----

# Each behaviour is chosen per job by its `x` through an environment variable, so one
# sweep holds jobs that complete, die, hold on, or time out once.
APP = """
import os, sys, time
from pathlib import Path
import hydria

def chosen(name, x):
    return str(x) in os.environ.get(name, "").split(",")

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    here = Path(os.environ["SUITE_DIR"])
    with open(here / f"attempts-{cfg.x}", "a") as f:
        f.write(f"{os.getpid()}\\n")
    if chosen("KILL_ON", cfg.x):
        print(f"x={cfg.x} is about to be killed", file=sys.stderr, flush=True)
        os.kill(os.getpid(), 9)
    if chosen("EXIT_ON", cfg.x):
        print(f"x={cfg.x} leaves without a result", file=sys.stderr, flush=True)
        os._exit(3)
    if chosen("HOLD_ON", cfg.x):
        while not (here / "go").exists():
            time.sleep(0.1)
    if chosen("SLOW_ONCE_ON", cfg.x) and len((here / f"attempts-{cfg.x}").read_text().split()) == 1:
        time.sleep(300)  # past the time limit: only SLURM's warning ends this attempt
    return {"x": cfg.x, "job_id": hydria.HydraConfig.get().job.id, "pid": os.getpid()}

if __name__ == "__main__":
    app()
"""

UNPICKLABLE_APP = """
import threading
import hydria

def guarded():
    lock = threading.Lock()
    def task(cfg):
        with lock:
            return cfg.x
    return task

main = hydria.main(config_path="conf", config_name="config", version_base=None)(guarded())

if __name__ == "__main__":
    main()
"""


def _write_app(root: Path, source: str) -> Path:
    (root / "conf").mkdir(parents=True, exist_ok=True)
    (root / "conf" / "config.yaml").write_text("x: 0\n")
    (root / "app.py").write_text(source)
    return root


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """A folder with `app.py` (the app above) and its config, for `run_sweep_app`."""
    return _write_app(tmp_path, APP)


@pytest.fixture
def locked_app_dir(tmp_path: Path) -> Path:
    """A folder with an app whose task closes over a lock, which cannot be pickled."""
    return _write_app(tmp_path, UNPICKLABLE_APP)


@pytest.fixture
def sweep_results() -> Callable[[Path], list[dict[str, Any]]]:
    """`python -m hydria results <sweep dir> --format json`, as a user would run it."""

    def read(sweep_dir: Path) -> list[dict[str, Any]]:
        done = subprocess.run(
            [sys.executable, "-m", "hydria", "results", str(sweep_dir), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        records: list[dict[str, Any]] = json.loads(done.stdout)
        return records

    return read
