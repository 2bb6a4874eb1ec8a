"""Which process owns a run, so any later run can tell a killed run from a live one, whatever its kind.

A run row says ``running`` until its process finishes it; a process killed with SIGKILL (or a machine that lost
power) never does. Every run records its owner, ``host:pid:start`` (the process start time from /proc, so a pid
the system reused for another process is not mistaken for the run's), and a later run on the same host closes
the runs whose owner is gone. Runs of other hosts cannot be judged from here and are left alone.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or None off Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat[stat.rindex(")") + 2:].split()[19]


def current() -> str:
    """This process's owner token."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid) or ''}"


def alive(owner: str) -> bool | None:
    """Whether the owning process still runs: True, False, or None for another host (or a token unread)."""
    try:
        host, pid_text, started = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    now = _started(pid)
    if now is not None:
        return not started or now == started
    if Path("/proc").is_dir():  # Linux, and no entry for the pid: the process is gone
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds the pid
        return True
    return True
