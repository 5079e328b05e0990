"""Throughput of the two Python front-ends (facts per file) and of a plugin pass, in MB/s.

    python bench/frontends.py [FOLDER] [--limit N]

Only files that both front-ends read are timed, each front-end on the same files, one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from nomock_lint.facts import ParseError
from nomock_lint.frontends import python_ast, python_cst
from nomock_lint.frontends.source import decode_python
from nomock_lint.plugins import FileContext, PluginRule


class _CallCounter(PluginRule):
    id, name, message = "BENCH1", "calls", "{name}"

    def visit_Call(self, node: cst.Call) -> None:
        pass  # finds nothing: the cost of a plugin pass on a clean file


def _plugin_pass(text: str) -> object:
    """What `plugins.check` costs a file with no plugin finding: parse and one batched visit."""
    wrapper = MetadataWrapper(python_cst.parse_module(text), unsafe_skip_copy=True)
    return wrapper.visit_batched([_CallCounter(FileContext("x.py", True))])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=f"{sys.prefix}/lib/python3.11/test")
    parser.add_argument("--limit", type=int, default=0, help="first N files (sorted by path)")
    args = parser.parse_args()
    paths = sorted(Path(args.folder).rglob("*.py"))
    texts = []
    for path in paths[: args.limit or None]:
        try:
            text = decode_python(path.read_bytes())
            python_ast.parse(text)
        except (ParseError, OSError):
            continue
        texts.append(text)
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} files, {size:.2f} MB from {args.folder}")
    for name, extract in (
        ("ast   ", lambda t: python_ast.extract_tree(python_ast.parse(t), t)),
        ("libcst", python_cst.extract),
        ("plugin", _plugin_pass),
    ):
        failed = 0
        start = time.perf_counter()
        for text in texts:
            try:
                extract(text)
            except ParseError:
                failed += 1
        elapsed = time.perf_counter() - start
        print(f"{name}  {elapsed:7.2f} s  {size / elapsed:6.2f} MB/s  ({failed} failed)")


if __name__ == "__main__":
    main()
