"""`--changed-since REF` against a real git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import run_nomock

MOCKED = "from unittest.mock import MagicMock\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "t")
    (tmp_path / ".gitignore").write_text("ignored_*.py\n")
    for name in ("test_old.py", "test_edited.py", "test_deleted.py"):
        (tmp_path / name).write_text(MOCKED)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "test_sub.py").write_text("x = 1\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def _paths(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    return sorted({f["path"] for f in document["findings"]})


def test_only_changed_and_untracked_files(repo: Path) -> None:
    (repo / "test_edited.py").write_text(MOCKED + "MagicMock()\n")
    (repo / "test_deleted.py").unlink()
    (repo / "test_new.py").write_text(MOCKED)
    (repo / "ignored_x.py").write_text(MOCKED)
    (repo / "sub" / "test_sub.py").write_text(MOCKED)
    (repo / "notes.md").write_text("not a source file\n")
    result = run_nomock(["check", "--changed-since", "HEAD", "--format", "json"], repo)
    assert _paths(result) == ["sub/test_sub.py", "test_edited.py", "test_new.py"]
    files = json.loads(result.stdout)["files"]
    assert files["checked"] == 3 and files["skipped"] == 0
    scoped = run_nomock(["check", "--changed-since", "HEAD", "--format", "json", "sub"], repo)
    assert _paths(scoped) == ["sub/test_sub.py"]


def test_committed_changes_since_an_older_ref(repo: Path) -> None:
    (repo / "test_edited.py").write_text(MOCKED + "MagicMock()\n")
    _git(repo, "commit", "-q", "-am", "edit")
    result = run_nomock(["check", "--changed-since", "HEAD~1", "--format", "json"], repo)
    assert _paths(result) == ["test_edited.py"]
    nothing = run_nomock(["check", "--changed-since", "HEAD"], repo)
    assert nothing.returncode == 0
    assert nothing.stdout.strip() == "Found 0 findings in 0 files checked."


def test_unknown_ref_is_one_line_exit_2(repo: Path) -> None:
    result = run_nomock(["check", "--changed-since", "no-such-ref"], repo)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("nomock: error: git rev-parse")
    assert "Traceback" not in result.stderr


def test_outside_a_repository_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text(MOCKED)
    result = run_nomock(["check", "--changed-since", "HEAD"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("nomock: error: git rev-parse")
