"""Findings, per-file outcomes and the report that `api.check` returns."""

from __future__ import annotations

import enum
import operator
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from nomock_lint.facts import Span
from nomock_lint.records import Record


# NamedTuples and a slot class rather than dataclasses: see facts.py and records.py.
class Finding(NamedTuple):
    rule_id: str
    rule_name: str
    path: str  # relative to the project root, `/`-separated
    span: Span
    message: str
    severity: str  # "error" | "warning" | "note"
    name: str = ""  # what matched: a qualified name, a call path, a binding, an env variable
    alternative: str | None = None  # NM102: the real service to run instead
    context: str = ""  # the source line, stripped (fingerprints survive moved lines)
    # fingerprint.fingerprint(self), set with the context where the finding is made (in a worker)
    # and cached with it: a warm run of 18k findings spent a tenth of its time hashing them.
    fingerprint: str = ""

    def sort_key(self) -> tuple[str, Span, str]:
        return SORT_KEY(self)


# Finding.sort_key in C (a NamedTuple's fields are its items): reports sort tens of thousands.
SORT_KEY: Callable[[Finding], tuple[str, Span, str]] = operator.itemgetter(
    *(Finding._fields.index(name) for name in ("path", "span", "rule_id"))
)


class PluginRuleInfo(NamedTuple):
    """What the outputs say about a plugin rule (see plugins.describe): no libcst needed."""

    id: str
    name: str
    severity: str  # the rule's default, as for catalog rules (a result has its own level)
    scope: str  # "all", "test" or "production"
    summary: str  # the first line of the rule class's docstring, else its name
    description: str  # the whole docstring, else the summary
    plugin: str  # the entry point's name, as `plugins` lists it

    def doc_markdown(self) -> str:
        scope = "" if self.scope == "all" else f" ({self.scope} files only)"
        return (
            f"## {self.id} {self.name}\n\n{self.description}\n\n"
            f"Plugin rule from `{self.plugin}`; default severity {self.severity}{scope}.\n"
        )


class FileStatus(enum.StrEnum):
    CHECKED = "checked"
    SKIPPED = "skipped"
    UNPARSABLE = "unparsable"


class FileOutcome(NamedTuple):
    path: str
    status: FileStatus
    reason: str = ""  # why skipped or unparsable
    language: str = ""
    is_test: bool = False


class Report(Record):
    __slots__ = (
        "baseline_fixed",
        "baselined",
        "encoded",
        "files",
        "findings",
        "root",
        "suppressed",
    )

    def __init__(
        self,
        findings: list[Finding] | None = None,
        files: list[FileOutcome] | None = None,
        root: str = ".",
        suppressed: int = 0,
        baselined: int = 0,
        baseline_fixed: int = 0,
    ) -> None:
        self.findings = [] if findings is None else findings
        self.files = [] if files is None else files
        self.root = root
        # Findings silenced by inline suppressions and by the baseline (counted, not shown).
        self.suppressed = suppressed
        self.baselined = baselined
        self.baseline_fixed = baseline_fixed  # baseline entries with no matching finding any more
        # With api.check's `encode`: each file's findings as it encoded them, and how many there
        # were (only while the report holds the same ones: the baseline drops a file's entry).
        self.encoded: dict[str, tuple[int, str]] = {}

    def by_rule(self) -> Counter[str]:
        return Counter(f.rule_id for f in self.findings)

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status is status)

    def skipped_reasons(self) -> Counter[str]:
        """Skips by kind: `too large (N bytes > ...)` counts as `too large` whatever N is."""
        return Counter(
            f.reason.split(" (", 1)[0] for f in self.files if f.status is FileStatus.SKIPPED
        )
