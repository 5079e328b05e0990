"""The hand-written value classes behave as the dataclasses they replaced: equal and hashed by
their fields (Rule by identity), immutable where they were frozen, and picklable (spawned
workers receive the configuration with its rules)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from nomock_lint.api import FileResult
from nomock_lint.catalog import load_catalog
from nomock_lint.config import Config
from nomock_lint.facts import Facts, Span
from nomock_lint.model import FileOutcome, FileStatus, Finding, Report


def test_mutable_records_compare_by_fields_and_are_unhashable() -> None:
    assert Facts() == Facts(imports=[], references=[])
    assert Facts(method_calls=[("fn", Span(1, 1, 1, 3))]) != Facts()
    assert Report(root="a") != Report(root="b")
    outcome = FileOutcome("a.py", FileStatus.CHECKED)
    assert FileResult(outcome) == FileResult(outcome, [], 0, True)
    assert "findings=[]" in repr(FileResult(outcome))
    for value in (Facts(), Report(), FileResult(outcome)):
        with pytest.raises(TypeError):
            hash(value)
    assert Facts().imports is not Facts().imports  # no shared default list


def test_config_is_frozen_equal_by_fields_and_picklable(tmp_path: Path) -> None:
    config = Config(root=tmp_path, select=("NM1",))
    assert config == Config(root=tmp_path, select=("NM1",))
    assert hash(config) == hash(Config(root=tmp_path, select=("NM1",)))
    assert config != Config(root=tmp_path)
    assert Config().root == Path.cwd()
    with pytest.raises(AttributeError):
        config.select = ("NM",)
    assert config.rules  # a cached property on a frozen instance
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config and [r.id for r in copy.rules] == [r.id for r in config.rules]
    assert config.with_overrides(ignore=("NM101",)).ignore == ("NM101",)


def test_rules_are_frozen_hashed_by_identity_and_replaced_as_copies() -> None:
    rule = load_catalog().rules[0]
    with pytest.raises(AttributeError):
        rule.severity = "note"
    louder = rule.replace(severity="note")
    assert louder.severity == "note" and louder.id == rule.id
    assert louder != rule and len({rule, louder, rule}) == 2
    copy = pickle.loads(pickle.dumps(rule))
    assert copy.id == rule.id and copy.languages == rule.languages


def test_findings_are_tuples_equal_hashed_and_ordered_by_fields() -> None:
    finding = Finding("NM201", "mock-call", "a.py", Span(2, 1, 2, 5), "m", "error")
    same = Finding("NM201", "mock-call", "a.py", Span(2, 1, 2, 5), "m", "error", "", None, "")
    assert finding == same and hash(finding) == hash(same)
    assert Span(1, 9, 9, 9) < Span(2, 1, 1, 1)
    assert finding.sort_key() == ("a.py", Span(2, 1, 2, 5), "NM201")
    with pytest.raises(AttributeError):
        finding.path = "b.py"  # type: ignore[misc]
