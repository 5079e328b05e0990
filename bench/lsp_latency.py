"""On-save latency of `nomock lsp`: from the editor's notification to the diagnostics.

Drives the real server (`python -m nomock_lint lsp`) over stdio with the raw JSON-RPC client of
the test suite. A generated 500-line pytest file (with mocks, so every check parses the file and
runs every rule) is opened, then edited 50 times; each edit is a didChange followed by a didSave,
and the time is measured until the publishDiagnostics for that document version arrives.
Opening is measured the same way (didOpen -> diagnostics, 50 times, on a fresh URI each time).

    python bench/lsp_latency.py [--edits 50] [--lines 500]

Prints median and p95 in milliseconds. Figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.lsp_client import LspClient

HEADER = """\
import json
from pathlib import Path
from unittest.mock import MagicMock, patch

import pytest


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps([{"id": 1, "total": 3}]))
    return path

"""

BLOCK = """
def test_total_{n}(orders: Path, mocker) -> None:
    data = json.loads(orders.read_text())
    client = MagicMock()
    client.fetch.return_value = data
    assert sum(item["total"] for item in data) == 3
    assert client.fetch() == data


@patch("shop.orders.load")
def test_load_{n}(load, orders: Path) -> None:
    load.return_value = []
    assert orders.exists()
"""


def generate(lines: int) -> str:
    text, n = HEADER, 0
    while text.count("\n") + BLOCK.count("\n") <= lines:
        text += BLOCK.format(n=n)
        n += 1
    return text + "\n" * (lines - text.count("\n"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<22} n={len(ms):<3} median {statistics.median(ms):7.1f} ms   "
        f"p95 {percentile(ms, 0.95):7.1f} ms   max {max(ms):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nomock-lsp-bench-") as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "tests").mkdir()
        text = generate(args.lines)
        path = root / "tests" / "test_orders.py"
        path.write_text(text)
        with LspClient(root) as client:
            started = time.perf_counter()
            client.initialize(root)
            initialized = time.perf_counter() - started

            opens: list[float] = []
            counts: set[int] = set()
            for i in range(args.edits):
                other = root / "tests" / f"test_open_{i}.py"
                started = time.perf_counter()
                uri = client.open(other, text, "python")
                published = client.diagnostics(uri, version=1)
                opens.append(time.perf_counter() - started)
                counts.add(len(published["diagnostics"]))
                client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
                client.diagnostics(uri)  # the clearing publish, so it is not mistaken later

            uri = client.open(path, text, "python")
            client.diagnostics(uri, version=1)
            saves: list[float] = []
            lines = text.splitlines(keepends=True)
            for version in range(2, args.edits + 2):
                # Each edit rewrites one line in the middle of a test: a mock comes or goes.
                at = len(lines) // 2 + version % 40
                lines[at] = "    extra = MagicMock()\n" if version % 2 else "    extra = dict()\n"
                edited = "".join(lines)
                started = time.perf_counter()
                client.change(uri, edited, version)
                client.save(uri)
                published = client.diagnostics(uri, version=version)
                saves.append(time.perf_counter() - started)
                counts.add(len(published["diagnostics"]))

    print(
        f"file: {args.lines} lines, {len(text):,} bytes; diagnostics per publish: {sorted(counts)}"
    )
    print(f"initialize (server start, first request): {initialized * 1000:.0f} ms")
    print(summary("didOpen -> diagnostics", opens))
    print(summary("didSave -> diagnostics", saves))


if __name__ == "__main__":
    main()
