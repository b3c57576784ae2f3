"""Deep compositions: defaults chains compose to 200 configs deep and past that are a clear
DefaultsListError; configs nested deeper than OmegaConf can build are a clear
CompositionError naming the config, never a RecursionError."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.defaults.resolver import MAX_DEFAULTS_DEPTH
from hydria.errors import CompositionError, DefaultsListError


def _tree(root: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


def _chain(root: Path, configs: int) -> str:
    """config -> c0 -> c1 -> ...: `configs` configs in one chain, the primary included."""
    files = {"config.yaml": "defaults:\n  - c0\n"}
    for i in range(configs - 2):
        files[f"c{i}.yaml"] = f"defaults:\n  - c{i + 1}\nv{i}: {i}\n"
    files[f"c{configs - 2}.yaml"] = "last: true\n"
    return _tree(root, files)


def _deep_stack(levels: int, call: object) -> object:
    # run as deep in the stack as an app under a test runner would be
    return _deep_stack(levels - 1, call) if levels else call()  # type: ignore[operator]


@pytest.mark.parametrize("configs", [80, 150, MAX_DEFAULTS_DEPTH])
def test_a_long_chain_composes(tmp_path: Path, configs: int) -> None:
    conf = _chain(tmp_path, configs)
    cfg = _deep_stack(150, lambda: hydria.compose("config", config_dir=conf))
    assert cfg.last is True
    assert len(cfg) == configs - 1


def test_a_chain_past_the_limit_names_it(tmp_path: Path) -> None:
    conf = _chain(tmp_path, MAX_DEFAULTS_DEPTH + 1)
    with pytest.raises(DefaultsListError) as info:
        hydria.compose("config", config_dir=conf)
    assert str(info.value) == (
        "The defaults lists nest more than 200 configs deep: config -> c0 -> c1 -> c2 -> "
        "... (194 more) -> c197 -> c198 -> c199. Flatten the chain: list configs side by "
        "side in one defaults list instead of each including the next"
    )


def test_a_chain_of_groups_at_nested_packages_names_the_deepest(tmp_path: Path) -> None:
    files = {"config.yaml": "defaults:\n  - g0: a\n"}
    for i in range(80):
        files[f"g{i}/a.yaml"] = f"defaults:\n  - /g{i + 1}: a\nv{i}: 1\n"
    files["g80/a.yaml"] = "x: {y: 1}\n"
    conf = _tree(tmp_path, files)
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=conf, return_hydra_config=True)
    message = str(info.value)
    assert message.startswith(
        f"The composed config is nested too deeply: 'g80/a' ({conf}{os.sep}g80{os.sep}a.yaml) "
        "is placed at package 'g0.g1.g2...g79.g80' (81 levels) and nests 2 levels inside, "
        "83 in all. OmegaConf cannot build configs nested much deeper than 60 levels"
    )


def test_yaml_nested_100_deep_is_a_clear_error(tmp_path: Path) -> None:
    conf = _tree(tmp_path, {"config.yaml": "a: " + "{b: " * 100 + "1" + "}" * 100 + "\n"})
    start = time.process_time()
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=conf)
    assert time.process_time() - start < 2
    assert str(info.value).startswith(
        f"The composed config is nested too deeply: 'config' ({conf}{os.sep}config.yaml) "
        "nests 101 levels inside, 101 in all."
    )


def test_yaml_nested_40_deep_composes(tmp_path: Path) -> None:
    conf = _tree(tmp_path, {"config.yaml": "a: " + "{b: " * 40 + "1" + "}" * 40 + "\n"})
    cfg = hydria.compose("config", config_dir=conf, return_hydra_config=True)
    assert OmegaConf.select(cfg, "a" + ".b" * 40) == 1


def test_a_hydra_key_that_is_not_a_mapping_names_the_file(tmp_path: Path) -> None:
    conf = _tree(tmp_path, {"config.yaml": "x: 1\nhydra: 5\n"})
    for return_hydra_config in (False, True):
        with pytest.raises(CompositionError) as info:
            hydria.compose("config", config_dir=conf, return_hydra_config=return_hydra_config)
        assert str(info.value) == (
            f"In 'config' ({conf}{os.sep}config.yaml): 'hydra' must be a mapping of Hydra "
            "settings (like 'hydra: {job: {chdir: true}}'), not int (5)"
        )
