"""The one gate for everything a config names as code: an optional allow-list, and
default refusals (`TargetPolicy.locate`).

`instantiate`, the launcher and sweeper a config names, `hydra.callbacks` and the
factories and classes of a logging node all go through it. Three checks:

* **A dotted Python name** (`pkg.mod.Class`), before anything is imported: no NUL
  bytes, spaces, `..` or look-alike Unicode, no dunder attributes.
* **Refused by default** (`hydria.instantiation.refusals`): what runs commands or code,
  fetches callables by name without this policy, runs a callable later, changes the
  environment or deletes files, and instance methods reached through their class. Checked
  on the path, on every object the walk passes (`shutil.os.environ` is `os.environ`) and
  on the object found, so aliases and re-exports do not slip by. A trusted caller unlocks
  a name (`_unsafe_targets_=[...]`, `HYDRIA_UNSAFE_TARGETS`, or Hydra's
  `HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE`).
* **Allow-list** (off unless asked for): only targets under the listed dotted prefixes,
  checked on the path *before anything is imported* (`_allowed_targets_=[...]` or
  `HYDRIA_ALLOWED_TARGETS=mypkg,torch.optim`). What hydria registers by name (its
  launchers, sweepers, callbacks, the `logging` classes) is exempt (`trusting`).

Widening is for code and the launching process's environment: a config cannot set the
variables for its job (`job_environment`), and an `instantiate` called while another
runs only narrows the policy in force. These stop the direct routes; they are not a
sandbox: code reachable from an allowed target can still do what it is written to do.
"""

from __future__ import annotations

import builtins
import functools
import os
import re
import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from hydria.errors import TargetRefusedError
from hydria.instantiation.locate import Visit, check_dotted_name, dotted_name, locate
from hydria.instantiation.refusals import (
    FETCH_REASON,
    FOREIGN_FETCHERS,
    canonical_name,
    refusal_reason,
)
from hydria.record_class import record

__all__ = [
    "ALLOWED_ENV",
    "HYDRA_OVERRIDE_ENV",
    "UNSAFE_ENV",
    "TargetPolicy",
    "active_policy",
    "current_policy",
    "entries",
    "intersect",
    "policy_in_force",
    "where",
]

ALLOWED_ENV = "HYDRIA_ALLOWED_TARGETS"
UNSAFE_ENV = "HYDRIA_UNSAFE_TARGETS"
HYDRA_OVERRIDE_ENV = "HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE"  # Hydra's, colon-separated

_SPLIT = re.compile(r"[,:\s]+")


def entries(text: str | None) -> tuple[str, ...]:
    """The names in a policy variable's value (separated by commas, colons or spaces)."""
    return tuple(e for e in _SPLIT.split(text or "") if e)


def _under(name: str, prefix: str) -> bool:
    prefix = prefix.removesuffix(".*").rstrip(".")
    return name == prefix or name.startswith(prefix + ".")


def intersect(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    """The prefixes naming exactly what both allow-lists accept."""
    a, b = tuple(first), tuple(second)
    kept = {x for x in a if any(_under(x, y) for y in b)}
    kept |= {y for y in b if any(_under(y, x) for x in a)}
    return tuple(sorted(kept))


def where(full_key: object | None) -> str:
    """` (at key 'a.b')`, ` (at the top level of the config)`, or nothing (None: not
    from a config node), for messages. `full_key` may compute itself when printed."""
    if full_key is None:
        return ""
    key = str(full_key)
    return f" (at key '{key}')" if key else " (at the top level of the config)"


_DUNDER = re.compile(r"^__\w+__$")
_UNBOUND = (
    "it is an instance method reached through its class, which would call it on "
    "whatever object a config builds"
)
_DUNDER_REASON = "it reaches into Python's internals through a dunder attribute"


def _refused_instances() -> dict[int, str]:
    """Objects that are refused under any name (re-exported or aliased)."""
    return {
        id(os.environ): "os.environ",
        id(os.environb): "os.environb",
        id(sys.modules): "sys.modules",
        id(sys.path): "sys.path",
        id(sys.meta_path): "sys.meta_path",
        id(sys.path_hooks): "sys.path_hooks",
        id(sys.path_importer_cache): "sys.path_importer_cache",
        id(builtins.__dict__): "builtins.__dict__",
    }


def _is_unbound_method(owner: type, part: str) -> bool:
    """`owner.part` is a plain instance method (not a static or class method)."""
    for klass in owner.__mro__:
        if part in klass.__dict__:
            attr = klass.__dict__[part]
            return isinstance(
                attr,
                (types.FunctionType, types.MethodDescriptorType, types.WrapperDescriptorType),
            )
    return False


def _defined_name(obj: Any) -> str | None:
    """The name a module, class or module-level function is defined under, else None."""
    if isinstance(obj, types.ModuleType):
        return canonical_name(obj.__name__)
    if isinstance(obj, type) or (
        isinstance(obj, (types.FunctionType, types.BuiltinFunctionType))
        and isinstance(getattr(obj, "__self__", None), (types.NoneType, types.ModuleType))
    ):
        name = dotted_name(obj)
        return canonical_name(name) if "<" not in name else None
    return None


def _inner(obj: Any) -> Any:
    """What `obj` hands its calls to: a partial's function, a decorated function's
    `__wrapped__`, or the object a method is bound to; None if nothing."""
    if isinstance(obj, functools.partial):
        return obj.func
    if isinstance(obj, (types.MethodType, types.BuiltinMethodType)):
        owner = obj.__self__
        if not isinstance(owner, (type, types.ModuleType)):
            return owner
    namespace = getattr(obj, "__dict__", None)
    return namespace.get("__wrapped__") if isinstance(namespace, dict) else None


def _wrapped(obj: Any) -> list[Any]:
    """`obj` and what it wraps, a few levels deep."""
    chain = [obj]
    for _ in range(8):
        inner = _inner(chain[-1])
        if inner is None or any(inner is seen for seen in chain):
            break
        chain.append(inner)
    return chain


def _names_of(obj: Any, known: dict[int, str]) -> list[str]:
    """The names `obj` is refused under: as a known object, or where it is defined."""
    names = [known[id(obj)]] if id(obj) in known else []
    defined = _defined_name(obj)
    if defined is not None:
        names.append(defined)
    elif isinstance(obj, (types.MethodType, types.BuiltinMethodType)):
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if module and qualname:
            names.append(canonical_name(f"{module}.{qualname}"))
    return names


@record
class TargetPolicy:
    """What a config may name as code: `allowed` prefixes (None: no allow-list), the
    default-refused names a trusted caller unlocked (exact, or `prefix.*`), and
    `trusted` prefixes that hydria itself names (its built-in launchers, sweepers,
    callbacks, the `logging` classes): exempt from the allow-list, not from refusals."""

    allowed: tuple[str, ...] | None = None
    allowed_source: str = ""
    unlocked: tuple[str, ...] = ()
    trusted: tuple[str, ...] = ()

    @classmethod
    def from_environment(
        cls, allowed: Iterable[str] | str | None = None, unlocked: Iterable[str] | str | None = None
    ) -> TargetPolicy:
        """The launching process's policy, widened or narrowed by a caller's arguments.

        `allowed` given by the caller replaces `HYDRIA_ALLOWED_TARGETS`; `unlocked` adds
        to `HYDRIA_UNSAFE_TARGETS` and `HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE`. Both come
        from code: a config cannot set them, nor those variables for its job
        (`hydria.instantiation.job_environment`).
        """
        if allowed is not None:
            prefixes: tuple[str, ...] | None = (
                entries(allowed) if isinstance(allowed, str) else tuple(allowed)
            )
            source = "_allowed_targets_"
        elif os.environ.get(ALLOWED_ENV, "").strip():
            prefixes, source = entries(os.environ[ALLOWED_ENV]), ALLOWED_ENV
        else:
            prefixes, source = None, ""
        extra = entries(unlocked) if isinstance(unlocked, str) else tuple(unlocked or ())
        unlocked_all = (
            entries(os.environ.get(UNSAFE_ENV))
            + entries(os.environ.get(HYDRA_OVERRIDE_ENV))
            + extra
        )
        return cls(allowed=prefixes, allowed_source=source, unlocked=unlocked_all)

    def narrowed(self, allowed: Iterable[str] | str | None) -> TargetPolicy:
        """This policy, with the allow-list intersected with `allowed` (None: unchanged).
        Nothing is unlocked: what runs inside a policy can only narrow it."""
        if allowed is None:
            return self
        given = entries(allowed) if isinstance(allowed, str) else tuple(allowed)
        if self.allowed is None:
            return replace(self, allowed=given, allowed_source="_allowed_targets_")
        return replace(
            self,
            allowed=intersect(self.allowed, given),
            allowed_source=f"{self.allowed_source} narrowed by _allowed_targets_",
        )

    def trusting(self, *prefixes: str) -> TargetPolicy:
        """This policy, with names under `prefixes` exempt from the allow-list (for what
        hydria itself registers by name; the default refusals still apply)."""
        return replace(self, trusted=self.trusted + prefixes)

    def _unlocked(self, name: str) -> bool:
        return any(
            name == entry or (entry.endswith(".*") and _under(name, entry))
            for entry in self.unlocked
        )

    def _refuse(self, name: str, reason: str, full_key: object | None, note: str = "") -> None:
        if self._unlocked(name):
            return
        raise TargetRefusedError(
            f"Target '{name}'{note}{where(full_key)} is refused by default: {reason}. If the "
            f"config is trusted and this is meant, allow it by name: instantiate(..., "
            f"_unsafe_targets_=['{name}']) or the environment variable {UNSAFE_ENV}={name} "
            "in the launching process (a config cannot set it)."
        )

    def _refuse_unsafe(self, name: str, full_key: object | None, note: str = "") -> None:
        name = canonical_name(name)
        reason = refusal_reason(name)
        if reason is not None:
            self._refuse(name, reason, full_key, note)

    def check_path(self, path: object, full_key: object | None) -> None:
        """Before importing anything for `path`: a dotted Python name, not refused, and
        in the allow-list (if any) or trusted.

        Raises:
            hydria.errors.TargetNotFoundError: `path` is not a dotted Python name (the
                message does not say where: the caller adds it).
            hydria.errors.TargetRefusedError: the policy refuses it.
        """
        parts = check_dotted_name(path).split(".")
        for index, part in enumerate(parts):
            if _DUNDER.match(part) and not (part == "__main__" and index == 0):
                self._refuse(".".join(parts), f"{_DUNDER_REASON} ('{part}')", full_key)
        path = ".".join(parts)
        self._refuse_unsafe(path, full_key)
        self._check_allowed(path, full_key)

    def _visitor(self, path: str, full_key: object | None) -> Visit:
        """Checks each step of `locate`'s walk: the name each object is known by (a module
        by its own name, a refused object by its name, a class or function by where it is
        defined) and methods reached through their class."""
        known = _refused_instances()
        running = [path]

        def visit(step: str, obj: Any, parent: Any, part: str) -> None:
            via = step if parent is None else f"{running[0]}.{part}"
            name = known.get(id(obj)) or _defined_name(obj) or via
            note = f" (reached as '{path}')" if name != path else ""
            for candidate in dict.fromkeys((name, canonical_name(via))):
                self._refuse_unsafe(candidate, full_key, note if candidate != path else "")
            if isinstance(parent, type) and _is_unbound_method(parent, part):
                self._refuse(canonical_name(via), _UNBOUND, full_key, note)
            running[0] = name

        return visit

    def _check_allowed(self, name: str, full_key: object | None) -> None:
        if self.allowed is None:
            return
        if not any(_under(name, p) for p in (*self.allowed, *self.trusted)):
            listed = ", ".join(self.allowed) or "(empty)"
            raise TargetRefusedError(
                f"Target '{name}'{where(full_key)} is not in the allowed targets "
                f"({listed}; from {self.allowed_source}); nothing was imported. If it is meant "
                f"to be used, add a prefix of it to {ALLOWED_ENV} or _allowed_targets_."
            )

    def check_object(self, obj: Any, path: str | None, full_key: object | None) -> None:
        """After locating (or for a callable given as an object): the object's real
        name, and what it wraps, so another path to a refused callable is refused too."""
        if path is None:
            self._check_allowed(dotted_name(obj), full_key)
        note = f" (reached as '{path}')" if path is not None else ""
        foreign = path in FOREIGN_FETCHERS and not dotted_name(obj).startswith("hydria.")
        if path is not None and foreign:
            self._refuse(path, FETCH_REASON, full_key)
        known = _refused_instances()
        for inner in _wrapped(obj):
            for name in _names_of(inner, known):
                if path is None or name != canonical_name(path):
                    self._refuse_unsafe(name, full_key, note)

    def locate(self, path: object, full_key: object | None) -> Any:
        """The one gate: the object `path` names, checked before anything is imported,
        at every step of the walk, and once found.

        Raises:
            hydria.errors.TargetRefusedError: the policy refuses it.
            hydria.errors.TargetNotFoundError: it is not a dotted name or does not exist.
        """
        self.check_path(path, full_key)
        name = check_dotted_name(path)
        if self._unlocked(canonical_name(name)):  # unlocked by this very name: what it is
            return locate(name)
        found = locate(name, visit=self._visitor(name, full_key))
        self.check_object(found, name, full_key)
        return found


_ACTIVE: ContextVar[TargetPolicy | None] = ContextVar("hydria_target_policy", default=None)


def policy_in_force() -> TargetPolicy | None:
    """The policy of the `instantiate` call in progress, if any."""
    return _ACTIVE.get()


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
