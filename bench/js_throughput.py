"""Throughput of the JS/TS front-end (decode + mask + extract) on a real tree.

    python bench/js_throughput.py /tmp/jsbench/tree

Prints files, bytes, CPU seconds and MB/s per core for the front-end alone (every file is
parsed: no prefilter), and the files that became NM903 (lexer failures on real code).
"""

from __future__ import annotations

import os
import sys
import time

from nomock_lint.discovery import JS_SUFFIXES, SFC_SUFFIXES
from nomock_lint.facts import ParseError
from nomock_lint.frontends import javascript


def main(root: str) -> None:
    files = [
        os.path.join(d, f)
        for d, _, names in os.walk(root)
        for f in names
        if os.path.splitext(f)[1] in JS_SUFFIXES | SFC_SUFFIXES
    ]
    total_bytes = 0
    cpu = 0.0
    failures: list[tuple[str, str]] = []
    slowest: list[tuple[float, str, int]] = []
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        start = time.process_time()
        try:
            javascript.extract(data, path)
        except ParseError as exc:
            failures.append((path, exc.reason))
        spent = time.process_time() - start
        cpu += spent
        total_bytes += len(data)
        slowest.append((spent, path, len(data)))
    mb = total_bytes / 1e6
    print(f"{len(files)} files, {mb:.1f} MB, {cpu:.2f} s CPU, {mb / cpu:.2f} MB/s per core")
    print(f"NM903 (lexer could not read the file): {len(failures)}")
    for path, reason in failures[:20]:
        print(f"  {path}: {reason}")
    print("slowest files:")
    for spent, path, size in sorted(slowest, reverse=True)[:8]:
        rate = size / 1e6 / max(spent, 1e-9)
        print(f"  {spent:.3f} s  {size / 1e6:.2f} MB  {rate:.1f} MB/s  {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
