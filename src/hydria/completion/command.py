"""`python -m hydria complete (--script SCRIPT | --module MODULE) [--cwd DIR] --line LINE`:
what the shell functions of `--shell-completion` ask on every Tab (`--module` for an
app run as `python -m MODULE`).

Prints one candidate per line on stdout, and nothing else: whatever else writes to
stdout while answering (a search path plugin's print) is sent to stderr. It always
exits 0, even with nothing to offer; a failure is silent, since a Tab must never put a
traceback in the user's terminal, unless `HYDRIA_COMPLETION_DEBUG=1` asks for it on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import warnings
from collections.abc import Sequence

__all__ = ["DEBUG_VARIABLE", "complete_line", "main"]

DEBUG_VARIABLE = "HYDRIA_COMPLETION_DEBUG"


def complete_line(script: str, line: str, cwd: str, *, module: str | None = None) -> list[str]:
    """The candidates for the last word of `line`.

    Args:
        script: the app's script as typed, relative to `cwd` or absolute (ignored
            with `module`).
        line: the command line up to the cursor.
        cwd: the directory the command runs in.
        module: the module of an app run as `python -m MODULE`, found without importing it.

    Returns:
        The candidates, sorted, each the full replacement of the word being completed.
    """
    from hydria.app.completion_record import read_recorded_source
    from hydria.completion import tree_cache
    from hydria.completion.app_source import find_config_source, module_script
    from hydria.completion.candidates import word_candidates
    from hydria.completion.typed_args import read_typed_args
    from hydria.completion.words import app_arguments, split_line

    cwd = os.path.abspath(cwd)
    if module is not None:
        found_script = module_script(module, cwd, sys.path[1:])
        if found_script is None:
            return []
        script = found_script
    script = os.path.normpath(os.path.join(cwd, os.path.expanduser(script)))
    words = split_line(line)
    typed = read_typed_args(app_arguments(words.before, script, cwd, module=module))
    if words.word.startswith("-") and "=" not in words.word and typed.pending is None:
        return word_candidates(
            words.word,
            typed,
            tree_cache.CachedTree({"groups": {}, "primaries": []}, None, cwd).answers(),
        )
    source = find_config_source(script)
    recorded = read_recorded_source(script)  # the app's ConfigStore, as its last run had it
    stored = () if recorded is None else recorded.store
    key = tree_cache.source_key(
        script,
        None if source is None else (source.primary, source.config_name, source.version_base),
        typed.config_path,
        typed.config_name,
        [os.path.join(cwd, os.path.expanduser(d)) for d in typed.config_dirs],
        recorded.store_digest() if stored and recorded is not None else None,
    )
    entry = tree_cache.load(key)
    if entry is not None:
        composition = tree_cache.composition_key(typed.overrides, entry["groups"])
        if composition in entry["shapes"]:
            warm = tree_cache.CachedTree(entry, entry["shapes"][composition], cwd)
            return word_candidates(words.word, typed, warm.answers())
    from hydria.completion.config_tree import ConfigTree  # a miss: compose

    tree = ConfigTree(script, source, typed, cwd, stored)
    found = word_candidates(words.word, typed, tree.answers())
    roots = tree.directories()
    if roots is not None:
        groups = tree.all_groups()
        tree_cache.save(
            key,
            entry=entry,
            roots=roots,
            groups=groups,
            primaries=tree.primaries(),
            composition=tree_cache.composition_key(typed.overrides, groups),
            shape=tree.shape,
        )
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hydria complete",
        description="Print the completions of the last word of LINE, one a line.",
    )
    app = parser.add_mutually_exclusive_group(required=True)
    app.add_argument("--script", help="the app's script, as typed")
    app.add_argument("--module", help="the app's module, for `python -m MODULE`")
    parser.add_argument("--cwd", default=os.curdir, help="the directory the command runs in")
    parser.add_argument("--line", required=True, help="the command line up to the cursor")
    return parser


def main(argv: Sequence[str]) -> int:
    """Answer one completion request; always 0 (see the module's docstring).

    Args:
        argv: the arguments after `complete`.
    """
    if "-h" in argv or "--help" in argv:
        _parser().print_help()
        return 0
    debug = os.environ.get(DEBUG_VARIABLE) == "1"
    out = sys.stdout
    quiet = contextlib.ExitStack()
    if not debug:
        warnings.simplefilter("ignore")
        quiet.enter_context(contextlib.redirect_stderr(io.StringIO()))
    try:
        with quiet, contextlib.redirect_stdout(sys.stderr if debug else io.StringIO()):
            args = _parser().parse_args(list(argv))
            found = complete_line(args.script or "", args.line, args.cwd, module=args.module)
    except SystemExit:  # argparse on a malformed request: its message only when debugging
        return 0
    except Exception:  # noqa: BLE001 - a Tab never fails; the traceback only when asked
        if debug:
            import traceback

            traceback.print_exc()
        return 0
    out.write("".join(f"{candidate}\n" for candidate in found))
    out.flush()
    return 0
