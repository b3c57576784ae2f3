"""Running a sweep (a multirun): the session a sweeper hands its jobs to (`session`),
which owns the sweep directory (`ownership`), runs the jobs through the launcher
(`execute`), records each in `results.jsonl` as it ends (`records`, `job_journal`),
shows progress and a summary, and resumes a sweep that died (`resume`).

Not to be confused with `hydria.sweepers` (which jobs a sweep has) and
`hydria.launchers` (where they run). Layer: uses `plugin_contracts` and `runtime`; the
app layer drives it.
"""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.multirun.execute import SweepOutcome as SweepOutcome
    from hydria.multirun.execute import execute_sweep as execute_sweep
    from hydria.multirun.progress import make_progress as make_progress
    from hydria.multirun.records import RESULTS_FILE as RESULTS_FILE
    from hydria.multirun.records import JobRecord as JobRecord
    from hydria.multirun.records import ResultsFile as ResultsFile
    from hydria.multirun.records import load_sweep as load_sweep
    from hydria.multirun.summary import summary_table as summary_table

__all__ = [
    "RESULTS_FILE",
    "JobRecord",
    "ResultsFile",
    "SweepOutcome",
    "execute_sweep",
    "load_sweep",
    "make_progress",
    "summary_table",
]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "JobRecord": "hydria.multirun.records",
    "RESULTS_FILE": "hydria.multirun.records",
    "ResultsFile": "hydria.multirun.records",
    "SweepOutcome": "hydria.multirun.execute",
    "execute_sweep": "hydria.multirun.execute",
    "load_sweep": "hydria.multirun.records",
    "make_progress": "hydria.multirun.progress",
    "summary_table": "hydria.multirun.summary",
}

__getattr__ = lazy_exports(globals(), _HOMES)
