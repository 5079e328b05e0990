"""`--format json`: versioned, and valid against the schema that README.md documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from nomock_lint import api, runner
from nomock_lint.baseline import Baseline
from nomock_lint.facts import Span
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.formats import RenderOptions, json_format
from nomock_lint.model import SORT_KEY, Finding, Report

from .conftest import run_nomock
from .test_sarif import EVERY_RULE_TREE, write_tree

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))


def json_output(root: Path) -> dict[str, Any]:
    result = run_nomock(["check", "--format", "json"], root)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_rule_tree_matches_the_schema(project: Path) -> None:
    write_tree(project, EVERY_RULE_TREE)
    data = json_output(project)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 1
    assert data["files"]["unparsable"] >= 1
    assert data["suppressed"] >= 2
    fingerprints = [f["fingerprint"] for f in data["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_empty_run_matches_the_schema(project: Path) -> None:
    data = json_output(project)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["findings"] == []


def test_readme_documents_every_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    keys = set(SCHEMA["properties"]) | set(SCHEMA["$defs"]["finding"]["properties"])
    keys |= set(SCHEMA["properties"]["files"]["properties"])
    missing = sorted(k for k in keys if f"`{k}`" not in section)
    assert not missing, f"README.md's JSON output section does not mention {missing}"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_dumps_is_the_standard_indented_encoding(value: object) -> None:
    assert json_format.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def _reference_findings(findings: list[Finding]) -> list[dict[str, Any]]:
    """The findings list as the generic encoder would get it (the shape README.md documents)."""
    items = []
    for f, key in with_occurrences(findings):
        item: dict[str, Any] = {
            "rule": f.rule_id,
            "name": f.rule_name,
            "severity": f.severity,
            "path": f.path,
            "line": f.span.line,
            "column": f.span.col,
            "end_line": f.span.end_line,
            "end_column": f.span.end_col,
            "message": f.message,
            "matched": f.name,
        }
        if f.alternative:
            item["alternative"] = f.alternative
        items.append({**item, "fingerprint": key})
    return items


_FINDINGS = st.lists(
    st.builds(
        Finding,
        rule_id=st.sampled_from(["NM101", "NM201", "X100"]),
        rule_name=st.text(max_size=8),
        path=st.sampled_from(["a.py", 'dir/"q".py', "tests/\u00e9\\t.ts"]),
        span=st.builds(Span, *[st.integers(min_value=1, max_value=10**6)] * 4),
        message=st.text(),
        severity=st.sampled_from(["error", "warning", "note"]),
        name=st.text(max_size=12),
        alternative=st.none() | st.text(max_size=6),
        context=st.sampled_from(["", "x = 1", "mock()"]),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(_FINDINGS)
def test_findings_json_is_the_generic_encoding(findings: list[Finding]) -> None:
    expected = json_format.dumps(_reference_findings(findings), level=1)
    assert "".join(json_format.findings_json(findings).pieces) == expected
    report = Report(findings=findings)
    document = json.loads(json_format.render(report, RenderOptions()))
    assert document["findings"] == _reference_findings(findings)


@settings(max_examples=300, deadline=None)
@given(_FINDINGS, st.integers(min_value=0, max_value=5))
def test_findings_encoded_file_by_file_are_the_same_text(
    findings: list[Finding], drop: int
) -> None:
    """What a FileEncoder makes of each file's findings, in whatever order they came, is that
    file's part of `findings_json`; a file whose findings no longer are the ones encoded (the
    baseline took one: here the finding at `drop`) is encoded again."""
    encoder = json_format.FileEncoder()
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    encoded = {path: (len(group), encoder(group)) for path, group in by_path.items()}
    ordered = sorted(findings, key=SORT_KEY)
    expected = "".join(json_format.findings_json(ordered).pieces)
    assert "".join(json_format.findings_json(ordered, encoded).pieces) == expected
    if drop < len(ordered):
        del ordered[drop]
        expected = "".join(json_format.findings_json(ordered).pieces)
        assert "".join(json_format.findings_json(ordered, encoded).pieces) == expected


def test_a_run_that_encodes_as_it_goes_renders_the_same_document(project: Path) -> None:
    """`api.check`'s `encode` (what the CLI passes for `--format json`) changes no byte of the
    document, with workers or without, and with a baseline that takes one of a file's findings."""
    write_tree(project, EVERY_RULE_TREE)
    for name in ("a", "b"):  # enough files for a pool of workers
        for i in range(runner.MIN_FILES_FOR_POOL):
            (project / "tests" / f"test_{name}{i}.py").write_text(
                EVERY_RULE_TREE["tests/test_all.py"]
            )
    plain = api.check([project], jobs=1)
    several = [f for f in plain.findings if f.path == "tests/test_a0.py"]
    assert len(several) > 1
    baseline = Baseline.from_findings(several[1:2])
    for jobs in (1, 2):
        for base in (None, baseline):
            expected = api.check([project], jobs=1, baseline=base)
            encoded = api.check(
                [project], jobs=jobs, baseline=base, encode=json_format.FileEncoder()
            )
            assert len(encoded.encoded) == len({f.path for f in plain.findings}) - (
                base is not None
            )
            assert json_format.render(encoded, RenderOptions()) == json_format.render(
                expected, RenderOptions()
            )
