"""Freeing a job's config as soon as nothing uses it, instead of at the cyclic GC's
next full pass.

An OmegaConf tree is one reference cycle: a parent holds its children in `_content`
and every child points back with `_parent`. Reference counting therefore never frees
a config; the cyclic GC does, in its oldest generation, which for the job configs of
a sweep usually means at interpreter exit. On the seed app's 100-job sweep that final
pass met 64 000 dead objects and took ~1 ms of CPU per job, a fifth of the per-job
cost; every full pass before it also walked the dead configs again.

`ReleaseQueue` takes the configs a sweep is done with (a job's own copy, the copy its
task received) and, once nothing outside the tree refers to any of its nodes, empties
each container of the tree, so that no node holds another and every cycle is gone:
the tree is freed by reference counting at once. Whether anything
else refers to a node is read from its reference count, compared with the count the
same code reads on a tree nothing else holds (measured at import, so a Python that
counts differently is measured, not assumed). The test is conservative: a task,
callback or record that kept the config, or any node of it, keeps the whole tree
linked, and the GC frees it when its time comes, as before.

A container's children are its `_content`, a dict or a list (OmegaConf 2.1-2.4, as
`hydria.config_storage` reads them), and the only references between the nodes of a
tree are those and each child's `_parent`. `tests/internals/test_private_routes.py`
fails when either stops being so.
"""

from __future__ import annotations

import gc
import sys
from collections import deque
from types import TracebackType
from typing import Any

from omegaconf import Container, DictConfig

__all__ = ["HeldApart", "ReleaseQueue"]

#: a config still held from outside after this many attempts is left to the GC: a
#: launcher that keeps every job of a batch until the batch ends must not make the
#: attempts quadratic
_ATTEMPTS = 8
#: past this many queued configs the oldest is left to the GC (a bounded queue)
_MAX_QUEUED = 256


def _links_to(node: Any) -> int:
    """How many of `node`'s own children point back at it (each holds a reference)."""
    content = node.__dict__.get("_content")
    return len(content) if type(content) is dict or type(content) is list else 0


def _walk(config: Any, root_limit: int, child_limit: int) -> tuple[int, int, list[Any] | None]:
    """The references to the root and (the highest) to a node below it, less those of
    the node's own children; and every container of the tree that holds children, the
    root first. The walk stops (containers None) at the first count over its limit."""
    root = sys.getrefcount(config) - _links_to(config)
    if root > root_limit:
        return root, 0, None
    highest = 0
    containers: list[Any] = []
    stack = [config]
    getrefcount = sys.getrefcount
    while stack:
        node = stack.pop()
        content = node.__dict__.get("_content")
        kind = type(content)
        if kind is dict:
            children: Any = content.values()
        elif kind is list:
            children = content
        else:
            continue
        containers.append(node)
        for child in children:
            below = child.__dict__.get("_content")  # each of its children points back
            kind = type(below)
            links = len(below) if kind is dict or kind is list else 0
            count = getrefcount(child) - links
            if count > child_limit:
                return root, count, None
            if count > highest:
                highest = count
            if links:  # a container holding children (a leaf, or an empty one, holds none)
                stack.append(child)
    return root, highest, containers


def _calibrated() -> tuple[int, int]:
    """The counts `_walk` reads on a tree nothing else holds, held as `ReleaseQueue`
    holds one (the first item of a list it reads the config from)."""
    entry: list[Any] = [DictConfig({"a": {"b": [1, {"c": 2}]}, "d": "${a.b}"}), 0]
    root, highest, nodes = _walk(entry[0], sys.maxsize, sys.maxsize)
    del nodes  # it holds each node once more
    lowest = _lowest_child_count(entry[0])
    if lowest != highest:  # a count that depends on more than the links known here
        return -1, -1  # nothing is ever taken as free
    return root, highest


def _lowest_child_count(config: Any) -> int:
    counts = []
    stack = [config]
    while stack:
        node = stack.pop()
        content = node.__dict__.get("_content")
        children = content.values() if type(content) is dict else content
        if type(content) is not dict and type(content) is not list:
            continue
        for child in children:
            counts.append(sys.getrefcount(child) - _links_to(child))
            if isinstance(child, Container):
                stack.append(child)
    return min(counts)


_ROOT_LIMIT, _CHILD_LIMIT = _calibrated()


class ReleaseQueue:
    """Configs a sweep is done with, freed as soon as nothing else holds them.

    `add` takes a config the caller no longer needs (it must not be used afterwards);
    `release` frees those whose trees nothing else refers to now and keeps the others
    for a later call (the launcher may still hold the job it just ran). Not thread
    safe: one sweep's bookkeeping thread calls it.
    """

    def __init__(self) -> None:
        self._queue: deque[list[Any]] = deque()

    def add(self, config: object) -> None:
        """Queue `config` (anything but an OmegaConf container is ignored)."""
        if not isinstance(config, Container):
            return
        self._queue.append([config, 0])
        while len(self._queue) > _MAX_QUEUED:
            self._queue.popleft()

    def release(self) -> int:
        """Free what can be freed now; returns how many configs were."""
        freed = 0
        for _ in range(len(self._queue)):
            entry = self._queue.popleft()
            root, _, containers = _walk(entry[0], _ROOT_LIMIT, _CHILD_LIMIT)
            if containers is not None:
                for container in containers:  # no parent holds a child: no cycle is left
                    content = container.__dict__.get("_content")
                    if type(content) is dict or type(content) is list:
                        content.clear()
                del containers, container, content
                freed += 1
            elif root <= _ROOT_LIMIT:
                pass  # the root is free but a node inside is held: the GC's, as before
            elif entry[1] + 1 < _ATTEMPTS:
                entry[1] += 1
                self._queue.append(entry)
            del entry
        return freed

    def __len__(self) -> int:
        return len(self._queue)


class HeldApart:
    """Keeps a batch's up-front composed configs out of the cyclic GC's walks while the
    batch runs (`gc.freeze`), and gives them back after it (`gc.unfreeze`).

    A batch composes all its jobs before the first runs: on the seed app's 100-job sweep
    that is 60 000 new objects, which every young collection walked again while more
    were composed, and which then set off a full collection (walking the whole heap) in
    the middle of the sweep. Frozen, they are never walked; each is still freed by
    reference counting when its job is done (`ReleaseQueue`). What is frozen is what
    existed when the batch began, and each config as it is composed: objects a task
    makes while it runs are collected as usual, so a task's own cyclic garbage (a
    model, a graph) never waits for the batch to end.

    The process's GC state is as it was afterwards: the freeze is undone when the
    batch ends, however it ends. A process that froze objects itself is left alone.
    """

    def __init__(self) -> None:
        self._frozen = False

    def __enter__(self) -> HeldApart:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            self._frozen = True
        return self

    def settle(self) -> None:
        """A config was composed and is kept for its job: freeze it (and what is young)."""
        if self._frozen:
            gc.freeze()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
