"""`--stdin-filename PATH`: the source on standard input, judged as if it were the file at PATH."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_nomock

SOURCE = b'import os\nfrom unittest import mock\n\nif os.environ.get("TESTING"):\n    pass\n'


@pytest.fixture
def configured(project: Path) -> Path:
    (project / "pyproject.toml").write_text(
        "[tool.nomock]\n"
        'extend-exclude = ["generated/"]\n'
        'test-paths = ["spec/"]\n'
        'per-path-ignores = { "legacy/**" = ["NM101"] }\n'
    )
    return project


def rules_at(stdout: str) -> list[tuple[str, str]]:
    """(path:line, rule) for every finding line of the text output."""
    found = []
    for line in stdout.splitlines():
        location, _, rest = line.partition(": ")
        if rest[:2] == "NM":
            found.append((location.rsplit(":", 1)[0], rest.split()[0]))
    return found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # test-paths from the project's config: NM401 is for production code only.
        ("spec/orders.py", [("spec/orders.py:2", "NM101")]),
        ("app/orders.py", [("app/orders.py:2", "NM101"), ("app/orders.py:4", "NM401")]),
        # per-path-ignores apply to PATH (and `tests/` is no test path in this project).
        ("legacy/tests/test_orders.py", [("legacy/tests/test_orders.py:4", "NM401")]),
        ("generated/test_orders.py", []),  # excluded: skipped, as a formatter would expect
    ],
)
def test_config_and_test_class_follow_the_path_not_the_working_folder(
    configured: Path, tmp_path_factory: pytest.TempPathFactory, name: str, expected: list[str]
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = run_nomock(
        ["check", "--stdin-filename", str(configured / name)], elsewhere, stdin=SOURCE
    )
    assert result.returncode == (1 if expected else 0), result.stderr
    assert rules_at(result.stdout) == expected


def test_relative_path_is_taken_from_the_working_folder(configured: Path) -> None:
    # Neither the file nor its folder exists: editors pipe unsaved buffers too.
    result = run_nomock(
        ["check", "--stdin-filename", "spec/new/orders.py", "-"], configured, SOURCE
    )
    assert result.returncode == 1, result.stderr
    assert rules_at(result.stdout) == [("spec/new/orders.py:2", "NM101")]


def test_dash_alone_reads_python_from_standard_input(project: Path) -> None:
    result = run_nomock(["check", "-q", "-"], project, stdin=b"from unittest import mock\n")
    assert result.returncode == 1, result.stderr
    assert rules_at(result.stdout) == [("-:1", "NM101")]


def test_stdin_filename_with_paths_is_a_usage_error(project: Path) -> None:
    (project / "a.py").write_text("")
    result = run_nomock(["check", "--stdin-filename", "b.py", "a.py"], project, stdin=b"")
    assert result.returncode == 2
    assert result.stderr.startswith("nomock: error: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_named_file_in_no_checked_language_is_skipped(project: Path) -> None:
    result = run_nomock(
        ["check", "--stdin-filename", "docs/notes.md", "-"],
        project,
        stdin=b"from unittest import mock\n",
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == (
        "Found 0 findings in 0 files checked, 1 skipped (not a source file 1)."
    )
