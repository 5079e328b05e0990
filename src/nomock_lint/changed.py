"""`--changed-since REF`: the source files that differ from a git ref, plus untracked ones.

For pull-request pipelines: `git diff --name-only REF` (committed, staged and unstaged changes
against REF; deleted files left out) and `git ls-files --others --exclude-standard` (new files
that are not ignored), restricted to the paths given on the command line.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from nomock_lint.discovery import language_of


class GitError(Exception):
    """git is missing, the folder is not a work tree or the ref is unknown (exit 2)."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except OSError as exc:
        raise GitError(f"--changed-since needs git: {exc.strerror}") from None
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return result.stdout


def changed_files(ref: str, root: Path, paths: Iterable[Path]) -> list[Path]:
    """Changed and untracked source files under `paths`, sorted."""
    if ref.startswith("-"):
        raise GitError(f"--changed-since: not a git ref: {ref}")
    top = Path(_git(["rev-parse", "--show-toplevel"], root).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    diff = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", ref, "--"], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names = {n for n in (diff + untracked).split("\0") if n and language_of(n) is not None}
    scopes = [os.path.realpath(p) for p in paths]
    found = []
    for name in sorted(names):
        path = top / name
        real = os.path.realpath(path)
        if any(real == s or real.startswith(s.rstrip(os.sep) + os.sep) for s in scopes):
            found.append(path)
    return found
