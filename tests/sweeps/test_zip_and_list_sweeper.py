"""Paired sweeps: `zip()` overrides in the basic sweeper's product, and the list sweeper
(hydra-list-sweeper's config), on their own and in real apps run as subprocesses."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from omegaconf import OmegaConf

import hydria
from hydria.errors import OverrideValueError, PluginError, SweepNotAllowedError
from hydria.overrides import parse_overrides
from hydria.plugin_contracts import Sweeper
from hydria.plugin_registry import load_sweeper
from hydria.sweepers.basic import BasicSweeper, job_batches
from hydria.sweepers.list_sweeper import ListSweeper
from hydria.testing.sweepers import RecordingSession, SweeperSuite

from .conftest import app_env

PLUGIN_TARGET = "hydra_plugins.list_sweeper_plugin.list_sweeper.ListSweeper"


def _jobs(*texts: str, max_batch_size: int | None = None) -> list[list[str]]:
    batches = job_batches(
        parse_overrides(list(texts)), options_of=lambda _: [], max_batch_size=max_batch_size
    )
    return [[o.text for o in job] for batch in batches for job in batch]


def _list_jobs(sweeper: ListSweeper, *texts: str) -> list[list[str]]:
    session = RecordingSession()
    sweeper.sweep(parse_overrides(list(texts)), session)
    return session.jobs


# --- zip() in the basic sweeper ---------------------------------------------------------


def test_zip_pairs_its_overrides_and_crosses_them_with_the_other_sweeps() -> None:
    jobs = _jobs("model=zip(resnet,vit,mlp)", "optimizer=zip(sgd,adam,adamw)", "seed=1,2")
    assert jobs == [
        ["model=resnet", "optimizer=sgd", "seed=1"],
        ["model=resnet", "optimizer=sgd", "seed=2"],
        ["model=vit", "optimizer=adam", "seed=1"],
        ["model=vit", "optimizer=adam", "seed=2"],
        ["model=mlp", "optimizer=adamw", "seed=1"],
        ["model=mlp", "optimizer=adamw", "seed=2"],
    ]


def test_the_zipped_group_takes_the_place_of_its_first_member() -> None:
    jobs = _jobs("seed=1,2", "a=zip(x,y)", "lr=0.1,0.2", "b=zip(p,q)", "c=fixed")
    # seed varies slowest, then the (a, b) pair, then lr; each job keeps the override order
    assert jobs == [
        ["seed=1", "a=x", "lr=0.1", "b=p", "c=fixed"],
        ["seed=1", "a=x", "lr=0.2", "b=p", "c=fixed"],
        ["seed=1", "a=y", "lr=0.1", "b=q", "c=fixed"],
        ["seed=1", "a=y", "lr=0.2", "b=q", "c=fixed"],
        ["seed=2", "a=x", "lr=0.1", "b=p", "c=fixed"],
        ["seed=2", "a=x", "lr=0.2", "b=p", "c=fixed"],
        ["seed=2", "a=y", "lr=0.1", "b=q", "c=fixed"],
        ["seed=2", "a=y", "lr=0.2", "b=q", "c=fixed"],
    ]


def test_zip_elements_reach_the_jobs_as_values_they_render_to() -> None:
    jobs = _jobs("v=zip([1,2],'a b',{k: 1})", "w=zip(1,2,3)")
    assert jobs == [["v=[1,2]", "w=1"], ["v=a\\ b", "w=2"], ["v={k:1}", "w=3"]]


def test_sweeps_without_zip_keep_hydras_product_order() -> None:
    jobs = _jobs("a=1,2", "b=choice(x,y,z)", "c=range(2)", "d=k")
    expected = [
        [f"a={a}", f"b={b}", f"c={c}", "d=k"]
        for a, b, c in itertools.product((1, 2), "xyz", (0, 1))
    ]
    assert jobs == expected


def test_a_single_zip_sweeps_like_a_choice() -> None:
    assert _jobs("a=zip(1,2,3)", "b=x,y") == _jobs("a=1,2,3", "b=x,y")


def test_zipped_jobs_are_split_into_batches() -> None:
    batches = job_batches(
        parse_overrides(["a=zip(1,2,3)", "b=zip(x,y,z)"]),
        options_of=lambda _: [],
        max_batch_size=2,
    )
    assert [[[o.text for o in job] for job in batch] for batch in batches] == [
        [["a=1", "b=x"], ["a=2", "b=y"]],
        [["a=3", "b=z"]],
    ]


def test_zips_of_different_lengths_are_refused_naming_each_with_its_length() -> None:
    with pytest.raises(OverrideValueError) as info:
        _jobs("model=zip(resnet,vit,mlp)", "seed=1,2", "optimizer=zip(sgd,adam)", "c=zip(q)")
    message = str(info.value)
    assert "must have as many values each" in message
    assert "    'model=zip(resnet,vit,mlp)': 3 values\n" in message
    assert "    'optimizer=zip(sgd,adam)': 2 values\n" in message
    assert "    'c=zip(q)': 1 value\n" in message
    assert "seed" not in message


def test_a_later_override_of_a_zipped_key_replaces_the_zip() -> None:
    sweeper = BasicSweeper(params={"a": "zip(1,2)", "b": "zip(x,y)"})
    session = RecordingSession()
    # a=zip(1,2,3) would not pair with b's two values: the command line's value wins
    sweeper.sweep(parse_overrides(["a=5"]), session)
    assert session.jobs == [["a=5", "b=x"], ["a=5", "b=y"]]


def test_zip_in_params_pairs_with_zip_on_the_command_line() -> None:
    sweeper = BasicSweeper(params={"a": "zip(1,2)"})
    session = RecordingSession()
    sweeper.sweep(parse_overrides(["s=0,1", "b=zip(x,y)"]), session)
    assert session.jobs == [
        ["a=1", "s=0", "b=x"],
        ["a=1", "s=1", "b=x"],
        ["a=2", "s=0", "b=y"],
        ["a=2", "s=1", "b=y"],
    ]


def test_a_zip_in_a_single_run_is_refused_as_sweeps_are(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("a: 0\nb: 0\n")
    with pytest.raises(SweepNotAllowedError, match=r"'a=zip\(1,2\)' is a sweep; sweeps need"):
        hydria.compose("config", ["a=zip(1,2)", "b=3"], config_dir=str(tmp_path))


# --- the list sweeper -------------------------------------------------------------------


class TestListSweeperConformance(SweeperSuite):
    @pytest.fixture
    def sweeper(self) -> Sweeper:
        return ListSweeper()


class TestListSweeperInBatchesConformance(SweeperSuite):
    @pytest.fixture
    def sweeper(self) -> Sweeper:
        return ListSweeper(max_batch_size=2)


def test_list_params_pair_grid_params_cross_in_the_plugins_order() -> None:
    sweeper = ListSweeper(
        grid_params={"env": "juggling, balancing"},
        list_params={"algorithm.lr": "0.001, 0.0001", "algorithm.beta_1": [0.9, 0.99]},
    )
    assert _list_jobs(sweeper) == [
        ["env=juggling", "algorithm.lr=0.001", "algorithm.beta_1=0.9"],
        ["env=juggling", "algorithm.lr=0.0001", "algorithm.beta_1=0.99"],
        ["env=balancing", "algorithm.lr=0.001", "algorithm.beta_1=0.9"],
        ["env=balancing", "algorithm.lr=0.0001", "algorithm.beta_1=0.99"],
    ]


def test_command_line_overrides_come_first_and_win() -> None:
    sweeper = ListSweeper(
        grid_params={"seed": "1, 2", "env": "a, b"},
        list_params={"lr": [0.1, 0.2], "beta": [0.8, 0.9]},
    )
    with pytest.warns(UserWarning, match="list_params.beta is also set on the command line"):
        jobs = _list_jobs(sweeper, "x=p,q", "env=c", "beta=0.5")
    assert jobs == [
        ["x=p", "env=c", "beta=0.5", "seed=1", "lr=0.1"],
        ["x=p", "env=c", "beta=0.5", "seed=1", "lr=0.2"],
        ["x=p", "env=c", "beta=0.5", "seed=2", "lr=0.1"],
        ["x=p", "env=c", "beta=0.5", "seed=2", "lr=0.2"],
        ["x=q", "env=c", "beta=0.5", "seed=1", "lr=0.1"],
        ["x=q", "env=c", "beta=0.5", "seed=1", "lr=0.2"],
        ["x=q", "env=c", "beta=0.5", "seed=2", "lr=0.1"],
        ["x=q", "env=c", "beta=0.5", "seed=2", "lr=0.2"],
    ]


def test_list_params_values_in_every_form() -> None:
    sweeper = ListSweeper(
        list_params={
            "a": "range(3)",
            "b": ["x y", [1, 2], {"k": None}],
            "c": "choice(p,q,r)",
            "d": [True, None, 1.5],
        }
    )
    assert _list_jobs(sweeper) == [
        ["a=0", "b=x\\ y", "c=p", "d=True"],
        ["a=1", "b=[1,2]", "c=q", "d=null"],
        ["a=2", "b={k:null}", "c=r", "d=1.5"],
    ]


def test_a_scalar_param_is_one_value() -> None:
    sweeper = ListSweeper(grid_params={"g": 3}, list_params={"l": "only"})
    assert _list_jobs(sweeper) == [["g=3", "l=only"]]


def test_without_params_the_list_sweeper_is_the_basic_sweeper() -> None:
    texts = ("a=1,2", "b=zip(x,y)", "c=zip(p,q)", "d=range(2)")
    assert _list_jobs(ListSweeper(), *texts) == _jobs(*texts)


def test_list_params_of_different_lengths_are_refused_naming_keys_and_lengths() -> None:
    sweeper = ListSweeper(list_params={"lr": "0.1, 0.2, 0.3", "beta": [0.9, 0.99], "x": 1})
    with pytest.raises(OverrideValueError) as info:
        _list_jobs(sweeper)
    message = str(info.value)
    assert "every key must list as many values" in message
    assert "    lr: 3 values\n" in message
    assert "    beta: 2 values\n" in message
    assert "    x: 1 value\n" in message


def test_list_params_pair_with_command_line_zips() -> None:
    sweeper = ListSweeper(list_params={"lr": [0.1, 0.2]})
    assert _list_jobs(sweeper, "m=zip(a,b)", "s=1,2") == [
        ["m=a", "s=1", "lr=0.1"],
        ["m=a", "s=2", "lr=0.1"],
        ["m=b", "s=1", "lr=0.2"],
        ["m=b", "s=2", "lr=0.2"],
    ]
    with pytest.raises(OverrideValueError, match="'m=zip\\(a,b,c\\)': 3 values"):
        _list_jobs(sweeper, "m=zip(a,b,c)")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"list_params": {"a": ["x,y", "z"]}}, "the item 'x,y' is a sweep"),
        ({"list_params": {"a": {"k": 1}}}, "hydra.sweeper.list_params.a is a dict"),
        ({"grid_params": {"a": "interval(0,1)"}}, "interval() has no values to list"),
        ({"grid_params": {"a": []}}, "hydra.sweeper.grid_params.a lists no values"),
        ({"ablative_params": [{"a": "1,2"}]}, "ablative_params[0].a: 'a=1,2' is a sweep"),
    ],
)
def test_params_that_cannot_be_listed_are_refused(params: dict[str, Any], fragment: str) -> None:
    session = RecordingSession()
    with pytest.raises(OverrideValueError) as info:
        ListSweeper(**params).sweep(parse_overrides(["b=1,2"]), session)
    assert fragment in str(info.value)
    assert session.calls == []


def test_ablative_params_run_every_job_again_with_their_values() -> None:
    sweeper = ListSweeper(
        list_params={"lr": [0.1, 0.2]},
        ablative_params=[{"lr": 0.5, "+extra": "on"}, {"seed": 7}],
    )
    assert _list_jobs(sweeper, "+seed=1") == [
        ["+seed=1", "lr=0.1"],
        ["+seed=1", "lr=0.2"],
        ["+seed=1", "lr=0.5", "+extra=on"],
        ["+seed=1", "lr=0.5", "+extra=on"],
        # the job's `+seed` keeps its prefix with the ablation's value
        ["+seed=7", "lr=0.1"],
        ["+seed=7", "lr=0.2"],
    ]


def test_max_batch_size_splits_the_list_sweep() -> None:
    session = RecordingSession()
    ListSweeper(list_params={"a": [1, 2, 3]}, max_batch_size=2).sweep([], session)
    assert [[[o.text for o in job] for job in batch] for batch in session.calls[0]] == [
        [["a=1"], ["a=2"]],
        [["a=3"]],
    ]


@pytest.mark.parametrize("target", [PLUGIN_TARGET, "hydria.sweepers.list_sweeper.ListSweeper"])
def test_the_plugins_target_loads_hydrias_list_sweeper(target: str) -> None:
    node = OmegaConf.create(
        {"_target_": target, "list_params": {"a": "1, 2"}, "grid_params": {}, "ablative_params": []}
    )
    sweeper = load_sweeper(node)
    assert isinstance(sweeper, ListSweeper)
    assert sweeper.list_params == {"a": "1, 2"}


def test_an_unknown_list_sweeper_option_is_a_plugin_error() -> None:
    node = OmegaConf.create({"_target_": PLUGIN_TARGET, "list_param": {}})
    with pytest.raises(PluginError, match="list_param"):
        load_sweeper(node)


def test_hydra_sweeper_list_is_a_builtin_option(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("a: 0\n")
    cfg = hydria.compose(
        "config", ["hydra/sweeper=list"], config_dir=str(tmp_path), return_hydra_config=True
    )
    assert OmegaConf.to_container(cfg.hydra.sweeper) == {
        "_target_": "hydria.sweepers.list_sweeper.ListSweeper",
        "list_params": {},
        "grid_params": {},
        "ablative_params": [],
        "max_batch_size": None,
    }
    assert cfg.hydra.runtime.choices["hydra/sweeper"] == "list"


# --- real apps --------------------------------------------------------------------------

APP = """
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    return {"model": cfg.model, "opt": cfg.opt, "seed": cfg.seed}

if __name__ == "__main__":
    app()
"""


def _run_app(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    (root / "app.py").write_text(APP)
    return subprocess.run(
        [sys.executable, "app.py", *argv, "hydra.sweep.dir=sweep"],
        cwd=root,
        env=app_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _job_overrides(root: Path) -> list[list[str]]:
    """Each job's `.hydra/overrides.yaml`, by job number."""
    jobs = sorted(
        (p for p in (root / "sweep").iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
    )
    return [yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text()) for job in jobs]


def _conf(root: Path, text: str) -> None:
    (root / "conf").mkdir(exist_ok=True)
    (root / "conf" / "config.yaml").write_text(text)


def test_app_sweeps_a_zip_crossed_with_a_plain_sweep(tmp_path: Path) -> None:
    _conf(tmp_path, "model: none\nopt: none\nseed: 0\n")
    done = _run_app(
        tmp_path, "-m", "model=zip(resnet,vit,mlp)", "opt=zip(sgd,adam,adamw)", "seed=1,2"
    )
    assert done.returncode == 0, done.stderr
    assert _job_overrides(tmp_path) == [
        ["model=resnet", "opt=sgd", "seed=1"],
        ["model=resnet", "opt=sgd", "seed=2"],
        ["model=vit", "opt=adam", "seed=1"],
        ["model=vit", "opt=adam", "seed=2"],
        ["model=mlp", "opt=adamw", "seed=1"],
        ["model=mlp", "opt=adamw", "seed=2"],
    ]
    results = (tmp_path / "sweep" / "results.jsonl").read_text()
    assert '"model": "vit", "opt": "adam", "seed": 2' in results


def test_app_refuses_a_zip_without_multirun_and_mismatched_zips(tmp_path: Path) -> None:
    _conf(tmp_path, "model: none\nopt: none\nseed: 0\n")
    single = _run_app(tmp_path, "model=zip(resnet,vit)")
    assert single.returncode != 0
    assert "Override 'model=zip(resnet,vit)' is a sweep; sweeps need --multirun (-m)" in (
        single.stderr
    )
    mismatched = _run_app(tmp_path, "-m", "model=zip(resnet,vit)", "opt=zip(sgd)")
    assert mismatched.returncode != 0
    assert "'model=zip(resnet,vit)': 2 values" in mismatched.stderr
    assert "'opt=zip(sgd)': 1 value" in mismatched.stderr
    assert not (tmp_path / "sweep" / "0").exists()


def test_app_with_the_list_sweeper_and_a_command_line_sweep(tmp_path: Path) -> None:
    _conf(
        tmp_path,
        "defaults:\n"
        "  - _self_\n"
        "  - override hydra/sweeper: list\n"
        "model: none\nopt: none\nseed: 0\n"
        "hydra:\n"
        "  sweeper:\n"
        "    grid_params:\n"
        "      seed: 1, 2\n"
        "    list_params:\n"
        "      model: resnet, vit\n"
        "      opt: [sgd, adam]\n",
    )
    done = _run_app(tmp_path, "-m", "+tag=a,b")
    assert done.returncode == 0, done.stderr
    assert _job_overrides(tmp_path) == [
        ["+tag=a", "seed=1", "model=resnet", "opt=sgd"],
        ["+tag=a", "seed=1", "model=vit", "opt=adam"],
        ["+tag=a", "seed=2", "model=resnet", "opt=sgd"],
        ["+tag=a", "seed=2", "model=vit", "opt=adam"],
        ["+tag=b", "seed=1", "model=resnet", "opt=sgd"],
        ["+tag=b", "seed=1", "model=vit", "opt=adam"],
        ["+tag=b", "seed=2", "model=resnet", "opt=sgd"],
        ["+tag=b", "seed=2", "model=vit", "opt=adam"],
    ]


def test_app_with_the_plugins_target_in_its_own_sweeper_config(tmp_path: Path) -> None:
    """A config written for hydra-list-sweeper: its own `hydra/sweeper` option naming the
    plugin's class, as the plugin's structured config does."""
    _conf(
        tmp_path,
        "defaults:\n"
        "  - _self_\n"
        "  - override hydra/sweeper: plugin_list\n"
        "model: none\nopt: none\nseed: 0\n",
    )
    (tmp_path / "conf" / "hydra" / "sweeper").mkdir(parents=True)
    (tmp_path / "conf" / "hydra" / "sweeper" / "plugin_list.yaml").write_text(
        f"_target_: {PLUGIN_TARGET}\n"
        "list_params:\n"
        "  model: [resnet, vit, mlp]\n"
        "  opt: sgd, adam, adamw\n"
        "grid_params: {}\n"
    )
    done = _run_app(tmp_path, "-m", "seed=3")
    assert done.returncode == 0, done.stderr
    assert _job_overrides(tmp_path) == [
        ["seed=3", "model=resnet", "opt=sgd"],
        ["seed=3", "model=vit", "opt=adam"],
        ["seed=3", "model=mlp", "opt=adamw"],
    ]
    unequal = _run_app(tmp_path, "-m", "hydra.sweeper.list_params.opt=[sgd]")
    assert unequal.returncode != 0
    assert "    model: 3 values\n    opt: 1 value\n" in unequal.stderr
