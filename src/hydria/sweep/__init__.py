"""A sweep's jobs run through a launcher, each recorded in `results.jsonl` as it ends,
with progress, a summary, and resume.

Layer: uses `runtime` and `launchers`; the app layer drives it.
"""

from hydria.sweep.execute import SweepOutcome as SweepOutcome
from hydria.sweep.execute import execute_sweep as execute_sweep
from hydria.sweep.progress import make_progress as make_progress
from hydria.sweep.records import RESULTS_FILE as RESULTS_FILE
from hydria.sweep.records import JobRecord as JobRecord
from hydria.sweep.records import ResultsFile as ResultsFile
from hydria.sweep.records import load_sweep as load_sweep
from hydria.sweep.summary import summary_table as summary_table

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
