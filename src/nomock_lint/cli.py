"""The `nomock` command: a thin click layer over `api.check` (options in, report out, exit code)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nomock_lint import __version__

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from nomock_lint.model import PluginRuleInfo

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _ids(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip() for v in value.split(",") if v.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nomock", message="%(prog)s %(version)s")
def cli() -> None:
    """nomock: enforce a no-mock testing policy in Python and TypeScript/JavaScript."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "sarif", "github"]),
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option("--select", help="Comma-separated rule ids or prefixes to enable (overrides config).")
@click.option("--ignore", help="Comma-separated rule ids or prefixes to disable.")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Configuration file."
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path),
    help="Report only findings that are not in this baseline (see `nomock baseline`).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option("--stdin-filename", help="Read the source from standard input, as if it were PATH.")
@click.option("--statistics", is_flag=True, help="Findings per rule and per top-level folder.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--sarif-category",
    default="nomock/",
    show_default=True,
    help="SARIF automationDetails.id: the code scanning category (a trailing / is added).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes.  [default: the number of cores]",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Result cache folder.  [default: .nomock_cache in the project root]",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Check only files that differ from the git REF, plus untracked ones.",
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: str | None,
    ignore: str | None,
    config_file: Path | None,
    baseline_file: Path | None,
    exit_zero: bool,
    fail_on: str,
    stdin_filename: str | None,
    statistics: bool,
    quiet: bool,
    sarif_category: str,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    changed_since: str | None,
) -> None:
    """Check PATHS (default: the current folder) for mocks and test-mode branches."""
    import gc

    # One run, then exit: what it builds is kept to the end (a warm run's findings), so the
    # cyclic collector would only re-walk it. The runner still collects while checking files.
    gc.disable()
    from nomock_lint import api
    from nomock_lint.config import load_config
    from nomock_lint.formats import RenderOptions, file_encoder, renderers

    use_stdin = stdin_filename is not None or paths == (Path("-"),)
    if use_stdin and paths not in ((), (Path("-"),)):
        raise click.UsageError("give either `-` (standard input) or paths, not both")
    paths = paths or (Path("."),)
    if not use_stdin:
        for path in paths:
            if not path.exists() and not path.is_symlink():
                raise click.UsageError(f"path not found: {path}")
    start = Path(stdin_filename) if use_stdin and stdin_filename else paths[0]
    config = load_config(start, config_file).with_overrides(
        select=_ids(select), ignore=_ids(ignore)
    )
    baseline = None
    if baseline_file is not None:
        from nomock_lint.baseline import load

        baseline = load(baseline_file)
    if changed_since is not None:
        if use_stdin:
            raise click.UsageError("--changed-since does not apply to standard input")
        from nomock_lint.changed import GitError, changed_files

        try:
            paths = tuple(changed_files(changed_since, config.root, paths))
        except GitError as exc:
            raise click.UsageError(str(exc)) from None
    if no_cache:
        cache_dir = None
    elif cache_dir is None:
        from nomock_lint.cache import DEFAULT_DIR

        cache_dir = config.root / DEFAULT_DIR
    stdin = sys.stdin.buffer.read() if use_stdin else None
    with _progress(enabled=not quiet and output_format == "text") as progress:
        report = api.check(
            paths,
            config,
            stdin=stdin,
            stdin_filename=stdin_filename,
            progress=progress,
            baseline=baseline,
            jobs=jobs,
            cache_dir=cache_dir,
            encode=file_encoder(output_format),
        )
    render = renderers().get(output_format)
    if render is None:
        raise click.UsageError(f"--format {output_format} is not available in this version")
    color = output is None and output_format == "text" and sys.stdout.isatty()
    plugin_rules: tuple[PluginRuleInfo, ...] = ()
    if output_format == "sarif" and config.plugins:
        from nomock_lint import plugins

        plugin_rules = plugins.describe(config)
    options = RenderOptions(color, quiet, statistics, sarif_category, plugin_rules)
    text = render(report, options)
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)  # `--output reports/x.sarif`, as Ruff
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"cannot write {output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    levels = ("error",) if fail_on == "error" else ("error", "warning")
    failing = any(f.severity in levels for f in report.findings)
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


class _progress:
    """A rich progress bar on standard error, only on a terminal and only for long runs."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        return self.update

    def update(self, done: int, total: int) -> None:
        if total < 200:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking", total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=".nomock-baseline.json",
    show_default=True,
    help="The baseline file to write.",
)
@click.option(
    "--prune", is_flag=True, help="Only drop the entries of OUTPUT that are fixed; add none."
)
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Configuration file."
)
def baseline_command(
    paths: tuple[Path, ...], output: Path, prune: bool, config_file: Path | None
) -> None:
    """Record the current findings in PATHS, so that `check --baseline` reports only new ones."""
    from nomock_lint import api
    from nomock_lint.baseline import Baseline, load
    from nomock_lint.config import load_config

    paths = paths or (Path("."),)
    previous = load(output) if prune else None
    report = api.check(paths, load_config(paths[0], config_file))
    if previous is not None:
        updated = previous.pruned(report)
        removed = len(previous.entries) - len(updated.entries)
        updated.write(output)
        entries = "entry" if removed == 1 else "entries"
        click.echo(f"Pruned {removed} fixed {entries}; {len(updated.entries)} left in {output}.")
        return
    updated = Baseline.from_findings(report.findings)
    updated.write(output)
    n = len(updated.entries)
    click.echo(f"Wrote {n} finding{'s' if n != 1 else ''} to {output}.")


def _plugin_rules(config_file: Path | None) -> tuple[PluginRuleInfo, ...]:
    """The rules of the plugins that the configuration here (or `--config`) names."""
    from nomock_lint.config import load_config

    config = load_config(Path("."), config_file)
    if not config.plugins:
        return ()
    from nomock_lint import plugins

    return plugins.describe(config)


_SCOPES = {"production": "  (production code only)", "test": "  (test code only)"}


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read this file for `plugins` instead of the one found from here.")  # fmt: skip
def rules_command(output_format: str, config_file: Path | None) -> None:
    """List every rule: id, name, default severity, summary (and the configured plugins')."""
    import json

    from nomock_lint.catalog import load_catalog

    rows: list[dict[str, str]] = [
        {"id": r.id, "name": r.name, "severity": r.severity, "scope": r.scope, "summary": r.summary}
        for r in load_catalog().rules
    ]
    rows += [
        {**{key: getattr(r, key) for key in rows[0]}, "plugin": r.plugin}
        for r in _plugin_rules(config_file)
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        origin = f"  (plugin {row['plugin']})" if "plugin" in row else ""
        click.echo(
            f"{row['id']}  {row['name']:<24} {row['severity']:<8} {row['summary']}"
            f"{_SCOPES.get(row['scope'], '')}{origin}"
        )


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read this file for `plugins` instead of the one found from here.")  # fmt: skip
def explain(rule_id: str, config_file: Path | None) -> None:
    """Print a rule's documentation: what, why, example, what to use instead."""
    from nomock_lint.catalog import load_catalog

    catalog = load_catalog()
    key = rule_id.upper()
    rule = catalog.by_id.get(key) or next((r for r in catalog.rules if r.name == rule_id), None)
    if rule is not None:
        click.echo(rule.doc_markdown().rstrip())
        return
    if not key.startswith("NM"):
        for plugin_rule in _plugin_rules(config_file):
            if key == plugin_rule.id or rule_id == plugin_rule.name:
                click.echo(plugin_rule.doc_markdown().rstrip())
                return
    raise click.UsageError(f"unknown rule `{rule_id}` (see `nomock rules`)")


@cli.command()
@click.option(
    "--debounce-ms",
    type=click.IntRange(min=0),
    help="Pause after a change before checking (default 300; initializationOptions.debounceMs).",
)
def lsp(debounce_ms: int | None) -> None:
    """Run the language server on standard input/output (diagnostics on open, change, save)."""
    from nomock_lint.lsp import serve  # pygls loads only here: `nomock check` starts lighter

    serve(debounce_ms)


def _user_errors() -> tuple[type[Exception], ...]:
    # Imported only when an exception gets here: `nomock --version` stays light.
    from nomock_lint.catalog import CatalogError
    from nomock_lint.config import ConfigError

    return ConfigError, CatalogError


def main() -> None:
    """Console-script entry: every usage or configuration error is one line and exit code 2."""
    try:
        cli.main(standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"nomock: error: {exc.format_message()}", err=True)
        sys.exit(EXIT_ERROR)
    except _user_errors() as exc:
        click.echo(f"nomock: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("nomock: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        click.echo(f"nomock: error: {exc.format_message()}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug of ours: one line, and the traceback only on request
        if os.environ.get("NOMOCK_DEBUG"):
            raise
        click.echo(
            f"nomock: internal error: {type(exc).__name__}: {exc} "
            "(please report it; NOMOCK_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
