"""Issue 6: ``newsarchive crawl`` behaves as a cron job should: a lock, exit codes, a log file, a one-line
summary, an alert when the portal suddenly lists far fewer articles, and a run history."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from archive.health import ALERT, FAILURES, INTERRUPTED, OK
from archive.store import Archive
from newsarchive.cli._common import EXIT_TEMPFAIL
from replica import ReplicaServer
from tests.conftest import ROOT
from tests.crawling import newsarchive, summary

SUMMARY_KEYS = {"run_id", "status", "finish_reason", "new", "updated", "unchanged", "failed", "skipped", "articles",
                "listed", "front_page", "requests", "pages", "duration_s", "memory_mb", "alerts", "exit_code"}


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(articles=60, seed=31) as server:
        yield server.base_url


def test_a_second_concurrent_crawl_exits_75_at_once(replica, tmp_path):
    db = tmp_path / "news.db"
    slow = subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "crawl", "--base-url", replica, "--db", str(db),
         "-s", "DOWNLOAD_DELAY=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _running(db):
            time.sleep(0.1)
        assert _running(db), "the first crawl did not start"
        started = time.monotonic()
        second = newsarchive("crawl", "--base-url", replica, "--db", str(db), timeout=60)
        assert second.returncode == EXIT_TEMPFAIL == 75
        assert time.monotonic() - started < 10  # at once: no waiting for the lock (process start included)
        assert second.stdout == "" and second.stderr == ""  # nothing to act on: cron mails nothing
        told = newsarchive("crawl", "--base-url", replica, "--db", str(db), "--verbose", timeout=60)
        assert told.returncode == EXIT_TEMPFAIL
        assert f"another crawl is running on {db}" in told.stderr and f"pid {slow.pid}" in told.stderr
        assert slow.poll() is None  # the first crawl goes on
    finally:
        slow.send_signal(signal.SIGTERM)
        _, slow_stderr = slow.communicate(timeout=30)
    assert slow.returncode == INTERRUPTED
    assert "ALERT" not in slow_stderr  # a clean stop is recorded, not mailed
    with Archive(db) as archive:
        exit_code, alerts = archive.conn.execute("select exit_code, alerts from crawl_runs").fetchone()
    assert exit_code == INTERRUPTED and "was interrupted" in json.loads(alerts)[0]


def test_log_goes_to_the_log_file_and_stdout_is_one_json_line(replica, tmp_path):
    log = tmp_path / "crawl.log"
    result = newsarchive("crawl", "--base-url", replica, "--db", str(tmp_path / "news.db"), "--log-file", str(log))
    assert result.returncode == OK, result.stderr[-3000:]
    text = log.read_text(encoding="utf-8")
    assert "Spider opened" in text and "Dumping Scrapy stats" in text
    assert "[scrapy" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert SUMMARY_KEYS <= set(line)
    assert line["exit_code"] == OK and line["alerts"] == [] and line["new"] == line["articles"] > 0


def test_failures_above_the_threshold_exit_1(replica, tmp_path):
    # the replica's one dead link (404) is 1 failure in ~65 pages: above 1 per mille
    result = newsarchive("crawl", "--base-url", replica, "--db", str(tmp_path / "news.db"),
                         "--max-failure-rate", "0.001")
    assert result.returncode == FAILURES, result.stderr[-3000:]
    assert re.search(r"ALERT: 1 of \d+ pages failed \(threshold 0%\): 1 HTTP 404", result.stderr)
    assert summary(result)["exit_code"] == FAILURES and summary(result)["failures_by_cause"] == {"HTTP 404": 1}
    with Archive(tmp_path / "news.db") as archive:
        assert archive.conn.execute("select exit_code from crawl_runs").fetchone()[0] == FAILURES


@pytest.mark.parametrize("args", [["--max-pages", "-1"], ["--base-url", "ftp://x"], ["--no-such-option"],
                                  ["-s", "NOEQUALS"]])
def test_usage_errors_exit_2(args, tmp_path):
    result = newsarchive("crawl", "--db", str(tmp_path / "news.db"), *args, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_far_fewer_front_page_articles_than_recent_runs_alert_with_exit_3(tmp_path):
    """Two runs of a 150-article portal, then the same origin lists only 6: the third run alerts."""
    db = tmp_path / "news.db"
    server = ReplicaServer(articles=150, seed=32)
    base, port = server.base_url, int(server.base_url.rsplit(":", 1)[1])
    try:
        for _ in range(2):
            ok = newsarchive("crawl", "--base-url", base, "--db", str(db))
            assert ok.returncode == OK, ok.stderr[-3000:]
        server.stop()
        server = ReplicaServer(port=port, articles=6, seed=32)
        shrunk = newsarchive("crawl", "--base-url", base, "--db", str(db))
    finally:
        server.stop()
    assert shrunk.returncode == ALERT, shrunk.stderr[-3000:]
    assert "ALERT: the front pages listed" in shrunk.stderr and "far fewer" in shrunk.stderr
    line = summary(shrunk)
    assert line["exit_code"] == ALERT and line["front_page"] < 10

    listed = newsarchive("runs", "--db", str(db), "--format", "json", timeout=60)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert [r["id"] for r in runs] == [3, 2, 1]
    assert all(r["status"] == "finished" for r in runs)
    assert runs[2]["new"] > 100 and runs[1]["new"] == 0
    con = sqlite3.connect(db)
    stats = [json.loads(s) for (s,) in con.execute("select stats from crawl_runs order by id")]
    con.close()
    assert all(s["downloader/request_count"] > 0 and "newsarchive/front_page_articles" in s for s in stats)


def test_the_cron_guide_documents_every_exit_code_and_both_schedulers():
    guide = (ROOT / "docs" / "cron.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `?(\d+)`? \|", guide, flags=re.MULTILINE))
    assert table == {str(c) for c in (OK, FAILURES, 2, ALERT, EXIT_TEMPFAIL, INTERRUPTED)}
    assert re.search(r"^\S+ \S+ \S+ \S+ \S+ .*newsarchive crawl", guide, flags=re.MULTILINE)  # a crontab line
    assert "OnCalendar=" in guide and "[Service]" in guide and "[Timer]" in guide


def _running(db) -> bool:
    if not db.exists():
        return False
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("select count(*) from crawl_runs where status = 'running'").fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.OperationalError:
        return False


# -- run bookkeeping (issue 14, item 11) -------------------------------------------------------------------------
HOLD_RUN = """
import sys, time
from archive.store import Archive
with Archive(sys.argv[1]) as archive:
    archive.start_run({"command": sys.argv[2]} if sys.argv[2] != "writer" else {"writer": "newsarchive"})
print("open", flush=True)
time.sleep(60)
"""


def _holding(db, kind):
    """A process of its own that opened a run of ``kind`` and stays alive (until killed)."""
    process = subprocess.Popen([sys.executable, "-c", HOLD_RUN, str(db), kind], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "open"
    return process


def _statuses(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("select status, finish_reason from crawl_runs order by id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["writer", "import", "reprocess"])
def test_a_crawl_leaves_live_runs_of_other_kinds_alone_and_closes_killed_ones(replica, tmp_path, kind):
    db = tmp_path / "news.db"
    live, doomed = _holding(db, kind), _holding(db, kind)
    try:
        doomed.kill()
        doomed.wait(10)
        result = newsarchive("crawl", "--base-url", replica, "--db", str(db))
        assert result.returncode == OK, result.stderr[-3000:]
        assert _statuses(db) == [("running", None), ("interrupted", "killed"), ("finished", "finished")]
    finally:
        live.kill()
        live.wait(10)


@pytest.mark.parametrize("kind", ["writer", "import"])
def test_a_killed_run_of_any_kind_is_closed_by_the_next_run_of_any_kind(tmp_path, kind):
    db = tmp_path / "news.db"
    doomed = _holding(db, kind)
    doomed.kill()
    doomed.wait(10)
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>标题</title></head><body><p>一段正文。</p></body></html>", encoding="utf-8")
    newsarchive("import", str(page), "--db", str(db))
    assert _statuses(db)[0] == ("interrupted", "killed")
    assert ("running", None) not in _statuses(db)


@pytest.mark.parametrize("when", ["while it starts", "once its run is open"])
def test_sigterm_early_exits_130_with_an_interrupted_run(replica, tmp_path, when):
    db = tmp_path / "news.db"
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", "crawl", "--base-url", replica, "--db", str(db)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if when == "while it starts":
        time.sleep(0.3)  # Python is still importing (about a second, more on a loaded machine)
    else:
        deadline = time.monotonic() + 60
        while not _running(db) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == INTERRUPTED, err[-3000:]
    assert "Traceback" not in err
    (status, reason), = _statuses(db)
    assert status == "interrupted" and reason in ("shutdown", "interrupted")
    assert summary(subprocess.CompletedProcess(process.args, 130, out, err))["exit_code"] == INTERRUPTED


def test_pages_that_failed_before_do_not_fail_the_next_runs(tmp_path):
    from archive.health import assess
    from archive.store import Archive

    db = tmp_path / "news.db"
    broken = [f"https://www.cbg.cn/show/705-{i}.html" for i in range(3)]
    with Archive(db) as archive:
        first = archive.start_run({"spider": "portal", "profile": "cbg"})
        for url in broken:
            archive.record_failure(first, url, "fetch", "HTTP 503")
        archive.finish_run(first)
        assert assess(archive, first)["exit_code"] == FAILURES  # new failures: 3 of 3 pages
        again = archive.start_run({"spider": "portal", "profile": "cbg"})
        archive.upsert_article({"id": "a1", "url": "https://www.cbg.cn/show/705-9.html", "body": "正文"}, again)
        for url in broken:
            archive.record_failure(again, url, "fetch", "HTTP 503")
        archive.finish_run(again)
        verdict = assess(archive, again)
        assert (verdict["exit_code"], verdict["failed"], verdict["new_failures"]) == (OK, 3, 0)
        third = archive.start_run({"spider": "portal", "profile": "cbg"})
        archive.record_failure(third, broken[0], "fetch", "HTTP 503")
        archive.record_failure(third, "https://www.cbg.cn/show/705-5.html", "fetch", "HTTP 503")
        archive.finish_run(third)
        verdict = assess(archive, third)
        assert (verdict["exit_code"], verdict["new_failures"]) == (FAILURES, 1)
        assert "1 of them had failed before" in verdict["alerts"][0]
