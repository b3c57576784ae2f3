"""hydria's implementation of Hydra's test helpers (`hydra.test_utils.test_utils`) and of
the fixtures of its pytest plugin, run on a tiny app (`data/tiny_app`)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria import version_base
from hydria.compat import environment_with_shim, shim_dir
from hydria.core.utils import JobReturn
from hydria.errors import MissingConfigError, UsageError
from hydria.testing.hydra_test_utils import (
    SweepTaskFunction,
    TaskTestFunction,
    assert_multiline_regex_search,
    assert_regex_match,
    assert_text_same,
    chdir_hydra_root,
    chdir_plugin_root,
    does_not_raise,
    find_parent_dir_containing,
    integration_test,
    normalize_newlines,
    run_process,
    run_python_script,
    run_with_error,
    verify_dir_outputs,
)
from hydria.testing.process_state import restore_state, snapshot_state

TINY_APP = Path(__file__).parent / "data" / "tiny_app" / "my_app.py"

# The runners keep the process's version_base, "1.1" when none was set, as Hydra's do: the
# job changes into its output dir with Hydra's warning (which Hydra's own suite ignores too).
CHDIR_WARNING = "ignore:Future Hydra versions will no longer change working directory"
pytestmark = pytest.mark.filterwarnings(CHDIR_WARNING)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test in its own directory, with no `version_base` set yet in the process (the
    runners then keep Hydra 1.1's defaults, as Hydra's do), and its state undone after."""
    saved = snapshot_state()
    version_base.reset()
    monkeypatch.chdir(tmp_path)
    yield
    restore_state(saved)


# --- text comparisons ------------------------------------------------------------


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_assert_text_same_passes_across_line_ends() -> None:
    assert_text_same("a\nb\n", "a\r\nb\r\n")


def test_assert_text_same_fails_with_a_diff() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_text_same("a\nb\n", "a\nc\n")
    assert "-b\n+c" in str(failure.value)
    assert "--- Expected" in str(failure.value)


@pytest.mark.parametrize(
    ("expected", "actual", "raises"),
    [
        pytest.param("x: [0-9]+\ny", "x: 12\n\ny\n", False, id="regex-and-empty-lines"),
        pytest.param("a(b", "a(b", False, id="equal-line-not-a-valid-regex"),
        pytest.param("x: [0-9]+", "x: ab", True, id="no-match"),
        pytest.param("a\nb", "a", True, id="fewer-lines"),
        pytest.param("b", "ab", True, id="matched-from-the-start-only"),
    ],
)
def test_assert_regex_match(expected: str, actual: str, raises: bool) -> None:
    with pytest.raises(AssertionError) if raises else does_not_raise():
        assert_regex_match(expected, actual)


def test_assert_multiline_regex_search() -> None:
    assert_multiline_regex_search(r"^b=\d$", "a=1\r\nb=2\nc=3")
    with pytest.raises(AssertionError, match="did not match"):
        assert_multiline_regex_search(r"^b=\d$", "a=1 b=2")


def test_does_not_raise_yields_its_value() -> None:
    with does_not_raise(5) as value:
        assert value == 5


# --- processes --------------------------------------------------------------------


def test_run_process_returns_stripped_output() -> None:
    code = "import sys; print('out  '); sys.stderr.write('err\\r\\n')"
    assert run_process([sys.executable, "-c", code]) == ("out", "err")


def test_run_process_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code = "import sys; sys.stderr.write('boom'); sys.exit(3)"
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_process([sys.executable, "-c", code])
    assert failure.value.returncode == 3
    assert "Subprocess error:\nboom" in capsys.readouterr().err
    out = run_process([sys.executable, "-c", code], print_error=False, raise_exception=False)
    assert out == ("", "boom")
    assert capsys.readouterr().err == ""


def test_run_python_script_runs_the_app_with_warnings_as_errors(tmp_path: Path) -> None:
    out, _ = run_python_script([str(TINY_APP), "db=postgresql", f"hydra.run.dir={tmp_path}"])
    assert OmegaConf.create(out) == {"db": {"driver": "postgresql", "port": 5432}, "name": "tiny"}
    warns = tmp_path / "warns.py"
    warns.write_text("import warnings\nwarnings.warn('careful')\nprint('done')\n")
    with pytest.raises(subprocess.CalledProcessError):
        run_python_script([str(warns)], print_error=False)
    assert run_python_script([str(warns)], allow_warnings=True)[0] == "done"


def test_run_with_error_returns_stderr(tmp_path: Path) -> None:
    err = run_with_error([str(TINY_APP), "db=oracle", f"hydra.run.dir={tmp_path}"])
    assert "Could not find 'db/oracle'" in err
    with pytest.raises(AssertionError, match="exited 0"):
        run_with_error(["-c", "pass"])


# --- directories ------------------------------------------------------------------


def test_chdir_to_the_nearest_marked_parent(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "ATTRIBUTION").write_text("")
    (tmp_path / "a" / "setup.py").write_text("")
    (tmp_path / "sub").mkdir()
    os.chdir(deep)
    chdir_plugin_root()
    assert Path.cwd() == (tmp_path / "a").resolve()
    chdir_hydra_root(subdir="sub")
    assert Path.cwd() == (tmp_path / "sub").resolve()
    assert find_parent_dir_containing("ATTRIBUTION", initial_dir=str(deep)) == str(
        tmp_path.resolve()
    )
    with pytest.raises(OSError, match="Could not find ATTRIBUTION"):
        find_parent_dir_containing("ATTRIBUTION", max_up=1, initial_dir=str(deep))


# --- the in-process runners --------------------------------------------------------


def _task(**settings: Any) -> TaskTestFunction:
    task = TaskTestFunction()
    task.calling_file = str(TINY_APP)
    task.calling_module = None
    task.config_path = "conf"
    task.config_name = "config"
    task.overrides = []
    for key, value in settings.items():
        setattr(task, key, value)
    return task


def test_task_runner_runs_the_job_in_a_temp_dir() -> None:
    launch_dir = os.getcwd()
    with _task(overrides=["db=postgresql", "+extra=1"], configure_logging=True) as task:
        ret = task.job_ret
        assert isinstance(ret, JobReturn)
        assert ret.cfg == {"db": {"driver": "postgresql", "port": 5432}, "name": "tiny", "extra": 1}
        assert ret.return_value == 100
        assert ret.overrides == ["db=postgresql", "+extra=1"]
        assert ret.task_name == "my_app"
        assert task.temp_dir is not None and Path(task.temp_dir).is_dir()
        assert ret.hydra_cfg.hydra.run.dir == task.temp_dir
        verify_dir_outputs(ret, task.overrides)
        with pytest.raises(AssertionError):
            verify_dir_outputs(ret, ["db=mysql"])
    assert not Path(task.temp_dir).exists()
    assert os.getcwd() == launch_dir


def test_task_runner_without_logging_writes_no_log_file() -> None:
    with _task() as task:
        assert task.temp_dir is not None
        assert sorted(p.name for p in Path(task.temp_dir).iterdir()) == [".hydra"]


def test_task_runner_from_a_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TINY_APP.parent.parent))
    with _task(calling_file=None, calling_module="tiny_app.my_app") as task:
        assert task.job_ret is not None
        assert task.job_ret.cfg.db.driver == "mysql"


def test_task_runner_raises_composition_errors() -> None:
    with (
        pytest.raises(MissingConfigError, match="Could not find 'db/oracle'") as failure,
        _task(overrides=["db=oracle"]),
    ):
        pass
    assert sorted(failure.value.options) == ["mysql", "postgresql"]  # type: ignore[attr-defined]


def test_task_runner_refuses_a_config_file_as_config_path() -> None:
    with (
        pytest.raises(UsageError, match="Using config_path to specify the config name is not"),
        _task(config_path="conf/config.yaml", config_name=None),
    ):
        pass


def _sweep(**settings: Any) -> SweepTaskFunction:
    sweep = SweepTaskFunction()
    sweep.calling_file = str(TINY_APP)
    sweep.config_path = "conf"
    sweep.config_name = "config"
    for key, value in settings.items():
        setattr(sweep, key, value)
    return sweep


def test_sweep_runner_returns_each_batch(tmp_path: Path) -> None:
    def port(cfg: DictConfig) -> int:
        return int(cfg.db.port)

    overrides = ["db=mysql,postgresql", "+x=1,2", "hydra.sweeper.max_batch_size=3"]
    with _sweep(task_function=port, overrides=overrides, temp_dir=str(tmp_path / "s")) as sweep:
        assert sweep.returns is not None
        assert [len(batch) for batch in sweep.returns] == [3, 1]
        jobs = [job for batch in sweep.returns for job in batch]
        assert [job.overrides for job in jobs] == [
            ["db=mysql", "+x=1"],
            ["db=mysql", "+x=2"],
            ["db=postgresql", "+x=1"],
            ["db=postgresql", "+x=2"],
        ]
        assert [job.return_value for job in jobs] == [3306, 3306, 5432, 5432]
        assert jobs[3].cfg.x == 2
        assert Path(jobs[3].working_dir) == (tmp_path / "s" / "3").resolve()
    assert not (tmp_path / "s").exists()


def test_sweep_runner_raises_the_task_error(capsys: pytest.CaptureFixture[str]) -> None:
    def fail_on_postgresql(cfg: DictConfig) -> None:
        if cfg.db.driver == "postgresql":
            raise ZeroDivisionError("no postgres here")

    with (
        pytest.raises(ZeroDivisionError, match="no postgres here"),
        _sweep(task_function=fail_on_postgresql, overrides=["db=mysql,postgresql"]),
    ):
        pass


# --- a generated app and the fixtures, in real processes -----------------------------


@pytest.fixture
def shim_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """`import hydra` in child processes is hydria's (the compat layer)."""
    for key, value in environment_with_shim(os.environ).items():
        monkeypatch.setenv(key, value)


@pytest.mark.usefixtures("shim_env")
def test_integration_test_runs_a_generated_app(tmp_path: Path) -> None:
    text = integration_test(
        tmpdir=tmp_path / "app",
        task_config={"a": 1},
        overrides=["a=2", "hydra.job.chdir=true"],
        prints=["str(cfg.a)", "HydraConfig.get().job.name", "os.environ['FOO']"],
        expected_outputs=["2", "task", "ba+r"],
        prolog="import sys",
        env_override={"FOO": "baaar"},
    )
    assert text == "2\ntask\nbaaar\n"
    with pytest.raises(AssertionError):
        integration_test(
            tmpdir=tmp_path / "app",
            task_config={"a": 1},
            overrides=[],
            prints="str(cfg.a)",
            expected_outputs="2",
        )


PLUGIN_USER = textwrap.dedent(
    """
    from hydria import ConfigStore

    APP = {app!r}

    def test_task(hydra_restore_singletons, hydra_task_runner):
        ConfigStore.instance().store(name="stored", node={{"s": 1}}, group="db")
        with hydra_task_runner(
            calling_file=APP, calling_module=None, config_path="conf",
            config_name="config", overrides=["db=stored"],
        ) as task:
            assert task.job_ret.cfg.db == {{"s": 1}}

    def test_singletons_were_restored(hydra_task_runner):
        assert not ConfigStore.instance().is_config("db/stored.yaml")

    def test_sweep(hydra_sweep_runner, tmp_path):
        with hydra_sweep_runner(
            calling_file=APP, calling_module=None, task_function=None, config_path="conf",
            config_name="config", overrides=["db=mysql,postgresql"], temp_dir=tmp_path / "s",
        ) as sweep:
            assert [r.overrides for r in sweep.returns[0]] == [["db=mysql"], ["db=postgresql"]]
            assert [r.return_value for r in sweep.returns[0]] == [100, 100]
    """
)


def test_the_fixtures_in_a_pytest_run(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(PLUGIN_USER.format(app=str(TINY_APP)))
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "hydria.testing.hydra_pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-q",
            "-W",
            "error",
            "-W",
            CHDIR_WARNING,
            "test_user.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


@pytest.mark.usefixtures("shim_env")
def test_children_keep_the_compat_layer_when_env_replaces_pythonpath(tmp_path: Path) -> None:
    # With hydra-core installed a child given its own PYTHONPATH still finds `hydra`;
    # under the compat layer the runners keep its directory first on the child's path.
    parent = textwrap.dedent(
        """
        import os, sys
        from hydra.test_utils.test_utils import run_python_script
        env = dict(os.environ, PYTHONPATH={extra!r})
        code = "import hydra, sys; print(hydra.__file__); print({extra!r} in sys.path)"
        print(run_python_script(["-c", code], env=env)[0])
        """
    ).format(extra=str(tmp_path))
    out, _ = run_python_script(["-c", parent])
    hydra_file, extra_on_path = out.splitlines()
    assert Path(hydra_file).is_relative_to(shim_dir())
    assert extra_on_path == "True"


def test_a_module_app_without_config_path_reads_its_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # as Hydra: the primary config source is the package of the calling module
    monkeypatch.syspath_prepend(str(TINY_APP.parent.parent))
    runner = _task(calling_file=None, calling_module="tiny_app.my_app", config_path=None)
    with _with(runner, config_name="conf/db/postgresql") as task:
        assert task.job_ret is not None
        assert "driver: postgresql" in OmegaConf.to_yaml(task.job_ret.cfg)


def test_a_top_level_module_has_no_package_for_config_path() -> None:
    runner = _task(calling_file=None, calling_module="my_app", config_path=".")
    with pytest.raises(MissingConfigError, match="^Primary config module is empty"), runner:
        pass


def _with(task: TaskTestFunction, **settings: Any) -> TaskTestFunction:
    for key, value in settings.items():
        setattr(task, key, value)
    return task
