"""Which overrides shape a defaults list and which only set values.

Its own module because every composition asks, a warm one included (the defaults memo
keys its entries on the overrides that shape the list), while the machinery that
applies group overrides loads only when a list is resolved again.
"""

from __future__ import annotations

from collections.abc import Callable

from hydria.overrides import ListExtension, Override, plain_value

__all__ = ["is_value_override"]


def is_value_override(o: Override, is_group: Callable[[str], bool]) -> bool:
    """Whether `o` sets a value (applied after merging) rather than acting on a config
    group; sweeps are neither, and answer False."""
    if o.is_sweep:
        return False
    if isinstance(o.value, ListExtension) or not is_group(o.key):
        return True
    return isinstance(plain_value(o.value) if o.has_value else None, dict)
