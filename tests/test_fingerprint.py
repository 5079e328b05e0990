"""`fingerprint` and `with_occurrences`: pure functions over findings, and the fingerprint a
checked finding carries."""

from __future__ import annotations

import re
from pathlib import Path

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.facts import Span
from nomock_lint.fingerprint import digest, fingerprint, in_order, with_occurrences
from nomock_lint.model import SORT_KEY, Finding

BASE = Finding(
    rule_id="NM201",
    rule_name="mock-object",
    path="tests/test_a.py",
    span=Span(4, 5, 4, 16),
    message="`unittest.mock.MagicMock` creates a test double",
    severity="error",
    name="unittest.mock.MagicMock",
    context="client = MagicMock()",
)


def test_fingerprint_is_16_hex_digits_and_deterministic() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint(BASE))
    assert fingerprint(BASE) == fingerprint(BASE._replace())


def test_position_indentation_and_message_do_not_count() -> None:
    moved = BASE._replace(span=Span(40, 9, 40, 20), context="client  =  MagicMock()")
    assert fingerprint(moved) == fingerprint(BASE)
    assert fingerprint(BASE._replace(message="reworded", severity="warning")) == fingerprint(BASE)


def test_rule_path_line_text_and_name_count() -> None:
    for changed in (
        BASE._replace(rule_id="NM101"),
        BASE._replace(path="tests/test_b.py"),
        BASE._replace(context="other = MagicMock()"),
        BASE._replace(name="unittest.mock.Mock"),
    ):
        assert fingerprint(changed) != fingerprint(BASE)


def test_findings_without_a_source_line_use_rule_and_path() -> None:
    unparsable = BASE._replace(rule_id="NM903", context="", name="syntax error at 2:12")
    moved = unparsable._replace(name="syntax error at 9:1", span=Span(9, 1, 9, 1))
    assert fingerprint(unparsable) == fingerprint(moved)


def test_occurrences_count_identical_fingerprints_in_source_order() -> None:
    first = BASE._replace(span=Span(4, 5, 4, 16))
    second = BASE._replace(span=Span(9, 5, 9, 16))
    other = BASE._replace(context="x = MagicMock()", span=Span(6, 1, 6, 12))
    keyed = with_occurrences([second, other, first])
    assert [f for f, _ in keyed] == [second, other, first]  # input order kept
    keys = dict((f.span.line, k) for f, k in keyed)
    base = fingerprint(BASE)
    assert keys[4] == f"{base}:1"
    assert keys[9] == f"{base}:2"
    assert keys[6] == f"{fingerprint(other)}:1"
    assert with_occurrences([]) == []
    # Sorted input (a report's findings) is numbered without sorting again: the same keys.
    ordered = with_occurrences(sorted([second, other, first], key=SORT_KEY))
    assert dict((f.span.line, k) for f, k in ordered) == keys
    assert in_order(sorted([second, other, first], key=SORT_KEY)) == ordered


def test_occurrences_are_counted_in_each_file() -> None:
    """Each file's findings are numbered on their own, even in the (never seen) case of one
    fingerprint in two files: the JSON output encodes file by file."""
    same = [BASE._replace(path=p, fingerprint="0123456789abcdef") for p in ("a.py", "b.py")]
    assert [k for _, k in with_occurrences(same)] == ["0123456789abcdef:1"] * 2


def test_fingerprints_never_change() -> None:
    """Baselines and code scanning alerts store them: these values are fixed forever."""
    finding = BASE._replace(context="client  =  MagicMock()", rule_name="mock-call")
    assert fingerprint(finding) == "fc0a5e1ee108a2de"
    assert fingerprint(finding._replace(context="")) == "a192f0c4aeec2780"
    assert fingerprint(finding._replace(context="x = \udcff")) == "d289625419c741f7"


def test_a_checked_finding_carries_the_fingerprint_of_its_fields(tmp_path: Path) -> None:
    """Computed once where the finding is made (and cached with it), not at every report."""
    source = b"from unittest import mock\n\n\ndef test_a():\n    m = mock.MagicMock()\n"
    config = Config(root=tmp_path)
    (first, *rest) = api.check_source(source, "tests/test_a.py", "python", True, config).findings
    assert rest, "the import and the MagicMock: two findings to tell apart"
    for finding in (first, *rest):
        assert finding.fingerprint == digest(
            finding.rule_id, finding.path, finding.context, finding.name
        )
        assert fingerprint(finding) == fingerprint(finding._replace(fingerprint=""))
    assert len({fingerprint(f) for f in (first, *rest)}) == len(rest) + 1
