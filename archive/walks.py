"""Walks: one pass of a crawl over a profile's list pages, and whether it reached its natural end.

An incremental crawl stops paging a list at the first page that holds nothing new. That is sound only if every
page past it was walked once already. A walk that was killed, stopped or cut by a limit leaves a gap behind that
point; until a walk that pages every list to the end (a catch-up walk, or ``--full``) completes, every next run
must page every list to the end too.

So every mode records its walks in the ``walks`` table, the one place that says whether there is a gap:

- a local crawl records its own walk (``crawler.pipelines.ArchivePipeline``), keyed ``run:<run id>``;
- a fleet of workers is one walk, keyed by a token in Redis: the worker that starts the fleet's run sends the
  start and the last worker out sends the end, as envelopes of kind ``walk``; the writer stores them here. A worker
  that died, or stopped before the end, makes the fleet's walk incomplete.

A walk that never ended (its process, or the whole fleet, was killed) stays open, and an open walk is incomplete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from archive.store import utc_now

def start(archive, walk: str, profile: str, mode: str, *, exhaustive: bool, run_id: int | None) -> None:
    """Record that a walk began (again: a resumed fleet walk keeps its first start)."""
    with archive.batch():
        archive.conn.execute(
            "INSERT OR IGNORE INTO walks (walk, profile, mode, exhaustive, run_id, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [walk, profile, mode, int(bool(exhaustive)), run_id, utc_now()])


def end(archive, walk: str, profile: str, mode: str, *, complete: bool, reason: str, run_id: int | None) -> None:
    """Record how a walk ended; a walk whose start was never recorded is recorded as not exhaustive, and one
    recorded incomplete stays so."""
    with archive.batch():
        start(archive, walk, profile, mode, exhaustive=False, run_id=run_id)
        # Once incomplete, always: a later end from a worker that missed the news must not heal the walk.
        archive.conn.execute(
            "UPDATE walks SET finished_at = ?1, complete = CASE WHEN complete = 0 THEN 0 ELSE ?2 END,"
            " reason = CASE WHEN complete = 0 THEN reason ELSE ?3 END WHERE walk = ?4",
            [utc_now(), int(bool(complete)), reason, walk])


def gap(con: sqlite3.Connection, profile: str) -> bool:
    """Whether some walk of ``profile`` since the last complete exhaustive one did not complete (or is open)."""
    row = con.execute(
        """SELECT count(*) FROM walks WHERE profile = ?1 AND complete IS NOT 1 AND id > coalesce(
               (SELECT max(id) FROM walks WHERE profile = ?1 AND complete = 1 AND exhaustive = 1), 0)""",
        [profile]).fetchone()
    return bool(row[0])


def store(archive, event: Mapping[str, Any], run_id: int | None) -> None:
    """A walk envelope (``pipelines.envelope.walk``), as the writer receives it."""
    mode = event.get("mode", "fleet")
    if event["event"] == "start":
        start(archive, event["walk"], event["profile"], mode, exhaustive=bool(event.get("exhaustive")), run_id=run_id)
    else:
        end(archive, event["walk"], event["profile"], mode, complete=bool(event.get("complete")),
            reason=str(event.get("reason") or ""), run_id=run_id)
