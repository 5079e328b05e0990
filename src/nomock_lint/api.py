"""`check`: the one entry point that the CLI, the language server and the tests share.

paths -> discovery -> prefilter -> front-end -> facts -> rules -> findings
      -> suppressions -> allowlist -> baseline -> Report
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nomock_lint.config import Config, load_config
from nomock_lint.discovery import Candidate, discover, language_of, relative
from nomock_lint.facts import EVERYTHING, Facts, ParseError, Span, Wanted
from nomock_lint.model import SORT_KEY, FileOutcome, FileStatus, Finding, Report
from nomock_lint.records import Record

if TYPE_CHECKING:
    from nomock_lint.baseline import Baseline
    from nomock_lint.cache import Cache
    from nomock_lint.frontends.source import Lines

Progress = Callable[[int, int], None]


class FileResult(Record):
    __slots__ = ("findings", "outcome", "reusable", "suppressed")

    def __init__(
        self,
        outcome: FileOutcome,
        findings: list[Finding] | None = None,
        suppressed: int = 0,
        reusable: bool = True,
    ) -> None:
        self.outcome = outcome
        self.findings = [] if findings is None else findings
        self.suppressed = suppressed
        # False for what must be found out again next time (an unreadable file, an internal error).
        self.reusable = reusable


def extract_facts(
    data: bytes,
    relpath: str,
    language: str,
    wanted: Wanted = EVERYTHING,
    triggers: Sequence[int] | None = None,
    screen: Callable[[bytes], bool] | None = None,
) -> tuple[Facts, Lines]:
    """The file's facts and its decoded text's Lines, from the language's front-end (with
    `wanted`, only the facts that the active rules read; with a Python file's `triggers`, only
    the functions and classes that hold one are parsed: see frontends/python_outline.py; a JS
    file is `screen`ed again without its comments: see javascript.extract)."""
    from nomock_lint.frontends.source import Lines

    if language == "python":
        from nomock_lint.frontends import python_ast
        from nomock_lint.frontends.source import decode_python

        text = decode_python(data)  # (undecodable bytes anywhere make the file NM903)
        keep = None
        if triggers is not None:
            from nomock_lint.frontends import python_outline

            keep = python_outline.trigger_lines(data, triggers)
            for tails in (True, False):  # (a tail may be cut wrongly: see python_outline._tail)
                stubbed = python_outline.stub_bodies(data, triggers, tails=tails)
                if stubbed is None:
                    break
                try:
                    short = decode_python(stubbed)
                    tree = python_ast.parse(short)
                except ParseError:
                    continue  # else reported from the whole file below, at its own place
                # Where code is kept its lines are the file's, and every fact, finding and
                # `nomock:` comment is there (each holds a trigger): the extractor and the
                # findings' context read them from this text, a third of the whole.
                lines = Lines(short)
                return python_ast.extract_tree(tree, lines, wanted, keep), lines
        lines = Lines(text)  # split into lines once, for the extractor and the findings' context
        try:
            return python_ast.extract_tree(python_ast.parse(text), lines, wanted, keep), lines
        except ParseError as first:
            if not first.retry:
                raise
            # Syntax newer than this interpreter (PEP 695, PEP 701 ...): libcst's parser.
            from nomock_lint.frontends import python_cst

            try:
                return python_cst.extract(text, wanted), lines
            except ParseError:
                raise first from None
    from nomock_lint.frontends import javascript

    facts, text = javascript.extract(data, relpath, screen)
    return facts, Lines(text)


def check_source(
    data: bytes,
    relpath: str,
    language: str,
    is_test: bool,
    config: Config,
    *,
    use_prefilter: bool = True,
) -> FileResult:
    """Every finding in one file's bytes (no I/O: the language server calls this too)."""
    from nomock_lint import engine, prefilter  # not imported by runs that the cache answers

    rules = config.rules
    with_plugins = bool(config.plugins) and language == "python"
    use_prefilter = use_prefilter and not with_plugins  # plugin rules have no trigger words
    triggers = None
    screen = None
    if use_prefilter:
        if language == "python":  # where, not only whether: see frontends/python_outline.py
            triggers = prefilter.trigger_offsets(data, relpath, rules, is_test)
            skip = triggers == []
        else:
            skip = not prefilter.may_match(data, relpath, rules, language, is_test)

            def screen(text: bytes) -> bool:
                return prefilter.may_match(text, relpath, rules, language, is_test)

        if skip:
            return FileResult(FileOutcome(relpath, FileStatus.CHECKED, "", language, is_test))
    ignored = config.ignored_for(relpath)
    compiled = engine.compile_rules(tuple(r for r in rules if r.id not in ignored), language)
    try:
        facts, lines = extract_facts(
            data, relpath, language, compiled.wanted(is_test), triggers, screen
        )
    except ParseError as exc:
        return unparsable(relpath, language, is_test, exc.reason, exc.line, exc.col, config)
    findings = engine.match(
        facts,
        compiled,
        path=relpath,
        is_test=is_test,
        allow=config.allowed,
        allow_modules=config.allowed_modules,
    )
    if with_plugins:
        from nomock_lint import plugins

        findings += plugins.check(lines.text, relpath, is_test, config)
    suppressed = 0
    if facts.comments:  # no comment, no directive: `suppressions.apply` would change nothing
        from nomock_lint import suppressions

        findings, suppressed = suppressions.apply(
            findings, facts.comments, config, relpath, language
        )
    findings = _with_context(findings, lines)
    outcome = FileOutcome(relpath, FileStatus.CHECKED, "", language, is_test)
    return FileResult(outcome, findings, suppressed)


def unparsable(
    relpath: str, language: str, is_test: bool, reason: str, line: int, col: int, config: Config
) -> FileResult:
    outcome = FileOutcome(relpath, FileStatus.UNPARSABLE, reason, language, is_test)
    rule = next((r for r in config.rules if r.id == "NM903"), None)
    if rule is None or rule.id in config.ignored_for(relpath):
        return FileResult(outcome)
    finding = Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        path=relpath,
        span=Span(line, col, line, col),
        message=rule.message.format(name=reason),
        severity=rule.severity,
        name=reason,
    )
    return FileResult(outcome, [finding])


def _with_context(findings: list[Finding], lines: Lines) -> list[Finding]:
    """The findings with their source line and, from it, their fingerprint (fingerprint.py)."""
    if not findings:
        return findings
    from nomock_lint.fingerprint import digest

    done = []
    make = Finding._make  # (a NamedTuple's `_replace` is a Python loop over its fields)
    # A file's findings repeat (`@mock_aws` on test after test): moto+botocore's 18,514 have
    # 10,035 fingerprints.
    digests: dict[tuple[str, str, str], str] = {}
    for f in findings:
        context = lines.line(f.span.line).strip()
        key = (f.rule_id, context, f.name)
        fingerprint = digests.get(key)
        if fingerprint is None:
            fingerprint = digests[key] = digest(f.rule_id, f.path, context, f.name)
        done.append(make((*f[:_CONTEXT], context, fingerprint)))
    return done


_CONTEXT = Finding._fields.index("context")  # context and fingerprint are the last fields


_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # (O_BINARY: Windows)


def load_file(candidate: Candidate, config: Config) -> bytes | FileResult:
    """The file's bytes, or its outcome when it is too large or cannot be read."""
    rel = candidate.relpath
    try:
        # A file descriptor, not a file object: `open` and `read` build and drive two objects
        # per file (io's FileIO and BufferedReader), 20-50 ms on moto+botocore's 2,460 files.
        fd = os.open(candidate.path, _READ)
        try:
            size = os.fstat(fd).st_size
            if size > config.max_file_size:
                reason = f"too large ({size:,} bytes > max-file-size {config.max_file_size:,})"
                return FileResult(FileOutcome(rel, FileStatus.SKIPPED, reason, candidate.language))
            chunks = [os.read(fd, size + 1)]  # all of it in one read, as it was at fstat
            while chunks[-1]:  # up to the end, in case it changed since
                chunks.append(os.read(fd, 1 << 16))
            return chunks[0] if len(chunks) == 2 else b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        reason = f"unreadable: {exc.strerror or exc}"
        result = unparsable(rel, candidate.language, candidate.is_test, reason, 1, 1, config)
        result.reusable = False
        return result


def check(
    paths: Sequence[str | Path] = (".",),
    config: Config | None = None,
    *,
    stdin: bytes | None = None,
    stdin_filename: str | None = None,
    progress: Progress | None = None,
    baseline: Baseline | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    encode: Callable[[list[Finding]], str] | None = None,
) -> Report:
    """Check files and folders (or one source given as bytes) and return the report.

    With `stdin`, the source is checked as if it were the file `stdin_filename`: its config,
    test/production class and language come from that path, which need not exist.
    With `baseline`, findings recorded in it are left out and counted (`Report.baselined`).
    `jobs` worker processes (default: the cores) check the files; with `cache_dir`, results
    are cached there by content (see cache.py). With `encode`, the findings of each file that
    the workers check are also encoded by it as they come (`Report.encoded`), while the workers
    go on: a renderer that writes one file's findings after another's (JSON) then has less left
    to do once the last file is checked.
    """
    if config is None:
        first = Path(stdin_filename) if stdin is not None and stdin_filename else Path(paths[0])
        config = load_config(first)
    if config.plugins:  # an unknown or broken plugin is a configuration error before any file
        from nomock_lint import plugins

        plugins.load(config.plugins)
        plugins.check_rule_ids(config)
    report = Report(root=str(config.root))
    results: list[FileResult] = []
    if stdin is not None:
        name = stdin_filename or "-"
        rel = relative(Path(name), config.root)
        # Unnamed standard input is Python, as in Ruff; a named file keeps its own language.
        language = language_of(rel) or ("python" if stdin_filename is None else None)
        if language is None:
            outcome = FileOutcome(rel, FileStatus.SKIPPED, "not a source file")
            results.append(FileResult(outcome))
        elif config.is_excluded(rel):
            results.append(FileResult(FileOutcome(rel, FileStatus.SKIPPED, "excluded", language)))
        else:
            from nomock_lint import runner

            candidate = Candidate(name, rel, language, config.is_test(rel))
            cache = _open_cache(cache_dir, config)
            results.append(runner.check_source_cached(stdin, candidate, config, cache))
    else:
        candidates: list[Candidate] = []
        for item in discover([Path(p) for p in paths], config):
            if isinstance(item, FileOutcome):
                results.append(FileResult(item))
            else:
                candidates.append(item)
        from nomock_lint import runner

        cache = _open_cache(cache_dir, config)
        on_results = None
        if encode is not None:
            encoded, encoder = report.encoded, encode

            def on_results(new: list[FileResult]) -> None:
                for result in new:
                    if result.findings:
                        text = encoder(result.findings)
                        encoded[result.outcome.path] = (len(result.findings), text)

        results += runner.run(
            candidates, config, jobs=jobs, cache=cache, progress=progress, on_results=on_results
        )
    for result in results:
        report.files.append(result.outcome)
        report.findings.extend(result.findings)
        report.suppressed += result.suppressed
    report.files.sort(key=lambda f: f.path)
    report.findings.sort(key=SORT_KEY)
    if baseline is not None:
        baseline.apply(report)
    return report


def _open_cache(cache_dir: Path | None, config: Config) -> Cache | None:
    if cache_dir is None:
        return None
    from nomock_lint.cache import Cache

    return Cache(cache_dir, config)
