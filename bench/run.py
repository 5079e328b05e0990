#!/usr/bin/env python3
"""Benchmark nomock against Ruff and Semgrep on real code that packages ship.

    python bench/run.py                      # both corpora, 5 rounds, 3 for Semgrep
    python bench/run.py --corpus python --rounds 3 --semgrep-rounds 1

The corpora are deterministic: pinned sdists from PyPI (mock-heavy test suites included) and npm
tarballs of large TypeScript packages, downloaded with pip and npm into bench/.cache/ once.
Only source files are kept, in sorted order, under the same relative paths; folder names that
any of the three tools skips by default (dist, build, node_modules, ...) get a trailing `_`,
files above nomock's max-file-size are left out, and an empty .semgrepignore replaces Semgrep's
default ignore list, so that every tool sees the same files.

Each command runs `--rounds` times (the short ones at least 9: warm, Ruff, one file, --version);
nomock cold, Ruff, nomock warm and nomock --jobs 1 take turns, round after round, so that the
ratios compare runs made in the same minutes (this machine's speed drifts by a fifth within a
few minutes, more than any one change moves them; the line under each table says how much two
busy cores slowed each other before and after its runs, see `contention`). The table shows
medians of wall time, CPU time (user + system of the process and its workers) and peak memory
(resident set of the whole process tree, sampled every 10 ms; of the process alone for the warm
run, the one-file check and --version, which start no workers and are not sampled).
Ruff runs with a banned-api list of the catalog's Python modules (TID251), the most that Ruff
can express; Semgrep offline with rules generated from the catalog, both with their caches off.
The Semgrep rules cover what nomock matches, in both languages (imports, calls, uses of an
imported fake, fixtures, mock methods, assignments to an imported name's attributes or to
globals, mock-like names, test-mode checks): on the Django corpus they find within a few
percent of nomock's count per rule (see RESULTS.md). Timings come from here, never from the
test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"

# Two Python corpora. "python": moto (a library of AWS fakes, so its own source names mocks
# everywhere) and botocore (whose tests mock heavily): 98% of the bytes carry a trigger word, the
# worst case for the prefilter. "django": Django with its test suite, which uses unittest.mock
# and monkeypatches module attributes in many tests: a large application-style code base.
PYTHON_CORPORA = {
    "python": ("moto==5.0.24", "botocore==1.35.90"),
    "django": ("Django==5.1.4",),
}
NPM_PACKAGES = (
    "rxjs@7.8.1",
    "typeorm@0.3.20",
    "@angular/core@19.0.5",
    "sinon@19.0.2",
    "@aws-sdk/client-s3@3.716.0",
    "@types/node@22.10.2",
)
PY_SUFFIXES = (".py",)
JS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# Folder names that nomock, Ruff or Semgrep skip by default.
SKIPPED_BY_SOME_TOOL = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache",
        ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "__pycache__", "_build",
        "buck-out", "build", "dist", "node_modules", "site-packages", "venv", "bower_components",
        ".next", ".nuxt", ".svelte-kit", "coverage", ".nomock_cache", "vendor", "test", "tests",
    }
)  # fmt: skip
# What nomock takes for test code in the corpora (their nomock.toml), and Semgrep's rules for
# production code only leave out: the default test paths with the test folders renamed.
CORPUS_TEST_PATHS = [
    "test_*.py", "*_test.py", "conftest.py", "tests_/", "test_/",
    "__tests__/", "__mocks__/", "*.test.*", "*.spec.*", "e2e/",
]  # fmt: skip
MAX_FILE_SIZE = 4 * 1024 * 1024
# Rounds of the short rows (warm, Ruff, one file, --version) at least.
QUICK_ROUNDS = 9


# -- corpus ---------------------------------------------------------------------------------


def _download_python(into: Path, pins: Sequence[str]) -> list[Path]:
    into.mkdir(parents=True, exist_ok=True)
    wanted = {pin.replace("==", "-").lower() + ".tar.gz" for pin in pins}

    def have() -> list[Path]:
        return sorted(p for p in into.glob("*.tar.gz") if p.name.lower() in wanted)

    if len(have()) < len(pins):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
             "-d", str(into), *pins],
            check=True,
        )  # fmt: skip
    return have()


def _download_npm(into: Path) -> list[Path]:
    into.mkdir(parents=True, exist_ok=True)
    have = sorted(into.glob("*.tgz"))
    if len(have) < len(NPM_PACKAGES):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed for the TypeScript corpus (or use --corpus python)")
        for package in NPM_PACKAGES:
            subprocess.run([npm, "pack", "-q", package], cwd=into, check=True, capture_output=True)
        have = sorted(into.glob("*.tgz"))
    return have


def _safe_parts(name: str, strip_first: bool) -> list[str] | None:
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if strip_first:
        parts = parts[1:]
    if not parts or any(p == ".." for p in parts):
        return None
    # "tests" is renamed too: Semgrep's default ignore list skips it, and an explicit
    # test-paths entry below keeps nomock's test/production classification.
    return [p + "_" if p in SKIPPED_BY_SOME_TOOL else p for p in parts[:-1]] + [parts[-1]]


def build_corpus(name: str, archives: Sequence[Path], suffixes: tuple[str, ...]) -> Path:
    root = CACHE / f"corpus-{name}"
    stamp = root / ".complete"
    if stamp.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for archive in archives:
        top = archive.name.removesuffix(".tar.gz").removesuffix(".tgz")
        with tarfile.open(archive) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if not member.isfile() or not member.name.endswith(suffixes):
                    continue
                if member.size > MAX_FILE_SIZE:
                    continue
                parts = _safe_parts(member.name, strip_first=True)
                if parts is None:
                    continue
                target = root.joinpath(top, *parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
    # The renamed test folders are still test folders for nomock.
    (root / "nomock.toml").write_text(f"test-paths = {json.dumps(CORPUS_TEST_PATHS)}\n")
    (root / ".semgrepignore").write_text("# empty: scan everything, as the other tools do\n")
    stamp.write_text("")
    return root


def corpus_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(suffixes))


# -- tool configurations --------------------------------------------------------------------


def _catalog() -> list[Any]:
    sys.path.insert(0, str(HERE.parent / "src"))
    from nomock_lint.catalog import load_catalog

    return list(load_catalog().rules)


def ruff_config(directory: Path) -> Path:
    modules = sorted({mod for r in _catalog() for mod in r.languages["python"].modules})
    lines = ["[lint]", 'select = ["TID251"]', "[lint.flake8-tidy-imports.banned-api]"]
    lines += [f'"{m}".msg = "nomock: mocking library"' for m in modules]
    path = directory / "ruff.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _ident_path(path: str) -> bool:
    import re

    return re.fullmatch(r"[A-Za-z_$][\w$]*(\.(\*|[A-Za-z_$][\w$]*))*", path) is not None


def _words(words: Sequence[str]) -> str:
    """A regex for a name holding one of `words` as a word of its own, as `engine.words` splits
    names (snake_case, CamelCase): `FakeRedis`, `mock_db`, `make_stub`; not `Hammock`."""
    low = "|".join(w.lower() for w in words)
    cap = "|".join(w.capitalize() for w in words)
    up = "|".join(w.upper() for w in words)
    # Semgrep anchors a metavariable-regex at the name's start.
    return rf".*(?:(?:^|[^A-Za-z])(?:{low})|(?:{cap})|(?:^|[^A-Z])(?:{up}))(?:[^a-z]|$)"


# An imported name (`import m`, `import a.b as m`, `from p import m`, `from p import n as m`)
# whose attribute or first argument is used: `$X` compared with the name the import binds.
_IMPORTED = [
    {"pattern-inside": "import $M\n...\n"},
    {"pattern-inside": "import $P as $M\n...\n"},
    {"pattern-inside": "from $P import $M\n...\n"},
    {"pattern-inside": "from $P import $N as $M\n...\n"},
]


def _either(patterns: Iterable[str]) -> dict[str, Any]:
    return {"pattern-either": [{"pattern": p} for p in patterns]}


def _named(metavariable: str, regex: str) -> dict[str, Any]:
    """What a metavariable's text must match (from its start)."""
    return {"metavariable-regex": {"metavariable": metavariable, "regex": regex}}


def _semgrep_python(rule: Any) -> list[dict[str, Any]]:
    """The Semgrep rules a team would write for one catalog rule's Python matchers: the same
    families of matches as nomock's engine (imports, calls, uses of an imported fake, fixtures,
    assignments to an imported module's attributes, names, test-mode checks)."""
    m = rule.languages.get("python")
    if m is None or m.is_empty():
        return []
    families: dict[str, list[dict[str, Any]]] = {}
    patterns: list[str] = []
    for module in m.modules:
        if not _ident_path(module):
            continue
        patterns += [f"import {module}", f"from {module} import $X"]
        if "." in module:
            parent, last = module.rsplit(".", 1)
            patterns.append(f"from {parent} import {last}")
        if m.flag_uses:
            # What is imported from the module and used. (Not from its submodules: with
            # `$X.$Y` and `$X.$Y.$Z` too, Semgrep found 21,234 uses on moto+botocore where nomock
            # finds 17,747, and took 168 s instead of 114 s: this keeps the comparison on the
            # side where Semgrep does less than nomock.)
            patterns.append(f"{module}.$X")
    patterns += [c.replace(".*", ".$F") + "(...)" for c in m.calls if _ident_path(c)]
    patterns += [f"{call}(...)" for call in m.fixture_calls]
    patterns += [f"def $F(..., {fixture}, ...): ..." for fixture in m.fixtures]
    patterns += [f"{target}[$K] = $V" for target in m.subscript_assign]
    for entry in m.call_arg0:
        if entry.arg0 is not None:
            patterns.append(f"{entry.call}({entry.arg0}, ...)")
    if patterns:
        families["uses"] = [_either(dict.fromkeys(patterns))]
    imported = [f"{e.call}($X, ...)" for e in m.call_arg0 if e.arg0_binding == "import"]
    if m.assign_imported:
        imported += ["$X.$A = $V", "$X.$A.$B = $V", "$X.$A += $V", "del $X.$A"]
    if imported:
        families["imported"] = [
            {"pattern-either": _IMPORTED},
            _either(imported),
            {"metavariable-comparison": {"comparison": "str($X) == str($M)"}},
        ]
    if m.class_words:
        words = _words(m.class_words)
        families["classes"] = [
            _either(["class $N(...): ...", "class $N: ..."]),
            _named("$N", words),
        ]
        if m.factory_prefixes:
            prefixes = "|".join(m.factory_prefixes)
            families["factories"] = [
                {"pattern": "def $N(...): ..."},
                _named("$N", f"^_*({prefixes})_"),
                _named("$N", words),
            ]
    if m.binding_prefixes:
        prefixes = "|".join(m.binding_prefixes)
        families["bindings"] = [{"pattern": "$N = $V"}, _named("$N", f"(?i)^_*({prefixes})")]
    if m.env_flags:
        reads = ['os.environ.get("$K", ...)', 'os.getenv("$K", ...)', 'os.environ["$K"]']
        families["environment"] = [
            _either([*reads, '"$K" in os.environ']),
            _named("$K", f"^({'|'.join(m.env_flags)})$"),
        ]
    if m.test_values:  # `os.environ.get("ENV") == "test"`
        reads = ["os.environ.get(...)", "os.getenv(...)", "os.environ[$K]"]
        families["environment-values"] = [
            _either([f'{read} == "$V"' for read in reads]),
            _named("$V", f"(?i)^({'|'.join(m.test_values)})$"),
        ]
    if m.sys_modules:
        families["sys-modules"] = [
            {"pattern": '"$K" in sys.modules'},
            _named("$K", f"^({'|'.join(m.sys_modules)})$"),
        ]
    if m.attributes:
        spelled = []
        for attribute in m.attributes:
            *parts, last = attribute.split(".")
            if parts and parts[-1] == "config":  # `app.config.TESTING` is `app.config["TESTING"]`
                spelled.append(f'{".".join(parts)}["{last}"]')
            spelled.append(attribute)
        families["attributes"] = [_either(spelled)]
    return _semgrep_rules(rule, "python", ["python"], families)


def _semgrep_rules(
    rule: Any, language: str, languages: list[str], families: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One Semgrep rule per family of a catalog rule's patterns. A production-only rule leaves
    the corpora's test paths out, as nomock does; `implements Partial<X>` is read in test
    files only."""
    rules = []
    for family, body in families.items():
        semgrep_rule: dict[str, Any] = {
            "id": f"{rule.id.lower()}-{language}-{family}",
            "languages": languages,
            "severity": "ERROR",
            "message": rule.id,
            "patterns": body,
        }
        if rule.scope == "production":
            semgrep_rule["paths"] = {"exclude": CORPUS_TEST_PATHS}
        elif family == "partial":
            semgrep_rule["paths"] = {"include": CORPUS_TEST_PATHS}
        rules.append(semgrep_rule)
    return rules


def _js_uses(module: str, uses: Sequence[str]) -> list[dict[str, Any]]:
    """`uses` (patterns of `$M`) where `$M` is what an import binds: the module (`nock`), or for
    `module.name` (`vitest.vi`, `jest-mock-extended.mock`) that name, in each import form that
    nomock's JS front-end resolves."""
    root, _, name = module.partition(".")  # (the catalog's package names hold no dot)
    forms: list[list[dict[str, Any]]]
    if name:
        exact = [_named("$M", f"^{name}$")]
        forms = [
            [{"pattern-inside": f'import {{ {name} as $M }} from "{root}";\n...\n'}],
            [{"pattern-inside": f'import {{ $M }} from "{root}";\n...\n'}, *exact],
            [{"pattern-inside": f'const {{ {name}: $M }} = require("{root}");\n...\n'}],
            [{"pattern-inside": f'const {{ $M }} = require("{root}");\n...\n'}, *exact],
        ]
        namespace = {"pattern-inside": f'import * as $NS from "{root}";\n...\n'}
        through = _either(u.replace("$M", f"$NS.{name}") for u in uses)
        blocks = [{"patterns": [namespace, through]}]
    else:
        spelled = [
            f'import $M from "{root}"',
            f'import * as $M from "{root}"',
            f'import {{ $M }} from "{root}"',
            f'import {{ $N as $M }} from "{root}"',
            f'$M = require("{root}")',
        ]
        forms = [[{"pattern-inside": f"{form};\n...\n"}] for form in spelled]
        blocks = []
    return [{"patterns": [*form, _either(uses)]} for form in forms] + blocks


def _semgrep_javascript(rule: Any) -> list[dict[str, Any]]:
    """The Semgrep rules a team would write for one catalog rule's TS/JS matchers, in the same
    families as for Python (imports, calls, uses of an imported fake, mock methods, assignments
    to globals, names, test-mode checks)."""
    m = rule.languages.get("javascript")
    if m is None or m.is_empty():
        return []
    families: dict[str, list[dict[str, Any]]] = {}
    imports = []
    for module in m.modules:
        root, _, name = module.partition(".")
        if name:
            imports += [
                f'import {{ {name} }} from "{root}"',
                f'import {{ {name} as $A }} from "{root}"',
            ]
        else:
            imports += [f'import "{module}"', f'require("{module}")']
    patterns = [c.replace(".*", ".$F") + "(...)" for c in m.calls if _ident_path(c)]
    patterns += [f"$O.{method}(...)" for method in m.method_calls]
    if imports or patterns:
        families["uses"] = [_either(dict.fromkeys(imports + patterns))]
    # Calls of what a package exports (`import { mock } from 'jest-mock-extended'`; `mock()`).
    exported = [c for c in m.calls if not _ident_path(c)]
    if exported:
        calls = [form for call in exported for form in _js_uses(call, ["$M(...)"])]
        families["imported-calls"] = [{"pattern-either": calls}]
    if m.flag_uses and m.modules:
        uses = ["$M(...)", "$M.$F(...)", "new $M(...)"]
        families["imported-uses"] = [
            {"pattern-either": [form for module in m.modules for form in _js_uses(module, uses)]}
        ]
    if m.assign_roots:
        targets = ["$R.$X = $V", "$R.$X.$Y = $V", "$R[$K] = $V", "$R.$X += $V"]
        families["assignments"] = [
            _either(targets),
            _named("$R", f"^({'|'.join(m.assign_roots)})$"),
        ]
    if m.class_words:
        words = _words(m.class_words)
        families["classes"] = [{"pattern": "class $N { ... }"}, _named("$N", words)]
        if m.factory_prefixes:
            prefixes = "|".join(m.factory_prefixes)
            functions = [
                "function $N(...) { ... }",
                "$N = (...) => $B",
                "$N = function (...) { ... }",
                "$N(...) { ... }",  # a method
            ]
            families["factories"] = [
                _either(functions),
                _named("$N", f"^_*({prefixes})[A-Z_]"),
                _named("$N", words),
            ]
    if m.implements_partial:
        families["partial"] = [{"pattern": "class $N implements Partial<$T> { ... }"}]
    if m.binding_prefixes:
        prefixes = "|".join(m.binding_prefixes)
        families["bindings"] = [
            _either(["const $N = $V;", "let $N = $V;", "var $N = $V;"]),
            _named("$N", f"(?i)^_*({prefixes})"),
        ]
    if m.env_flags:
        reads = ["process.env.$K", 'process.env["$K"]', "import.meta.env.$K"]
        families["environment"] = [
            _either(reads),
            _named("$K", f"^({'|'.join(m.env_flags)})$"),
        ]
    if m.test_values:  # `process.env.NODE_ENV === 'test'`
        reads = ["process.env.$K", "process.env[$K]", "import.meta.env.$K"]
        operators = ["===", "==", "!==", "!="]
        compared = [f'{read} {op} "$V"' for read in reads for op in operators]
        compared += [f'"$V" {op} {read}' for read in reads for op in operators]
        families["environment-values"] = [
            _either(compared),
            _named("$V", f"(?i)^({'|'.join(m.test_values)})$"),
        ]
    if m.attributes:
        families["attributes"] = [_either(m.attributes)]
    return _semgrep_rules(rule, "javascript", ["javascript", "typescript"], families)


def semgrep_config(directory: Path) -> Path:
    rules = []
    for rule in _catalog():
        rules += _semgrep_python(rule) + _semgrep_javascript(rule)
    path = directory / "semgrep.json"  # JSON is YAML: no YAML library needed
    path.write_text(json.dumps({"rules": rules}, indent=1))
    return path


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int


@dataclass
class Row:
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    def median(self, attr: str) -> float:
        return float(statistics.median(getattr(s, attr) for s in self.samples))


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    total, stack, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(command: Sequence[str], cwd: Path, *, workers: bool = True) -> Sample:
    """One run's wall and CPU time and peak memory. With `workers`, the memory of the whole
    process tree is sampled every 10 ms; a run without them (warm, one file, --version) is not
    sampled: its ru_maxrss is exact, and the sampling thread would compete with it for a core
    (10 to 30 ms of a 120 ms run)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env()
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform == "linux" and workers:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    if sampler.is_alive():
        sampler.join()
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    # ru_maxrss (KiB on Linux) is the largest single process; the sampled sum covers workers.
    peak = max(peak, usage.ru_maxrss * 1024)
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak / 2**20, process.returncode)


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    env["SEMGREP_SEND_METRICS"] = "off"
    # As installed for a user: bytecode is cached (some sandboxes set this to 1).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class Spec(NamedTuple):
    label: str
    command: Sequence[str]
    rounds: int
    workers: bool = True  # see measure


def run_rounds(specs: Sequence[Spec], cwd: Path) -> list[Row]:
    """A row per spec, its commands run in turns: one of each, then again, until each has had
    its rounds."""
    rows = [Row(spec.label) for spec in specs]
    for i in range(max(spec.rounds for spec in specs)):
        for spec, row in zip(specs, rows, strict=True):
            if i < spec.rounds:
                row.samples.append(measure(spec.command, cwd, workers=spec.workers))
    for row in rows:
        print(f"  {row.label:<28} {row.median('wall'):8.2f} s", file=sys.stderr, flush=True)
    return rows


# One process parsing Python, as nomock's workers do: its CPU time alone and with a twin.
_PROBE = (
    "import ast, inspect, sys, time\n"
    "text = open(inspect.__file__, encoding='utf-8').read()\n"
    "start = time.process_time()\n"
    "for _ in range(int(sys.argv[1])): ast.parse(text)\n"
    "print(time.process_time() - start)\n"
)


def contention(rounds: int = 5) -> float | None:
    """How much more CPU time each of two processes parsing Python at once takes than one
    alone (median of `rounds`, each a run alone then two at once): 1.0 when two busy cores do
    not slow each other; the probe's own noise is about 0.1. On this machine it read 0.8 to
    1.2 in session 10's runs, and 1.5 in one trial by hand: a parallel run such as nomock's
    cold one pays it, a mostly serial one (Ruff: 0.5 s of CPU in 0.3 s) hardly does. Taken
    before and after the timed runs, it can miss what happens during them."""
    if (os.cpu_count() or 1) < 2:
        return None
    command = [sys.executable, "-c", _PROBE, "8"]

    def cpu(twins: int) -> float:
        processes = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(twins)
        ]
        return statistics.mean(float(p.communicate()[0]) for p in processes)

    return statistics.median(cpu(2) / cpu(1) for _ in range(rounds))


def _nomock() -> list[str]:
    return [sys.executable, "-m", "nomock_lint"]


def _semgrep() -> str | None:
    return os.environ.get("SEMGREP") or shutil.which("semgrep")


def _ruff() -> str | None:
    return os.environ.get("RUFF") or shutil.which("ruff")


# -- the run --------------------------------------------------------------------------------


_RUFF_LABEL = "ruff (TID251 banned-api)"


def bench_corpus(
    name: str, root: Path, suffixes: tuple[str, ...], args: argparse.Namespace
) -> None:
    files = corpus_files(root, suffixes)
    size = sum(p.stat().st_size for p in files)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    mb = size / 2**20
    print(f"\n{name}: {len(files):,} files, {lines:,} lines, {mb:.1f} MB", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="nomock-bench-"))
    rows: list[Row] = []
    before = contention()
    base = [*_nomock(), "check", "-q", "--exit-zero", "--format", "json", "."]
    warm_dir = work / "cache"
    measure([*base, "--cache-dir", str(warm_dir)], root)  # fill the cache
    # Runs of a tenth to half a second, where the machine's noise is largest: more rounds.
    quick = max(args.rounds, QUICK_ROUNDS)
    specs = [
        Spec("nomock cold", [*base, "--no-cache"], args.rounds),
        # Every file a cache hit: no worker is started, so no sampling (see measure).
        Spec("nomock warm", [*base, "--cache-dir", str(warm_dir)], quick, workers=False),
        Spec("nomock cold --jobs 1", [*base, "--no-cache", "--jobs", "1"], args.rounds),
    ]
    ruff = _ruff()
    if ruff and suffixes == PY_SUFFIXES:
        command = [ruff, "check", "--no-cache", "--exit-zero", "-q",
                   "--config", str(ruff_config(work)), "."]  # fmt: skip
        specs.insert(1, Spec(_RUFF_LABEL, command, quick))
    # The table keeps its order: nomock's rows, then Ruff's.
    measured = dict(zip((spec.label for spec in specs), run_rounds(specs, root), strict=True))
    ruff_row = measured.pop(_RUFF_LABEL, None)
    rows += [*measured.values(), *([ruff_row] if ruff_row is not None else [])]
    semgrep = _semgrep()
    semgrep_row = None
    if semgrep and args.semgrep_rounds > 0:
        command = [semgrep, "scan", "--config", str(semgrep_config(work)), "--metrics=off",
                   "--disable-version-check", "--no-git-ignore", "--quiet", "--json",
                   "--max-target-bytes", str(MAX_FILE_SIZE), "--jobs", str(os.cpu_count() or 1),
                   "."]  # fmt: skip
        [semgrep_row] = run_rounds(
            [Spec("semgrep (catalog rules)", command, args.semgrep_rounds)], root
        )
        rows.append(semgrep_row)
    one = next((p for p in files if "test" in p.name), files[0])
    single = [*_nomock(), "check", "-q", "--exit-zero", "--no-cache", str(one.relative_to(root))]
    version = [*_nomock(), "--version"]
    rows += run_rounds(
        [
            Spec("nomock one file", single, quick, workers=False),
            Spec("nomock --version", version, quick, workers=False),
        ],
        root,
    )
    shutil.rmtree(work, ignore_errors=True)
    after = contention()

    print(f"\n### {name}: {len(files):,} files, {lines:,} lines, {mb:.1f} MB "
          f"(medians of {args.rounds} rounds, {max(args.rounds, QUICK_ROUNDS)} for warm, Ruff, "
          f"one file and --version; Semgrep {args.semgrep_rounds})")  # fmt: skip
    print("| run | wall s | MB/s | CPU s | peak MB |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        wall = row.median("wall")
        per_file = row.label in ("nomock one file", "nomock --version")
        speed = "" if per_file else f"{mb / wall:.1f}"
        print(f"| {row.label} | {wall:.3f} | {speed} | {row.median('cpu'):.2f} | "
              f"{max(s.peak_mb for s in row.samples):.0f} |")  # fmt: skip
    cold = rows[0].median("wall")
    warm = rows[1].median("wall")
    if ruff_row is not None:
        ruff_wall = ruff_row.median("wall")
        print(f"\nnomock cold / Ruff = {cold / ruff_wall:.2f}x (target <= 5); "
              f"nomock warm / Ruff cold = {warm / ruff_wall:.2f}x (target <= 1)")  # fmt: skip
    if semgrep_row is not None:
        print(f"Semgrep / nomock cold = {semgrep_row.median('wall') / cold:.1f}x (target >= 20)")
    print(f"Host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end", end="")
    if before is not None and after is not None:
        print(f"; two processes parsing at once took {before:.2f}x the CPU time of one before "
              f"the timed runs, {after:.2f}x after (see contention)", end="")  # fmt: skip
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[*PYTHON_CORPORA, "typescript", "all"], default="all")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--semgrep-rounds", type=int, default=3)
    args = parser.parse_args(argv)
    corpora: Iterator[tuple[str, Path, tuple[str, ...]]]

    def corpora_to_run() -> Iterator[tuple[str, Path, tuple[str, ...]]]:
        for name, pins in PYTHON_CORPORA.items():
            if args.corpus in (name, "all"):
                archives = _download_python(CACHE / "sdists", pins)
                yield name, build_corpus(name, archives, PY_SUFFIXES), PY_SUFFIXES
        if args.corpus in ("typescript", "all"):
            archives = _download_npm(CACHE / "npm")
            yield "typescript", build_corpus("typescript", archives, JS_SUFFIXES), JS_SUFFIXES

    corpora = corpora_to_run()
    print("command: python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv))
    for name, root, suffixes in corpora:
        bench_corpus(name, root, suffixes, args)


if __name__ == "__main__":
    main()
