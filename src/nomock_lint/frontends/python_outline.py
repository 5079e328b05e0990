"""Parse less of a Python file: blank the functions and classes in which no rule can match.

`ast.parse` builds a Python object per node, and the extractor visits each of them: on Django's
sources with tests, the files that pass the prefilter hold 9.4 MB, and parsing them took two
thirds of a cold run. Most of those bytes are functions that mention no trigger at all (a test
module imports `mock` and patches in three of its forty test methods).

`stub_bodies` keeps every statement at module level and, in a class that is kept, every
statement that is not a function or class; a top-level function or class, or a method, whose
text holds no offset from `prefilter.trigger_offsets` is replaced by `def name(): pass` (or
`class name: pass`) on its header's line and empty lines for the rest; one whose offsets are
all in its decorators or signature (`@mock_aws`, a `mocker` parameter) keeps them and gets
`pass` for a body. Those statements kept that are long assignments to one name and hold no
offset become `name = 0` (`_Lexer.assignment` says when nothing else is bound). The statements
after the one that holds the last offset of the module, of a class looked into or of a function
kept are left out (`tails`; in a function, a guess checked by the parser: see `_tail`). Every
line keeps its number and every kept line its text, so the facts of the kept code are the ones
a full parse gives, and a stub still binds its name (it shadows an import as before) and is
still a definition. Why nothing is lost: a finding needs a trigger in the text of the statement
it is found in (prefilter.trigger_offsets says which), a function or class body binds nothing
that code outside it can see (class scopes are not visible in methods; `global` is not
followed), and the extractor reads a scope's bindings in order, so what comes after its last
trigger binds nothing that a finding depends on (python_ast stops there too). What is lost: a
syntax error inside what is left out (after the last trigger, too).

A body is skipped with one search for the next line of code indented as much as its header or
less, where no line on the way holds three quotes or ends in a backslash (`_plain` says why a
wrong guess, a line inside brackets, never goes unnoticed); otherwise it is lexed line by line.
The lexer below reads strings, comments, brackets and backslash continuations as Python's
tokenizer does (any closing bracket closes any opening one: they differ only in code that does
not parse) and returns None when unsure, so that the file is parsed whole: tabs or form feeds
in indentation, lone `\\r` line breaks, an unterminated string, unbalanced brackets, a dedent to
no enclosing level, an f-string whose replacement field may hold its own quote (PEP 701).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence

_SPECIAL = re.compile(rb"[\n#'\"\\()\[\]{}]")
_SPACES = re.compile(rb" *")
_OPENERS = frozenset(b"([{")
_CLOSERS = frozenset(b")]}")
_QUOTES = frozenset(b"'\"")
_PREFIX = frozenset(b"rRbBuUfF")
_WORD = frozenset(b"_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# The rest of a string after its opening quote(s); a backslash escapes any character, a line
# break too (in raw strings as well, as far as where the string ends is concerned).
_STRING_END = {
    b"'": re.compile(rb"(?:[^'\\\n]|\\.)*'", re.DOTALL),
    b'"': re.compile(rb'(?:[^"\\\n]|\\.)*"', re.DOTALL),
    b"'''": re.compile(rb"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    b'"""': re.compile(rb'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
}


def _logical_line_regex() -> re.Pattern[bytes]:
    """One logical line in one match, for most lines: `logical_line_end` in C. Brackets nest
    at most six deep here (from three: 15% less lexing time on moto's nested literals, 2 ms
    more to compile), and only simple one-line f-strings are in (the others need the check in
    `_string_end`): other lines, and any line this does not match, take the slow path."""
    plain = rb"[^\n'\"#\\()\[\]{}]++"
    string = (
        rb"(?<![fF])(?<![fF][rR])(?s:"
        rb'"""(?:[^"\\]|\\.|"(?!""))*+"""'
        rb"|'''(?:[^'\\]|\\.|'(?!''))*+'''"
        rb'|"(?:[^"\\\n]|\\.)*+"'
        rb"|'(?:[^'\\\n]|\\.)*+')"
        # One-line f-strings whose fields hold no quote of theirs, brace or backslash: where
        # they end is the same before and after PEP 701.
        rb"|(?:(?<=[fF])|(?<=[fF][rR]))(?:"
        rb'"(?:[^"\\\n{}]|\\.|\{\{|\}\}|\{[^"\\\n{}]*+\})*+"'
        rb"|'(?:[^'\\\n{}]|\\.|\{\{|\}\}|\{[^'\\\n{}]*+\})*+')"
    )
    # `re` tries alternatives in turn, each with its lookbehinds: the string's go behind a
    # lookahead for a quote, and the commonest go first (a sixth less time on Django's tests).
    string = rb"(?=['\"])(?:" + string + rb")"
    continuation = rb"\\\r?\n"
    comment = rb"#[^\n]*+"
    nested = b""
    for _ in range(6):
        alternatives = b"|".join((plain, *([nested] if nested else []), string, rb"\n", comment))
        # Any closing bracket closes any opening one, as in `logical_line_end`: the types
        # differ only in code that does not parse (a third of the compile time of matching them).
        nested = rb"[(\[{](?:" + alternatives + b"|" + continuation + rb")*+[)\]}]"
    top = b"|".join((plain, nested, string, continuation))
    return re.compile(rb"(?:" + top + rb")*+(?:" + comment + rb")?(?:\n|\Z)")


# (A name with non-ASCII letters is not matched, and its definition not stubbed.)
_HEADER = re.compile(rb"(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)(?![\w\x80-\xff])")
_CLASS = re.compile(rb"class\b")
_NEWLINE = 10
_HASH = 35
_BACKSLASH = 92
_CR = 13


def logical_line_end(data: bytes, pos: int) -> int | None:
    """The offset after the line break that ends the logical line going on at `pos` (the
    size of the data at its end); None when unsure."""
    depth = 0
    search = _SPECIAL.search
    while True:
        found = search(data, pos)
        if found is None:
            return len(data) if depth == 0 else None
        at = found.start()
        char = data[at]
        if char == _NEWLINE:
            if depth == 0:
                return at + 1
            pos = at + 1
        elif char == _HASH:
            end = data.find(b"\n", at)
            if end < 0:
                return len(data) if depth == 0 else None
            pos = end
        elif char in _QUOTES:
            closed = _string_end(data, at)
            if closed is None:
                return None
            pos = closed
        elif char == _BACKSLASH:
            if data.startswith(b"\n", at + 1):
                pos = at + 2
            elif data.startswith(b"\r\n", at + 1):
                pos = at + 3
            else:
                return None  # a syntax error: let the parser report it
        elif char in _OPENERS:
            depth += 1
            pos = at + 1
        else:
            depth -= 1
            if depth < 0:
                return None
            pos = at + 1


def _string_end(data: bytes, quote: int) -> int | None:
    """The offset after the string whose first quote is at `quote`."""
    delimiter = data[quote : quote + 3]
    if delimiter[:1] * 3 != delimiter:
        delimiter = delimiter[:1]
    body = quote + len(delimiter)
    found = _STRING_END[delimiter].match(data, body)
    if found is None:
        return None
    end = found.end()
    start = quote
    while start > 0 and data[start - 1] in _PREFIX:
        start -= 1
    prefix = data[start:quote]
    formatted = (b"f" in prefix or b"F" in prefix) and (start == 0 or data[start - 1] not in _WORD)
    # Before 3.12 a quote like the string's own ends it, even in a replacement field; since
    # PEP 701 it may start a nested string there. An unbalanced field means the two differ.
    if formatted and not _fields_closed(data[body : end - len(delimiter)]):
        return None
    return end


def _fields_closed(text: bytes) -> bool:
    """Whether every replacement field of an f-string's text is closed (`{{`, `}}` are text)."""
    if b"{" not in text and b"}" not in text:
        return True
    depth = 0
    i = 0
    while i < len(text):
        char = text[i : i + 1]
        if char == b"{":
            if depth == 0 and text.startswith(b"{", i + 1):
                i += 1
            else:
                depth += 1
        elif char == b"}":
            if depth:
                depth -= 1
            elif text.startswith(b"}", i + 1):
                i += 1
            else:
                return False
        i += 1
    return depth == 0


def stub_bodies(
    data: bytes,
    offsets: Sequence[int],
    *,
    compile_patterns: bool | None = None,
    tails: bool = True,
) -> bytes | None:
    """`data` with every function and class that holds no offset replaced by a stub, and the
    long assignments to one name that hold none by `name = 0`, and with `tails`, the
    statements after a block's last offset left out (see the module's docstring); None when
    nothing is replaced or the lexer is unsure. The lexer's regexes are compiled for a large
    file or when `compile_patterns` says so (see _Lexer)."""
    start = _lexable(data)
    if start is None:
        return None
    stubs: list[tuple[int, int, int, bytes]] = []  # (start, header line, end, stub)
    try:
        may_compile = len(data) >= _COMPILE_AT if compile_patterns is None else compile_patterns
        _blocks(_Lexer(data, may_compile), start, len(data), 0, offsets, stubs, tails)
    except _Unsure:
        return None
    if not stubs:
        return None
    out = []
    pos = 0
    for start, header, end, stub in stubs:
        out.append(data[pos:start])
        out.append(b"\n" * data.count(b"\n", start, header))
        out.append(stub)
        out.append(b"\n" * data.count(b"\n", header, end))
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def module_statements(data: bytes) -> list[int] | None:
    """Where each module-level statement starts (its line's start), as `stub_bodies` reads
    them; None when the lexer is unsure."""
    start = _lexable(data)
    if start is None:
        return None
    try:
        return _Lexer(data, True).statements(start, len(data), 0)
    except _Unsure:
        return None


def _lexable(data: bytes) -> int | None:
    """Where the lexer starts reading `data` (after a byte order mark), or None where it would
    misread it."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if (b"\t" in data or b"\f" in data) and (
        _TAB_INDENT.search(data) or _TAB_INDENT_FIRST.match(data, start)
    ):
        # Where they indent a line (or go before its comment, or make it up) the lexer, which
        # counts spaces, would misread it. Elsewhere (in a string, between tokens) they are
        # like any other character to it: botocore's tests hold tabs in XML bodies.
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    return start


def trigger_lines(data: bytes, offsets: Sequence[int]) -> list[int]:
    """The line numbers of `offsets` (sorted), and of every `:=`: a simple statement or a
    nested function or class on none of them yields no finding and binds nothing beyond its
    targets and name, so the extractor need not look into it (python_ast.extract_tree)."""
    found = list(offsets)
    walrus = data.find(b":=")
    if walrus >= 0:  # binds in the enclosing scope from inside any expression; rare
        while walrus >= 0:
            found.append(walrus)
            walrus = data.find(b":=", walrus + 2)
        found.sort()
    lines: list[int] = []
    line = 1
    pos = 0
    for offset in found:
        line += data.count(b"\n", pos, offset)
        pos = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


class _Unsure(Exception):
    pass


def _blocks(
    lexer: _Lexer,
    start: int,
    end: int,
    indent: int,
    offsets: Sequence[int],
    stubs: list[tuple[int, int, int, bytes]],
    tails: bool,
) -> None:
    """Stub the functions and classes among the statements at `indent` in data[start:end] that
    hold no offset, and the bodies of those that hold one only in their header; at module
    level, look into the classes that hold one in their body. A long assignment to one name
    that holds no offset becomes `name = 0` (see `_Lexer.assignment`). With `tails`, the
    statements after the one that holds the last offset are left out, here and in the bodies
    of the functions kept (see `_tail`)."""
    data = lexer.data
    last = _last(offsets, end) if tails and offsets else -1
    starts = lexer.statements(start, end, indent, last)
    if last < 0:
        last = len(data)
    i = 0
    while i < len(starts):
        first = j = starts[i]
        if first > last and i and not _CLAUSE.match(data, first + indent):
            # (Not the first statement: the last offset was in a comment before it. An `else:`
            # still belongs to its `if`.)
            stubs.append((first, first, end, b""))
            return
        while data.startswith(b"@", j + indent) and i + 1 < len(starts):
            i += 1  # decorators go with what they decorate
            j = starts[i]
        i += 1
        stop = starts[i] if i < len(starts) else end
        found = _HEADER.match(data, j + indent)
        if found is None:
            if stop - j >= _WORTH_STUBBING and not _has(offsets, j, stop):
                assigned = lexer.assignment(j, j + indent, stop)
                if assigned is not None:
                    stubs.append((j, j, stop, b" " * indent + assigned + b" = 0"))
            continue
        kind, name = found.group(1, 2)
        if not _has(offsets, first, stop):
            stub = b"(): pass" if kind == b"def" else b": pass"
            stubs.append((first, j, stop, b" " * indent + kind + b" " + name + stub))
            continue
        body = lexer.line_end(j + indent, stop)
        inner = lexer.indent_at(body, stop)
        if inner is None:
            continue  # `def f(): return 1`: the body is on the header's line
        if inner <= indent:
            raise _Unsure
        if not _has(offsets, body, stop):
            # Only the decorators or the signature hold a trigger (`@mock_aws`, a fixture
            # parameter): they stay, the body becomes `pass`.
            stubs.append((body, body, stop, b" " * inner + b"pass"))
        elif indent == 0 and kind == b"class":
            _blocks(lexer, body, stop, inner, offsets, stubs, tails)
        elif tails:
            tail = _tail(data, body, _last(offsets, stop), stop, inner)
            if tail is not None:
                stubs.append((tail, tail, stop, b""))


def _last(offsets: Sequence[int], end: int) -> int:
    """The last offset before `end` (-1: none)."""
    i = bisect.bisect_left(offsets, end)
    return offsets[i - 1] if i else -1


# What goes on a compound statement at its own indentation: never where one starts.
_CLAUSE = re.compile(rb"(?:else|elif|except|finally)(?![\w\x80-\xff])")


def _tail(data: bytes, body: int, last: int, stop: int, inner: int) -> int | None:
    """Where the statements of a function's body (from `body` to `stop`, indented `inner`)
    that follow the one holding its `last` offset start, to be left out: the extractor reads
    nothing past a scope's last line to keep (python_ast: `last_kept`), and they bind nothing
    that the code before them reads. Found without lexing the body, as the next line of code
    indented `inner` after the offset's, or after the docstring it is in, that is not the
    body's first, nor `)`, `]` or `}`, nor `else:`, `except:` ..., nor a definition under a
    decorator, with no line from the offset's on that can go on past its end (see _plain);
    None when there is none, or unsure. A wrong guess can only cut a statement (inside its
    brackets or a string, after a backslash or a decorator): the stubbed text does not parse,
    and `stub_bodies` is asked again without tails (api.extract_facts)."""
    line = data.rfind(b"\n", 0, last) + 1  # where _plain starts looking
    for quotes in (b'"""', b"'''"):
        if data.count(quotes, body, last) % 2:  # in a long string (a docstring): after it
            last = data.find(quotes, last, stop)
            if last < 0:
                return None
            line = data.find(b"\n", last, stop) + 1
            if not line:
                return None
            break
    first = _ONLY_BLANKS.match(data, body, stop).end()  # type: ignore[union-attr]
    pos = data.find(b"\n", last, stop)
    search = _code_at_most(inner).search
    while pos >= 0:
        found = search(data, pos, stop)
        if found is None:
            return None
        at = found.end()
        code = _SPACES.match(data, at, stop).end()  # type: ignore[union-attr]
        if code - at != inner or not _plain(data, line, at):
            return None
        if not (
            at <= first
            or data[code] in _CLOSERS
            or _CLAUSE.match(data, code)
            or (_HEADER.match(data, code) and _after_decorator(data, at, inner))
        ):
            return at
        pos = data.find(b"\n", code, stop)
    return None


def _after_decorator(data: bytes, line: int, inner: int) -> bool:
    """Whether the statement before the line at `line` (its code indented `inner`) is a
    decorator: the closest code line before it indented `inner` or less that is no `)`, `]`
    or `}` (deeper lines and those go on a decorator's arguments) starts with `@`."""
    end = line - 1
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        text = data[start:end]
        code = text.lstrip(b" ")
        if code and code[:1] not in b"#)]}\r" and len(text) - len(code) <= inner:
            return code.startswith(b"@")
        end = start - 1
    return False


_NOT_CODE = frozenset((b"", b"\r", b"\n", b"#"))
# A tab or form feed in a line's leading white space (the literal first: `re` skips ahead to it).
_TAB_INDENT = re.compile(rb"\n[ ]*+[\t\f]")
_TAB_INDENT_FIRST = re.compile(rb"[ ]*+[\t\f]")


@functools.cache
def _code_at_most(indent: int) -> re.Pattern[bytes]:
    """The line break before the next line of code (not blank, not a comment) indented
    `indent` or less; the match ends where that line starts."""
    return re.compile(rb"\n(?=[ ]{0,%d}[^ \r\n#])" % indent)


def _plain(data: bytes, start: int, stop: int) -> bool:
    """Whether no line from `start` to `stop` can go on past its line break: a string only
    does with three quotes or a backslash, and a backslash continues any line. Then the line
    of code at `stop` (indented as much as the statements being read, or less) starts a
    statement, or is inside brackets opened before it: in code that parses, those close after
    it, and the closing bracket is on a line of code that `_scan` reads as a statement (where
    `line_end` finds it unmatched: unsure) or on a deeper line left in place after such a
    statement (where the parser finds an unexpected indent or an unmatched bracket: the file
    is parsed whole)."""
    return (
        data.find(b'"""', start, stop) < 0
        and data.find(b"'''", start, stop) < 0
        and (
            data.find(b"\\", start, stop) < 0  # (one scan, not two, where there is none)
            or (data.find(b"\\\n", start, stop) < 0 and data.find(b"\\\r\n", start, stop) < 0)
        )
    )


def _has(offsets: Sequence[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(offsets, start)
    return i < len(offsets) and offsets[i] < end


# Compiling the regexes below takes about 10 ms each, parsing a 64 KB file about as long: a
# smaller file is lexed only with what an earlier file compiled, else parsed whole (a one-file
# check does not pay for them; a worker checking many files soon has them).
_COMPILE_AT = 64 * 1024
_BLANKS = rb"[ ]*+(?:#[^\n]*+)?\r?(?:\n|\Z)"
_ONLY_BLANKS = re.compile(rb"(?:" + _BLANKS + rb")*+")
_PATTERNS: dict[int, re.Pattern[bytes]] = {}  # -1: one logical line; n: _deeper(n)
# An assignment to one name this long or longer may be stubbed (see `_Lexer.assignment`): on
# moto+botocore's sources, constants of many lines at module and class level.
_WORTH_STUBBING = 120
_ASSIGNED_NAME = re.compile(rb"([A-Za-z_]\w*+)[ ]*+=(?!=)")
_COMPARED = frozenset(b"!<>")  # before the `=` of `!=`, `<=`, `>=`


class _Lexer:
    __slots__ = ("bodies", "data", "line_ends", "may_compile")

    def __init__(self, data: bytes, may_compile: bool) -> None:
        self.data = data
        self.may_compile = may_compile
        # (where a module-level class's body starts, its indentation): its statements.
        self.bodies: dict[tuple[int, int], list[int]] = {}
        # Where each statement that `statements` found starts (its line) -> where its first
        # logical line ends.
        self.line_ends: dict[int, int] = {}

    def pattern(self, key: int) -> re.Pattern[bytes]:
        found = _PATTERNS.get(key)
        if found is None:
            if not self.may_compile:
                raise _Unsure
            if key < 0:
                found = _logical_line_regex()
            else:
                # Blank and comment lines, and logical lines indented deeper than `key`.
                deeper = rb"[ ]{%d,}+(?=[^ \r\n#])(?:" % (key + 1) + self.pattern(-1).pattern
                found = re.compile(rb"(?:" + _BLANKS + rb"|" + deeper + rb"))*+")
            _PATTERNS[key] = found
        return found

    def statements(self, start: int, end: int, indent: int, until: int = -1) -> list[int]:
        """Where each statement at `indent` in data[start:end] starts (its line's start); with
        `until`, the first of them that starts past it (not the first statement, nor `else:`
        ..., nor what a decorator decorates) is the last (see `_blocks`: the rest is left out)."""
        known = self.bodies.get((start, indent))
        return known if known is not None else self._scan(start, end, indent, until=until)[0]

    def _scan(
        self, start: int, end: int, indent: int, *, dedent: bool = False, until: int = -1
    ) -> tuple[list[int], int]:
        """`statements`, and where they end: at `end`, or with `dedent` at a line of code at
        module level. At module level, a class's body is read at its own indentation as the
        scan gets to it, and kept (`bodies`): read at module level, then again for `_blocks`,
        class bodies took a third more lexing time on moto's sources, half more on Django's."""
        data = self.data
        starts: list[int] = []
        deeper = self.pattern(indent)
        below = _code_at_most(indent)
        pos = start
        while True:
            first = _SPACES.match(data, pos, end).end()  # type: ignore[union-attr]
            if first - pos > indent or data[first : first + 1] in _NOT_CODE:
                # Up to the next line of code indented `indent` or less: found in one search
                # where no line on the way can go on past its end (see _plain), else lexed.
                found = below.search(data, pos, end)
                stop = found.end() if found is not None else end
                if not _plain(data, pos, stop):
                    stop = deeper.match(data, pos, end).end()  # type: ignore[union-attr]
                pos = stop
                first = _SPACES.match(data, pos, end).end()  # type: ignore[union-attr]
            if first >= end:
                return starts, end
            own = first - pos
            if own < indent:
                if dedent and own == 0:
                    return starts, pos
                raise _Unsure  # a dedent to no enclosing level: let the parser report it
            line = pos
            pos = self.line_end(first, end)
            if own == indent:
                starts.append(line)
                self.line_ends[line] = pos
                if (
                    0 <= until < line
                    and len(starts) > 1
                    and not _CLAUSE.match(data, first)
                    and not data.startswith(b"@", starts[-2] + indent)  # (its decorated def)
                ):
                    return starts, end
                if indent == 0 and _CLASS.match(data, first):
                    pos = self._class_body(pos, end)

    def _class_body(self, body: int, end: int) -> int:
        """Where the body of the module-level class that starts at `body` ends; its statements
        kept in `bodies`."""
        inner = self.indent_at(body, end)
        if inner is None or inner == 0 or not self.can_lex(inner):
            return body  # on the header's line, or left to the module-level scan
        starts, stop = self._scan(body, end, inner, dedent=True)
        self.bodies[(body, inner)] = starts
        return stop

    def assignment(self, line: int, first: int, stop: int) -> bytes | None:
        """The name that the statement that `statements` found at `line` (its code at
        `first`, up to `stop`) assigns, if it assigns to that one name and binds nothing else:
        `NAMES = [` ... `]`, then blank or comment lines, with no `;` and no `=` after the first
        but in `==`, `!=`, `<=` or `>=`. Not `a = b = [...]`, nor `a = [x := 1]` (a walrus
        binds its name in the enclosing scope), nor `a = [...]; import b`, nor `a = dict(k=1)`
        or `a = "k=1;"`, which a text search cannot tell apart. Stubbed as `name = 0`, it binds
        the same name in the same scope, which is all the extractor takes from an assignment
        that holds no offset (python_ast: `skipped`); lost, as in the bodies stubbed, is a
        syntax error in what is left out."""
        data = self.data
        found = _ASSIGNED_NAME.match(data, first, stop)
        if found is None:
            return None
        end = self.line_ends[line]
        if _ONLY_BLANKS.match(data, end, stop).end() != stop:  # type: ignore[union-attr]
            return None  # lines indented deeper follow it: an error the parser should report
        if data.find(b";", found.end(), end) >= 0:
            return None  # another statement after it, which may bind a name without `=`
        equals = data.find(b"=", found.end(), end)
        while equals >= 0:
            if data.startswith(b"=", equals + 1):  # `==`
                equals += 1
            elif data[equals - 1] not in _COMPARED:
                return None
            equals = data.find(b"=", equals + 1, end)
        return found.group(1)

    def can_lex(self, indent: int) -> bool:
        """Whether `statements` may look at the statements at `indent` (see `pattern`)."""
        return self.may_compile or indent in _PATTERNS

    def indent_at(self, start: int, end: int) -> int | None:
        """The indentation of the first line of code in data[start:end]."""
        pos = _ONLY_BLANKS.match(self.data, start, end).end()  # type: ignore[union-attr]
        first = _SPACES.match(self.data, pos, end).end()  # type: ignore[union-attr]
        return first - pos if first < end else None

    def line_end(self, first: int, end: int) -> int:
        """The offset after the logical line whose code starts at `first`."""
        fast = self.pattern(-1).match(self.data, first, end)
        after = fast.end() if fast is not None else logical_line_end(self.data, first)
        if after is None:
            raise _Unsure
        return after
