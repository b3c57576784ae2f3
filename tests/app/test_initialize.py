"""initialize*(): as `with` blocks and as plain calls, compose() needs no config source."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.app import initialization
from hydria.core.global_hydra import GlobalHydra
from hydria.errors import (
    AlreadyInitializedError,
    HydraException,
    MissingConfigError,
    MissingPrimaryConfigError,
    VersionBaseError,
)

DATA = Path(__file__).parent / "data"
CONF = DATA / "conf"
OTHER = DATA / "other_conf"
MYSQL = {"db": {"driver": "mysql", "port": 3306}, "source": "conf"}

PACKAGE_FILES = {
    "__init__.py": "",
    "conf/__init__.py": "",
    "conf/config.yaml": "source: package\n",
    "conf/db/memory.yaml": "driver: memory\n",
}


def _plain(cfg: Any) -> Any:
    return OmegaConf.to_container(cfg, resolve=False)


@pytest.fixture(autouse=True)
def _nothing_in_effect() -> Iterator[None]:
    initialization.reset()
    yield
    initialization.reset()


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, text in PACKAGE_FILES.items():
        path = tmp_path / "hydria_t_init_pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "hydria_t_init_pkg.conf"


def _outside_is_clean() -> None:
    """Outside every block, compose() without a source finds no primary config."""
    assert not GlobalHydra.instance().is_initialized()
    with pytest.raises(MissingPrimaryConfigError, match="^Cannot find primary config 'config'"):
        hydria.compose("config")


def test_initialize_config_dir() -> None:
    with hydria.initialize_config_dir(str(CONF), version_base=None):
        assert GlobalHydra.instance().is_initialized()
        assert _plain(hydria.compose("config")) == MYSQL
        assert _plain(hydria.compose("config", ["db=sqlite", "+x=1"])) == {
            "db": {"driver": "sqlite"},
            "source": "conf",
            "x": 1,
        }
    _outside_is_clean()


def test_initialize_config_dir_relative_is_made_absolute_on_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)
    with hydria.initialize_config_dir("conf", version_base=None):
        monkeypatch.chdir(OTHER)
        assert _plain(hydria.compose("config")) == MYSQL


def test_initialize_config_module(package: str) -> None:
    with hydria.initialize_config_module(package, version_base=None):
        assert _plain(hydria.compose("config", ["+db=memory"])) == {
            "source": "package",
            "db": {"driver": "memory"},
        }
    _outside_is_clean()


def test_initialize_relative_to_the_calling_file() -> None:
    with hydria.initialize(config_path="data/conf", version_base=None):
        assert _plain(hydria.compose("config")) == MYSQL
    _outside_is_clean()


def test_initialize_absolute_path() -> None:
    with hydria.initialize(config_path=str(OTHER), version_base=None):
        assert _plain(hydria.compose("config")) == {"source": "other_conf"}


def test_initialize_without_a_path_uses_only_the_store() -> None:
    store = hydria.ConfigStore()
    store.store(name="init_store_only", node={"source": "store"})
    with hydria.initialize(config_path=None, version_base=None):
        assert _plain(hydria.compose("init_store_only", store=store)) == {"source": "store"}
        cfg = hydria.compose("init_store_only", store=store, return_hydra_config=True)
        assert [s.provider for s in cfg.hydra.runtime.config_sources] == ["hydra", "schema"]


def test_initialize_with_a_missing_directory_fails_on_compose(tmp_path: Path) -> None:
    with (
        hydria.initialize_config_dir(str(tmp_path / "nope"), version_base=None),
        pytest.raises(MissingConfigError, match="^Primary config directory not found: "),
    ):
        hydria.compose("config")


@pytest.mark.parametrize(
    ("enter", "expected"),
    [
        pytest.param(
            lambda: hydria.initialize_config_dir(str(CONF), version_base=None), "app", id="dir"
        ),
        pytest.param(
            lambda: hydria.initialize_config_dir(str(CONF), job_name="dirjob", version_base=None),
            "dirjob",
            id="config_dir-job_name",
        ),
        pytest.param(
            lambda: hydria.initialize(
                config_path="data/conf", caller_stack_depth=2, version_base=None
            ),
            "test_initialize",
            id="initialize-calling-file",
        ),
        pytest.param(
            lambda: hydria.initialize(config_path=str(CONF), job_name="initjob", version_base=None),
            "initjob",
            id="initialize-job_name",
        ),
    ],
)
def test_job_name(enter: Any, expected: str) -> None:
    with enter():
        cfg = hydria.compose("config", return_hydra_config=True)
    assert cfg.hydra.job.name == expected


def test_job_name_of_initialize_config_module(package: str) -> None:
    with hydria.initialize_config_module(package, job_name="modjob", version_base=None):
        assert hydria.compose("config", return_hydra_config=True).hydra.job.name == "modjob"
    with hydria.initialize_config_module(package, version_base=None):
        assert hydria.compose("config", return_hydra_config=True).hydra.job.name == "app"


def test_job_name_argument_wins_over_initialize() -> None:
    with hydria.initialize_config_dir(str(CONF), job_name="dirjob", version_base=None):
        cfg = hydria.compose("config", return_hydra_config=True, job_name="explicit")
    assert cfg.hydra.job.name == "explicit"


def test_explicit_source_wins_over_initialize() -> None:
    with hydria.initialize_config_dir(str(CONF), version_base="1.1"):
        cfg = hydria.compose("config", config_dir=str(OTHER), return_hydra_config=True)
    assert cfg.source == "other_conf"
    # pure: nothing of the initialize in effect, not even its version_base
    assert cfg.hydra.runtime.version_base == "1.3"
    assert cfg.hydra.job.name == "app"


# --- plain calls, nesting, clear(): as Hydra 1.3.2 -------------------------------------


def test_a_plain_call_stays_in_effect_until_cleared() -> None:
    hydria.initialize_config_dir(str(CONF), version_base=None)
    assert _plain(hydria.compose("config")) == MYSQL
    assert _plain(hydria.compose("config", ["db=sqlite"]))["db"] == {"driver": "sqlite"}
    GlobalHydra.instance().clear()
    _outside_is_clean()


def test_each_plain_call_kind(package: str) -> None:
    hydria.initialize_config_module(package, version_base="1.2")
    assert hydria.compose("config").source == "package"
    GlobalHydra().clear()  # every handle is the same state, as with Hydra's singleton
    hydria.initialize(config_path="data/other_conf", version_base="1.2")
    assert hydria.compose("config").source == "other_conf"
    GlobalHydra.instance().clear()
    _outside_is_clean()


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(lambda: hydria.initialize_config_dir(str(OTHER), version_base=None), id="dir"),
        pytest.param(lambda: hydria.initialize(config_path=None, version_base=None), id="init"),
    ],
)
def test_a_second_initialize_while_one_is_in_effect_is_refused(second: Any) -> None:
    message = re.escape(
        "GlobalHydra is already initialized, call GlobalHydra.instance().clear() if you want "
        "to re-initialize"
    )
    with hydria.initialize_config_dir(str(CONF), version_base=None):
        with pytest.raises(AlreadyInitializedError, match=message) as info:
            second()
        assert isinstance(info.value, ValueError)  # what Hydra raises there
        assert "in effect: initialize_config_dir(" in str(info.value)
        # the first one is still in effect
        assert hydria.compose("config").source == "conf"
    _outside_is_clean()


def test_plain_call_twice_is_refused_until_cleared() -> None:
    hydria.initialize_config_dir(str(CONF), version_base=None)
    with pytest.raises(ValueError, match="GlobalHydra is already initialized"):
        hydria.initialize_config_dir(str(OTHER), version_base=None)
    GlobalHydra.instance().clear()
    hydria.initialize_config_dir(str(OTHER), version_base=None)
    assert hydria.compose("config").source == "other_conf"


def test_block_exit_puts_back_what_was_in_effect_before_it() -> None:
    # Hydra's __exit__ restores the state saved when the block was created: a block
    # opened after a clear() hands back nothing, even if a plain call preceded it.
    hydria.initialize_config_dir(str(CONF), version_base=None)
    GlobalHydra.instance().clear()
    with hydria.initialize_config_dir(str(OTHER), version_base=None):
        assert hydria.compose("config").source == "other_conf"
    _outside_is_clean()


def test_clear_inside_a_block_then_initialize_again() -> None:
    with hydria.initialize_config_dir(str(CONF), version_base=None):
        GlobalHydra.instance().clear()
        hydria.initialize_config_dir(str(OTHER), version_base=None)
        assert hydria.compose("config").source == "other_conf"
    # the block ends: back to what was in effect when it was created (nothing)
    _outside_is_clean()


def test_block_is_left_on_an_exception() -> None:
    with pytest.raises(RuntimeError), hydria.initialize_config_dir(str(CONF), version_base=None):
        raise RuntimeError("boom")
    _outside_is_clean()


def test_initialized_state_is_process_wide() -> None:
    # as Hydra's GlobalHydra: a thread started inside the block sees it
    seen: list[str] = []

    def other_thread() -> None:
        seen.append(hydria.compose("config").source)

    with hydria.initialize_config_dir(str(CONF), version_base=None):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen == ["conf"]


def test_repr_is_hydras() -> None:
    block = hydria.initialize_config_dir(str(CONF), version_base=None)
    assert repr(block) == "hydria.initialize_config_dir()"
    with block:
        pass
    assert not GlobalHydra.instance().is_initialized()


# --- version_base on initialize*, and compose's Hydra arguments ---------------------------

CONFIG_PATH_WARNING = (
    "config_path is not specified in hydra.initialize().\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_hydra_main_config_path "
    "for more information."
)
VERSION_BASE_WARNING = (
    "\nThe version_base parameter is not specified.\n"
    "Please specify a compatability version level, or None.\n"
    "Will assume defaults for version 1.1"
)


@pytest.mark.parametrize(
    ("version_base", "recorded"),
    [
        pytest.param("1.1", "1.1", id="1.1"),
        pytest.param("1.2", "1.2", id="1.2"),
        pytest.param("1.3", "1.3", id="1.3"),
        pytest.param(None, "1.3", id="None"),
        pytest.param("1.2.5", "1.2", id="1.2.5"),
    ],
)
def test_version_base_is_recorded(version_base: str | None, recorded: str) -> None:
    with hydria.initialize_config_dir(str(CONF), version_base=version_base):
        cfg = hydria.compose("config", return_hydra_config=True)
    assert cfg.hydra.runtime.version_base == recorded


def test_version_base_left_out_warns_and_means_1_1() -> None:
    with pytest.warns(UserWarning) as caught:
        block = hydria.initialize_config_dir(str(CONF))
    assert [str(w.message) for w in caught] == [VERSION_BASE_WARNING]
    assert caught[0].filename == __file__  # the warning points at the caller's line
    with block:
        cfg = hydria.compose("config", return_hydra_config=True)
    assert cfg.hydra.runtime.version_base == "1.1"


def test_initialize_without_config_path_before_1_2_uses_the_callers_directory() -> None:
    with pytest.warns(UserWarning) as caught, hydria.initialize():
        cfg = hydria.compose("data/conf/config", return_hydra_config=True)
    assert [str(w.message) for w in caught] == [VERSION_BASE_WARNING, CONFIG_PATH_WARNING]
    assert all(w.filename == __file__ for w in caught)
    main = [s for s in cfg.hydra.runtime.config_sources if s.provider == "main"]
    assert [s.path for s in main] == [str(Path(__file__).parent)]


def test_initialize_without_config_path_with_version_base_1_1_does_not_warn() -> None:
    with hydria.initialize(version_base="1.1"):
        cfg = hydria.compose("data/conf/config", return_hydra_config=True)
    assert cfg.data.conf.source == "conf"  # a primary config in a group goes to its package


@pytest.mark.parametrize("version_base", ["1.2", "1.3", None])
def test_initialize_without_config_path_from_1_2_has_no_primary_dir(
    version_base: str | None,
) -> None:
    with hydria.initialize(version_base=version_base):
        cfg = hydria.compose(return_hydra_config=True)
    assert [s.provider for s in cfg.hydra.runtime.config_sources] == ["hydra", "schema"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("1.0", 'version_base must be >= "1.1"', id="too-old"),
        pytest.param("0.11", 'version_base must be >= "1.1"', id="0.11"),
        pytest.param("abc", "Invalid version_base 'abc'", id="not-a-version"),
        pytest.param(1.2, "version_base must be a string", id="float"),
    ],
)
def test_bad_version_base_is_refused(value: Any, message: str) -> None:
    with pytest.raises(VersionBaseError, match=re.escape(message)) as info:
        hydria.initialize_config_dir(str(CONF), version_base=value)
    # what Hydra raises for each: HydraException, packaging's InvalidVersion (a
    # ValueError), TypeError
    assert isinstance(info.value, (HydraException, ValueError, TypeError))
    assert not GlobalHydra.instance().is_initialized()


def test_compose_overrides_none() -> None:
    with hydria.initialize_config_dir(str(CONF), version_base=None):
        assert _plain(hydria.compose("config", overrides=None)) == MYSQL
        assert _plain(hydria.compose("config", None, False)) == MYSQL


STRICT_WARNING = (
    "\nThe strict flag in the compose API is deprecated.\n"
    "See https://hydra.cc/docs/1.2/upgrades/0.11_to_1.0/strict_mode_flag_deprecated "
    "for more info.\n"
)


@pytest.mark.parametrize("strict", [True, False])
def test_compose_strict_under_version_base_1_1(strict: bool) -> None:
    with (
        hydria.initialize_config_dir(str(CONF), version_base="1.1"),
        pytest.warns(UserWarning) as caught,
    ):
        cfg = hydria.compose("config", strict=strict)
    assert [str(w.message) for w in caught] == [STRICT_WARNING]
    assert OmegaConf.is_struct(cfg) is strict


@pytest.mark.parametrize("version_base", ["1.2", "1.3", None])
def test_compose_strict_from_1_2_is_refused(version_base: str | None) -> None:
    with (
        hydria.initialize_config_dir(str(CONF), version_base=version_base),
        pytest.raises(TypeError, match="^got an unexpected 'strict' argument"),
    ):
        hydria.compose("config", strict=False)


def test_compose_strict_on_a_pure_call_is_refused() -> None:
    with pytest.raises(VersionBaseError, match="unexpected 'strict' argument"):
        hydria.compose("config", strict=True, config_dir=str(CONF))


def test_deprecation_warnings_as_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from hydria.errors import HydraDeprecationError

    monkeypatch.setenv("HYDRA_DEPRECATION_WARNINGS_AS_ERRORS", "1")
    with pytest.raises(HydraDeprecationError, match="The version_base parameter is not"):
        hydria.initialize_config_dir(str(CONF))
    assert not GlobalHydra.instance().is_initialized()
