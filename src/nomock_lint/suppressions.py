"""Inline suppressions: `# nomock: allow NM201 -- reason` and `// nomock: allow NM202 -- reason`.

A suppression on a line of its own covers the next line; after code it covers its own line.
`nomock: allow-file NM301 -- reason` anywhere in a file covers the whole file (generated code).
No reason is NM901; a suppressed rule id that silenced nothing is NM902.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nomock_lint.catalog import load_catalog
from nomock_lint.config import Config
from nomock_lint.facts import Comment, Span
from nomock_lint.model import Finding

_DIRECTIVE = re.compile(
    r"nomock\s*:\s*(?P<kind>allow-file|allow)\b\s*(?P<ids>[A-Z0-9,\s]*?)\s*(?:--\s*(?P<reason>.*?))?\s*(?:\*/)?\s*$"
)
_ID = re.compile(r"\b[A-Z]+\d+\b")  # NM201, and plugin rules' ids (X100)


@dataclass(slots=True)
class Suppression:
    comment: Comment
    file_level: bool
    ids: list[str]
    reason: str
    used: set[str] = field(default_factory=set)

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
        ids = _ID.findall(m.group("ids") or "")
        found.append(
            Suppression(
                comment, m.group("kind") == "allow-file", ids, (m.group("reason") or "").strip()
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
    catalog = load_catalog()
    active = config.rule_ids - config.ignored_for(relpath)
    for s in suppressions:
        span = Span(
            s.comment.line, s.comment.col, s.comment.line, s.comment.col + 1 + len(s.comment.text)
        )
        if not s.reason and "NM901" in active:
            rule = catalog["NM901"]
            name = ", ".join(s.ids) or "all rules"
            kept.append(
                _meta(
                    rule.id, rule.name, rule.message.format(name=name), relpath, span, config, name
                )
            )
        for rule_id in s.ids:
            if rule_id not in s.used and rule_id in active and "NM902" in active:
                rule = catalog["NM902"]
                kept.append(
                    _meta(
                        rule.id,
                        rule.name,
                        rule.message.format(name=rule_id),
                        relpath,
                        span,
                        config,
                        rule_id,
                    )
                )
    kept.sort(key=Finding.sort_key)
    return kept, suppressed


def _meta(
    rule_id: str, name: str, message: str, relpath: str, span: Span, config: Config, what: str
) -> Finding:
    severity = next(r.severity for r in config.rules if r.id == rule_id)
    return Finding(rule_id, name, relpath, span, message, severity, what)
