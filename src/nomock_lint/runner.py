"""Checking many files: cache look-ups, then in-process or a pool of workers.

Cache hits are found in this process (a stat, or reading and hashing, is far cheaper than
starting a worker), so a warm run never starts a pool. The misses go to worker processes in
chunks: few enough that start-up and result transfer stay small, enough that both cores stay
busy to the end (largest files first). A worker that dies takes its pool with it; the files
that were in flight are then checked again one by one, each in a fresh single-worker pool, so
the file that kills a worker is reported as NM903 and every other file still gets its findings.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from nomock_lint.config import ConfigError
from nomock_lint.discovery import Candidate

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from nomock_lint.api import FileResult
    from nomock_lint.cache import Cache
    from nomock_lint.config import Config

Progress = Callable[[int, int], None]
CheckOne = Callable[[Candidate, "Config", "Cache | None"], "FileResult"]

# Below this many files to check, a pool costs more than it saves.
MIN_FILES_FOR_POOL = 24
MAX_CHUNK = 48
GC_EVERY = 64
RECURSION_LIMIT = 20_000


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_cached(candidate: Candidate, config: Config, cache: Cache | None) -> FileResult:
    """One file read and checked, with the cache around it (what a worker runs per file)."""
    from nomock_lint import api

    loaded = api.load_file(candidate, config)
    if not isinstance(loaded, bytes):
        return loaded
    return check_source_cached(loaded, candidate, config, cache)


def check_source_cached(
    data: bytes, candidate: Candidate, config: Config, cache: Cache | None
) -> FileResult:
    from nomock_lint import api

    key = None
    if cache is not None:
        key = cache.key(data, candidate.relpath, candidate.language, candidate.is_test)
        hit = cache.get(key, candidate.relpath)
        if hit is not None:
            return hit
    try:
        with _deep_recursion():
            result = api.check_source(
                data, candidate.relpath, candidate.language, candidate.is_test, config
            )
    except ConfigError:
        raise  # a failing plugin: the run stops with one line (the plugin is configuration)
    except Exception as exc:  # a bug of ours on one file must not cost the other files
        if os.environ.get("NOMOCK_DEBUG"):
            raise
        reason = f"internal error: {type(exc).__name__}: {exc} (please report it)"
        failed = api.unparsable(
            candidate.relpath, candidate.language, candidate.is_test, reason, 1, 1, config
        )
        failed.reusable = False
        return failed
    if cache is not None and key is not None:
        cache.put(key, result)
    return result


def lookup(candidate: Candidate, config: Config, cache: Cache) -> FileResult | None:
    """The cached result of one file, or None (too large and unreadable files are misses)."""
    from nomock_lint import api

    loaded = api.load_file(candidate, config)
    if not isinstance(loaded, bytes):
        return None
    key = cache.key(loaded, candidate.relpath, candidate.language, candidate.is_test)
    return cache.get(key, candidate.relpath)


def run(
    candidates: Sequence[Candidate],
    config: Config,
    *,
    jobs: int | None = None,
    cache: Cache | None = None,
    progress: Progress | None = None,
    check_one: CheckOne = check_cached,
) -> list[FileResult]:
    """One result per candidate (in no particular order: the report is sorted at the end)."""
    total = len(candidates)
    results: list[FileResult] = []
    todo: list[Candidate] = []
    index = None
    if cache is not None:
        # Decoding the index and building every finding of a warm run allocates containers by
        # the hundred thousand, all of them kept: the collector would only re-walk them.
        with _quiet_gc():
            index = cache.index(config.root)
            for candidate in candidates:
                hit = index.get(candidate)  # unchanged since the last run: not even read
                if hit is None:
                    hit = lookup(candidate, config, cache)  # the same bytes checked before
                    if hit is not None:
                        index.record(hit)
                if hit is None:
                    todo.append(candidate)
                else:
                    results.append(hit)
        if progress is not None and results:
            progress(len(results), total)
    else:
        todo = list(candidates)

    def done(new: list[FileResult]) -> None:
        results.extend(new)
        if index is not None:
            for result in new:
                index.record(result)
        if progress is not None:
            progress(len(results), total)

    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(todo) < MIN_FILES_FOR_POOL:
        with _quiet_gc():
            for i, candidate in enumerate(todo, 1):
                done([check_one(candidate, config, cache)])
                if i % GC_EVERY == 0:
                    gc.collect(0)
    else:
        _run_pool(todo, config, jobs, cache, check_one, done)
    if index is not None:
        index.save()
    if cache is not None:
        cache.prune()
    return results


@contextlib.contextmanager
def _deep_recursion() -> Iterator[None]:
    """The same recursion limit in-process and in workers, so results never depend on --jobs.

    The front-ends recurse once per nesting level; a generated file with a 3,000-term
    concatenation is legitimate. Python-to-Python calls use no C stack since 3.11, and the
    parser has its own depth limit (NM903 "too many nested parentheses" / "too complex").
    """
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic GC while checking: syntax trees are acyclic and freed by reference counting,
    and the collector re-walking them cost a fifth of the parse time (measured in bench/).
    Objects that exist now are frozen, so the occasional young-generation pass stays short.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


# -- the pool -------------------------------------------------------------------------------

_worker_state: tuple[Config, Cache | None, CheckOne] | None = None


def _init_worker(config: Config, cache: Cache | None, check_one: CheckOne) -> None:
    global _worker_state
    _worker_state = (config, cache, check_one)
    gc.freeze()  # see _quiet_gc; a worker lives only for this run
    gc.disable()


def _check_chunk(chunk: list[Candidate]) -> list[FileResult]:
    assert _worker_state is not None
    config, cache, check_one = _worker_state
    results = [check_one(candidate, config, cache) for candidate in chunk]
    gc.collect(0)
    return results


def _size(candidate: Candidate) -> int:
    try:
        return os.stat(candidate.path).st_size
    except OSError:
        return 0


def chunked(candidates: Sequence[Candidate], jobs: int) -> list[list[Candidate]]:
    """Largest files first, in chunks that shrink towards the end so no worker idles long."""
    ordered = sorted(candidates, key=_size, reverse=True)
    chunks: list[list[Candidate]] = []
    start = 0
    while start < len(ordered):
        remaining = len(ordered) - start
        # The largest files go out one by one first: one chunk of the 48 largest held all of a
        # JS corpus's big bundles and kept one worker busy long after the other had finished.
        size = max(1, min(MAX_CHUNK, remaining // (jobs * 4), start // jobs + 1))
        chunks.append(ordered[start : start + size])
        start += size
    return chunks


def _executor(
    jobs: int, config: Config, cache: Cache | None, check_one: CheckOne
) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the loaded catalog and configuration, nothing is pickled to start
    # them. Elsewhere (macOS, Windows) the platform's default start method.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context(
        "fork" if sys.platform == "linux" and "fork" in methods else None
    )
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(config, cache, check_one),
    )


def _run_pool(
    todo: list[Candidate],
    config: Config,
    jobs: int,
    cache: Cache | None,
    check_one: CheckOne,
    done: Callable[[list[FileResult]], None],
) -> None:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    chunks = chunked(todo, jobs)
    with _executor(jobs, config, cache, check_one) as pool:
        pending, lost = _submit(pool, chunks)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                try:
                    done(future.result())
                except BrokenProcessPool:
                    lost += chunk
    if lost:
        _isolate(lost, config, cache, check_one, done)


def _submit(
    pool: ProcessPoolExecutor, chunks: list[list[Candidate]]
) -> tuple[dict[Future[list[FileResult]], list[Candidate]], list[Candidate]]:
    """Every chunk handed to the pool, and the files of those it refused: a worker that dies
    while the chunks are still being handed out breaks the pool for the rest."""
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future[list[FileResult]], list[Candidate]] = {}
    lost: list[Candidate] = []
    for chunk in chunks:
        try:
            pending[pool.submit(_check_chunk, chunk)] = chunk
        except BrokenProcessPool:
            lost += chunk
    return pending, lost


def _isolate(
    lost: list[Candidate],
    config: Config,
    cache: Cache | None,
    check_one: CheckOne,
    done: Callable[[list[FileResult]], None],
) -> None:
    """Check each file of a broken pool alone: the one that kills its worker becomes NM903."""
    from concurrent.futures.process import BrokenProcessPool

    from nomock_lint import api

    for candidate in sorted(lost, key=lambda c: c.relpath):
        with _executor(1, config, cache, check_one) as pool:
            future = pool.submit(_check_chunk, [candidate])
            try:
                done(future.result())
            except BrokenProcessPool:
                reason = "worker process died while checking this file"
                died = api.unparsable(
                    candidate.relpath, candidate.language, candidate.is_test, reason, 1, 1, config
                )
                died.reusable = False
                done([died])
