"""Which module an app says it runs as: its own, or the one an environment variable names."""

from __future__ import annotations

import pytest

from hydria.app.app_setup import app_source


def _task(cfg: object) -> None:
    del cfg


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        pytest.param({}, __name__, id="own-module"),
        pytest.param({"HYDRA_MAIN_MODULE": "pkg.app"}, "pkg.app", id="hydra-main-module"),
        pytest.param({"FB_PAR_MAIN_MODULE": "par.app"}, "par.app", id="par-archive"),
        pytest.param({"FB_XAR_MAIN_MODULE": "xar.app"}, "xar.app", id="xar-archive"),
        pytest.param(
            {"HYDRA_MAIN_MODULE": "first.app", "FB_PAR_MAIN_MODULE": "par.app"},
            "first.app",
            id="hydra-name-wins",
        ),
        pytest.param({"HYDRA_MAIN_MODULE": ""}, __name__, id="empty-is-unset"),
    ],
)
def test_main_module_variables(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name in ("HYDRA_MAIN_MODULE", "FB_PAR_MAIN_MODULE", "FB_XAR_MAIN_MODULE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    source = app_source(_task)
    assert source.calling_file is None
    assert source.calling_module == expected
