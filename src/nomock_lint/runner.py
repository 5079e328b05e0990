"""Checking many files: cache look-ups, then in-process or a pool of workers.

Cache hits are found in this process (a stat, or reading and hashing, is far cheaper than
starting a worker), so a warm run never starts a pool. The misses go to worker processes in
chunks: few enough that start-up and result transfer stay small, enough that both cores stay
busy to the end (largest files first). The files of a chunk whose worker died are checked
again one by one, each by a fresh single worker, so the file that kills a worker is reported
as NM903 and every other file still gets its findings.

On Linux the workers are forked and fed through pipes (`_fork_map`): they inherit the chunks,
the catalog and the configuration, and only a chunk's number goes to them. Elsewhere (macOS,
Windows: no fork, or not a safe one) a `ProcessPoolExecutor` with the platform's start method
runs them (`_executor_map`). On moto+botocore the executor's threads and queues cost the main
process about 50 ms of CPU while both cores were busy checking, and importing
`concurrent.futures` and `multiprocessing` 15-20 ms before the first file.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

from nomock_lint.config import ConfigError
from nomock_lint.discovery import Candidate
from nomock_lint.model import Finding

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from nomock_lint.api import FileResult
    from nomock_lint.cache import Cache
    from nomock_lint.config import Config

Progress = Callable[[int, int], None]
CheckOne = Callable[[Candidate, "Config", "Cache | None"], "FileResult"]
Done = Callable[[list["FileResult"]], None]

# Below this many files to check, a pool costs more than it saves.
MIN_FILES_FOR_POOL = 24
MAX_CHUNK = 48
GC_EVERY = 64
RECURSION_LIMIT = 20_000
# Workers forked and fed through pipes (see the module's docstring); else an executor's.
FORK = sys.platform == "linux" and hasattr(os, "fork")


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
    fork: bool | None = None,
    on_results: Done | None = None,
) -> list[FileResult]:
    """One result per candidate (in no particular order: the report is sorted at the end).
    `fork`: whether a pool's workers are forked and fed through pipes (default: FORK).
    `on_results`: called with the results that were checked (not those the cache answered) as
    they come, while the workers go on with the next chunks."""
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
        if on_results is not None:
            on_results(new)

    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(todo) < MIN_FILES_FOR_POOL:
        with _quiet_gc():
            for i, candidate in enumerate(todo, 1):
                done([check_one(candidate, config, cache)])
                if i % GC_EVERY == 0:
                    gc.collect(0)
    else:
        _run_pool(todo, config, jobs, cache, check_one, done, fork)
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
    """A pool with the platform's default start method (spawn on macOS and Windows: workers
    import nomock afresh and get the configuration, the cache and the check by pickling)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(config, cache, check_one)
    )


_WorkerState = tuple["Config", "Cache | None", CheckOne]  # what each worker checks with


def _run_pool(
    todo: list[Candidate],
    config: Config,
    jobs: int,
    cache: Cache | None,
    check_one: CheckOne,
    done: Done,
    fork: bool | None = None,
) -> None:
    fork = FORK if fork is None else fork
    state = (config, cache, check_one)
    lost = _map(chunked(todo, jobs), jobs, state, done, fork)
    if lost:
        _isolate(lost, state, done, fork)


def _map(
    chunks: list[list[Candidate]], jobs: int, state: _WorkerState, done: Done, fork: bool
) -> list[Candidate]:
    """Every chunk checked by `jobs` worker processes, `done` with its results as they come;
    the files of the chunks that no worker finished (it died), in no particular order."""
    return (_fork_map if fork else _executor_map)(chunks, jobs, state, done)


def _executor_map(
    chunks: list[list[Candidate]], jobs: int, state: _WorkerState, done: Done
) -> list[Candidate]:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    with _executor(jobs, *state) as pool:
        pending, lost = _submit(pool, chunks)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                try:
                    done(future.result())
                except BrokenProcessPool:
                    lost += chunk
    return lost


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


def _isolate(lost: list[Candidate], state: _WorkerState, done: Done, fork: bool) -> None:
    """Check each file of a chunk whose worker died alone: the one that kills its worker
    becomes NM903."""
    from nomock_lint import api

    config = state[0]
    for candidate in sorted(lost, key=lambda c: c.relpath):
        if _map([[candidate]], 1, state, done, fork):
            reason = "worker process died while checking this file"
            died = api.unparsable(
                candidate.relpath, candidate.language, candidate.is_test, reason, 1, 1, config
            )
            died.reusable = False
            done([died])


# -- forked workers ----------------------------------------------------------------------------

_INDEX_BYTES = 4  # a chunk's number, parent to worker
_SIZE_BYTES = 8  # a message's length, worker to parent, before the message (see _pack)
_SPAN = Finding._fields.index("span")


class _Forked:
    """A forked worker: its process, the pipe that takes it chunk numbers (closing it tells it
    to exit), the pipe its results come back through, and the chunk it is checking (-1: none)."""

    __slots__ = ("chunk", "pid", "results", "tasks")

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks
        self.results = results
        self.chunk = -1


def _fork_map(
    chunks: list[list[Candidate]], jobs: int, state: _WorkerState, done: Done
) -> list[Candidate]:
    import select

    workers: list[_Forked] = []
    lost: list[Candidate] = []
    todo = list(range(len(chunks) - 1, -1, -1))  # the next chunk last
    finished = False
    try:
        for _ in range(min(jobs, len(chunks))):
            workers.append(_fork(chunks, state, workers))
        live = {worker.results: worker for worker in workers}
        poll = select.poll()
        for worker in workers:
            poll.register(worker.results, select.POLLIN)
            _hand(worker, todo)
        while any(worker.chunk >= 0 for worker in live.values()):
            for fd, _ in poll.poll():
                worker = live[fd]
                message = _receive(fd)
                if message is None:  # it died, checking its chunk or idle
                    if worker.chunk >= 0:
                        lost += chunks[worker.chunk]
                    poll.unregister(fd)
                    del live[fd]
                    continue
                _hand(worker, todo)  # before reading the results, so that it goes on at once
                done(_unpack(message))
        for index in todo:  # left when every worker died
            lost += chunks[index]
        finished = True
    finally:
        for worker in workers:
            os.close(worker.tasks)  # the end of its input: it exits
            os.close(worker.results)
            if not finished:  # an error here or Ctrl-C: no need to wait for its chunk
                import signal

                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            os.waitpid(worker.pid, 0)
    return lost


def _hand(worker: _Forked, todo: list[int]) -> None:
    """The next chunk, if any, handed to `worker` (if it died meanwhile, its end of the pipe is
    closed: the chunk goes back, and its death shows when its results end)."""
    worker.chunk = -1
    if todo:
        index = todo.pop()
        try:
            os.write(worker.tasks, index.to_bytes(_INDEX_BYTES, "little"))
        except OSError:
            todo.append(index)
        else:
            worker.chunk = index


def _fork(chunks: list[list[Candidate]], state: _WorkerState, others: list[_Forked]) -> _Forked:
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    _widen(results_write)
    try:
        pid = os.fork()
    except OSError:  # (EAGAIN: too many processes) the run stops with it, no pipe left open
        for fd in (tasks_read, tasks_write, results_read, results_write):
            os.close(fd)
        raise
    if pid == 0:  # the worker
        # Only the parent may hold the other workers' pipe ends: a worker that kept one open
        # would keep that worker from seeing the end of its input.
        for fd in (tasks_write, results_read, *(f for o in others for f in (o.tasks, o.results))):
            os.close(fd)
        _serve(chunks, state, tasks_read, results_write)
    os.close(tasks_read)
    os.close(results_write)
    return _Forked(pid, tasks_write, results_read)


def _widen(fd: int) -> None:
    """A pipe that holds a chunk's results (a megabyte), where Linux lets it (64 KB by default):
    the worker goes on to its next chunk instead of waiting for this process to read them (its
    writes waited 13-17 ms per moto+botocore run)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or above the user's limit (/proc/sys/fs/pipe-max-size)


def _serve(
    chunks: list[list[Candidate]], state: _WorkerState, tasks: int, results: int
) -> NoReturn:
    """A worker's life: check each chunk whose number comes in, send back its results (or the
    exception that stopped it: a failing plugin stops the run), exit at the end of the input."""
    code = 0
    try:
        _init_worker(*state)
        while (index := _read(tasks, _INDEX_BYTES)) is not None:
            chunk = chunks[int.from_bytes(index, "little")]
            try:
                message = _pack(_check_chunk(chunk))
            except Exception as exc:
                import pickle

                try:
                    message = _ERROR + pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
                except Exception:
                    error = RuntimeError(f"{type(exc).__name__}: {exc}")
                    message = _ERROR + pickle.dumps(error, pickle.HIGHEST_PROTOCOL)
            _write(results, len(message).to_bytes(_SIZE_BYTES, "little"))
            _write(results, message)
    except BaseException:  # Ctrl-C, or the parent gone (a closed pipe): nothing to report to
        code = 1
    finally:
        os._exit(code)  # not the parent's exit handlers, nor its buffered output


# A message's first byte: how the rest is encoded (see _pack).
_ROWS, _PICKLED, _ERROR = b"r", b"p", b"e"


def _pack(results: list[FileResult]) -> bytes:
    """A chunk's results as a message: plain tuples and lists that `marshal` writes (the outcome's
    status by its value, each finding's span spread among its fields). Pickling the results as
    they are called a Python method for every NamedTuple, twice per finding: 38 ms of the two
    workers' time per moto+botocore run against 19 ms. What `marshal` refuses (a plugin's own
    `str` subclass in a finding) goes pickled."""
    import marshal

    rows = [
        (
            r.outcome.path,
            r.outcome.status.value,
            *r.outcome[2:],  # (the status is the outcome's second field)
            [(*f[:_SPAN], *f.span, *f[_SPAN + 1 :]) for f in r.findings],
            r.suppressed,
            r.reusable,
        )
        for r in results
    ]
    try:
        return _ROWS + marshal.dumps(rows)
    except ValueError:
        import pickle

        return _PICKLED + pickle.dumps(results, pickle.HIGHEST_PROTOCOL)


def _unpack(message: bytes) -> list[FileResult]:
    """The results in a message from `_pack`; the exception it carries, raised."""
    kind, body = message[:1], memoryview(message)[1:]
    if kind != _ROWS:
        import pickle  # (only then: 3 ms to import)

        if kind == _ERROR:
            raise pickle.loads(body)
        results: list[FileResult] = pickle.loads(body)
        return results
    import marshal

    from nomock_lint.api import FileResult
    from nomock_lint.facts import Span
    from nomock_lint.model import FileOutcome, FileStatus

    new = tuple.__new__  # what a NamedTuple's own `__new__` calls, in Python, with its fields
    status = {s.value: s for s in FileStatus}
    end = _SPAN + len(Span._fields)
    return [
        FileResult(
            new(FileOutcome, (path, status[value], *outcome)),
            [new(Finding, (*f[:_SPAN], new(Span, f[_SPAN:end]), *f[end:])) for f in findings],
            suppressed,
            reusable,
        )
        for path, value, *outcome, findings, suppressed, reusable in marshal.loads(body)
    ]


def _receive(fd: int) -> bytes | None:
    """One message from a worker; None if it died before sending all of it."""
    size = _read(fd, _SIZE_BYTES)
    return None if size is None else _read(fd, int.from_bytes(size, "little"))


def _read(fd: int, size: int) -> bytes | None:
    """Exactly `size` bytes, or None at the end of the input."""
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
