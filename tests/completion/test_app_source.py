"""Finding an app's configs without importing it: the decorator read with `ast`, and the
record of the app's last run when the decorator's arguments are not literals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hydria.app.completion_record import read_recorded_source, record_app_source
from hydria.completion.app_source import (
    DecoratorArgs,
    Unknown,
    find_config_source,
    read_decorator,
)

OMITTED, NOT_LITERAL = Unknown.OMITTED, Unknown.NOT_LITERAL


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import hydra\n"
            "@hydra.main(config_path='conf', config_name='config', version_base=None)\n"
            "def f(cfg): ...\n",
            DecoratorArgs(config_path="conf", config_name="config", version_base=None),
            id="import-hydra",
        ),
        pytest.param(
            "import hydria\n@hydria.main('conf', 'config', '1.3')\ndef f(cfg): ...\n",
            DecoratorArgs(config_path="conf", config_name="config", version_base="1.3"),
            id="positional",
        ),
        pytest.param(
            "from hydria import main\n@main(config_name='c')\ndef f(cfg): ...\n",
            DecoratorArgs(config_path=OMITTED, config_name="c", version_base=OMITTED),
            id="from-import-omitted",
        ),
        pytest.param(
            "from hydra import main as hm\n"
            "@hm(config_path=None, config_name='c')\n"
            "def f(cfg): ...\n",
            DecoratorArgs(config_path=None, config_name="c", version_base=OMITTED),
            id="alias-and-none",
        ),
        pytest.param(
            "import os, hydra as h\n"
            "@h.main(config_path=os.path.join('a', 'b'), config_name=f'{NAME}', version_base=V)\n"
            "def f(cfg): ...\n",
            DecoratorArgs(
                config_path=NOT_LITERAL, config_name=NOT_LITERAL, version_base=NOT_LITERAL
            ),
            id="not-literals",
        ),
        pytest.param(
            "import hydra\n@hydra.main(**OPTIONS)\ndef f(cfg): ...\n",
            DecoratorArgs(
                config_path=NOT_LITERAL, config_name=NOT_LITERAL, version_base=NOT_LITERAL
            ),
            id="double-star",
        ),
        pytest.param(
            "import other\n@other.main(config_path='x')\ndef f(cfg): ...\n", None, id="not-hydra"
        ),
        pytest.param("import hydra\ndef f(:\n", None, id="syntax-error"),
        pytest.param("import hydra\nprint('no app')\n", None, id="no-decorator"),
    ],
)
def test_read_decorator(tmp_path: Path, source: str, expected: DecoratorArgs | None) -> None:
    script = tmp_path / "app.py"
    script.write_text(source)
    assert read_decorator(str(script)) == expected


def test_missing_script_reads_nothing(tmp_path: Path) -> None:
    assert read_decorator(str(tmp_path / "absent.py")) is None
    assert read_decorator(str(tmp_path)) is None  # a directory is not a script


@pytest.mark.parametrize(
    ("decorator", "primary", "name", "base"),
    [
        pytest.param(
            "config_path='conf', config_name='c', version_base=None",
            "conf",
            "c",
            "1.3",
            id="relative",
        ),
        pytest.param(
            "config_path='/abs/conf', version_base='1.2'", "/abs/conf", None, "1.2", id="absolute"
        ),
        pytest.param(
            "config_path='pkg://my_app.conf', version_base=None",
            "pkg://my_app.conf",
            None,
            "1.3",
            id="package",
        ),
        pytest.param(
            "config_name='c', version_base='1.2'", None, "c", "1.2", id="no-path-from-1.2"
        ),
        pytest.param("config_name='c', version_base='1.1'", ".", "c", "1.1", id="dot-before-1.2"),
        pytest.param("config_name='c'", ".", "c", "1.1", id="version-base-omitted"),
    ],
)
def test_decorator_rules(
    tmp_path: Path, decorator: str, primary: str | None, name: str | None, base: str
) -> None:
    script = tmp_path / "app.py"
    script.write_text(f"import hydra\n@hydra.main({decorator})\ndef f(cfg): ...\n")
    source = find_config_source(str(script))
    assert source is not None
    expected = primary
    if primary is not None and not primary.startswith("pkg://"):
        expected = "file://" + os.path.normpath(os.path.join(os.path.realpath(tmp_path), primary))
    assert (source.primary, source.config_name, source.version_base) == (expected, name, base)
    assert source.origin == "script"


def test_not_literal_falls_back_to_the_record(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(
        "import os, hydra\n"
        "@hydra.main(config_path=os.path.join('x', 'conf'), config_name='c', version_base=None)\n"
        "def f(cfg): ...\n"
    )
    partial = find_config_source(str(script))
    assert partial is not None and partial.origin == "partial"
    assert partial.config_name == "c"
    record_app_source(str(script), "file:///somewhere/conf", "c", "1.3")
    recorded = find_config_source(str(script))
    assert recorded is not None
    assert (recorded.origin, recorded.primary, recorded.config_name) == (
        "record",
        "file:///somewhere/conf",
        "c",
    )


def test_literal_decorator_wins_over_an_old_record(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("import hydra\n@hydra.main('conf', 'new', None)\ndef f(cfg): ...\n")
    record_app_source(str(script), "file:///old/conf", "old", "1.3")
    source = find_config_source(str(script))
    assert source is not None and source.config_name == "new"


def test_no_decorator_and_no_record(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("print('hello')\n")
    assert find_config_source(str(script)) is None
    assert read_recorded_source(str(script)) is None
