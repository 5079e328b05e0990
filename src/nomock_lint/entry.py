"""The `nomock` command's entry point: `nomock --version` answers before click is imported."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # what click's version option prints, at a third the cost
        from nomock_lint import __version__

        sys.stdout.write(f"nomock {__version__}\n")
        return
    if sys.argv[1:2] != ["check"]:
        from nomock_lint.cli import main as cli_main

        cli_main()
        return
    import gc

    # A `check` turns the cyclic collector off anyway (see cli.check): from here, so that the
    # imports (click, the front-end) are not walked by it either.
    gc.disable()
    from nomock_lint.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as done:
        _exit_now(done)


def _exit_now(done: SystemExit) -> None:
    """End a finished `check` at once, as mypy does: freeing a warm run's report object by object
    and the interpreter's teardown took 30 ms. Only the output streams need flushing: the run
    has closed its files and joined its workers. Anything unusual exits the ordinary way."""
    code = 0 if done.code is None else done.code
    if not isinstance(code, int) or sys.gettrace() is not None or sys.getprofile() is not None:
        raise done  # (a profiler, coverage or a debugger writes its results at exit)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None  # a closed pipe: reported as Python reports it
    os._exit(code)
