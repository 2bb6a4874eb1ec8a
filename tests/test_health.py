"""``newsarchive health``: the latest crawl's verdict, age and failures by cause, with Nagios exit codes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.health import FAILURES, INTERRUPTED, NAGIOS, assess, cause, check, record_verdict
from archive.store import Archive
from newsarchive.cli import cli

CASES = json.loads((Path(__file__).parent / "cases" / "failure_causes.json").read_text(encoding="utf-8"))["cases"]
CRAWL = {"spider": "portal", "profile": "cbg", "base_url": None}


@pytest.mark.parametrize(("reason", "stage", "expected"), CASES)
def test_each_failure_reason_has_its_cause(reason, stage, expected):
    assert cause(reason, stage) == expected


def crawl_run(archive, failures=(), verdict=None, ok_pages=0) -> int:
    run = archive.start_run(CRAWL)
    for n, reason in enumerate(failures):
        archive.record_failure(run, f"https://www.cbg.cn/show/705-{n}.html", "fetch", reason)
    archive.finish_run(run, counts={"new": ok_pages, "updated": 0, "unchanged": 0, "failed": len(failures)})
    if verdict is not None:
        record_verdict(archive, run, {"exit_code": verdict, "alerts": [f"verdict {verdict}"] if verdict else []})
    return run


@pytest.fixture
def arc(tmp_path):
    with Archive(tmp_path / "news.db") as archive:
        yield archive


def test_no_crawl_yet_is_unknown(arc):
    arc.finish_run(arc.start_run({"command": "import"}))  # imports are not crawls
    assert check(arc)["state"] == "UNKNOWN" and check(arc)["exit_code"] == 3


def test_a_recent_good_crawl_is_ok(arc):
    crawl_run(arc, verdict=0, ok_pages=5)
    result = check(arc)
    assert (result["state"], result["exit_code"], result["new"]) == ("OK", 0, 5)
    assert result["message"].startswith("run 1 finished 0 min ago; 5 new")


def test_a_failed_crawl_is_critical_with_its_alerts(arc):
    crawl_run(arc, verdict=0)
    crawl_run(arc, verdict=FAILURES, failures=["HTTP 503"])
    result = check(arc)
    assert (result["state"], result["exit_code"], result["alerts"]) == ("CRITICAL", 2, [f"verdict {FAILURES}"])
    assert result["failures_by_cause"] == {"HTTP 503": 1}


def test_a_total_dns_failure_names_its_cause(arc):
    reason = "DNSLookupError: DNS lookup failed: no results for hostname lookup: www.cbg.cn."
    run = crawl_run(arc, failures=[reason] * 6)
    judged = assess(arc, run)
    assert judged["exit_code"] == FAILURES
    assert judged["alerts"] == ["6 of 6 pages failed (threshold 20%): 6 DNS lookups failed "
                                "(is the network or the resolver down?)"]
    result = check(arc)  # no verdict stored (a `scrapy crawl` run): judged now, the same way
    assert result["state"] == "CRITICAL" and "DNS lookups failed" in result["message"]


def test_a_stale_archive_is_critical(arc):
    crawl_run(arc, verdict=0)
    later = datetime.now(timezone.utc) + timedelta(hours=4)
    result = check(arc, max_age_hours=3, now=later)
    assert result["state"] == "CRITICAL" and "no crawl finished in 3 h (the last 4.0 h ago)" in result["message"]


def test_one_clean_stop_is_nothing_two_in_a_row_a_warning(arc):
    crawl_run(arc, verdict=0)
    crawl_run(arc, verdict=INTERRUPTED)
    assert check(arc)["state"] == "OK"
    crawl_run(arc, verdict=INTERRUPTED)
    result = check(arc)
    assert (result["state"], result["exit_code"]) == ("WARNING", 1) and "runs 2 and 3" in result["message"]


def test_the_command_prints_one_nagios_line_and_exits_with_its_code(arc):
    crawl_run(arc, verdict=FAILURES, failures=["HTTP 503", "HTTP 503", "TimeoutError: took longer than 180 s"])
    result = CliRunner().invoke(cli, ["health", "--db", str(arc.path)])
    assert result.exit_code == NAGIOS["CRITICAL"]
    first, *rest = result.stdout.splitlines()
    assert first.startswith("NEWSARCHIVE CRITICAL - verdict 1; 0 new, 0 updated, 3 failed; 0 articles | age=")
    assert rest == ["alert: verdict 1", "failed: 2 HTTP 503", "failed: 1 timeout"]
    data = json.loads(CliRunner().invoke(cli, ["health", "--db", str(arc.path), "--format", "json"]).stdout)
    assert data["state"] == "CRITICAL" and data["crawl_exit_code"] == FAILURES


def test_no_archive_is_unknown_not_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["health", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 3 and result.stdout.startswith("NEWSARCHIVE UNKNOWN - no archive at")


def test_runs_shows_the_stored_verdict(arc):
    crawl_run(arc, verdict=FAILURES, failures=["HTTP 503"])
    rows = json.loads(CliRunner().invoke(cli, ["runs", "--db", str(arc.path), "--format", "json"]).stdout)
    assert rows[0]["exit_code"] == FAILURES and json.loads(rows[0]["alerts"]) == ["verdict 1"]
