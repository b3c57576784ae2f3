"""`config_yaml` / `wrapped_yaml` give `OmegaConf.to_yaml`'s text byte for byte, the first
time and when their sections come from the memo, and a section's text never stands
for a section whose content differs (in value, type or float spelling)."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from omegaconf import MISSING, DictConfig, OmegaConf

from hydria.runtime.config_yaml import config_yaml, wrapped_yaml


class Color(enum.Enum):
    RED = 1


_LONG = "word " * 40
_VALUES: list[Any] = [
    "plain",
    "héllo wörld ✓ 日本語",
    "multi\nline\n",
    "multi\nline without end",
    "trailing newlines\n\n",
    'it\'s "quoted"',
    "'single'",
    "???",
    "\\???",
    "${x}",
    "${oc.env:HOME,/tmp}/${now:%Y-%m-%d}",
    None,
    1,
    0,
    -1,
    1.5,
    -0.0,
    0.0,
    1e300,
    float("inf"),
    float("nan"),
    True,
    False,
    "true",
    "yes",
    "on",
    "null",
    "~",
    "1",
    "1.0",
    "0x10",
    "1e3",
    "",
    " leading space",
    "trailing space ",
    "colon: inside",
    "- dash",
    "# hash",
    "tab\there",
    "ends with...",
    "...",
    "---",
    "a\n---\nb",
    "---\n",
    "- x\n---",
    _LONG,
    "x" * 200,
    "\x07bell",
    "\u2028sep",
    [],
    {},
    [1, "a", None, [2, {"b": "c"}]],
    {"nested": {"deep": [_LONG, "???", 2.5]}},
]


def _configs() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for index, value in enumerate(_VALUES):
        out.append(
            {
                "hydra": {"run": {"dir": "out"}, "job": {"name": "x", "v": value}, "same": 1},
                "a": value,
                "b": {"k": value, "list": [value, value]},
                "x": 1,
                f"key_{index}": "z",
            }
        )
    return out


@pytest.mark.parametrize("content", _configs(), ids=lambda c: repr(c["a"])[:30])
@pytest.mark.parametrize("rounds", [1, 2])
def test_the_text_is_to_yaml_s_on_a_miss_and_on_a_hit(content: dict[str, Any], rounds: int) -> None:
    cfg = OmegaConf.create(content)
    for _ in range(rounds):
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        assert wrapped_yaml(cfg, "hydra") == OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "hydra"))


def test_sections_that_differ_only_in_type_or_float_spelling_each_get_their_text() -> None:
    # equal in Python (1 == 1.0 == True, -0.0 == 0.0) but written differently
    for value in [1, 1.0, True, -0.0, 0.0, "1", None, "null"]:
        cfg = OmegaConf.create({"hydra": {"job": {"num": value}}, "v": value, "w": [value]})
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        expected = OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "hydra"))
        assert wrapped_yaml(cfg, "hydra") == expected


def test_a_job_s_own_hydra_values_are_written_not_an_earlier_job_s() -> None:
    texts = set()
    for num in range(5):
        cfg = OmegaConf.create(
            {"hydra": {"sweep": {"dir": "d"}, "job": {"num": num}, "mode": f"m{num % 2}"}}
        )
        text = wrapped_yaml(cfg, "hydra")
        assert text == OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "hydra"))
        texts.add(text)
    assert len(texts) == 5


@dataclass
class Inner:
    color: Color = Color.RED
    missing: str = "???"
    unset: Color = MISSING
    maybe: Color | None = None
    linked: Color = "${.color}"  # type: ignore[assignment]
    items: list[int] = field(default_factory=lambda: [1, 2])


@dataclass
class Root:
    inner: Inner = field(default_factory=Inner)
    name: str = "n"


def test_a_structured_config_with_enums_and_missing_values() -> None:
    cfg = OmegaConf.structured(Root)
    for _ in range(2):
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        assert wrapped_yaml(cfg, "inner") == OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "inner"))


def test_a_non_dict_root_and_empty_nodes() -> None:
    for cfg in [
        OmegaConf.create([]),
        OmegaConf.create(["a", 1]),
        OmegaConf.create({}),
        OmegaConf.create({"hydra": {}}),
    ]:
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        if isinstance(cfg, DictConfig) and "hydra" in cfg:
            masked = OmegaConf.masked_copy(cfg, "hydra")
            assert wrapped_yaml(cfg, "hydra") == OmegaConf.to_yaml(masked)


def test_a_representer_added_to_the_dumper_is_not_bypassed_by_remembered_text() -> None:
    from omegaconf._utils import get_omega_conf_dumper

    cfg = OmegaConf.create({"a": "value", "b": 2})
    assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
    dumper = get_omega_conf_dumper()
    saved = dict(dumper.yaml_representers)
    try:
        dumper.add_representer(int, lambda d, v: d.represent_scalar("tag:yaml.org,2002:int", "0o1"))
        assert "0o1" in OmegaConf.to_yaml(cfg)
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
    finally:
        dumper.yaml_representers = saved


@pytest.mark.parametrize("content", _configs()[:12], ids=lambda c: repr(c["a"])[:30])
def test_the_content_read_from_the_nodes_is_to_content_s(content: dict[str, Any]) -> None:
    from omegaconf.basecontainer import BaseContainer

    from hydria.runtime.config_yaml import _OPTIONS, _content

    cfg = OmegaConf.create(content)
    cfg.e = Color.RED  # an enum leaf: that mapping is converted by OmegaConf
    cfg.b.m = "???"
    for node in [cfg, cfg.hydra, cfg.b]:
        expected = BaseContainer._to_content(node, **_OPTIONS)
        assert repr(_content(node)[0]) == repr(expected)  # repr: 1 and 1.0 and True differ


def _random_tree(rng: random.Random, depth: int) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for index in range(rng.randint(1, 5)):
        key = rng.choice(["a", "b", "on", "null", "k k", "x:y", "ключ", f"k{index}"])
        if depth > 0 and rng.random() < 0.4:
            tree[key] = _random_tree(rng, depth - 1)
        elif rng.random() < 0.1:
            tree[key] = [rng.choice(_VALUES[:46]), {"i": rng.choice(_VALUES[:46])}]
        else:
            tree[key] = rng.choice(_VALUES[:46])
    return tree


def test_sweeps_of_random_configs_whose_values_change_from_job_to_job() -> None:
    rng = random.Random(20261203)
    for _ in range(30):
        base = {"hydra": _random_tree(rng, 3), **_random_tree(rng, 3)}
        for _job in range(4):  # a few values change per job, the rest is remembered
            cfg = OmegaConf.create(base)
            assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
            masked = OmegaConf.masked_copy(cfg, "hydra")
            assert wrapped_yaml(cfg, "hydra") == OmegaConf.to_yaml(masked)
            node = base["hydra"]
            while isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if not isinstance(node[key], dict) or not node[key]:
                    node[key] = rng.choice(_VALUES[:46])
                    break
                node = node[key]


@pytest.mark.parametrize(
    "items",
    [
        [],
        ["a=1"],
        ["db=mysql", "+x=${y}", "~z", "s='quoted, with: colon'", "u=ünïcode", "l=[1,2]"],
        ["n=null", "t=true", "e=", "m=\\${esc}", "nl=a\nb", "yes", "1", "1.0", "null"],
        ["???"],
        ["a=???"],
    ],
)
def test_a_list_of_strings_is_to_yaml_s_text(items: list[str]) -> None:
    from hydria.runtime.config_yaml import strings_yaml

    assert strings_yaml(items) == OmegaConf.to_yaml(OmegaConf.create(list(items)))


def test_jobs_that_change_many_entries_at_once_across_sections() -> None:
    # a sweep job changes several entries under different keys at once (`hydra.job.id`,
    # `num`, `override_dirname`, `overrides.task`, `runtime.output_dir`): they are
    # emitted together in one document and cut back into entries
    rng = random.Random(31)
    keys = ["id", "num", "override_dirname", "name", "on", "null", "k k", "ключ"]
    for job in range(120):
        values = [rng.choice(_VALUES) for _ in range(6)]
        cfg = OmegaConf.create(
            {
                "hydra": {
                    "job": {key: values[i % 6] for i, key in enumerate(keys[: 2 + job % 6])},
                    "overrides": {"task": [values[1], f"a={job}"], "hydra": []},
                    "runtime": {"output_dir": values[2], "cwd": "/same"},
                    "same": {"deep": {"x": 1}},
                },
                "a": values[3],
                "b": {"c": values[4], "d": [values[5]]},
            }
        )
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        assert wrapped_yaml(cfg, "hydra") == OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "hydra"))


#: strings near every rule `_scalar_text` follows: OmegaConf's quoting of bools, ints and
#: floats, the resolver's other types (null, timestamps, octal, hex, sexagesimal, `=`),
#: and characters that are indicators at the start or anywhere
_SCALAR_PROBES = [
    "db.port=2",
    "/tmp/multirun/2026-12-03/10-00-00/7",
    "2",
    "-2",
    "+2",
    "0",
    "007",
    "0o17",
    "0x1f",
    "0b101",
    "1_000",
    "1,000",
    "1.5",
    "1e3",
    "1E3",
    ".5",
    "5.",
    "-.inf",
    ".inf",
    "inf",
    "Infinity",
    "nan",
    "NaN",
    ".nan",
    "null",
    "Null",
    "NULL",
    "~",
    "",
    "=",
    "==",
    "a=",
    "=a",
    "true",
    "True",
    "TRUE",
    "yes",
    "Yes",
    "no",
    "on",
    "ON",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "2026-12-03",
    "2026-12-03t10:00:00",
    "20261203",
    "1:30",
    "190:20:30",
    "-",
    "--",
    "---",
    "...",
    ".",
    "/",
    "_",
    "a",
    "a-b",
    "a,b",
    "a=1,b=2",
    "model=resnet,lr=0.01",
    "+x=1",
    "x+",
    "a.b.c",
    "_private",
    "__x__",
    "/a//b/",
    "db=mysql",
    "0.0.0.0",
    "1.2.3",
    "1-2",
    "12:30",
    "a:b",
    "a b",
    "a#b",
    "#a",
    "a'b",
    "é",
    "2x",
    "x2",
    "1e",
    "e1",
    "0e0",
    "-0",
    "+0.5",
    "1__0",
    "_1",
    "1_",
    "0_1",
    "0b",
    "0x",
    "0o",
    "Nan",
    "nAn",
    "iNf",
]
_SCALAR_ALPHABET = "ab01_/.=-+,:xeE9 #'"


def _dumped(value: Any) -> str:
    from hydria.runtime.config_yaml import _dump

    return _dump({"k": value})


def test_a_scalar_written_directly_is_what_pyyaml_writes() -> None:
    from omegaconf._utils import get_omega_conf_dumper

    from hydria.runtime.config_yaml import _dumper_stamp
    from hydria.runtime.yaml_scalar_text import entry_text, scalar_table

    get_omega_conf_dumper()
    table = scalar_table(_dumper_stamp())
    assert table is not None  # the stock dumper: the direct texts are in use
    rng = random.Random(1203)
    randoms = [
        "".join(rng.choice(_SCALAR_ALPHABET) for _ in range(rng.randint(1, 8))) for _ in range(3000)
    ]
    written = 0
    for value in [*_SCALAR_PROBES, *randoms, 0, 1, -1, 10**30, -(10**30), True, False, None, 1.5]:
        text = entry_text("", "k", value, table)
        if text is not None:
            written += 1
            assert text == _dumped(value), value
        items = [value, "db.port=1"]
        listed = entry_text("  ", "k", items, table)
        if listed is not None:
            assert listed == "".join(f"  {line}\n" for line in _dumped(items).splitlines()), items
    assert written > 500  # the rule covers what sweeps write, not a handful of strings
    for value in ["db.port=2", "/tmp/x/2", "2", "a=1,b=2", 7, "null", "2026-12-03"]:
        assert entry_text("", "k", value, table) is not None, value
    assert entry_text("", "k", [], table) == _dumped([])


def test_a_sweep_job_s_own_values_are_written_without_pyyaml() -> None:
    from unittest import mock

    from hydria.runtime import config_yaml as module

    base = {
        "hydra": {"job": {"name": "app", "num": 0, "id": "0"}, "runtime": {"output_dir": "/o/0"}}
    }
    cfg = OmegaConf.create(base)
    assert wrapped_yaml(cfg, "hydra") == OmegaConf.to_yaml(cfg)  # the names are remembered
    for num in range(1, 4):
        cfg.hydra.job.num, cfg.hydra.job.id = num, str(num)
        cfg.hydra.runtime.output_dir = f"/o/{num}"
        with mock.patch.object(module, "_dump", side_effect=AssertionError("PyYAML called")):
            text = wrapped_yaml(cfg, "hydra")
        assert text == OmegaConf.to_yaml(cfg)


def test_a_replaced_str_representer_turns_the_direct_texts_off() -> None:
    from omegaconf._utils import get_omega_conf_dumper

    from hydria.runtime.config_yaml import strings_yaml

    dumper = get_omega_conf_dumper()
    saved = dict(dumper.yaml_representers)
    try:
        dumper.add_representer(
            str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"')
        )
        cfg = OmegaConf.create({"a": {"b": "plain", "c": ["x"]}})
        assert '"plain"' in OmegaConf.to_yaml(cfg)
        assert config_yaml(cfg) == OmegaConf.to_yaml(cfg)
        assert strings_yaml(["x=1"]) == OmegaConf.to_yaml(OmegaConf.create(["x=1"]))
    finally:
        dumper.yaml_representers = saved


def test_the_quick_number_test_agrees_with_omegaconf_s() -> None:
    from omegaconf._utils import is_float, is_int

    from hydria.runtime.yaml_scalar_text import _reads_as_number

    rng = random.Random(7)
    alphabet = "0123456789+-_.eEiInNfFtTyYaAxX ,/١²"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(20000)]
    texts += ["Infinity", "-inf", "NaN", "1_0", "١٢٣", "1e5", "0x1f", "  7  ", "", "in", "n"]
    for text in texts:
        assert _reads_as_number(text) == (is_int(text) or is_float(text)), text
