"""Lists of gitignore-style globs (`exclude`, `test-paths`, ...) matched as one regular expression.

pathspec defines the semantics. Matching a list of N patterns with it costs N regex calls per
path, and importing it costs a tenth of a one-file run. When no pattern is negated, a path
matches the list when it matches any pattern, so the patterns are joined into one expression.
Patterns made of plain names, `*` and `/` (every default and nearly every real one) are
translated here, as pathspec translates them; anything else (`!`, `?`, `[...]`, escapes) is
translated by pathspec itself. tests/test_globs.py holds the translation to pathspec's answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_PLAIN = re.compile(r"[A-Za-z0-9_.*/-]+")
# A path matches a file pattern, or lies under a folder that does.
_FILE_END = "(?:/|$)"


def _translate(pattern: str) -> str | None:
    """The regex pathspec's GitIgnoreSpecPattern would build for a plain pattern, else None."""
    if not _PLAIN.fullmatch(pattern) or "//" in pattern or pattern == "/":
        return None
    segments = pattern.split("/")
    is_dir = not segments[-1]
    if not segments[0]:
        del segments[0]  # a leading `/` anchors the pattern at the root
    elif (len(segments) == 1 or (len(segments) == 2 and is_dir)) and segments[0] != "**":
        segments.insert(0, "**")  # a bare name matches at any depth
    if not segments[-1]:
        segments[-1] = "**"
    collapsed = [
        s for i, s in enumerate(segments) if not (s == "**" and segments[i - 1 : i] == ["**"])
    ]
    if collapsed in (["**"], ["**", "*"], ["**", "*", "**"]):
        return None  # whole-tree patterns: pathspec has special cases for these
    parts: list[str] = []
    need_slash = False
    end = len(collapsed) - 1
    for i, segment in enumerate(collapsed):
        if segment == "**":
            if i == 0:
                parts.append("^(?:.+/)?")
            elif i < end:
                parts.append("(?:/.+)?")
                need_slash = True
            else:
                parts.append("/")
            continue
        if i == 0:
            parts.append("^")
        if need_slash:
            parts.append("/")
        parts.append("[^/]+" if segment == "*" else re.escape(segment).replace(r"\*", "[^/]*"))
        if i == end:
            parts.append(_FILE_END)
        need_slash = True
    return "".join(parts)


def translatable(pattern: str) -> bool:
    """Whether `GlobList` matches `pattern` without pathspec."""
    return _translate(pattern) is not None


class GlobList:
    """`matches(path)`: whether a `/`-separated relative path matches the list, as pathspec's
    `GitIgnoreSpec.match_file` decides."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._regex: re.Pattern[str] | None = None
        self._anchored = True  # every alternative starts with `^`: `match`, not `search`
        self._spec: pathspec.GitIgnoreSpec | None = None
        regexes = [_translate(p) for p in self.patterns]
        if all(r is not None for r in regexes):
            self._regex = _join([r for r in regexes if r is not None])
            return
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)
        compiled = [(p.include, p.regex) for p in spec.patterns if p.include is not None]
        if all(include for include, _ in compiled):
            # pathspec names a group in each pattern; unnamed, they can share one expression.
            sources = [_NAMED_GROUP.sub("(?:", str(r.pattern)) for _, r in compiled if r]
            self._regex = _join(sources)
            self._anchored = all(r.startswith("^") for r in sources)
        else:
            self._spec = spec  # negations: the last matching pattern decides

    def matches(self, path: str) -> bool:
        if path.startswith(("/", "./")):  # as pathspec normalizes a path
            path = path[1:] if path.startswith("/") else path[2:]
        if self._regex is not None:
            if self._anchored:
                return self._regex.match(path) is not None
            return self._regex.search(path) is not None  # as pathspec does
        assert self._spec is not None
        return self._spec.match_file(path)


_ANY_DEPTH = "^(?:.+/)?"


def _join(regexes: list[str]) -> re.Pattern[str]:
    """One expression for a list. Patterns that match at any depth share their prefix: the
    engine then looks for the folder boundaries once per path, not once per pattern."""
    if not regexes:
        return re.compile(r"(?!)")  # an empty list matches nothing
    anywhere = [r[len(_ANY_DEPTH) :] for r in regexes if r.startswith(_ANY_DEPTH)]
    rest = [r for r in regexes if not r.startswith(_ANY_DEPTH)]
    if anywhere:
        rest.append(_ANY_DEPTH + "(?:" + "|".join(f"(?:{r})" for r in anywhere) + ")")
    return re.compile("|".join(f"(?:{r})" for r in rest))
