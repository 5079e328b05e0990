"""The textual prefilter: skip parsing a file in which no active rule can match.

Triggers are derived from the catalog, so a new module or call path is covered without a second
list to keep in step. Why each derivation is sound:

- an import or a call resolved through the import table needs the module's first name (Python:
  `unittest` for `unittest.mock.patch`, JS: the specifier `jest-mock`) in the file's text;
- a call on a global (`vi.fn`, `setattr`), a fixture parameter or a method needs that name;
- name-based rules (NM301 / NM302) need one of their words, case-insensitively, somewhere in an
  identifier; a manual-mock folder is decided by the path, not the text;
- matchers whose words cannot be derived (`module.attr = ...`, environment reads) carry explicit
  `triggers` regexes in the catalog;
- suppression rules (NM901 / NM902) need the word `nomock`.

A test runs every fixture with and without the prefilter and requires identical findings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nomock_lint.catalog import Matchers, Rule


def _root(path: str) -> str:
    """`unittest.mock.patch` -> `unittest`; `@jest/globals.jest` -> `@jest/globals`."""
    return path.split(".", 1)[0]


def _words(m: Matchers) -> tuple[set[str], set[str], list[str]]:
    """(identifier triggers, case-insensitive substrings, raw regexes) of one rule."""
    idents: set[str] = set()
    for module in m.modules:
        idents.add(_root(module))
    for path in (*m.calls, *m.fixture_calls, *m.subscript_assign, *(c.call for c in m.call_arg0)):
        idents.add(_root(path.removesuffix(".*")))
    idents.update(m.fixtures)
    idents.update(m.method_calls)
    idents.update(m.assign_roots)
    idents.update(a.rsplit(".", 1)[-1] for a in m.attributes)
    if m.implements_partial:
        idents.add("Partial")
    insensitive = {*m.class_words, *m.binding_prefixes}
    return idents, insensitive, list(m.triggers)


# Bytes that continue an identifier, as `[\w$]` in a bytes pattern (ASCII word characters).
_IDENT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_LOOKBEHIND = re.compile(r"\(\?<[!=]")
_BOUNDARY = re.compile(r"\\b")


@dataclass(frozen=True, slots=True)
class Prefilter:
    """The triggers of one (rules, language, class), each searched the fast way.

    One alternation of every trigger ran at a few MB/s: the `re` engine tries each branch at each
    position once no literal prefix is left. Substring search runs at memory speed, so words are
    found with `bytes.find` and their identifier boundaries checked by hand, case-insensitive words
    in the lowered text, and each regular expression is searched on its own, with any leading
    `\\b` or lookbehind checked only where the rest matched.
    """

    idents: tuple[bytes, ...]
    insensitive: tuple[bytes, ...]
    regexes: tuple[tuple[re.Pattern[bytes], re.Pattern[bytes] | None], ...]

    def search(self, data: bytes) -> bool:
        if self.insensitive:
            lowered = data.lower()
            if any(word in lowered for word in self.insensitive):
                return True
        if any(_has_ident(data, word) for word in self.idents):
            return True
        return any(_has_match(data, fast, full) for fast, full in self.regexes)


def _has_ident(data: bytes, word: bytes) -> bool:
    r"""`word` in `data` as a whole identifier: what `(?<![\w$])word(?![\w$])` matches."""
    end = len(word)
    pos = data.find(word)
    while pos >= 0:
        before = data[pos - 1] if pos else 0
        after = data[pos + end] if pos + end < len(data) else 0
        if before not in _IDENT_BYTES and after not in _IDENT_BYTES:
            return True
        pos = data.find(word, pos + 1)
    return False


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


@functools.lru_cache(maxsize=64)
def compile_prefilter(rules: tuple[Rule, ...], language: str, is_test: bool) -> Prefilter:
    """The triggers of every active rule for one language and class of file."""
    idents: set[str] = set()
    insensitive: set[str] = set()
    regexes: list[str] = []
    for rule in rules:
        if rule.scope == "production" and is_test:
            continue
        if rule.id in ("NM901", "NM902"):
            idents.add("nomock")
            continue
        if rule.id == "NM903":
            continue  # reported for files that are parsed; see api.check_source
        i, s, r = _words(rule.languages[language])
        idents |= i
        insensitive |= s
        regexes += r
    lowered = {w.lower() for w in insensitive}
    # A word that contains a case-insensitive trigger is already found by that trigger.
    kept = sorted(w for w in idents if not any(s in w.lower() for s in lowered))
    return Prefilter(
        idents=tuple(w.encode() for w in kept),
        insensitive=tuple(sorted(w.encode() for w in lowered)),
        regexes=tuple(_compile_regex(r) for r in dict.fromkeys(regexes)),
    )


def in_manual_mock_dir(relpath: str, rules: tuple[Rule, ...], language: str) -> bool:
    dirs = {d for r in rules for d in r.languages[language].manual_mock_dirs}
    return bool(dirs) and any(part in dirs for part in relpath.split("/")[:-1])


def may_match(
    data: bytes, relpath: str, rules: tuple[Rule, ...], language: str, is_test: bool
) -> bool:
    """False only when no active rule can produce a finding in this file."""
    if in_manual_mock_dir(relpath, rules, language):
        return True
    return compile_prefilter(rules, language, is_test).search(data)
