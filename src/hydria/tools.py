"""The `python -m hydria` commands.

python -m hydria results <sweep dir> [--format table|csv|json]
python -m hydria diff RUN_A [RUN_B] [--resolve] [--json]
python -m hydria rerun RUN_DIR [--app SCRIPT] [--python PYTHON]

`diff` compares two runs, or with one run, the run's saved config and what its
config tree composes today; it exits 0 when nothing differs, 1 when something
does, 2 on an error. `rerun` runs a run's app again on its saved config
(`--experimental-rerun`) and exits with the app's exit code. The app is the script
given with `--app`; the script the run's record names is run only when the user says
so at a prompt on the terminal, since a record may come from anyone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hydria.terminal_text import printable

__all__ = ["main"]


def _results(args: argparse.Namespace) -> int:
    import warnings

    from hydria.errors import SweepRecordsError
    from hydria.multirun.live import with_live_states
    from hydria.multirun.records import load_sweep
    from hydria.multirun.summary import records_csv, records_json, summary_table

    try:
        # lines that are not job records are skipped with a warning: say which, go on
        with warnings.catch_warnings(record=True) as skipped:
            warnings.simplefilter("always")
            records = with_live_states(load_sweep(args.sweep_dir))
    except FileNotFoundError as exc:  # no results.jsonl: not a sweep directory
        raise SweepRecordsError(str(exc)) from exc
    for warning in skipped:
        print(f"hydria results: warning: {warning.message}", file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(records_csv(records))
    elif args.format == "json":
        sys.stdout.write(records_json(records))
    else:
        done = sum(r.status == "completed" for r in records)
        waiting = sum(r.status.startswith("submitted") for r in records)
        counts = f"{len(records)} jobs, {done} completed, {len(records) - done - waiting} not"
        print(f"{args.sweep_dir}: {counts}" + (f", {waiting} submitted" if waiting else ""))
        print(summary_table(records, max_rows=args.max_rows))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from hydria.errors import ConfigContentError
    from hydria.runs.diff import diff_against_tree, diff_runs
    from hydria.runs.diff_report import render_json, render_text
    from hydria.runs.saved import load_run

    try:
        first = load_run(args.run_a)
        if args.run_b is None:
            diff = diff_against_tree(first, resolve=args.resolve)
        else:
            diff = diff_runs(first, load_run(args.run_b), resolve=args.resolve)
    except RecursionError:
        raise ConfigContentError("the configs are nested too deeply to compare") from None
    print(render_json(diff) if args.json else render_text(diff))
    return 0 if diff.same else 1


def _rerun(args: argparse.Namespace) -> int:
    import subprocess

    from hydria.errors import HydriaError, UsageError
    from hydria.runs.saved import load_run

    try:
        run = load_run(args.run_dir)
    except HydriaError as exc:  # RUN_DIR is not a run: the argument to fix
        raise UsageError(str(exc)) from exc
    cwd = Path(run.cwd) if run.cwd is not None and Path(run.cwd).is_dir() else Path.cwd()
    if args.app is not None:
        script = Path(args.app).resolve()
        if not script.is_file():
            raise UsageError(f"the app '{args.app}' is not a file")
    else:
        script = cwd / f"{run.job_name}.py"
        if not script.is_file():
            raise UsageError(
                f"cannot find the app of '{args.run_dir}': no '{script}' "
                f"(the job '{run.job_name}' ran in '{cwd}'). Pass the script with --app"
            )
        script = script.resolve()
        agreed = _agreed_to_run(script, cwd)
        if agreed is None:
            raise UsageError(
                f"not running {script}: the run's record names it "
                "(hydra.runtime.cwd and hydra.job.name in its hydra.yaml), and a record "
                "may come from anyone. If it is the app you mean to run, pass it: "
                f"--app {script}"
            )
        if not agreed:  # the user said no: not a usage error, but nothing ran
            raise HydriaError(f"not running {script}")
    command = [args.python, str(script), "--experimental-rerun", str(run.record_dir.resolve())]
    try:
        # Not captured: the app's output streams to this process's stdout and stderr.
        code = subprocess.run(command, cwd=cwd, check=False).returncode
    except OSError as exc:
        raise UsageError(f"cannot run {args.python}: {exc}") from exc
    except KeyboardInterrupt:
        return 130
    # A negative code is the signal that ended the app; shells report it as 128 + signal.
    return code if code >= 0 else 128 - code


def _agreed_to_run(script: Path, cwd: Path) -> bool | None:
    """Whether the user agrees to run the script a run's record names: asked on the
    terminal; None without one to ask on (stdin is not a terminal)."""
    if not sys.stdin.isatty():
        return None
    # The path comes from the record: control characters in it must not redraw the prompt.
    sys.stderr.write(
        printable(f"The run's record names its app: {script} (run in {cwd}).")
        + "\n"
        + printable(f"Run {script}?")
        + " [y/N] "
    )
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hydria", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    results = commands.add_parser("results", help="show the recorded results of a sweep")
    results.add_argument("sweep_dir", help="the sweep's directory (hydra.sweep.dir)")
    results.add_argument("--format", choices=["table", "csv", "json"], default="table")
    results.add_argument("--max-rows", type=int, default=10**9, help="rows in the table")
    results.set_defaults(run=_results)
    diff = commands.add_parser(
        "diff",
        help="compare two runs' configs, or a run's with what its config tree composes today",
    )
    diff.add_argument("run_a", metavar="RUN_A", help="a run's output dir (or its .hydra folder)")
    diff.add_argument(
        "run_b",
        metavar="RUN_B",
        nargs="?",
        help="the run to compare with; without it, the config tree as it is today",
    )
    diff.add_argument(
        "--resolve", action="store_true", help="compare interpolations by their values"
    )
    diff.add_argument("--json", action="store_true", help="write the differences as JSON")
    diff.set_defaults(run=_diff)
    rerun = commands.add_parser("rerun", help="run a run's app again on its saved config")
    rerun.add_argument("run_dir", metavar="RUN_DIR", help="a run's output dir (or .hydra folder)")
    rerun.add_argument(
        "--app",
        metavar="SCRIPT",
        help="the app's script to run (default: the <hydra.runtime.cwd>/<hydra.job.name>.py "
        "the run recorded, run only once you confirm it on the terminal)",
    )
    rerun.add_argument(
        "--python",
        metavar="PYTHON",
        default=sys.executable,
        help="the Python to run the app with (default: this one)",
    )
    rerun.set_defaults(run=_rerun)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run one command; returns the exit code. Its errors are reported by
    `hydria.app.report` (2 for a usage error, else 1; `diff` exits 2 on any error)."""
    from omegaconf.errors import OmegaConfBaseException

    from hydria.errors import HydriaError

    args = _parser().parse_args(list(argv))
    try:
        code: int = args.run(args)
    except (HydriaError, OmegaConfBaseException) as exc:
        from hydria.app.report import report_command_error

        return report_command_error(
            exc, args.command, exit_code=2 if args.command == "diff" else None
        )
    return code
