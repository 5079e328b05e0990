"""The baseline: findings a team has accepted for now, so that only new ones fail the build.

`nomock baseline` writes the current findings; `nomock check --baseline FILE` hides the findings
whose fingerprint (see fingerprint.py) is in it and counts the entries that no longer match, so
the file can be tightened with `nomock baseline --prune`. The file is sorted JSON without line
numbers: regenerating it after edits that only move code changes nothing, and a fixed finding
is one removed entry in the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nomock_lint.config import ConfigError
from nomock_lint.fingerprint import with_occurrences
from nomock_lint.model import FileStatus, Finding, Report

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".nomock-baseline.json"
_FIELDS = ("fingerprint", "rule", "path", "context")


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: str  # `hash:occurrence`
    rule: str
    path: str  # relative to the project root, `/`-separated
    context: str  # the source line, for the people who read the diff

    def sort_key(self) -> tuple[str, str, str, int, str]:
        _, _, occurrence = self.fingerprint.rpartition(":")
        n = int(occurrence) if occurrence.isdigit() else 0
        return (self.path, self.rule, self.context, n, self.fingerprint)


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[Entry, ...] = ()

    @classmethod
    def from_findings(cls, findings: Iterable[Finding]) -> Baseline:
        return cls(
            tuple(
                Entry(fp, f.rule_id, f.path, " ".join(f.context.split()))
                for f, fp in with_occurrences(findings)
            )
        )

    def dumps(self) -> str:
        entries = [
            {name: getattr(e, name) for name in _FIELDS}
            for e in sorted(set(self.entries), key=Entry.sort_key)
        ]
        document = {"version": BASELINE_VERSION, "tool": "nomock", "entries": entries}
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def write(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.dumps(), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write baseline {path}: {exc.strerror}") from None

    def apply(self, report: Report) -> None:
        """Drop the report's baselined findings; count them and the entries that are fixed."""
        known = {e.fingerprint for e in self.entries}
        kept, matched = [], set()
        for finding, fp in with_occurrences(report.findings):
            if fp in known:
                matched.add(fp)
                report.encoded.pop(finding.path, None)  # no longer what this file's findings are
            else:
                kept.append(finding)
        report.baselined = len(report.findings) - len(kept)
        report.findings = kept
        report.baseline_fixed = len(self.fixed(report, matched))

    def fixed(self, report: Report, matched: set[str]) -> list[Entry]:
        """Entries that this run shows are gone: their file was checked (or no longer exists)
        and nothing matched them. Files outside the checked paths keep their entries."""
        checked = {f.path for f in report.files if f.status is not FileStatus.SKIPPED}
        root = Path(report.root)
        return [
            e
            for e in self.entries
            if e.fingerprint not in matched
            and (e.path in checked or not os.path.lexists(root / e.path))
        ]

    def pruned(self, report: Report) -> Baseline:
        """This baseline without the entries that `report` (an unfiltered run) shows fixed."""
        current = {fp for _, fp in with_occurrences(report.findings)}
        gone = set(self.fixed(report, current))
        return Baseline(tuple(e for e in self.entries if e not in gone))


def load(path: Path) -> Baseline:
    """Read a baseline file; every problem is a one-line ConfigError (exit 2)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"baseline file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a nomock baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise ConfigError(f"{path}: not a nomock baseline (version {BASELINE_VERSION} expected)")
    raw = data.get("entries")
    if not isinstance(raw, list) or not all(
        isinstance(e, dict) and all(isinstance(e.get(k), str) for k in _FIELDS) for e in raw
    ):
        raise ConfigError(f"{path}: `entries` must be a list of {{{', '.join(_FIELDS)}}} objects")
    return Baseline(tuple(Entry(*(e[k] for k in _FIELDS)) for e in raw))
