"""The submitit launchers' options and what they refuse, without an engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hydria.errors import PluginError
from hydria.launchers.engine_states import parse_states
from hydria.launchers.submitit import LocalLauncher, SlurmLauncher
from hydria.testing.launchers import run_sweep_app


@pytest.mark.parametrize(
    ("launcher", "options", "message"),
    [
        pytest.param(
            SlurmLauncher,
            {"partitio": "gpu"},
            "hydra.launcher: SlurmLauncher has no option 'partitio'. Did you mean 'partition'? "
            "Its options: account, additional_parameters, array_parallelism, comment, ",
            id="typo",
        ),
        pytest.param(
            LocalLauncher,
            {"partition": "gpu"},
            "hydra.launcher: LocalLauncher has no option 'partition'. Its options: "
            "cpus_per_task, gpus_per_node, mem_gb, name, nodes, stderr_to_stdout, "
            "submitit_folder, tasks_per_node, timeout_min, wait",
            id="slurm-only-key",
        ),
        pytest.param(
            SlurmLauncher,
            {"timeout_min": 0},
            "hydra.launcher.timeout_min must be an integer >= 1; got 0",
            id="timeout",
        ),
        pytest.param(
            SlurmLauncher,
            {"max_num_timeout": -1},
            "hydra.launcher.max_num_timeout must be an integer >= 0; got -1",
            id="requeues",
        ),
        pytest.param(
            LocalLauncher,
            {"wait": "no"},
            "hydra.launcher.wait must be true or false; got 'no'",
            id="wait",
        ),
    ],
)
def test_bad_options_are_refused_with_their_key(
    launcher: type[Any], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(PluginError) as caught:
        launcher(**options)
    assert str(caught.value).startswith(message)


def test_hydras_keys_and_defaults_are_accepted() -> None:
    launcher = SlurmLauncher(
        submitit_folder="sweep/.submitit/%j",
        name="app",
        partition="gpu",
        additional_parameters={"mail-type": "END"},
        setup=["module load cuda"],
        srun_args=["--cpu-bind=none"],
    )
    assert launcher.generic["timeout_min"] == 60 and launcher.wait is True
    assert launcher.init == {"slurm_max_num_timeout": 0}
    assert launcher.specific["slurm_signal_delay_s"] == 120
    assert launcher.specific["slurm_array_parallelism"] == 256
    assert launcher.specific["slurm_additional_parameters"] == {"mail-type": "END"}


def test_without_slurm_commands_the_sweep_stops_before_submitting(tmp_path: Path) -> None:
    done = run_sweep_app(
        tmp_path,
        ["-m", "hydra/launcher=submitit_slurm", "hydra.sweep.dir=sweep", "x=1,2"],
        env={"PATH": str(tmp_path / "no-commands-here")},
    )
    assert done.returncode == 1
    assert (
        "hydra/launcher=submitit_slurm submits jobs to SLURM, but sbatch and srun are not on "
        "PATH here: run the sweep where SLURM's commands are (a login node), or run the jobs "
        "on this machine with hydra/launcher=submitit_local"
    ) in done.stderr
    assert not (tmp_path / "sweep" / ".submitit").exists()


@pytest.mark.parametrize(
    ("listed", "states"),
    [
        pytest.param(
            "12_0|RUNNING\n12_1|PENDING\n", {"12_0": "RUNNING", "12_1": "PENDING"}, id="squeue"
        ),
        pytest.param("7|CANCELLED by 0\n", {"7": "CANCELLED"}, id="cancelled-by"),
        pytest.param(
            "12_[2-4,7%2]|PENDING\n",
            {"12_2": "PENDING", "12_3": "PENDING", "12_4": "PENDING", "12_7": "PENDING"},
            id="sacct-array-range",
        ),
        pytest.param("", {}, id="nothing"),
    ],
)
def test_engine_states_are_read_per_job_id(listed: str, states: dict[str, str]) -> None:
    assert parse_states(listed) == states
