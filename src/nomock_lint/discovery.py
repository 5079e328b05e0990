"""Which files a run checks: walking directories, `.gitignore`, excludes, languages.

Every source file given or found ends up either as a `Candidate` to check or as a skipped
`FileOutcome` with its reason; directories that are excluded are pruned without being walked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from nomock_lint.config import ALWAYS_SKIPPED_DIRS, Config
from nomock_lint.globs import GlobList, translatable
from nomock_lint.model import FileOutcome, FileStatus

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = frozenset({".py"})
JS_SUFFIXES = frozenset({".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"})
SFC_SUFFIXES = frozenset({".vue", ".svelte"})


_LANGUAGES = {
    **dict.fromkeys(PYTHON_SUFFIXES, "python"),
    **dict.fromkeys(JS_SUFFIXES | SFC_SUFFIXES, "javascript"),
}
_SEPARATORS = "/" + os.sep


def language_of(path: str) -> str | None:
    """The language of a file by its suffix, as `os.path.splitext` reads one (not `.py` or
    `..py`: a name's leading dots are no suffix), found with no Python-level call for a file
    that has none of ours (a walk asks for every file)."""
    dot = path.rfind(".")
    language = _LANGUAGES.get(path[dot:].lower()) if dot > 0 else None
    if language is None:
        return None
    name = max(path.rfind(separator) for separator in _SEPARATORS) + 1
    return language if path[name:dot].strip(".") else None


class Candidate(NamedTuple):
    # As given or found (not resolved: symlinks keep their own name). A string, not a Path:
    # building a Path per file was a quarter of walking the moto corpus (under cProfile).
    path: str
    relpath: str  # relative to the project root, `/`-separated
    language: str
    is_test: bool


def relative(path: Path | str, root: Path) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows
        rel = str(path)
    return rel.replace(os.sep, "/")


class _GitIgnores:
    """The `.gitignore` files that apply to a directory, deepest first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = os.path.abspath(root)
        self._specs: dict[str, pathspec.GitIgnoreSpec | GlobList | None] = {}
        self._chains: dict[str, list[tuple[str, pathspec.GitIgnoreSpec | GlobList]]] = {}

    def _spec(self, directory: str) -> pathspec.GitIgnoreSpec | GlobList | None:
        if directory not in self._specs:
            spec = None
            try:
                with open(
                    os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace"
                ) as f:
                    lines = f.read()
            except OSError:
                pass
            else:
                spec = _ignore_spec(lines.splitlines())
            self._specs[directory] = spec
        return self._specs[directory]

    def chain(self, directory: str) -> list[tuple[str, pathspec.GitIgnoreSpec | GlobList]]:
        """The `.gitignore` files that apply in the absolute `directory`, deepest first, up to
        the project root or the enclosing repository (cached per folder: looking them up again
        for every file was most of a warm run)."""
        chain = self._chains.get(directory)
        if chain is None:
            spec = self._spec(directory)
            chain = [(directory, spec)] if spec is not None else []
            parent = os.path.dirname(directory)
            last = directory == self._root or parent == directory
            if not last and not os.path.exists(os.path.join(directory, ".git")):
                chain = chain + self.chain(parent)
            self._chains[directory] = chain
        return chain

    def ignored(self, path: str | Path, is_dir: bool, floor: str | None = None) -> bool:
        """Gitignore semantics: the deepest file with a matching pattern decides.

        With `floor`, only `.gitignore` files in that folder or below it count.
        """
        absolute = os.path.abspath(path)
        for folder, spec in self.chain(os.path.dirname(absolute)):
            if floor is not None and not (folder == floor or folder.startswith(floor + os.sep)):
                break
            rel = os.path.relpath(absolute, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            if isinstance(spec, GlobList):  # no negations: a match ignores, no match says nothing
                if spec.matches(rel):
                    return True
                continue
            result = spec.check_file(rel)
            if result.include is not None:
                return bool(result.include)
        return False


def _ignore_spec(lines: list[str]) -> pathspec.GitIgnoreSpec | GlobList:
    """A `.gitignore` file's patterns: one joined expression when every pattern is a plain one
    (globs.py; `__pycache__/`, `*.egg-info/`, `/build/`), else pathspec, which also handles
    negations, escapes and trailing spaces (and costs a tenth of a one-file run to import)."""
    patterns = [line for line in lines if line.strip() and not line.startswith("#")]
    if all(line == line.strip() and translatable(line) for line in patterns):
        return GlobList(patterns)
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(paths: list[Path], config: Config) -> Iterator[Candidate | FileOutcome]:
    """Candidates to check and skipped outcomes, in a stable order."""
    gitignores = _GitIgnores(config.root)
    seen: set[str] = set()
    for given in paths:
        if (given.is_dir() and not given.is_symlink()) or given.is_dir():
            yield from _walk(given, config, gitignores, seen)
        else:
            outcome = _classify(given, relative(given, config.root), config, gitignores, True)
            if outcome is not None:
                key = os.path.abspath(given)
                if key not in seen:
                    seen.add(key)
                    yield outcome


def _classify(
    path: Path | str,
    rel: str,
    config: Config,
    gitignores: _GitIgnores | None,
    explicit: bool,
    top: str = "",
    floor: str | None = None,
    entry: os.DirEntry[str] | None = None,
) -> Candidate | FileOutcome | None:
    """What to do with one file; `gitignores` None when no `.gitignore` applies to it, `entry`
    when it was found by walking (its type is then known without another system call)."""
    language = language_of(rel)
    if language is None:
        return FileOutcome(rel, FileStatus.SKIPPED, "not a source file") if explicit else None
    if config.is_excluded(rel):
        return FileOutcome(rel, FileStatus.SKIPPED, "excluded", language)
    if (
        not explicit
        and gitignores is not None
        and config.respect_gitignore
        and gitignores.ignored(path, False, floor)
    ):
        return FileOutcome(rel, FileStatus.SKIPPED, "gitignored", language)
    if entry is not None and not entry.is_symlink():
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:
            regular = True  # vanished or unreadable: reported as NM903 when read
        if not regular:
            return FileOutcome(rel, FileStatus.SKIPPED, "not a regular file", language)
        return Candidate(os.fspath(path), rel, language, config.is_test(rel))
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if os.path.islink(path):
            reason = "symlink loop" if exc.errno == errno.ELOOP else "dangling symlink"
            return FileOutcome(rel, FileStatus.SKIPPED, reason, language)
        mode = stat.S_IFREG  # vanished or unreadable: reported as NM903 when read
    if not stat.S_ISREG(mode):
        # A FIFO would block the run forever; devices and sockets are not source either.
        return FileOutcome(rel, FileStatus.SKIPPED, "not a regular file", language)
    if top and os.path.islink(path):
        target = os.path.realpath(path)
        if not target.startswith(top + os.sep):
            # Followed only when passed explicitly, as for folders.
            return FileOutcome(rel, FileStatus.SKIPPED, "symlink to outside the tree", language)
    return Candidate(os.fspath(path), rel, language, config.is_test(rel))


def _walk(
    top: Path, config: Config, gitignores: _GitIgnores, seen: set[str]
) -> Iterator[Candidate | FileOutcome]:
    visited_dirs: set[tuple[int, int]] = set()
    real_top = os.path.realpath(top)
    # A folder the user names is checked even if an enclosing repository ignores it (a tool
    # checkout under ~/.pyenv, a vendored tree): then only `.gitignore` files inside it count.
    absolute_top = os.path.abspath(top)
    floor = absolute_top if gitignores.ignored(absolute_top, is_dir=True) else None
    # Each folder as found, as an absolute path, and its path relative to the root (None: to
    # be worked out), all by joining names: a folder's name never is `.` or `..`.
    stack: list[tuple[str, str, str | None]] = [(os.fspath(top), absolute_top, None)]
    while stack:
        directory, absolute, dir_rel = stack.pop()
        try:
            st = os.stat(directory)  # (device, inode) names a folder whatever the links to it
            if (st.st_dev, st.st_ino) in visited_dirs:
                continue  # a symlink loop or a second link to the same folder
            visited_dirs.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        ignores = gitignores if config.respect_gitignore and gitignores.chain(absolute) else None
        # Relative paths by joining names (the walk never goes through `..`), unless the
        # folder lies outside the root, where a path may come back into it.
        if dir_rel is None:
            dir_rel = relative(directory, config.root)
        prefix = None if dir_rel.startswith("..") else "" if dir_rel == "." else dir_rel + "/"
        base = absolute if absolute.endswith(os.sep) else absolute + os.sep
        nested = directory != os.curdir
        subdirs = []
        for entry in entries:
            path = entry.path
            rel = relative(path, config.root) if prefix is None else prefix + entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in ALWAYS_SKIPPED_DIRS:
                    continue
                if config.is_excluded(rel, is_dir=True):
                    continue
                if ignores is not None and ignores.ignored(path, True, floor):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not (target == real_top or target.startswith(real_top + os.sep)):
                        continue  # outside the tree: followed only when passed explicitly
                # (the folder `./a` as a Path prints it, `a`, and so its files' paths)
                found = path if nested else entry.name
                subdirs.append((found, base + entry.name, None if prefix is None else rel))
            else:
                outcome = _classify(path, rel, config, ignores, False, real_top, floor, entry)
                if outcome is None:
                    continue
                key = base + entry.name
                if key in seen:
                    continue
                seen.add(key)
                yield outcome
        stack.extend(reversed(subdirs))
