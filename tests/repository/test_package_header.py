"""The `# @package` header: only leading `# @key value` lines count."""

from __future__ import annotations

import pytest

from hydria.errors import ConfigContentError
from hydria.repository.package_header import read_package_header


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("# @package _global_\na: 1\n", "_global_", id="global"),
        pytest.param("\n\n#   @package   foo.bar\n", "foo.bar", id="spaces-and-blank-lines"),
        pytest.param("a: 1\n# @package x\n", None, id="after-content"),
        pytest.param("# a comment\n# @package x\n", None, id="after-a-comment"),
        pytest.param("# @other thing\n# @package pkg\n", "pkg", id="other-keys-skipped"),
        pytest.param("", None, id="empty"),
    ],
)
def test_read_package_header(text: str, expected: str | None) -> None:
    assert read_package_header(text, filename="f.yaml") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "# @package\n",
            "f.yaml:1: header line '# @package' missing its value; expected '# @package <package>'",
            id="no-value",
        ),
        pytest.param(
            "# @package a b\n",
            "f.yaml:1: header line '# @package a b' has more than one value; "
            "expected '# @package <package>'",
            id="two-values",
        ),
    ],
)
def test_bad_header(text: str, message: str) -> None:
    with pytest.raises(ConfigContentError) as info:
        read_package_header(text, filename="f.yaml")
    assert str(info.value) == message
