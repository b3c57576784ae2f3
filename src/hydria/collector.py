"""How hydria steers Python's cyclic garbage collector around work that makes many
long-lived objects at once.

Composing a large config, unpickling one, or importing the runner's ~50 modules each
make 10^4–10^5 objects in a burst. Every young collection the burst triggers walks all
of them again, so the burst costs quadratic time; pausing the collector makes it
linear. Reference counting still frees what dies meanwhile, and the collector is back
on before any of the user's code runs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, promote: bool = False) -> Iterator[None]:
    """Pause the cyclic GC for the block; a collector the process had turned off stays off.

    With `promote`, what the block made goes straight to the oldest generation
    (`freeze` then `unfreeze`: two list splices, no walk), so the young collections
    that follow do not walk it either: for objects that live as long as the process
    (modules, classes, functions). Objects the process froze itself are left as they are.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if promote and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
