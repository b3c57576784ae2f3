"""`version_base`: which Hydra release's defaults an app asks for, read once and passed on.

`@main(version_base=...)` and `initialize*(version_base=...)` turn the argument into a
plain string ("1.1", "1.2", "1.3", ...) that travels with the app or the `initialize*`
record into composition (`hydra.runtime.version_base`) and from there into the job
(`hydra.job.chdir`). Nothing in composition or in a job reads a global for it.

Hydra also offers `hydra.version.base_at_least()` to any code that asks; for that API
alone (served by `hydria.compat_version`) the last value set by `main` or `initialize*`
is kept here, process-wide, with a getter and a reset, as Hydra keeps it.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import warnings
from typing import Any, Final

from hydria.errors import HydraDeprecationError, VersionBaseError

__all__ = [
    "COMPAT_VERSION",
    "CURRENT_VERSION",
    "UNSPECIFIED",
    "at_least",
    "default_config_path",
    "base_at_least",
    "deprecation_warning",
    "getbase",
    "read_version_base",
    "remember_base",
    "reset",
    "setbase",
]


class _Unspecified:
    """The default of `version_base` and `config_path`: told apart from an explicit None."""

    def __repr__(self) -> str:
        return "<unspecified>"


UNSPECIFIED: Final[Any] = _Unspecified()

COMPAT_VERSION: Final = "1.1"
"""What an omitted `version_base` means (Hydra 1.3 assumes 1.1 then, with a warning)."""

CURRENT_VERSION: Final = "1.3"
"""What `version_base=None` means: the Hydra release whose behaviour hydria follows."""


@functools.cache
def _version_pattern() -> re.Pattern[str]:
    """Any PEP 440-like version: compiled on first need (~1 ms of `re`'s compiler, which a
    plain "1.3" never needs)."""
    return re.compile(
        r"v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.\d+)*"
        r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?"
        r"(?:[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9.]+)?",
        re.IGNORECASE,
    )


_NOT_SPECIFIED = f"""
The version_base parameter is not specified.
Please specify a compatability version level, or None.
Will assume defaults for version {COMPAT_VERSION}"""


def deprecation_warning(message: str, *, stacklevel: int = 1) -> None:
    """Warn (UserWarning) about a Hydra 1.1 behaviour, as Hydra words and raises it.

    Raises:
        HydraDeprecationError: HYDRA_DEPRECATION_WARNINGS_AS_ERRORS is set (Hydra's switch).
    """
    if os.environ.get("HYDRA_DEPRECATION_WARNINGS_AS_ERRORS"):
        raise HydraDeprecationError(message)
    warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def _major_minor(text: str) -> tuple[int, int]:
    text = text.strip()
    major, dot, minor = text.partition(".")
    if dot and major.isdecimal() and minor.isdecimal():  # "1.3": what `\d+.\d+` matches
        return int(major), int(minor)
    match = _version_pattern().fullmatch(text)
    if match is None:
        raise VersionBaseError(
            f'Invalid version_base {text!r}: expected a version such as "1.3", or None '
            "for the current behaviour"
        )
    return int(match["major"]), int(match["minor"] or 0)


def read_version_base(value: Any, *, stacklevel: int = 1) -> str:
    """The version_base an app or `initialize*` asked for, as "major.minor".

    Omitted (`UNSPECIFIED`) means "1.1", with Hydra's warning; None means the current
    behaviour ("1.3"); a version string keeps its major and minor parts ("1.2.5" is "1.2").

    Args:
        value: what the caller passed.
        stacklevel: the warning's stack level, counted from the caller of this function.

    Raises:
        VersionBaseError: `value` is not a string, not a version, or before "1.1".
        HydraDeprecationError: omitted while HYDRA_DEPRECATION_WARNINGS_AS_ERRORS is set.
    """
    if value is UNSPECIFIED:
        deprecation_warning(_NOT_SPECIFIED, stacklevel=stacklevel + 1)
        return COMPAT_VERSION
    if value is None:
        return CURRENT_VERSION
    if not isinstance(value, str):
        raise VersionBaseError(
            f'version_base must be a string such as "1.3", or None; got '
            f"{type(value).__name__} {value!r}"
        )
    major, minor = _major_minor(value)
    if (major, minor) < _major_minor(COMPAT_VERSION):
        raise VersionBaseError(
            f'version_base must be >= "{COMPAT_VERSION}" (got {value!r}); hydria follows '
            "Hydra 1.1 and later"
        )
    return f"{major}.{minor}"


def at_least(version_base: str, version: str) -> bool:
    """Whether `version_base` ("1.1") is `version` ("1.2") or later; major.minor only."""
    return _major_minor(version_base) >= _major_minor(version)


_LOCK = threading.Lock()
_PROCESS_BASE: str | None = None


def setbase(value: Any) -> None:
    """Record what `main` or `initialize*` was given, for `base_at_least()` (Hydra's
    `hydra.version.setbase`); warns when `value` is UNSPECIFIED, as Hydra does.

    Raises:
        VersionBaseError: see `read_version_base`.
    """
    base = read_version_base(value, stacklevel=2)
    remember_base(base)


def remember_base(base: str) -> None:
    """Keep an already read version_base as the process's (what `getbase()` returns)."""
    global _PROCESS_BASE
    with _LOCK:
        _PROCESS_BASE = base


def getbase() -> Any:
    """The version_base last set by `main` or `initialize*` in this process, as a
    `packaging.version.Version` when `packaging` is installed (as Hydra returns it),
    else as a string; None when none was set yet."""
    base = _PROCESS_BASE
    if base is None:
        return None
    try:
        from packaging.version import Version
    except ImportError:
        return base
    return Version(base)


def base_at_least(version: str) -> bool:
    """Whether the process's version_base is `version` or later (Hydra's
    `hydra.version.base_at_least`); when none was set yet it becomes "1.1", as in Hydra."""
    global _PROCESS_BASE
    with _LOCK:
        if _PROCESS_BASE is None:
            _PROCESS_BASE = COMPAT_VERSION
        base = _PROCESS_BASE
    return at_least(base, version)


def reset() -> None:
    """Forget the process's version_base (tests)."""
    global _PROCESS_BASE
    with _LOCK:
        _PROCESS_BASE = None


# Hydra's wording for its 1.1-era warnings, kept verbatim: users' test suites match on them.
_CONFIG_PATH_URL = "https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_hydra_main_config_path"
MAIN_CONFIG_PATH_NOT_SPECIFIED = (
    "\nconfig_path is not specified in @hydra.main().\n"
    f"See {_CONFIG_PATH_URL} for more information."
)
INITIALIZE_CONFIG_PATH_NOT_SPECIFIED = (
    "config_path is not specified in hydra.initialize().\n"
    f"See {_CONFIG_PATH_URL} for more information."
)
CHDIR_NOT_SPECIFIED = (
    "Future Hydra versions will no longer change working directory at job runtime by default.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.1_to_1.2/changes_to_job_working_dir/ "
    "for more information."
)
STRICT_DEPRECATED = (
    "\nThe strict flag in the compose API is deprecated.\n"
    "See https://hydra.cc/docs/1.2/upgrades/0.11_to_1.0/strict_mode_flag_deprecated "
    "for more info.\n"
)


def default_config_path(
    config_path: Any, version_base: Any, base: str, *, warning: str, stacklevel: int = 1
) -> str | None:
    """`config_path` when the caller left it out, as Hydra decides it from version_base:
    None from 1.2 on; "." before, with Hydra's warning when version_base was left out too."""
    if config_path is not UNSPECIFIED:
        return config_path  # type: ignore[no-any-return]  # the caller's own value
    if at_least(base, "1.2"):
        return None
    if version_base is UNSPECIFIED:
        deprecation_warning(warning, stacklevel=stacklevel + 1)
    return "."
