"""The defaults tree the resolver hands on: frozen records that hold exactly the merge
order, each entry under the config whose defaults list holds it."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from hydria.app.help import render_info
from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.defaults import DefaultsList, DefaultsMemo, DefaultsTreeNode, resolve_defaults
from hydria.overrides import parse_overrides
from hydria.repository import ConfigRepository, ConfigStore, ParsedFileCache, build_search_path


def _repo(root: Path, files: dict[str, str]) -> ConfigRepository:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    entries = build_search_path(config_dir=str(root), builtin_module=BUILTIN_CONF_PACKAGE)
    return ConfigRepository(entries, store=ConfigStore(), cache=ParsedFileCache())


def _resolve(root: Path, files: dict[str, str], overrides: list[str] = ()) -> DefaultsList:  # type: ignore[assignment]
    repo = _repo(root, files)
    return resolve_defaults(repo, "config", parse_overrides(list(overrides)), with_hydra=False)


def _walk(node: DefaultsTreeNode) -> Iterator[DefaultsTreeNode]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _merged_in_tree_order(tree: DefaultsTreeNode) -> list[tuple[str, str, bool]]:
    """What merges, read off the tree: `_self_` entries and leaves, depth first."""
    return [
        (n.config_path, n.package, n.is_self)
        for n in _walk(tree)
        if n.is_self or (not n.children and n.config_path != "<root>")
    ]


TWICE = {
    "config.yaml": "defaults:\n  - _self_\n  - db@src: mysql\n  - db@dst: mysql\n  - misc/extra\n",
    "db/mysql.yaml": "defaults:\n  - /db@inner: pg\n",
    "db/pg.yaml": "port: 1\n",
    "misc/extra.yaml": "defaults:\n  - _self_\n",
}
NESTED = {
    "config.yaml": "defaults:\n  - a: x\n  - _self_\n",
    "a/x.yaml": "defaults:\n  - _self_\n  - /b: y\n",
    "b/y.yaml": "defaults:\n  - /c: z\n  - _self_\n",
    "c/z.yaml": "k: 1\n",
}
SEED = {
    "config.yaml": "defaults:\n  - db: mysql\n  - optional extra: none\n  - _self_\n",
    "db/mysql.yaml": "defaults:\n  - base_mysql\n\nuser: omry\n",
    "db/base_mysql.yaml": "host: localhost\n",
    "db/postgresql.yaml": "host: pg\n",
}


@pytest.mark.parametrize(
    ("files", "overrides", "lines"),
    [
        pytest.param(
            TWICE,
            [],
            [
                "<root>:",
                "  config:",
                "    _self_",
                "    db@src: mysql:",
                "      db@src.inner: pg",
                "      _self_",
                "    db@dst: mysql:",
                "      db@dst.inner: pg",
                "      _self_",
                "    misc/extra:",
                "      _self_",
            ],
            id="same-config-twice",
        ),
        pytest.param(
            NESTED,
            [],
            [
                "<root>:",
                "  config:",
                "    a: x:",
                "      _self_",
                "      b@a.b: y:",
                "        c@a.b.c: z",
                "        _self_",
                "    _self_",
            ],
            id="self-first-nested",
        ),
        pytest.param(
            SEED,
            ["db=postgresql", "+extra2@x=none"],
            ["<root>:", "  config:", "    db: postgresql", "    _self_"],
            id="missing-optional-left-out",
        ),
    ],
)
def test_the_tree_renders_as_resolved(
    tmp_path: Path, files: dict[str, str], overrides: list[str], lines: list[str]
) -> None:
    files = {**files, "extra2/none.yaml": "{}\n"} if "+extra2@x=none" in overrides else files
    defaults = _resolve(tmp_path, files, overrides)
    text = render_info("defaults-tree", defaults=defaults)
    expected = lines
    if "+extra2@x=none" in overrides:
        expected = [*lines[:-1], lines[-1], "    extra2@x: none"]
    assert text.split("\n")[3:] == expected


@pytest.mark.parametrize(
    ("files", "overrides"),
    [
        pytest.param(TWICE, [], id="twice"),
        pytest.param(NESTED, [], id="nested"),
        pytest.param(SEED, ["db=postgresql"], id="seed"),
    ],
)
def test_the_tree_holds_exactly_the_merge_order(
    tmp_path: Path, files: dict[str, str], overrides: list[str]
) -> None:
    defaults = _resolve(tmp_path, files, overrides)
    assert defaults.tree is not None
    assert _merged_in_tree_order(defaults.tree) == [
        (d.config_path, d.package, d.is_self) for d in defaults.defaults
    ]


def test_records_say_who_holds_them_and_what_chose_them(tmp_path: Path) -> None:
    defaults = _resolve(tmp_path, SEED, ["db=postgresql"])
    assert defaults.tree is not None
    (config,) = defaults.tree.children
    assert (config.config_path, config.primary, config.parent) == ("config", True, None)
    db, self_ = config.children
    assert (db.config_path, db.package, db.parent) == ("db/postgresql", "db", "config")
    assert (db.is_group, db.override_key) == (True, "db")
    assert db.chosen_by == "the override 'db=postgresql'"
    assert (self_.is_self, self_.config_path, self_.chosen_by) == (True, "config", None)
    with pytest.raises(AttributeError):
        db.package = "x"  # type: ignore[misc]  # frozen: the assignment must fail


def test_the_tree_pickles_and_the_memo_keeps_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path, NESTED)
    memo = DefaultsMemo()
    first = memo.resolve(repo, "config", parse_overrides(["x=1"]))
    again = memo.resolve(repo, "config", parse_overrides(["x=2"]))
    assert first.tree is not None
    assert again.tree == first.tree
    assert [o.text for o in again.config_overrides] == ["x=2"]
    assert pickle.loads(pickle.dumps(first)) == first
