"""The benchmark's Semgrep rules stay equivalent to the catalog (bench/run.py)."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from nomock_lint.catalog import load_catalog

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def test_every_rule_of_the_catalog_has_semgrep_rules_in_each_language(tmp_path: Path) -> None:
    path = list(sys.path)
    try:
        bench = runpy.run_path(str(BENCH), run_name="nomock_bench_run")
        config = json.loads(bench["semgrep_config"](tmp_path).read_text())
    finally:
        sys.path[:] = path  # (the script puts src/ first)
    ids = [rule["id"] for rule in config["rules"]]
    assert len(ids) == len(set(ids))
    for rule in load_catalog().rules:
        for language, matchers in rule.languages.items():
            if matchers.is_empty() or rule.id in ("NM901", "NM902", "NM903"):
                continue
            prefix = f"{rule.id.lower()}-{language}-"
            assert any(i.startswith(prefix) for i in ids), (rule.id, language)
    # A production-only rule leaves test files out, as nomock does (and the test-only reading of
    # `implements Partial<X>` leaves production files out).
    production = {r.id.lower() for r in load_catalog().rules if r.scope == "production"}
    for entry in config["rules"]:
        rule_id = entry["id"].split("-", 1)[0]
        if entry["id"].endswith("-partial"):
            assert entry["paths"] == {"include": bench["CORPUS_TEST_PATHS"]}
        else:
            expected = {"exclude": bench["CORPUS_TEST_PATHS"]} if rule_id in production else None
            assert entry.get("paths") == expected, entry["id"]
