"""`hydria.compat_version`: Hydra's `hydra.version` functions, answered from the version_base
that `main` or `initialize*` was last given, as Hydra's are; and `TargetConf`, gated on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hydria
from hydria import compat_version, version_base
from hydria.app import initialization
from hydria.errors import HydraException, VersionBaseError
from hydria.types import TargetConf

VERSION_BASE_WARNING = (
    "\nThe version_base parameter is not specified.\n"
    "Please specify a compatability version level, or None.\n"
    "Will assume defaults for version 1.1"
)


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    version_base.reset()
    initialization.reset()
    yield
    version_base.reset()
    initialization.reset()


def test_nothing_set_yet_means_1_1() -> None:
    assert compat_version.getbase() is None
    assert compat_version.base_at_least("1.1")
    assert not compat_version.base_at_least("1.2")
    assert str(compat_version.getbase()) == "1.1"  # as Hydra, asking sets it


@pytest.mark.parametrize(
    ("value", "expected", "at_least_1_2"),
    [
        pytest.param("1.1", "1.1", False, id="1.1"),
        pytest.param("1.2", "1.2", True, id="1.2"),
        pytest.param("1.3.0.dev2", "1.3", True, id="dev"),
        pytest.param(None, "1.3", True, id="None"),
    ],
)
def test_setbase(value: str | None, expected: str, at_least_1_2: bool) -> None:
    compat_version.setbase(value)
    assert str(compat_version.getbase()) == expected
    assert compat_version.base_at_least("1.2") is at_least_1_2


def test_setbase_left_out_warns() -> None:
    with pytest.warns(UserWarning) as caught:
        compat_version.setbase(version_base.UNSPECIFIED)
    assert [str(w.message) for w in caught] == [VERSION_BASE_WARNING]
    assert str(compat_version.getbase()) == "1.1"


def test_setbase_refuses_what_hydra_refuses() -> None:
    with pytest.raises(HydraException, match='version_base must be >= "1.1"'):
        compat_version.setbase("1.0")


def test_main_and_initialize_set_it() -> None:
    hydria.main(config_path=None, version_base="1.2")
    assert compat_version.base_at_least("1.2") and not compat_version.base_at_least("1.3")
    with hydria.initialize(config_path=None, version_base="1.1"):
        assert not compat_version.base_at_least("1.2")
    # as in Hydra it stays after the block: it is the last value given
    assert not compat_version.base_at_least("1.2")


def test_target_conf_under_1_1_warns() -> None:
    compat_version.setbase("1.1")
    with pytest.warns(UserWarning, match="TargetConf is deprecated since Hydra 1.1"):
        TargetConf(_target_="x.y")


def test_target_conf_from_1_2_is_refused() -> None:
    compat_version.setbase(None)
    with pytest.raises(VersionBaseError, match="TargetConf is unsupported since Hydra 1.2"):
        TargetConf(_target_="x.y")


@given(
    major=st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3),
    minor=st.text(st.characters(categories=["Nd", "No", "Ll"]), min_size=0, max_size=3),
    pad=st.sampled_from(["", " ", "\t"]),
)
def test_a_plain_major_minor_reads_as_the_full_version_pattern_reads_it(
    major: str, minor: str, pad: str
) -> None:
    # `_major_minor` reads "1.3" without the regular expression: it must agree with it
    from hydria.version_base import _major_minor, _version_pattern

    text = f"{pad}{major}.{minor}{pad}"
    match = _version_pattern().fullmatch(text.strip())
    if match is None:
        with pytest.raises(VersionBaseError):
            _major_minor(text)
    else:
        assert _major_minor(text) == (int(match["major"]), int(match["minor"] or 0))
