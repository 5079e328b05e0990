#!/usr/bin/env python3
"""Check a whole tree with and without the prefilter and report any file that it would lose.

    python bench/prefilter_soundness.py bench/.cache/corpus-django
    python bench/prefilter_soundness.py bench/.cache/corpus-typescript --language javascript

Prints the bytes that pass the prefilter and every file it skips that has a finding when
parsed (NM903 aside: files that are not parsed are never NM903). Uses the tree's own config.
"""

from __future__ import annotations

import argparse
import time
from multiprocessing import Pool
from pathlib import Path

from nomock_lint import api, prefilter
from nomock_lint.config import Config, load_config
from nomock_lint.discovery import Candidate, discover

_CONFIG: Config | None = None


def _init(root: Path) -> None:
    global _CONFIG
    _CONFIG = load_config(root)


def _one(candidate: Candidate) -> tuple[int, int, float, list[str]]:
    config = _CONFIG
    assert config is not None
    data = candidate.path.read_bytes()
    if len(data) > config.max_file_size:
        return 0, 0, 0.0, []
    start = time.process_time()
    passed = prefilter.may_match(
        data, candidate.relpath, config.rules, candidate.language, candidate.is_test
    )
    spent = time.process_time() - start
    if passed:
        return len(data), len(data), spent, []
    full = api.check_source(
        data, candidate.relpath, candidate.language, candidate.is_test, config,
        use_prefilter=False,
    )  # fmt: skip
    lost = [
        f"{candidate.relpath}:{f.span.line}: {f.rule_id}"
        for f in full.findings
        if f.rule_id != "NM903"
    ]
    return len(data), 0, spent, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--language", default="python", choices=["python", "javascript"])
    args = parser.parse_args()
    config = load_config(args.root)
    candidates = [
        c
        for c in discover([args.root], config)
        if isinstance(c, Candidate) and c.language == args.language
    ]
    with Pool(initializer=_init, initargs=(args.root,)) as pool:
        results = pool.map(_one, candidates, chunksize=8)
    total = sum(r[0] for r in results)
    passed = sum(r[1] for r in results)
    spent = sum(r[2] for r in results)
    lost = [line for r in results for line in r[3]]
    print(
        f"{args.root.name}: {len(candidates):,} files, {total / 1e6:.1f} MB; the prefilter passes "
        f"{passed / 1e6:.1f} MB ({100 * passed / max(total, 1):.0f}%) in {spent:.2f} s CPU; "
        f"findings lost: {len(lost)}"
    )
    for line in lost:
        print("  lost", line)
    raise SystemExit(1 if lost else 0)


if __name__ == "__main__":
    main()
