"""The targets refused by default, by dotted name, and why each family is refused.

A name is matched after folding module aliases (`posix.system` is `os.system`). The
gate (`hydria.instantiation.policy`) checks the path a config wrote, every name the
path passes through on the way (`mypkg.os.system` passes `os`), and the real name of
the object reached, so a re-export or an alias does not slip by.

The rule behind the table: from a config, refuse what runs commands or code, what
fetches or builds other callables by name without this policy (a callable fetched
that way could be anything, and what calls it next would run it), what runs a
callable later or elsewhere (where the policy no longer applies), what changes the
process environment or the import machinery, and what destroys files.
"""

from __future__ import annotations

__all__ = [
    "FETCH_REASON",
    "FOREIGN_FETCHERS",
    "POLICY_CHECKED",
    "canonical_name",
    "refusal_reason",
]

_CODE = "from a config it can only serve to run commands or code"
_FETCH = (
    "it fetches or builds other callables by name without the target policy, so what "
    "it returns could run anything"
)
_LATER = "it runs a callable later or elsewhere, where the target policy no longer applies"
_PROCESS = (
    "it changes the environment, the import machinery or the state of the process (the "
    "target policy itself lives there)"
)
_FILES = "it destroys, moves or redirects files"
_LOAD = "it deserialises data in a format that can run code"

#: Exact names refused by default, with the reason.
_NAMES: dict[str, str] = {
    **dict.fromkeys(
        (
            "builtins.eval",
            "builtins.exec",
            "builtins.compile",
            "builtins.breakpoint",
            "builtins.function",  # types.FunctionType / LambdaType: a function from a code object
            "builtins.code",  # types.CodeType
            "types.FunctionType",
            "types.LambdaType",
            "types.CodeType",
            "os.system",
            "os.popen",
            "os.posix_spawn",
            "os.posix_spawnp",
            "os.startfile",
            "os.fork",
            "os.forkpty",
            "os.kill",
            "os.killpg",
            "typing.ForwardRef",
            "typing.get_type_hints",
            "typing._eval_type",
            "sqlite3.Connection.enable_load_extension",
            "sqlite3.Connection.load_extension",
        ),
        _CODE,
    ),
    **dict.fromkeys(
        (
            "builtins.__import__",
            "builtins.__build_class__",
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
            "operator.getitem",
            "operator.attrgetter",
            "operator.itemgetter",
            "operator.methodcaller",
            "operator.call",
            "hydria.instantiate",
            "hydria.call",
            "hydria.utils.instantiate",
            "hydria.utils.call",
        ),
        _FETCH,
    ),
    **dict.fromkeys(
        ("atexit.register", "threading.Thread", "threading.Timer", "os.register_at_fork"),
        _LATER,
    ),
    **dict.fromkeys(
        (
            "os.putenv",
            "os.unsetenv",
            "os.chdir",
            "os.chroot",
            "os.setuid",
            "os.setgid",
            "os.seteuid",
            "os.setegid",
            "os.setreuid",
            "os.setregid",
            "os.umask",
            "omegaconf.OmegaConf.register_new_resolver",
            "omegaconf.OmegaConf.register_resolver",
            "omegaconf.OmegaConf.legacy_register_resolver",
            "omegaconf.OmegaConf.clear_resolver",
            "omegaconf.OmegaConf.clear_resolvers",
        ),
        _PROCESS,
    ),
    **dict.fromkeys(
        (
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
            "os.lchown",
            "os.symlink",
            "os.link",
            "shutil.rmtree",
            "shutil.move",
            "shutil.chown",
        ),
        _FILES,
    ),
    **dict.fromkeys(
        (
            "yaml.load",
            "yaml.load_all",
            "yaml.unsafe_load",
            "yaml.unsafe_load_all",
            "yaml.full_load",
            "yaml.full_load_all",
            "torch.load",
            "numpy.load",
            "joblib.load",
            "pandas.read_pickle",
        ),
        _LOAD,
    ),
}

#: Families refused by default: every name that starts with one of these.
_PREFIXES: dict[str, str] = {
    **dict.fromkeys(
        (
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
            "trace.",
            "doctest.",
            "timeit.",
            "cProfile.",
            "profile.",
            "webbrowser.",
            "asyncio.",
            "concurrent.",
            "multiprocessing.",
            "site.",
            "ensurepip.",
            "venv.",
            "pip.",
            "setuptools.",
            "torch.hub.",
            "hydria.app.",
            "hydria.compat.",
        ),
        _CODE,
    ),
    **dict.fromkeys(
        (
            "importlib.",
            "_imp.",
            "imp.",
            "zipimport.",
            "pkgutil.",
            "pydoc.",
            "inspect.",
            "gc.",
            "unittest.",
            "hydria.instantiation.",
            "hydra._internal.",
        ),
        _FETCH,
    ),
    **dict.fromkeys(
        (
            "atexit.",
            "_thread.",
            "signal.",
            "sched.",
            "threading.Thread.",
            "threading.Timer.",
        ),
        _LATER,
    ),
    **dict.fromkeys(("sys.", "os.environ", "os.environb", "logging.config."), _PROCESS),
    **dict.fromkeys(
        (
            "pickle.",
            "marshal.",
            "shelve.",
            "copyreg.",
            "dill.",
            "cloudpickle.",
            "jsonpickle.",
        ),
        _LOAD,
    ),
}

_PREFIX_TUPLE = tuple(_PREFIXES)

#: Fetchers that apply the target policy themselves: allowed although they fetch by name.
POLICY_CHECKED = frozenset(
    {
        "hydria.instantiation.objects",  # the module that holds them, on the way to them
        "hydria.instantiation.objects.get_object",
        "hydria.instantiation.objects.get_class",
        "hydria.instantiation.objects.get_method",
    }
)

#: Hydra's names for the same helpers: hydria's own under the compat shim, refused when
#: they are hydra-core's (which fetch without this policy).
FOREIGN_FETCHERS = frozenset(
    {
        "hydra.utils.get_object",
        "hydra.utils.get_class",
        "hydra.utils.get_method",
        "hydra.utils.instantiate",
        "hydra.utils.call",
        "hydra.utils.get_static_method",
    }
)
FETCH_REASON = _FETCH

# Modules that are other names of the modules above.
_ALIASES = {
    "posix": "os",
    "nt": "os",
    "_operator": "operator",
    "_pickle": "pickle",
    "_functools": "functools",
    "_posixsubprocess": "subprocess",
    "_ctypes": "ctypes",
    "_frozen_importlib": "importlib._bootstrap",
    "_frozen_importlib_external": "importlib._bootstrap_external",
    "_signal": "signal",
    "_sqlite3": "sqlite3",
    "_asyncio": "asyncio",
    "_multiprocessing": "multiprocessing",
    "_posixshmem": "multiprocessing",
    "_collections_abc": "collections.abc",
    "omegaconf.omegaconf": "omegaconf",
}


def canonical_name(name: str) -> str:
    """`name` with its first module (or `omegaconf.omegaconf`) folded to the public name."""
    for alias, real in _ALIASES.items():
        if name == alias or name.startswith(alias + "."):
            return real + name[len(alias) :]
    return name


def refusal_reason(name: str) -> str | None:
    """Why `name` (a canonical dotted name) is refused by default, or None."""
    if name in POLICY_CHECKED:
        return None
    reason = _NAMES.get(name)
    if reason is not None or not name.startswith(_PREFIX_TUPLE):
        return reason
    for prefix, why in _PREFIXES.items():
        if name.startswith(prefix):
            return why
    return None
