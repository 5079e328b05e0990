"""Seed 000 (mock-heavy TypeScript) as a test: every `// File:` block, written out, is flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nomock_lint import api
from nomock_lint.config import Config

from .conftest import run_nomock

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("000_*.txt")) if (SHARED / "seeds").is_dir() else []
needs_seed = pytest.mark.skipif(
    not SEEDS, reason=f"seed 000 not found under {SHARED} (shared/ beside the repo)"
)
BLOCK = re.compile(r"```typescript\n(// File: (\S+)\n.*?)```", re.S)

# (path, line, rule) for every finding the seed's blocks must produce, and nothing else.
V = "backend/tests/shared"
EXPECTED = [
    *((f"{V}/mocks/{name}.ts", 3, "NM101") for name in (
        "redis-service-mock", "jwt-service-mock", "auth-facade-mock", "prisma-mock")),
    ("backend/tests/unit/services/cache.service.test.ts", 3, "NM101"),
    ("backend/tests/unit/services/cache-comprehensive.test.ts", 3, "NM101"),
    (f"{V}/setup/test-environment.ts", 3, "NM101"),
    # class *Mock implements Partial<X> and its create*Mock factory
    (f"{V}/mocks/redis-service-mock.ts", 10, "NM301"),
    (f"{V}/mocks/redis-service-mock.ts", 222, "NM301"),
    (f"{V}/mocks/jwt-service-mock.ts", 10, "NM301"),
    (f"{V}/mocks/jwt-service-mock.ts", 138, "NM301"),
    (f"{V}/mocks/auth-facade-mock.ts", 7, "NM301"),
    (f"{V}/mocks/auth-facade-mock.ts", 107, "NM301"),
    (f"{V}/mocks/prisma-mock.ts", 10, "NM301"),
    (f"{V}/mocks/prisma-mock.ts", 207, "NM301"),
    # vi.fn inside the Prisma client double
    *((f"{V}/mocks/prisma-mock.ts", line, "NM201") for line in (
        23, 28, 54, 65, 82, 97, 112, 113, 123, 138, 167, 168, 171, 172)),
    # vi.mock(...) with vi.fn factories; vi.spyOn(...) and its .mockImplementation(...) chain
    (f"{V}/setup/test-environment.ts", 39, "NM202"),
    (f"{V}/setup/test-environment.ts", 40, "NM201"),
    (f"{V}/setup/test-environment.ts", 43, "NM202"),
    (f"{V}/setup/test-environment.ts", 44, "NM201"),
    (f"{V}/setup/test-environment.ts", 47, "NM202"),
    *((f"{V}/setup/test-environment.ts", line, "NM201") for line in (52, 52, 53, 53, 54, 54)),
    # Date.now = () => mockTime; ... Date.now = originalNow
    (f"{V}/patterns/isolation-patterns.ts", 62, "NM203"),
    (f"{V}/patterns/isolation-patterns.ts", 68, "NM203"),
]  # fmt: skip


def write_blocks(seed: Path, root: Path) -> list[str]:
    written = []
    for m in BLOCK.finditer(seed.read_text(encoding="utf-8")):
        body, rel = m.group(1), m.group(2)
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(rel)
    return written


@needs_seed
def test_seed_000_blocks_are_flagged_exactly(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    written = write_blocks(SEEDS[0], tmp_path)
    assert len(written) == 8
    report = api.check([tmp_path], Config(root=tmp_path))
    found = sorted((f.path, f.span.line, f.rule_id) for f in report.findings)
    assert found == sorted(EXPECTED)
    assert all(f.rule_id != "NM903" for f in report.findings)


@needs_seed
def test_seed_000_nothing_inside_comments_or_strings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_blocks(SEEDS[0], tmp_path)
    report = api.check([tmp_path], Config(root=tmp_path))
    for finding in report.findings:
        line = (tmp_path / finding.path).read_text().splitlines()[finding.span.line - 1]
        code = line[: finding.span.col - 1]
        assert "//" not in code and "/*" not in code, (finding, line)
        assert code.count("'") % 2 == 0 and code.count("`") % 2 == 0, (finding, line)


@needs_seed
def test_seed_000_through_the_command_line(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_blocks(SEEDS[0], tmp_path)
    result = run_nomock(["check", "."], tmp_path)
    assert result.returncode == 1, result.stderr
    reported = sorted(
        (path, int(line), rule)
        for path, line, _, rule in (
            re.match(r"(.+?):(\d+):(\d+): (NM\d{3}) ", row).groups()  # type: ignore[union-attr]
            for row in result.stdout.splitlines()
            if re.match(r".+?:\d+:\d+: NM\d{3} ", row)
        )
    )
    assert reported == sorted(EXPECTED)
    assert result.stdout.splitlines()[-1] == (
        f"Found {len(EXPECTED)} findings (NM101 7, NM201 22, NM202 3, NM203 2, NM301 8) "
        "in 8 files checked."
    )
