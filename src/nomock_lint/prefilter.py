"""The textual prefilter: skip parsing a file in which no active rule can match.

Triggers are derived from the catalog, so a new module or call path is covered without a second
list to keep in step. Why each derivation is sound:

- an import or a call resolved through the import table needs the module's first name (Python:
  `unittest` for `unittest.mock.patch`, JS: the specifier `jest-mock`) in the file's text;
- a call on a global (`vi.fn`, `setattr`), a fixture parameter or a method needs that name;
- name-based rules (NM301 / NM302) need one of their words, case-insensitively, somewhere in an
  identifier; a manual-mock folder is decided by the path, not the text;
- in Python every part of a resolved path is spelled in the file (the import statement spells
  the module, the attribute chain the rest), so the rarest-looking part (the longest) is the
  trigger: `postgresql` for `testing.postgresql`, not `testing`; a path with a part that contains
  an active case-insensitive word (`unittest.mock.patch`: `mock`) needs no word of its own;
- Python matchers that need an *imported* name (`imported_module.attr = ...`, `del m.attr`,
  `setattr(imported_module, ...)`) are checked in two steps: the names that import statements
  bind (over-approximated: every identifier after `import`), then whether one of them is the
  root of a dotted name inside an assignment, `for`, `del` or `as` target, or the first
  argument of such a call (see _imported_target);
- matchers whose words cannot be derived (environment reads) carry explicit `triggers` regexes
  in the catalog;
- suppression rules (NM901 / NM902) need the word `nomock`.

The import-dependent step reads code as text and does not tell string contents apart: an `=`,
a bracket or a `#` inside a string literal within the same target list can hide a target
(`d["="], os.sep, x = ...`). Such code is the price of skipping most files without a parse.

A test runs every fixture with and without the prefilter and requires identical findings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from nomock_lint.catalog import Matchers, Rule
from nomock_lint.engine import in_folder

# Identifiers are one alternation shaped as a trie (`s(?:inon|tub)`), so that at each offset
# the regex engine follows at most one branch per character instead of trying every word; on a
# 2.3 MB file with no trigger this is 6x faster than one branch per word.
_NOT_AFTER_WORD = r"(?<![\w$])"
_NOT_BEFORE_WORD = r"(?![\w$])"
# White space or comments between tokens (the JS front-end blanks comments, so `Date /* */ .now`
# is an assignment target there; the trigger must accept whatever the front-end accepts).
_GAP = r"(?:\s|/\*(?:[^*]|\*(?!/))*\*/|//[^\n]*\n)*"
# `Root.a.b = ...`, `Root['a'] += ...` (not `==`, `=>`): a root word alone is in nearly every JS
# file (`console`, `Promise`), its assignment in few.
_ASSIGNED = (
    rf"(?:{_GAP}(?:\?{_GAP})?\.{_GAP}[\w$]+|{_GAP}\[[^\n]*?\])+{_GAP}"
    r"(?:\*\*|&&|\|\||\?\?|>>>|<<|>>|[-+*/%&|^])?=(?![=>])"
)


def _trie(words: set[str]) -> str:
    """A regex matching exactly `words`, factored by common prefixes."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here and longer ones go on
            body = (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
        return body

    return emit(tree)


def _root(path: str) -> str:
    """`unittest.mock.patch` -> `unittest`; `@jest/globals.jest` -> `@jest/globals`."""
    return path.split(".", 1)[0]


def _part(path: str, language: str) -> str:
    """What of a path the file must contain: JS, its root; Python, the whole dotted path, of
    which `_triggers` keeps one part (see the module docstring)."""
    path = path.removesuffix(".*")
    return path if language == "python" else _root(path)


@dataclass
class _Words:
    idents: set[str] = field(default_factory=set)  # identifiers (Python: dotted paths)
    class_words: set[str] = field(default_factory=set)  # case-insensitive, in class names
    binding_prefixes: set[str] = field(default_factory=set)  # case-insensitive, name starts
    regexes: list[str] = field(default_factory=list)
    assigned: set[str] = field(default_factory=set)  # roots assigned to (JS)
    arg0_imported: set[str] = field(default_factory=set)  # calls whose arg0 must be imported
    assign_imported: bool = False  # an imported name's attribute as a target (Python)

    def add(self, m: Matchers, language: str) -> None:
        for module in m.modules:
            self.idents.add(_part(module, language))
        for path in (*m.calls, *m.fixture_calls, *m.subscript_assign):
            self.idents.add(_part(path, language))
        for entry in m.call_arg0:
            if language == "python" and entry.arg0_binding == "import" and entry.arg0 is None:
                self.arg0_imported.add(entry.call)
            else:
                self.idents.add(_part(entry.call, language))
        self.idents.update(m.fixtures)
        self.idents.update(m.method_calls)
        self.idents.update(a.rsplit(".", 1)[-1] for a in m.attributes)
        if m.implements_partial:
            self.idents.add("Partial")
        self.class_words.update(m.class_words)
        self.binding_prefixes.update(m.binding_prefixes)
        self.regexes += m.triggers
        self.assigned.update(m.assign_roots)
        self.assign_imported = self.assign_imported or (language == "python" and m.assign_imported)


# A regex that opens with a lookbehind or `\b` gets no literal-prefix scan from `re`: it is
# searched without them, and they are checked only where the rest matched (see _has_match).
_LOOKBEHIND = re.compile(r"\(\?<[!=]")
_BOUNDARY = re.compile(r"\\b")


def _has_match(data: bytes, fast: re.Pattern[bytes], full: re.Pattern[bytes] | None) -> bool:
    if full is None:
        return fast.search(data) is not None
    found = fast.search(data)
    while found is not None:
        # Lookbehinds see the text before `pos`, so `full` checks them at the same start.
        if full.match(data, found.start()) is not None:
            return True
        found = fast.search(data, found.start() + 1)
    return False


def _split_lookbehinds(regex: str) -> tuple[str, bool]:
    """The regex without its leading `\\b` and lookbehind groups, and whether there were any."""
    rest = regex
    while _LOOKBEHIND.match(rest) or _BOUNDARY.match(rest):
        if rest.startswith("\\b"):
            rest = rest[2:]
            continue
        depth, i = 0, 0
        while i < len(rest):
            if rest[i] == "\\":
                i += 2
                continue
            if rest[i] == "(":
                depth += 1
            elif rest[i] == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        rest = rest[i + 1 :]
    return rest, rest != regex


def _compile_regex(regex: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes] | None]:
    full = re.compile(regex.encode())
    rest, stripped = _split_lookbehinds(regex)
    if not stripped or not rest:
        return full, None
    return re.compile(rest.encode()), full


@dataclass(frozen=True)
class _Triggers:
    parts: list[str]  # regex alternatives
    insensitive: tuple[str, ...]  # case-insensitive words
    # Python: where a case-insensitive word can make a finding (a class or def name, the
    # start of a name), checked only in files that contain one of the words.
    names: re.Pattern[bytes] | None
    arg0_imported: frozenset[str]  # calls whose first argument must be an imported name
    assign_imported: bool  # an imported name's attribute as an assignment / del target


@functools.lru_cache(maxsize=64)
def _triggers(rules: tuple[Rule, ...], language: str, is_test: bool) -> _Triggers:
    """The words, regexes and import-dependent checks of the active rules."""
    words = _Words()
    for rule in rules:
        if rule.scope == "production" and is_test:
            continue
        if rule.id in ("NM901", "NM902"):
            words.idents.add("nomock")
            continue
        if rule.id == "NM903":
            continue  # reported for files that are parsed; see api.check_source
        words.add(rule.languages[language], language)
    idents = words.idents
    insensitive = words.class_words | words.binding_prefixes
    names = None
    if language == "python":
        # Any part of a path will do; one that holds a case-insensitive word (`mock` of
        # `unittest.mock.patch`) is the likeliest to be rare, else the longest.
        lowered = [w.lower() for w in insensitive]
        idents = {
            max(path.split("."), key=lambda p: (any(w in p.lower() for w in lowered), len(p)))
            for path in idents
        }
        names = _names_pattern(words.class_words, words.binding_prefixes)
    parts = []
    if idents:
        parts.append(f"{_NOT_AFTER_WORD}{_trie(idents)}{_NOT_BEFORE_WORD}")
    if words.assigned:
        parts.append(f"{_NOT_AFTER_WORD}{_trie(words.assigned)}{_NOT_BEFORE_WORD}{_ASSIGNED}")
    parts += dict.fromkeys(words.regexes)  # several rules share a trigger
    return _Triggers(
        parts,
        tuple(sorted(insensitive)),
        names,
        frozenset(words.arg0_imported),
        words.assign_imported,
    )


def _names_pattern(class_words: set[str], prefixes: set[str]) -> re.Pattern[bytes] | None:
    """Python names that NM301 / NM302 read: a class or def name holding a class word
    (`class RedisFake`, `def make_mock_user`), a name starting with a prefix (`mock_db`, also
    after underscores or non-ASCII letters, which `engine.words` skips)."""
    alternatives = []
    if class_words:
        words = "|".join(re.escape(w) for w in sorted(class_words))
        alternatives.append(rf"(?:class|def)(?:\s|\\)+[^\s(:]*?(?i:{words})")
    if prefixes:
        words = "|".join(re.escape(w) for w in sorted(prefixes))
        alternatives.append(rf"(?<![A-Za-z0-9])(?i:{words})")
    return re.compile("|".join(alternatives).encode()) if alternatives else None


@functools.lru_cache(maxsize=64)
def compile_prefilter(
    rules: tuple[Rule, ...], language: str, is_test: bool
) -> re.Pattern[bytes] | None:
    """One regex over the file's bytes: for JavaScript what `may_match` decides; for Python
    only its words and regexes (the name and import-dependent steps are in `may_match`)."""
    found = _triggers(rules, language, is_test)
    parts = found.parts
    if found.insensitive:
        parts = [*parts, "(?i:" + "|".join(re.escape(w) for w in found.insensitive) + ")"]
    if not parts:
        return re.compile(b"(?!)")  # nothing can match
    return re.compile("|".join(parts).encode())


@functools.lru_cache(maxsize=64)
def _split_prefilter(
    rules: tuple[Rule, ...], language: str, is_test: bool
) -> tuple[tuple[tuple[re.Pattern[bytes], re.Pattern[bytes] | None], ...], tuple[bytes, ...]]:
    """`compile_prefilter` in steps: the case-insensitive words as substrings of the lower-cased
    bytes (a C substring search; as a `(?i:...)` branch they cost half the scan), then each
    alternative on its own (a top-level alternation is tried branch by branch at every offset:
    measured 1.8x slower than the separate scans)."""
    found = _triggers(rules, language, is_test)
    patterns = tuple(_compile_regex(part) for part in found.parts)
    return patterns, tuple(w.lower().encode() for w in found.insensitive)


# -- names bound by imports -------------------------------------------------------------------

# `import a.b as c, d` / `from m import (x as y,\n z)`: every identifier after `import` up to
# the end of the statement (a superset of the bound names; `import` in prose adds harmless ones).
# Literal first, so that `re` can skip ahead to each `import`.
_IMPORT = re.compile(rb"import\b((?:\\\r?\n|[^\n\\(;#])*)(\([^)]*\))?")
# What may precede `import` on its line: a statement start, `from m`, a `;` or a `:` before.
_IMPORT_START = re.compile(rb"(?:[^\n]*[;:])?[ \t]*(?:from[ \t]+[\w. \t]*)?\Z")
_IDENT = re.compile(rb"[A-Za-z_]\w*")
# A dot with white space or a line break on either side (`os .sep`, `os.\\\n sep`): rare in code,
# so a dotted name spelled so is taken as a target when its root is imported.
_SPACED_DOT = re.compile(rb"[ \t\n]\.|\.[ \t\\\r\n]")
_WORD = frozenset(b"_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_BLANK = frozenset(b" \t\r\n\\")
_AUG = rb"(?:[-+*/%@&|^]|<<|>>|//|\*\*)?"
_LINE = rb"(?:[^\n\\]|\\\r?\n|\\)"  # a character of a logical line (backslash continuations)
_GAP_RE = rb"(?:[ \t]|\\?\r?\n)*"  # a line break is allowed inside brackets
_CHAIN = rb"(?:" + _GAP_RE + rb"\." + _GAP_RE + rb"\w+)+"
# A dotted name (matched at its root) that ends right before an assignment, wherever the
# statement starts: `a = m.x = 1`, `(m.x) = 1`, `[\n a,\n m.x\n] = ...`, `m.x: int`.
_DIRECT = re.compile(rb"[\s)\]]*" + _AUG + rb"=(?!=)")  # after the dotted name
_ANNOTATED = re.compile(rb"[ \t)]*:")
# Text of one logical line that holds targets, as the group that matched:
_TARGETS = re.compile(
    rb"(?:^|;)[ \t]*(" + _LINE + rb"*?)(?<![!<>=])" + _AUG + rb"=(?!=)"  # a, m.x = ...
    rb"|\bfor\b(" + _LINE + rb"*?)\bin\b"  # for a, m.x in ...
    rb"|\bas\b(" + _LINE + rb"*)",  # with f() as (a, m.x):
    re.MULTILINE,
)
# What may follow a dotted name that is one target of several (not a call or a subscript).
_TARGET_END = re.compile(rb"[ \t]*(?:[,)\]:#\r\n]|=(?!=)|$|\\|\bin\b|" + _AUG + rb"=)")
_CHAIN_AT = re.compile(_CHAIN)
# `del a, m.x` and `del (a,\n m.x)`: searched in the whole file, as `del` is rare.
_DEL = re.compile(rb"del\b")


def _word_before(data: bytes, end: int) -> tuple[bytes, int]:
    """The identifier that ends before `end`, white space and line continuations skipped,
    and where it starts."""
    while end > 0 and data[end - 1] in _BLANK:
        end -= 1
    start = end
    while start > 0 and data[start - 1] in _WORD:
        start -= 1
    return data[start:end], start


def imported_names(data: bytes) -> set[bytes] | None:
    """Every name an import statement may bind; None when one spells a non-ASCII name."""
    names: set[bytes] = set()
    for found in _IMPORT.finditer(data):
        start = found.start()
        line = data.rfind(b"\n", 0, start) + 1
        if not _IMPORT_START.match(data, line, start):
            continue  # `reimport`, `__import__`, `import` in prose
        text = found.group(1) + (found.group(2) or b"")
        if not text.isascii():
            return None
        names.update(_IDENT.findall(text))
    return names


def _at_top(region: bytes, offset: int) -> bool:
    """Whether the dotted name whose root is at `offset` in a target list can be a target:
    outside call parentheses and subscripts, and not itself called or subscripted:
    `(a, m.x) = ...` yes, `f(m.x, k=1)` and `m.f(k=1)` no."""
    chain = _CHAIN_AT.match(region, _IDENT.match(region, offset).end())  # type: ignore[union-attr]
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


def _logical_line(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end of the physical lines around `pos`, joined by backslash continuations."""
    start = data.rfind(b"\n", 0, pos) + 1
    while start >= 2 and data[start - 2 : start] == b"\\\n":
        start = data.rfind(b"\n", 0, start - 2) + 1
    end = data.find(b"\n", pos)
    while end > 0 and data[end - 1 : end] == b"\\":
        end = data.find(b"\n", end + 1)
    return start, len(data) if end < 0 else end


_OPENERS = frozenset(b"([{")
_CLOSERS = frozenset(b")]}")
_GROUP_END = re.compile(rb"[\s)\]]*(?:" + _AUG + rb"=(?!=)|in\b|:)")
_WINDOW = 4096


def _continues_brackets(data: bytes, line_start: int) -> bool:
    """Whether this line may be inside brackets opened earlier: the code line before (blank
    and comment lines skipped) leaves a bracket open, ends in a comma or has a `#` (a
    trailing comment hides how it ends)."""
    end = line_start - 1
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        line = data[start:end].strip()
        if line and not line.startswith(b"#"):
            return line[-1] in b"([{," or b"#" in line
        end = start - 1
    return False


def _depth(text: bytes) -> int:
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
    return depth


def _group_is_target(data: bytes, pos: int) -> bool:
    """Whether the bracket group around `pos` is followed by what ends a target list; True
    when it does not close within a few KB (no guess)."""
    depth = 0
    end = min(len(data), pos + _WINDOW)
    for i in range(pos, end):
        char = data[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if depth < 0:
                return _GROUP_END.match(data, i + 1) is not None
    return True


def _statement(data: bytes, pos: int) -> bytes:
    """The rest of the statement from `pos`: to a line break or `;` outside brackets (at most
    a few KB; string contents are not told apart, which only lengthens or shortens the
    region to the next bracket or line)."""
    depth = 0
    end = min(len(data), pos + _WINDOW)
    i = pos
    while i < end:
        char = data[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
        elif char == 92:  # backslash: the next character is escaped or continues the line
            i += 1
        elif depth <= 0 and char in b"\n;":
            break
        i += 1
    return data[pos:i]


def _imported_target(data: bytes, names: set[bytes]) -> bool:
    """Whether an imported name may be the root of an assigned or deleted dotted target."""
    for found in _SPACED_DOT.finditer(data):
        dot = found.end() - 1 if data[found.start()] != 46 else found.start()
        word, start = _word_before(data, dot)
        if word in names and _is_target(data, start):
            return True
    for found in _DEL.finditer(data):
        if found.start() > 0 and data[found.start() - 1] in _ROOT_BEFORE:
            continue
        region = _statement(data, found.end())
        for root in _ROOTS.finditer(region):
            if root.group(1) in names and _at_top(region, root.start(1)):
                return True
    for name in names:
        dotted = name + b"."
        pos = data.find(dotted)
        while pos >= 0:
            if (pos == 0 or data[pos - 1] not in _ROOT_BEFORE) and _is_target(data, pos):
                return True
            pos = data.find(dotted, pos + 1)
    return False


_ROOTS = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)(?=[ \t\\\r\n]*\.)")


def _is_target(data: bytes, pos: int) -> bool:
    """Whether the dotted name at `pos` (no spaces around its dots) may be assigned to."""
    chain = _CHAIN_AT.match(data, _IDENT.match(data, pos).end())  # type: ignore[union-attr]
    if chain is None or not _TARGET_END.match(data, chain.end()):
        return False  # called, subscripted, compared, ...
    if data[data.rfind(b"\n", 0, pos) + 1 : pos].lstrip(b" \t").startswith(b"#"):
        return False  # in a comment line
    if _DIRECT.match(data, chain.end()):
        return True
    start, end = _logical_line(data, pos)
    line = data[start:end]
    offset = pos - start
    if _ANNOTATED.match(data, chain.end()) and not line[:offset].strip(b" \t("):
        return True
    if _continues_brackets(data, start) and _depth(line[:offset]) >= 0:
        # Inside brackets opened on an earlier line: a target only in a target list, which
        # closes and is followed by `=`, `in` or `:` (`(\n a,\n m.x,\n) = ...`); call
        # arguments (`models.ForeignKey(\n Author, models.CASCADE,\n)`) are not.
        return _group_is_target(data, chain.end())
    for target in _TARGETS.finditer(line):
        group = next(i for i in (1, 2, 3) if target.group(i) is not None)
        begin, finish = target.span(group)
        if begin <= offset < finish and _at_top(line[begin:finish], offset - begin):
            return True
    return False


def _imported_arg0(data: bytes, calls: frozenset[str], names: set[bytes]) -> bool:
    return any(
        found.group(1) in names
        and (found.start() == 0 or data[found.start() - 1] not in _ROOT_BEFORE)
        for found in _arg0_pattern(calls).finditer(data)
    )


_ROOT_BEFORE = _WORD | {ord(".")}


@functools.lru_cache(maxsize=8)
def _arg0_pattern(calls: frozenset[str]) -> re.Pattern[bytes]:
    """`setattr(os, ...)`: the call's first argument's root (comments may sit before it).
    The call's name comes first, so that `re` can skip ahead to it."""
    alternatives = "|".join(re.escape(c) for c in sorted(calls))
    return re.compile(rf"(?:{alternatives})\s*\((?:[\s\\(]|#[^\n]*)*([A-Za-z_]\w*)".encode())


def in_manual_mock_dir(relpath: str, rules: tuple[Rule, ...], language: str) -> bool:
    return in_folder(relpath, {d for r in rules for d in r.languages[language].manual_mock_dirs})


def may_match(
    data: bytes, relpath: str, rules: tuple[Rule, ...], language: str, is_test: bool
) -> bool:
    """False only when no active rule can produce a finding in this file."""
    if in_manual_mock_dir(relpath, rules, language):
        return True
    patterns, insensitive = _split_prefilter(rules, language, is_test)
    found = _triggers(rules, language, is_test)
    if insensitive:
        lowered = data.lower()  # ASCII only, as `(?i:...)` over bytes
        if any(word in lowered for word in insensitive) and (
            found.names is None or found.names.search(data)
        ):
            return True
    if any(_has_match(data, fast, full) for fast, full in patterns):
        return True
    if not (found.assign_imported or found.arg0_imported):
        return False
    names = imported_names(data)
    if names is None:
        return True
    if not names:
        return False
    if found.arg0_imported and _imported_arg0(data, found.arg0_imported, names):
        return True
    return found.assign_imported and _imported_target(data, names)
