"""What the archive holds, as small tables: per section, day and source, recent runs, failures, repairs.

Each function takes an Archive, a sqlite-utils Database or a sqlite3 connection and returns rows (dicts), so the
CLI, the demo and a notebook print or plot the same numbers.
"""

from __future__ import annotations

from typing import Any

from archive.rows import Rows, query_rows
from archive.search import connection, where_window
from archive.store import SKIP_STAGE


def _rows(db: Any, sql: str, params: dict | list = ()) -> Rows:
    return query_rows(connection(db).execute(sql, params))


REPAIRS_SQL = """SELECT repair.key AS repair, count(*) AS records, sum(repair.value) AS changes
                 FROM articles, json_each(articles.quality, '$.repairs') AS repair
                 WHERE json_valid(articles.quality) AND repair.value > 0
                 GROUP BY repair.key ORDER BY records DESC, repair"""


def per_section(db: Any, since: str | None = None, until: str | None = None) -> list[dict]:
    where, params = where_window(since, until)
    return _rows(
        db,
        f"""SELECT coalesce(section, '') AS section, count(*) AS articles FROM articles {where}
            GROUP BY 1 ORDER BY articles DESC, section""",
        params,
    )


def per_day(db: Any, since: str | None = None, until: str | None = None) -> list[dict]:
    """Articles per publication day (the portal's local date, the first 10 characters of published_at)."""
    where, params = where_window(since, until)
    return _rows(
        db,
        f"""SELECT coalesce(substr(published_at, 1, 10), '') AS day, count(*) AS articles FROM articles {where}
            GROUP BY 1 ORDER BY day DESC""",
        params,
    )


def per_source(db: Any, since: str | None = None, until: str | None = None, limit: int = 20) -> list[dict]:
    where, params = where_window(since, until)
    return _rows(
        db,
        f"""SELECT coalesce(source, '') AS source, count(*) AS articles FROM articles {where}
            GROUP BY 1 ORDER BY articles DESC, source LIMIT :limit""",
        {**params, "limit": limit},
    )


def latest_runs(db: Any, limit: int = 10) -> list[dict]:
    return _rows(
        db,
        """SELECT id, started_at, finished_at, status, finish_reason, new, updated, unchanged, failed, skipped,
                  exit_code, alerts
           FROM crawl_runs ORDER BY id DESC LIMIT ?""",
        [limit],
    )


def failures_by_reason(db: Any, limit: int = 20) -> list[dict]:
    """Failures (not skipped non-articles) grouped by stage and reason, most frequent first."""
    return _rows(
        db,
        """SELECT stage, reason, count(*) AS failures, max(at) AS last_at FROM failures WHERE stage != ?
           GROUP BY stage, reason ORDER BY failures DESC, stage, reason LIMIT ?""",
        [SKIP_STAGE, limit],
    )


def skipped_by_reason(db: Any) -> list[dict]:
    return _rows(
        db,
        """SELECT reason, count(DISTINCT url_or_path) AS pages FROM failures WHERE stage = ?
           GROUP BY reason ORDER BY pages DESC, reason""",
        [SKIP_STAGE],
    )


def repairs_by_kind(db: Any) -> list[dict]:
    """For each repair that fired anywhere: how many records it touched and how many changes it made in all."""
    return _rows(db, REPAIRS_SQL)


def overview(db: Any, since: str | None = None, until: str | None = None) -> dict[str, list[dict]]:
    """Every table above, by name, in the order ``newsarchive stats`` prints them."""
    return {
        "sections": per_section(db, since, until),
        "days": per_day(db, since, until),
        "sources": per_source(db, since, until),
        "runs": latest_runs(db),
        "failures": failures_by_reason(db),
        "skipped": skipped_by_reason(db),
        "repairs": repairs_by_kind(db),
    }
