"""``clean_page`` in worker processes, with a time limit per page: the one way bulk work and crawls clean pages.

A page can cost far more than its size suggests (``pipelines.markup_limits`` refuses the known cases before
parsing, but a C parser or a regex cannot be interrupted from inside its thread). In a worker process the page has
a deadline: a worker that overruns it is killed and replaced, and the page becomes ``Outcome("failed")`` with the
reason, so one page can neither stall a crawl's reactor nor an import. With several workers, bulk commands
(``import``, ``reprocess``) clean on every core while their one writer stores the results in input order.

Each worker is a fresh interpreter (``python -c``), not a fork: it inherits none of the parent's threads (a crawl's
reactor), locks or open files, and does not re-run the parent's ``__main__`` as multiprocessing's spawn would. A
replacement imports the cleaner (about a second) while the others go on; a page's clock starts only once its worker
is ready. A worker ignores SIGINT (Ctrl-C reaches the parent, which stops them) and exits when its parent's end of
the socket closes, the parent's death included.

``clean`` may be called from several threads at once (a crawl's cleaning threads); ``ordered`` does the threading
itself. Nothing here imports Scrapy or the archive.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from pipelines.clean import Outcome

PAGE_SECONDS = 10.0
"""The default time limit per page: a hundred times what a large article takes, on a loaded machine."""
READ_AHEAD = 16
"""Items per worker that bulk work (``ordered``) reads ahead of the one its writer is storing. The writer stalls
now and then (a commit, an fsync): with a short window the workers then ran out of pages, and two cores gave
1.44 times one core's import rate instead of 1.66 (``python -m bench.parallel_clean``)."""
READ_AHEAD_BYTES = 64 << 20
"""…and no more than this much page data held in that window (pages near the input cap are few but large)."""
_POLL = 0.1
"""How often a waiting caller looks whether the pool was cancelled."""
_START_SECONDS = 120.0
"""A worker that has not imported the cleaner by then is broken (the machine is not merely busy)."""

T = TypeVar("T")


class Cancelled(Exception):
    """The pool was cancelled (a crawl is stopping) before this page's cleaning finished."""


def available_cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _serve(fd: int) -> None:
    """A worker's loop: say it is ready, then clean each page sent and send back its Outcome, until the parent
    closes its end (or dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(fd)
    from pipelines.clean import clean_page

    conn.send(_READY)
    while True:
        try:
            args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(clean_page(*args, **kwargs))
        except OSError:  # the parent stopped waiting (time limit, shutdown) and closed its end
            return


_READY = "ready"
_START = "import sys; from pipelines.cleaner_pool import _serve; _serve(int(sys.argv[1]))"


class _Worker:
    """One cleaning process, a fresh interpreter (never a fork of a crawl's threads), found on the parent's path."""

    def __init__(self):
        mine, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen([sys.executable, "-c", _START, str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(mine.detach())
        self.ready = False

    def wait_ready(self, cancelled: threading.Event) -> None:
        """Wait until the worker has imported the cleaner, so its import time never counts against a page."""
        deadline = time.monotonic() + _START_SECONDS
        while not self.ready:
            if cancelled.is_set():
                raise Cancelled("the cleaner pool was stopped")
            if time.monotonic() > deadline:
                raise OSError(f"the cleaner process did not start within {_START_SECONDS:g} s")
            if self.conn.poll(_POLL):
                self.ready = self.conn.recv() == _READY

    def stop(self, *, kill: bool = False) -> None:
        self.conn.close()  # a worker waiting for a page reads EOF and exits
        if kill:
            self.process.kill()
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(2)


class CleanerPool:
    """``workers`` cleaning processes, each page limited to ``time_limit`` seconds. Close it (or use ``with``)."""

    def __init__(self, workers: int = 1, *, time_limit: float = PAGE_SECONDS):
        if workers < 1:
            raise ValueError(f"a cleaner pool needs at least one worker, not {workers}")
        self.workers = workers
        self.time_limit = time_limit
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._cancelled = threading.Event()
        self._started = 0  # workers are started on demand: a one-file import needs one
        self._starting = threading.Lock()

    def start(self) -> None:
        """Start every worker now rather than on demand, so a crawl's first page does not wait for one."""
        with self._starting:
            while self._started < self.workers:
                self._started += 1
                self._idle.put(_Worker())

    def __enter__(self) -> "CleanerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def clean(self, data: bytes | str, **kwargs: Any) -> Outcome:
        """``clean_page(data, **kwargs)`` in a worker: its Outcome, or a failed one when the page overran the time
        limit or killed its worker. Raises ``Cancelled`` once ``cancel()`` was called."""
        worker = self._take()
        try:
            worker.wait_ready(self._cancelled)
            worker.conn.send(((data,), kwargs))
        except Cancelled:
            worker.stop(kill=True)
            raise
        except (OSError, EOFError, ValueError) as exc:  # the worker died before it read the page
            self._give_back(self._replace(worker))
            return Outcome("failed", f"clean: the cleaner process failed ({type(exc).__name__}: {exc})")
        try:
            worker, outcome = self._wait(worker)
        except BaseException:  # cancelled, or interrupted: the worker may be busy with the page, so it goes
            worker.stop(kill=True)
            raise
        self._give_back(worker)
        return outcome

    def ordered(self, items: Iterable[T], job: Callable[[T], tuple[bytes | str, dict] | None]
                ) -> Iterator[tuple[T, Outcome | None]]:
        """``(item, outcome)`` for each item, in the items' order, cleaning ``workers`` of them at a time.

        ``job(item)`` gives ``(data, kwargs)`` to clean, or None for an item with nothing to clean (its outcome is
        None). Up to ``READ_AHEAD`` items per worker are read ahead of the one yielded, and no more than
        ``READ_AHEAD_BYTES`` of their data, so memory stays bounded whatever the input's length. Leaving the loop
        early cancels the pool.
        """
        window: deque[tuple[T, Any, int]] = deque()
        held = 0  # bytes of data in the window
        with ThreadPoolExecutor(self.workers, thread_name_prefix="newsarchive-clean") as threads:
            try:
                for item in items:
                    work = job(item)
                    size = 0 if work is None else len(work[0])
                    window.append((item, None if work is None else threads.submit(self.clean, work[0], **work[1]),
                                   size))
                    held += size
                    while len(window) > READ_AHEAD * self.workers or (
                            held > READ_AHEAD_BYTES and len(window) > 2 * self.workers):
                        held -= window[0][2]
                        yield _settled(window.popleft())
                while window:
                    yield _settled(window.popleft())
            except BaseException:
                self.cancel()  # the threads stop waiting at once, so leaving the executor does not wait for pages
                raise

    def cancel(self) -> None:
        """Stop: pages being cleaned are abandoned (their workers killed), later calls raise ``Cancelled``."""
        self._cancelled.set()

    def close(self) -> None:
        self.cancel()
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop(kill=True)

    def _take(self) -> _Worker:
        while True:
            if self._cancelled.is_set():
                raise Cancelled("the cleaner pool was stopped")
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._starting:
                if self._started < self.workers:
                    self._started += 1
                    return _Worker()
            try:
                return self._idle.get(timeout=_POLL)
            except queue.Empty:
                continue

    def _wait(self, worker: _Worker) -> tuple[_Worker, Outcome]:
        deadline = time.monotonic() + self.time_limit
        while True:
            if self._cancelled.is_set():
                raise Cancelled("the cleaner pool was stopped")
            left = deadline - time.monotonic()
            if left <= 0:
                return self._replace(worker), Outcome(
                    "failed", f"clean: over the time limit of {self.time_limit:g} s per page (the cleaner was stopped)")
            if worker.conn.poll(min(left, _POLL)):
                try:
                    return worker, worker.conn.recv()
                except (EOFError, OSError):
                    worker.process.join(1)
                    code = worker.process.exitcode
                    return self._replace(worker), Outcome("failed", f"clean: the cleaner process died (exit {code})")

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        return _Worker()

    def _give_back(self, worker: _Worker) -> None:
        if self._cancelled.is_set():  # close() may already have stopped the idle ones
            worker.stop(kill=True)
        else:
            self._idle.put(worker)


def _settled(entry: tuple[T, Any, int]) -> tuple[T, Outcome | None]:
    item, future, _ = entry
    return item, None if future is None else future.result()
