"""`nomock lsp`: a language server over stdio that publishes nomock's findings as diagnostics.

Every check goes through `api.check(stdin=<document bytes>, stdin_filename=<document path>)`, so
the editor sees exactly what `nomock check` reports for that file: the configuration is the one
found from the document's path, and so is its test/production class.

Diagnostics are published at once on open and on save, and after a pause in typing on change
(`initializationOptions.debounceMs`, 300 ms by default). A quick fix inserts an inline
`nomock: allow NMxxx -- reason` suppression in the document's comment syntax.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from nomock_lint import __version__, api
from nomock_lint.catalog import CatalogError, load_catalog
from nomock_lint.config import CONFIG_FILES, ConfigError
from nomock_lint.discovery import language_of
from nomock_lint.frontends.source import Lines
from nomock_lint.model import Finding
from nomock_lint.suppressions import directive_in

SOURCE = "nomock"
DEFAULT_DEBOUNCE_MS = 300
# Rules about suppressions and unreadable files: silencing them with a suppression makes no sense.
_NOT_SUPPRESSIBLE = frozenset({"NM901", "NM902", "NM903"})
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Information,
}
_INDENT = re.compile(r"[ \t]*")

log = logging.getLogger(__name__)


class NomockLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "nomock", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._shown_errors: set[str] = set()

    # -- scheduling ------------------------------------------------------------------------

    def lint_now(self, uri: str) -> None:
        self._cancel(uri)
        self.publish(uri)

    def lint_later(self, uri: str) -> None:
        self._cancel(uri)
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(self.debounce, self._fire, uri)

    def forget(self, uri: str) -> None:
        self._cancel(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def _fire(self, uri: str) -> None:
        self._pending.pop(uri, None)
        self.publish(uri)

    def _cancel(self, uri: str) -> None:
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    # -- checking --------------------------------------------------------------------------

    def publish(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        if not _lintable(doc):
            return
        try:
            diagnostics = self.diagnostics(doc)
        except (ConfigError, CatalogError) as exc:
            # A broken configuration is shown once, not on every keystroke.
            message = f"nomock: {exc}"
            if message not in self._shown_errors:
                self._shown_errors.add(message)
                self.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Error, message=message)
                )
            diagnostics = []
        except Exception as exc:  # a bug of ours must not take the editor's server down
            log.exception("checking %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"nomock: internal error on {uri}: {type(exc).__name__}: {exc}",
                )
            )
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc.version)
        )

    def diagnostics(self, doc: TextDocument) -> list[types.Diagnostic]:
        text = doc.source
        report = api.check(stdin=text.encode("utf-8"), stdin_filename=doc.path)
        if not report.findings:
            return []
        lines = Lines(text)
        encoding = self.workspace.position_encoding
        catalog = load_catalog()
        return [
            _diagnostic(f, lines, encoding, catalog[f.rule_id].help_uri) for f in report.findings
        ]

    # -- quick fixes -----------------------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = self.workspace.get_text_document(params.text_document.uri)
        lines = Lines(doc.source)
        python = _is_python(doc)
        encoding = self.workspace.position_encoding
        actions: list[types.CodeAction] = []
        seen: set[tuple[str, int]] = set()
        for diagnostic in params.context.diagnostics:
            rule_id = diagnostic.code
            if diagnostic.source != SOURCE or not isinstance(rule_id, str):
                continue
            line = diagnostic.range.start.line
            if rule_id in _NOT_SUPPRESSIBLE or (rule_id, line) in seen:
                continue
            seen.add((rule_id, line))
            for fix in suppression_fixes(lines, line + 1, rule_id, python):
                edit = types.TextEdit(range=fix.range(lines, encoding), new_text=fix.text)
                actions.append(
                    types.CodeAction(
                        title=fix.title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=fix.preferred,
                        edit=types.WorkspaceEdit(changes={doc.uri: [edit]}),
                    )
                )
        return actions


def _lintable(doc: TextDocument) -> bool:
    if not doc.uri.startswith("file:"):
        return False  # unsaved buffers have no path, hence no configuration or test class
    return language_of(doc.path) is not None or doc.language_id == "python"


def _is_python(doc: TextDocument) -> bool:
    return language_of(doc.path) == "python" or doc.language_id == "python"


def _units(line: str, col: int, encoding: Any) -> int:
    """A 0-based code-point column in the client's position encoding (UTF-16 unless agreed)."""
    prefix = line[:col]
    if prefix.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return len(prefix)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8"))
    return len(prefix.encode("utf-16-le")) // 2


def _position(lines: Lines, line: int, col: int, encoding: Any) -> types.Position:
    """1-based line and 0-based code-point column -> LSP position."""
    return types.Position(line=line - 1, character=_units(lines.line(line), col, encoding))


def _diagnostic(finding: Finding, lines: Lines, encoding: Any, href: str) -> types.Diagnostic:
    span = finding.span
    start = _position(lines, span.line, span.col - 1, encoding)
    end = _position(lines, span.end_line, max(span.end_col - 1, 0), encoding)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=href),
        source=SOURCE,
    )


@dataclass(frozen=True, slots=True)
class Fix:
    """Insert `text` at (line, col), 1-based line and 0-based code-point column."""

    title: str
    line: int
    col: int
    text: str
    preferred: bool

    def range(self, lines: Lines, encoding: Any) -> types.Range:
        at = _position(lines, self.line, self.col, encoding)
        return types.Range(start=at, end=at)


def suppression_fixes(lines: Lines, line: int, rule_id: str, python: bool) -> list[Fix]:
    """The edits that silence `rule_id` on `line` (1-based), as `suppressions.py` reads them.

    A directive that already covers the line gets the id added; otherwise a comment on its own
    line before (preferred: the code line stays readable) or at the end of the line.
    """
    marker = "#" if python else "//"
    source = lines.line(line)
    own = directive_in(source)
    if own is not None and not source.lstrip().startswith(marker) and own.group("kind") == "allow":
        return [_amend(line, own, rule_id)]
    if line > 1:
        previous = lines.line(line - 1)
        above = directive_in(previous)
        own_line = previous.lstrip().startswith(marker)
        if above is not None and own_line and above.group("kind") == "allow":
            return [_amend(line - 1, above, rule_id)]
    directive = f"nomock: allow {rule_id} -- reason"
    indent = _INDENT.match(source)
    prefix = indent.group(0) if indent else ""
    return [
        Fix(
            f"Suppress {rule_id} with a comment on the line before",
            line,
            0,
            f"{prefix}{marker} {directive}\n",
            True,
        ),
        Fix(
            f"Suppress {rule_id} with a comment at the end of the line",
            line,
            len(source.rstrip()),
            f"  {marker} {directive}",
            False,
        ),
    ]


def _amend(line: int, match: re.Match[str], rule_id: str) -> Fix:
    if (match.group("ids") or "").strip():
        at, text = match.end("ids"), f", {rule_id}"
    else:  # `nomock: allow -- reason` names no rule yet
        at, text = match.end("kind"), f" {rule_id}"
    return Fix(f"Add {rule_id} to the nomock: allow comment", line, at, text, True)


def build_server(debounce_ms: int | None = None) -> NomockLanguageServer:
    server = NomockLanguageServer()
    if debounce_ms is not None:
        server.debounce = debounce_ms / 1000

    @server.feature(types.INITIALIZE)
    def initialize(ls: NomockLanguageServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), int | float):
            ls.debounce = max(float(options["debounceMs"]), 0.0) / 1000

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NomockLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint_now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NomockLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: NomockLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if PurePath(ls.workspace.get_text_document(uri).path).name in CONFIG_FILES:
            # A saved configuration can change every open document's findings.
            for other in list(ls.workspace.text_documents):
                ls.lint_now(other)
        else:
            ls.lint_now(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NomockLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: NomockLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        return ls.code_actions(params)

    return server


def serve(debounce_ms: int | None = None) -> None:
    """Run the server on standard input and output until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="nomock lsp: %(levelname)s %(message)s")
    build_server(debounce_ms).start_io()


__all__ = ["NomockLanguageServer", "build_server", "serve", "suppression_fixes"]
