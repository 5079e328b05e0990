"""The result cache: one small JSON entry per checked file, keyed by everything that decides it,
and a stat index per project that lets a run with nothing changed read neither sources nor entries.

The key is a SHA-256 over nomock's own code and version, the catalog, the effective
configuration, the file's path, language and class (test or production), and the file's bytes.
A hit can therefore never be stale: editing the file, the configuration, the catalog or nomock
itself changes the key. Entries are written to a temporary file and renamed into place, so
concurrent runs only ever see whole entries (two runs writing the same key write the same
content). A damaged or vanished entry is a miss. Entries unused for `MAX_AGE` are pruned at most
once a day by the run that notices it.

The stat index (`StatIndex`) is one file per project root, nomock, catalog and configuration:
each checked file's relative path, stat (size, mtime, ctime, inode, device) and result. A file
whose stat is unchanged is served from it without being read. As in git's index, a stat says
nothing about a change made in the same clock tick as the stat was taken, so an entry whose
mtime or ctime is not older than the start of the run that recorded it (less `RACY_NS`, which
covers coarse file-system clocks such as FAT's 2 s) is "racy": its file is read and hashed
again. Rewriting a file and restoring its mtime still moves its ctime, which no program can set.

Entries and the index are JSON, not pickle: a cache folder is data and is never executed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nomock_lint import __version__
from nomock_lint.facts import Span
from nomock_lint.model import FileOutcome, FileStatus, Finding

if TYPE_CHECKING:
    from nomock_lint.api import FileResult
    from nomock_lint.config import Config
    from nomock_lint.discovery import Candidate

DEFAULT_DIR = ".nomock_cache"
FORMAT = 2
MAX_AGE = 30 * 24 * 3600  # entries unused this long are pruned
TOUCH_AFTER = 24 * 3600  # a hit refreshes an entry's age at most once a day
PRUNE_EVERY = 24 * 3600
RACY_NS = 3_000_000_000
INDEX_FORMAT = 1
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by nomock.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# A finding is stored as the list of its fields in this order; the span as a list of four
# numbers, the path as null (an entry's findings are all in its own file).
_FIELDS = Finding._fields
_SPAN, _PATH = _FIELDS.index("span"), _FIELDS.index("path")


@functools.cache
def code_fingerprint() -> str:
    """nomock's own source: a change to any module invalidates every entry, version bump or not."""
    digest = hashlib.sha256(f"{__version__}\0{FORMAT}\0{_FIELDS}".encode())
    package = os.path.dirname(os.path.realpath(__file__))
    sources = []  # os.walk, not Path.rglob: the glob machinery was most of this, every run
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        sources += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    for path in sorted(sources):
        digest.update(os.path.relpath(path, package).replace(os.sep, "/").encode() + b"\0")
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


class Cache:
    def __init__(self, directory: Path, config: Config) -> None:
        from nomock_lint.catalog import load_catalog

        self.directory = directory
        parts = (code_fingerprint(), load_catalog().fingerprint, config.fingerprint())
        # Bytes, not a hash object: a Cache is pickled to spawned workers (macOS, Windows).
        self._prefix = hashlib.sha256("\0".join(parts).encode()).digest()
        self.ready = False
        self.hits = 0
        self.writes = 0

    def index(self, root: Path, racy_ns: int = RACY_NS) -> StatIndex:
        """The stat index of the project at `root` (one file for this nomock and configuration)."""
        name = hashlib.sha256(self._prefix + os.fsencode(os.path.abspath(root))).hexdigest()
        return StatIndex(self, self.directory / f"index-{name[:32]}.json", root, racy_ns)

    def key(self, data: bytes, relpath: str, language: str, is_test: bool) -> str:
        digest = hashlib.sha256(self._prefix)
        digest.update(f"{relpath}\0{language}\0{int(is_test)}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / key[2:]

    def get(self, key: str, relpath: str) -> FileResult | None:
        entry = self._entry(key)
        try:
            with open(entry, "rb") as handle:
                raw = handle.read()
                age = time.time() - os.fstat(handle.fileno()).st_mtime
            result = _load(json.loads(raw), relpath)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # missing, half-pruned or damaged: check the file again
        if age > TOUCH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(entry)
        self.hits += 1
        return result

    def put(self, key: str, result: FileResult) -> None:
        try:
            self._prepare()
            entry = self._entry(key)
            entry.parent.mkdir(exist_ok=True)
            import tempfile  # only a run that writes pays for it

            fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(json.dumps(_dump(result), separators=(",", ":")).encode())
                os.replace(temp, entry)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            self.writes += 1
        except OSError:
            pass  # a read-only or full disk costs speed, never a result

    def _prepare(self) -> None:
        if self.ready:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            _write_atomic(tag, _TAG)
            _write_atomic(self.directory / ".gitignore", "# Created by nomock.\n*\n")
        self.ready = True

    def prune(self, now: float | None = None) -> int:
        """Delete entries unused for MAX_AGE; runs at most once a day. Returns how many went."""
        now = time.time() if now is None else now
        stamp = self.directory / "last-prune"
        try:
            if now - stamp.stat().st_mtime < PRUNE_EVERY:
                return 0
        except FileNotFoundError:
            pass
        except OSError:
            return 0
        removed = 0
        try:
            self._prepare()
            stamp.touch()
            shards = [d for d in self.directory.iterdir() if d.is_dir() and len(d.name) == 2]
        except OSError:
            return 0
        for index in self.directory.glob("index-*.json"):  # touched on use, as entries are
            with contextlib.suppress(OSError):
                if now - index.stat().st_mtime > MAX_AGE:
                    index.unlink()
                    removed += 1
        for shard in shards:
            with contextlib.suppress(OSError):
                for entry in os.scandir(shard):
                    with contextlib.suppress(OSError):
                        stale = now - entry.stat().st_mtime > MAX_AGE
                        # Left-over temporaries of killed runs go after an hour.
                        orphan = (
                            entry.name.startswith(".tmp-") and now - entry.stat().st_mtime > 3600
                        )
                        if stale or orphan:
                            os.unlink(entry.path)
                            removed += 1
        return removed


_Stat = list[int]  # size, mtime_ns, ctime_ns, inode, device


class StatIndex:
    """Results by relative path and stat, read once and written once per run (see the top)."""

    def __init__(self, cache: Cache, path: Path, root: Path, racy_ns: int = RACY_NS) -> None:
        self.cache = cache
        self.path = path
        self.root = root
        self.racy_ns = racy_ns
        self.started = time.time_ns()  # before any file of this run is read
        self._old, self._old_started = self._read()
        self._new: dict[str, list[Any]] = {}
        self._stats: dict[str, _Stat] = {}
        self._changed = False

    def _read(self) -> tuple[dict[str, list[Any]], int]:
        try:
            with open(self.path, "rb") as handle:
                data = json.loads(handle.read())
                age = time.time() - os.fstat(handle.fileno()).st_mtime
            files, started = data["files"], data["started"]
            if data["format"] != INDEX_FORMAT or not isinstance(files, dict):
                return {}, 0
            if not isinstance(started, int):
                return {}, 0
        except (OSError, ValueError, KeyError, TypeError):
            return {}, 0  # none yet, or damaged: every file is looked up by content
        if age > TOUCH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(self.path)
        return files, started

    def get(self, candidate: Candidate) -> FileResult | None:
        """The recorded result if the file's stat is unchanged and was not racy, else None.

        The stat taken here is the one `record` files the file's new result under.
        """
        try:
            st = os.stat(candidate.path)
        except OSError:
            return None
        stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        self._stats[candidate.relpath] = stat
        entry = self._old.get(candidate.relpath)
        if not isinstance(entry, list) or entry[:5] != stat or self._racy(stat, self._old_started):
            return None
        try:
            result = _load(entry[5], candidate.relpath)
        except (ValueError, KeyError, TypeError, IndexError):
            return None
        self._new[candidate.relpath] = entry
        return result

    def record(self, result: FileResult) -> None:
        """File a result of this run under the stat `get` took before the file was read."""
        relpath = result.outcome.path
        stat = self._stats.get(relpath)
        if stat is not None and result.reusable:
            self._new[relpath] = [*stat, _dump(result)]
            self._changed = True

    def save(self) -> None:
        """Write the index if anything changed. Entries of files that this run did not check
        are kept while their file exists (they are still checked by their stat when used)."""
        if not self._changed:
            return
        for relpath, entry in self._old.items():
            if relpath in self._new:
                continue
            if (
                isinstance(entry, list)
                and len(entry) == 6
                and not self._racy(entry, self._old_started)
                and os.path.lexists(self.root / relpath)
            ):
                self._new[relpath] = entry
        document = {"format": INDEX_FORMAT, "started": self.started, "files": self._new}
        try:
            self.cache._prepare()
            _write_atomic(self.path, json.dumps(document, separators=(",", ":")))
        except OSError:
            pass  # a read-only or full disk costs speed, never a result

    def _racy(self, stat: list[Any], started: int) -> bool:
        try:
            return max(int(stat[1]), int(stat[2])) >= started - self.racy_ns
        except (TypeError, ValueError):
            return True  # a damaged entry: never trusted


def _write_atomic(path: Path, text: str) -> None:
    import tempfile

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _dump(result: FileResult) -> dict[str, Any]:
    o = result.outcome
    return {
        "s": o.status.value,
        "r": o.reason,
        "l": o.language,
        "t": o.is_test,
        "n": result.suppressed,
        "f": [_row(f) for f in result.findings],
    }


def _row(finding: Finding) -> list[Any]:
    row = [getattr(finding, name) for name in _FIELDS]
    span = finding.span
    row[_SPAN] = [span.line, span.col, span.end_line, span.end_col]
    row[_PATH] = None
    return row


_STATUS = {status.value: status for status in FileStatus}
_new_tuple = tuple.__new__  # a NamedTuple from a list in C (their `__new__` is Python)


def _load(data: dict[str, Any], relpath: str) -> FileResult:
    from nomock_lint.api import FileResult

    outcome = FileOutcome(relpath, _STATUS[data["s"]], data["r"], data["l"], bool(data["t"]))
    findings = []
    for row in data["f"]:
        if len(row) != len(_FIELDS) or len(row[_SPAN]) != len(Span._fields):
            raise ValueError("not a finding")
        values = list(row)  # the index keeps its rows as they are, to write them back
        values[_SPAN] = _new_tuple(Span, values[_SPAN])
        values[_PATH] = relpath
        findings.append(_new_tuple(Finding, values))
    return FileResult(outcome, findings, int(data["n"]))
