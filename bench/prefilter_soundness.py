#!/usr/bin/env python3
"""Check a whole tree with and without the prefilter and report any finding that it would lose.

    python bench/prefilter_soundness.py bench/.cache/corpus-django
    python bench/prefilter_soundness.py bench/.cache/corpus-typescript --language javascript

Prints the bytes that pass the prefilter, the bytes of them that are parsed (Python: functions
and classes with no trigger are not, see frontends/python_outline.py; JS: files that fail the
prefilter once their comments are blanked are lexed but not extracted), and every finding that a
check without the prefilter has and one with it has not, or the other way round (NM903 aside:
files that are not parsed are never NM903). Uses the tree's own config.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from multiprocessing import Pool
from pathlib import Path

from nomock_lint import api, prefilter
from nomock_lint.config import Config, load_config
from nomock_lint.discovery import Candidate, discover
from nomock_lint.facts import ParseError
from nomock_lint.frontends import javascript, python_outline
from nomock_lint.model import Finding

_CONFIG: Config | None = None


def _init(root: Path) -> None:
    global _CONFIG
    _CONFIG = load_config(root)


def _key(finding: Finding) -> str:
    span = finding.span
    return f"{finding.path}:{span.line}:{span.col}: {finding.rule_id} {finding.message}"


def _one(candidate: Candidate) -> tuple[int, int, int, float, list[str]]:
    """(bytes, bytes passed, bytes parsed, prefilter CPU seconds, findings that differ)."""
    config = _CONFIG
    assert config is not None
    data = Path(candidate.path).read_bytes()
    if len(data) > config.max_file_size:
        return 0, 0, 0, 0.0, []
    relpath, language, is_test = candidate.relpath, candidate.language, candidate.is_test
    start = time.process_time()
    passed = prefilter.may_match(data, relpath, config.rules, language, is_test)
    spent = time.process_time() - start
    full = api.check_source(data, relpath, language, is_test, config, use_prefilter=False)
    expected = {_key(f) for f in full.findings if f.rule_id != "NM903"}
    if not passed:
        return len(data), 0, 0, spent, [f"lost {k}" for k in sorted(expected)]
    parsed = len(data)
    if language == "python":
        offsets = prefilter.trigger_offsets(data, relpath, config.rules, is_test)
        stubbed = python_outline.stub_bodies(data, offsets) if offsets is not None else None
        if stubbed is not None:
            parsed = len(stubbed) - stubbed.count(b"\n")
    else:  # screened again without comments (javascript.extract): not extracted if it fails
        screened: list[bool] = []

        def screen(text: bytes) -> bool:
            screened.append(prefilter.may_match(text, relpath, config.rules, language, is_test))
            return screened[-1]

        with contextlib.suppress(ParseError):
            javascript.extract(data, relpath, screen)
        parsed = 0 if screened == [False] else parsed
    found = api.check_source(data, relpath, language, is_test, config)
    got = {_key(f) for f in found.findings if f.rule_id != "NM903"}
    differ = [f"lost {k}" for k in sorted(expected - got)]
    differ += [f"extra {k}" for k in sorted(got - expected)]
    return len(data), len(data), parsed, spent, differ


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
    parsed = sum(r[2] for r in results)
    spent = sum(r[3] for r in results)
    differ = [line for r in results for line in r[4]]
    print(
        f"{args.root.name}: {len(candidates):,} files, {total / 1e6:.1f} MB; the prefilter passes "
        f"{passed / 1e6:.1f} MB ({100 * passed / max(total, 1):.0f}%) in {spent:.2f} s CPU, "
        f"{parsed / 1e6:.1f} MB of it parsed; findings that differ: {len(differ)}"
    )
    for line in differ:
        print(" ", line)
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
