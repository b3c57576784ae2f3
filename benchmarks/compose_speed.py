"""Benchmark (not a test): warm `hydria.compose` against the physical floor, on generated trees.

The floor is what any implementation must pay: parse the tree's YAML files with
libyaml and build one `DictConfig` of the composed result. Run it before and
after a change to catch regressions:

    .venv/bin/python benchmarks/compose_speed.py [--groups 40] [--options 20] [--repeat 30]

Figures are CPU time (process_time), medians over --repeat calls in one process.
"warm" is `hydria.compose` as users call it (its memos re-check the files each call);
"no memo" composes from the parsed files every time, the cost when the inputs change.
"explained" is a warm composition plus tracing every value's origin (what `--explain`
and `hydria.explain` pay); plain composition records nothing, so "warm" is unchanged by it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

import yaml
from omegaconf import OmegaConf

import hydria
from hydria.app.api import _primary_repository
from hydria.app.process_caches import compose_api_memos
from hydria.compose import compose_config
from hydria.overrides import parse_overrides
from hydria.provenance import trace
from hydria.repository import ConfigStore


def _write(root: str, rel: str, text: str) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_seed_tree(root: str) -> tuple[str, list[str]]:
    _write(root, "config.yaml", "defaults:\n  - db: mysql\n")
    _write(root, "db/mysql.yaml", "defaults:\n  - base_mysql\n\nuser: omry\nport: 3307\n")
    _write(root, "db/base_mysql.yaml", "host: localhost\nport: 3306\nuser: ???\npassword: ???\n")
    return "config", []


def make_large_tree(root: str, groups: int, options: int, keys: int) -> tuple[str, list[str]]:
    """`groups` groups of `options` options; each option extends a base (2-level chains)."""
    defaults = []
    for g in range(groups):
        group = f"g{g:03d}"
        base = [f"name: {group}_base", "required: ???"]
        base += [f"k{k:02d}: {k * 3}" if k % 2 else f"k{k:02d}: s{k}" for k in range(keys)]
        base += ["sub:", "  a: 1", "  b: ${..k01}", "items: [1, 2, 3]"]
        _write(root, f"{group}/base.yaml", "\n".join(base) + "\n")
        for o in range(options):
            body = ["defaults:", "  - base", "  - _self_", "", f"name: opt{o}", f"required: v{o}"]
            body += [f"o{k:02d}: {o}.5e-3" for k in range(keys // 2)]
            _write(root, f"{group}/opt{o:02d}.yaml", "\n".join(body) + "\n")
        defaults.append(f"  - {group}: opt{g % options:02d}")
    _write(root, "config.yaml", "defaults:\n" + "\n".join(defaults) + "\n  - _self_\n\nseed: 1\n")
    overrides = ["g000=opt01", "g001.k01=5", "+extra=1", "seed=7"]
    return "config", overrides


def cpu_median(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: parse cache filled, imports done
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def floor_for(root: str, config: object, repeat: int) -> float:
    files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".yaml")]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    container = OmegaConf.to_container(config, resolve=False)

    def floor() -> None:
        for path in files:
            with open(path, encoding="utf-8") as f:
                yaml.load(f.read(), Loader=loader)  # noqa: S506 - a safe loader
        OmegaConf.create(container)

    return cpu_median(floor, repeat)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--groups", type=int, default=40)
    p.add_argument("--options", type=int, default=20)
    p.add_argument("--keys", type=int, default=40)
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, make in (
            ("seed", make_seed_tree),
            ("large", lambda r: make_large_tree(r, args.groups, args.options, args.keys)),
        ):
            root = os.path.join(tmp, label)
            name, overrides = make(root)
            cfg = hydria.compose(name, overrides, config_dir=root)
            t = cpu_median(
                lambda r=root, n=name, o=overrides: hydria.compose(n, o, config_dir=r), args.repeat
            )

            def no_memo(r: str = root, n: str = name, o: list[str] = overrides) -> object:
                repo = _primary_repository(r, None, (), ConfigStore())
                return compose_config(repo, n, parse_overrides(o)).config

            def explained(r: str = root, n: str = name, o: list[str] = overrides) -> object:
                repo = _primary_repository(r, None, (), ConfigStore.instance())
                composition = compose_config(repo, n, parse_overrides(o), memos=compose_api_memos())
                return trace(composition, o)

            u = cpu_median(no_memo, args.repeat)
            e = cpu_median(explained, args.repeat)
            f = floor_for(root, cfg, args.repeat)
            print(
                f"{label:6s} warm {t * 1e3:8.3f} ms ({t / f:4.2f}x floor)  "
                f"no memo {u * 1e3:8.3f} ms ({u / f:4.2f}x)  "
                f"explained {e * 1e3:8.3f} ms ({e / t:4.1f}x warm)  floor {f * 1e3:8.3f} ms"
            )


if __name__ == "__main__":
    main()
