"""The cyclic GC paused around a burst of objects (`hydria.collector.gc_paused`): around a
large config's build, and around the runner's imports, promoting what they made."""

from __future__ import annotations

import gc

from hydria.collector import gc_paused


def test_what_is_made_meanwhile_goes_to_the_oldest_generation_and_the_gc_is_back_on() -> None:
    assert gc.isenabled()
    with gc_paused(promote=True):
        assert not gc.isenabled()
        made = [[] for _ in range(50)]
    assert gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)}
    young |= {id(o) for o in gc.get_objects(generation=1)}
    assert all(gc.is_tracked(m) for m in made)
    assert not any(id(m) in young for m in made)
    assert gc.get_freeze_count() == 0  # promoted, not frozen: a full collection still sees them


def test_a_collector_the_process_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused(promote=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_process_froze_itself_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused(promote=True):
            [[] for _ in range(10)]
        # still frozen (an unfreeze would empty it; refcounting may free a few meanwhile)
        assert gc.get_freeze_count() > frozen // 2 > 0
    finally:
        gc.unfreeze()


def test_without_promotion_what_is_made_stays_young() -> None:
    with gc_paused():
        assert not gc.isenabled()
        made = [[] for _ in range(50)]
    assert gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)}
    young |= {id(o) for o in gc.get_objects(generation=1)}  # a young collection may have run
    assert all(id(m) in young for m in made)
