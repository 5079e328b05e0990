"""Inline suppressions: `# nomock: allow NM201 -- reason` and `// nomock: allow NM202 -- reason`.

A suppression on a line of its own covers the next line; after code it covers its own line.
`nomock: allow-file NM301 -- reason` anywhere in a file covers the whole file (generated code).
Several ids are separated by commas; with no id a suppression covers every rule but NM9xx.
No reason is NM901; a suppressed rule id that silenced nothing (or that no rule has) is NM902.
Front-ends report real comments only, so a directive inside a string never counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nomock_lint.catalog import load_catalog
from nomock_lint.config import Config
from nomock_lint.facts import Comment, Span
from nomock_lint.model import Finding

_DIRECTIVE = re.compile(r"nomock\s*:\s*(?P<kind>allow-file|allow)(?![\w-])(?P<rest>.*)", re.DOTALL)
_ID = re.compile(r"\bNM\d{3}\b", re.IGNORECASE)
_BLOCK_END = re.compile(r"\s*(?:\*/\s*\}?|-->)\s*$")  # `/* ... */`, `{/* ... */}`, `<!-- -->`


@dataclass(slots=True)
class Suppression:
    comment: Comment
    file_level: bool
    ids: list[str]  # empty: every rule but the suppression rules themselves
    reason: str
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if self.ids:
            if finding.rule_id not in self.ids:
                return False
        elif finding.rule_id.startswith("NM9"):
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
        rest = _BLOCK_END.sub("", m.group("rest"))
        ids_part, dashes, reason = rest.partition("--")
        ids = list(dict.fromkeys(i.upper() for i in _ID.findall(ids_part)))
        found.append(
            Suppression(
                comment, m.group("kind") == "allow-file", ids, reason.strip() if dashes else ""
            )
        )
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
        named = ", ".join(s.ids) or "all rules"
        if not s.reason and "NM901" in active:
            kept.append(_meta("NM901", named, relpath, span, config))
        if "NM902" in active:
            kept += [_meta("NM902", name, relpath, span, config) for name in _unused(s, active)]
    kept.sort(key=Finding.sort_key)
    return kept, suppressed


def _unused(s: Suppression, active: frozenset[str]) -> list[str]:
    """What a suppression names but silenced nothing of (rules turned off do not count)."""
    if not s.ids:
        return [] if s.used else ["all rules"]
    known = load_catalog().by_id
    return [i for i in s.ids if i not in s.used and (i in active or i not in known)]


def _meta(rule_id: str, name: str, relpath: str, span: Span, config: Config) -> Finding:
    rule = next(r for r in config.rules if r.id == rule_id)  # severity overrides applied
    return Finding(
        rule.id, rule.name, relpath, span, rule.message.format(name=name), rule.severity, name
    )
