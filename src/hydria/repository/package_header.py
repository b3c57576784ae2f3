"""Reads the `# @package` header at the top of a config file.

Only the leading `# @key value` lines count: the first other non-blank line,
even a plain comment, ends the header (as in Hydra).
"""

from __future__ import annotations

from hydria.errors import ConfigContentError

_HEADER_WINDOW = 512


def read_package_header(text: str, *, filename: str) -> str | None:
    """Return the `@package` value of a config's header, or None when it has none.

    Raises:
        ConfigContentError: a header line is not `# @key value`.
    """
    found: str | None = None
    for lineno, raw in enumerate(text[:_HEADER_WINDOW].splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#") or not line.lstrip("#").lstrip().startswith("@"):
            break
        words = line.lstrip("#").split()
        if len(words) != 2:
            problem = "missing its value" if len(words) < 2 else "has more than one value"
            raise ConfigContentError(
                f"{filename}:{lineno}: header line {line!r} {problem}; "
                "expected '# @package <package>'"
            )
        if words[0] == "@package":
            found = words[1]
    return found
