"""The target policy: targets refused by default, unlocking them, and the allow-list
checked before anything is imported."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from inst_targets import Call  # type: ignore[import-not-found]

import hydria
from hydria.errors import TargetRefusedError
from hydria.instantiation.policy import ALLOWED_ENV, HYDRA_OVERRIDE_ENV, UNSAFE_ENV


@pytest.mark.parametrize(
    ("target", "refused_as"),
    [
        ("os.system", "os.system"),
        ("posix.system", "os.system"),
        ("shutil.os.system", "os.system"),  # another path to the same function
        ("os.popen", "os.popen"),
        ("os.execv", "os.execv"),
        ("subprocess.run", "subprocess.run"),
        ("subprocess.Popen", "subprocess.Popen"),
        ("builtins.eval", "builtins.eval"),
        ("builtins.exec", "builtins.exec"),
        ("builtins.getattr", "builtins.getattr"),
        ("importlib.import_module", "importlib.import_module"),
        ("pickle.loads", "pickle.loads"),
        ("operator.attrgetter", "operator.attrgetter"),
        ("shutil.rmtree", "shutil.rmtree"),
        ("runpy.run_path", "runpy.run_path"),
    ],
)
def test_targets_that_run_commands_or_code_are_refused_by_default(
    target: str, refused_as: str
) -> None:
    with pytest.raises(TargetRefusedError) as info:
        hydria.instantiate({"cmd": {"_target_": target, "_args_": ["echo pwned"]}})
    message = str(info.value)
    assert message.startswith(f"Target '{refused_as}'")
    assert "(at key 'cmd') is refused by default" in message
    assert f"_unsafe_targets_=['{refused_as}']" in message
    assert f"{UNSAFE_ENV}={refused_as}" in message
    assert isinstance(info.value, PermissionError)


def test_a_refused_callable_given_as_an_object_is_refused_too() -> None:
    with pytest.raises(TargetRefusedError, match="Target 'os.system'"):
        hydria.instantiate({"_target_": os.system, "_args_": ["true"]})


def test_fetching_a_refused_callable_with_get_method_is_refused() -> None:
    cfg = {
        "_target_": "inst_targets.Call",
        "f": {"_target_": "hydria.get_method", "path": "os.system"},
    }
    with pytest.raises(TargetRefusedError, match="Target 'os.system'"):
        hydria.instantiate(cfg)
    with pytest.raises(TargetRefusedError, match="Target 'subprocess.run'"):
        hydria.get_method("subprocess.run")


@pytest.mark.parametrize(
    ("how", "value"),
    [
        ("call", ["os.getcwd", "os.system"]),
        ("call", "os.system"),
        (UNSAFE_ENV, "os.system"),
        (UNSAFE_ENV, "os.*"),
        (HYDRA_OVERRIDE_ENV, "os.popen:os.system"),
    ],
)
def test_a_refused_target_can_be_allowed_by_name(
    how: str, value: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    cfg = {"_target_": "os.system", "_args_": [f"touch {marker}"]}
    if how == "call":
        assert hydria.instantiate(cfg, _unsafe_targets_=value) == 0
    else:
        monkeypatch.setenv(how, value)
        assert hydria.instantiate(cfg) == 0
    assert marker.exists()


def test_unlocking_one_name_does_not_unlock_its_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UNSAFE_ENV, "subprocess.run")
    with pytest.raises(TargetRefusedError, match="Target 'subprocess.Popen'"):
        hydria.instantiate({"_target_": "subprocess.Popen", "_args_": [["true"]]})


def _import_marker_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module that leaves a file behind when imported."""
    marker = tmp_path / "imported"
    (tmp_path / "noisy_mod.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef make():\n    return 1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "noisy_mod", raising=False)
    return marker


@pytest.mark.parametrize("how", ["call", "environment"])
def test_the_allow_list_refuses_before_importing_anything(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = _import_marker_module(tmp_path, monkeypatch)
    cfg = {"model": {"_target_": "noisy_mod.make"}}
    with pytest.raises(TargetRefusedError) as info:
        if how == "call":
            hydria.instantiate(cfg, _allowed_targets_=["inst_targets", "torch.optim"])
        else:
            monkeypatch.setenv(ALLOWED_ENV, "inst_targets, torch.optim")
            hydria.instantiate(cfg)
    source = "_allowed_targets_" if how == "call" else ALLOWED_ENV
    assert str(info.value) == (
        "Target 'noisy_mod.make' (at key 'model') is not in the allowed targets "
        f"(inst_targets, torch.optim; from {source}); nothing was imported. If it is meant to "
        f"be used, add a prefix of it to {ALLOWED_ENV} or _allowed_targets_."
    )
    assert not marker.exists()


def test_the_allow_list_accepts_targets_under_its_prefixes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = _import_marker_module(tmp_path, monkeypatch)
    monkeypatch.setenv(ALLOWED_ENV, "noisy_mod,inst_targets.Call")
    assert hydria.instantiate({"_target_": "noisy_mod.make"}) == 1
    assert marker.exists()
    assert hydria.instantiate({"_target_": "inst_targets.Call", "a": 1}) == Call(a=1)
    with pytest.raises(TargetRefusedError, match="'inst_targets.CallX'"):
        hydria.instantiate({"_target_": "inst_targets.CallX"})  # a prefix ends at a dot
    with pytest.raises(TargetRefusedError, match="'inst_targets.add'"):
        hydria.instantiate({"_target_": "inst_targets.add"})


def test_the_call_site_allow_list_replaces_the_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ALLOWED_ENV, "nothing_here")
    assert (
        hydria.instantiate(
            {"_target_": "inst_targets.add", "a": 1}, _allowed_targets_=["inst_targets"]
        )
        == 1
    )


def test_a_callable_object_outside_the_allow_list_is_refused() -> None:
    with pytest.raises(TargetRefusedError, match="'inst_targets.Call'"):
        hydria.instantiate({"_target_": Call}, _allowed_targets_=["torch"])


def test_the_allow_list_applies_to_nested_targets_and_get_object() -> None:
    cfg = {
        "_target_": "inst_targets.Call",
        "cls": {"_target_": "hydria.get_class", "path": "collections.OrderedDict"},
    }
    with pytest.raises(TargetRefusedError, match="'collections.OrderedDict'"):
        hydria.instantiate(cfg, _allowed_targets_=["inst_targets", "hydria.get_class"])
    built = hydria.instantiate(cfg, _allowed_targets_=["inst_targets", "hydria", "collections"])
    assert built.kwargs["cls"].__name__ == "OrderedDict"


def test_the_refusals_hold_inside_the_allow_list() -> None:
    with pytest.raises(TargetRefusedError, match="refused by default"):
        hydria.instantiate({"_target_": "subprocess.run"}, _allowed_targets_=["subprocess"])
