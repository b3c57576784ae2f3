"""What Hydra's `hydra.test_utils.test_utils` offers test suites, implemented for hydria.

Test suites written for Hydra import these helpers; through the compat layer
(`python -m hydria.compat --pythonpath`) the same imports land here, so such a
suite runs against hydria unchanged. The names and signatures are Hydra 1.3's;
the in-process task and sweep runners live in `hydria.testing.hydra_task_runner`.

Needs pytest only for the fixtures (`hydria.testing.hydra_pytest_plugin`).
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from difflib import unified_diff
from pathlib import Path
from typing import Any

from omegaconf import Container, OmegaConf

from hydria.testing.hydra_task_runner import (
    SweepTaskFunction,
    TaskTestFunction,
    TSweepRunner,
    TTaskRunner,
)

__all__ = [
    "SweepTaskFunction",
    "TSweepRunner",
    "TTaskRunner",
    "TaskTestFunction",
    "assert_multiline_regex_search",
    "assert_regex_match",
    "assert_text_same",
    "chdir_hydra_root",
    "chdir_plugin_root",
    "does_not_raise",
    "find_parent_dir_containing",
    "integration_test",
    "normalize_newlines",
    "run_process",
    "run_python_script",
    "run_with_error",
    "verify_dir_outputs",
]


@contextmanager
def does_not_raise(enter_result: Any = None) -> Iterator[Any]:
    """The "no error expected" twin of `pytest.raises`, for tables of cases."""
    yield enter_result


# --- text comparisons ------------------------------------------------------------


def normalize_newlines(s: str) -> str:
    """`s` with Windows (`\\r\\n`) and old Mac (`\\r`) line ends turned into `\\n`."""
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _text_diff(expected: str, actual: str, from_name: str, to_name: str) -> str:
    lines = unified_diff(
        normalize_newlines(expected).splitlines(),
        normalize_newlines(actual).splitlines(),
        fromfile=from_name,
        tofile=to_name,
        lineterm="",
    )
    return "\n".join(lines)


def assert_text_same(
    from_line: str, to_line: str, from_name: str = "Expected", to_name: str = "Actual"
) -> None:
    """Fail, showing a unified diff, unless both texts have the same lines.

    Line ends are normalized first; trailing whitespace and empty lines count.
    """
    diff = _text_diff(from_line, to_line, from_name, to_name)
    if diff:
        raise AssertionError(f"Mismatch between expected and actual text:\n{diff}")


def assert_regex_match(
    from_line: str, to_line: str, from_name: str = "Expected", to_name: str = "Actual"
) -> None:
    """Fail unless each non-empty line of `to_line` equals, or matches from its start, the
    regular expression on the same non-empty line of `from_line`.

    Empty lines are ignored on both sides. A failure shows the diff of the two texts.
    """
    expected = [line for line in normalize_newlines(from_line).split("\n") if line]
    actual = [line for line in normalize_newlines(to_line).split("\n") if line]
    matches = len(expected) == len(actual) and all(
        want == got or re.match(want, got) is not None
        for want, got in zip(expected, actual, strict=True)
    )
    if not matches:
        diff = _text_diff(from_line, to_line, from_name, to_name)
        raise AssertionError(f"Text does not match the expected lines (regex):\n{diff}")


def assert_multiline_regex_search(
    pattern: str, string: str, from_name: str = "Expected", to_name: str = "Actual"
) -> None:
    """Fail unless `pattern` is found somewhere in `string` (`re.MULTILINE`: `^` and `$`
    match at every line), both with normalized line ends."""
    pattern, string = normalize_newlines(pattern), normalize_newlines(string)
    if re.search(pattern, string, flags=re.MULTILINE) is None:
        raise AssertionError(
            f"Regex pattern did not match.\n--- {from_name} (pattern):\n{pattern}\n"
            f"--- {to_name}:\n{string}"
        )


# --- processes --------------------------------------------------------------------


def _serving_hydra() -> bool:
    """Whether `import hydra` in this process is the compat layer's (`hydria.compat`)."""
    from hydria.compat import shim_dir

    where = getattr(sys.modules.get("hydra"), "__file__", None)
    return where is not None and Path(where).resolve().is_relative_to(shim_dir())


def _child_environment(env: Mapping[str, str] | None) -> dict[str, str] | None:
    """The environment for a child process: `env` as given, except that when this process
    runs under the compat layer the child does too, as `hydria.compat` promises, even if
    `env` sets its own `PYTHONPATH` (with hydra-core installed, such a child still finds
    `hydra` in site-packages)."""
    if env is None:
        return None
    if not _serving_hydra():
        return dict(env)
    from hydria.compat import environment_with_shim

    return environment_with_shim(env)


def run_process(
    cmd: Sequence[str],
    env: Mapping[str, str] | None = None,
    print_error: bool = True,
    raise_exception: bool = True,
    timeout: float | None = None,
) -> tuple[str, str]:
    """Run `cmd` and return its stdout and stderr, decoded, right-stripped, with `\\n` lines.

    Args:
        cmd: the program and its arguments (no shell).
        env: the child's whole environment; None inherits this process's.
        print_error: on failure, write the command and the child's stderr to our stderr.
        raise_exception: a non-zero exit raises `subprocess.CalledProcessError`.
        timeout: seconds before `subprocess.TimeoutExpired`; None waits forever.
    """
    argv = [str(part) for part in cmd]
    try:
        done = subprocess.run(
            argv, env=_child_environment(env), capture_output=True, timeout=timeout
        )
    except Exception:
        if print_error:
            sys.stderr.write(f"=== Error executing:\n{' '.join(argv)}\n===================\n")
        raise
    out = normalize_newlines(done.stdout.decode().rstrip())
    err = normalize_newlines(done.stderr.decode().rstrip())
    if done.returncode != 0:
        if print_error:
            sys.stderr.write(f"Subprocess error:\n{err}\n")
            sys.stderr.write(f"=== Error executing:\n{' '.join(argv)}\n===================\n")
        if raise_exception:
            raise subprocess.CalledProcessError(done.returncode, argv, done.stdout, done.stderr)
    return out, err


def run_python_script(
    cmd: Sequence[str],
    env: Mapping[str, str] | None = None,
    allow_warnings: bool = False,
    print_error: bool = True,
    raise_exception: bool = True,
) -> tuple[str, str]:
    """`run_process` on `python [-Werror] *cmd` with this interpreter.

    Warnings are errors in the child unless `allow_warnings`.
    """
    flags = [] if allow_warnings else ["-Werror"]
    return run_process([sys.executable, *flags, *cmd], env, print_error, raise_exception)


def run_with_error(cmd: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """Run `python -Werror *cmd`, which must fail; return its stderr (right-stripped,
    `\\n` lines).

    Raises:
        AssertionError: the script exited with status 0.
    """
    argv = [sys.executable, "-Werror", *[str(part) for part in cmd]]
    done = subprocess.run(argv, env=_child_environment(env), capture_output=True)
    err = normalize_newlines(done.stderr.decode().rstrip())
    assert done.returncode != 0, f"expected {argv} to fail; it exited 0. stderr:\n{err}"
    return err


# --- directories ------------------------------------------------------------------


def find_parent_dir_containing(target: str, max_up: int = 6, initial_dir: str | None = None) -> str:
    """The nearest of `initial_dir` (default: the working directory) and its `max_up`
    parents that contains `target`.

    Raises:
        OSError: none of them does.
    """
    start = Path(initial_dir if initial_dir is not None else os.getcwd()).resolve()
    for candidate in [start, *start.parents][: max_up + 1]:
        if (candidate / target).exists():
            return str(candidate)
    raise OSError(f"Could not find {target} in {start} or its {max_up} nearest parents")


def chdir_hydra_root(subdir: str | None = None) -> None:
    """Change into the root of the Hydra source tree (the directory holding `ATTRIBUTION`),
    then into `subdir` of it, so a test module runs from anywhere in the tree."""
    os.chdir(find_parent_dir_containing("ATTRIBUTION"))
    if subdir is not None:
        os.chdir(subdir)


def chdir_plugin_root() -> None:
    """Change into the root of the plugin being tested (the directory holding `setup.py`)."""
    os.chdir(find_parent_dir_containing("setup.py"))


def verify_dir_outputs(job_return: Any, overrides: Sequence[str] | None = None) -> None:
    """Check what a job left in its working directory: `<job name>.log`, and in its output
    subdir (`.hydra`) the saved `config.yaml` and an `overrides.yaml` equal to `overrides`.

    Args:
        job_return: a `hydria.core.utils.JobReturn`, as the task and sweep runners return.
        overrides: the task overrides the job ran with (None for none).
    """
    from hydria.core.utils import JobReturn

    assert isinstance(job_return, JobReturn), f"not a JobReturn: {job_return!r}"
    assert job_return.working_dir is not None
    assert job_return.task_name is not None
    assert job_return.hydra_cfg is not None
    working_dir = Path(job_return.working_dir)
    log_file = working_dir / f"{job_return.task_name}.log"
    assert log_file.exists(), f"no job log file {log_file}"
    saved = working_dir / str(job_return.hydra_cfg.hydra.output_subdir)
    assert (saved / "config.yaml").exists(), f"no {saved / 'config.yaml'}"
    assert (saved / "overrides.yaml").exists(), f"no {saved / 'overrides.yaml'}"
    assert OmegaConf.load(saved / "overrides.yaml") == OmegaConf.create(list(overrides or []))


# --- a generated app, run as a script ----------------------------------------------

_APP_TEMPLATE = string.Template(
    """\
import os

import hydra
from hydra.core.hydra_config import HydraConfig

$prolog

@hydra.main(version_base=None, config_path=".", config_name="config")
def experiment(cfg):
    with open($output_file, "w") as f:
$prints

if __name__ == "__main__":
    experiment()
"""
)


def _statements(indent: str, statements: str | Sequence[str] | None) -> str:
    if isinstance(statements, str):
        statements = [statements]
    if not statements:
        return f"{indent}pass\n"
    return "".join(f"{indent}{line}\n" for line in statements)


def _default_cmd(cmd: list[str], *args: Any, **kwargs: Any) -> list[str]:
    return cmd


def integration_test(
    tmpdir: Path,
    task_config: Any,
    overrides: list[str],
    prints: str | list[str],
    expected_outputs: str | list[str],
    prolog: str | list[str] | None = None,
    filename: str = "task.py",
    env_override: dict[str, str] | None = None,
    clean_environment: bool = False,
    generate_custom_cmd: Callable[..., list[str]] = _default_cmd,
) -> str:
    """Write a one-function app into `tmpdir` and run it there in a new process.

    The app (`filename`, decorated with `hydra.main(version_base=None, config_path=".",
    config_name="config")`) has `task_config` as its primary config (saved with the
    `_global_` package), runs `prolog` at import, and writes the value of each
    expression of `prints` on a line of `output.txt`, where `os`, `hydra` and
    `HydraConfig` are in scope. Each line must match the regular expression of
    `expected_outputs` on the same line.

    Args:
        tmpdir: where the app, its config and its output go (created if needed).
        overrides: the app's command line.
        env_override: variables set for the app on top of this process's environment.
        clean_environment: run the app with an empty environment instead.
        generate_custom_cmd: `(cmd, filename) -> cmd`, to run the app another way.

    Returns:
        The text the app wrote to `output.txt`.
    """
    root = Path(tmpdir)
    root.mkdir(parents=True, exist_ok=True)
    expected = [expected_outputs] if isinstance(expected_outputs, str) else expected_outputs
    printed = [prints] if isinstance(prints, str) else prints
    if task_config is not None:
        config = (
            task_config if isinstance(task_config, Container) else OmegaConf.create(task_config)
        )
        with open(root / "config.yaml", "w", encoding="utf-8") as f:
            f.write("# @package _global_\n")
            OmegaConf.save(config, f)
    output_file = root / "output.txt"
    code = _APP_TEMPLATE.substitute(
        prolog=_statements("", prolog).rstrip("\n") if prolog else "",
        output_file=repr(str(output_file)),
        prints=_statements(" " * 8, [f'f.write({p} + "\\n")' for p in printed]),
    )
    task_file = root / filename
    task_file.write_text(code, encoding="utf-8")

    previous = os.getcwd()
    os.chdir(root)
    try:
        cmd = generate_custom_cmd([sys.executable, str(task_file)], filename)
        cmd.extend(overrides)
        env: dict[str, str] = {} if clean_environment else dict(os.environ)
        if env_override is not None and not clean_environment:
            env.update(env_override)
        subprocess.check_call(cmd, env=_child_environment(env))
        text = output_file.read_text(encoding="utf-8")
    finally:
        os.chdir(previous)
    lines = text.splitlines()
    assert len(lines) == len(expected), (
        f"{task_file} wrote {len(lines)} lines, {len(expected)} expected:\n\n{text}"
    )
    for want, got in zip(expected, lines, strict=True):
        assert_regex_match(want, got)
    return text
