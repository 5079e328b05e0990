"""The GitHub Actions workflow in docs/: it parses, and its SARIF step works as written."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import yaml

from .conftest import run_nomock
from .test_sarif import assert_schema_valid

WORKFLOW = Path(__file__).parent.parent / "docs" / "nomock-workflow.yml"


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def steps(job: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = load()["jobs"][job]["steps"]
    return found


def test_code_scanning_job_uploads_the_sarif_it_writes(project: Path) -> None:
    job = load()["jobs"]["code-scanning"]
    assert job["permissions"]["security-events"] == "write"
    (run,) = [s["run"] for s in steps("code-scanning") if "--format sarif" in s.get("run", "")]
    (upload,) = [s for s in steps("code-scanning") if "upload-sarif" in s.get("uses", "")]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    argv = shlex.split(run)
    assert argv[:2] == ["nomock", "check"]
    output = argv[argv.index("--output") + 1]
    assert upload["with"]["sarif_file"] == output
    # The step exactly as written, in a project with a finding.
    (project / "test_a.py").write_text("from unittest import mock\n")
    result = run_nomock(argv[1:], project)
    assert result.returncode == 0, result.stderr  # --exit-zero: the upload step still runs
    log = json.loads((project / output).read_text(encoding="utf-8"))
    assert_schema_valid(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["NM101"]


def test_new_findings_job_fails_on_findings_outside_the_baseline() -> None:
    (run,) = [s["run"] for s in steps("new-findings") if "nomock check" in s.get("run", "")]
    argv = shlex.split(run)
    assert "--baseline" in argv and "--exit-zero" not in argv
    assert argv[argv.index("--format") + 1] == "github"
