"""Interactive bash, zsh and fish in a private tmux server: keys typed, the screen read.

Completion lives in the shell's line editor (readline, zle, fish's reader), which only
runs in an interactive shell on a terminal: tmux gives each shell one, `send-keys`
types into it (Tab included) and `capture-pane` reads back what the shell drew. Every
shell starts from a clean environment (`env -i`, a temporary HOME, no rc files), so
nothing of the machine's shell set-up takes part.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

PROMPT = "PROMPT> "
SHELLS = ("bash", "zsh", "fish")
PACKAGES = "zsh fish tmux"
# a plain prompt (bash and zsh take PS1 from the environment), no bell, no fish greeting
# or autosuggestion (fish draws one after the cursor)
_FISH_INIT = (
    f"function fish_prompt; echo -n '{PROMPT}'; end; function fish_greeting; end; "
    "set -g fish_autosuggestion_enabled 0"
)
_COMMANDS = {
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "zsh": ["zsh", "-f", "-i"],
    "fish": ["fish", "--no-config", "-C", _FISH_INIT, "-i"],
}
_SETUP = {
    "bash": "bind 'set bell-style none'",
    "zsh": "unsetopt prompt_sp beep",
    "fish": "true",
}


def missing_programs(shell: str) -> list[str]:
    """What is missing on this machine to drive `shell` through tmux."""
    return [p for p in (shell, "tmux") if shutil.which(p) is None]


class Tmux:
    """A tmux server of our own (its socket in a temporary folder), killed at the end."""

    def __init__(self, directory: Path) -> None:
        self.socket = directory / "tmux.sock"

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, timeout=30
        )


class Shell:
    """One interactive shell in a tmux session of `tmux`, started in `cwd`."""

    def __init__(self, tmux: Tmux, shell: str, *, home: Path, cwd: Path, path: str) -> None:
        self.tmux, self.shell, self.name = tmux, shell, f"{shell}-shell"
        self.cwd = cwd
        home.mkdir(parents=True, exist_ok=True)
        env = [f"HOME={home}", f"PATH={path}", "TERM=xterm-256color", "LANG=C.UTF-8"]
        env.append(f"PS1={PROMPT}")
        tmux("new-session", "-d", "-s", self.name, "-x", "200", "-y", "50", "-c", str(cwd),
             "env", "-i", *env, *_COMMANDS[shell])  # fmt: skip
        # keys typed before the line editor is up can be lost (zsh drops them)
        self.wait(lambda: self.line() == "", "the first prompt")
        self.type(_SETUP[shell], "Enter")
        self.clear()

    def type(self, *keys: str) -> None:
        """Keys as tmux names them: text is typed literally, "Tab", "Enter", "C-c"..."""
        for key in keys:
            if key in ("Tab", "Enter", "C-c", "C-u", "BSpace"):
                self.tmux("send-keys", "-t", self.name, key)
            else:
                self.tmux("send-keys", "-t", self.name, "-l", key)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen().splitlines() if line.strip()]

    def line(self) -> str:
        """The command line being edited: the text after the last prompt on the screen."""
        prompts = [line for line in self.lines() if line.startswith(PROMPT.rstrip())]
        return prompts[-1][len(PROMPT) :] if prompts else "(no prompt)"

    def cursor_after_line(self) -> bool:
        """Whether the cursor sits right after the line's last character (no space)."""
        x = int(self.tmux("display-message", "-p", "-t", self.name, "#{cursor_x}"))
        return x == len(PROMPT) + len(self.line())

    def wait(self, ready: Callable[[], bool], what: str, timeout: float = 20) -> float:
        """Seconds until `ready()`; fails with the screen after `timeout`."""
        start = time.monotonic()
        while not ready():
            if time.monotonic() - start > timeout:
                raise AssertionError(
                    f"{self.shell}: timed out waiting for {what}; the screen:\n{self.screen()}"
                )
            time.sleep(0.02)
        return time.monotonic() - start

    def clear(self) -> None:
        """An empty command line on an empty screen. Tried again when a key is lost (one
        typed while the shell still redraws after a completion)."""
        for attempt in range(3):
            try:
                self.type("C-c")
                self.wait(lambda: self.lines()[-1:] == [PROMPT.rstrip()], "an empty line", 5)
                self.type("clear", "Enter")
                self.wait(lambda: self.lines() == [PROMPT.rstrip()], "a cleared screen", 5)
                return
            except AssertionError:
                if attempt == 2:
                    raise


def unavailable_reason(shell: str) -> str | None:
    """Why `shell` cannot be driven here, or None when it can."""
    missing = missing_programs(shell)
    if not missing:
        return None
    return (
        f"{' and '.join(missing)} not found: install the Debian packages ({PACKAGES}), "
        "as `make test` does when run as root"
    )
