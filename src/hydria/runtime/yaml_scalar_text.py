"""The text `OmegaConf.to_yaml` gives a simple scalar, written without PyYAML.

A sweep job's `.hydra` files differ from the last job's in a few values (`hydra.job.num`,
`id`, `override_dirname`, `runtime.output_dir`, the swept keys), which `config_yaml`
cannot take from its memo; PyYAML costs ~30 us a value to write them. Ints and
strings of a few safe characters are written here instead: OmegaConf's `str_representer`
asks for single quotes when a string reads as a bool, an int or a float, and the
emitter writes a string plain unless its resolver would read the plain text as another
type (`null`, a timestamp, `0x1f`). Anything else returns None, and PyYAML writes it.

OmegaConf 2.3 dumps with PyYAML's emitter, 2.4 with libyaml's; the characters allowed
are indicators to neither, so both choose the same style.
`tests/runtime/test_config_yaml.py` compares the texts with PyYAML's on both versions,
and the texts are used only while the dumper's `str`, `int` and `list` representers are
the stock ones (`scalar_table`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml
from omegaconf._utils import (
    YAML_BOOL_TYPES,
    OmegaConfDumper,
    get_omega_conf_dumper,
    is_float,
    is_int,
)

__all__ = ["entry_text", "scalar_table", "scalar_text"]

#: a dumper's implicit resolvers: first character -> (tag, pattern)
Table = dict[Any, list[tuple[str, Any]]]

#: characters a scalar's text may hold for `scalar_text` to write it (`_SAFE_FIRST` for the
#: first): none is an indicator to PyYAML's emitter or libyaml's, in any position, so
#: a string of them is allowed both plain and single-quoted, and none is a space, so no
#: line is folded
_SAFE_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/")
_SAFE = _SAFE_FIRST | frozenset(".=-+,")
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
#: per dumper stamp (`config_yaml._dumper_stamp`: a token never reused), its implicit
#: resolvers when `scalar_text` may stand in for it. Process-wide but never stale, and it
#: holds no config.
_tables: dict[Hashable, Table | None] = {}


def scalar_table(stamp: Hashable) -> Table | None:
    """The dumper's implicit resolvers (first character -> (tag, pattern)) when it writes
    `str`, `int` and `list` values the stock way (OmegaConf's `str_representer`,
    PyYAML's `represent_int` and `represent_list`) and resolves no paths; None when a
    representer was replaced (its texts come from PyYAML then)."""
    if stamp in _tables:
        return _tables[stamp]
    dumper = get_omega_conf_dumper()
    stock = (
        dumper.yaml_representers.get(str) is vars(OmegaConfDumper)["str_representer"].__func__
        and dumper.yaml_representers.get(int) is yaml.representer.SafeRepresenter.represent_int
        and dumper.yaml_representers.get(list) is yaml.representer.SafeRepresenter.represent_list
        and not dumper.yaml_path_resolvers
    )
    table = dumper.yaml_implicit_resolvers if stock else None
    if len(_tables) > 64:
        _tables.clear()
    _tables[stamp] = table
    return table


def _resolved_tag(text: str, table: Table) -> str:
    """The tag PyYAML's resolver gives `text` as a plain scalar (`Resolver.resolve`)."""
    for tag, pattern in table.get(text[0], []) + table.get(None, []):
        if pattern.match(text):
            return str(tag)
    return _STR_TAG


def scalar_text(value: Any, table: Table) -> str | None:
    """`value`'s text as `to_yaml` writes it after a `key:` or `- `, for the values a sweep
    job writes anew (`num`, `id`, a path, an override): an `int`, or a string of
    `_SAFE` characters; None for anything else (PyYAML writes it).

    OmegaConf's `str_representer` asks for single quotes when the string reads as a
    bool, an int or a float; otherwise the emitter writes it plain unless the resolver
    would read the plain text as another type (`null`, a timestamp, `0x1f`), and then
    single-quoted. `tests/runtime/test_config_yaml.py` compares these texts with
    `to_yaml` on OmegaConf 2.3 (PyYAML's emitter) and 2.4 (libyaml's)."""
    kind = type(value)
    if kind is int:
        text = str(value)
        return text if _resolved_tag(text, table) == _INT_TAG else None
    if kind is not str or not value or value[0] not in _SAFE_FIRST or not _SAFE.issuperset(value):
        return None
    if value in YAML_BOOL_TYPES or _reads_as_number(value):
        return f"'{value}'"
    return value if _resolved_tag(value, table) == _STR_TAG else f"'{value}'"


#: every ASCII character Python's `float()` and `int()` accept (digits, signs, `_`, `.`,
#: exponents, `inf`, `infinity`, `nan` in any case, white space): an ASCII text with
#: another is no number
_NUMBER_CHARACTERS = frozenset("0123456789+-_.eEiInNfFtTyYaA \t\n\r\v\f")


def _reads_as_number(text: str) -> bool:
    """OmegaConf's `is_int(text) or is_float(text)`, after a quick test most texts fail
    (each of those raises and catches an exception to say no)."""
    if text.isascii() and not _NUMBER_CHARACTERS.issuperset(text):  # `int("١٢")` is 12
        return False
    return is_int(text) or is_float(text)


def entry_text(indent: str, key: Any, value: Any, table: Table) -> str | None:
    """The text of one `key: value` entry of a block mapping whose `key:` is plain, for a
    scalar or a list of scalars (`scalar_text`); None when PyYAML must write it."""
    if type(value) is list:
        if not value:
            return f"{indent}{key}: []\n"
        lines = [f"{indent}{key}:\n"]
        for item in value:
            text = scalar_text(item, table)
            if text is None:
                return None
            lines.append(f"{indent}- {text}\n")
        return "".join(lines)
    text = scalar_text(value, table)
    return None if text is None else f"{indent}{key}: {text}\n"
