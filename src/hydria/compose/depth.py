"""How deep a composition nests, and the error for one deeper than OmegaConf can build.

OmegaConf creates, merges, copies and pickles nodes recursively, about 13 Python
frames a level, so under Python's default recursion limit it manages configs about
60 levels deep (counting the packages configs are placed at). Deeper ones end in
`RecursionError`; the composer turns that into the error below, which names the
config that goes deepest. Nothing is measured unless that happens.
"""

from __future__ import annotations

from typing import Any

from hydria.defaults import DefaultsList
from hydria.errors import CompositionError
from hydria.repository import ConfigRepository

OMEGACONF_DEPTH = 60


def nesting_depth(value: Any) -> int:
    """Levels of dicts and lists in plain YAML data (a scalar is 0), without recursing."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((c, level + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def _short(package: str) -> str:
    parts = package.split(".")
    return package if len(parts) <= 6 else ".".join(parts[:3]) + "..." + ".".join(parts[-2:])


def too_deep_error(repo: ConfigRepository, defaults: DefaultsList) -> CompositionError:
    """The error for a composition that ran out of stack, naming its deepest config."""
    best: tuple[int, int, str, str, str] | None = None
    for d in defaults.defaults:
        raw = repo.load(d.config_path)
        inner = 0
        if raw is not None and not raw.is_structured:
            content = raw.content
            if isinstance(content, dict) and "defaults" in content:
                content = {k: v for k, v in content.items() if k != "defaults"}
            inner = nesting_depth(content)
        outer = len(d.package.split(".")) if d.package else 0
        where = raw.filename if raw is not None and raw.filename else str(d.config_path)
        if best is None or outer + inner > best[0] + best[1]:
            best = (outer, inner, d.config_path, d.package, where)
    advice = (
        f"OmegaConf cannot build configs nested much deeper than {OMEGACONF_DEPTH} levels "
        "(it recurses once per level). Flatten the nesting: a shorter package "
        "(`# @package`, `_global_`, `@_here_`) or fewer levels inside the file"
    )
    if best is None:
        return CompositionError(f"The composed config is nested too deeply. {advice}")
    outer, inner, path, package, where = best
    placed = f"is placed at package '{_short(package)}' ({outer} levels) and " if outer else ""
    return CompositionError(
        f"The composed config is nested too deeply: '{path}' ({where}) {placed}nests "
        f"{inner} levels inside, {outer + inner} in all. {advice}"
    )
