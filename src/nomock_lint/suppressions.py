"""Inline suppressions: `# nomock: allow NM201 -- reason` and `// nomock: allow NM202 -- reason`.

A suppression on a line of its own covers the next line; after code it covers its own line.
`nomock: allow-file NM301 -- reason` anywhere in a file covers the whole file (generated code).
Several ids are separated by commas. A directive that names no rule id silences nothing and is
NM902: exceptions are explicit, so a new kind of finding on that line is never hidden.
No reason is NM901; a suppressed rule id that silenced nothing (or that no rule has) is NM902.
Front-ends report real comments only, so a directive inside a string never counts.
"""

from __future__ import annotations

import re

from nomock_lint.catalog import load_catalog
from nomock_lint.config import Config
from nomock_lint.facts import Comment, Span
from nomock_lint.model import Finding
from nomock_lint.records import Record

# The directive opens the comment, or follows another comment marker (`# type: ignore  # nomock:
# ...`), so prose that mentions the syntax is not one. `ids` runs up to `--` (anything there that
# is not an id leaves the reason unmarked: NM901); a block comment's end (`*/`, `*/}` in JSX,
# `-->`) is not part of the reason.
_DIRECTIVE = re.compile(
    r"(?:^|#|//|/\*)\s*nomock\s*:\s*(?P<kind>allow-file|allow)(?![\w-])\s*(?P<ids>(?:(?!--).)*?)\s*"
    r"(?:--\s*(?P<reason>.*?))?\s*(?:\*/\s*\}?|-->)?\s*$"
)
_ID = re.compile(r"\b[A-Z]+\d+\b", re.IGNORECASE)  # NM201, and plugin rules' ids (X100)


def directive_in(text: str) -> re.Match[str] | None:
    """The directive in a comment or a source line (groups kind, ids, reason), if any."""
    return _DIRECTIVE.search(text)


class Suppression(Record):
    __slots__ = ("comment", "file_level", "ids", "reason", "used")

    def __init__(
        self,
        comment: Comment,
        file_level: bool,
        ids: list[str],
        reason: str,
        used: set[str] | None = None,
    ) -> None:
        self.comment = comment
        self.file_level = file_level
        self.ids = ids
        self.reason = reason
        self.used: set[str] = set() if used is None else used

    def covers(self, finding: Finding) -> bool:
        if finding.rule_id not in self.ids:
            return False
        if self.file_level:
            return True
        target = self.comment.line + 1 if self.comment.own_line else self.comment.line
        return finding.span.line == target


def parse(comments: list[Comment]) -> list[Suppression]:
    found = []
    for comment in comments:
        m = _DIRECTIVE.search(comment.text)
        if m is None:
            continue
        ids = list(dict.fromkeys(i.upper() for i in _ID.findall(m.group("ids"))))
        reason = (m.group("reason") or "").strip()
        found.append(Suppression(comment, m.group("kind") == "allow-file", ids, reason))
    return found


def apply(
    findings: list[Finding], comments: list[Comment], config: Config, relpath: str, language: str
) -> tuple[list[Finding], int]:
    """(findings left, number suppressed), with NM901 / NM902 findings added."""
    suppressions = parse(comments)
    if not suppressions:
        return findings, 0
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        hit = next((s for s in suppressions if s.covers(finding)), None)
        if hit is None:
            kept.append(finding)
        else:
            hit.used.add(finding.rule_id)
            suppressed += 1
    active = config.rule_ids - config.ignored_for(relpath)
    marker = 1 if language == "python" else 2  # `#` or `//`
    for s in suppressions:
        text = s.comment.text.rstrip()
        span = Span(
            s.comment.line, s.comment.col, s.comment.line, s.comment.col + marker + len(text)
        )
        named = ", ".join(s.ids) or "no rule id"
        if not s.reason and "NM901" in active:
            kept.append(_meta("NM901", named, relpath, span, config))
        if "NM902" in active:
            kept += [_meta("NM902", name, relpath, span, config) for name in _unused(s, active)]
    kept.sort(key=Finding.sort_key)
    return kept, suppressed


def _unused(s: Suppression, active: frozenset[str]) -> list[str]:
    """What a suppression names but silenced nothing of (rules turned off do not count)."""
    if not s.ids:
        return ["no rule id"]
    known = load_catalog().by_id
    # An unknown `NM` id is a typo; other ids belong to plugin rules, which may not be enabled.
    return [
        i
        for i in s.ids
        if i not in s.used and (i in active or (i not in known and i.startswith("NM")))
    ]


def _meta(rule_id: str, name: str, relpath: str, span: Span, config: Config) -> Finding:
    rule = next(r for r in config.rules if r.id == rule_id)  # severity overrides applied
    return Finding(
        rule.id, rule.name, relpath, span, rule.message.format(name=name), rule.severity, name
    )
