"""Benchmark (not a test): composition with and without provenance, on the shared bench's
scenario trees (S1 seed, S2 lightning-hydra-template, S3 large synthetic).

    .venv/bin/python benchmarks/explain_speed.py [--bench ../shared/bench] [--repeat 20]

"compose" is `hydria.compose` as users call it, warm; it records no provenance, so it is
what it was before provenance existed. "explained" composes the same way and traces
every value's origin (`--explain`, `hydria.explain`). CPU medians in one process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from types import ModuleType

from compose_speed import cpu_median  # the same timing as the compose benchmark

import hydria
from hydria.app.api import _primary_repository
from hydria.app.process_caches import compose_api_memos
from hydria.compose import compose_config
from hydria.overrides import parse_overrides
from hydria.provenance import trace
from hydria.repository import ConfigStore


def load_scenarios(bench: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_scenarios", os.path.join(bench, "scenarios.py")
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scenarios.py in {bench}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scenarios"] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v.replace("{cwd}", os.getcwd()) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bench", default=os.path.join(here, "..", "..", "shared", "bench"))
    p.add_argument("--scenario", nargs="*", default=["S1", "S2", "S3"])
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    scenarios = load_scenarios(args.bench)
    for name in args.scenario:
        sc = scenarios.get(name)
        with environment(dict(getattr(sc, "env", None) or {})):
            overrides = list(sc.overrides)

            def plain(sc: object = sc, o: list[str] = overrides) -> object:
                return hydria.compose(sc.config_name, o, config_dir=sc.config_dir)  # type: ignore[attr-defined]

            def explained(sc: object = sc, o: list[str] = overrides) -> object:
                repo = _primary_repository(sc.config_dir, None, (), ConfigStore.instance())  # type: ignore[attr-defined]
                memos = compose_api_memos()
                composition = compose_config(repo, sc.config_name, parse_overrides(o), memos=memos)  # type: ignore[attr-defined]
                return trace(composition, o)

            c = cpu_median(plain, args.repeat)
            e = cpu_median(explained, args.repeat)
            keys = len(explained())  # type: ignore[arg-type]
        print(
            f"{name:3s} compose {c * 1e3:8.3f} ms   explained {e * 1e3:8.3f} ms "
            f"({e / c:5.1f}x)   {keys} keys traced"
        )


if __name__ == "__main__":
    main()
