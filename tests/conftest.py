"""Shared helpers for the test suite: real files, real subprocesses, no mocks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"(?:#|//|<!--|\{/\*)\s*expect:\s*(NM\d{3}(?:\s*,\s*NM\d{3})*)")


def expected_findings(text: str) -> list[tuple[int, str]]:
    """`# expect: NM201, NM101` / `// expect: NM202` comments as sorted (line, rule) pairs."""
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        if m:
            found += [(lineno, rule.strip()) for rule in m.group(1).split(",")]
    return sorted(found)


def run_nomock(
    args: Sequence[str], cwd: Path, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a subprocess."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("NOMOCK_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "nomock_lint", *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (a git work tree marker so it is its own root)."""
    (tmp_path / ".git").mkdir()
    return tmp_path
