"""`path:line:col: NM201 message`, one finding a line (editors parse this), then a summary."""

from __future__ import annotations

import io
from collections import Counter

from nomock_lint.formats import RenderOptions
from nomock_lint.model import FileStatus, Report


def render(report: Report, options: RenderOptions) -> str:
    if not options.color:
        return _plain(report, options)
    from rich.console import Console
    from rich.markup import escape

    out = io.StringIO()
    console = Console(
        file=out,
        force_terminal=options.color,
        no_color=not options.color,
        width=10_000,
        highlight=False,
        soft_wrap=True,
        emoji=False,  # `path:100:5:` must not become `path💯5:`
    )
    for f in report.findings:
        style = "bold red" if f.severity == "error" else "yellow"
        location = f"{f.path}:{f.span.line}:{f.span.col}:"
        console.print(f"[bold]{escape(location)}[/] [{style}]{f.rule_id}[/] {escape(f.message)}")
    if options.statistics:
        console.print(statistics(report), markup=False)
    if not options.quiet:
        console.print(summary(report), markup=False)
    return out.getvalue()


def _plain(report: Report, options: RenderOptions) -> str:
    """The same text without rich (not imported): pipes, CI and editors start faster."""
    lines = [
        f"{f.path}:{f.span.line}:{f.span.col}: {f.rule_id} {f.message}" for f in report.findings
    ]
    if options.statistics:
        lines.append(statistics(report))
    if not options.quiet:
        lines.append(summary(report))
    return "".join(line + "\n" for line in lines)


def summary(report: Report) -> str:
    checked = report.count(FileStatus.CHECKED)
    skipped = report.count(FileStatus.SKIPPED)
    unparsable = report.count(FileStatus.UNPARSABLE)
    n = len(report.findings)
    by_rule = ", ".join(f"{rule} {count}" for rule, count in sorted(report.by_rule().items()))
    head = f"Found {n} finding{'s' if n != 1 else ''}" + (f" ({by_rule})" if n else "")
    files = f"{checked} file{'s' if checked != 1 else ''} checked"
    if skipped:
        reasons = ", ".join(f"{r} {c}" for r, c in sorted(report.skipped_reasons().items()))
        files += f", {skipped} skipped ({reasons})"
    if unparsable:
        files += f", {unparsable} unparsable"
    extras = []
    if report.suppressed:
        extras.append(f"{report.suppressed} suppressed inline")
    if report.baselined:
        extras.append(f"{report.baselined} in the baseline")
    if report.baseline_fixed:
        extras.append(
            f"{report.baseline_fixed} baseline "
            f"{'entry' if report.baseline_fixed == 1 else 'entries'} fixed "
            "(run `nomock baseline --prune` to tighten the baseline)"
        )
    tail = f"; {'; '.join(extras)}" if extras else ""
    return f"{head} in {files}{tail}."


def statistics(report: Report) -> str:
    by_rule = report.by_rule()
    by_folder: Counter[str] = Counter(
        f.path.split("/", 1)[0] if "/" in f.path else "." for f in report.findings
    )
    names = {f.rule_id: f.rule_name for f in report.findings}
    lines = ["", "Findings by rule:"]
    lines += [f"{count:>7}  {rule} {names[rule]}" for rule, count in sorted(by_rule.items())]
    lines += ["", "Findings by top-level folder:"]
    ranked = sorted(by_folder.items(), key=lambda item: (-item[1], item[0]))
    lines += [f"{count:>7}  {folder}" for folder, count in ranked]
    lines.append("")
    return "\n".join(lines)
