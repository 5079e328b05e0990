"""Finding fingerprints that survive edits which only move lines.

A fingerprint is built from the rule id, the path (relative to the project root, so it does not
depend on the working directory) and the finding's source line with white space normalised;
line and column are left out. Identical ones in a file (the same call on two lines) are told
apart by their occurrence index, in source order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from nomock_lint.model import Finding


def fingerprint(finding: Finding) -> str:
    """The position-free part: rule id, path and the normalised source line."""
    line = " ".join(finding.context.split())
    data = "\0".join((finding.rule_id, finding.path, line))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def with_occurrences(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """Each finding with `fingerprint:n`, n counting identical ones from 1 in source order."""
    seen: dict[str, int] = {}
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        base = fingerprint(finding)
        seen[base] = seen.get(base, 0) + 1
        out.append((finding, f"{base}:{seen[base]}"))
    return out
