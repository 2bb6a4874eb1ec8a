"""Judge a finished crawl run the way an operator would, for cron: exit code, alerts, one-line summary.

Exit codes (documented in docs/cron.md): 0 ok; 1 new failures (pages that had not failed before) above the
threshold; 3 the run found far fewer articles than recent runs did (a redesign or a block, usually), or its template
drift verdict (``archive.drift``, stored in the run's stats) is an alert; 130 interrupted. 2 (usage) and 75 (locked)
are decided before a crawl starts.

"Far fewer" compares the articles listed on the *front pages* (page 1 of each start list) with the median of the
last runs. How many articles a run stores or how deep it pages says little in an incremental crawl (an hourly run
stores a handful and stops at the first known page), but the front pages carry a full list on every healthy run,
and an empty or shrunken one is what a changed template, a block page or a broken selector looks like.
"""

from __future__ import annotations

import json
import statistics
from datetime import datetime, timezone
from typing import Any

from archive import drift
from archive.store import RUN_COUNTS, SKIP_STAGE

OK, FAILURES, ALERT, INTERRUPTED = 0, 1, 3, 130
FRONT = "newsarchive/front_page_articles"
HISTORY = 5
MIN_USUAL = 10
INTERRUPT_REASONS = ("shutdown", "killed", "interrupted")


CAUSES = (
    ("dns", ("DNSLookupError", "gaierror", "No address associated", "Name or service not known")),
    ("timeout", ("TimeoutError", "TCPTimedOutError", "took longer than", "timed out")),
    ("refused", ("ConnectionRefusedError", "Connection was refused")),
    ("connection", ("ConnectionLost", "ConnectionDone", "ResponseNeverReceived", "ConnectError", "SSLError",
                    "ConnectionResetError", "ResponseFailed")),
)
"""Network causes of a failure, by words its reason contains (Twisted's and Scrapy's exception names)."""
CAUSE_WORDS = {"dns": "DNS lookups failed (is the network or the resolver down?)", "timeout": "timed out",
               "refused": "connections refused", "connection": "connections broken"}


def cause(reason: str | None, stage: str | None = None) -> str:
    """What a failure's reason says went wrong, for counting: ``dns``, ``timeout``, ``refused``, ``connection``,
    ``HTTP 404`` (and every other status as itself), else the stage (``clean``, ``store``…) it failed at."""
    reason = reason or ""
    if reason.startswith("HTTP "):
        return reason.split(":", 1)[0].strip()
    for name, words in CAUSES:
        if any(word in reason for word in words):
            return name
    return stage or "other"


def failures_by_cause(archive, run_id: int) -> dict[str, int]:
    """The run's failures (not skips) counted by ``cause``, most frequent first."""
    counts: dict[str, int] = {}
    for stage, reason, n in archive.conn.execute(
            "SELECT stage, reason, count(*) FROM failures WHERE run_id = ? AND stage != ? GROUP BY 1, 2",
            [run_id, SKIP_STAGE]):
        name = cause(reason, stage)
        counts[name] = counts.get(name, 0) + n
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def record_verdict(archive, run_id: int, summary: dict[str, Any]) -> None:
    """Keep what cron was told (the alerts and the exit code) on the run's row."""
    with archive.batch():
        archive.conn.execute("UPDATE crawl_runs SET alerts = ?, exit_code = ? WHERE id = ?",
                             [json.dumps(summary["alerts"], ensure_ascii=False), summary["exit_code"], run_id])


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
    causes = failures_by_cause(archive, run_id)
    summary.update(new_failures=fresh, failures_by_cause=causes)
    if fetched and fresh / fetched > max_failure_rate:
        code = code or FAILURES
        again = f"; {failed - fresh} of them had failed before" if failed > fresh else ""
        alerts.append(f"{failed} of {fetched} pages failed (threshold {max_failure_rate:.0%}): "
                      + ", ".join(f"{n} {CAUSE_WORDS.get(name, name)}" for name, n in causes.items()) + again)
    earlier = [front_page_articles(r) for r in rows[1:] if r.get("status") == "finished"]
    earlier = [n for n in earlier if n is not None]
    if front is not None and len(earlier) >= 2:
        usual = statistics.median(earlier)
        if usual >= MIN_USUAL and front < usual * drop_ratio:
            code = code or ALERT
            alerts.append(f"the front pages listed {front} articles, far fewer than the {usual:g} of recent runs")
    verdict = stats.get(drift.VERDICT) or {}
    if verdict.get("alert"):
        code = code or ALERT
        alerts.append(drift.message(verdict))
    summary["alerts"] = alerts
    summary["exit_code"] = code
    return summary


NAGIOS = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
"""``newsarchive health`` exits with the Nagios plugin codes, which monitors (Nagios, Icinga, Zabbix, Sensu) read."""
CRAWL_RUNS = "json_extract(options, '$.spider') IS NOT NULL"


def check(archive, max_age_hours: float = 3.0, now: datetime | None = None) -> dict[str, Any]:
    """The archive's health as a monitor sees it: ``state`` (a NAGIOS key), ``message``, the latest crawl run with
    its verdict (``alerts``, ``exit_code``: stored by ``newsarchive crawl``, else judged now), its age, and its
    failures by cause.

    CRITICAL: the latest crawl failed (exit 1) or raised an alert (3), or no crawl finished in ``max_age_hours``.
    WARNING: it was interrupted after an interrupted one (one interruption, a reboot say, is nothing to act on).
    UNKNOWN: no crawl has run yet.
    """
    now = now or datetime.now(timezone.utc)
    runs = list(archive.db.query(f"SELECT * FROM crawl_runs WHERE {CRAWL_RUNS} ORDER BY id DESC LIMIT 2"))
    finished = [run for run in runs if run["finished_at"]]
    if not finished:
        running = f" (run {runs[0]['id']} is running)" if runs else ""
        return {"state": "UNKNOWN", "exit_code": NAGIOS["UNKNOWN"], "message": "no crawl has finished yet" + running}
    run = finished[0]
    verdict = _verdict(archive, run)
    age = (now - datetime.fromisoformat(run["finished_at"])).total_seconds()
    summary = archive.run_summary(run["id"])
    result = {
        **summary, "alerts": verdict["alerts"], "crawl_exit_code": verdict["exit_code"], "age_s": round(age),
        "failures_by_cause": failures_by_cause(archive, run["id"]), "running": runs[0]["finished_at"] is None,
        "drift": _stats(run).get(drift.VERDICT),  # discovery, extractors, the selectors that stopped matching
    }
    state, reason = "OK", f"run {run['id']} {run['status']} {_ago(age)}"
    if verdict["exit_code"] in (FAILURES, ALERT):
        state, reason = "CRITICAL", "; ".join(verdict["alerts"]) or f"run {run['id']} exited {verdict['exit_code']}"
    elif age > max_age_hours * 3600:
        state, reason = "CRITICAL", f"no crawl finished in {max_age_hours:g} h (the last {_ago(age)})"
    elif verdict["exit_code"] == INTERRUPTED and len(finished) > 1 and _verdict(archive, finished[1])[
            "exit_code"] == INTERRUPTED:
        state, reason = "WARNING", f"runs {finished[1]['id']} and {run['id']} were both interrupted"
    counts = f"{summary['new']} new, {summary['updated']} updated, {summary['failed']} failed"
    result.update(state=state, exit_code=NAGIOS[state],
                  message=f"{reason}; {counts}; {summary['articles']:,} articles")
    return result


def _verdict(archive, run: dict[str, Any]) -> dict[str, Any]:
    if run.get("exit_code") is not None:
        return {"exit_code": run["exit_code"], "alerts": json.loads(run.get("alerts") or "[]")}
    judged = assess(archive, run["id"])
    return {"exit_code": judged["exit_code"], "alerts": judged["alerts"]}


def _ago(seconds: float) -> str:
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.1f} days ago"
