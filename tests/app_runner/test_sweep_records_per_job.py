"""Each job of a sweep writes its own `.hydra/*.yaml`, byte for byte what `to_yaml` gives
for that job's config, when the jobs' options set different `hydra.*` values and the
sweep's shared sections are emitted once (`hydria.runtime.config_yaml`)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

import hydria

SEEN: list[dict[str, Any]] = []

_EXPERIMENTS = {
    "a": """\
        # @package _global_
        hydra:
          job:
            env_set:
              WHO: a
          help:
            header: "héllo\\nmulti-line: 'quoted' ??? ${hydra.job.name}\\n"
        x: 1
        """,
    "b": """\
        # @package _global_
        hydra:
          job:
            env_set:
              WHO: b
              MORE: "yes"
          help:
            header: "other"
        x: 1.0
        """,
    "c": """\
        # @package _global_
        x: "1"
        """,
}


def _tree(root: Path) -> Path:
    conf = root / "conf"
    (conf / "exp").mkdir(parents=True)
    (conf / "config.yaml").write_text("x: 0\ny: '???'\nz: on\n", encoding="utf-8")
    for name, text in _EXPERIMENTS.items():
        (conf / "exp" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return conf


def _task(cfg: DictConfig) -> None:
    hydra = hydria.HydraConfig.get()
    root = OmegaConf.create()
    root.hydra = hydra  # a copy, typed nodes kept, as the job's config holds it
    SEEN.append(
        {
            "dir": hydra.runtime.output_dir,
            "hydra.yaml": OmegaConf.to_yaml(root),
            "config.yaml": OmegaConf.to_yaml(cfg),
        }
    )


def test_each_job_writes_its_own_hydra_and_config_yaml(tmp_path: Path, run_app: Any) -> None:
    conf = _tree(tmp_path)
    SEEN.clear()
    app = hydria.main(config_path=str(conf), config_name="config", version_base=None)(_task)
    done = run_app(app, "-m", "+exp=a,b,c,a,b", "hydra.sweep.dir=sweep")
    assert done.code == 0, done.err
    assert len(SEEN) == 5
    texts = set()
    for job in SEEN:
        saved = Path(job["dir"], ".hydra")
        assert saved.joinpath("hydra.yaml").read_text(encoding="utf-8") == job["hydra.yaml"]
        assert saved.joinpath("config.yaml").read_text(encoding="utf-8") == job["config.yaml"]
        texts.add(job["hydra.yaml"])
    assert len(texts) == 5  # num, id, overrides and env_set differ from job to job
    assert "WHO: b" in SEEN[1]["hydra.yaml"] and "WHO" not in SEEN[2]["hydra.yaml"]
    assert "x: 1.0" in SEEN[1]["config.yaml"] and "x: '1'" in SEEN[2]["config.yaml"]
