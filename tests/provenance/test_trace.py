"""Provenance: each kind of origin, on small trees composed for real and then traced."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.errors import ExplainError
from hydria.provenance import Action, OriginKind, Provenance


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def explained(root: Path, overrides: list[str] = (), name: str = "config") -> Provenance:  # type: ignore[assignment]
    cfg = hydria.compose(name, list(overrides), config_dir=str(root), return_hydra_config=True)
    provenance = hydria.explain(cfg)
    _check_against(cfg, provenance)
    return provenance


def _check_against(cfg: Any, provenance: Provenance) -> None:
    """Every leaf of the composed config has a history ending in its value."""

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict) and node:
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(node, list) and node:
            for i, v in enumerate(node):
                walk(v, f"{key}[{i}]")
        else:
            history = provenance[key]
            assert history.present, key
            if not isinstance(node, (dict, list)):
                same = history.value == node or (
                    isinstance(node, float) and math.isnan(node) and math.isnan(history.value)
                )
                assert same and type(history.value) is type(node), (key, history.value, node)

    walk(OmegaConf.to_container(cfg, resolve=False), "")


def steps(provenance: Provenance, key: str) -> list[tuple[str, Any, str]]:
    return [(s.action.value, s.value, s.where) for s in provenance[key].steps]


SEED = {
    "config.yaml": "defaults:\n  - db: mysql\n",
    "db/base_mysql.yaml": "host: localhost\nport: 3306\nuser: ???\npassword: ???\n",
    "db/mysql.yaml": (
        "defaults:\n  - base_mysql\n\nuser: omry\npassword: secret\nport: 3307\nencoding: utf8\n"
    ),
    "db/postgresql.yaml": "host: pg\nport: 5432\nuser: ???\n",
}


def test_the_seed_kinds_with_files_and_lines(tmp_path: Path) -> None:
    p = explained(write(tmp_path, SEED))
    assert steps(p, "db.host") == [("from", "localhost", "db/base_mysql.yaml:1")]
    assert steps(p, "db.port") == [
        ("from", 3306, "db/base_mysql.yaml:2"),
        ("overridden by", 3307, "db/mysql.yaml:6"),
    ]
    assert steps(p, "db.user") == [
        ("from", "???", "db/base_mysql.yaml:3"),
        ("populated by", "omry", "db/mysql.yaml:4"),
    ]
    assert steps(p, "db.encoding") == [("added by", "utf8", "db/mysql.yaml:7")]
    assert [s.annotation for s in p["db.port"].steps] == [
        "from db/base_mysql",
        "overridden by db/mysql.yaml",
    ]
    origin = p["db.port"].origin
    assert (origin.kind, origin.name, origin.package) == (OriginKind.CONFIG, "db/mysql", "db")
    assert origin.filename == str(tmp_path / "db" / "mysql.yaml")
    assert p["db.port"].replaced[0].origin.name == "db/base_mysql"


def test_command_line_overrides_are_numbered_and_kinds_told_apart(tmp_path: Path) -> None:
    p = explained(
        write(tmp_path, SEED),
        ["db=postgresql", "db.port=1", "+db.extra=2", "++db.host=h", "db.user=u", "+top=3"],
    )
    assert steps(p, "db.port") == [
        ("from", 5432, "db/postgresql.yaml:2"),
        ("overridden by", 1, "override #2 'db.port=1'"),
    ]
    assert steps(p, "db.extra") == [("added by", 2, "override #3 '+db.extra=2'")]
    assert steps(p, "db.host")[-1] == ("overridden by", "h", "override #4 '++db.host=h'")
    assert steps(p, "db.user")[-1] == ("populated by", "u", "override #5 'db.user=u'")
    assert steps(p, "top") == [("added by", 3, "override #6 '+top=3'")]
    assert p["db.port"].steps[0].origin.chosen_by == "db=postgresql"
    assert p["db.port"].last.origin.kind is OriginKind.OVERRIDE
    assert p["db.port"].last.origin.position == 2


def test_deletions_stay_in_the_history(tmp_path: Path) -> None:
    tree = dict(SEED, **{"config.yaml": "defaults:\n  - db: mysql\n\nextra:\n  a: 1\n  b: [1]\n"})
    p = explained(write(tmp_path, tree), ["~db.password", "~extra"])
    assert steps(p, "db.password")[-1] == ("deleted by", None, "override #1 '~db.password'")
    assert not p["db.password"].present
    assert p["extra"].last.action is Action.DELETE
    # what was inside a deleted mapping is deleted with it
    assert steps(p, "extra.a") == [
        ("from", 1, "config.yaml:5"),
        ("deleted by", None, "override #2 '~extra'"),
    ]
    assert p["extra.b[0]"].last.action is Action.DELETE


def test_self_first_lets_the_defaults_override_the_primary(tmp_path: Path) -> None:
    files = dict(SEED)
    files["config.yaml"] = "defaults:\n  - _self_\n  - db: mysql\n\ndb:\n  port: 1\n  tag: x\n"
    p = explained(write(tmp_path, files))
    assert steps(p, "db.port") == [
        ("from", 1, "config.yaml:6"),
        ("overridden by", 3306, "db/base_mysql.yaml:2"),
        ("overridden by", 3307, "db/mysql.yaml:6"),
    ]
    assert steps(p, "db.tag") == [("from", "x", "config.yaml:7")]
    assert steps(p, "db.host") == [("added by", "localhost", "db/base_mysql.yaml:1")]


def test_self_last_lets_the_primary_override_the_defaults(tmp_path: Path) -> None:
    files = dict(SEED)
    files["config.yaml"] = "defaults:\n  - db: mysql\n  - _self_\n\ndb:\n  port: 1\n"
    p = explained(write(tmp_path, files))
    assert steps(p, "db.port")[-1] == ("overridden by", 1, "config.yaml:6")


def test_a_global_experiment_and_its_group_override(tmp_path: Path) -> None:
    files = dict(SEED)
    files["experiment/fast.yaml"] = (
        "# @package _global_\ndefaults:\n  - override /db: postgresql\n\ndb:\n  port: 9\nlr: 0.1\n"
    )
    p = explained(write(tmp_path, files), ["+experiment=fast"])
    assert steps(p, "db.port") == [
        ("from", 5432, "db/postgresql.yaml:2"),
        ("overridden by", 9, "experiment/fast.yaml:6"),
    ]
    assert steps(p, "lr") == [("from", 0.1, "experiment/fast.yaml:7")]
    experiment = p["lr"].origin
    assert (experiment.package, experiment.chosen_by) == ("", "+experiment=fast")
    assert p["db.host"].origin.chosen_by is None  # chosen by the experiment's defaults list


def test_specialisation_through_an_interpolated_default(tmp_path: Path) -> None:
    files = {
        "config.yaml": (
            "defaults:\n  - dataset: cifar10\n  - model: alexnet\n"
            "  - optional dataset_model: ${dataset}_${model}\n"
        ),
        "dataset/cifar10.yaml": "name: cifar10\n",
        "model/alexnet.yaml": "name: alexnet\nlayers: 5\n",
        "dataset_model/cifar10_alexnet.yaml": "# @package _global_\nmodel:\n  layers: 8\n",
    }
    p = explained(write(tmp_path, files))
    assert steps(p, "model.layers") == [
        ("from", 5, "model/alexnet.yaml:2"),
        ("overridden by", 8, "dataset_model/cifar10_alexnet.yaml:3"),
    ]


def test_list_elements_have_their_own_history(tmp_path: Path) -> None:
    files = {
        "config.yaml": "defaults:\n  - base\n  - _self_\n\ntags:\n  - a\n  - x\n",
        "base.yaml": "tags: [a, b, c]\nlayers:\n  - size: 1\n  - size: 2\n",
    }
    p = explained(write(tmp_path, files), ["layers.1.size=5"])
    assert steps(p, "tags[0]") == [
        ("from", "a", "base.yaml:1"),
        ("overridden by", "a", "config.yaml:6"),
    ]
    assert steps(p, "tags[1]") == [
        ("from", "b", "base.yaml:1"),
        ("overridden by", "x", "config.yaml:7"),
    ]
    assert steps(p, "tags[2]") == [
        ("from", "c", "base.yaml:1"),
        ("deleted by", None, "config.yaml"),
    ]
    assert steps(p, "layers[1].size") == [
        ("from", 2, "base.yaml:4"),
        ("overridden by", 5, "override #1 'layers.1.size=5'"),
    ]
    assert p["layers.1.size"] == p["layers[1].size"]  # both spellings of a list index


def test_mandatory_values_do_not_replace_and_replacements_delete_what_was_inside(
    tmp_path: Path,
) -> None:
    files = {
        "config.yaml": "defaults:\n  - a\n  - b\n",
        "a.yaml": "x: 1\nnode:\n  inner: 1\nscalar: 2\n",
        "b.yaml": "x: ???\nnode: null\nscalar:\n  now: mapping\n",
    }
    p = explained(write(tmp_path, files))
    assert steps(p, "x") == [("from", 1, "a.yaml:1")]  # `???` never replaces a value
    assert steps(p, "node") == [
        ("from", {"inner": 1}, "a.yaml:2"),
        ("overridden by", None, "b.yaml:2"),
    ]
    assert steps(p, "node.inner")[-1] == ("deleted by", None, "b.yaml")
    assert steps(p, "scalar.now") == [("from", "mapping", "b.yaml:4")]


@dataclass
class _Conn:
    host: str = "localhost"
    port: int = 3306
    user: str = "???"
    options: dict[str, int] = field(default_factory=lambda: {"timeout": 5})


def test_structured_configs_from_the_store(tmp_path: Path) -> None:
    hydria.ConfigStore.reset_instance()
    hydria.ConfigStore.instance().store(group="conn", name="base_conn", node=_Conn)
    try:
        files = {
            "config.yaml": "defaults:\n  - conn: mine\n",
            "conn/mine.yaml": "defaults:\n  - base_conn\n\nuser: me\nport: 1\n",
        }
        p = explained(write(tmp_path, files))
    finally:
        hydria.ConfigStore.reset_instance()
    assert steps(p, "conn.host") == [("from", "localhost", "structured://conn/base_conn")]
    assert p["conn.host"].last.annotation == "from structured://conn/base_conn"
    assert steps(p, "conn.user") == [
        ("from", "???", "structured://conn/base_conn"),
        ("populated by", "me", "conn/mine.yaml:4"),
    ]
    assert steps(p, "conn.options.timeout") == [("from", 5, "structured://conn/base_conn")]


def test_the_hydra_node_is_explained_too(tmp_path: Path) -> None:
    p = explained(write(tmp_path, SEED))
    assert steps(p, "hydra.run.dir") == [
        ("from", "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}", "hydra/output/default.yaml:5")
    ]
    name = p["hydra.job.name"]
    assert (name.last.action, name.value, name.origin.kind) == (
        Action.POPULATE,
        "app",
        OriginKind.HYDRIA,
    )
    assert p["hydra.runtime.choices.db"].value == "mysql"


def test_explain_one_key_and_a_run_directory(tmp_path: Path) -> None:
    root = write(tmp_path / "conf", SEED)
    cfg = hydria.compose("config", ["db.port=7"], config_dir=str(root), return_hydra_config=True)
    history = hydria.explain(cfg, "db.port")
    assert (history.key, history.value, len(history.steps)) == ("db.port", 7, 3)
    with pytest.raises(
        ExplainError, match=r"'db.prot' is not a key of this config; did you mean 'db.port'"
    ):
        hydria.explain(cfg, "db.prot")


def test_explain_needs_to_know_how_the_config_was_composed(tmp_path: Path) -> None:
    root = write(tmp_path, SEED)
    plain = hydria.compose("config", config_dir=str(root))
    with pytest.raises(ExplainError, match="return_hydra_config=True"):
        hydria.explain(plain, "db.port")
    with pytest.raises(ExplainError, match="takes a DictConfig or a run directory"):
        hydria.explain(42, "db.port")  # type: ignore[call-overload]


def test_explain_refuses_a_config_whose_files_changed(tmp_path: Path) -> None:
    root = write(tmp_path, SEED)
    cfg = hydria.compose("config", config_dir=str(root), return_hydra_config=True)
    (root / "db" / "mysql.yaml").write_text("defaults:\n  - base_mysql\n\nport: 1\n")
    with pytest.raises(ExplainError, match="config files changed since"):
        hydria.explain(cfg, "db.port")
