"""Every exception hydria raises, in one tree, so callers can catch by meaning.

    HydriaError (= HydraException)
    ├── UsageError (ValueError)             a bad command line (unknown flag, missing argument)
    ├── VersionBaseError (TypeError, ValueError)  a version_base that is not a version from
    │                                       1.1 on, or a call the version_base in effect forbids
    ├── AlreadyInitializedError (ValueError)  initialize*() or an app while one is in effect
    ├── HydraDeprecationError               a Hydra 1.1 deprecation, made an error by
    │                                       HYDRA_DEPRECATION_WARNINGS_AS_ERRORS
    ├── CompactHydraException
    │   ├── OverrideParseException
    │   │   └── OverrideError (ValueError)
    │   │       ├── OverrideParseError      text is not override grammar (caret under the fault)
    │   │       └── OverrideValueError      a function or cast in an override cannot be evaluated
    │   ├── ConfigCompositionException
    │   │   ├── ConfigLoadError
    │   │   │   ├── MissingConfigError (MissingConfigException, LookupError)
    │   │   │   │   ├── MissingPrimaryConfigError   the primary config is not on the search path
    │   │   │   │   └── MissingOptionError          a group or an option of it does not exist
    │   │   │   ├── ConfigSyntaxError (ValueError)  a YAML file does not parse (file, line, column)
    │   │   │   └── ConfigContentError (ValueError) a file parses but is not a usable config
    │   │   ├── MissingConfigException (OSError)   Hydra's name; base of MissingConfigError
    │   │   ├── DefaultsListError (ValueError)     a defaults list cannot be resolved
    │   │   └── CompositionError (ValueError)      merging configs or a value override failed
    │   │       └── SweepNotAllowedError           a sweep reached compose (it needs multirun)
    │   ├── InstantiationException
    │   │   └── InstantiationError                 `instantiate` failed (names key, target, cause)
    │   │       ├── TargetNotFoundError (ImportError)    a `_target_` names no importable object
    │   │       └── TargetRefusedError (PermissionError) a `_target_` the safety policy refuses
    │   └── SearchPathException             Hydra's name for a bad search path entry
    ├── JobContextError (RuntimeError, ValueError)  HydraConfig.get() or ${hydra:...} outside a job
    ├── PluginError (RuntimeError)          a launcher, sweeper or callback cannot be found,
    │                                       built or run, or does not keep its contract
    ├── OutputDirError (OSError)            an output or sweep dir, or a `.hydra` file in it,
    │                                       cannot be created or written (key, path, OS reason)
    ├── SavedRunError (LookupError)         a run directory has no readable `.hydra` record
    ├── SweepFailureRateError (RuntimeError) more of a sweep's jobs failed than
    │                                       hydra.sweeper.max_failure_rate allows
    ├── SweepRecordsError (ValueError)      a sweep's results.jsonl, or a line of it, is unreadable
    ├── SweepDirInUseError (RuntimeError)   another live sweep or resume holds the sweep dir's lock
    ├── ExplainError (LookupError)          no provenance for a key, or a config hydria cannot trace
    └── ConfigValidationError (ValueError)  the composed config does not fit its schema
        └── MissingValuesError              mandatory `???` values were never set (all listed)

Errors are built where the failure happens and carry the offending input and
where it came from; the message alone must tell the user what to fix.

Hydra's exception names (`HydraException`, `CompactHydraException`, `OverrideParseException`,
`ConfigCompositionException`, `MissingConfigException`, `InstantiationException`,
`SearchPathException`, `HydraDeprecationError`) are bases of hydria's own errors, placed
so that an `except` clause written for Hydra catches what hydria raises in the same
situation: code migrated from Hydra keeps its error handling.
"""

from __future__ import annotations

from hydria.terminal_text import caret_under

__all__ = [
    "AlreadyInitializedError",
    "CompactHydraException",
    "CompositionError",
    "ConfigCompositionException",
    "ConfigContentError",
    "ConfigLoadError",
    "ConfigSyntaxError",
    "ConfigValidationError",
    "DefaultsListError",
    "ExplainError",
    "HydraDeprecationError",
    "HydraException",
    "HydriaError",
    "InstantiationError",
    "InstantiationException",
    "JobContextError",
    "MissingConfigError",
    "MissingConfigException",
    "MissingOptionError",
    "MissingPrimaryConfigError",
    "MissingValuesError",
    "OutputDirError",
    "OverrideError",
    "OverrideParseError",
    "OverrideParseException",
    "OverrideValueError",
    "PluginError",
    "SavedRunError",
    "SearchPathException",
    "SweepDirInUseError",
    "SweepNotAllowedError",
    "SweepFailureRateError",
    "SweepRecordsError",
    "TargetNotFoundError",
    "TargetRefusedError",
    "UsageError",
    "VersionBaseError",
]


class HydriaError(Exception):
    """Base of every error hydria raises on purpose."""


HydraException = HydriaError
"""Hydra's base exception: every hydria error is one, as every Hydra error is."""


class CompactHydraException(HydriaError):
    """Hydra's base of the errors reported as one message, without a traceback."""


class OverrideParseException(CompactHydraException):
    """Hydra's name for an override that cannot be parsed or evaluated.

    Attributes:
        override: the override's text, when known (Hydra's attribute).
    """

    override: str | None = None

    @property
    def message(self) -> str:
        """The error message (Hydra's attribute)."""
        return str(self)


class ConfigCompositionException(CompactHydraException):
    """Hydra's name for a failure to compose: a config, a defaults list or an override."""


class MissingConfigException(ConfigCompositionException, OSError):
    """Hydra's name for a config, group or option that does not exist.

    Attributes:
        missing_cfg_file: the config that was looked for, when known (Hydra's attribute).
        options: the options the group has, when known (Hydra's attribute).
    """

    missing_cfg_file: str | None = None
    options: tuple[str, ...] | None = None

    def __str__(self) -> str:
        # OSError would format two arguments as "[Errno a] b"; the message stays as given.
        return str(self.args[0]) if self.args else ""


class InstantiationException(CompactHydraException):
    """Hydra's name for a failure of `instantiate` or `call`."""


class SearchPathException(CompactHydraException):
    """Hydra's name for a search path entry that does not exist or is not valid."""


class HydraDeprecationError(HydriaError):
    """A Hydra 1.1 behaviour that is deprecated, raised instead of warned about when the
    environment variable HYDRA_DEPRECATION_WARNINGS_AS_ERRORS is set (as Hydra does)."""


class VersionBaseError(HydriaError, TypeError, ValueError):
    """`version_base` is not None nor a version string from "1.1" on, or a call uses an
    argument that the version_base in effect no longer accepts (`compose(strict=...)`).

    It is a TypeError and a ValueError because Hydra raises one or the other (or its
    HydraException) depending on the value, and code written for Hydra catches those.
    """


class AlreadyInitializedError(HydriaError, ValueError):
    """`initialize*()`, or an app's start, while an earlier `initialize*()` is still in
    effect; Hydra raises a ValueError there too."""


class UsageError(HydriaError, ValueError):
    """The command line itself is wrong: an unknown flag, a flag without its argument."""


class JobContextError(HydriaError, RuntimeError, ValueError):
    """Something asked for the current job (HydraConfig.get(), ${hydra:...}) outside one."""


class OverrideError(OverrideParseException, ValueError):
    """An override from the command line or a caller is not usable."""


class OverrideParseError(OverrideError):
    """The override text does not follow the grammar.

    Attributes:
        text: the override as given.
        position: 0-based index of the first character that could not be parsed.
        expected: what the parser would have accepted there.
        index: the override's position in the list it came from, when known.
        hydra_message: the line Hydra's parser gives for the same fault, when hydria's
            parser knows it; it comes first (users' tests match on it).
    """

    def __init__(
        self,
        text: str,
        position: int,
        expected: str,
        *,
        index: int | None = None,
        hydra_message: str | None = None,
    ) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        self.index = index
        self.override = text
        where = f"override #{index + 1} " if index is not None else "override "
        lead = f"{hydra_message}\n" if hydra_message else ""
        super().__init__(
            f"{lead}Could not parse {where}{text!r}: {expected} (at column {position + 1})\n"
            + caret_under(text, position)
        )


class OverrideValueError(OverrideError):
    """A function call or cast inside an override failed to evaluate.

    Attributes:
        kind: the Python error Hydra reports it as, `ValueError` or `TypeError` (a wrong
            argument type), in "TypeError while evaluating 'sort(...)': ...".
    """

    kind: str = "ValueError"


class ConfigLoadError(ConfigCompositionException):
    """A config could not be found or read."""


class MissingConfigError(ConfigLoadError, MissingConfigException, LookupError):
    """A config the defaults list or the caller asked for does not exist."""

    def __str__(self) -> str:
        # LookupError subclasses such as KeyError quote their argument; keep it plain.
        return str(self.args[0]) if self.args else ""


class MissingPrimaryConfigError(MissingConfigError):
    """The primary config is not on the search path."""


class MissingOptionError(MissingConfigError):
    """A config group, or an option in it, does not exist."""


class ConfigSyntaxError(ConfigLoadError, ValueError):
    """A config file is not valid YAML; the message gives file, line and column."""


class ConfigContentError(ConfigLoadError, ValueError):
    """A config file parses but its content is not a config (not a mapping, bad header...)."""


class DefaultsListError(ConfigCompositionException, ValueError):
    """A defaults list is malformed or cannot be resolved (cycles, duplicates, bad overrides)."""


class CompositionError(ConfigCompositionException, ValueError):
    """Merging the selected configs or applying a value override failed."""


class SweepNotAllowedError(CompositionError):
    """A sweep override was given to a single composition; sweeps need multirun."""


class PluginError(HydriaError, RuntimeError):
    """A launcher or sweeper cannot be found, built (bad options) or run (a missing extra),
    or a plugin does not keep its contract (`hydria.plugin_contracts`: what it lacks)."""


class OutputDirError(HydriaError, OSError):
    """A job's output dir or a sweep dir cannot be created (a file is in the way, no
    permission, a read-only file system), or a `.hydra` file cannot be written in it (a
    full disk); the message names the config key or the file, and the OS reason, which
    is chained. Raised before the task runs."""

    def __str__(self) -> str:
        # OSError would format two arguments as "[Errno a] b"; the message stays as given.
        return str(self.args[0]) if self.args else ""


class SavedRunError(HydriaError, LookupError):
    """A run directory (or sweep job directory) has no `.hydra/config.yaml` and
    `.hydra/hydra.yaml` to read, or they do not hold what a run saves."""


class SweepDirInUseError(HydriaError, RuntimeError):
    """A sweep directory is held by another live sweep or `--resume` (its lock,
    `hydria.multirun.ownership`); the message names the holder (host, pid, command, since
    when) and what to do."""


class SweepFailureRateError(HydriaError, RuntimeError):
    """More of a sweep's jobs failed than `hydra.sweeper.max_failure_rate` allows."""


class SweepRecordsError(HydriaError, ValueError):
    """A sweep's `results.jsonl` cannot be read (a directory or a FIFO in its place, no
    permission), or one line of it is not a job record (bad JSON, a field of the wrong
    type); the message names the file, and the line and field when there is one."""


class ExplainError(HydriaError, LookupError):
    """`explain` cannot answer: the key is not in the config, or the config does not
    say how it was composed (no `hydra` node and no running job)."""


class InstantiationError(InstantiationException):
    """`instantiate` or `call` could not build an object; the message names the key, the
    target and the cause, which is chained."""


class TargetNotFoundError(InstantiationError, ImportError):
    """A `_target_` (or a `get_object` path) names nothing importable."""


class TargetRefusedError(InstantiationError, PermissionError):
    """The target policy refuses a `_target_`: outside the allow-list, or one of the
    targets that only serve to run code or commands from a config."""


class ConfigValidationError(HydriaError, ValueError):
    """The composed config does not validate against its schema (pydantic)."""


class MissingValuesError(ConfigValidationError):
    """Mandatory values (`???`) were never set; every one of them is listed at once."""
