"""Every fixture file carries its expectations inline; each line is checked exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from nomock_lint import api
from nomock_lint.config import Config
from nomock_lint.discovery import language_of

from .conftest import FIXTURES, expected_findings

FIXTURE_FILES = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and language_of(p.name) is not None
)


def _check(path: Path, use_prefilter: bool = True) -> list[tuple[int, str]]:
    config = Config(root=FIXTURES)
    rel = path.relative_to(FIXTURES).as_posix()
    language = language_of(rel)
    assert language is not None
    result = api.check_source(
        path.read_bytes(), rel, language, config.is_test(rel), config, use_prefilter=use_prefilter
    )
    return sorted((f.span.line, f.rule_id) for f in result.findings)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_findings(path: Path) -> None:
    expected = expected_findings(path.read_text(encoding="utf-8", errors="replace"))
    assert _check(path) == expected


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_prefilter_is_sound(path: Path) -> None:
    """Skipping by the prefilter would never lose a finding: same result without it."""
    assert _check(path, use_prefilter=True) == _check(path, use_prefilter=False)


def test_fixtures_cover_every_rule() -> None:
    seen = {rule for path in FIXTURE_FILES for _, rule in expected_findings(path.read_text())}
    assert {"NM101", "NM102", "NM103", "NM201", "NM202", "NM203", "NM301", "NM302", "NM401"} <= seen
