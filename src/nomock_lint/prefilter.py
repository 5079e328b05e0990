"""The textual prefilter: skip parsing a file in which no active rule can match.

Triggers are derived from the catalog, so a new module or call path is covered without a second
list to keep in step. Why each derivation is sound:

- an import or a call resolved through the import table needs the module's first name (JS: the
  specifier `jest-mock`, in a string) in the file's text; in Python every part of a resolved path
  is spelled in the file (the import statement spells the module, the attribute chain the rest),
  so the likeliest-rare part is the trigger: `postgresql` for `testing.postgresql`, `mock` for
  `unittest.mock.patch`; a one-word module (`moto`, `responses`) and what is under it come only
  from an import statement, which spells the name where an absolute module's name starts
  (`import moto`, `from moto.s3 import`), so only there does the word count: not in
  `from .responses import` or `self.responses` (import_targets.module_starts);
- a name that an import statement holding a trigger binds (`from moto.core import
  DEFAULT_ACCOUNT_ID as ACCOUNT_ID`; where the trigger is in an imported name, not in the module,
  only that name: `mock`, not `SkipTest`, of `from unittest import SkipTest, mock`, as the path
  it binds spells the trigger) is a trigger where it is used, but it yields a finding only
  where it is called, decorates, is a `with` item or is assigned an item (assigning its
  attributes: below), so a value read (`f"{ACCOUNT_ID}"`) outside a `with` header is not one;
- a catalog name found anywhere (`mock`, `MagicMock`) is no trigger after a module-level
  import that binds it to a path outside the catalog (`from tests import mock`), on its own or
  as the root of `name.attr`: the extractor resolves it to that path or to a local (_shadowed);
- a Python test-mode attribute (`app.testing`, `app.config["TESTING"]`) is read as spelled, as
  a dotted name or a string key: its last name counts only after a dot or a quote;
- a call on a global (`vi.fn`), a fixture parameter or a method needs that name;
- name-based rules (NM301 / NM302) need one of their words, case-insensitively, in a name as
  `engine.words` splits it; in Python, a class word counts only in a `class` or `def` name and a
  binding prefix only at the start of a name; a manual-mock folder is decided by the path;
- Python matchers that need an *imported* name (`imported_module.attr = ...`, `del m.attr`,
  `setattr(imported_module, ...)`) pass a file only when an import statement binds the root of
  such a target (import_targets.py);
- matchers whose words cannot be derived (environment reads) carry explicit `triggers` regexes
  in the catalog;
- suppression rules (NM901 / NM902) need the word `nomock`.

A test runs every fixture with and without the prefilter and requires identical findings.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Container, Iterator
from typing import TYPE_CHECKING, Any

from nomock_lint.catalog import Matchers, Rule
from nomock_lint.engine import in_folder
from nomock_lint.records import Record

if TYPE_CHECKING:
    from nomock_lint.import_targets import Statements

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
# The same over the reversed bytes, from the `=` back to the root: `=` is a literal that the regex
# engine skips ahead to, where the roots (`console`, `fetch`, `setTimeout` ...) start with common
# letters and are tried at a quarter of all offsets (0.37 s against 0.03 s on 28 MB of JS). Each
# piece is the mirror image of the one above: lookaheads become lookbehinds, and the root's own
# `(?![\w$])` always holds before a gap, `?`, `.` or `[`.
_GAP_REVERSED = r"(?:\s|/\*(?:[^*]|(?<!/)\*)*\*/|\n[^\n]*//)*"
_ASSIGNED_REVERSED = (
    r"=(?<![=>]=)(?:\*\*|&&|\|\||\?\?|>>>|<<|>>|[-+*/%&|^])?"
    rf"{_GAP_REVERSED}(?:[\w$]+{_GAP_REVERSED}\.(?:{_GAP_REVERSED}\?)?{_GAP_REVERSED}"
    rf"|\][^\n]*?\[{_GAP_REVERSED})+"
)
# A JS module is named only in a string literal (`from 'm'`, `require("m")`, import(`m`)), which
# the front-end reads from just after its quote.
_QUOTES = ("'", '"', "`")
_JS_IDENTIFIER = re.compile(r"[\w$]+")


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


# Slot classes rather than dataclasses or NamedTuples (0.2 ms each at import): see records.py.
class _Words(Record):
    __slots__ = (
        "arg0_imported",
        "assign_imported",
        "assigned",
        "attributes",
        "binding_prefixes",
        "class_words",
        "idents",
        "modules",
        "paths",
        "regexes",
        "unshadowable",
    )

    def __init__(self) -> None:
        self.modules: set[str] = set()  # JS: roots; Python: dotted paths
        self.idents: set[str] = set()  # JS: roots; Python: dotted paths
        self.attributes: set[str] = set()  # Python: the last names of test-mode attributes
        self.class_words: set[str] = set()
        self.binding_prefixes: set[str] = set()
        self.regexes: list[str] = []
        self.assigned: set[str] = set()  # JS roots assigned to
        self.arg0_imported: set[str] = set()  # Python calls whose arg0 is imported
        self.assign_imported = False  # Python: an imported name's attribute as a target
        self.paths: set[str] = set()  # Python: every dotted path that the catalog names
        # Python: names that match as a fixture parameter or a method, whatever binds them
        self.unshadowable: set[str] = set()

    def add(self, m: Matchers, language: str, is_test: bool) -> None:
        python = language == "python"

        # Python keeps whole paths (`_triggers` picks a part of each); JS keeps the root.
        def cut(path: str) -> str:
            return path if python else _root(path)

        self.modules.update(cut(module) for module in m.modules)
        for path in (*m.calls, *m.fixture_calls, *m.subscript_assign):
            self.idents.add(cut(path.removesuffix(".*")))
        for entry in m.call_arg0:
            if python and entry.arg0_binding == "import" and entry.arg0 is None:
                self.arg0_imported.add(entry.call)
            else:
                self.idents.add(cut(entry.call))
        self.idents.update(m.fixtures)
        self.idents.update(m.method_calls)
        attributes = {a.rsplit(".", 1)[-1] for a in m.attributes}
        (self.idents if not python else self.attributes).update(attributes)
        if m.implements_partial and is_test:  # the engine checks `implements Partial<X>` in tests
            self.idents.add("Partial")
        self.class_words.update(m.class_words)
        self.binding_prefixes.update(m.binding_prefixes)
        self.regexes += m.triggers
        self.assigned.update(m.assign_roots)
        self.assign_imported = self.assign_imported or (python and m.assign_imported)
        if python:
            arg0_calls = [entry.call for entry in m.call_arg0]
            self.paths.update(
                path.removesuffix(".*")
                for paths in (m.modules, m.calls, arg0_calls, m.fixture_calls)
                for path in paths
            )
            self.paths.update((*m.subscript_assign, *m.assign_roots, *m.attributes))
            self.paths.update(m.sys_modules)
            # (as engine.CompiledRules.wanted reads a parameter's name)
            on_parameters = [entry.call for entry in m.call_arg0 if entry.binding == "param"]
            parameters = (*m.fixture_calls, *m.subscript_assign, *on_parameters)
            self.unshadowable.update((*m.fixtures, *m.method_calls))
            self.unshadowable.update(_root(path) for path in parameters)


# A regex that opens with a lookbehind or `\b` gets no literal-prefix scan from `re`: it is
# searched without them, and they are checked only where the rest matched (see _has_match).
_LOOKBEHIND = re.compile(r"\(\?<[!=]")
_BOUNDARY = re.compile(r"\\b")


def _has_match(data: bytes, part: _Part) -> bool:
    fast = part.fast()
    found = fast.search(data)
    if found is None or not part.stripped:
        return found is not None
    full = part.full()
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


class _Part:
    """One alternative of the split prefilter, compiled when a file first gets to search it:
    most are gated out (a one-file run compiled all 22 JS or 35 Python parts, twice each, and
    got past the gates of at most 11), and the whole regex is needed only where the one
    without its lookbehinds matched."""

    __slots__ = (
        "_fast",
        "_full",
        "gate",
        "literal",
        "place",
        "regex",
        "rest",
        "reverse",
        "stripped",
    )

    def __init__(
        self, regex: str, reverse: bool, literal: bytes, gate: bytes, place: str = ""
    ) -> None:
        self.regex = regex
        self.place = place  # see _Trigger.place
        rest, stripped = _split_lookbehinds(regex)
        self.stripped = stripped and bool(rest)  # else `fast` is the whole regex
        self.rest = rest if self.stripped else regex
        self.reverse = reverse  # search the reversed bytes
        self.literal = literal  # every match starts with it, or b""
        self.gate = gate  # the gate word lower-cased, or b""
        self._fast: re.Pattern[bytes] | None = None
        self._full: re.Pattern[bytes] | None = None

    def fast(self) -> re.Pattern[bytes]:
        """The regex without its leading lookbehinds (`full` confirms where it matched)."""
        if self._fast is None:
            self._fast = re.compile(self.rest.encode())
        return self._fast

    def full(self) -> re.Pattern[bytes]:
        if self._full is None:
            self._full = re.compile(self.regex.encode()) if self.stripped else self.fast()
        return self._full


class _Trigger(Record):
    __slots__ = ("gate", "place", "regex", "reversed")

    def __init__(
        self, regex: str, reversed: str | None = None, gate: str = "", place: str = ""
    ) -> None:
        self.regex = regex
        # The regex to search the reversed bytes with instead, if one is faster.
        self.reversed = reversed
        # JS: a case-insensitive word (lower-cased) that every match holds: the words are looked
        # for first, so a file with no `mock` in any case is not searched for `mockReturnValue`.
        # (Python's names that hold one are found where it is: _Triggers.named.)
        self.gate = gate
        # Python: where a match counts (`_placed`): "" anywhere, MODULE where an absolute
        # module's name may start, ATTRIBUTE after a dot or a quote.
        self.place = place


def _literal_first(words: set[str]) -> list[str]:
    r"""`words` as regexes that each start with a literal (`mock(?<![\w$]mock)(?:Name|...)`).

    The regex engine skips ahead to a literal prefix at C speed (2 GB/s), while an alternation
    of words (or a class of first characters) is tried at every offset (50 MB/s): ten literal
    scans cost less than one such scan. Words are grouped by their first four characters."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[:4], []).append(word)
    regexes = []
    for group in groups.values():
        # Sorted, so the first and the last word share the prefix that all of them share.
        first, last = group[0], group[-1]
        size = next(
            (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first)
        )
        prefix = re.escape(first[:size])
        rest = "|".join(re.escape(w[size:]) for w in group)
        rest = f"(?:{rest})" if len(group) > 1 else ""
        regexes.append(rf"{prefix}(?<![\w$]{prefix}){rest}{_NOT_BEFORE_WORD}")
    return regexes


class _Triggers(Record):
    __slots__ = (
        "arg0_imported",
        "assign_imported",
        "binding_prefixes",
        "catalog_paths",
        "class_words",
        "insensitive",
        "named",
        "parts",
        "shadowable",
    )

    def __init__(
        self,
        parts: list[_Trigger],
        named: dict[bytes, dict[bytes, tuple[str, ...]]],
        insensitive: tuple[str, ...],
        class_words: frozenset[str],
        binding_prefixes: frozenset[str],
        arg0_imported: frozenset[str],
        assign_imported: bool,
        shadowable: frozenset[bytes] = frozenset(),
        catalog_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.parts = parts
        # Python: the names that hold a case-insensitive word, by that word (lower-cased), each
        # with where it counts (_Trigger.place, one or more): found where the word is (see
        # trigger_offsets).
        self.named = named
        self.insensitive = insensitive  # case-insensitive words (NM301 / NM302)
        self.class_words = class_words
        self.binding_prefixes = binding_prefixes
        self.arg0_imported = arg0_imported  # Python calls whose first argument must be imported
        self.assign_imported = assign_imported  # Python: an imported name's attribute as a target
        # Python: the catalog names found anywhere that an import may bind to a path outside
        # the catalog, and every path the catalog names (see _shadowed).
        self.shadowable = shadowable
        self.catalog_paths = catalog_paths


@functools.lru_cache(maxsize=64)
def _triggers(rules: tuple[Rule, ...], language: str, is_test: bool) -> _Triggers:
    """The regex alternatives, the case-insensitive words and the import-dependent checks of
    the active rules."""
    words = _Words()
    for rule in rules:
        if not rule.applies(is_test):
            continue
        if rule.id in ("NM901", "NM902"):
            words.idents.add("nomock")
            continue
        if rule.id == "NM903":
            continue  # reported for files that are parsed; see api.check_source
        words.add(rule.languages[language], language, is_test)
    modules, idents, assigned = words.modules, words.idents, words.assigned
    insensitive = words.class_words | words.binding_prefixes
    parts: list[_Trigger] = []
    named: dict[bytes, dict[bytes, tuple[str, ...]]] = {}
    if language == "javascript":
        # A global or a method is spelled as an identifier; any other catalog word can only be
        # the name of an imported module.
        quoted = {w for w in modules | idents if w not in idents or not _JS_IDENTIFIER.fullmatch(w)}
        bare = idents - quoted
        for group_words in (quoted, bare):
            for gate, group in _by_gate(group_words, insensitive).items():
                if group_words is quoted:  # one regex per quote: a literal first, as below
                    regex = f"{_trie(group)}{_NOT_BEFORE_WORD}"
                    found = [f"{re.escape(quote)}{regex}" for quote in _QUOTES]
                else:
                    found = _literal_first(group)
                parts += [_Trigger(r, gate=gate) for r in found]
    elif idents or modules:
        # Python: a call path may be resolved on a global name, so any part of it will do; one
        # that holds a case-insensitive word (`mock` of `unittest.mock.patch`) is the likeliest
        # to be rare, else the longest.
        lowered = [w.lower() for w in insensitive]

        def rarest(path: str) -> str:
            return max(
                path.split("."), key=lambda p: (any(w in p.lower() for w in lowered), len(p))
            )

        # A module, and what is under it, comes only from an import statement, which spells the
        # module's first name where an absolute module's name starts: `import moto`,
        # `from moto.s3 import`, not `from .responses import` nor `self.responses`. (For a
        # dotted module, a rarer part anywhere: `unittest` is imported by most test files.)
        single = {module for module in modules if "." not in module}
        anywhere = {rarest(path) for path in idents | (modules - single)}
        # A test-mode attribute (`app.testing`, `app.config["TESTING"]`) is read as a dotted
        # path or a string key (python_ast: `spelled`): never a word on its own.
        places = {
            "": anywhere,
            _MODULE: single - anywhere,
            _ATTRIBUTE: words.attributes - anywhere,
        }
        for place, chosen in places.items():
            for gate, group in _by_gate(chosen, insensitive).items():
                if gate:
                    places_of = named.setdefault(gate.encode(), {})
                    for word in group:
                        places_of[word.encode()] = (*places_of.get(word.encode(), ()), place)
                else:
                    parts += [_Trigger(r, place=place) for r in _literal_first(group)]
    if assigned:
        roots = f"{_NOT_AFTER_WORD}{_trie(assigned)}{_NOT_BEFORE_WORD}"
        reversed_roots = f"{_trie({w[::-1] for w in assigned})}{_NOT_BEFORE_WORD}"
        parts.append(
            _Trigger(f"{roots}{_ASSIGNED}", reversed=f"{_ASSIGNED_REVERSED}{reversed_roots}")
        )
    parts += [_Trigger(r) for r in words.regexes]
    # Several rules share a trigger (and `vitest` is both a word and a catalog regex).
    unique = {t.regex: t for t in reversed(parts)}
    anywhere_names = {n for by_name in named.values() for n, at in by_name.items() if "" in at}
    return _Triggers(
        [t for t in parts if unique[t.regex] is t],
        named,
        tuple(sorted(insensitive)),
        frozenset(words.class_words),
        frozenset(words.binding_prefixes),
        frozenset(words.arg0_imported),
        words.assign_imported,
        frozenset(anywhere_names - {w.encode() for w in words.unshadowable}),
        frozenset(words.paths),
    )


_MODULE = "module"
_ATTRIBUTE = "attribute"
_AFTER_ATTRIBUTE = frozenset(b".'\"")  # `app.testing`, `config["TESTING"]`, `getattr(sys, "x")`


def _placed(data: bytes, starts: list[int], place: str) -> list[int]:
    """The `starts` of words where they count for a Python trigger of this `place`."""
    from nomock_lint import import_targets

    if place == _MODULE:
        return import_targets.module_starts(data, starts)
    kept = []
    for pos in starts:  # _ATTRIBUTE
        end = import_targets.blank_before(data, pos)
        if end and data[end - 1] in _AFTER_ATTRIBUTE:
            kept.append(pos)
    return kept


def _by_gate(words: set[str], insensitive: set[str]) -> dict[str, set[str]]:
    """`words` grouped by the first case-insensitive word (lower-cased) that each holds, ""
    for none. Only ASCII counts: `bytes.lower` lowers only ASCII letters."""
    gates = sorted(w.lower() for w in insensitive if w.isascii())
    groups: dict[str, set[str]] = {}
    for word in words:
        lowered = word.lower() if word.isascii() else ""
        gate = next((g for g in gates if g in lowered), "")
        groups.setdefault(gate, set()).add(word)
    return groups


def _name_word(word: str, language: str) -> list[str] | None:
    """Regexes for `word` as one of the words that `engine.words` splits a JS name into, or None
    to look for it as a substring in any case (Python, or a word that is not ASCII letters).

    The words are `[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\\d+`, lower-cased; so `mock` is one
    only as `mock` after no letter, `Mock` (after anything: `XMock` is `X`, `Mock`) or `MOCK`
    after no capital, and always before no lower-case letter. `mocked`, `Hammock` or `MOCKs` hold
    no such word: bundles whose comments say "mocked" need not be parsed for NM301 / NM302. The
    JS front-end reads definition names as spelled (no escapes)."""
    if language != "javascript" or not (word.isascii() and word.isalpha()):
        return None
    low, cap, up = word.lower(), word.capitalize(), word.upper()
    return [
        rf"{low}(?<![A-Za-z]{low})(?![a-z])",
        rf"{cap}(?![a-z])",
        rf"{up}(?<![A-Z]{up})(?![a-z])",
    ]


@functools.lru_cache(maxsize=64)
def compile_prefilter(
    rules: tuple[Rule, ...], language: str, is_test: bool
) -> re.Pattern[bytes] | None:
    """One regex over the file's bytes: for JavaScript what `may_match` decides; for Python
    only its words and regexes (the name and import-dependent steps are in `trigger_offsets`)."""
    found = _triggers(rules, language, is_test)
    parts = [t.regex for t in found.parts]
    for word in found.insensitive:
        parts += _name_word(word, language) or [f"(?i:{re.escape(word)})"]
    if not parts:
        return re.compile(b"(?!)")  # nothing can match
    return re.compile("|".join(parts).encode())


# A leading literal: `mock(?<![\w$]mock)...`, `environ\b`, `\benviron\b` (a word boundary takes
# no text); not `mocks?` or `a|b`.
_LITERAL = re.compile(r"(?:\\b)?([A-Za-z0-9_]+)(?=\(\?<!|\(\?!|\(\?:|\\b|$)")


def _literal(regex: str) -> bytes:
    """What every match of `regex` starts with, if it opens with a literal: `bytes.find` looks
    for it several times faster than `re` skips ahead to it, so a part whose literal is not in
    the file costs one fast scan."""
    found = _LITERAL.match(regex)
    if found is None:
        return b""
    depth = 0
    for i, char in enumerate(regex):
        if char == "\\" or (i and regex[i - 1] == "\\"):
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            return b""  # a top-level alternative need not start with it
    return found.group(1).encode()


class _Split(Record):
    __slots__ = ("arg0_imported", "assign_imported", "gated", "words")

    def __init__(
        self,
        words: tuple[tuple[bytes, tuple[str, ...] | None], ...],
        parts: tuple[_Part, ...],
        arg0_imported: frozenset[str],
        assign_imported: bool,
    ) -> None:
        # Case-insensitive words (lower-cased) and the regexes that confirm one (None: as
        # found), compiled when a file holds the word (see _exact).
        self.words = words
        # The parts by gate word: searched only in a file that holds it in some case (see
        # _Trigger.gate), and then only if it holds the part's literal (see `_live`).
        # Parts that start with the same literal where it counts (`modules` of `sys.modules`
        # and of the catalog's `\bmodules\b`) are screened together.
        by_gate: dict[bytes, dict[tuple[bytes, bool], list[_Part]]] = {}
        for part in parts:
            screen = (part.literal, part.place == _MODULE)
            by_gate.setdefault(part.gate, {}).setdefault(screen, []).append(part)
        self.gated = tuple(
            (
                gate,
                tuple(
                    (literal, module, tuple(group)) for (literal, module), group in groups.items()
                ),
            )
            for gate, groups in by_gate.items()
        )
        self.arg0_imported = arg0_imported  # see import_targets.py
        self.assign_imported = assign_imported


def _live(split: _Split, present: Container[bytes], data: bytes, imports: bytes) -> Iterator[_Part]:
    """The parts that may match in `data`: its gate word is in it in some case (`present` holds
    the lower-cased words that are), and so is the literal that every match starts with; for a
    Python module word, in the text of its import statements (`imports`): a module word counts
    only where an import statement spells a module's name (see `_placed`)."""
    for gate, screens in split.gated:
        if not gate or gate in present:
            for literal, module, parts in screens:
                if not literal or literal in (imports if module else data):
                    yield from parts


@functools.lru_cache(maxsize=64)
def _split_prefilter(rules: tuple[Rule, ...], language: str, is_test: bool) -> _Split:
    """`compile_prefilter` in steps: the case-insensitive words as substrings of the lower-cased
    bytes (a C substring search; as a `(?i:...)` branch they cost half the scan), then each
    alternative on its own (a top-level alternation is tried branch by branch at every offset:
    measured 1.8x slower than the separate scans)."""
    triggers = _triggers(rules, language, is_test)
    parts = triggers.parts

    def part(t: _Trigger) -> _Part:
        literal = b"" if t.reversed else _literal(t.regex)
        reverse = t.reversed is not None
        return _Part(t.reversed or t.regex, reverse, literal, t.gate.encode(), t.place)

    words = []
    for word in triggers.insensitive:
        exact = _name_word(word, language)  # (Python's words: trigger_offsets)
        words.append((word.lower().encode(), None if exact is None else tuple(exact)))
    return _Split(
        tuple(words),
        tuple(part(t) for t in parts),
        triggers.arg0_imported,
        triggers.assign_imported,
    )


@functools.cache
def _exact(regex: str) -> re.Pattern[bytes]:
    return re.compile(regex.encode())


def in_manual_mock_dir(relpath: str, rules: tuple[Rule, ...], language: str) -> bool:
    return in_folder(relpath, {d for r in rules for d in r.languages[language].manual_mock_dirs})


def may_match(
    data: bytes, relpath: str, rules: tuple[Rule, ...], language: str, is_test: bool
) -> bool:
    """False only when no active rule can produce a finding in this file."""
    if language == "python":
        return trigger_offsets(data, relpath, rules, is_test) != []
    if in_manual_mock_dir(relpath, rules, language):
        return True
    split = _split_prefilter(rules, language, is_test)
    present: set[bytes] = set()
    if split.words:
        lowered = data.lower()  # ASCII only, as `(?i:...)` over bytes
        for word, exact in split.words:
            if word in lowered:
                if exact is None or any(_exact(r).search(data) for r in exact):
                    return True
                present.add(word)
    backwards: bytes | None = None
    for part in _live(split, present, data, data):
        if part.reverse:
            if backwards is None:
                backwards = data[::-1]
            if _has_match(backwards, part):
                return True
        elif _has_match(data, part):
            return True
    return False


# Never a name that an import binds (`import` itself is in what follows `import`).
_KEYWORDS = frozenset(
    b"False None True and as assert async await break class continue def del elif else except "
    b"finally for from global if import in is lambda nonlocal not or pass raise return try "
    b"while with yield".split()
)


_NAME_STOP = frozenset(b" \t\n\r\x0b\x0c(:")
# A name as _literal_first's regexes bound it (`\w` over bytes is ASCII), and its bytes.
_NAME_END = re.compile(rb"[\w$]*")
_NAME_BYTES = frozenset(c for c in range(256) if _NAME_END.fullmatch(bytes([c])))
_GAP_CHARS = frozenset(b" \t\n\r\x0b\x0c\\")


def _in_definition_name(data: bytes, pos: int) -> bool:
    """Whether the word at `pos` is in the name after `class` or `def`: whether the regex
    `(?:class|def)(?:\\s|\\\\)+[^\\s(:]*?` ends there (a backslash continues a line)."""
    start = pos
    while start and data[start - 1] not in _NAME_STOP:
        start -= 1
    gap = start
    while gap and data[gap - 1] in _GAP_CHARS:
        gap -= 1
    return gap < start and (data.endswith(b"class", 0, gap) or data.endswith(b"def", 0, gap))


# `from m ` before `import` at the start of a line (`m` may be relative: `.`, `.m`).
_FROM = re.compile(rb"from[ \t]+([\w.]+)[ \t]+")


def _shadowed(data: bytes, statements: Statements, triggers: _Triggers) -> dict[bytes, int]:
    """The catalog names found anywhere (`mock`, `MagicMock`) that a module-level import binds
    to a path outside the catalog, each with where that import's line starts: botocore's tests
    import `mock` from their own package (`from tests import mock`), which makes hundreds of
    `mock.Mock()` calls no finding. From that line on, such a name on its own or as the root of
    `name.attr` (_in_shadow) is no trigger: the extractor resolves it to that import's path or
    to a binding in a function or class (a local, or a parameter: no name that matches as a
    parameter or a method is shadowed), never to the catalog. The import is the only import
    statement that spells the name (another may bind it to the catalog: `import mock` in a
    function), and the outline lexer reads it as a statement at module level (not text in a
    string): unconditional, and before the name's uses that lose their trigger."""
    from nomock_lint import import_targets
    from nomock_lint.frontends.python_outline import module_statements

    shadowable = triggers.shadowable
    spelled: dict[bytes, int] = {}  # how many import statements spell each name
    candidates = []
    for keyword, _, bound in statements:
        names = [n for n in import_targets.IDENT.findall(bound) if n in shadowable]
        for name in names:
            spelled[name] = spelled.get(name, 0) + 1
        if names:
            candidates.append((keyword, bound))
    shadowed: dict[bytes, int] = {}
    lines: set[int] | None = None
    for keyword, bound in candidates:
        line = import_targets.logical_line_start(data, keyword)
        module = None
        if line != keyword:  # `from m import`, else only `import` opens the line
            found = _FROM.fullmatch(data, line, keyword)
            if found is None:
                continue
            module = found.group(1)
        for name, path in _bound_paths(bound, module):
            if spelled.get(name) != 1 or not _outside_catalog(path, triggers.catalog_paths):
                continue
            if lines is None:
                starts = module_statements(data)
                if starts is None:
                    return {}
                lines = set(starts)
            if line in lines:
                shadowed[name] = line
    return shadowed


def _bound_paths(bound: bytes, module: bytes | None) -> list[tuple[bytes, str]]:
    """The names that an import statement's clauses (`a.b as c, d`; `module` for `from
    module import`) bind, each with the dotted path it binds; none where the text is unusual
    (a comment, a backslash, a clause that is not `name` or `name as alias`)."""
    if b"#" in bound or b"\\" in bound:
        return []
    bindings = []
    for clause in bound.strip().removeprefix(b"(").removesuffix(b")").split(b","):
        words = clause.split()
        if not words:
            continue  # after a trailing comma
        if len(words) == 3 and words[1] == b"as":
            name, alias = words[0], words[2]
        elif len(words) == 1:
            name, alias = words[0], None
        else:
            return []
        if module is not None:
            path = module + b"." + name
        else:  # `import a.b` binds `a`
            path = name if alias else name.split(b".", 1)[0]
        bindings.append((alias or path.rsplit(b".", 1)[-1], path.decode("ascii", "replace")))
    return bindings


def _outside_catalog(path: str, catalog: frozenset[str]) -> bool:
    """Whether no catalog path is `path`, under it or above it (a relative import's path is
    none of them: the catalog's are absolute)."""
    if path.startswith("."):
        return True
    return not any(
        known == path or known.startswith(path + ".") or path.startswith(known + ".")
        for known in catalog
    )


def _in_shadow(data: bytes, start: int, name: bytes, shadowed: dict[bytes, int]) -> bool:
    """Whether the catalog name at `start` is one that `_shadowed` says is no trigger there:
    on its own, or after `root.` where the root is."""
    if start and data[start - 1] == 46:  # `root.name`
        root = start - 1
        while root and data[root - 1] in _NAME_BYTES:
            root -= 1
        since = shadowed.get(data[root : start - 1])
        return since is not None and since <= root and _on_its_own(data, root)
    since = shadowed.get(name)
    return since is not None and since <= start and _on_its_own(data, start)


def _on_its_own(data: bytes, start: int) -> bool:
    """Whether the name at `start` is not an attribute: no dot before it (white space, line
    breaks and continuations between), nor the end of a comment that may follow one, nor a
    non-ASCII letter of a longer name."""
    if start and data[start - 1] >= 0x80:
        return False
    from nomock_lint import import_targets

    end = import_targets.blank_before(data, start)
    if end and data[end - 1] == 46:
        return False
    return b"\n" not in data[end:start] or b"#" not in data[data.rfind(b"\n", 0, end) + 1 : end]


# A `with` statement starts a logical line (a compound statement follows no `;` or `:`): only
# indentation, or `async`, is before it on its line. (The literal first: `^` first is tried at
# every offset, a third of the prefilter's time on moto.)
_WITH = re.compile(rb"with\b")
_INDENT = b" \t\x0c"
# After a name: its attributes and closing brackets (`(m).f()`, `(m.f)()`), then `(` or `[`
# (white space, line breaks and comments may come between them inside brackets).
_SKIP = rb"(?:[ \t\x0c\\\r\n]|#[^\n]*)*"
_CALLED = re.compile(_SKIP + rb"(?:(?:\." + _SKIP + rb"[\w\x80-\xff]+|\))" + _SKIP + rb")*[(\[]")
_DECORATOR_GAP = frozenset(b" \t\x0c\\\r\n(")


class _WithHeaders:
    """Where the `with` statements' headers are: from `with` to the end of its logical line."""

    __slots__ = ("ends", "starts")

    def __init__(self, data: bytes) -> None:
        from nomock_lint.frontends.python_outline import logical_line_end

        # `ends[i]`: the furthest end of the first i + 1 headers. A line in a string that starts
        # with `with` is taken for a header too, and must not hide the real one around it.
        self.starts: list[int] = []
        self.ends: list[int] = []
        for found in _WITH.finditer(data):
            start = found.start()
            before = data[data.rfind(b"\n", 0, start) + 1 : start].strip(_INDENT)
            if before and before != b"async":
                continue
            end = logical_line_end(data, found.end())
            self.starts.append(start)
            if end is None:  # the lexer is unsure (see python_outline): to the end of the file
                self.ends.append(len(data))
                break
            self.ends.append(max(end, self.ends[-1]) if self.ends else end)

    def holds(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _decorated(data: bytes, pos: int) -> bool:
    """Whether the name at `pos` follows an `@` (`@mock_aws`, `@ (x)`; or a matrix product)."""
    while pos and data[pos - 1] in _DECORATOR_GAP:
        pos -= 1
    return data[pos - 1 : pos] == b"@"


def trigger_offsets(
    data: bytes, relpath: str, rules: tuple[Rule, ...], is_test: bool
) -> list[int] | None:
    """Where in a Python file a rule may match, sorted: a statement whose text holds none of
    these offsets yields no finding (frontends/python_outline.py skips parsing it). None when
    anywhere; [] (nowhere) skips the file, which is all `may_match` asks for Python. The
    catalog's triggers, found everywhere instead of once, plus every
    use of a name that an import statement holding a trigger binds (`p` after
    `from unittest.mock import patch as p`), since a resolved path is spelled partly in the
    import and partly where it is used."""
    from nomock_lint import import_targets

    if in_manual_mock_dir(relpath, rules, "python"):
        return None
    split = _split_prefilter(rules, "python", is_test)
    triggers = _triggers(rules, "python", is_test)
    found: list[int] = []
    placed: dict[str, list[int]] = {}  # names that count only in place (see _placed)
    statements = list(import_targets.import_statements(data))
    shadowed: dict[bytes, int] | None = None  # see _shadowed: found at the first catalog name
    lowered = data.lower()
    for word in triggers.insensitive:
        # A class word counts in a class or def name (`class RedisFake`, `def make_mock_user`),
        # a binding prefix at the start of a name (`mock_db`, also after underscores or
        # non-ASCII letters, which `engine.words` skips); checked where the word is, as a regex
        # scan for each (a class word's above all) cost more than the rest of this function.
        spelled = word.lower().encode()
        class_word = word in triggers.class_words
        prefix = word in triggers.binding_prefixes
        catalog_names = triggers.named.get(spelled)
        run = -1  # where the last name that holds the word starts
        pos = lowered.find(spelled)
        while pos >= 0:
            if (prefix and not (pos and data[pos - 1 : pos].isalnum())) or (
                class_word and _in_definition_name(data, pos)
            ):
                found.append(pos)
            if catalog_names:
                # The catalog names that hold the word (`MagicMock`, `mocker`): the name around
                # it, as a regex's `(?<![\w$])` and `(?![\w$])` bound it, is one of them.
                start = pos
                while start and data[start - 1] in _NAME_BYTES:
                    start -= 1
                if start != run:
                    run = start
                    end = _NAME_END.match(data, pos + len(spelled)).end()  # type: ignore[union-attr]
                    name = data[start:end]
                    for place in catalog_names.get(name, ()):
                        if place:
                            placed.setdefault(place, []).append(start)
                            continue
                        if shadowed is None:
                            shadowed = _shadowed(data, statements, triggers)
                        if not (shadowed and _in_shadow(data, start, name, shadowed)):
                            found.append(start)
            pos = lowered.find(spelled, pos + 1)
    for place, starts in placed.items():
        found += _placed(data, starts, place)
    # Where each statement's logical line starts (`from m` comes before `import`).
    lines = [import_targets.logical_line_start(data, keyword) for keyword, _, _ in statements]
    imports = b"\n".join(
        data[line:end] for line, (_, end, _) in zip(lines, statements, strict=True)
    )
    for part in _live(split, (), data, imports):  # (no Python part has a gate word)
        if part.reverse:
            return None  # JS only
        starts = [m.start() for m in part.fast().finditer(data)]
        if starts and part.stripped:
            full = part.full()
            starts = [start for start in starts if full.match(data, start)]
        if starts and part.place:
            starts = _placed(data, starts, part.place)
        found += starts
    if split.arg0_imported or split.assign_imported:
        targets = import_targets.offsets(
            data, split.arg0_imported, split.assign_imported, statements
        )
        if targets is None:
            return None
        found += targets
    if not found:
        return []
    found.sort()
    names: set[bytes] = set()
    for start, (keyword, end, bound) in zip(lines, statements, strict=True):
        i = bisect.bisect_left(found, start)
        if i < len(found) and found[i] < end:
            if not bound.isascii():
                return None
            if found[i] < keyword or b"#" in bound:
                names.update(import_targets.IDENT.findall(bound))  # `from m` holds one
            else:
                names.update(import_targets.clause_names(bound, keyword + 6, found, i))
    names -= _KEYWORDS
    # A use of an imported name yields a finding only as the root of a call, a decorator, a
    # `with` item or a subscript assignment (an assignment to or deletion of its attribute is
    # found above): a value read (`ACCOUNT_ID` in an f-string) need not be parsed.
    headers: _WithHeaders | None = None
    for name in names:  # few: a regex of them would cost more to compile than these scans
        pos = data.find(name)
        while pos >= 0:
            end = pos + len(name)
            before = pos and data[pos - 1] in import_targets.ROOT_BEFORE
            if not before and (end == len(data) or data[end] not in import_targets.WORD):
                # (`@name` and `name(`, half of moto's uses, first: no regex for them)
                if (
                    data[pos - 1 : pos] == b"@"
                    or data[end : end + 1] == b"("
                    or _CALLED.match(data, end)
                    or _decorated(data, pos)
                ):
                    found.append(pos)
                else:
                    headers = headers or _WithHeaders(data)
                    if headers.holds(pos):
                        found.append(pos)
            pos = data.find(name, end)
    found.sort()
    return found
