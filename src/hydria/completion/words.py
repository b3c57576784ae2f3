"""The words of a command line up to the cursor, as a shell splits them.

A shell hands completion the raw line, and the word being completed may be half
typed: an open quote (`db.name="my `) or a trailing backslash. Splitting is shlex's
POSIX rules, made tolerant: the unfinished word is closed before splitting.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

from hydria.record_class import record

__all__ = ["LineWords", "app_arguments", "split_line"]

# a character no one types: appended to the line, it ends up in the last word,
# which tells "the line ends inside a word" from "the line ends with a separator"
_CURSOR = "\x00"


@record(kw_only=True)
class LineWords:
    """The line's words.

    Attributes:
        before: the complete words before the one being completed.
        word: the word being completed, unquoted ("" when the line ends with a space).
    """

    before: tuple[str, ...]
    word: str


def split_line(line: str) -> LineWords:
    """Split `line` (up to the cursor) into words with shell rules.

    Args:
        line: the command line as the shell has it, possibly ending inside a quote.

    Returns:
        The words; the last one is the one being completed.
    """
    text = line.replace(_CURSOR, "") + _CURSOR
    for closing in ("", '"', "'", "\\", '\\"', "\\'"):
        try:
            words = shlex.split(text + closing)
        except ValueError:  # an open quote or a dangling escape: try closing it
            continue
        break
    else:  # pragma: no cover - one of the closings always balances the line
        words = line.split() + [_CURSOR]
    if not words or not words[-1].endswith(_CURSOR):
        # the cursor sits after an escape (`a\`): the word is the text before it
        words.append(_CURSOR)
    last = words[-1][: -len(_CURSOR)]
    return LineWords(before=tuple(w.replace(_CURSOR, "") for w in words[:-1]), word=last)


def _is_python(word: str) -> bool:
    name = os.path.basename(word).lower()
    return name.startswith(("python", "pypy")) or name in ("uv", "poetry", "pdm", "hatch")


def _same_file(word: str, script: str, cwd: str) -> bool:
    path = os.path.join(cwd, os.path.expanduser(word))
    try:
        return os.path.samefile(path, script)
    except OSError:
        return False


def app_arguments(
    before: Sequence[str], script: str, cwd: str, *, module: str | None = None
) -> tuple[str, ...]:
    """The app's own arguments among the complete words: those after the script.

    The script is found by file identity (`python ./src/../train.py`), else by name;
    failing both, the program words are skipped the way a shell runs them: an
    interpreter with its options and then its script (`python -u train.py`), or the
    app itself (`./train.py`, a console script). An app run as a module has its
    arguments after `-m MODULE` (or `-mMODULE`).

    Args:
        before: the complete words of the line.
        script: the app's script, an absolute path.
        cwd: the directory the line's relative paths are relative to.
        module: the module of `python -m MODULE`, if the app is run that way.
    """
    if module is not None:
        for index, word in enumerate(before):
            if word == "-m" and index + 1 < len(before) and before[index + 1] == module:
                return tuple(before[index + 2 :])
            if word == f"-m{module}":
                return tuple(before[index + 1 :])
        return ()
    for index, word in enumerate(before):
        if _same_file(word, script, cwd):
            return tuple(before[index + 1 :])
    name = os.path.basename(script)
    for index, word in enumerate(before):
        if os.path.basename(word) == name:
            return tuple(before[index + 1 :])
    if not before:
        return ()
    if not _is_python(before[0]):
        return tuple(before[1:])
    index = 1
    while index < len(before) and before[index].startswith("-"):
        # interpreter options with a separate value (`-X dev`, `-W error`)
        index += 2 if before[index] in ("-X", "-W", "-c", "-m", "--python") else 1
    return tuple(before[index + 1 :])
