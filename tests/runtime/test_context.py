"""The current job's context: push, pop, and what HydraConfig sees from threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.errors import JobContextError
from hydria.runtime import HydraConfig, pop_job, push_job
from hydria.runtime import context as job_context


def _node(name: str) -> DictConfig:
    node = OmegaConf.create({"hydra": {"job": {"name": name}}}).hydra
    assert isinstance(node, DictConfig)
    return node


def _in_thread(read: Callable[[], object]) -> object:
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(read()))
    thread.start()
    thread.join()
    return seen[0]


def _name() -> str:
    return str(HydraConfig.get().job.name)


def test_outside_a_job() -> None:
    assert not HydraConfig.initialized()
    with pytest.raises(JobContextError, match=r"^HydraConfig.get\(\) was called outside"):
        HydraConfig.get()


def test_push_pop_nested() -> None:
    outer = push_job(_node("outer"))
    inner = push_job(_node("inner"))
    assert _name() == "inner"
    pop_job(inner)
    assert _name() == "outer"
    pop_job(outer)
    assert not HydraConfig.initialized()


def test_the_parent_config_stays_reachable() -> None:
    cfg = OmegaConf.create({"hydra": {"run": {"dir": "out/${db}"}}, "db": "mysql"})
    token = push_job(cfg.hydra)
    try:
        assert HydraConfig.get().run.dir == "out/mysql"
    finally:
        pop_job(token)


def test_threads_started_by_a_task_see_the_job() -> None:
    token = push_job(_node("job"))
    try:
        assert _in_thread(_name) == "job"
        assert _in_thread(HydraConfig.initialized) is True
    finally:
        pop_job(token)
    assert _in_thread(HydraConfig.initialized) is False


def test_concurrent_jobs_each_see_their_own() -> None:
    barrier = threading.Barrier(2)
    seen: dict[str, str] = {}

    def job(name: str) -> None:
        token = push_job(_node(name))
        try:
            barrier.wait()  # both jobs are on the stack now
            seen[name] = _name()
            barrier.wait()
        finally:
            pop_job(token)

    threads = [threading.Thread(target=job, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": "a", "b": "b"}
    assert not HydraConfig.initialized()


def test_jobs_may_end_out_of_order() -> None:
    first = push_job(_node("first"))
    second = push_job(_node("second"))
    pop_job(first)
    assert _name() == "second"
    pop_job(second)
    pop_job(second)  # twice is harmless
    assert not HydraConfig.initialized()


def test_pop_from_another_thread_ends_the_job() -> None:
    token = push_job(_node("job"))
    _in_thread(lambda: pop_job(token))
    assert not HydraConfig.initialized()


def test_reset_forgets_every_job() -> None:
    push_job(_node("a"))
    push_job(_node("b"))
    job_context.reset()
    assert not HydraConfig.initialized()
