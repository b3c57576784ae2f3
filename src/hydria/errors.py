"""Every exception hydria raises, in one tree, so callers can catch by meaning.

    HydriaError
    ├── UsageError (ValueError)             a bad command line (unknown flag, missing argument)
    ├── OverrideError (ValueError)
    │   ├── OverrideParseError          text is not valid override grammar (caret under the fault)
    │   └── OverrideValueError          a function or cast in an override cannot be evaluated
    ├── ConfigLoadError
    │   ├── MissingConfigError (LookupError)
    │   │   ├── MissingPrimaryConfigError   the primary config is nowhere on the search path
    │   │   └── MissingOptionError           a group or an option of it does not exist
    │   ├── ConfigSyntaxError (ValueError)  a YAML file does not parse (file, line, column)
    │   └── ConfigContentError (ValueError) a file parses but is not a usable config
    ├── DefaultsListError (ValueError)      a defaults list cannot be resolved
    ├── CompositionError (ValueError)       merging configs or applying value overrides failed
    │   └── SweepNotAllowedError            a sweep reached compose (it needs multirun)
    ├── JobContextError (RuntimeError)      HydraConfig.get() or ${hydra:...} outside a job
    ├── PluginError (RuntimeError)          a launcher or sweeper cannot be found, built or run
    ├── SavedRunError (LookupError)         a run directory has no readable `.hydra` record
    ├── ExplainError (LookupError)          no provenance for a key, or a config hydria cannot trace
    ├── InstantiationError                  `instantiate` failed (names key, target, cause)
    │   ├── TargetNotFoundError (ImportError)   a `_target_` names no importable object
    │   └── TargetRefusedError (PermissionError) a `_target_` the safety policy refuses
    └── ConfigValidationError (ValueError)  the composed config does not fit its schema
        └── MissingValuesError              mandatory `???` values were never set (all listed)

Errors are built where the failure happens and carry the offending input and
where it came from; the message alone must tell the user what to fix.
"""

from __future__ import annotations

__all__ = [
    "CompositionError",
    "ConfigContentError",
    "ConfigLoadError",
    "ConfigSyntaxError",
    "ConfigValidationError",
    "DefaultsListError",
    "ExplainError",
    "HydriaError",
    "InstantiationError",
    "JobContextError",
    "MissingConfigError",
    "MissingOptionError",
    "MissingPrimaryConfigError",
    "MissingValuesError",
    "OverrideError",
    "OverrideParseError",
    "OverrideValueError",
    "PluginError",
    "SavedRunError",
    "SweepNotAllowedError",
    "TargetNotFoundError",
    "TargetRefusedError",
    "UsageError",
]


class HydriaError(Exception):
    """Base of every error hydria raises on purpose."""


class UsageError(HydriaError, ValueError):
    """The command line itself is wrong: an unknown flag, a flag without its argument."""


class JobContextError(HydriaError, RuntimeError):
    """Something asked for the current job (HydraConfig.get(), ${hydra:...}) outside one."""


class OverrideError(HydriaError, ValueError):
    """An override from the command line or a caller is not usable."""


class OverrideParseError(OverrideError):
    """The override text does not follow the grammar.

    Attributes:
        text: the override as given.
        position: 0-based index of the first character that could not be parsed.
        expected: what the parser would have accepted there.
        index: the override's position in the list it came from, when known.
    """

    def __init__(
        self, text: str, position: int, expected: str, *, index: int | None = None
    ) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        self.index = index
        where = f"override #{index + 1} " if index is not None else "override "
        shown = text.replace("\t", " ").replace("\n", " ")
        caret = " " * (position + 4) + "^"
        super().__init__(
            f"Could not parse {where}{text!r}: {expected} (at column {position + 1})\n"
            f"    {shown}\n{caret}"
        )


class OverrideValueError(OverrideError):
    """A function call or cast inside an override failed to evaluate."""


class ConfigLoadError(HydriaError):
    """A config could not be found or read."""


class MissingConfigError(ConfigLoadError, LookupError):
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


class DefaultsListError(HydriaError, ValueError):
    """A defaults list is malformed or cannot be resolved (cycles, duplicates, bad overrides)."""


class CompositionError(HydriaError, ValueError):
    """Merging the selected configs or applying a value override failed."""


class SweepNotAllowedError(CompositionError):
    """A sweep override was given to a single composition; sweeps need multirun."""


class PluginError(HydriaError, RuntimeError):
    """A launcher or sweeper cannot be found, built (bad options) or run (a missing extra)."""


class SavedRunError(HydriaError, LookupError):
    """A run directory (or sweep job directory) has no `.hydra/config.yaml` and
    `.hydra/hydra.yaml` to read, or they do not hold what a run saves."""


class ExplainError(HydriaError, LookupError):
    """`explain` cannot answer: the key is not in the config, or the config does not
    say how it was composed (no `hydra` node and no running job)."""


class InstantiationError(HydriaError):
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
