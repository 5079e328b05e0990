"""The command line through a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from nomock_lint.catalog import load_catalog

from .conftest import run_nomock


def test_stdin_filename_reports_as_if_at_that_path(project: Path) -> None:
    result = run_nomock(
        ["check", "--stdin-filename", "tests/test_y.py", "-"],
        project,
        stdin=b"from unittest import mock\n",
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("tests/test_y.py:1:22: NM101 ")


def test_check_folder_text_output_and_summary(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text(
        "from unittest.mock import MagicMock\nMagicMock()\n"
    )
    (project / "app.py").write_text("def main():\n    return 1\n")
    result = run_nomock(["check", "."], project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "tests/test_a.py:1:27: NM101 `unittest.mock.MagicMock` imports a mocking library; "
        "test against the real collaborator instead"
    )
    assert lines[1].startswith("tests/test_a.py:2:1: NM201 ")
    assert lines[-1] == "Found 2 findings (NM101 1, NM201 1) in 2 files checked."
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_clean_tree_exits_zero(project: Path) -> None:
    (project / "test_ok.py").write_text("def test_sum():\n    assert sum([1, 2]) == 3\n")
    result = run_nomock(["check"], project)
    assert result.returncode == 0
    assert result.stdout.strip() == "Found 0 findings in 1 file checked."


def test_missing_path_is_one_line_exit_2(project: Path) -> None:
    result = run_nomock(["check", "does/not/exist"], project)
    assert result.returncode == 2
    assert result.stderr.strip() == "nomock: error: path not found: does/not/exist"
    assert "Traceback" not in result.stderr


def test_unknown_rule_is_one_line_exit_2(project: Path) -> None:
    result = run_nomock(["check", "--select", "NM999", "."], project)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nomock: error: `--select`: unknown rule id `NM999` (see `nomock rules`)"
    ]


def test_unknown_option_is_one_line_exit_2(project: Path) -> None:
    result = run_nomock(["check", "--no-such-option"], project)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_rules_lists_every_id(project: Path) -> None:
    result = run_nomock(["rules"], project)
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [r.id for r in load_catalog().rules]
    assert {
        "NM101",
        "NM102",
        "NM103",
        "NM201",
        "NM202",
        "NM203",
        "NM301",
        "NM302",
        "NM401",
        "NM901",
        "NM902",
        "NM903",
    } == set(listed)


def test_explain_prints_what_why_example_use_instead(project: Path) -> None:
    result = run_nomock(["explain", "NM201"], project)
    assert result.returncode == 0
    for heading in (
        "## NM201 mock-object",
        "### What it does",
        "### Why is this bad?",
        "### Example",
        "### Use instead",
    ):
        assert heading in result.stdout
    assert run_nomock(["explain", "NM000"], project).returncode == 2


def test_select_ignore_exit_zero_and_fail_on(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text("import fakeredis\nclass FakeRedis: ...\n")
    only_warn = run_nomock(["check", "--select", "NM301"], project)
    assert (
        only_warn.returncode == 1
        and "NM301" in only_warn.stdout
        and "NM102" not in only_warn.stdout
    )
    assert run_nomock(["check", "--select", "NM301", "--fail-on", "error"], project).returncode == 0
    assert run_nomock(["check", "--ignore", "NM1,NM3"], project).returncode == 0
    assert run_nomock(["check", "--exit-zero"], project).returncode == 0


def test_json_format(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_a.py").write_text("import fakeredis\n")
    result = run_nomock(["check", "--format", "json"], project)
    document = json.loads(result.stdout)
    assert document["version"] == 1
    [finding] = document["findings"]
    assert finding["rule"] == "NM102" and finding["path"] == "tests/test_a.py"
    assert finding["alternative"].startswith("a real Redis server")


def test_syntax_error_is_nm903_and_other_files_still_checked(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_broken.py").write_text("from unittest import mock\ndef broken(:\n")
    (project / "tests" / "test_ok.py").write_text("from unittest import mock\n")
    result = run_nomock(["check", "."], project)
    assert result.returncode == 1
    assert (
        "tests/test_broken.py:2:12: NM903 could not check this file: syntax error" in result.stdout
    )
    assert "tests/test_ok.py:1:22: NM101" in result.stdout
    assert "Traceback" not in result.stderr


def test_version_fast_path_prints_what_click_prints(project: Path) -> None:
    import subprocess
    import sys

    from nomock_lint import __version__

    fast = run_nomock(["--version"], project)
    through_click = subprocess.run(
        [sys.executable, "-c", "from nomock_lint.cli import main; main()", "--version"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert fast.returncode == through_click.returncode == 0
    assert fast.stdout == through_click.stdout == f"nomock {__version__}\n"
