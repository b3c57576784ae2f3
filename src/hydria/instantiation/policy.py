"""Which `_target_`s a config may name: an optional allow-list, and default refusals.

A config is data, often edited by many hands and passed around; `instantiate` turns
it into calls. Two safeguards:

* **Refused by default**: targets whose only use from a config is to run commands
  or code (`os.system`, `subprocess.*`, `builtins.eval`, unpickling, ...) or to
  fetch such callables indirectly (`getattr`, `operator.attrgetter`, `map`, ...).
  They are refused whatever path reaches them (`mypkg.os.system` too); a trusted
  project unlocks one by name (`_unsafe_targets_=[...]`, `HYDRIA_UNSAFE_TARGETS`,
  or Hydra's `HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE`).
* **Allow-list** (off unless asked for): only targets under the listed dotted
  prefixes are accepted, checked on the path *before anything is imported*
  (`_allowed_targets_=[...]` or `HYDRIA_ALLOWED_TARGETS=mypkg,torch.optim`).

These stop the direct routes; they are not a sandbox. Code reachable from an
allowed target can still do anything it is written to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from hydria.errors import TargetRefusedError
from hydria.instantiation.locate import dotted_name

__all__ = [
    "ALLOWED_ENV",
    "HYDRA_OVERRIDE_ENV",
    "UNSAFE_ENV",
    "TargetPolicy",
    "active_policy",
    "current_policy",
]

ALLOWED_ENV = "HYDRIA_ALLOWED_TARGETS"
UNSAFE_ENV = "HYDRIA_UNSAFE_TARGETS"
HYDRA_OVERRIDE_ENV = "HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE"  # Hydra's, colon-separated

#: Exact names refused by default (as `module.qualname`, after alias folding).
REFUSED_NAMES = frozenset(
    {
        # code from strings, and the ways to fetch a callable by name from config data
        "builtins.eval",
        "builtins.exec",
        "builtins.compile",
        "builtins.__import__",
        "builtins.__build_class__",
        "builtins.breakpoint",
        "builtins.getattr",
        "builtins.setattr",
        "builtins.delattr",
        "builtins.globals",
        "builtins.locals",
        "builtins.vars",
        "builtins.help",
        "builtins.map",
        "builtins.filter",
        "functools.reduce",
        "itertools.starmap",
        "importlib.import_module",
        "importlib.__import__",
        "types.FunctionType",
        "types.CodeType",
        "sys._getframe",
        # commands, processes and process state
        "os.system",
        "os.popen",
        "os.posix_spawn",
        "os.posix_spawnp",
        "os.startfile",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "os.putenv",
        "os.unsetenv",
        "os.chdir",
        "os.chroot",
        "os.setuid",
        # destroying files
        "os.remove",
        "os.unlink",
        "os.rmdir",
        "os.removedirs",
        "os.rename",
        "os.renames",
        "os.replace",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "shutil.rmtree",
        "shutil.move",
        "shutil.chown",
        # deserialisers that run code
        "yaml.load",
        "yaml.load_all",
        "yaml.unsafe_load",
        "yaml.unsafe_load_all",
        "yaml.full_load",
        "yaml.full_load_all",
    }
)

#: Families refused by default: every name starting with one of these.
REFUSED_PREFIXES = (
    "subprocess.",
    "os.exec",
    "os.spawn",
    "pty.",
    "runpy.",
    "ctypes.",
    "code.",
    "codeop.",
    "pdb.",
    "bdb.",
    "pickle.",
    "marshal.",
    "shelve.",
    "dill.",
    "cloudpickle.",
    "timeit.",
    "cProfile.",
    "profile.",
    "operator.attrgetter",
    "operator.itemgetter",
    "operator.methodcaller",
    "operator.call",
    "logging.config.",
)

# Modules that are other names of the modules above.
_ALIASES = {
    "posix": "os",
    "nt": "os",
    "_operator": "operator",
    "_pickle": "pickle",
    "_functools": "functools",
    "_posixsubprocess": "subprocess",
    "_ctypes": "ctypes",
}

_SPLIT = re.compile(r"[,:\s]+")


def _canonical(name: str) -> str:
    module, dot, rest = name.partition(".")
    return _ALIASES.get(module, module) + dot + rest


def _entries(text: str | None) -> tuple[str, ...]:
    return tuple(e for e in _SPLIT.split(text or "") if e)


def _is_refused(name: str) -> bool:
    return name in REFUSED_NAMES or name.startswith(REFUSED_PREFIXES)


def _under(name: str, prefix: str) -> bool:
    prefix = prefix.removesuffix(".*").rstrip(".")
    return name == prefix or name.startswith(prefix + ".")


def where(full_key: object | None) -> str:
    """` (at key 'a.b')`, ` (at the top level of the config)`, or nothing (None: not
    from a config node), for messages. `full_key` may compute itself when printed."""
    if full_key is None:
        return ""
    key = str(full_key)
    return f" (at key '{key}')" if key else " (at the top level of the config)"


@dataclass(frozen=True, slots=True)
class TargetPolicy:
    """What `instantiate` may call: `allowed` prefixes (None: no allow-list) and the
    default-refused names a trusted caller unlocked (exact, or `prefix.*`)."""

    allowed: tuple[str, ...] | None = None
    allowed_source: str = ""
    unlocked: tuple[str, ...] = ()

    @classmethod
    def from_environment(
        cls, allowed: Iterable[str] | str | None = None, unlocked: Iterable[str] | str | None = None
    ) -> TargetPolicy:
        """The environment's policy, widened or narrowed by a caller's arguments.

        `allowed` given by the caller replaces `HYDRIA_ALLOWED_TARGETS`; `unlocked` adds
        to `HYDRIA_UNSAFE_TARGETS` and `HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE`.
        """
        if allowed is not None:
            prefixes: tuple[str, ...] | None = (
                _entries(allowed) if isinstance(allowed, str) else tuple(allowed)
            )
            source = "_allowed_targets_"
        elif os.environ.get(ALLOWED_ENV, "").strip():
            prefixes, source = _entries(os.environ[ALLOWED_ENV]), ALLOWED_ENV
        else:
            prefixes, source = None, ""
        extra = _entries(unlocked) if isinstance(unlocked, str) else tuple(unlocked or ())
        unlocked_all = (
            _entries(os.environ.get(UNSAFE_ENV))
            + _entries(os.environ.get(HYDRA_OVERRIDE_ENV))
            + extra
        )
        return cls(allowed=prefixes, allowed_source=source, unlocked=unlocked_all)

    def _unlocked(self, name: str) -> bool:
        return any(
            name == entry or (entry.endswith(".*") and _under(name, entry))
            for entry in self.unlocked
        )

    def _refuse_unsafe(self, name: str, full_key: object | None, note: str = "") -> None:
        name = _canonical(name)
        if _is_refused(name) and not self._unlocked(name):
            raise TargetRefusedError(
                f"Target '{name}'{note}{where(full_key)} is refused by default: from a config "
                f"it can only serve to run commands or code. If the config is trusted and "
                f"this is meant, allow it by name: instantiate(..., "
                f"_unsafe_targets_=['{name}']) or the environment variable {UNSAFE_ENV}={name}."
            )

    def check_path(self, path: str, full_key: object | None) -> None:
        """Before importing anything for `path`: refusals, then the allow-list."""
        self._refuse_unsafe(path, full_key)
        if self.allowed is not None and not any(_under(path, p) for p in self.allowed):
            listed = ", ".join(self.allowed) or "(empty)"
            raise TargetRefusedError(
                f"Target '{path}'{where(full_key)} is not in the allowed targets "
                f"({listed}; from {self.allowed_source}); nothing was imported. If it is meant "
                f"to be used, add a prefix of it to {ALLOWED_ENV} or _allowed_targets_."
            )

    def check_object(self, obj: Any, path: str | None, full_key: object | None) -> None:
        """After locating (or for a callable given as an object): the object's real
        name, so another path to a refused callable is refused too."""
        name = dotted_name(obj)
        if path is None:
            if self.allowed is not None and not any(_under(name, p) for p in self.allowed):
                self.check_path(name, full_key)
            self._refuse_unsafe(name, full_key)
        elif _canonical(name) != _canonical(path):
            self._refuse_unsafe(name, full_key, note=f" (reached as '{path}')")


_ACTIVE: ContextVar[TargetPolicy | None] = ContextVar("hydria_target_policy", default=None)


def current_policy() -> TargetPolicy:
    """The policy of the `instantiate` call in progress, else the environment's."""
    policy = _ACTIVE.get()
    return policy if policy is not None else TargetPolicy.from_environment()


@contextmanager
def active_policy(policy: TargetPolicy) -> Iterator[None]:
    """Make `policy` current while an `instantiate` call runs (so `get_object` used as a
    target inside it obeys the same rules); context-local, so threads do not mix."""
    token = _ACTIVE.set(policy)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
