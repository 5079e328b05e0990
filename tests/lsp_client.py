"""A small LSP client over stdio: raw JSON-RPC with Content-Length framing, no LSP library.

It starts the real server (`python -m nomock_lint lsp`) as a subprocess, so the tests and
`bench/lsp_latency.py` see exactly what an editor sees on the wire.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

Message = dict[str, Any]


class LspClient:
    def __init__(self, cwd: Path, args: Sequence[str] = ()) -> None:
        env = {**os.environ}
        env.pop("NOMOCK_DEBUG", None)
        self.stderr_path = cwd / ".nomock-lsp-stderr.log"
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nomock_lint", "lsp", *args],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._ids = itertools.count(1)
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        # Notifications (and responses) that arrived while waiting for something else.
        self.notifications: list[Message] = []
        self._responses: dict[int, Message] = {}
        assert self.process.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._reader.start()

    # -- wire ------------------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self, stream: IO[bytes]) -> None:
        try:
            while True:
                length = None
                while True:
                    header = stream.readline()
                    if not header:
                        return
                    if header in (b"\r\n", b"\n"):
                        break
                    name, _, value = header.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                self._inbox.put(json.loads(stream.read(length)))
        finally:
            self._inbox.put(None)

    def _next(self, deadline: float) -> Message:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(self._timeout_detail())
        try:
            message = self._inbox.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError(self._timeout_detail()) from None
        if message is None:
            raise ConnectionError(f"server closed its output; stderr:\n{self.stderr()}")
        if "method" in message and "id" in message:  # a request from the server: accept it
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        return message

    def _timeout_detail(self) -> str:
        return f"no answer in time; server stderr:\n{self.stderr()}"

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    # -- JSON-RPC --------------------------------------------------------------------------

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        request_id = next(self._ids)
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while request_id not in self._responses:
            message = self._next(deadline)
            if "method" in message:
                self.notifications.append(message)
            elif "id" in message:
                self._responses[message["id"]] = message
        response = self._responses.pop(request_id)
        if "error" in response:
            raise RuntimeError(f"{method} failed: {response['error']}")
        return response.get("result")

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 30) -> Message:
        """The first notification (already received or yet to come) that satisfies `predicate`."""
        for i, message in enumerate(self.notifications):
            if predicate(message):
                return self.notifications.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(deadline)
            if "method" not in message:
                self._responses[message["id"]] = message
            elif predicate(message):
                return message
            else:
                self.notifications.append(message)

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 30) -> Message:
        """The next publishDiagnostics for `uri` (for `version`, when given)."""

        def wanted(m: Message) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            params = m["params"]
            return bool(
                params["uri"] == uri and (version is None or params.get("version") == version)
            )

        return self.wait_for(wanted, timeout)["params"]  # type: ignore[no-any-return]

    # -- LSP life cycle ----------------------------------------------------------------------

    def initialize(self, root: Path, options: Message | None = None) -> Message:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": True},
                        "codeAction": {
                            "codeActionLiteralSupport": {
                                "codeActionKind": {"valueSet": ["quickfix"]}
                            }
                        },
                        "synchronization": {"didSave": True},
                    },
                },
                "initializationOptions": options or {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            },
        )
        self.notify("initialized", {})
        return result  # type: ignore[no-any-return]

    def open(self, path: Path, text: str, language_id: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language_id,
                    "version": version,
                    "text": text,
                }
            },
        )
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def save(self, uri: str) -> None:
        self.notify("textDocument/didSave", {"textDocument": {"uri": uri}})

    def close(self) -> int:
        """Shut the server down politely; kill it if it does not exit in time."""
        try:
            if self.process.poll() is None:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
                return self.process.wait(timeout=10)
        except (TimeoutError, ConnectionError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            self._stderr.close()
        return self.process.returncode

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
