"""Splits override text into tokens exactly where Hydra's override lexer does: in key mode
up to the first `=`, in value mode after it.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

# Token kinds. Key mode produces ID, KEY_SPECIAL, DOT_PATH, TILDE, PLUS, AT, COLON, SLASH
# and EQUAL; everything after the first EQUAL is lexed in value mode.
ID: Final = "ID"
KEY_SPECIAL: Final = "KEY_SPECIAL"
DOT_PATH: Final = "DOT_PATH"
TILDE: Final = "TILDE"
PLUS: Final = "PLUS"
AT: Final = "AT"
COLON: Final = "COLON"
SLASH: Final = "SLASH"
EQUAL: Final = "EQUAL"
POPEN: Final = "POPEN"
PCLOSE: Final = "PCLOSE"
COMMA: Final = "COMMA"
BRACKET_OPEN: Final = "BRACKET_OPEN"
BRACKET_CLOSE: Final = "BRACKET_CLOSE"
BRACE_OPEN: Final = "BRACE_OPEN"
BRACE_CLOSE: Final = "BRACE_CLOSE"
FLOAT: Final = "FLOAT"
INT: Final = "INT"
BOOL: Final = "BOOL"
NULL: Final = "NULL"
UNQUOTED_CHAR: Final = "UNQUOTED_CHAR"
ESC: Final = "ESC"
WS: Final = "WS"
QUOTED_VALUE: Final = "QUOTED_VALUE"
INTERPOLATION: Final = "INTERPOLATION"
EOF: Final = "EOF"
# Not a token of the grammar: marks the first character no rule accepts. Its text says why.
ERROR: Final = "ERROR"

# Characters that a backslash escapes in unquoted values (`\,` is a literal comma).
ESCAPABLE: Final = "\\()[]{}:=, \t"
UNQUOTED_CHARS: Final = "/-\\+.$%*@?|"

_INT_UNSIGNED = r"(?:0|[1-9](?:_?[0-9])*)"
_DIGITS = r"[0-9](?:_?[0-9])*"
_EXPONENT = rf"[eE][+-]?{_DIGITS}"
_POINT_FLOAT = rf"(?:{_INT_UNSIGNED}?\.{_DIGITS}|{_INT_UNSIGNED}\.)"
_KEY_WORD = r"[A-Za-z_$][A-Za-z0-9_$-]*"

# Each alternative is ordered so that Python's first-match gives ANTLR's longest match.
FLOAT_RE: Final = re.compile(
    rf"[+-]?(?:{_POINT_FLOAT}(?:{_EXPONENT})?|{_INT_UNSIGNED}{_EXPONENT}|[iI][nN][fF]|[nN][aA][nN])"
)
INT_RE: Final = re.compile(rf"[+-]?{_INT_UNSIGNED}")
ID_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEY_SPECIAL_RE = re.compile(_KEY_WORD)
_DOT_PATH_RE = re.compile(rf"(?:{_KEY_WORD}|{_INT_UNSIGNED})(?:\.(?:{_KEY_WORD}|{_INT_UNSIGNED}))+")
_BACKSLASHES_BEFORE_QUOTE = {quote: re.compile(rf"\\+{quote}") for quote in "'\""}
_KEYWORDS = {"true": BOOL, "false": BOOL, "null": NULL, "inf": FLOAT, "nan": FLOAT}

_KEY_PUNCTUATION = {"~": TILDE, "+": PLUS, "@": AT, ":": COLON, "/": SLASH}
# Value-mode punctuation: kind, and whether whitespace after it belongs to the token.
# Whitespace before any of them always does (`a , b` is `a`, COMMA, `b`).
_VALUE_PUNCTUATION = {
    "(": (POPEN, True),
    ",": (COMMA, True),
    ")": (PCLOSE, False),
    "[": (BRACKET_OPEN, True),
    "]": (BRACKET_CLOSE, False),
    "{": (BRACE_OPEN, True),
    "}": (BRACE_CLOSE, False),
    ":": (COLON, True),
    "=": (EQUAL, True),
}


class Token(NamedTuple):
    """One token: its kind, its exact source text, and where it starts."""

    kind: str
    text: str
    pos: int


def typed_value(token: Token) -> str | int | float | bool | None:
    """The value of a token that forms a whole unquoted value on its own (`1`, `true`, `\\,`)."""
    kind = token.kind
    if kind == INT:
        return int(token.text)
    if kind == FLOAT:
        return float(token.text)
    if kind == BOOL:
        return token.text.lower() == "true"
    if kind == NULL:
        return None
    if kind == ESC:
        return token.text[1::2]
    return token.text


def unquote(token_text: str) -> str:
    """The text inside a QUOTED_VALUE token.

    Only backslashes just before a quote are escapes: such a run stands for half as many
    backslashes, and an odd run also keeps the quote, which is then part of the text.
    """
    rest = token_text[1:]
    if "\\" not in rest:
        return rest[:-1]
    text = _BACKSLASHES_BEFORE_QUOTE[token_text[0]].sub(lambda run: run.group()[1::2], rest)
    # Halving the run before the closing quote drops that quote too; otherwise drop it here.
    return text if rest[-2:-1] == "\\" else text[:-1]


def tokenize(text: str) -> list[Token]:
    """Split an override into tokens.

    Args:
        text: the whole override, key and value.

    Returns:
        The tokens, ending with an EOF token, or with an ERROR token at the first character
        that no rule accepts (so that the parser can report whichever fault comes first).
    """
    tokens: list[Token] = []
    pos = _lex_key(text, tokens)
    if pos is not None:
        _lex_value(text, pos, tokens)
    return tokens


def _lex_key(text: str, tokens: list[Token]) -> int | None:
    """Lex up to and including the first `=`; returns where value mode starts, if it does."""
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char == "=":
            stop = _skip_space(text, pos + 1)
            tokens.append(Token(EQUAL, text[pos:stop], pos))
            return stop
        kind = _KEY_PUNCTUATION.get(char)
        if kind is not None:
            tokens.append(Token(kind, char, pos))
            pos += 1
            continue
        token = _key_word(text, pos)
        if token is None:
            if char == "." and pos + 1 < end:  # the fault is what follows the dot
                bad = text[pos + 1]
                message = f"{bad!r} cannot start a key name (after '.')"
                tokens.append(Token(ERROR, message, pos + 1))
            else:
                tokens.append(Token(ERROR, _key_error(char), pos))
            return None
        tokens.append(token)
        pos += len(token.text)
    tokens.append(Token(EOF, "", end))
    return None


def _key_word(text: str, pos: int) -> Token | None:
    """The longest of ID, KEY_SPECIAL and DOT_PATH at `pos`; on a tie the earlier rule wins."""
    best: Token | None = None
    for kind, pattern in ((ID, ID_RE), (KEY_SPECIAL, _KEY_SPECIAL_RE), (DOT_PATH, _DOT_PATH_RE)):
        match = pattern.match(text, pos)
        if match is not None and (best is None or match.end() - pos > len(best.text)):
            best = Token(kind, match.group(), pos)
    return best


def _key_error(char: str) -> str:
    if char in " \t":
        return "whitespace is not allowed in a key"
    return f"{char!r} is not allowed in a key"


def _lex_value(text: str, pos: int, tokens: list[Token]) -> None:
    end = len(text)
    while pos < end:
        token = _value_token(text, pos)
        tokens.append(token)
        if token.kind == ERROR:
            return
        pos += len(token.text)
    tokens.append(Token(EOF, "", end))


def _value_token(text: str, pos: int) -> Token:
    char = text[pos]
    if char in " \t(,)[]{}:=":
        return _punctuation_or_space(text, pos)
    if char == "'" or char == '"':
        return _quoted(text, pos)
    if char == "\\":
        return _escape(text, pos)
    if char == "$" and text.startswith("${", pos):
        close = text.find("}", pos + 2)
        if close > pos + 2:
            return Token(INTERPOLATION, text[pos : close + 1], pos)
    if char.isascii() and (char.isalnum() or char in "_+-."):
        return _word_or_number(text, pos)
    if char in UNQUOTED_CHARS:
        return Token(UNQUOTED_CHAR, char, pos)
    return Token(ERROR, _value_error(char), pos)


def _punctuation_or_space(text: str, pos: int) -> Token:
    stop = _skip_space(text, pos)
    entry = _VALUE_PUNCTUATION.get(text[stop : stop + 1])
    if entry is None:
        return Token(WS, text[pos:stop], pos)
    kind, takes_trailing_space = entry
    stop += 1
    if takes_trailing_space:
        stop = _skip_space(text, stop)
    return Token(kind, text[pos:stop], pos)


def _skip_space(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos


def _quoted(text: str, pos: int) -> Token:
    """A quoted value ends at the first matching quote preceded by an even run of backslashes."""
    quote = text[pos]
    backslashes = 0
    for index in range(pos + 1, len(text)):
        char = text[index]
        if char == "\\":
            backslashes += 1
            continue
        if char == quote and backslashes % 2 == 0:
            return Token(QUOTED_VALUE, text[pos : index + 1], pos)
        backslashes = 0
    return Token(ERROR, f"unterminated quoted value: no closing {quote}", pos)


def _escape(text: str, pos: int) -> Token:
    stop, end = pos, len(text)
    while stop + 1 < end and text[stop] == "\\" and text[stop + 1] in ESCAPABLE:
        stop += 2
    if stop == pos:
        return Token(UNQUOTED_CHAR, "\\", pos)
    return Token(ESC, text[pos:stop], pos)


def _word_or_number(text: str, pos: int) -> Token:
    """The longest of FLOAT, INT, BOOL, NULL, UNQUOTED_CHAR and ID, earlier rule on a tie."""
    match = ID_RE.match(text, pos)
    if match is not None:
        # Starting with a letter: an identifier, unless it is exactly a keyword (any case).
        word = match.group()
        return Token(_KEYWORDS.get(word.lower(), ID), word, pos)
    # A digit always starts an INT; a lone sign or point is an UNQUOTED_CHAR.
    best = Token(UNQUOTED_CHAR, text[pos], pos)
    for kind, pattern in ((FLOAT, FLOAT_RE), (INT, INT_RE)):
        match = pattern.match(text, pos)
        if match is not None and (best.kind == UNQUOTED_CHAR or match.end() - pos > len(best.text)):
            best = Token(kind, match.group(), pos)
    return best


def _value_error(char: str) -> str:
    if not char.isprintable() or char in "\r\n":
        return f"{char!r} is not allowed in an override value"
    return f"{char!r} is not allowed in an unquoted value; quote the value"
