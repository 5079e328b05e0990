"""Stable finding fingerprints, shared by SARIF (`primaryLocationLineHash`) and the baseline.

A fingerprint names *what* was found, not *where*: the rule, the file, the source line's text
(whitespace-normalized) and what matched. Line and column numbers are left out, so inserting or
deleting unrelated lines above a finding, or re-indenting it, keeps its fingerprint.

Identical findings in one file (the same rule matching the same name on two identical lines)
share a fingerprint; `with_occurrences` tells them apart by their order in the file, in the
form GitHub uses for `primaryLocationLineHash`: `"<16 hex digits>:<occurrence, from 1>"`.

The functions are pure: no I/O, no configuration, no state.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable

from nomock_lint.model import SORT_KEY, Finding


def fingerprint(finding: Finding) -> str:
    """16 hex digits identifying the finding independently of its line and column: the one it
    carries (see `Finding.fingerprint`), else `digest` of its fields."""
    return finding.fingerprint or digest(
        finding.rule_id, finding.path, finding.context, finding.name
    )


def digest(rule_id: str, path: str, context: str, name: str) -> str:
    """The fingerprint of a finding with these fields.

    A finding without a source line (an unparsable file: NM903, whose reason quotes a position)
    is identified by its rule and path alone; there is at most one such finding per file.
    """
    context = " ".join(context.split())
    text = f"{rule_id}\0{path}\0{context}\0{name}" if context else f"{rule_id}\0{path}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def with_occurrences(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """Each finding with `"<fingerprint>:<n>"`, n counting identical fingerprints in file order.

    Findings are numbered in source order (`Finding.sort_key`) whatever order they come in;
    the result keeps the input order.
    """
    items = list(findings)
    keys = list(map(SORT_KEY, items))
    order: Iterable[int] = range(len(items))
    if not all(map(operator.le, keys, keys[1:])):  # a report's findings come sorted (api.check)
        order = sorted(order, key=keys.__getitem__)
    seen: dict[str, int] = {}  # a plain dict: Counter's miss path is a Python call per finding
    numbered: list[str] = [""] * len(items)
    for i in order:
        base = fingerprint(items[i])
        n = seen[base] = seen.get(base, 0) + 1
        numbered[i] = f"{base}:{n}"
    return list(zip(items, numbered, strict=True))
