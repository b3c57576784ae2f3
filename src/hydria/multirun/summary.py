"""The table a sweep ends with, and the one `python -m hydria results` prints.

Overrides against return value, one row per job, failures marked; long sweeps show
their failures and the first rows, and say how many are left out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from hydria.multirun.records import COMPLETED, JobRecord
from hydria.overrides.model import is_hydra_override
from hydria.terminal_text import printable

__all__ = ["records_csv", "records_json", "summary_table"]

_MAX_ROWS = 50


def _value(record: JobRecord) -> str:
    if record.status != COMPLETED:
        return record.error or ""
    if record.return_repr is not None:
        return record.return_repr
    if record.return_value is None:
        return ""
    if isinstance(record.return_value, (dict, list)):
        return json.dumps(record.return_value, ensure_ascii=False)
    return str(record.return_value)


def _shouted(status: str) -> str:
    """`FAILED`, `SUBMITTED: UNKNOWN (why, as written)`: the reason keeps its case."""
    word, paren, why = status.partition(" (")
    return word.upper() + paren + why


def _overrides(record: JobRecord) -> str:
    return " ".join(o for o in record.overrides if not is_hydra_override(o)) or "-"


def summary_table(
    records: Sequence[JobRecord],
    *,
    max_rows: int = _MAX_ROWS,
    width: int = 60,
    first: Sequence[int] = (),
) -> str:
    """A plain-text table: `#`, overrides, status (FAILED in capitals), return value.
    The jobs `first` (an optimiser's best trials) come first, in that order; the others
    follow in job order."""
    place = {num: index for index, num in enumerate(first)}

    def order(r: JobRecord) -> tuple[int, int]:
        return place.get(r.num, len(place)), r.num

    rows = sorted(records, key=order)
    shown = rows
    if len(rows) > max_rows:
        failed = [r for r in rows if r.status != COMPLETED]
        shown = sorted(
            {r.num: r for r in rows[: max(max_rows - len(failed), 0)] + failed}.values(),
            key=order,
        )
    table = [("#", "overrides", "status", "return value")]
    for r in shown:
        status = printable(r.status if r.status == COMPLETED else _shouted(r.status))
        value = printable(_value(r))
        if len(value) > width:
            value = value[: width - 1] + "…"
        table.append((str(r.num), printable(_overrides(r)), status, value))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
        for row in table
    ]
    if len(shown) < len(rows):
        lines.append(f"... {len(rows) - len(shown)} more completed jobs (see results.jsonl)")
    return "\n".join(lines)


def records_csv(records: Sequence[JobRecord]) -> str:
    """One CSV row per job; `overrides` space-separated, `return_value` as JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = ["num", "overrides", "status", "return_value", "duration", "output_dir", "error"]
    writer.writerow(columns)
    for r in sorted(records, key=lambda r: r.num):
        value = r.return_repr if r.return_repr is not None else json.dumps(r.return_value)
        writer.writerow(
            [
                r.num,
                " ".join(r.overrides),
                r.status,
                value,
                r.duration,
                r.output_dir or "",
                r.error or "",
            ]
        )
    return out.getvalue()


def records_json(records: Sequence[JobRecord]) -> str:
    """A JSON list of the records, one object per job."""
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(r.to_json() for r in sorted(records, key=lambda r: r.num)) + "\n]\n"
