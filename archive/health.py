"""Judge a finished crawl run the way an operator would, for cron: exit code, alerts, one-line summary.

Exit codes (documented in docs/cron.md): 0 ok; 1 failures above the threshold; 3 the run found far fewer articles
than recent runs did (a redesign or a block, usually); 130 interrupted. 2 (usage) and 75 (locked) are decided
before a crawl starts.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

OK, FAILURES, ALERT, INTERRUPTED = 0, 1, 3, 130
FOUND_KEYS = ("new", "updated", "unchanged", "failed", "skipped")
HISTORY = 5


def close_dead_runs(archive) -> int:
    """Mark runs still 'running' as killed. Only called under the crawl lock, when no other run can be alive."""
    with archive.batch():
        cursor = archive.conn.execute(
            "UPDATE crawl_runs SET status = 'interrupted', finish_reason = 'killed' WHERE status = 'running'")
    return cursor.rowcount


def articles_found(run: dict[str, Any]) -> int:
    """Article URLs a run met on list pages: fetched ones (whatever became of them) plus known ones it skipped."""
    stats = run.get("stats") or {}
    if isinstance(stats, str):
        stats = json.loads(stats)
    return sum(int(run.get(k) or 0) for k in FOUND_KEYS) + int(stats.get("newsarchive/known_skipped", 0))


def assess(archive, run_id: int, *, max_failure_rate: float = 0.2, drop_ratio: float = 0.5) -> dict[str, Any]:
    """The run's summary with ``exit_code`` and ``alerts`` (human sentences), compared with earlier runs."""
    rows = list(archive.db.query(
        "SELECT * FROM crawl_runs WHERE id <= ? AND finished_at IS NOT NULL AND options = "
        "(SELECT options FROM crawl_runs WHERE id = ?) ORDER BY id DESC LIMIT ?", [run_id, run_id, HISTORY + 1]))
    run = rows[0] if rows and rows[0]["id"] == run_id else archive.db["crawl_runs"].get(run_id)
    stats = json.loads(run.get("stats") or "{}")
    summary = archive.run_summary(run_id)
    found = articles_found(run)
    summary.update(
        articles_found=found,
        known_skipped=int(stats.get("newsarchive/known_skipped", 0)),
        requests=int(stats.get("downloader/request_count", 0)),
        pages=int(stats.get("response_received_count", 0)),
        duration_s=round(float(stats.get("elapsed_time_seconds", 0.0)), 1),
    )
    alerts = []
    code = OK
    if run.get("status") == "interrupted" and run.get("finish_reason") in ("shutdown", "killed", "interrupted"):
        code = INTERRUPTED
        alerts.append(f"run {run_id} was interrupted ({run.get('finish_reason')})")
    failed = int(run.get("failed") or 0)
    if found and failed / found > max_failure_rate:
        code = code or FAILURES
        alerts.append(f"{failed} of {found} article pages failed (threshold {max_failure_rate:.0%})")
    earlier = [articles_found(r) for r in rows[1:] if r.get("status") == "finished"]
    if len(earlier) >= 2:
        usual = statistics.median(earlier)
        if usual >= 10 and found < usual * drop_ratio:
            code = code or ALERT
            alerts.append(f"found {found} articles, far fewer than the {usual:g} of recent runs")
    summary["alerts"] = alerts
    summary["exit_code"] = code
    return summary
