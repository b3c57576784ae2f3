"""The text of `--help`, `--hydra-help`, `--info` and `--version`, from values the runner passes.

Nothing here composes or prints: each `render_*` function returns the text for the
caller to `print()`, laid out as Hydra 1.3 lays it out.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Mapping, Sequence
from typing import TypeVar

from omegaconf import DictConfig, OmegaConf

from hydria.app.cli import FLAGS, INFO_KINDS, OVERRIDES_HELP
from hydria.defaults import DefaultsList, DefaultsTreeNode
from hydria.errors import ConfigContentError, UsageError
from hydria.repository import SearchPathEntry
from hydria.version import __version__

__all__ = [
    "exec_command",
    "flags_help",
    "render_app_help",
    "render_hydra_help",
    "render_info",
    "version_text",
]

_T = TypeVar("_T")
_PLACEHOLDERS = ("APP_CONFIG_GROUPS", "CONFIG", "FLAGS_HELP", "HYDRA_CONFIG_GROUPS")
# The first line of Hydra's default `--hydra-help` template, as written.
_HYDRA_HELP_TITLE = "Hydra (${hydra.runtime.version})\n"
# Hydra's completion plugins' examples; zsh uses the bash completion.
_COMPLETION_EXAMPLES = (
    ("Bash", 'eval "$({command} -sc {action}=bash)"'),
    ("Fish", "{command} -sc {action}=fish | source"),
    ("Zsh", 'eval "$({command} -sc {action}=bash)"'),
)
_ZSH_NOTE = (
    "Zsh is compatible with the Bash shell completion, see the [documentation]"
    "(https://hydra.cc/docs/1.2/tutorials/basic/running_your_app/tab_completion#zsh-instructions)"
    " for details."
)


def version_text() -> str:
    """What `--version` prints: `hydria <version>`."""
    return f"hydria {__version__}"


def exec_command(argv0: str) -> str:
    """How the user started the app, for the shell-completion examples.

    Args:
        argv0: `sys.argv[0]`.

    Returns:
        `python <argv0>` for a script, else the executable's base name (an entry point).
    """
    if argv0.endswith(".py"):
        return f"python {argv0}"
    return argv0.replace("\\", "/").rsplit("/", 1)[-1]


def _completion_help(command: str) -> str:
    lines = []
    for shell, example in _COMPLETION_EXAMPLES:
        for action in ("install", "uninstall"):
            lines.append(f"{shell} - {action.capitalize()}:")
            if shell == "Zsh" and action == "install":
                lines.append(_ZSH_NOTE)
            lines.append(example.format(command=command, action=action))
        lines.append("")
    return "\n".join(f"    {line}" if line else line for line in lines)


def flags_help(command: str) -> str:
    """`$FLAGS_HELP`: one `--flag,-f : help` line per flag, then the overrides, as in Hydra.

    Args:
        command: how the app is started (see `exec_command()`), for the examples.
    """
    lines = []
    for flag in FLAGS:
        names = flag.long if flag.short is None else f"{flag.long},{flag.short}"
        text = flag.help
        if flag.dest == "shell_completion":
            text += "\n" + _completion_help(command)
        lines.append(f"{names} : {text}\n")
    return "".join(lines) + f"Overrides : {OVERRIDES_HELP}"


def _is_hydra_group(group: str) -> bool:
    return group == "hydra" or group.startswith("hydra/")


def _format_groups(groups: Mapping[str, Sequence[str]], *, hydra: bool) -> str:
    lines = [
        f"{group}: {', '.join(sorted(groups[group]))}\n"
        for group in sorted(groups)
        if groups[group] and _is_hydra_group(group) == hydra
    ]
    return "".join(lines)


def _template(hydra_node: DictConfig, key: str) -> str:
    # The templates interpolate `${hydra.help...}` from the root: give a detached
    # hydra node (HydraConfig.get() style) a root to resolve against.
    node = hydra_node
    if hydra_node._get_parent() is None:
        node = OmegaConf.create({"hydra": hydra_node}).hydra
    template = node[key].template
    if not isinstance(template, str):
        raise ConfigContentError(
            f"hydra.{key}.template must be a string, got {type(template).__name__}"
        )
    return template


def _named_for_hydria(hydra_node: DictConfig, template: str) -> str:
    """The `--hydra-help` text's title, when the template is Hydra's default one.

    That template opens with `Hydra (${hydra.runtime.version})`, which names Hydra with
    hydria's version (`hydra.runtime.version` holds the version of what runs the app).
    The `hydra` node keeps Hydra's text, since it is saved in `.hydra/hydra.yaml` as Hydra
    saves it; only the printed help names hydria. Any other template (set in a config or
    with `hydra.hydra_help.template=...`, with the same placeholders and interpolations as
    in Hydra) is printed as written.
    """
    help_node = hydra_node["hydra_help"]
    written = dict(help_node.items_ex(resolve=False, keys=["template"])).get("template")
    if not isinstance(written, str) or not written.startswith(_HYDRA_HELP_TITLE):
        return template
    version = str(OmegaConf.select(hydra_node, "runtime.version", default=__version__))
    _, newline, rest = template.partition("\n")
    return f"hydria ({version}), running Hydra 1.3 apps{newline}{rest}"


def _fill(template: str, where: str, values: Mapping[str, str]) -> str:
    known = ", ".join(f"${name}" for name in _PLACEHOLDERS)
    try:
        return string.Template(template).substitute(values)
    except KeyError as exc:
        raise ConfigContentError(
            f"{where} uses the unknown placeholder ${exc.args[0]}; "
            f"the placeholders are {known} (write $$ for a literal $)"
        ) from None
    except ValueError as exc:  # "Invalid placeholder in string: line 3, col 5"
        position = str(exc).rpartition(": ")[2]
        raise ConfigContentError(
            f"{where} has a '$' that starts no placeholder ({position}); "
            f"the placeholders are {known} (write $$ for a literal $)"
        ) from None


def _render_help(
    hydra_node: DictConfig,
    key: str,
    groups: Mapping[str, Sequence[str]],
    config_yaml: str,
    command: str | None,
) -> str:
    values = {
        "FLAGS_HELP": flags_help(exec_command(sys.argv[0]) if command is None else command),
        "HYDRA_CONFIG_GROUPS": _format_groups(groups, hydra=True),
        "APP_CONFIG_GROUPS": _format_groups(groups, hydra=False),
        "CONFIG": config_yaml,
    }
    template = _template(hydra_node, key)
    if key == "hydra_help":
        template = _named_for_hydria(hydra_node, template)
    return _fill(template, f"hydra.{key}.template", values)


def render_app_help(
    hydra_node: DictConfig,
    groups: Mapping[str, Sequence[str]],
    config_yaml: str,
    *,
    command: str | None = None,
) -> str:
    """`--help`: `hydra.help.template` with its placeholders filled.

    Args:
        hydra_node: the composed `hydra` node (`cfg.hydra`); its `help` entry supplies
            the template, header, footer and app name, resolved by OmegaConf.
        groups: config groups with their options (`{"db": ["mysql", "postgresql"]}`), best
            all of them: `$APP_CONFIG_GROUPS` lists those outside `hydra/`, and
            `$HYDRA_CONFIG_GROUPS` the others (`hydra` itself included, as in Hydra), each
            sorted, with sorted options; groups without options are left out.
        config_yaml: `$CONFIG`, the composed config without `hydra` (Hydra passes
            `OmegaConf.to_yaml(cfg, resolve=request.resolve)`).
        command: how the app is started, for the shell-completion examples in
            `$FLAGS_HELP`; None for `exec_command(sys.argv[0])`.

    Returns:
        The help text, to be passed to `print()`.

    Raises:
        ConfigContentError: the template names an unknown placeholder or has a stray `$`.
        omegaconf.errors.OmegaConfBaseException: an interpolation in the help node fails.
    """
    return _render_help(hydra_node, "help", groups, config_yaml, command)


def render_hydra_help(
    hydra_node: DictConfig,
    groups: Mapping[str, Sequence[str]],
    config_yaml: str = "",
    *,
    command: str | None = None,
) -> str:
    """`--hydra-help`: `hydra.hydra_help.template` with its placeholders filled.

    Args are as for `render_app_help`, except that Hydra fills `$CONFIG` with the `hydra`
    node itself, unresolved and without its `help` and `hydra_help` entries.
    """
    return _render_help(hydra_node, "hydra_help", groups, config_yaml, command)


def render_info(
    kind: str,
    *,
    version: str = __version__,
    plugins: Mapping[str, Sequence[str]] | None = None,
    search_path: Sequence[SearchPathEntry] | None = None,
    defaults: DefaultsList | None = None,
    config_yaml: str | None = None,
    sources: Mapping[str, str] | None = None,
) -> str:
    """`--info [kind]`: the sections Hydra prints, with hydria's data.

    `plugins` needs only `plugins`; `searchpath` needs `search_path`; `defaults` and
    `defaults-tree` need `defaults`; `config` needs `search_path`, `defaults` and
    `config_yaml`; `all` needs all four.

    Args:
        kind: one of all, config, defaults, defaults-tree, plugins, searchpath.
        version: the version in the `all` header.
        plugins: plugin kind (`Launcher`) → the installed plugins' names, as the
            registry lists them (`hydria.plugin_registry.installed_plugins()`).
        search_path: the config search path, in search order.
        defaults: the resolved defaults list of the composition.
        config_yaml: the composed config without `hydra`, as YAML.
        sources: config path → where it was read from (a file, `structured://...`),
            shown beside each node of the defaults tree.

    Returns:
        The text, to be passed to `print()`.

    Raises:
        UsageError: `kind` is not one of the kinds above.
        TypeError: an input the kind needs was not given (a bug in the caller).
    """
    if kind not in INFO_KINDS:
        raise UsageError(f"--info expects one of {', '.join(INFO_KINDS)}, got {kind!r}")
    lines: list[str] = []
    if kind == "all":
        lines += _underlined(f"hydria {version}", "=")
    if kind in ("all", "plugins"):
        lines += _plugins_section(_needed(plugins, "plugins", kind))
    if kind in ("all", "config", "searchpath"):
        lines += _search_path_section(_needed(search_path, "search_path", kind))
    if kind in ("all", "config", "defaults-tree"):
        lines += ["", *_underlined("Defaults Tree", "*")]
        lines += _tree_lines(_needed(defaults, "defaults", kind), sources or {})
    if kind in ("all", "config", "defaults"):
        lines += _defaults_list_section(_needed(defaults, "defaults", kind))
    if kind in ("all", "config"):
        lines += [*_underlined("Config", "*"), _needed(config_yaml, "config_yaml", kind)]
    return "\n".join(lines)


def _needed(value: _T | None, name: str, kind: str) -> _T:
    if value is None:
        raise TypeError(f"render_info({kind!r}) needs {name}")
    return value


def _underlined(text: str, filler: str, prefix: str = "") -> list[str]:
    return [prefix + text, prefix + filler * len(text)]


def _plugins_section(plugins: Mapping[str, Sequence[str]]) -> list[str]:
    lines = _underlined("Installed Hydra Plugins", "*")
    for kind, names in plugins.items():
        if names:
            lines += _underlined(f"{kind}:", "-", prefix="\t")
            lines += [f"\t\t{name}" for name in names]
    return lines


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Hydra's boxed table: header row, a rule, the rows, a rule."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    formatted = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    rule = "-" * len(formatted[0])
    return [formatted[0], rule, *formatted[1:], rule]


def _search_path_section(search_path: Sequence[SearchPathEntry]) -> list[str]:
    rows = [["Provider", "Search path"]]
    rows += [[e.provider, f"{e.scheme}://{e.location}"] for e in search_path]
    return ["", *_underlined("Config search path", "*"), *_table(rows)]


def _defaults_list_section(defaults: DefaultsList) -> list[str]:
    rows = [["Config path", "Package", "_self_", "Parent"]]
    rows += [
        [d.config_path, d.package, str(d.is_self), d.parent or "<root>"] for d in defaults.defaults
    ]
    return ["", *_underlined("Defaults List", "*"), *_table(rows)]


def _node_label(node: DefaultsTreeNode) -> str:
    """Hydra's: `group: option` for a group entry, `_self_`, else the config path."""
    if node.is_self:
        return "_self_"
    if node.is_group and node.override_key is not None:
        group = node.override_key.partition("@")[0]
        return f"{node.override_key}: {node.config_path.removeprefix(group + '/')}"
    return node.config_path


def _tree_lines(defaults: DefaultsList, sources: Mapping[str, str]) -> list[str]:
    """The resolver's tree, each config followed by the file (or structured config) it
    came from."""
    if defaults.tree is None:
        raise TypeError("render_info needs the defaults list resolve_defaults made (its tree)")
    rows: list[tuple[str, str | None]] = []

    def walk(node: DefaultsTreeNode, indent: str, *, top: bool = False) -> None:
        source = None if node.is_self or top else sources.get(node.config_path)
        if node.children or top:
            rows.append((f"{indent}{_node_label(node)}:", source))
            for child in node.children:
                walk(child, indent + "  ")
        else:
            rows.append((indent + _node_label(node), source))

    walk(defaults.tree, "", top=True)
    width = max((len(text) for text, source in rows if source), default=0)
    return [text if not source else f"{text.ljust(width)}  # {source}" for text, source in rows]
