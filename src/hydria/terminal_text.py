"""Text shown on a terminal: control characters from overrides or configs made visible.

An override, a config value or a path can hold ANSI escapes (`\\x1b[2J`), a carriage
return or bidirectional-text controls; printed as they are, they would rewrite what the
user sees. `printable` writes each as a Python-style escape instead. Only what hydria
prints goes through it: the values a task receives and the saved `.hydra` files keep
the text as given. Standard library only, so `errors.py` (layer 0) may use it.
"""

from __future__ import annotations

__all__ = ["caret_under", "printable"]

# C0 and C1 controls and DEL, plus the bidirectional overrides and isolates that reorder
# what follows them ("Trojan source"); each shown as \xNN or \uNNNN.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F]
_CONTROLS += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in _CONTROLS}
_LINE_ESCAPES = {**_ESCAPES, ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}
_TEXT_ESCAPES = {code: text for code, text in _LINE_ESCAPES.items() if code not in (9, 10)}


def printable(text: str, *, multiline: bool = False) -> str:
    """`text` with its control characters escaped, safe to print on a terminal.

    Backslashes are left alone, so escaping twice changes nothing more, and a column
    in the shown text is `len(printable(text[:column]))`.

    Args:
        text: what to show.
        multiline: keep newlines and tabs (a message of several lines); by default
            they are escaped too, so one item stays on one line.

    Returns:
        The text with each control character written as `\\xNN`, `\\uNNNN`, `\\t`,
        `\\n` or `\\r`.
    """
    if text.isprintable():  # the common case, and quick
        return text
    return text.translate(_TEXT_ESCAPES if multiline else _LINE_ESCAPES)


def caret_under(text: str, position: int, indent: int = 4) -> str:
    """Two lines: `text` (indented, on one line, printable) and a caret under `position`.

    Tabs and newlines show as spaces, so the caret stays under the character it means
    however the text is escaped.
    """
    flat = text.replace("\t", " ").replace("\n", " ")
    column = indent + len(printable(flat[:position]))
    return f"{' ' * indent}{printable(flat)}\n{' ' * column}^"
