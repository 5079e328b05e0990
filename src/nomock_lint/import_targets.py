"""The import-dependent step of the Python prefilter (see prefilter.py).

NM203 flags an assignment to an imported name's attribute (`os.sep = "/"`, `del m.x`,
`setattr(m, ...)`); `x.y = ...` alone is in nearly every file. So a file passes only when a
name that an import statement binds is the root of a dotted name in an assignment, `for`,
`with ... as` or `del` target, or the first argument of such a call. This reads code as text:
string contents are not told apart, which only errs towards passing a file, except that an
`=`, a bracket or a `#` inside a string literal in the same target list can hide a target
(`d["="], os.sep, x = ...`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

# `import a.b as c, d` / `from m import (x as y,\n z)`: every identifier after `import` up to
# the end of the statement (a superset of the bound names; `import` in prose adds harmless ones).
# Literal first, so that `re` can skip ahead to each `import`. The bracketed names are matched
# apart (_NAMES): see import_statements.
_IMPORT = re.compile(rb"import\b((?:\\\r?\n|[^\n\\(;#])*)")
_NAMES = re.compile(rb"\([^)]*\)")
# What may precede `import` on its line: a statement start, `from m`, a `;` or a `:` before.
_IMPORT_START = re.compile(rb"(?:[^\n]*[;:])?[ \t]*(?:from[ \t]+[\w. \t]*)?\Z")
IDENT = re.compile(rb"[A-Za-z_]\w*")
WORD = frozenset(b"_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_BLANK = frozenset(b" \t\x0c\r\n\\")
_AUG = rb"(?:[-+*/%@&|^]|<<|>>|//|\*\*)?"
_LINE = rb"(?:[^\n\\]|\\\r?\n|\\)"  # a character of a logical line (backslash continuations)
# White space (a form feed too) or a line break (allowed inside brackets), as Python reads them.
_GAP_RE = rb"(?:[ \t\x0c]|\\?(?:\r\n?|\n))*"
_CHAIN = rb"(?:" + _GAP_RE + rb"\." + _GAP_RE + rb"\w+)+"
# A dotted name (matched at its root) that ends right before an assignment, wherever the
# statement starts: `a = m.x = 1`, `(m.x) = 1`, `[\n a,\n m.x\n] = ...`, `m.x: int`.
_DIRECT = re.compile(rb"[\s)\]]*" + _AUG + rb"=(?!=)")  # after the dotted name
_ANNOTATED = re.compile(rb"[ \t\x0c)]*:")
# Text of one logical line that holds targets, as the group that matched:
# `a, m.x =` (see _assigned_list); the two-character operators first, as `re` tried them.
_AUG_OPERATORS = (b"<<", b">>", b"//", b"**", *(bytes([c]) for c in b"-+*/%@&|^"), b"")
_OTHER_LISTS = (
    re.compile(rb"for\b(?<![\w]for)(" + _LINE + rb"*?)\bin\b"),  # for a, m.x in ...
    re.compile(rb"as\b(?<![\w]as)(" + _LINE + rb"*)"),  # with f() as (a, m.x):
)
# What starts the target lists of _OTHER_LISTS.
_LIST_BEFORE = re.compile(rb"for\b(?<![\w]for)|as\b(?<![\w]as)")
# What may follow a dotted name that is one target of several (not a call or a subscript).
_TARGET_END = re.compile(rb"[ \t\x0c]*(?:[,)\]:#\r\n]|=(?!=)|$|\\|\bin\b|" + _AUG + rb"=)")
_CHAIN_AT = re.compile(_CHAIN)
# `del a, m.x` and `del (a,\n m.x)`: searched in the whole file, as `del` is rare (the
# lookbehind after the literal leaves out `model` and `x.del`: 15k matches to 265 on Django).
_DEL = re.compile(rb"del\b(?<![\w.]del)")


def blank_before(data: bytes, end: int) -> int:
    """Where the white space and line continuations that end at `end` start."""
    while end > 0 and data[end - 1] in _BLANK:
        end -= 1
    return end


def _word_before(data: bytes, end: int) -> tuple[bytes, int]:
    """The identifier that ends before `end`, white space and line continuations skipped,
    and where it starts."""
    end = blank_before(data, end)
    start = end
    while start > 0 and data[start - 1] in WORD:
        start -= 1
    return data[start:end], start


def import_statements(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Where each `import` keyword starts, where what follows it ends and that text, up to the
    end of the statement: a bracketed name list included (`from m import (a,\n b)`). The scan
    goes on inside the brackets: `# we import (see below` in a comment or a string is no
    statement, and must not hide the import statements up to the next `)`."""
    for found in _IMPORT.finditer(data):
        end = found.end()
        text = found.group(1)
        names = _NAMES.match(data, end)
        if names is not None:
            end = names.end()
            text += names.group()
        yield found.start(), end, text


Statements = list[tuple[int, int, bytes]]  # what import_statements yields


def imported_names(data: bytes, statements: Statements | None = None) -> set[bytes] | None:
    """Every name an import statement may bind; None when one spells a non-ASCII name.
    (`statements`: the file's import_statements, if known.)"""
    names: set[bytes] = set()
    for start, _, text in import_statements(data) if statements is None else statements:
        line = data.rfind(b"\n", 0, start) + 1
        if not _IMPORT_START.match(data, line, start):
            continue  # `reimport`, `__import__`, `import` in prose
        if not text.isascii():
            return None
        names.update(IDENT.findall(text))
    return names


def clause_names(bound: bytes, base: int, offsets: Sequence[int], i: int) -> list[bytes]:
    """The names of the clauses of an import statement's `bound` text (`a.b as c, d`; at
    `base` in the file) that hold one of the sorted `offsets` (from index `i`): a trigger in
    the name `mock` of `from unittest import TestCase, mock` binds `mock` to a path that may
    match, not `TestCase` (`unittest.TestCase` holds no trigger). A comment in the text may
    hold a comma: the caller takes every name then."""
    names: list[bytes] = []
    start = 0
    while True:
        comma = bound.find(b",", start)
        stop = len(bound) if comma < 0 else comma
        j = bisect.bisect_left(offsets, base + start, i)
        if j < len(offsets) and offsets[j] < base + stop:
            names += IDENT.findall(bound, start, stop)
        if comma < 0:
            return names
        start = comma + 1


def _at_top(region: bytes, offset: int) -> bool:
    """Whether the dotted name whose root is at `offset` in a target list can be a target:
    outside call parentheses and subscripts, and not itself called or subscripted:
    `(a, m.x) = ...` yes, `f(m.x, k=1)` and `m.f(k=1)` no."""
    chain = _CHAIN_AT.match(region, IDENT.match(region, offset).end())  # type: ignore[union-attr]
    if chain is None or not _TARGET_END.match(region, chain.end()):
        return False
    stack: list[bool] = []  # True: a call or subscript bracket
    previous = b" "
    for i in range(offset):
        char = region[i : i + 1]
        if char in b"([{":
            stack.append(previous.isalnum() or previous in b"_)]")
        elif char in b")]}" and stack:
            stack.pop()
        if not char.isspace():
            previous = char
    return not any(stack)


def module_starts(data: bytes, offsets: list[int]) -> list[int]:
    """The `offsets` (of words) that may start an absolute module's name in an import
    statement: right after `from` or `import`, or after a comma on a logical line that holds
    `import` (`import a, moto.s3`). Not after a dot (`from .responses`, `from . responses`,
    `moto.responses`), nor after a comma on a line of a `from` import's bracketed names that
    holds no `import` (`from m import (\n a,\n b)` imports `m.b`). Comments and strings are not
    told apart, which only keeps more."""
    kept = []
    for pos in offsets:
        end = blank_before(data, pos)
        keyword = 4 if data.endswith(b"from", 0, end) else 6
        if keyword == 4 or data.endswith(b"import", 0, end):
            if end == keyword or data[end - keyword - 1] not in WORD:
                kept.append(pos)
        elif (
            end
            and data[end - 1] == 44  # a comma
            and data.find(b"import", logical_line_start(data, end), end) >= 0
        ):
            kept.append(pos)
    return kept


def logical_line_start(data: bytes, pos: int) -> int:
    """Where the physical lines around `pos`, joined by backslash continuations, start."""
    start = data.rfind(b"\n", 0, pos) + 1
    while start >= 2 and (
        data[start - 2 : start] == b"\\\n" or data[start - 3 : start] == b"\\\r\n"
    ):
        start = data.rfind(b"\n", 0, start - 2) + 1
    return start


def _logical_line(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end of the physical lines around `pos`, joined by backslash continuations."""
    start = logical_line_start(data, pos)
    end = data.find(b"\n", pos)
    while end > 0 and data[end - 1 : end] == b"\\":
        end = data.find(b"\n", end + 1)
    return start, len(data) if end < 0 else end


_INDENT = re.compile(rb"[ \t\x0c]*")
_OPENERS = frozenset(b"([{")
_CLOSERS = frozenset(b")]}")
_GROUP_END = re.compile(rb"[\s)\]]*(?:" + _AUG + rb"=(?!=)|in\b|:)")
_WINDOW = 4096
_BRACKET = re.compile(rb"[()\[\]{}]")
_STATEMENT_CHARS = re.compile(rb"[()\[\]{}\n;\\]")


def _continues_brackets(data: bytes, line_start: int) -> bool:
    """Whether this line may be inside brackets opened earlier: it starts with what only goes
    on inside brackets (`, m.x) in ...` of a comma-first list, `]`, `.attr`, `*rest`), or the
    code line before (blank and comment lines skipped) ends in an opening bracket, a comma or
    `*`, or has a `#` (a trailing comment hides how it ends)."""
    first = _INDENT.match(data, line_start).end()  # type: ignore[union-attr]
    if first < len(data) and data[first] in b",)]}.*":
        return True
    end = line_start - 1
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        line = data[start:end].strip()
        if line and not line.startswith(b"#"):
            return line[-1] in b"([{,*" or b"#" in line
        end = start - 1
    return False


def _depth(text: bytes) -> int:
    opened = text.count(b"(") + text.count(b"[") + text.count(b"{")
    return opened - text.count(b")") - text.count(b"]") - text.count(b"}")


def _statement_end(data: bytes, pos: int, depth: int = 0) -> int:
    """Where the statement going on at `pos`, `depth` brackets open there, ends: at a line
    break or `;` outside brackets that no backslash escapes (at most a few KB on; string
    contents are not told apart, which only lengthens or shortens it to the next bracket or
    line)."""
    escaped = -1
    for found in _STATEMENT_CHARS.finditer(data, pos, pos + _WINDOW):
        at = found.start()
        char = data[at]
        if at == escaped:
            continue
        if char == 92:  # a backslash: the next character, or a CRLF, is escaped
            escaped = at + (2 if data.startswith(b"\r\n", at + 1) else 1)
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
        elif depth <= 0:
            return at
    return min(len(data), pos + _WINDOW)


def _group_is_target(data: bytes, pos: int) -> bool:
    """Whether the bracket group around `pos` is followed by what ends a target list; True
    when it does not close within a few KB (no guess)."""
    depth = 0
    for found in _BRACKET.finditer(data, pos, pos + _WINDOW):
        if data[found.start()] in _OPENERS:
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return _GROUP_END.match(data, found.end()) is not None
    return True


def _statement(data: bytes, pos: int) -> bytes:
    """The rest of the statement from `pos` (see _statement_end)."""
    return data[pos : _statement_end(data, pos)]


def _assigns(data: bytes, names: set[bytes]) -> Iterator[int]:
    """Where an imported name may be the root of an assigned or deleted dotted target."""
    dotted = _DOTTED_TARGET if names & _SELF else _DOTTED_TARGET_NOT_SELF
    for found in dotted.finditer(data):
        word, start = _word_before(data, found.start())
        first = start == 0 or data[start - 1] not in ROOT_BEFORE  # `a.b.c`: not at `b`
        if word in names and first and _is_target(data, start):
            yield start
    for found in _DEL.finditer(data):
        region = _statement(data, found.end())
        for root in _ROOTS.finditer(region):
            if root.group(1) in names and _at_top(region, root.start(1)):
                yield found.end() + root.start(1)


# A dot of `name.x` followed by the rest of the dotted name and what may end a target, for
# every name in one scan (a regex of the file's names would cost more to compile; a `find`
# per name, a Python step per use; `name.f(`, the most common, is no match). Each dot is tried:
# what follows one may be another root (`# a comment that ends in a dot.\nos.sep = 1`). The
# dot follows a word (`not_after` may leave some out), or has white space or a line break on
# either side (`os .sep`, `os.\\\n sep`, a line that starts with `.attr`). (The dot first: `re`
# skips ahead to a literal, where a class or a lookbehind first is tried at every offset, 20x
# slower.)
def _dotted_target(not_after: bytes = b"") -> re.Pattern[bytes]:
    return re.compile(
        rb"\.(?:(?<=\w\.)" + not_after + rb"|(?<=[ \t\x0c\r\n]\.)|(?=[ \t\x0c\\\r\n]))"
        + rb"(?=(?>" + _GAP_RE + rb"\w+(?:" + _GAP_RE + rb"\." + _GAP_RE + rb"\w+)*)"
        + _TARGET_END.pattern + rb")"
    )  # fmt: skip


_DOTTED_TARGET = _dotted_target()
# `self.x` and `cls.x` hold a fifth of Django's dotted names: checked after the dot, in C,
# unless an import binds either name.
_SELF = frozenset({b"self", b"cls"})
_DOTTED_TARGET_NOT_SELF = _dotted_target(rb"(?<!\bself\.)(?<!\bcls\.)")
_ROOTS = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)(?=[ \t\x0c\\\r\n]*\.)")


# What a target may follow on its line (white space between): a line break (continued or
# not), `,` `(` `[` `*` `=` `;` `:`, or one of the keywords in _BEFORE_TARGET_WORDS.
_BEFORE_TARGET = frozenset(b",([*=;:\n\r\\")
_BEFORE_TARGET_WORDS = frozenset((b"for", b"as", b"del"))
_SPACE = frozenset(b" \t\x0c")


def _may_follow(data: bytes, pos: int) -> bool:
    """Whether what comes before `pos` on its line leaves room for a target there: not after
    `@` (a decorator), an operator, `if`, `not`, `return` or `import` (a fifth of the dotted
    names that _is_target was asked about on moto+botocore)."""
    end = pos
    while end and data[end - 1] in _SPACE:
        end -= 1
    if not end or data[end - 1] in _BEFORE_TARGET:
        return True
    start = end
    while start and data[start - 1] in WORD:
        start -= 1
    return data[start:end] in _BEFORE_TARGET_WORDS


def _is_target(data: bytes, pos: int) -> bool:
    """Whether the dotted name at `pos` may be assigned to."""
    if not _may_follow(data, pos):
        return False
    chain = _CHAIN_AT.match(data, IDENT.match(data, pos).end())  # type: ignore[union-attr]
    if chain is None or not _TARGET_END.match(data, chain.end()):
        return False  # called, subscripted, compared, ...
    chain_end = chain.end()
    if data[data.rfind(b"\n", 0, pos) + 1 : pos].lstrip(b" \t").startswith(b"#"):
        return False  # in a comment line
    if _DIRECT.match(data, chain_end):
        return True
    start, end = _logical_line(data, pos)
    line = data[start:end]
    offset = pos - start
    if _ANNOTATED.match(data, chain_end) and not line[:offset].strip(b" \t("):
        return True
    if _continues_brackets(data, start):
        # Inside brackets opened on an earlier line: a target only in a target list, which
        # closes and is followed by `=`, `in` or `:` (`(\n a,\n m.x,\n) = ...`); call
        # arguments (`models.ForeignKey(\n Author, models.CASCADE,\n)`) are not.
        if _depth(line[:offset]) >= 0:
            return _group_is_target(data, chain_end)
        if _group_is_target(data, chain_end):
            return True  # brackets closed before it may be nested in others (`[[a\n], m.x\n] =`)
    depth = max(_depth(line), _depth(line[offset:]))
    if depth > 0:
        # Brackets left open: the statement, and maybe the target list, goes on (`(a, m\n
        # .x) = ...`, `m.x, (a\n, b) = ...`). Line breaks read as spaces keep the offsets.
        line = data[start : _statement_end(data, end, depth)].replace(b"\n", b" ")
    if line.find(b"=", offset) < 0 and not _LIST_BEFORE.search(line, 0, offset):
        return False  # no assignment after it, no `for` or `as` before it: in no target list
    return any(
        begin <= offset < finish and _at_top(line[begin:finish], offset - begin)
        for begin, finish in _target_lists(line)
    )


def _assigned_list(line: bytes, start: int) -> tuple[int, int] | None:
    """`a, m.x ` of `a, m.x = ...` or `m.x += ...` from `start`, as the regex
    `[ \\t]*(LINE*?)(?<![!<>=])AUG=(?!=)` would match it there: up to the first `=` that is no
    comparison (`==`, `!=`, `<=`, `>=`), not past a line break that no backslash continues.
    (That regex, with its lazy group, took 5x longer: most of the prefilter's time on Django.)"""
    while start < len(line) and line[start] in b" \t":
        start += 1
    limit = line.find(b"\n", start)
    while limit > 0 and (
        line[limit - 1] == 92 or (line[limit - 1] == 13 and line[limit - 2 : limit - 1] == b"\\")
    ):
        limit = line.find(b"\n", limit + 1)
    if limit < 0:
        limit = len(line)
    equals = line.find(b"=", start, limit)
    while equals >= 0:
        if not line.startswith(b"=", equals + 1):
            for operator in _AUG_OPERATORS:
                end = equals - len(operator)
                if end < start or not line.startswith(operator, end):
                    continue
                if end == 0 or line[end - 1] not in b"!<>=":
                    return start, end
        equals = line.find(b"=", equals + 1, limit)
    return None


def _target_lists(line: bytes) -> Iterator[tuple[int, int]]:
    """Where the target lists of a logical line may be: before an assignment's `=` (from
    where a statement may start: the line's start, after a `;` or a continued line break),
    between `for` and `in`, after `as`."""
    start = 0
    while start >= 0:
        span = _assigned_list(line, start)
        if span is not None:
            yield span
        semicolon, newline = line.find(b";", start), line.find(b"\n", start)
        start = (
            min(semicolon, newline) if semicolon >= 0 and newline >= 0 else max(semicolon, newline)
        )
        if start >= 0:
            start += 1
    for pattern in _OTHER_LISTS:
        for found in pattern.finditer(line):
            yield found.span(1)


def _arg0(data: bytes, calls: frozenset[str], names: set[bytes]) -> Iterator[int]:
    for pattern, ending, spellings in _arg0_patterns(calls):
        for found in pattern.finditer(data):
            if found.group(1) not in names:
                continue
            stop = found.start() + ending
            for call in spellings:  # (at most one is a whole word: `attr` is not in `setattr`)
                start = stop - len(call)
                if data.endswith(call, 0, stop) and (
                    start == 0 or data[start - 1] not in ROOT_BEFORE
                ):
                    yield start


ROOT_BEFORE = WORD | {ord(".")}


@functools.lru_cache(maxsize=8)
def _arg0_patterns(
    calls: frozenset[str],
) -> tuple[tuple[re.Pattern[bytes], int, tuple[bytes, ...]], ...]:
    """`setattr(os, ...)`: the call's first argument's root (comments may sit before it). One
    regex per group of calls that end alike, that ending first and each call behind it
    (`attr(?:(?<=setattr)|(?<=delattr))`), so that `re` skips ahead to the ending in one scan
    (an alternation of names is tried at every offset: 20x slower; a regex per name, one scan
    each: 27 ms against 15 ms on moto+botocore). With the length of the ending and the calls'
    spellings."""
    groups: dict[str, list[str]] = {}
    for call in sorted(calls):
        groups.setdefault(call[-4:], []).append(call)
    patterns = []
    for ending, group in groups.items():
        behind = "|".join(f"(?<={re.escape(call)})" for call in group)
        regex = rf"{re.escape(ending)}(?:{behind})\s*\((?:[\s\\(]|#[^\n]*)*([A-Za-z_]\w*)"
        patterns.append((re.compile(regex.encode()), len(ending), tuple(c.encode() for c in group)))
    return tuple(patterns)


def offsets(
    data: bytes, arg0_calls: frozenset[str], assignments: bool, statements: Statements
) -> list[int] | None:
    """Every place where an imported name may be the first argument of one of `arg0_calls`
    or, with `assignments`, an assigned or deleted dotted target's root (None: anywhere, when an
    import spells a non-ASCII name). `statements`: the file's import_statements."""
    names = imported_names(data, statements)
    if names is None:
        return None
    found = list(_arg0(data, arg0_calls, names)) if arg0_calls and names else []
    if assignments and names:
        found += _assigns(data, names)
    return found
