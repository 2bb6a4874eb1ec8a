"""Judge a finished crawl run the way an operator would, for cron: exit code, alerts, one-line summary.

Exit codes (documented in docs/cron.md): 0 ok; 1 new failures (pages that had not failed before) above the
threshold; 3 the run found far fewer articles than recent runs did (a redesign or a block, usually); 130
interrupted. 2 (usage) and 75 (locked) are decided before a crawl starts.

"Far fewer" compares the articles listed on the *front pages* (page 1 of each start list) with the median of the
last runs. How many articles a run stores or how deep it pages says little in an incremental crawl (an hourly run
stores a handful and stops at the first known page), but the front pages carry a full list on every healthy run,
and an empty or shrunken one is what a changed template, a block page or a broken selector looks like.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from archive.store import RUN_COUNTS

OK, FAILURES, ALERT, INTERRUPTED = 0, 1, 3, 130
FRONT = "newsarchive/front_page_articles"
HISTORY = 5
MIN_USUAL = 10
INTERRUPT_REASONS = ("shutdown", "killed", "interrupted")


def new_failures(archive, run_id: int) -> int:
    """Failures of this run on pages that had not failed in an earlier run.

    Incremental runs retry failed pages (``crawler.incremental``); a page that is broken for good fails again in
    each, and those repeats, already recorded and already reported, must not fail every next run's exit code.
    """
    return archive.conn.execute(
        """SELECT count(DISTINCT url_or_path) FROM failures AS f WHERE run_id = ?1 AND stage != 'skip'
           AND NOT EXISTS (SELECT 1 FROM failures AS g WHERE g.url_or_path = f.url_or_path AND g.stage != 'skip'
                           AND g.run_id < ?1)""", [run_id]).fetchone()[0]


def _stats(run: dict[str, Any]) -> dict[str, Any]:
    stats = run.get("stats") or {}
    return json.loads(stats) if isinstance(stats, str) else stats


def front_page_articles(run: dict[str, Any]) -> int | None:
    """Articles listed on the run's front pages, or None for a run that did not record the figure."""
    value = _stats(run).get(FRONT)
    return None if value is None else int(value)


def assess(archive, run_id: int, *, max_failure_rate: float = 0.2, drop_ratio: float = 0.5) -> dict[str, Any]:
    """The run's summary with ``exit_code`` and ``alerts`` (human sentences), compared with earlier runs."""
    rows = list(archive.db.query(
        "SELECT * FROM crawl_runs WHERE id <= ? AND finished_at IS NOT NULL AND options IS "
        "(SELECT options FROM crawl_runs WHERE id = ?) ORDER BY id DESC LIMIT ?", [run_id, run_id, HISTORY + 1]))
    run = rows[0] if rows and rows[0]["id"] == run_id else archive.db["crawl_runs"].get(run_id)
    stats = _stats(run)
    summary = archive.run_summary(run_id)
    fetched = sum(int(run.get(k) or 0) for k in RUN_COUNTS)
    front = front_page_articles(run)
    summary.update(
        listed=int(stats.get("newsarchive/articles_listed", 0)),
        front_page=front,
        known_skipped=int(stats.get("newsarchive/known_skipped", 0)),
        not_modified=int(stats.get("newsarchive/not_modified", 0)),
        requests=int(stats.get("downloader/request_count", 0)),
        pages=int(stats.get("response_received_count", 0)),
        duration_s=round(float(stats.get("elapsed_time_seconds", 0.0)), 1),
        memory_mb=round(int(stats.get("memusage/max", 0)) / 2**20),
    )
    alerts = []
    code = OK
    if run.get("status") == "interrupted" and run.get("finish_reason") in INTERRUPT_REASONS:
        code = INTERRUPTED
        alerts.append(f"run {run_id} was interrupted ({run.get('finish_reason')})")
    failed = int(run.get("failed") or 0)
    fresh = new_failures(archive, run_id)
    summary["new_failures"] = fresh
    if fetched and fresh / fetched > max_failure_rate:
        code = code or FAILURES
        again = f"; {failed - fresh} of them had failed before" if failed > fresh else ""
        alerts.append(f"{failed} of {fetched} pages failed (threshold {max_failure_rate:.0%}){again}")
    earlier = [front_page_articles(r) for r in rows[1:] if r.get("status") == "finished"]
    earlier = [n for n in earlier if n is not None]
    if front is not None and len(earlier) >= 2:
        usual = statistics.median(earlier)
        if usual >= MIN_USUAL and front < usual * drop_ratio:
            code = code or ALERT
            alerts.append(f"the front pages listed {front} articles, far fewer than the {usual:g} of recent runs")
    summary["alerts"] = alerts
    summary["exit_code"] = code
    return summary
