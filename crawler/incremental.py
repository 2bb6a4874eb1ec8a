"""What a scheduled crawl may skip, decided from the archive itself (no side file to drift out of step).

An article already archived is not fetched again, unless it was published inside the revisit window (default
3 days), when corrections are still likely; those are re-fetched with their stored validators, so an unchanged
page costs a 304 and no parsing. A page archived as a non-article stays one. A page that failed is tried again
by the next runs (most failures are passing: a 503, a timeout) until it has failed in ``give_up_after`` runs; a
404 or 410 is final at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive import walks
from pipelines.urls import article_id


@dataclass(frozen=True)
class Known:
    revisit: bool
    etag: str | None
    last_modified: str | None


class ArchiveState:
    """Read-only view of the archive for the spider (the pipeline holds the only writer)."""

    def __init__(self, db_path: str | Path, revisit_days: float = 3.0, now: datetime | None = None,
                 give_up_after: int = 3):
        self.cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=revisit_days)
        self.give_up_after = give_up_after
        path = Path(db_path)
        self.con = None
        if path.exists():
            self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)

    def lookup(self, portal_url: str) -> Known | None:
        """None for an article the archive does not hold; else whether to revisit it, with its validators."""
        if self.con is None:
            return None
        try:
            # The article itself, or the one this URL redirected to when last fetched (archive.store.record_aliases).
            row = self.con.execute(
                "select published_at, first_seen, etag, last_modified from articles where id = coalesce("
                "(select id from articles where id = ?1),"
                " (select article_id from article_aliases where alias_id = ?1))",
                (article_id(portal_url),),
            ).fetchone()
        except sqlite3.OperationalError:  # an archive created before the first crawl has no table yet
            return None
        if row is None:
            return self._settled(portal_url)
        published_at, first_seen, etag, last_modified = row
        return Known(revisit=_after(published_at or first_seen, self.cutoff), etag=etag, last_modified=last_modified)

    def last_walk_complete(self, profile: str) -> bool:
        """Whether every walk of this profile since the last complete exhaustive one reached its natural end
        (``archive.walks``): stopping at the first known list page is only sound then.

        Without an archive (a worker on another machine) or one that predates walks, nothing says so: False.
        """
        if self.con is None:
            return False
        try:
            return not walks.gap(self.con, profile)
        except sqlite3.OperationalError:
            return False

    def _settled(self, portal_url: str) -> Known | None:
        """Known-for-good for a page that is not an article, gone (404/410) or failed too often; else None."""
        row = self.con.execute(
            "select max(stage = 'skip'), max(reason in ('HTTP 404', 'HTTP 410')), "
            "count(distinct case when stage != 'skip' then run_id end) from failures where url_or_path = ?",
            (portal_url,)).fetchone()
        skipped, gone, failed_runs = row
        if skipped or gone or (failed_runs or 0) >= self.give_up_after:
            return Known(revisit=False, etag=None, last_modified=None)
        return None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()


def _after(stamp: str | None, cutoff: datetime) -> bool:
    if not stamp:
        return True
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when >= cutoff
