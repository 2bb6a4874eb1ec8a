"""Issue 14, item 2: hostile pages cannot stall a crawl past --max-minutes, nor delay SIGTERM.

A loopback site of the test's own serves a list of articles that are hostile to a parser (100k attributes on one
element, 100k levels of nesting), a list page that is, and a run of pages that pass every markup limit but take
seconds each to clean. Before cleaning left the reactor thread, the first page alone held the crawl for 30 s.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT
from tests.crawling import summary

LIST, HOSTILE_LIST = "/list/705/1.html", "/list/706/1.html"
NORMAL, ATTRIBUTES, NESTED = "/show/705-1.html", "/show/705-2.html", "/show/705-3.html"
SLOW = tuple(f"/show/705-{i}.html" for i in range(10, 30))
ARTICLES = (*SLOW, NESTED, ATTRIBUTES, NORMAL)  # Scrapy fetches the last listed first
TIME_LIMIT = 3  # seconds of cleaning per page, for the test (the default is 10)


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"
            .encode("utf-8"))


_ATTRIBUTES = " ".join(f'data-a{i}="x"' for i in range(100_000))
PAGES = {
    LIST: _page("列表", "<ul class='news-list'>" + "".join(
        f"<li><a title='t{i}' href='{path}'>t{i}</a></li>" for i, path in enumerate(ARTICLES)) + "</ul>"),
    HOSTILE_LIST: _page("列表", f"<ul class='news-list' {_ATTRIBUTES}><li><a title='x' href='{NORMAL}'>x</a></li></ul>"),
    NORMAL: _page("重庆新闻", "<div class='article-content'><p>重庆市今天发布消息，城市交通和经济发展的工作正在推进。</p>"
                          "<p>记者从有关部门了解到，相关措施已经落实到位。</p></div>"),
    ATTRIBUTES: _page("重庆新闻", f"<div class='article-content' {_ATTRIBUTES}><p>正文。</p></div>"),
    NESTED: _page("重庆新闻", "<div>" * 100_000 + "<p>正文。</p>"),
    **{path: _page("重庆新闻", "<p>重庆新闻正文，一段文字。</p>" * 150_000) for path in SLOW},
}


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        body = body or b"not found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = _Site()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    data = json.loads((ROOT / "crawler/profiles/cbg.json").read_text(encoding="utf-8"))
    data["start_paths"] = [LIST, HOSTILE_LIST]
    path = tmp_path_factory.mktemp("profile") / "hostile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _crawl(site, profile, db, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "crawl", "--base-url", site.base_url, "--db", str(db), "--profile", profile,
         "-s", f"NEWSARCHIVE_CLEAN_SECONDS={TIME_LIMIT}", "-s", "ROBOTSTXT_OBEY=False", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _failures(db) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return {url.removeprefix("https://www.cbg.cn"): (stage, reason)
                for url, stage, reason in con.execute("select url_or_path, stage, reason from failures")}
    finally:
        con.close()


def test_hostile_pages_are_failures_and_max_minutes_ends_the_crawl_on_time(site, profile, tmp_path):
    db = tmp_path / "news.db"
    started = time.monotonic()
    process = _crawl(site, profile, db, "--max-minutes", "0.25")
    out, err = process.communicate(timeout=120)
    took = time.monotonic() - started
    # 15 s of crawl, the grace for pages already fetched, and start-up; the slow pages alone are 60 s of cleaning
    assert took < 40, f"the crawl ran {took:.0f} s past a 15 s limit"
    assert process.returncode in (0, 1), err[-3000:]
    result = summary(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    assert result["finish_reason"] == "closespider_timeout"
    failures = _failures(db)
    assert failures[ATTRIBUTES] == ("clean", "markup: too many attributes on one <div> element (over 1,000)")
    assert failures[NESTED] == ("clean", "markup: nested too deeply (over 1,000 levels)")
    assert failures[HOSTILE_LIST] == ("list", "markup: too many attributes on one <ul> element (over 1,000)")
    timed_out = [path for path in SLOW if failures.get(path) == (
        "clean", f"clean: over the time limit of {TIME_LIMIT:g} s per page (the cleaner was stopped)")]
    assert timed_out, failures
    assert len(timed_out) < len(SLOW)  # the limit stopped the crawl before the cleaner reached them all
    con = sqlite3.connect(db)
    stored = [url for (url,) in con.execute("select url from articles")]
    con.close()
    assert stored == ["https://www.cbg.cn" + NORMAL]


def test_sigterm_stops_a_crawl_within_seconds_while_slow_pages_wait_for_the_cleaner(site, profile, tmp_path):
    db = tmp_path / "news.db"
    process = _crawl(site, profile, db)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(path in SLOW for path in _failures_now(db)):
        time.sleep(0.2)
    assert any(path in SLOW for path in _failures_now(db)), "no slow page was cleaned"
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - sent < 8, "SIGTERM waited for the cleaner's backlog"
    assert process.returncode == 130, err[-3000:]
    assert summary(subprocess.CompletedProcess(process.args, 130, out, err))["status"] == "interrupted"


def _failures_now(db) -> dict:
    """The failures so far, while the crawl writes them (none before the archive exists)."""
    try:
        return _failures(db)
    except sqlite3.Error:
        return {}
