"""Parse YAML exactly as OmegaConf does, with libyaml's C parser when it is present.

OmegaConf's rules on top of YAML 1.1: `1e3` and `1_0.5` are floats, timestamps
stay strings, and a mapping may not repeat a key. Getting these right matters
because users' trees rely on them (`lr: 1e-3`, `on:` keys, `55_000`).

Aliases are bounded as OmegaConf 2.4 bounds them, whichever OmegaConf is installed:
a recursive alias is an error, and a document using aliases may expand to at most
10,000 nodes (`OMEGACONF_MAX_YAML_EXPANDED_NODES`: another positive limit, or `none`)
and to at most 100 times its own size once past 1,000 nodes. A document without
aliases cannot expand and is not counted.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import yaml

from hydria.errors import ConfigSyntaxError

try:  # the C parser is ~10x faster; values are still built by PyYAML's Python constructor
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_FLOAT = re.compile(
    r"""^(?:
     [-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+)
    |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"


_INT_TAG = "tag:yaml.org,2002:int"
MAX_EXPANDED_NODES = 10_000
MAX_EXPANSION_RATIO = 100
MIN_NODES_FOR_RATIO = 1_000
MAX_EXPANDED_NODES_ENV = "OMEGACONF_MAX_YAML_EXPANDED_NODES"


class _OmegaConfRulesLoader(_BaseLoader):
    """A safe loader with OmegaConf's implicit typing and duplicate-key check."""

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            digits = sum(c.isdigit() for c in str(node.value))
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"an integer of {digits} digits, more than Python reads "
                f"({sys.get_int_max_str_digits()}); quote it to keep it as a string",
                node.start_mark,
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if key_node.tag != _STR_TAG:
                continue
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value}",
                    key_node.start_mark,
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_OmegaConfRulesLoader.add_constructor(_INT_TAG, _OmegaConfRulesLoader.construct_yaml_int)

# Appended after YAML 1.1's own float rule, so that rule still wins where both match.
_OmegaConfRulesLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")
)
_OmegaConfRulesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag != _TIMESTAMP_TAG]
    for first, rules in _OmegaConfRulesLoader.yaml_implicit_resolvers.items()
}


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _expanded_limit() -> int | None:
    value = os.environ.get(MAX_EXPANDED_NODES_ENV, "").strip()
    if not value:
        return MAX_EXPANDED_NODES
    if value.lower() == "none":
        return None
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise ConfigSyntaxError(
            f"Invalid value for {MAX_EXPANDED_NODES_ENV}: {value!r}: "
            "set it to a positive integer, or to 'none'"
        )
    return limit


def _check_aliases(root: Any, where: str) -> None:
    """Refuse recursive aliases and documents that aliases blow up (OmegaConf 2.4's limits).

    One iterative post-order walk over the node graph (each node once), so neither
    a deep nor a recursive document can exhaust the stack.

    Raises:
        ConfigSyntaxError: naming the file and line.
    """
    expanded: dict[int, int] = {}  # id(node) -> nodes it stands for, aliases expanded
    limit = _expanded_limit()
    cap = MAX_EXPANDED_NODES * MAX_EXPANSION_RATIO if limit is None else limit + 1
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(expanded[id(c)] for c in _children(node))
            expanded[key] = min(total, cap)  # capped: a bomb stops growing the numbers
            continue
        if key in expanded:
            continue
        if key in on_path:
            mark = node.start_mark
            raise ConfigSyntaxError(
                f"Invalid YAML in {where}:{mark.line + 1}:{mark.column + 1}: "
                "a recursive alias (an anchor used inside itself); YAML aliases must not "
                "contain themselves"
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in expanded)
    if limit is None:
        return
    total, unique = expanded[id(root)], len(expanded)
    mark = root.start_mark
    if total > limit:
        raise ConfigSyntaxError(
            f"Invalid YAML in {where}:{mark.line + 1}: its aliases expand it to more than "
            f"{limit} nodes. Use fewer aliases, or for trusted input raise the limit with "
            f"{MAX_EXPANDED_NODES_ENV} (a positive integer, or 'none')"
        )
    if total > MIN_NODES_FOR_RATIO and total > unique * MAX_EXPANSION_RATIO:
        raise ConfigSyntaxError(
            f"Invalid YAML in {where}:{mark.line + 1}: its aliases expand it from {unique} "
            f"to {total} nodes, more than {MAX_EXPANSION_RATIO} times its size. Use fewer "
            f"aliases, or for trusted input set {MAX_EXPANDED_NODES_ENV}=none"
        )


def parse_yaml(text: str, *, filename: str) -> Any:
    """Parse one YAML document into plain Python values.

    Args:
        text: the file's content.
        filename: shown in errors.

    Returns:
        dict, list, scalar or None (an empty file).

    Raises:
        ConfigSyntaxError: the text is not valid YAML, with file, line and column; or
            its aliases are recursive or expand it too much (see the module docstring).
    """
    loader = _OmegaConfRulesLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:  # an alias needs one: documents without cannot expand
            _check_aliases(node, filename)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigSyntaxError(f"Invalid YAML in {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigSyntaxError(f"Invalid YAML in {filename}: {exc}") from None
    finally:
        loader.dispose()
