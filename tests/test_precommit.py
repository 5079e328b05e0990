"""The hook through the real `pre-commit` program (`pre-commit try-repo`), in a scratch git repo.

pre-commit pip-installs this checkout into an environment of its own (from PyPI: slow the
first time), so the environments live in one PRE_COMMIT_HOME per test session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from nomock_lint import discovery

REPO = Path(__file__).parents[1]
INSTALL_TIMEOUT = 900  # seconds: the first run builds a virtualenv and installs from PyPI

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "scratch"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "nomock@example.invalid")
    _git(repo, "config", "user.name", "nomock tests")
    _git(repo, "config", "commit.gpgsign", "false")
    return repo


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.pop("NOMOCK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "nomock", "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        env=env,
    )


def test_hook_definition_covers_every_language() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "nomock"
    assert hook["language"] == "python"
    assert hook["types"] == ["file"]
    files = re.compile(hook["files"])
    checked = discovery.PYTHON_SUFFIXES | discovery.JS_SUFFIXES | discovery.SFC_SUFFIXES
    for suffix in checked:
        assert files.search(f"src/a/module{suffix}"), suffix
    for other in (".txt", ".pyc", ".json", ".d.ts.map", ".tsbuildinfo", "/py"):
        assert not files.search(f"src/a/module{other}"), other
    assert hook.get("pass_filenames", True) is True
    assert "require_serial" not in hook  # each batch of files is checked on its own


def test_staged_mock_import_fails_and_clean_file_passes(
    scratch_repo: Path, pre_commit_home: Path
) -> None:
    tests = scratch_repo / "tests"
    tests.mkdir()
    (tests / "test_orders.py").write_text(
        "from unittest import mock\n\n\ndef test_total():\n    assert mock\n"
    )
    (tests / "test_clean.py").write_text("def test_total():\n    assert sum([1, 2]) == 3\n")
    (tests / "orders.test.mts").write_text("vi.mock('./db');\n")  # identify tags it not at all
    (scratch_repo / "README.txt").write_text("not a source file\n")
    _git(scratch_repo, "add", ".")

    staged = ("tests/test_orders.py", "tests/orders.test.mts", "README.txt")
    failed = try_repo(scratch_repo, pre_commit_home, *staged)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "tests/test_orders.py:1:" in output
    assert "NM101" in output
    assert "tests/orders.test.mts:1:" in output
    assert "NM202" in output

    passed = try_repo(scratch_repo, pre_commit_home, "tests/test_clean.py")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output
    assert "NM1" not in output
