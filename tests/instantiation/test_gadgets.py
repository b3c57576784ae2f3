"""Configs that try to run code through `instantiate`: the issue's gadgets one by one, then
a property test that nests and disguises them. Each gadget would leave a canary (a file,
or an environment variable) if it ran; none may run under the default policy."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hydria
from hydria.errors import InstantiationError, TargetNotFoundError, TargetRefusedError
from hydria.instantiation.job_environment import job_environment
from hydria.instantiation.policy import ALLOWED_ENV, UNSAFE_ENV

CANARY_VAR = "HYDRIA_GADGET_CANARY"


class Canary:
    """Where a gadget that ran would leave its trace: a file, or an environment variable."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "canary"
        self.script = folder / "canary_script.py"
        self.script.write_text(f"open({str(self.file)!r}, 'w').close()\n")
        self.command = f"touch {self.file}"
        self.code = f"open({str(self.file)!r}, 'w').close()"
        self.expression = f"__import__('os').system({self.command!r})"

    def sang(self) -> bool:
        return self.file.exists() or CANARY_VAR in os.environ


class _Payload:
    """Unpickling it runs the canary command (what a hostile pickle does)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (self.command,))


Gadget = Callable[[Canary], dict[str, Any]]


def _key_of(runner: str, fetcher: str, name: str) -> Gadget:
    """`runner([command], key=<fetcher(name)>)`: a fetched callable handed to a caller."""
    return lambda c: {
        "_target_": runner,
        "_args_": [[c.command]],
        "key": {"_target_": fetcher, "_args_": [name]},
    }


#: The issue's examples (item 4) and more of the same families, by name.
GADGETS: dict[str, Gadget] = {
    "nested instantiate unlocking": lambda c: {
        "_target_": "hydria.instantiate",
        "_unsafe_targets_": ["os.system"],
        "config": {"_target_": "os.system", "_args_": [c.command]},
    },
    "nested instantiate widening the allow-list": lambda c: {
        "_target_": "hydria.utils.instantiate",
        "_allowed_targets_": ["os"],
        "config": {"_target_": "os.system", "_args_": [c.command]},
    },
    "nested hydria.call": lambda c: {
        "_target_": "hydria.call",
        "config": {"_target_": "builtins.exec", "_args_": [c.code]},
        "_unsafe_targets_": ["builtins.exec"],
    },
    "sorted key=pkgutil.resolve_name": _key_of(
        "builtins.sorted", "pkgutil.resolve_name", "os:system"
    ),
    "max key=pydoc.locate": _key_of("builtins.max", "pydoc.locate", "os.system"),
    "min key=hydria locate": _key_of(
        "builtins.min", "hydria.instantiation.locate.locate", "os.system"
    ),
    "sorted key=importlib.import_module": _key_of(
        "builtins.sorted", "importlib.import_module", "os"
    ),
    "atexit.register": lambda c: {
        "_target_": "atexit.register",
        "_args_": [{"_target_": "hydria.get_method", "path": "builtins.print"}, "x"],
    },
    "threading.Thread.run": lambda c: {
        "_target_": "threading.Thread.run",
        "_args_": [{"_target_": "threading.Thread"}],
    },
    "trace.Trace.run": lambda c: {
        "_target_": "trace.Trace.run",
        "_args_": [{"_target_": "trace.Trace", "count": 0, "trace": 0}, c.code],
    },
    "typing.ForwardRef._evaluate": lambda c: {
        "_target_": "typing.ForwardRef._evaluate",
        "_args_": [{"_target_": "typing.ForwardRef", "_args_": [c.expression]}, {}, {}],
    },
    "typing.get_type_hints": lambda c: {
        "_target_": "typing.get_type_hints",
        "_args_": [{"_target_": "typing.NamedTuple", "_args_": ["T", [["a", c.expression]]]}],
    },
    "SourceFileLoader.load_module": lambda c: {
        "_target_": "importlib.machinery.SourceFileLoader.load_module",
        "_args_": [
            {
                "_target_": "importlib.machinery.SourceFileLoader",
                "_args_": ["canary_mod", str(c.script)],
            }
        ],
    },
    "SourceFileLoader by its frozen name": lambda c: {
        "_target_": "_frozen_importlib_external.SourceFileLoader",
        "_args_": ["canary_mod", str(c.script)],
    },
    "os.environ.update": lambda c: {
        "_target_": "os.environ.update",
        "_args_": [{CANARY_VAR: "1", "LD_PRELOAD": "/nonexistent.so"}],
    },
    "os.environ.setdefault through shutil.os": lambda c: {
        "_target_": "shutil.os.environ.setdefault",
        "_args_": [CANARY_VAR, "1"],
    },
    "os.putenv": lambda c: {"_target_": "os.putenv", "_args_": [CANARY_VAR, "1"]},
    "NUL byte os\\0.popen": lambda c: {"_target_": "os\0.popen", "_args_": [c.command]},
    "NUL byte runpy\\0.run_path": lambda c: {
        "_target_": "runpy\0.run_path",
        "_args_": [str(c.script)],
    },
    "NUL byte os\\0.execl": lambda c: {"_target_": "os\0.execl", "_args_": ["/bin/sh", "sh"]},
    "runpy.run_path": lambda c: {"_target_": "runpy.run_path", "_args_": [str(c.script)]},
    "pickle.loads": lambda c: {
        "_target_": "pickle.loads",
        "_args_": [
            {
                "_target_": "builtins.bytes.fromhex",
                "_args_": [pickle.dumps(_Payload(c.command)).hex()],
            }
        ],
    },
    "yaml.unsafe_load": lambda c: {
        "_target_": "yaml.unsafe_load",
        "_args_": [f"!!python/object/apply:os.system [{c.command!r}]"],
    },
    "timeit.timeit": lambda c: {"_target_": "timeit.timeit", "stmt": c.code, "number": 1},
    "code.InteractiveInterpreter.runsource": lambda c: {
        "_target_": "code.InteractiveInterpreter.runsource",
        "_args_": [{"_target_": "code.InteractiveInterpreter"}, c.code],
    },
    "doctest.debug_src": lambda c: {"_target_": "doctest.debug_src", "_args_": [f">>> {c.code}\n"]},
    "types.LambdaType from a code object": lambda c: {
        "_target_": "types.LambdaType",
        "_args_": [{"_target_": "builtins.compile", "_args_": [c.code, "x", "exec"]}, {}],
    },
    "OmegaConf.register_new_resolver": lambda c: {
        "_target_": "omegaconf.OmegaConf.register_new_resolver",
        "_args_": ["canary", {"_target_": "hydria.get_method", "path": "builtins.print"}],
    },
    "getattr on a module": lambda c: {
        "_target_": "builtins.sorted",
        "_args_": [[c.command]],
        "key": {
            "_target_": "builtins.getattr",
            "_args_": [{"_target_": "hydria.get_object", "path": "os"}, "system"],
        },
    },
    "sys.modules through os.sys": lambda c: {
        "_target_": "os.sys.modules.get",
        "_args_": ["subprocess"],
    },
    "gc.get_objects": lambda c: {
        "_target_": "operator.getitem",
        "_args_": [{"_target_": "gc.get_objects"}, 0],
    },
    "webbrowser command": lambda c: {
        "_target_": "webbrowser.BackgroundBrowser.open",
        "_args_": [{"_target_": "webbrowser.BackgroundBrowser", "_args_": ["sh"]}, c.script],
    },
    "str.format unbound": lambda c: {
        "_target_": "builtins.str.format",
        "_args_": ["{0.__init__.__globals__}", {"_target_": "inst_targets.Call"}],
    },
    "dunder path": lambda c: {"_target_": "inst_targets.Call.__init__.__globals__"},
    "get_method of a refused name": lambda c: {
        "_target_": "builtins.sorted",
        "_args_": [[c.command]],
        "key": {"_target_": "hydria.get_method", "path": "os.system"},
    },
    "subprocess.run": lambda c: {
        "_target_": "subprocess.run",
        "_args_": [c.command],
        "shell": True,
    },
    "posix.system": lambda c: {"_target_": "posix.system", "_args_": [c.command]},
    "fullwidth os": lambda c: {"_target_": "\uff4f\uff53.system", "_args_": [c.command]},
    "multiprocessing.Process": lambda c: {
        "_target_": "multiprocessing.Process",
        "target": {"_target_": "os.system", "_partial_": True},
        "args": [c.command],
    },
}


@pytest.fixture
def canary(tmp_path: Path) -> Canary:
    os.environ.pop(CANARY_VAR, None)
    return Canary(tmp_path)


@pytest.mark.parametrize("name", list(GADGETS))
def test_a_gadget_does_not_run_under_the_default_policy(name: str, canary: Canary) -> None:
    env_before = dict(os.environ)
    with pytest.raises(InstantiationError) as info:
        hydria.instantiate(GADGETS[name](canary))
    assert isinstance(info.value, (TargetRefusedError, TargetNotFoundError)), info.value
    assert not canary.sang()
    assert dict(os.environ) == env_before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "os\0.popen",
            "Cannot locate target (at the top level of the config): 'os\\x00.popen' is not a "
            "dotted Python name: 'os\\x00' is not an identifier",
        ),
        ("os .system", "'os ' is not an identifier"),
        ("os..system", "'os..system' is not a valid dotted path (empty part)"),
        ("os:system", "'os:system' is not an identifier"),
        ("\uff4f\uff53.system", "is not an identifier (letters, digits and underscores, in NFKC"),
    ],
)
def test_a_target_that_is_not_a_dotted_name_is_refused_before_any_import(
    target: str, message: str
) -> None:
    modules = set(sys.modules)
    with pytest.raises(TargetNotFoundError) as info:
        hydria.instantiate({"_target_": target})
    assert message in str(info.value)
    assert set(sys.modules) == modules


@pytest.mark.parametrize(
    ("target", "refused_as", "reason"),
    [
        ("hydria.instantiate", "hydria.instantiate", "fetches or builds other callables"),
        ("pkgutil.resolve_name", "pkgutil.resolve_name", "fetches or builds other callables"),
        ("pydoc.locate", "pydoc.locate", "fetches or builds"),
        (
            "importlib.util.spec_from_file_location",
            "importlib.util.spec_from_file_location",
            "fetches",
        ),
        ("typing.ForwardRef", "typing.ForwardRef", "run commands or code"),
        ("trace.Trace", "trace.Trace", "run commands or code"),
        ("atexit.register", "atexit.register", "runs a callable later or elsewhere"),
        ("threading.Thread", "threading.Thread", "runs a callable later"),
        ("os.environ.update", "os.environ.update", "changes the environment"),
        ("os.unsetenv", "os.unsetenv", "changes the environment"),
        ("posix.unsetenv", "os.unsetenv", "changes the environment"),
        ("shutil.os.environ.update", "os.environ", "changes the environment"),
        ("types.LambdaType", "types.LambdaType", "run commands or code"),
        ("operator.methodcaller", "operator.methodcaller", "fetches or builds"),
        ("inst_targets.Adder.Inner.__init__", "inst_targets.Adder.Inner.__init__", "dunder"),
        ("collections.OrderedDict.update", "collections.OrderedDict.update", "instance method"),
    ],
)
def test_refusals_name_the_family_and_how_to_unlock(
    target: str, refused_as: str, reason: str
) -> None:
    with pytest.raises(TargetRefusedError) as info:
        hydria.instantiate({"x": {"_target_": target}})
    message = str(info.value)
    assert message.startswith(f"Target '{refused_as}'"), message
    assert "(at key 'x') is refused by default: " in message
    assert reason in message
    assert "a config cannot set it" in message


@pytest.mark.parametrize(
    "cfg",
    [
        pytest.param({"_target_": "random.seed", "_args_": [1]}, id="bound method"),
        pytest.param({"_target_": "builtins.dict.fromkeys", "_args_": [["a"]]}, id="classmethod"),
        pytest.param(
            {"_target_": "inst_targets.Adder.from_two", "a": 1, "b": 2}, id="classmethod2"
        ),
        pytest.param({"_target_": "hydria.get_class", "path": "pathlib.Path"}, id="get_class"),
        pytest.param(
            {
                "_target_": "functools.partial",
                "_args_": [{"_target_": "hydria.get_method", "path": "inst_targets.add"}],
                "b": 2,
            },
            id="partial",
        ),
        pytest.param(
            {
                "_target_": "builtins.sorted",
                "_args_": [["bb", "a"]],
                "key": {"_target_": "hydria.get_method", "path": "builtins.len"},
            },
            id="key=len",
        ),
    ],
)
def test_everyday_targets_still_work(cfg: dict[str, Any]) -> None:
    hydria.instantiate(cfg)


def test_an_unlock_from_code_still_works_for_a_method_reached_through_its_class() -> None:
    cfg = {"_target_": "builtins.str.upper", "_args_": ["a"]}
    assert hydria.instantiate(cfg, _unsafe_targets_=["builtins.str.upper"]) == "A"


def builds_getpid() -> Any:
    """A target whose code calls instantiate with its own policy keys."""
    return hydria.instantiate(
        {"_target_": "os.getpid"}, _allowed_targets_=["os"], _unsafe_targets_=["os.getpid"]
    )


def unlocks_system(command: str) -> Any:
    return hydria.instantiate(
        {"_target_": "os.system", "_args_": [command]}, _unsafe_targets_=["os.system"]
    )


def test_a_nested_instantiate_narrows_the_policy_in_force_and_cannot_widen_it(
    canary: Canary,
) -> None:
    assert isinstance(hydria.instantiate({"_target_": f"{__name__}.builds_getpid"}), int)
    with pytest.raises(TargetRefusedError, match=r"'os.getpid' .*not in the allowed targets"):
        hydria.instantiate({"_target_": f"{__name__}.builds_getpid"}, _allowed_targets_=[__name__])
    with pytest.raises(TargetRefusedError, match=r"Target 'os.system' .*refused by default"):
        hydria.instantiate({"_target_": f"{__name__}.unlocks_system", "command": canary.command})
    assert not canary.sang()


def test_an_unlocked_nested_instantiate_still_cannot_widen_the_policy(
    canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOWED_ENV, "hydria,inst_targets")
    monkeypatch.setenv(UNSAFE_ENV, "hydria.instantiate")
    cfg = GADGETS["nested instantiate widening the allow-list"](canary)
    cfg["_target_"] = "hydria.instantiate"
    cfg["_unsafe_targets_"] = ["os.system"]
    cfg["_recursive_"] = False  # the nested call builds `config`, under its own policy
    with pytest.raises(TargetRefusedError, match=r"'os.system' .*is refused by default"):
        hydria.instantiate(cfg)
    monkeypatch.setenv(UNSAFE_ENV, "hydria.instantiate,os.system")
    with pytest.raises(TargetRefusedError) as info:
        hydria.instantiate(cfg)
    assert (
        "Target 'os.system' (at the top level of the config) is not in the allowed targets "
        "((empty); from HYDRIA_ALLOWED_TARGETS narrowed by _allowed_targets_)"
    ) in str(info.value)
    assert not canary.sang()


# -- the property test -------------------------------------------------------------------

_LEAVES = list(GADGETS)


def _disguise(target: str, how: str) -> str:
    if how == "nul":
        cut = max(1, target.find(".")) if "." in target else 1
        return target[:cut] + "\0" + target[cut:]
    if how == "space":
        return target + " "
    if how == "alias" and target.startswith("os."):
        return "shutil.os." + target[3:]
    if how == "posix" and target.startswith("os."):
        return "posix." + target[3:]
    return target


def _wrap(node: Any, how: str) -> Any:
    if how == "list":
        return {"_target_": "inst_targets.Call", "items": [1, node]}
    if how == "dict":
        return {"_target_": "inst_targets.Call", "inner": {"deep": node}}
    if how == "partial" and isinstance(node, dict):
        return {**node, "_partial_": True}
    if how == "args":
        return {"_target_": "inst_targets.Call", "_args_": [node]}
    if how == "functools.partial":
        return {"_target_": "functools.partial", "_args_": [node]}
    if how == "key":
        return {"_target_": "builtins.sorted", "_args_": [["a", "b"]], "key": node}
    if how == "nested-instantiate":
        return {
            "_target_": "hydria.instantiate",
            "_unsafe_targets_": ["os.system", "subprocess.run", "builtins.exec"],
            "config": node,
        }
    if how == "nested-non-recursive":
        return {
            "_target_": "hydria.instantiate",
            "_recursive_": False,
            "_unsafe_targets_": ["os.system", "subprocess.run", "builtins.exec"],
            "_allowed_targets_": ["os", "subprocess", "builtins"],
            "config": node,
        }
    if how == "convert":
        return {"_target_": "inst_targets.Call", "_convert_": "all", "x": node}
    return node


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    leaf=st.sampled_from(_LEAVES),
    disguise=st.sampled_from(["none", "nul", "space", "alias", "posix"]),
    wrappers=st.lists(
        st.sampled_from(
            [
                "list",
                "dict",
                "partial",
                "args",
                "functools.partial",
                "key",
                "nested-instantiate",
                "nested-non-recursive",
                "convert",
            ]
        ),
        max_size=3,
    ),
)
def test_no_generated_config_runs_a_gadget(
    canary: Canary, leaf: str, disguise: str, wrappers: list[str]
) -> None:
    os.environ.pop(CANARY_VAR, None)
    node = GADGETS[leaf](canary)
    node["_target_"] = _disguise(node["_target_"], disguise)
    for how in wrappers:
        node = _wrap(node, how)
    with pytest.raises(InstantiationError):
        hydria.instantiate(node)
    assert not canary.sang()


# -- the environment a config exports for its job -----------------------------------------


@pytest.mark.parametrize(
    ("env_set", "launching", "message"),
    [
        ({UNSAFE_ENV: "os.system"}, {}, "would unlock os.system for the job"),
        ({UNSAFE_ENV: "os.system,os.popen"}, {UNSAFE_ENV: "os.popen"}, "would unlock os.system"),
        ("HYDRA_INSTANTIATE_ALLOWLIST_OVERRIDE", {}, "would unlock os.system"),
        ({ALLOWED_ENV: "os"}, {ALLOWED_ENV: "my_project"}, "shares no target"),
        ({"LD_PRELOAD": "/tmp/x.so"}, {}, "a config cannot set LD_PRELOAD"),
        ({"PYTHONBREAKPOINT": "os.system"}, {}, "a config cannot set PYTHONBREAKPOINT"),
    ],
)
def test_env_set_cannot_widen_the_policy(
    env_set: Any, launching: dict[str, str], message: str
) -> None:
    if isinstance(env_set, str):
        env_set = {env_set: "os.system"}
    with pytest.raises(ValueError, match=message):
        job_environment(env_set, launching)


@pytest.mark.parametrize(
    ("env_set", "launching", "exported"),
    [
        (
            {"FOO": "1", "LD_LIBRARY_PATH": "/opt/lib"},
            {},
            {"FOO": "1", "LD_LIBRARY_PATH": "/opt/lib"},
        ),
        ({ALLOWED_ENV: "my_project"}, {}, {ALLOWED_ENV: "my_project"}),
        (
            {ALLOWED_ENV: "my_project.models,os"},
            {ALLOWED_ENV: "my_project"},
            {ALLOWED_ENV: "my_project.models"},
        ),
        (
            {ALLOWED_ENV: "my_project"},
            {ALLOWED_ENV: "my_project.models"},
            {ALLOWED_ENV: "my_project.models"},
        ),
        ({ALLOWED_ENV: ""}, {ALLOWED_ENV: "my_project"}, {ALLOWED_ENV: "my_project"}),
        ({UNSAFE_ENV: ""}, {UNSAFE_ENV: "os.system"}, {UNSAFE_ENV: ""}),
        ({"LD_PRELOAD": "/a.so"}, {"LD_PRELOAD": "/a.so"}, {"LD_PRELOAD": "/a.so"}),
    ],
)
def test_env_set_may_narrow_and_set_ordinary_variables(
    env_set: dict[str, str], launching: dict[str, str], exported: dict[str, str]
) -> None:
    assert job_environment(env_set, launching) == exported


FAKE_HYDRA_UTILS = """
import importlib

def get_class(path):  # hydra-core's: imports whatever it is given, no policy
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)
"""


def _forget_hydra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "hydra" or m.startswith("hydra.")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.fixture
def hydra_modules_restored(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The `hydra` modules the test imports are forgotten afterwards; the earlier come back."""
    _forget_hydra(monkeypatch)
    yield
    for name in [m for m in sys.modules if m == "hydra" or m.startswith("hydra.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("hydra_modules_restored")
def test_hydra_cores_own_fetchers_are_refused_and_the_shims_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, canary: Canary
) -> None:
    package = tmp_path / "hydra"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "utils.py").write_text(FAKE_HYDRA_UTILS)
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = {
        "_target_": "builtins.sorted",
        "_args_": [[canary.command]],
        "key": {"_target_": "hydra.utils.get_class", "path": "os.system"},
    }
    with pytest.raises(TargetRefusedError, match="Target 'hydra.utils.get_class' .*fetches"):
        hydria.instantiate(cfg)
    assert not canary.sang()
    for name in [m for m in sys.modules if m == "hydra" or m.startswith("hydra.")]:
        del sys.modules[name]
    monkeypatch.syspath_prepend(str(Path(hydria.__file__).parent / "compat" / "shim"))
    got = hydria.instantiate({"_target_": "hydra.utils.get_class", "path": "pathlib.Path"})
    assert got is Path
