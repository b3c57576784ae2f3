"""The `.hydra/*.yaml` text of a config, byte for byte `OmegaConf.to_yaml`'s, with the YAML
of each entry remembered across the jobs of a sweep.

Most of a sweep's `hydra.yaml` (and often most of its `config.yaml`) is the same for
every job: only a few entries (`hydra.job.num`, `hydra.runtime.output_dir`, the swept
keys) change. The mappings of the top `_DEPTH` levels are taken entry by entry; each
entry's text is kept, keyed on its exact content (types and float spellings included:
`1`, `True` and `1.0` are different keys), and only the entries not seen before are
emitted, all in one `yaml.dump_all` call.

Why joining entry texts gives `to_yaml`'s text: in a block mapping, PyYAML emits each
key and its value from the same column whatever the siblings are, and an entry is
emitted under the same enclosing keys as in the whole document, so line folding (which
depends on the column) is the same. What could break that is guarded: a value shared by
two entries would become an anchor and an alias (the content is built afresh for every
dump and scalars are never aliased; content that is not plain dicts, lists and scalars
is dumped whole), an open-ended scalar would end the stream with `...`, a key PyYAML
quotes would not be the `key:` line assumed, and a `---` line of a value's own would
split `dump_all`'s output wrongly; in each case the whole document is dumped instead.
A representer added to OmegaConf's dumper changes the key, so it never meets text
emitted before it. `tests/runtime/test_config_yaml.py` compares the texts with
`to_yaml` on OmegaConf 2.3 and 2.4 over unicode, multi-line and quoted strings, `???`,
interpolations, null, floats, bool-like strings and random configs changing job to job.

The module runs to ~520 lines on purpose: the remembered texts are one process-wide
memo, which emitting a job's text reads and fills and which `app.run_state` keeps for the
next run (`texts_in_use`, `adopt_texts`); split, one module would reach into the other's
state.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import omegaconf
import yaml
from omegaconf import Container, DictConfig, OmegaConf
from omegaconf._utils import get_omega_conf_dumper
from omegaconf.basecontainer import BaseContainer

from hydria.config_storage import stored_node
from hydria.record_class import record
from hydria.runtime.plain_content import NOT_PLAIN, plain_content
from hydria.runtime.yaml_scalar_text import Table, entry_text, scalar_table, scalar_text

__all__ = [
    "TextsInUse",
    "adopt_texts",
    "config_yaml",
    "forget_yaml_texts",
    "portable_stamp",
    "strings_yaml",
    "texts_in_use",
    "wrapped_yaml",
]

#: OmegaConf 2.4 escapes a literal '???' string when dumping (`to_yaml` passes
#: `encode_missing_literals`, which 2.3's `_to_content` does not take).
_OMEGACONF_2_4 = tuple(int(part) for part in omegaconf.__version__.split(".")[:2]) >= (2, 4)

#: entry texts kept, least recently used dropped first: a few sweeps' worth
_SIZE = 4096
_texts: OrderedDict[Hashable, str] = OrderedDict()
#: mapping levels (below the document) taken entry by entry
_DEPTH = 3
#: whether a key is emitted plainly, per enclosing keys (a handful per app)
_keys: dict[Hashable, bool] = {}
_lock = threading.Lock()
#: how many times each text (by memo key) was read or emitted since `adopt_texts`, and
#: how many were emitted
_used: dict[Hashable, int] = {}
#: past this many texts used, only those used more than once are worth keeping for the
#: next run (a sweep's jobs each emit their own `hydra.job.num`, ...)
_KEEP_ALL = 512
_emitted = [0]


def forget_yaml_texts() -> None:
    """Drop the remembered entry texts (the process-wide caches of this module; see
    `hydria.app.process_caches.reset_process_caches`)."""
    with _lock:
        _texts.clear()
        _keys.clear()
        _used.clear()
        _emitted[0] = 0


_SCALARS = (str, int, bool, type(None))


#: `to_yaml`'s options for `_to_content` (2.4: a literal '???' string is escaped)
_OPTIONS: dict[str, Any] = {"resolve": False, "throw_on_missing": False, "enum_to_str": True}
if _OMEGACONF_2_4:
    _OPTIONS["encode_missing_literals"] = True


def _content(node: Container) -> tuple[Any, bool]:
    """What `to_yaml` dumps for `node`: its unresolved content, enums as names; and
    whether it is plain data (dicts, lists, str, int, float, bool, null only).

    Read from the nodes' storage when they hold plain data (`plain_content`), else
    through `BaseContainer._to_content`, which `to_yaml` calls with these options
    (OmegaConf 2.1-2.4; `tests/internals/test_private_routes.py` pins it)."""
    plain = plain_content(node)
    if plain is NOT_PLAIN:
        return BaseContainer._to_content(node, **_OPTIONS), False
    return plain, True


#: `OmegaConf.to_yaml`'s options for PyYAML (its dumper is taken at each call: a
#: representer may be added to it at any time)
_DUMP_OPTIONS: dict[str, Any] = {
    "default_flow_style": False,
    "allow_unicode": True,
    "sort_keys": False,
}


def _dump(data: Any) -> str:
    text: str = yaml.dump(data, Dumper=get_omega_conf_dumper(), **_DUMP_OPTIONS)
    return text


def _plain_key(value: Any) -> Hashable:
    """An exact key for plain data (see `_content`): its `repr`, which spells every type
    and float apart (`1`, `True`, `1.0`, `'1'`, `-0.0`, `nan`) and keeps the order of
    keys, and is built in C, several times faster than `_frozen`'s tuples."""
    return (str, repr(value))


def _frozen(value: Any) -> Hashable | None:
    """`value` as an exact, hashable key (None: it cannot be keyed exactly)."""
    kind = type(value)
    if kind is dict:
        items = []
        for key, item in value.items():
            frozen_key, frozen_item = _frozen(key), _frozen(item)
            if frozen_key is None or frozen_item is None:
                return None
            items.append((frozen_key, frozen_item))
        return (dict, tuple(items))
    if kind is list:
        entries = []
        for item in value:
            frozen_item = _frozen(item)
            if frozen_item is None:
                return None
            entries.append(frozen_item)
        return (list, tuple(entries))
    if kind is float:
        return (float, repr(value))  # -0.0 == 0.0 and nan != nan, but their texts differ
    if kind in _SCALARS:
        return (kind, value)
    return None


#: a small token per dumper state (`_dumper_stamp`); never reused, so a text kept under an
#: old state is never taken for the current one
_stamp_tokens: dict[Hashable, int] = {}
_next_token = itertools.count()


def _dumper_stamp() -> Hashable:
    """What the texts depend on besides the content (the dumper and its representers), as
    a small token: every memo key holds it, and a key is hashed and compared at each
    lookup (~20 a job)."""
    dumper = get_omega_conf_dumper()
    state = (
        id(dumper),
        tuple(dumper.yaml_representers.items()),
        tuple(dumper.yaml_multi_representers.items()),
    )
    token = _stamp_tokens.get(state)
    if token is None:
        with _lock:
            if len(_stamp_tokens) > 64:  # representers changed again and again
                _stamp_tokens.clear()
            token = _stamp_tokens.setdefault(state, next(_next_token))
    return token


def _wrap(path: tuple[str, ...], section: dict[Any, Any]) -> dict[Any, Any]:
    for key in reversed(path):
        section = {key: section}
    return section


def _headers(path: tuple[str, ...]) -> str:
    return "".join(f"{'  ' * depth}{key}:\n" for depth, key in enumerate(path))


def _simple_key(path: tuple[str, ...], key: str, stamp: Hashable) -> bool:
    """Whether a mapping under `key` is emitted as a `key:` line then its entries, indented:
    true of plain keys (not of `'on'`, `null`, `a: b`, which PyYAML quotes)."""
    memo_key = ("key", path, key, stamp)
    known = _keys.get(memo_key)
    if known is None:
        sample = _dump(_wrap((*path, key), {"k": 1}))
        known = sample == f"{_headers((*path, key))}{'  ' * (len(path) + 1)}k: 1\n"
        if len(_keys) > _SIZE:
            _keys.clear()
        _keys[memo_key] = known
    return known


@record(frozen=False)
class _Missing:
    """An entry whose text is not remembered: emitted with the others of its document."""

    path: tuple[str, ...]
    document: dict[Any, Any]
    memo_key: Hashable
    text: str = ""


def _remembered(memo_key: Hashable) -> str | None:
    with _lock:
        text = _texts.get(memo_key)
        if text is not None:
            _texts.move_to_end(memo_key)
            _used[memo_key] = _used.get(memo_key, 0) + 1
    return text


def _remember(memo_key: Hashable, text: str) -> None:
    """Keep `text` (the caller holds `_lock`)."""
    _texts[memo_key] = text
    _used[memo_key] = _used.get(memo_key, 0) + 1


def _collect(
    content: dict[Any, Any],
    path: tuple[str, ...],
    stamp: Hashable,
    parts: list[str | _Missing],
    plain: bool = False,
    sections: list[tuple[int, int, Hashable]] | None = None,
    table: Table | None = None,
) -> bool:
    """Append the texts (or `_Missing` entries) of the mapping at `path` to `parts`;
    False when there is no shortcut (dump the whole document).

    A non-empty mapping near the top is taken entry by entry, so a job that changes one
    value of `hydra.runtime` emits that value alone. Of plain content, a whole mapping
    seen before is one lookup (`hydra.job_logging` as it was in the last job); one not
    seen is taken entry by entry and its span of `parts` noted in `sections`, so its
    text is kept once the missing entries are emitted. An entry holding a simple scalar
    (or a list of them) is written directly when `table` allows (`yaml_scalar_text`): a sweep
    job's own values are new every time, and PyYAML costs ~30 us a value."""
    indent = "  " * len(path)
    for key, value in content.items():
        if (
            type(value) is dict
            and value
            and len(path) < _DEPTH
            and type(key) is str
            and _simple_key(path, key, stamp)
        ):
            section_key: Hashable = None
            if plain and sections is not None:
                section_key = (path, ("section", key, repr(value)), stamp)
                text = _remembered(section_key)
                if text is not None:
                    parts.append(text)
                    continue
            start = len(parts)
            parts.append(f"{indent}{key}:\n")
            if not _collect(value, (*path, key), stamp, parts, plain, sections, table):
                return False
            if section_key is not None and sections is not None:
                sections.append((start, len(parts), section_key))
            continue
        if table is not None and type(key) is str and _simple_key(path, key, stamp):
            text = entry_text(indent, key, value, table)
            if text is not None:
                parts.append(text)
                continue
        frozen = _plain_key({key: value}) if plain else _frozen({key: value})
        if frozen is None:  # not plain data: it could be aliased with another entry
            return False
        memo_key = (path, frozen, stamp)
        text = _remembered(memo_key)
        parts.append(text if text is not None else _Missing(path, {key: value}, memo_key))
    return True


def _together(missing: list[_Missing], stamp: Hashable) -> list[str] | None:
    """The missing entries' texts from one document holding them all, in order (a sweep
    job's `id`, `num`, `override_dirname`, ... under their enclosing keys): a document
    costs PyYAML about as much as its entries. None when the document cannot be cut
    back into entries with certainty (a key PyYAML would quote, a line not where it
    must be); the caller then emits one document per entry."""
    union: dict[Any, Any] = {}
    for entry in missing:
        ((key, value),) = entry.document.items()
        if type(key) is not str or not _simple_key(entry.path, key, stamp):
            return None
        mapping = union
        for part in entry.path:
            mapping = mapping.setdefault(part, {})
            if type(mapping) is not dict:
                return None
        if key in mapping:
            return None
        mapping[key] = value
    lines = _dump(union).splitlines(keepends=True)
    texts = []
    at = 0
    path: tuple[str, ...] = ()
    for entry in missing:
        common = 0
        while common < min(len(path), len(entry.path)) and path[common] == entry.path[common]:
            common += 1
        for depth in range(common, len(entry.path)):  # the enclosing keys, once each
            if at >= len(lines) or lines[at] != f"{'  ' * depth}{entry.path[depth]}:\n":
                return None
            at += 1
        path = entry.path
        indent = "  " * len(path)
        ((key, _),) = entry.document.items()
        if at >= len(lines) or not lines[at].startswith(f"{indent}{key}:"):
            return None
        start = at
        at += 1
        while at < len(lines) and (
            lines[at] == "\n"  # a blank line inside a block scalar
            or lines[at].startswith(f"{indent} ")  # deeper: the value's own lines
            or lines[at].startswith(f"{indent}- ")  # a list, which PyYAML does not indent
        ):
            at += 1
        texts.append("".join(lines[start:at]))
    return texts if at == len(lines) else None  # e.g. an open-ended scalar's '...'


def _emit(missing: list[_Missing], stamp: Hashable) -> bool:
    """Emit the missing entries, all in one document when they can be cut back out of it
    (`_together`), else in one `dump_all` (one document each: a call costs more than a
    small entry), and remember their texts; False if one is not emitted as it is in the
    whole document."""
    together = _together(missing, stamp) if len(missing) > 1 else None
    if together is not None:
        for entry, text in zip(missing, together, strict=True):
            entry.text = text
        _keep(missing)
        return True
    documents = [_wrap(m.path, m.document) for m in missing]
    if len(documents) == 1:
        texts = [_dump(documents[0])]
    else:
        dumped: str = yaml.dump_all(documents, Dumper=get_omega_conf_dumper(), **_DUMP_OPTIONS)
        lines: list[list[str]] = [[]]
        for line in dumped.splitlines(keepends=True):
            if line == "---\n":  # each document after the first starts with it
                lines.append([])
            else:
                lines[-1].append(line)
        texts = ["".join(document) for document in lines]
        if len(texts) != len(documents):  # a '---' line of a value's own: no shortcut
            return False
    for entry, text in zip(missing, texts, strict=True):
        header = _headers(entry.path)
        if not text.startswith(header) or text.endswith("...\n"):
            return False  # an open-ended scalar: the document would end with '...'
        entry.text = text[len(header) :]
    _keep(missing)
    return True


def _keep(missing: list[_Missing]) -> None:
    with _lock:
        _emitted[0] += len(missing)
        for entry in missing:
            _remember(entry.memo_key, entry.text)
        if len(_used) > 4 * _SIZE:  # a long sweep: its texts used once are not kept anyway
            for key in [key for key, count in _used.items() if count < 2]:
                del _used[key]
        while len(_texts) > _SIZE:
            _texts.popitem(last=False)


def _entries_text(
    content: dict[Any, Any], path: tuple[str, ...], stamp: Hashable, plain: bool
) -> str | None:
    """The text of the entries of the mapping at `path` (None: dump it whole)."""
    parts: list[str | _Missing] = []
    sections: list[tuple[int, int, Hashable]] = []
    if not _collect(content, path, stamp, parts, plain, sections, scalar_table(stamp)):
        return None
    missing = [part for part in parts if isinstance(part, _Missing)]
    if missing and not _emit(missing, stamp):
        return None
    texts = [part if isinstance(part, str) else part.text for part in parts]
    if sections:
        with _lock:
            for start, end, section_key in sections:
                _remember(section_key, "".join(texts[start:end]))
            while len(_texts) > _SIZE:
                _texts.popitem(last=False)
    return "".join(texts)


def config_yaml(config: Container) -> str:
    """`OmegaConf.to_yaml(config)`, byte for byte."""
    content, plain = _content(config)
    if isinstance(content, dict) and content and isinstance(config, DictConfig):
        text = _entries_text(content, (), _dumper_stamp(), plain)
        if text is not None:
            return text
    return _dump(content)


def strings_yaml(items: Sequence[str]) -> str:
    """`OmegaConf.to_yaml(OmegaConf.create(list(items)))` for a list of strings (a job's
    overrides), byte for byte, without building the `ListConfig`: its unresolved content
    is the strings themselves, unless one is `???` (a missing value, which OmegaConf 2.4
    dumps escaped)."""
    if any(type(item) is not str or item == "???" for item in items):
        return config_yaml(OmegaConf.create(list(items)))
    table = scalar_table(_dumper_stamp())
    if table is not None:
        if not items:
            return "[]\n"
        texts = [scalar_text(item, table) for item in items]
        if None not in texts:
            return "".join(f"- {text}\n" for text in texts)
    return _dump(list(items))


def wrapped_yaml(config: DictConfig, key: str) -> str:
    """`OmegaConf.to_yaml(OmegaConf.masked_copy(config, key))`, byte for byte, without the
    masked copy (deep-copying the whole config costs more than dumping it, once per job)."""
    node = stored_node(config, key)
    content, plain = _content(config[key] if node is None else node)
    if isinstance(content, dict) and content:
        stamp = _dumper_stamp()
        if _simple_key((), key, stamp):
            text = _entries_text(content, (key,), stamp, plain)
            if text is not None:
                return f"{key}:\n{text}"
    return _dump({key: content})


# --- keeping texts for the next run (`hydria.app.run_state`) ------------------------------


def portable_stamp() -> Hashable | None:
    """What the emitted texts depend on besides the content, in a form that means the same
    in another process: PyYAML's and OmegaConf's versions and OmegaConf's dumper's
    representers by name. None when a representer has no importable name (a lambda, a
    local function): its texts are then kept in this process only."""
    dumper = get_omega_conf_dumper()
    representers = []
    for table in (dumper.yaml_representers, dumper.yaml_multi_representers):
        for kind, function in table.items():
            names = []
            for item in (kind, function):
                if item is None:
                    names.append("None")
                    continue
                qualname = getattr(item, "__qualname__", "<?>")
                if "<" in qualname:
                    return None
                names.append(f"{getattr(item, '__module__', '?')}.{qualname}")
            representers.append(tuple(names))
    return (yaml.__version__, omegaconf.__version__, tuple(representers))


@record
class TextsInUse:
    """The entry texts a process read or emitted since it adopted some, without the
    process's dumper stamp: `(memo key without stamp, text)` pairs and `(key, verdict)`
    pairs of `_simple_key`; and how many texts it had to emit."""

    texts: tuple[tuple[tuple[Any, ...], str], ...]
    keys: tuple[tuple[tuple[Any, ...], bool], ...]
    emitted: int


def texts_in_use() -> TextsInUse:
    """What `adopt_texts` in the next run would need, read from this process."""
    stamp = _dumper_stamp()
    with _lock:
        least = 1 if len(_used) <= _KEEP_ALL else 2
        used = [(key, _texts.get(key)) for key, count in _used.items() if count >= least]
        texts = tuple((_unstamped(key, stamp), text) for key, text in used if text is not None)
        keys = tuple((_unstamped(key, stamp), known) for key, known in _keys.items())
    return TextsInUse(
        tuple((key, text) for key, text in texts if key is not None),
        tuple((key, known) for key, known in keys if key is not None),
        _emitted[0],
    )


def _unstamped(memo_key: Hashable, stamp: Hashable) -> tuple[Any, ...] | None:
    """A memo key (a tuple ending with the dumper stamp) without its stamp; None when it
    was made with another dumper than the current one."""
    if type(memo_key) is not tuple or not memo_key or memo_key[-1] != stamp:
        return None
    return memo_key[:-1]


def adopt_texts(texts: TextsInUse) -> None:
    """Take texts kept by an earlier process (made with the same `portable_stamp`), and
    count what is read or emitted from now on."""
    stamp = _dumper_stamp()
    with _lock:
        for key, text in texts.texts:
            _texts[key + (stamp,)] = text
        for key, known in texts.keys:
            _keys[key + (stamp,)] = known
        while len(_texts) > _SIZE:
            _texts.popitem(last=False)
        _used.clear()
        _emitted[0] = 0
