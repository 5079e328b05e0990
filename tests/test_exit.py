"""`nomock check` ends with os._exit once it is done (entry.py): the whole report still arrives,
with the usual exit codes, on a pipe and in an `--output` file, and a profiler still gets to
write its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import run_nomock

MOCKED = "from unittest.mock import MagicMock\n\n\ndef test_a():\n    MagicMock()\n" * 40


def test_a_large_report_arrives_whole_with_its_exit_code(project: Path) -> None:
    for i in range(60):
        (project / f"test_{i}.py").write_text(MOCKED)
    result = run_nomock(["check", "--format", "json", "--no-cache", "."], project)
    assert result.returncode == 1, result.stderr
    assert len(json.loads(result.stdout)["findings"]) == 60 * 80
    clean = run_nomock(["check", "--exit-zero", "-q", "--no-cache", "."], project)
    assert clean.returncode == 0 and clean.stdout.count("NM201") == 60 * 40
    written = run_nomock(["check", "--format", "json", "-o", "out.json", "."], project)
    assert written.returncode == 1 and written.stdout == ""
    assert len(json.loads((project / "out.json").read_text())["findings"]) == 60 * 80
    nested = run_nomock(
        ["check", "--format", "sarif", "-o", "reports/ci/nomock.sarif", "."], project
    )
    assert nested.returncode == 1, nested.stderr  # missing folders are made, as Ruff does
    assert json.loads((project / "reports/ci/nomock.sarif").read_text())["runs"]
    (project / "taken").write_text("a file where a folder would go\n")
    blocked = run_nomock(["check", "-o", "taken/out.txt", "."], project)
    assert blocked.returncode == 2 and blocked.stderr.startswith("nomock: error: cannot write")
    usage = run_nomock(["check", "--no-such-option"], project)
    assert usage.returncode == 2 and usage.stderr.startswith("nomock: error:")


def test_a_profiled_check_exits_the_ordinary_way(project: Path) -> None:
    (project / "test_a.py").write_text(MOCKED)
    command = [sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "nomock_lint"]
    result = subprocess.run(
        [*command, "check", "-q", "--no-cache", "."], cwd=project, capture_output=True, timeout=120
    )
    assert b"NM201" in result.stdout, result.stderr  # (cProfile drops the exit code itself)
    assert (project / "run.prof").stat().st_size > 0
