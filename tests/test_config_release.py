"""`hydria.config_release`: a config nothing else holds is freed at once by reference
counting; one that anything still holds (the root or any node) is left intact."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from omegaconf import DictConfig, ListConfig, OmegaConf

from hydria.collector import gc_paused
from hydria.config_release import ReleaseQueue


@pytest.fixture
def no_cyclic_gc() -> Iterator[None]:
    """With the cyclic GC off, a tree that dies is one reference counting freed."""
    gc.collect()
    with gc_paused():
        yield


def _tree() -> DictConfig:
    return OmegaConf.create(
        {
            "db": {"driver": "mysql", "port": 3306, "hosts": ["a", {"b": [1, 2.5, None]}]},
            "link": "${db.port}",
            "missing": "???",
            "empty": {},
            "nothing": None,
            "rows": [[1, 2], [3]],
        }
    )


@dataclass
class _Schema:
    name: str = "x"
    sizes: list[int] = field(default_factory=lambda: [1, 2])
    inner: dict[str, Any] = field(default_factory=lambda: {"k": {"v": 1}})


def test_a_config_nothing_else_holds_is_freed_without_the_cyclic_gc(no_cyclic_gc: None) -> None:
    queue = ReleaseQueue()
    config = _tree()
    alive = weakref.ref(config)
    leaf_parent = weakref.ref(config.db.hosts[1])
    queue.add(config)
    del config
    assert alive() is not None  # a cycle: reference counting alone would never free it
    assert queue.release() == 1
    assert alive() is None and leaf_parent() is None
    assert len(queue) == 0


def test_a_structured_config_is_freed_too(no_cyclic_gc: None) -> None:
    queue = ReleaseQueue()
    config = OmegaConf.structured(_Schema)
    alive = weakref.ref(config)
    queue.add(config)
    del config
    assert queue.release() == 1
    assert alive() is None


def test_a_config_still_held_by_its_root_is_kept_and_tried_again(no_cyclic_gc: None) -> None:
    queue = ReleaseQueue()
    config = _tree()
    queue.add(config)
    assert queue.release() == 0
    assert len(queue) == 1
    assert config.link == 3306 and config.db.hosts[1].b[1] == 2.5  # intact
    alive = weakref.ref(config)
    del config
    assert queue.release() == 1
    assert alive() is None


@pytest.mark.parametrize(
    "holds",
    [
        lambda c: c.db,
        lambda c: c.db.hosts,
        lambda c: c.db.hosts[1],
        lambda c: c.rows[0],
        lambda c: c._get_node("link"),
        lambda c: c.db._get_node("port"),
        lambda c: c._get_node("missing"),
    ],
    ids=[
        "a-child",
        "a-list",
        "a-dict-in-a-list",
        "a-nested-list",
        "a-leaf",
        "a-nested-leaf",
        "a-missing-leaf",
    ],
)
def test_a_config_any_node_of_which_is_held_is_left_linked(no_cyclic_gc: None, holds: Any) -> None:
    queue = ReleaseQueue()
    config = _tree()
    kept = holds(config)
    root = weakref.ref(config)
    queue.add(config)
    del config
    assert queue.release() == 0
    assert len(queue) == 0  # the root is free: this tree is the GC's, as without the queue
    assert root() is not None
    assert kept._get_root() is root()  # still linked: interpolations still resolve
    assert root().link == 3306  # type: ignore[union-attr]
    gc.collect()


def test_the_release_is_exact_by_one_reference(no_cyclic_gc: None) -> None:
    # one more reference than the queue's own, anywhere, keeps the tree linked
    queue = ReleaseQueue()
    config = _tree()
    extra = [config.db.hosts[1]._get_node("b")]
    queue.add(config)
    del config
    assert queue.release() == 0
    node = extra.pop()
    assert node._get_root().db.port == 3306


def test_an_entry_held_too_long_is_left_to_the_gc() -> None:
    queue = ReleaseQueue()
    config = _tree()
    queue.add(config)
    for _ in range(20):
        queue.release()
    assert len(queue) == 0
    assert config.link == 3306


def test_anything_but_a_container_is_ignored() -> None:
    queue = ReleaseQueue()
    queue.add(None)
    queue.add({"a": 1})
    queue.add(OmegaConf.create([1, 2]))
    assert len(queue) == 1
    assert isinstance(OmegaConf.create([1]), ListConfig)


def test_held_apart_freezes_for_the_batch_and_gives_everything_back() -> None:
    import gc

    from hydria.config_release import HeldApart

    assert gc.get_freeze_count() == 0
    with HeldApart() as apart:
        assert gc.get_freeze_count() > 0
        kept = OmegaConf.create({"a": [1, 2]})
        apart.settle()
        assert gc.get_freeze_count() > 0 and not gc.is_tracked(0)
        assert kept.a == [1, 2]
    assert gc.get_freeze_count() == 0


def test_held_apart_leaves_a_process_that_froze_objects_itself_alone() -> None:
    import gc

    from hydria.config_release import HeldApart

    marker: list[Any] = [[]]  # a tracked object the process froze itself
    gc.freeze()
    try:
        with pytest.raises(KeyError), HeldApart() as apart:
            OmegaConf.create({"x": 1})
            apart.settle()
            raise KeyError("the batch failed")
        assert gc.get_freeze_count() > 0  # not unfrozen by the batch
        assert not any(o is marker for o in gc.get_objects())  # still frozen
    finally:
        gc.unfreeze()
    assert any(o is marker for o in gc.get_objects())


def test_held_apart_gives_the_gc_back_when_the_batch_fails() -> None:
    import gc

    from hydria.config_release import HeldApart

    with pytest.raises(KeyboardInterrupt), HeldApart():
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0


def test_null_missing_and_interpolated_containers_are_freed_too(no_cyclic_gc: None) -> None:
    queue = ReleaseQueue()
    config = _tree()
    config.null_dict = DictConfig(None)
    config.missing_dict = DictConfig("???")
    config.linked_dict = DictConfig("${db}")
    config.null_list = ListConfig(None)
    alive = weakref.ref(config)
    queue.add(config)
    del config
    assert queue.release() == 1
    assert alive() is None
