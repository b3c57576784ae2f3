"""The `python -m hydria` commands.

python -m hydria results <sweep dir> [--format table|csv|json]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _results(args: argparse.Namespace) -> int:
    from hydria.sweep.records import load_sweep
    from hydria.sweep.summary import records_csv, records_json, summary_table

    try:
        records = load_sweep(args.sweep_dir)
    except (FileNotFoundError, ValueError) as exc:
        print(f"hydria results: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(records_csv(records))
    elif args.format == "json":
        sys.stdout.write(records_json(records))
    else:
        done = sum(r.status == "completed" for r in records)
        print(f"{args.sweep_dir}: {len(records)} jobs, {done} completed, {len(records) - done} not")
        print(summary_table(records, max_rows=args.max_rows))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hydria", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    results = commands.add_parser("results", help="show the recorded results of a sweep")
    results.add_argument("sweep_dir", help="the sweep's directory (hydra.sweep.dir)")
    results.add_argument("--format", choices=["table", "csv", "json"], default="table")
    results.add_argument("--max-rows", type=int, default=10**9, help="rows in the table")
    results.set_defaults(run=_results)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run one command; returns the exit code."""
    args = _parser().parse_args(list(argv))
    code: int = args.run(args)
    return code
