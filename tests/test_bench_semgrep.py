"""The benchmark's Semgrep rules stay equivalent to the catalog (bench/run.py)."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from nomock_lint.catalog import load_catalog

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def test_every_python_rule_of_the_catalog_has_semgrep_rules(tmp_path: Path) -> None:
    path = list(sys.path)
    try:
        bench = runpy.run_path(str(BENCH), run_name="nomock_bench_run")
        config = json.loads(bench["semgrep_config"](tmp_path).read_text())
    finally:
        sys.path[:] = path  # (the script puts src/ first)
    ids = [rule["id"] for rule in config["rules"]]
    assert len(ids) == len(set(ids))
    for rule in load_catalog().rules:
        python = rule.languages.get("python")
        if python is None or python.is_empty() or rule.id in ("NM901", "NM902", "NM903"):
            continue
        assert any(i.startswith(f"{rule.id.lower()}-python-") for i in ids), rule.id
    # A production-only rule leaves test files out, as nomock does.
    production = {r.id.lower() for r in load_catalog().rules if r.scope == "production"}
    for entry in config["rules"]:
        python_only = entry["languages"] == ["python"]
        rule_id = entry["id"].split("-", 1)[0]
        assert ("paths" in entry) == (python_only and rule_id in production), entry["id"]
