"""Every route by which a config names code passes the one target policy: launchers,
sweepers, callbacks, logging factories and handler classes, and `hydra.job.env_set`
cannot loosen it. Each case is a real `python app.py ...` run (started together, to keep
the wall time low) that would leave a canary file if the config's code ran."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

APP = """
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def main(cfg):
    if cfg.get("obj") is not None:
        hydria.instantiate(cfg.obj)
    print("TASK RAN", cfg.x)

if __name__ == "__main__":
    main()
"""

# `{canary}` is replaced by the canary file's path.
CONFIGS = {
    "config.yaml": "x: 1\n",
    "hydra/launcher/evil.yaml": "_target_: os.system\ncommand: touch {canary}\n",
    "hydra/launcher/other.yaml": "_target_: collections.OrderedDict\n",
    "hydra/sweeper/evil.yaml": "_target_: subprocess.Popen\nargs: [touch, {canary}]\n",
    "hydra/job_logging/filter_factory.yaml": (
        "version: 1\n"
        "filters:\n  f:\n    (): os.system\n    command: touch {canary}\n"
        "handlers:\n  console:\n    class: logging.StreamHandler\n    filters: [f]\n"
        "root:\n  handlers: [console]\n"
        "disable_existing_loggers: false\n"
    ),
    "hydra/hydra_logging/popen.yaml": (
        "version: 1\n"
        "handlers:\n  console:\n    class: subprocess.Popen\n    args: [touch, {canary}]\n"
        "root:\n  handlers: [console]\n"
        "disable_existing_loggers: false\n"
    ),
    "hydra/job_logging/rotating.yaml": (
        "version: 1\n"
        "handlers:\n  file:\n    class: logging.handlers.RotatingFileHandler\n"
        "    filename: job.log\n"
        "root:\n  handlers: [file]\n"
        "disable_existing_loggers: false\n"
    ),
}

TOUCH = '"touch {canary}"'


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    code: int
    expected: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


CASES = {
    "launcher _target_ override": Case(
        ("-m", "hydra.launcher._target_=os.system", f"+hydra.launcher.command={TOUCH}"),
        1,
        ("Target 'os.system' (at key 'hydra.launcher._target_') is refused by default",),
    ),
    "launcher config file": Case(
        ("-m", "hydra/launcher=evil"),
        1,
        ("Target 'os.system' (at key 'hydra.launcher._target_') is refused by default",),
    ),
    "launcher outside the allow-list": Case(
        ("-m", "hydra/launcher=other"),
        1,
        (
            "Target 'collections.OrderedDict' (at key 'hydra.launcher._target_') is not in "
            "the allowed targets (my_project; from HYDRIA_ALLOWED_TARGETS)",
        ),
        {"HYDRIA_ALLOWED_TARGETS": "my_project"},
    ),
    "built-ins under an allow-list": Case(
        (
            "-m",
            "x=1,2",
            "+hydra.callbacks.log={_target_:hydra.experimental.callbacks.LogJobReturnCallback}",
            "hydra/job_logging=rotating",
        ),
        0,
        ("TASK RAN 1", "TASK RAN 2"),
        {"HYDRIA_ALLOWED_TARGETS": "my_project"},
    ),
    "sweeper config file": Case(
        ("-m", "hydra/sweeper=evil"),
        1,
        ("Target 'subprocess.Popen' (at key 'hydra.sweeper._target_') is refused by default",),
    ),
    "callback": Case(
        (f"+hydra.callbacks.evil={{_target_:os.system,command:{TOUCH}}}",),
        1,
        ("Target 'os.system' (at key 'hydra.callbacks.evil') is refused by default",),
    ),
    "job_logging filter factory": Case(
        ("hydra/job_logging=filter_factory",),
        1,
        ("Target 'os.system' (at key 'hydra.job_logging.filters.f.()') is refused by default",),
    ),
    "hydra_logging handler class": Case(
        ("-m", "hydra/hydra_logging=popen"),
        1,
        (
            "Target 'subprocess.Popen' (at key 'hydra.hydra_logging.handlers.console.class') "
            "is refused by default",
        ),
    ),
    "handler class nope.Nope": Case(
        ("hydra.job_logging.handlers.console.class=nope.Nope",),
        1,
        (
            "hydra.job_logging.handlers.console.class names 'nope.Nope', which cannot be "
            "imported: 'nope.Nope': no module named 'nope' is installed.",
        ),
    ),
    "handler class misspelt": Case(
        ("hydra.job_logging.handlers.console.class=logging.StreamHandlr",),
        1,
        ("Did you mean 'StreamHandler'?",),
    ),
    "env_set unlocking": Case(
        (
            "+hydra.job.env_set.HYDRIA_UNSAFE_TARGETS=os.system",
            f"+obj={{_target_:os.system,_args_:[{TOUCH}]}}",
        ),
        1,
        (
            "hydra.job.env_set.HYDRIA_UNSAFE_TARGETS would unlock os.system for the job: a "
            "config cannot widen the target policy.",
        ),
    ),
    "env_set rewriting the allow-list": Case(
        (
            "+hydra.job.env_set.HYDRIA_ALLOWED_TARGETS=os",
            f"+obj={{_target_:os.system,_args_:[{TOUCH}]}}",
        ),
        1,
        ("shares no target with the launching process's HYDRIA_ALLOWED_TARGETS='collections'",),
        {"HYDRIA_ALLOWED_TARGETS": "collections"},
    ),
    "env_set LD_PRELOAD": Case(
        ("+hydra.job.env_set.LD_PRELOAD=/tmp/evil.so",),
        1,
        ("a config cannot set LD_PRELOAD",),
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str, str]]:
    """Every case, run at once, each in its own directory: (dir, exit code, out, err)."""
    base = os.environ.copy()
    for name in list(base):
        if name.startswith(("HYDRIA_", "HYDRA_")):
            del base[name]
    started = {}
    for name, case in CASES.items():
        folder = tmp_path_factory.mktemp("gate")
        canary = folder / "canary"
        (folder / "app.py").write_text(APP)
        for path, text in CONFIGS.items():
            (folder / "conf" / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / "conf" / path).write_text(text.replace("{canary}", str(canary)))
        argv = [arg.replace("{canary}", str(canary)) for arg in case.argv]
        started[name] = (
            folder,
            subprocess.Popen(
                [sys.executable, "app.py", *argv],
                cwd=folder,
                env={**base, "XDG_CACHE_HOME": str(folder / ".cache"), **case.env},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    done = {}
    try:
        for name, (folder, process) in started.items():
            out, err = process.communicate(timeout=120)
            done[name] = (folder, process.returncode, out, err)
    finally:
        for _, process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()
    return done


@pytest.mark.parametrize("name", list(CASES))
def test_config_code_passes_the_target_policy(
    name: str, runs: dict[str, tuple[Path, int, str, str]]
) -> None:
    folder, code, out, err = runs[name]
    case = CASES[name]
    assert code == case.code, err
    for text in case.expected:
        assert text in out + err, err
    assert "Traceback" not in err
    assert not (folder / "canary").exists()


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        (
            {"handlers": {"h": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}}},
            None,
        ),
        (
            {"handlers": {"h": {"class": "logging.StreamHandler", "stream": "ext://os.system"}}},
            "Target 'os.system' (at key 'hydra.job_logging.handlers.h.stream')",
        ),
        (
            {"handlers": {"q": {"class": "logging.Handler", "listener": "subprocess.Popen"}}},
            "Target 'subprocess.Popen' (at key 'hydra.job_logging.handlers.q.listener')",
        ),
        (
            {"formatters": {"f": {"class": "logging.config.listen"}}},
            "Target 'logging.config.listen' (at key 'hydra.job_logging.formatters.f.class')",
        ),
        (
            {"filters": {"f": {"()": "builtins.eval", "x": [{"()": "os.popen"}]}}},
            "Target 'builtins.eval' (at key 'hydra.job_logging.filters.f.()')",
        ),
        (
            {"handlers": {"h": {"()": "collections.OrderedDict"}}},
            "Target 'collections.OrderedDict' (at key 'hydra.job_logging.handlers.h.()') is "
            "not in the allowed targets (my_project; from HYDRIA_ALLOWED_TARGETS)",
        ),
        (
            {"handlers": {"h": {"class": "logging.handlers.RotatingFileHandler"}}},
            None,
        ),
    ],
)
def test_what_dictconfig_would_import_is_checked(
    conf: dict[str, object], message: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hydria.errors import TargetRefusedError
    from hydria.runtime.logging_targets import check_logging_targets

    monkeypatch.setenv("HYDRIA_ALLOWED_TARGETS", "my_project")
    monkeypatch.delenv("HYDRIA_UNSAFE_TARGETS", raising=False)
    monkeypatch.delenv("HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE", raising=False)
    if message is None:
        check_logging_targets(conf, "hydra.job_logging")
        return
    with pytest.raises(TargetRefusedError) as info:
        check_logging_targets(conf, "hydra.job_logging")
    assert str(info.value).startswith(message)


def test_a_factory_that_does_not_import_names_the_key() -> None:
    from hydria.errors import TargetNotFoundError
    from hydria.runtime.logging_targets import check_logging_targets

    with pytest.raises(TargetNotFoundError) as info:
        check_logging_targets({"filters": {"f": {"()": "nope.nope"}}}, "hydra.job_logging")
    assert str(info.value).startswith(
        "hydra.job_logging.filters.f.() names 'nope.nope', which cannot be imported: "
        "'nope.nope': no module named 'nope' is installed."
    )
