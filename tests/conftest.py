"""What every test session checks before it runs anything."""

from __future__ import annotations

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The engine tests share one engine per `xdist_group` (a SLURM cluster, a Ray head
    node): `--dist loadgroup` must keep each group on one worker. pytest-xdist marks a
    test's group in its node id, which some pytest versions no longer let it change; the
    groups are then silently spread over the workers, and each worker starts every
    engine again. Stop then rather than run slowly."""
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        return  # pytest-xdist sets `loadgroup` on its workers
    for item in items:
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"pytest-xdist could not put {item.nodeid} in its group: this pytest "
                f"({pytest.__version__}) ignores the groups; install the pytest the dev "
                "extra pins"
            )
