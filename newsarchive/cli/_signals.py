"""SIGTERM means what Ctrl-C means, from the command's first instant: the run is recorded and the exit code is 130.

Python dies of SIGTERM at once (exit 143, nothing recorded), and start-up (imports) takes about a second. So the
command line notes a SIGINT or SIGTERM that arrives while it starts (``defer``), and once it is ready (``arm``)
both raise KeyboardInterrupt. A command that records its run before it stops (``crawl``) opens its run and then
calls ``raise_pending``; every other command stops before it begins (``stop_before``).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

INTERRUPTED = 130
_pending: list[int] = []


def _note(signum, _frame) -> None:
    _pending.append(signum)


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def defer() -> None:
    """Note signals instead of dying, when this process is the ``newsarchive`` command (not a test importing it)."""
    entry = Path(sys.argv[0]) if sys.argv else Path()
    if entry.name != "newsarchive" and entry.parts[-2:] != ("newsarchive", "__main__.py"):
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _note)


def arm() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)


def pending() -> bool:
    return bool(_pending)


def raise_pending() -> None:
    """Raise KeyboardInterrupt for a signal that came during start-up."""
    if _pending:
        raise KeyboardInterrupt(signal.Signals(_pending[0]).name)


def stop_before(command: str) -> None:
    if _pending:
        print(f"newsarchive {command}: interrupted before it started", file=sys.stderr)
        sys.exit(INTERRUPTED)
