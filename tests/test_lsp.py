"""`nomock lsp` driven by a raw JSON-RPC client over stdio, against a real server subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nomock_lint import api
from nomock_lint.catalog import load_catalog
from nomock_lint.frontends.source import Lines
from nomock_lint.lsp import suppression_fixes

from .lsp_client import LspClient

MAGIC = (
    "from unittest.mock import MagicMock\n"
    "\n"
    "\n"
    "def test_orders():\n"
    "    client = MagicMock()\n"
    "    assert client\n"
)
CLEAN = "def test_orders():\n    assert sum([1, 2]) == 3\n"


@pytest.fixture
def server(project: Path) -> Iterator[LspClient]:
    # The server runs from another folder: everything must follow from the document's path.
    elsewhere = project.parent / f"{project.name}-cwd"
    elsewhere.mkdir()
    with LspClient(elsewhere) as client:
        client.initialize(project, {"debounceMs": 50})
        yield client


def codes(params: dict[str, Any]) -> list[tuple[int, str]]:
    return sorted((d["range"]["start"]["line"] + 1, d["code"]) for d in params["diagnostics"])


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """A client applying insertions (ASCII text, so UTF-16 columns are characters)."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(
        edits, key=lambda e: (-e["range"]["start"]["line"], -e["range"]["start"]["character"])
    ):
        start = edit["range"]["start"]
        assert start == edit["range"]["end"], "only insertions are expected"
        line = lines[start["line"]]
        lines[start["line"]] = (
            line[: start["character"]] + edit["newText"] + line[start["character"] :]
        )
    return "".join(lines)


def test_open_change_and_quick_fix(server: LspClient, project: Path) -> None:
    (project / "tests").mkdir()
    path = project / "tests" / "test_orders.py"
    uri = server.open(path, MAGIC, "python")

    opened = server.diagnostics(uri, version=1)
    assert codes(opened) == [(1, "NM101"), (5, "NM201")]
    catalog = load_catalog()
    for diagnostic in opened["diagnostics"]:
        assert diagnostic["source"] == "nomock"
        assert diagnostic["severity"] == 1  # both rules are errors in the catalog
        assert diagnostic["codeDescription"]["href"] == catalog[diagnostic["code"]].help_uri
    nm201 = next(d for d in opened["diagnostics"] if d["code"] == "NM201")
    assert nm201["range"] == {
        "start": {"line": 4, "character": 13},
        "end": {"line": 4, "character": 22},
    }

    actions = server.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": nm201["range"],
            "context": {"diagnostics": [nm201]},
        },
    )
    assert [a["kind"] for a in actions] == ["quickfix", "quickfix"]
    preferred = next(a for a in actions if a.get("isPreferred"))
    (edit,) = preferred["edit"]["changes"][uri]
    assert edit["newText"] == "    # nomock: allow NM201 -- reason\n"
    assert preferred["diagnostics"] == [nm201]

    # The client applies the fix: the suppression silences NM201 and nothing else.
    server.change(uri, apply_edits(MAGIC, [edit]), version=2)
    assert codes(server.diagnostics(uri, version=2)) == [(1, "NM101")]

    # Removing the mock clears every diagnostic.
    server.change(uri, CLEAN, version=3)
    assert server.diagnostics(uri, version=3)["diagnostics"] == []

    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.diagnostics(uri)["diagnostics"] == []


def test_save_publishes_without_waiting_for_the_debounce(project: Path) -> None:
    (project / "tests").mkdir()
    path = project / "tests" / "test_orders.py"
    with LspClient(project) as client:
        client.initialize(project, {"debounceMs": 600_000})
        uri = client.open(path, CLEAN, "python")
        assert client.diagnostics(uri, version=1)["diagnostics"] == []
        client.change(uri, MAGIC, version=2)
        path.write_text(MAGIC)
        client.save(uri)
        # Far sooner than the ten-minute pause: the save triggered the check.
        assert codes(client.diagnostics(uri, version=2, timeout=60)) == [(1, "NM101"), (5, "NM201")]


def test_configuration_and_test_class_come_from_the_document_path(
    server: LspClient, project: Path
) -> None:
    (project / "pyproject.toml").write_text('[tool.nomock]\nignore = ["NM101"]\n')
    (project / "app").mkdir()
    (project / "tests").mkdir()
    production = "import os\n\nif os.environ.get('TESTING'):\n    pass\n"

    uri = server.open(project / "tests" / "test_orders.py", MAGIC, "python")
    assert codes(server.diagnostics(uri)) == [(5, "NM201")]  # NM101 ignored by the config

    prod_uri = server.open(project / "app" / "settings.py", production, "python")
    assert codes(server.diagnostics(prod_uri)) == [(3, "NM401")]  # production-only rule
    test_uri = server.open(project / "tests" / "test_settings.py", production, "python")
    assert server.diagnostics(test_uri)["diagnostics"] == []


def test_saving_the_configuration_checks_open_documents_again(
    server: LspClient, project: Path
) -> None:
    (project / "tests").mkdir()
    uri = server.open(project / "tests" / "test_orders.py", MAGIC, "python")
    assert codes(server.diagnostics(uri)) == [(1, "NM101"), (5, "NM201")]
    config = project / "pyproject.toml"
    config.write_text("[project]\nname = 'shop'\n")
    config_uri = server.open(config, config.read_text(), "toml")
    config.write_text('[project]\nname = "shop"\n\n[tool.nomock]\nignore = ["NM101"]\n')
    server.change(config_uri, config.read_text(), version=2)
    server.save(config_uri)
    assert codes(server.diagnostics(uri)) == [(5, "NM201")]


@pytest.mark.parametrize(
    ("name", "language_id", "text"),
    [
        ("tests/test_orders.py", "python", MAGIC),
        (
            "src/orders.test.ts",
            "typescript",
            "import { vi } from 'vitest'\n\nconst client = vi.fn()\nvi.mock('./db')\n",
        ),
        ("src/orders.spec.js", "javascript", "const sinon = require('sinon')\nsinon.stub()\n"),
    ],
)
def test_diagnostics_are_what_check_reports(
    server: LspClient, project: Path, name: str, language_id: str, text: str
) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    uri = server.open(path, text, language_id)
    published = server.diagnostics(uri)
    report = api.check(stdin=text.encode(), stdin_filename=str(path))
    expected = sorted((f.span.line, f.rule_id) for f in report.findings)
    assert codes(published) == expected
    assert published["diagnostics"] or report.findings == []


def test_quick_fix_uses_slashes_in_typescript(server: LspClient, project: Path) -> None:
    text = "describe('orders', () => {\n  const client = vi.fn()\n})\n"
    uri = server.open(project / "orders.test.ts", text, "typescript")
    server.diagnostics(uri)
    diagnostic = {
        "range": {"start": {"line": 1, "character": 17}, "end": {"line": 1, "character": 22}},
        "message": "`vi.fn` creates a test double",
        "severity": 1,
        "code": "NM201",
        "source": "nomock",
    }
    actions = server.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        },
    )
    texts = sorted(a["edit"]["changes"][uri][0]["newText"] for a in actions)
    assert texts == ["  // nomock: allow NM201 -- reason", "  // nomock: allow NM201 -- reason\n"]


def test_broken_configuration_is_shown_once_and_the_server_lives_on(
    server: LspClient, project: Path
) -> None:
    (project / "nomock.toml").write_text('selct = ["NM1"]\n')
    uri = server.open(project / "test_a.py", MAGIC, "python")
    shown = server.wait_for(lambda m: m.get("method") == "window/showMessage")
    assert shown["params"]["type"] == 1
    assert "selct" in shown["params"]["message"]
    assert server.diagnostics(uri)["diagnostics"] == []
    (project / "nomock.toml").write_text('select = ["NM1"]\n')
    server.save(uri)
    assert codes(server.diagnostics(uri)) == [(1, "NM101")]


def test_documents_outside_the_languages_are_left_alone(server: LspClient, project: Path) -> None:
    notes = server.open(project / "notes.md", "MagicMock()\n", "markdown")
    python = server.open(project / "test_a.py", MAGIC, "python")
    assert server.diagnostics(python)["diagnostics"]
    assert not any(
        m["params"]["uri"] == notes
        for m in server.notifications
        if m.get("method") == "textDocument/publishDiagnostics"
    )


CASES = {
    "own line": (MAGIC, 5),
    "amend above": (
        MAGIC.replace("    client =", "    # nomock: allow NM101 -- legacy\n    client ="),
        6,
    ),
    "amend trailing": (
        MAGIC.replace("MagicMock()\n", "MagicMock()  # nomock: allow NM999 -- x\n"),
        5,
    ),
    "amend empty list": (
        MAGIC.replace("    client =", "    # nomock: allow -- third-party SDK\n    client ="),
        6,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_quick_fix_silences_exactly_its_finding(case: str, tmp_path: Path) -> None:
    text, line = CASES[case]
    path = tmp_path / "tests" / "test_orders.py"
    before = api.check(stdin=text.encode(), stdin_filename=str(path))
    assert ("NM201", line) in [(f.rule_id, f.span.line) for f in before.findings]
    for fix in suppression_fixes(Lines(text), line, "NM201", python=True):
        lines = text.splitlines(keepends=True)
        target = lines[fix.line - 1]
        lines[fix.line - 1] = target[: fix.col] + fix.text + target[fix.col :]
        fixed = "".join(lines)
        after = api.check(stdin=fixed.encode(), stdin_filename=str(path))
        remaining = sorted(f.rule_id for f in after.findings)
        # Naming the rule in an id-less directive also clears that directive's NM902.
        expected = sorted(
            f.rule_id
            for f in before.findings
            if f.rule_id != "NM201" and not (f.rule_id == "NM902" and f.name == "no rule id")
        )
        assert remaining == expected, (fix, fixed)
        assert after.suppressed == before.suppressed + 1
