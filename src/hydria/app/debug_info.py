"""The debug dump `hydra.verbose` logs when a run or a sweep starts, as Hydra 1.3 does.

Hydra prints it when its logger `hydra._internal.hydra` is enabled for DEBUG once
`hydra_logging` and `hydra.verbose` are applied: `hydra.verbose=true` (the root
logger), `hydra.verbose=hydra` (or `hydra._internal`, or a list naming one of them), or
a `hydra_logging` config that sets those levels. hydria asks the same question, and also
answers to its own name (`hydra.verbose=hydria`). `hydra.verbose=[__main__]` debugs the
app alone, without the dump.

The text is `--info all`'s (`help.render_info`): the version, the plugins, the config
search path, the defaults tree and list, then the composed config. Each line is one
record of this module's logger, so it goes where `hydra_logging` sends Hydra's lines
(stdout by default, `[HYDRA]`-prefixed), and the config is one record, as in Hydra.
"""

from __future__ import annotations

import logging

__all__ = ["log_debug_info", "wants_debug_info"]

LOG = logging.getLogger("hydria.app.debug_info")
#: The logger Hydra 1.3 logs its dump through; `hydra.verbose` may name it or a parent.
HYDRA_LOGGER = "hydra._internal.hydra"


def _debug_enabled(name: str) -> bool:
    """`logging.getLogger(name).isEnabledFor(DEBUG)`, without creating that logger: the
    nearest ancestor with a level decides, as `Logger.getEffectiveLevel` does."""
    manager = logging.Logger.manager
    if manager.disable >= logging.DEBUG:
        return False
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        logger = manager.loggerDict.get(".".join(parts[:end]))
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            return logger.level <= logging.DEBUG
    return logging.getLogger().level <= logging.DEBUG


def wants_debug_info() -> bool:
    """Whether the logging now in force asks for the dump (see the module docstring)."""
    return LOG.isEnabledFor(logging.DEBUG) or _debug_enabled(HYDRA_LOGGER)


def _emit(message: str) -> None:
    # The decision is wants_debug_info()'s: a dump asked for by `hydra.verbose=hydra`
    # must not be dropped because hydria's own logger is not at DEBUG. handle() sends
    # the record to the handlers (with their levels and filters) without that check.
    record = LOG.makeRecord(LOG.name, logging.DEBUG, __file__, 0, message, (), None)
    LOG.handle(record)


def log_debug_info(info_text: str, config_yaml: str) -> None:
    """Log the dump: `info_text` line by line, then `config_yaml` as one record.

    Args:
        info_text: `render_info("all", ..., config_yaml="")`: every section, the last
            one the `Config` heading with nothing under it.
        config_yaml: the composed config without `hydra`, as YAML.
    """
    lines = info_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the empty config under the `Config` heading
    for line in lines:
        _emit(line)
    _emit(config_yaml)
