"""File path candidates: for `--config-dir`, `--config-path`, `--experimental-rerun`, and
for values that are paths, relative to the directory the command runs in."""

from __future__ import annotations

import os

__all__ = ["PATH_SUFFIXES", "complete_path", "looks_like_path"]

#: a value ending in one of these names a file (a checkpoint, a dataset, a config)
PATH_SUFFIXES = (
    ".yaml", ".yml", ".json", ".jsonl", ".toml", ".ini", ".cfg", ".txt", ".csv", ".tsv",
    ".parquet", ".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".bin", ".safetensors", ".npy",
    ".npz", ".h5", ".hdf5", ".onnx", ".zip", ".gz", ".tar", ".log", ".py", ".sh",
)  # fmt: skip
#: a directory with more entries is cut short: a Tab must not list a whole dataset
MAX_ENTRIES = 500


def looks_like_path(value: str) -> bool:
    """Whether a typed or current value names a file or directory."""
    return (
        value.startswith(("/", "./", "../", "~/"))
        or value in (".", "..", "~")
        or ("/" in value and "${" not in value and "://" not in value)
        or value.lower().endswith(PATH_SUFFIXES)
    )


def complete_path(partial: str, cwd: str, *, dirs_only: bool = False) -> list[str]:
    """The paths that complete `partial`, spelled as typed (`~` and relative parts kept);
    directories end with `/`.

    Args:
        partial: the path typed so far (`conf/d`, `~/ru`, ``).
        cwd: what a relative `partial` is relative to.
        dirs_only: offer directories only.
    """
    head, _, stem = partial.rpartition("/")
    typed_dir = head + "/" if head or partial.startswith("/") else ""
    where = os.path.join(cwd, os.path.expanduser(typed_dir or "."))
    found: list[str] = []
    try:
        with os.scandir(where) as entries:
            for entry in entries:
                if len(found) >= MAX_ENTRIES:
                    break
                name = entry.name
                if not name.startswith(stem) or (name.startswith(".") and not stem):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    continue
                if is_dir:
                    found.append(f"{typed_dir}{name}/")
                elif not dirs_only:
                    found.append(f"{typed_dir}{name}")
    except OSError:
        return []
    return sorted(found)
