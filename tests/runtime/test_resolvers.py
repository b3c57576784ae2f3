"""The built-in resolvers `hydra`, `now` and `python_version`, with Hydra 1.3's semantics."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from omegaconf import OmegaConf
from omegaconf.errors import InterpolationResolutionError

from hydria.runtime import JobReturn, register_resolvers
from hydria.runtime import resolvers as resolvers_module

RunTask = Callable[..., JobReturn]
V = sys.version_info


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("${python_version:}", f"{V[0]}.{V[1]}", id="default_minor"),
        pytest.param("${python_version:major}", f"{V[0]}", id="major"),
        pytest.param("${python_version:minor}", f"{V[0]}.{V[1]}", id="minor"),
        pytest.param("${python_version:micro}", f"{V[0]}.{V[1]}.{V[2]}", id="micro"),
        pytest.param("${python_version:patch}", None, id="unknown_level_is_none"),
    ],
)
def test_python_version(expression: str, expected: str | None) -> None:
    assert OmegaConf.create({"v": expression}).v == expected


def test_now_formats_the_current_time() -> None:
    before = datetime.now().strftime("%Y-%m-%d")
    value = OmegaConf.create({"d": "${now:%Y-%m-%d}"}).d
    assert value in {before, datetime.now().strftime("%Y-%m-%d")}


def test_now_is_cached_per_pattern() -> None:
    cfg = OmegaConf.create({"a": "${now:%H:%M:%S.%f}", "b": "${now:%H:%M:%S.%f}"})
    first = cfg.a
    while datetime.now().strftime("%H:%M:%S.%f") == first:
        pass
    assert cfg.b == first
    assert cfg.a == first


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("${hydra:job.name}", lambda ret: "my_app", id="job_name"),
        pytest.param("${hydra:runtime.output_dir}", lambda ret: ret.output_dir, id="output_dir"),
        pytest.param("${hydra:run.dir}", lambda ret: "out/my_app", id="nested_interpolation"),
        pytest.param("${hydra:no.such.key}", lambda ret: None, id="missing_is_none"),
    ],
)
def test_hydra_inside_a_job(
    run_task: RunTask, expression: str, expected: Callable[[JobReturn], Any]
) -> None:
    overrides = [f"+v={expression}", "hydra.run.dir=out/${hydra.job.name}"]
    ret = run_task(lambda cfg: cfg.v, overrides, configure_logging=False)
    assert ret.error is None
    assert ret.return_value == expected(ret)


def test_hydra_outside_a_job() -> None:
    cfg = OmegaConf.create({"name": "${hydra:job.name}"})
    with pytest.raises(InterpolationResolutionError) as info:
        _ = cfg.name
    assert str(info.value).startswith(
        "JobContextError raised while resolving interpolation: "
        "HydraConfig.get() was called outside a running job"
    )


def test_registration_is_idempotent_and_repairs() -> None:
    register_resolvers()
    register_resolvers()
    assert OmegaConf.clear_resolver("now")
    register_resolvers()
    assert all(OmegaConf.has_resolver(n) for n in ("hydra", "now", "python_version"))


def test_first_registration_replaces_a_users_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolvers_module, "_registered", False)
    resolvers_module._register("python_version", lambda *a: "user's", False)
    register_resolvers()
    assert OmegaConf.create({"v": "${python_version:major}"}).v == f"{V[0]}"
