"""compose() from many threads at once gives what it gives from one thread."""

from __future__ import annotations

import itertools
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.errors import CompositionError, MissingOptionError

DATA = Path(__file__).parent / "data"


@dataclass
class Engine:
    kind: str = "v8"
    cylinders: int = 8


STORE = hydria.ConfigStore()
STORE.store(name="v8", node=Engine, group="engine")
STORE.store(name="v6", node=Engine(kind="v6", cylinders=6), group="engine")

# (config_dir, config_name, overrides, return_hydra_config, store)
CALLS: list[tuple[str, str, tuple[str, ...], bool, hydria.ConfigStore | None]] = [
    ("values", "config", (), False, None),
    ("values", "config", ("db=postgresql",), False, None),
    ("values", "config", ("db.port=1", "+new=1"), False, None),
    ("values", "config", ("app.tags=extend_list(d)", "~app.nested"), False, None),
    ("values", "config", ("+engine=v6",), False, STORE),
    ("values", "config", ("+engine=v8", "engine.cylinders=4"), False, STORE),
    ("hydra_node", "config", (), True, None),
    ("hydra_node", "config", ("db=sqlite", "hydra/job_logging=disabled"), True, None),
    ("hydra_node", "named_job", ("app.name=x",), True, None),
    ("hydra_node", "db/mysql", (), False, None),
    # failures must fail the same way every time
    ("values", "config", ("db=nope",), False, None),
    ("values", "config", ("db.nope=1",), False, None),
    ("hydra_node", "bad_chdir", (), False, None),
]


def _run(call: tuple[str, str, tuple[str, ...], bool, hydria.ConfigStore | None]) -> Any:
    folder, name, overrides, with_hydra, store = call
    try:
        cfg = hydria.compose(
            name,
            list(overrides),
            config_dir=str(DATA / folder),
            return_hydra_config=with_hydra,
            store=store,
        )
    except (CompositionError, MissingOptionError) as exc:
        return (type(exc).__name__, str(exc))
    return OmegaConf.to_container(cfg, resolve=False)


@pytest.fixture(scope="module")
def expected() -> list[Any]:
    return [_run(call) for call in CALLS]


def test_single_threaded_results_include_successes_and_failures(expected: list[Any]) -> None:
    assert sum(isinstance(e, dict) for e in expected) == 10
    assert [e[0] for e in expected if isinstance(e, tuple)] == [
        "MissingOptionError",
        "CompositionError",
        "CompositionError",
    ]


def test_same_call_from_eight_threads(expected: list[Any]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_run, [CALLS[7]] * 160))
    assert all(r == expected[7] for r in results)


def test_mixed_calls_from_eight_threads(expected: list[Any]) -> None:
    order = list(itertools.islice(itertools.cycle(range(len(CALLS))), 13 * 30))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: (i, _run(CALLS[i])), order))
    mismatched = [i for i, r in results if r != expected[i]]
    assert mismatched == []


def test_results_from_threads_are_independent(expected: list[Any]) -> None:
    def compose_and_mutate(_: int) -> Any:
        cfg = hydria.compose("config", config_dir=str(DATA / "values"))
        before = OmegaConf.to_container(cfg, resolve=False)
        cfg.db.port = -1
        cfg.app.tags.append("mutated")
        return before

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(compose_and_mutate, range(120)))
    assert all(r == expected[0] for r in results)


def test_cold_memos_from_eight_threads(tmp_path: Path, expected: list[Any]) -> None:
    """A tree no thread has composed yet: every memo and file cache starts empty."""
    shutil.copytree(DATA / "values", tmp_path / "values")
    calls = [c for c in CALLS if c[0] == "values"]

    def run(call: tuple[str, str, tuple[str, ...], bool, hydria.ConfigStore | None]) -> Any:
        _, name, overrides, with_hydra, store = call
        try:
            cfg = hydria.compose(
                name, list(overrides), config_dir=str(tmp_path / "values"), store=store
            )
        except (CompositionError, MissingOptionError) as exc:
            return (type(exc).__name__, str(exc).replace(str(tmp_path), str(DATA)))
        return OmegaConf.to_container(cfg, resolve=False)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, calls * 8))
    wanted = [e for c, e in zip(CALLS, expected, strict=True) if c[0] == "values"] * 8
    assert results == wanted
