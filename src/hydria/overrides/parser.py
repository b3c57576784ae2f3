"""Parses override text into `Override` records: a recursive-descent parser, one method per rule.

The grammar (EBNF; upper-case names are tokens of `lexer.py`, quoted strings their text):

    override         = ( "~" key [ "=" [ value ] ]
                       | "+" [ "+" ] key "=" [ value ]
                       | key "=" [ value ] ) EOF ;
    key              = package_or_group [ "@" package [ ":" package ] ] ;
    package_or_group = ID "/" ID { "/" ID } | package ;
    package          = [ ID | KEY_SPECIAL | DOT_PATH ] ;
    value            = element { "," element } ;      (* two or more: a simple choice sweep *)
    element          = function | list_container | dict_container | primitive ;
    function         = ID "(" [ argument { "," argument } ] ")" ;
    argument         = [ ID "=" ] element ;
    list_container   = "[" [ element { "," element } ] "]" ;
    dict_container   = "{" [ dict_entry { "," dict_entry } ] "}" ;
    dict_entry       = dict_key ":" element ;
    dict_key         = key_part { key_part } ;
    primitive        = QUOTED_VALUE | value_part { value_part } ;
    key_part         = ID | NULL | INT | FLOAT | BOOL | UNQUOTED_CHAR | ESC | WS ;
    value_part       = key_part | INTERPOLATION | ":" ;
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from hydria.errors import OverrideError, OverrideParseError, OverrideValueError
from hydria.overrides import lexer
from hydria.overrides.lexer import Token
from hydria.overrides.model import (
    ChoiceSweep,
    DictKey,
    FrozenDict,
    Glob,
    IntervalSweep,
    ListExtension,
    Override,
    OverrideType,
    ParsedValue,
    Quote,
    QuotedString,
    RangeSweep,
    ZipSweep,
    describe_type,
)
from hydria.terminal_text import caret_under

MAX_DEPTH = 100
_KEY_PARTS = frozenset(
    (
        lexer.ID,
        lexer.NULL,
        lexer.INT,
        lexer.FLOAT,
        lexer.BOOL,
        lexer.UNQUOTED_CHAR,
        lexer.ESC,
        lexer.WS,
    )
)
_VALUE_PARTS = _KEY_PARTS | {lexer.INTERPOLATION, lexer.COLON}
_NOT_NESTABLE = (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep, ListExtension)
_UNEXPECTED = {
    lexer.EQUAL: "'=' in a value must be escaped as \\= or quoted",
    lexer.PCLOSE: "this ')' closes nothing",
    lexer.BRACKET_CLOSE: "this ']' closes nothing",
    lexer.BRACE_CLOSE: "this '}' closes nothing",
}
_PREFIXES = {lexer.TILDE: OverrideType.DELETE, lexer.PLUS: OverrideType.ADD}
# The common `db.port=3307` / `db=mysql`: a plain key and a value of one token or of
# characters that only ever join into a string. Its result is what the full parser gives.
_SIMPLE = re.compile(
    r"(\+\+|\+|~)?"
    r"([A-Za-z_][\w-]*(?:(?:/[A-Za-z_][\w-]*)+|(?:\.(?:[A-Za-z_$][\w$-]*|0|[1-9][0-9]*))*))"
    r"=([\w.+/:@%*?|-]{0,100})\Z",  # longer values go the long way: int() limits digits
    re.ASCII,
)
_SIMPLE_TYPES = {
    None: OverrideType.CHANGE,
    "+": OverrideType.ADD,
    "++": OverrideType.FORCE_ADD,
    "~": OverrideType.DELETE,
}


def parse_override(text: str, *, index: int | None = None) -> Override:
    """Parse one command-line override such as `db.port=3307`, `+a=[1,2]` or `~db`.

    Args:
        text: the override.
        index: its position in the list it came from; error messages then name it.

    Returns:
        The parsed override.

    Raises:
        OverrideParseError: the text is not valid override grammar.
        OverrideValueError: a function or cast in the value cannot be evaluated.
    """
    match = _SIMPLE.match(text)
    if match is not None:
        prefix, key, value = match.groups()
        return Override(
            type=_SIMPLE_TYPES[prefix],
            key=key,
            package=None,
            value=_simple_value(value),
            has_value=True,
            text=text,
        )
    try:
        return _Parser(text, index).override()
    except RecursionError:
        raise OverrideParseError(text, 0, "the value is nested too deeply", index=index) from None


def parse_overrides(texts: Sequence[str]) -> list[Override]:
    """Parse a list of overrides; an error names the override by its position.

    Raises:
        OverrideParseError: an override is not valid override grammar.
        OverrideValueError: a function or cast in a value cannot be evaluated.
    """
    return [parse_override(text, index=index) for index, text in enumerate(texts)]


def _simple_value(text: str) -> ParsedValue:
    if lexer.INT_RE.fullmatch(text):
        return int(text)
    if lexer.FLOAT_RE.fullmatch(text):
        return float(text)
    lowered = text.lower()
    if lowered in ("true", "false", "null"):
        return None if lowered == "null" else lowered == "true"
    return text


class _Parser:
    """Parses one override. Syntax errors raise at once; an evaluation error is kept until the
    whole text has parsed, because Hydra reports a syntax error anywhere before it."""

    def __init__(self, text: str, index: int | None) -> None:
        self.text = text
        self.index = index
        self.tokens = lexer.tokenize(text)
        self.position = 0
        self.depth = 0
        self.outer_start = 0  # where the outermost list, dict or call being parsed starts
        self.deferred: OverrideError | None = None

    def override(self) -> Override:
        kind = _PREFIXES.get(self.peek().kind, OverrideType.CHANGE)
        if kind is not OverrideType.CHANGE:
            self.advance()
            if kind is OverrideType.ADD and self.peek().kind == lexer.PLUS:
                self.advance()
                kind = OverrideType.FORCE_ADD
        key, package = self.key()
        has_value = kind is not OverrideType.DELETE or self.peek().kind != lexer.EOF
        value: ParsedValue = None
        if has_value:
            self.expect(
                lexer.EQUAL, "a key" if not key and package is None else "'=' after the key"
            )
            value = "" if self.peek().kind == lexer.EOF else self.value()
            if self.peek().kind != lexer.EOF:
                self.fail(
                    _UNEXPECTED.get(self.peek().kind, "expected ',' or the end of the override")
                )
        if self.deferred is not None:
            raise self.deferred
        return Override(
            type=kind, key=key, package=package, value=value, has_value=has_value, text=self.text
        )

    def key(self) -> tuple[str, str | None]:
        key = self.package_or_group()
        if self.peek().kind != lexer.AT:
            return key, None
        self.advance()
        package = self.package()
        if self.peek().kind == lexer.COLON:  # `group@src:dst`: move the group to another package
            self.advance()
            package = f"{package}:{self.package()}"
        return key, package

    def package_or_group(self) -> str:
        if self.peek().kind != lexer.ID or self.peek(1).kind != lexer.SLASH:
            return self.package()
        names = [self.advance().text]
        while self.peek().kind == lexer.SLASH:
            self.advance()
            names.append(self.expect(lexer.ID, "a config group name after '/'").text)
        return "/".join(names)

    def package(self) -> str:
        if self.peek().kind in (lexer.ID, lexer.KEY_SPECIAL, lexer.DOT_PATH):
            return self.advance().text
        return ""

    def value(self) -> ParsedValue:
        start = self.peek()
        first = self.element()
        if self.peek().kind != lexer.COMMA:
            return first
        values = [first]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            values.append(self.element())
        for item in values:
            self.refuse_nesting(item, start, "a simple sweep (a,b,c)")
        return ChoiceSweep(values=tuple(values), simple_form=True)

    def element(self) -> ParsedValue:
        token = self.peek()
        if token.kind not in (lexer.BRACKET_OPEN, lexer.BRACE_OPEN, lexer.ID):
            return self.primitive()
        if token.kind == lexer.ID and self.peek(1).kind != lexer.POPEN:
            return self.primitive()
        if self.depth == 0:
            self.outer_start = token.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"too deeply nested: at most {MAX_DEPTH} levels of lists, dicts and calls")
        result: ParsedValue
        if token.kind == lexer.BRACKET_OPEN:
            result = self.list_container()
        elif token.kind == lexer.BRACE_OPEN:
            result = self.dict_container()
        else:
            result = self.function()
        self.depth -= 1
        return result

    def function(self) -> ParsedValue:
        name = self.advance()
        self.advance()  # the "(" that made this a call
        args: list[ParsedValue] = []
        kwargs: dict[str, ParsedValue] = {}
        if self.peek().kind != lexer.PCLOSE:
            self.argument(args, kwargs)
            while self.peek().kind == lexer.COMMA:
                self.advance()
                self.argument(args, kwargs)
        close = self.expect(lexer.PCLOSE, f"',' or ')' to end the call to {name.text}()")
        if self.deferred is not None:
            return None
        try:
            # imported on first use: most command lines call no function, and the
            # functions module (json, decimal) is a noticeable part of start-up
            from hydria.overrides.functions import call_function

            return call_function(name.text, args, kwargs)
        except OverrideValueError as error:
            call = self.text[name.pos : close.pos + len(close.text)]
            self.defer(self.call_error(call, error))
            return None

    def argument(self, args: list[ParsedValue], kwargs: dict[str, ParsedValue]) -> None:
        token = self.peek()
        if token.kind == lexer.ID and self.peek(1).kind == lexer.EQUAL:
            self.position += 2
            if token.text in kwargs:
                self.defer(self.parse_error(token.pos, f"'{token.text}=' is given twice"))
            kwargs[token.text] = self.element()
            return
        if kwargs:
            message = "a positional argument cannot follow keyword arguments"
            self.defer(self.parse_error(token.pos, message))
        args.append(self.element())

    def list_container(self) -> tuple[ParsedValue, ...]:
        start = self.advance()
        items: list[ParsedValue] = []
        if self.peek().kind != lexer.BRACKET_CLOSE:
            items.append(self.element())
            while self.peek().kind == lexer.COMMA:
                self.advance()
                items.append(self.element())
        self.expect(lexer.BRACKET_CLOSE, "',' or ']' to end the list")
        for item in items:
            self.refuse_nesting(item, start, "a list")
        return tuple(items)

    def dict_container(self) -> FrozenDict:
        start = self.advance()
        entries: dict[DictKey, ParsedValue] = {}
        if self.peek().kind != lexer.BRACE_CLOSE:
            self.dict_entry(entries)
            while self.peek().kind == lexer.COMMA:
                self.advance()
                self.dict_entry(entries)
        self.expect(lexer.BRACE_CLOSE, "',' or '}' to end the dict")
        for item in entries.values():
            self.refuse_nesting(item, start, "a dict")
        # Built through a dict, as Hydra does: a repeated key keeps its place and the last value.
        return FrozenDict(tuple(entries.items()))

    def dict_entry(self, entries: dict[DictKey, ParsedValue]) -> None:
        key = self.dict_key()
        self.expect(lexer.COLON, "':' after the dict key")
        entries[key] = self.element()

    def dict_key(self) -> DictKey:
        if self.peek().kind == lexer.QUOTED_VALUE:
            self.fail("a dict key cannot be quoted; escape special characters with a backslash")
        return self.parts(_KEY_PARTS, "a dict key")

    def primitive(self) -> ParsedValue:
        token = self.peek()
        if token.kind != lexer.QUOTED_VALUE:
            return self.parts(_VALUE_PARTS, "a value")
        self.advance()
        quote = Quote.SINGLE if token.text[0] == "'" else Quote.DOUBLE
        return QuotedString(lexer.unquote(token.text), quote)

    def parts(self, kinds: frozenset[str], what: str) -> str | int | float | bool | None:
        """Joins the tokens of an unquoted value; only a lone token keeps its type (`1`, `true`)."""
        start = self.position
        while self.tokens[self.position].kind in kinds:
            self.position += 1
        parts = self.tokens[start : self.position]
        if parts and parts[0].kind == lexer.WS:
            parts = parts[1:]
        if parts and parts[-1].kind == lexer.WS:
            parts = parts[:-1]
        if not parts:
            self.fail(f"expected {what}")
        if len(parts) > 1:
            return "".join(p.text[1::2] if p.kind == lexer.ESC else p.text for p in parts)
        try:
            return lexer.typed_value(parts[0])
        except ValueError as error:  # Python refuses int() of more than 4300 digits
            self.defer(self.value_error(parts[0].pos, str(error)))
            return None

    def refuse_nesting(self, item: ParsedValue, start: Token, where: str) -> None:
        if isinstance(item, _NOT_NESTABLE) and self.deferred is None:
            kind = describe_type(item)
            message = f"{kind} cannot be nested in {where}; a sweep must be the whole value"
            self.defer(self.value_error(start.pos, message))

    def peek(self, offset: int = 0) -> Token:
        # Looking ahead (offset 1) only happens from an ID, which is never the last token.
        return self.tokens[self.position + offset]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        if self.peek().kind != kind:
            self.fail(f"expected {what}")
        return self.advance()

    def fail(self, expected: str) -> NoReturn:
        token = self.peek()
        # The lexer's own message says more than "expected ..." about a character it refused.
        if token.kind == lexer.ERROR:
            raise self.parse_error(token.pos, token.text)
        # Point at the token's first visible character, not at the spaces it absorbed.
        position = token.pos + len(token.text) - len(token.text.lstrip(" \t"))
        hydra_message = None
        if token.kind == lexer.EOF and self.depth > 0:
            # what Hydra's (ANTLR) parser says of a list, dict or call left open
            hydra_message = f"no viable alternative at input '{self.text[self.outer_start :]}'"
        raise OverrideParseError(
            self.text,
            position if token.text.strip() else token.pos,
            expected,
            index=self.index,
            hydra_message=hydra_message,
        )

    def defer(self, error: OverrideError) -> None:
        if self.deferred is None:
            self.deferred = error

    def parse_error(self, position: int, expected: str) -> OverrideParseError:
        return OverrideParseError(self.text, position, expected, index=self.index)

    def call_error(self, call: str, error: OverrideValueError) -> OverrideValueError:
        """A function call that failed, in Hydra's words (users' tests match on them)."""
        failed = OverrideValueError(
            f"Error parsing override '{self.text}'\n{error.kind} while evaluating '{call}': "
            f"{error}\nSee https://hydra.cc/docs/1.2/advanced/override_grammar/basic for details"
        )
        failed.kind = error.kind
        return failed

    def value_error(self, position: int, message: str) -> OverrideValueError:
        where = f"override #{self.index + 1} " if self.index is not None else "override "
        return OverrideValueError(
            f"Could not evaluate {where}{self.text!r}: {message} (at column {position + 1})\n"
            + caret_under(self.text, position)
        )
