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

import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from nomock_lint.model import SORT_KEY, Finding

if TYPE_CHECKING:
    from hashlib import _Hash


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
    return _sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _first_sha256(data: bytes) -> _Hash:
    """`hashlib.sha256`, imported where the first fingerprint is made (in a worker): the main
    process of a run reads the fingerprints that the workers made, and loading OpenSSL for
    `hashlib` cost it 3.4 ms before it could write its report."""
    global _sha256
    import hashlib

    _sha256 = hashlib.sha256
    return _sha256(data)


_sha256: Callable[[bytes], _Hash] = _first_sha256


def with_occurrences(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """Each finding with `"<fingerprint>:<n>"`, n counting identical fingerprints in their file,
    in its order.

    Findings are numbered in source order (`Finding.sort_key`) whatever order they come in;
    the result keeps the input order. A file's numbers do not depend on the other files' findings
    (a fingerprint spells its path, so none is shared between files anyway): the JSON output
    encodes each file's findings on its own (formats/json_format.FileEncoder).
    """
    items = list(findings)
    keys = list(map(SORT_KEY, items))
    if all(map(operator.le, keys, keys[1:])):  # a report's findings come sorted (api.check)
        return in_order(items)
    order = sorted(range(len(items)), key=keys.__getitem__)
    result: list[tuple[Finding, str]] = [(items[0], "")] * len(items)
    for i, numbered in zip(order, in_order([items[i] for i in order]), strict=True):
        result[i] = numbered
    return result


def in_order(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """`with_occurrences` of findings that come in source order (by `Finding.sort_key`)."""
    result = []
    seen: dict[str, int] = {}  # a plain dict: Counter's miss path is a Python call per finding
    path = None
    for finding in findings:
        if finding.path != path:
            path, seen = finding.path, {}
        base = finding.fingerprint or fingerprint(finding)
        n = seen[base] = seen.get(base, 0) + 1
        result.append((finding, f"{base}:{n}"))
    return result
