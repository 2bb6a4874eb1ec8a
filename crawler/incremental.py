"""What a scheduled crawl may skip, decided from the archive itself (no side file to drift out of step).

An article already archived is not fetched again, unless it was published inside the revisit window (default
3 days), when corrections are still likely; those are re-fetched with their stored validators, so an unchanged
page costs a 304 and no parsing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipelines.urls import article_id


@dataclass(frozen=True)
class Known:
    revisit: bool
    etag: str | None
    last_modified: str | None


class ArchiveState:
    """Read-only view of the archive for the spider (the pipeline holds the only writer)."""

    def __init__(self, db_path: str | Path, revisit_days: float = 3.0, now: datetime | None = None):
        self.cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=revisit_days)
        path = Path(db_path)
        self.con = None
        if path.exists():
            self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)

    def lookup(self, portal_url: str) -> Known | None:
        """None for an article the archive does not hold; else whether to revisit it, with its validators."""
        if self.con is None:
            return None
        try:
            row = self.con.execute(
                "select published_at, first_seen, etag, last_modified from articles where id = ?",
                (article_id(portal_url),),
            ).fetchone()
        except sqlite3.OperationalError:  # an archive created before the first crawl has no table yet
            return None
        if row is None:
            return self._skipped(portal_url)
        published_at, first_seen, etag, last_modified = row
        return Known(revisit=_after(published_at or first_seen, self.cutoff), etag=etag, last_modified=last_modified)

    def _skipped(self, portal_url: str) -> Known | None:
        """A page archived as a non-article (a video page, say) stays one: no need to fetch it every run."""
        row = self.con.execute("select 1 from failures where url_or_path = ? and stage = 'skip' limit 1",
                               (portal_url,)).fetchone()
        return Known(revisit=False, etag=None, last_modified=None) if row else None

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
