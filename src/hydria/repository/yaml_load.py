"""Parse YAML exactly as OmegaConf does, with libyaml's C parser when it is present.

OmegaConf's rules on top of YAML 1.1: `1e3` and `1_0.5` are floats, timestamps
stay strings, and a mapping may not repeat a key. Getting these right matters
because users' trees rely on them (`lr: 1e-3`, `on:` keys, `55_000`).
"""

from __future__ import annotations

import re
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


class _OmegaConfRulesLoader(_BaseLoader):
    """A safe loader with OmegaConf's implicit typing and duplicate-key check."""

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


# Appended after YAML 1.1's own float rule, so that rule still wins where both match.
_OmegaConfRulesLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _FLOAT, list("-+0123456789.")
)
_OmegaConfRulesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag != _TIMESTAMP_TAG]
    for first, rules in _OmegaConfRulesLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, *, filename: str) -> Any:
    """Parse one YAML document into plain Python values.

    Args:
        text: the file's content.
        filename: shown in errors.

    Returns:
        dict, list, scalar or None (an empty file).

    Raises:
        ConfigSyntaxError: the text is not valid YAML, with file, line and column.
    """
    try:
        return yaml.load(text, Loader=_OmegaConfRulesLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigSyntaxError(f"Invalid YAML in {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigSyntaxError(f"Invalid YAML in {filename}: {exc}") from None
