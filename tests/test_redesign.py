"""Issue 12: the portal changes its markup. The replica's ``--redesign`` mode keeps the URL schemes and changes every
class name the profile selects; crawled with today's profile, every article must still be archived (URL-scheme
discovery, generic extraction), nearly all equal to the truth, and the run must end with the drift alert, its
stats saying why. Also: sitemap and feed discovery on the redesigned replica, politely (robots.txt obeyed)."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from archive.health import ALERT
from replica import ReplicaServer
from tests.conftest import ROOT
from tests.crawling import newsarchive, replica_stats, rows, summary

ARTICLES = 120


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(articles=ARTICLES, seed=12, faults=True, redesign=True) as server:
        yield server


@pytest.fixture(scope="module")
def truth(server):
    with urlopen(f"{server.base_url}/_truth/manifest.json") as response:
        return {urlsplit(t["url"]).path: t for t in json.load(response) if t["kind"] == "article"}


def _run_stats(db) -> dict:
    con = sqlite3.connect(db)
    try:
        (stats,) = con.execute("select stats from crawl_runs order by id desc limit 1").fetchone()
    finally:
        con.close()
    return json.loads(stats)


def _urls(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [u for (u,) in con.execute("select url from articles union all select url_or_path from failures")]
    finally:
        con.close()


def _profile(tmp_path, **changes) -> str:
    profile = json.loads((ROOT / "crawler/profiles/cbg.json").read_text(encoding="utf-8"))
    profile.update(changes)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def crawled(server, tmp_path_factory):
    db = tmp_path_factory.mktemp("redesign") / "news.db"
    replica_stats(server.base_url, reset=True)
    result = newsarchive("crawl", "--base-url", server.base_url, "--db", str(db))
    return db, result, replica_stats(server.base_url, reset=True)


def test_todays_profile_archives_every_article_of_the_redesign(crawled, truth):
    db, result, _ = crawled
    archived = rows(db)
    assert set(archived) == set(truth), result.stderr[-3000:]
    same = [p for p, t in truth.items() if archived[p]["title"] == t["title"] and archived[p]["body"] == t["body"]]
    print(f"\nredesign: {len(same)} of {len(truth)} articles with title and body equal to the truth")
    assert len(same) >= 0.95 * len(truth)
    assert {r["extractor"] for r in archived.values()} == {"generic"}


def test_the_run_ends_with_the_drift_alert_naming_the_selectors(crawled):
    db, result, _ = crawled
    assert result.returncode == ALERT, result.stderr[-3000:]
    line = summary(result)
    assert line["exit_code"] == ALERT
    (alert,) = [a for a in line["alerts"] if a.startswith("template drift")]
    assert "fell to the generic extractor" in alert and "`div.article-content`" in alert
    assert "`ul.news-list li`" in alert and "ALERT: template drift" in result.stderr
    verdict = _run_stats(db)["newsarchive/drift"]
    assert verdict["alert"] is True
    assert verdict["extractors"] == {"generic": ARTICLES}
    css = {s["selector"]: s["css"] for s in verdict["selectors"]}
    assert css["2020:body"] == "div.article-content" and css["2026:title"] == "div.detail h1"
    assert css["list:item"] == "ul.news-list li"
    assert verdict["discovered_by"]["url_scheme"] >= ARTICLES and "selectors" not in verdict["discovered_by"]
    # and `health` says why, for the monitor
    health = newsarchive("health", "--db", str(db), "--format", "json")
    report = json.loads(health.stdout)
    assert health.returncode == 2 and report["state"] == "CRITICAL", health.stdout
    assert "template drift" in report["message"] and report["drift"]["selectors"] == verdict["selectors"]


def test_list_pages_read_by_url_scheme_page_through_each_list(crawled, server):
    db, _, requests = crawled
    stats = _run_stats(db)
    assert stats["newsarchive/lists_by_url_scheme"] >= len(server.replica.start_paths)
    assert "newsarchive/lists_by_selectors" not in stats
    assert any(p.startswith("/list/705/") and not p.endswith("/1.html") for p in requests["paths"])
    assert not any(p.startswith(("/search/", "/_truth/")) for p in requests["paths"])


def test_the_replica_itself_is_unchanged_outside_redesign_mode(server):
    plain = ReplicaServer(articles=ARTICLES, seed=12, faults=True, start=False)
    try:
        path = next(p for p in server.replica.sites[0].by_path if p.startswith("/show/"))
        assert b"article-content" in plain.replica.page(path).body
        assert b"article-content" not in server.replica.page(path).body
        assert plain.replica.page("/sitemap.xml").status == 404
        assert "Sitemap:" not in plain.replica.robots_txt()
    finally:
        plain.stop()


def test_sitemaps_alone_find_every_article_and_robots_is_obeyed(server, truth, tmp_path):
    """No start page at all: robots.txt's Sitemap: line, the index, its sitemaps; the private one is forbidden."""
    profile = _profile(tmp_path, start_paths=[], discovery={"robots_sitemaps": True})
    replica_stats(server.base_url, reset=True)
    result = newsarchive("crawl", "--base-url", server.base_url, "--db", str(tmp_path / "news.db"),
                         "--profile", profile, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    requests = replica_stats(server.base_url, reset=True)
    assert result.returncode in (0, ALERT), result.stderr[-3000:]
    assert set(rows(tmp_path / "news.db")) == set(truth)
    stats = _run_stats(tmp_path / "news.db")
    assert stats["newsarchive/discovered_by/sitemap"] >= ARTICLES and stats["newsarchive/sitemaps_read"] >= 3
    assert "/sitemap.xml" in requests["paths"] and "/sitemaps/articles-1.xml" in requests["paths"]
    assert "/sitemaps/private.xml" not in requests["paths"]  # listed in the index, disallowed by robots.txt
    assert stats["robotstxt/forbidden"] >= 1
    # the first sitemap also lists an article path on a foreign host: dropped by the same allow-list as any link
    assert stats["newsarchive/offsite_links"] >= 1
    assert not any("mirror.invalid" in url for url in _urls(tmp_path / "news.db"))
    assert not any(p.startswith("/list/") for p in requests["paths"])


def test_the_home_page_alone_reaches_every_article_and_its_feed(server, truth, tmp_path):
    """A profile that names only its home page: lists, articles and the RSS feed it announces."""
    profile = _profile(tmp_path, start_paths=["/"])
    result = newsarchive("crawl", "--base-url", server.base_url, "--db", str(tmp_path / "news.db"),
                         "--profile", profile)
    assert result.returncode == ALERT, result.stderr[-3000:]
    assert set(rows(tmp_path / "news.db")) == set(truth)
    stats = _run_stats(tmp_path / "news.db")
    assert stats["newsarchive/feeds_read"] == 1
    assert stats["newsarchive/discovered_by/url_scheme"] >= ARTICLES - 20


def test_feed_entries_become_articles(server, tmp_path):
    """Only the feed: the home page's own links and lists do not match this profile's schemes."""
    profile = _profile(tmp_path, start_paths=["/"], list_patterns=[])
    feed = server.replica.page("/rss.xml").body.decode()
    result = newsarchive("crawl", "--base-url", server.base_url, "--db", str(tmp_path / "news.db"),
                         "--profile", profile)
    assert result.returncode in (0, ALERT), result.stderr[-3000:]
    stats = _run_stats(tmp_path / "news.db")
    assert stats["newsarchive/discovered_by/feed"] >= 10
    archived = rows(tmp_path / "news.db")
    assert len(archived) == stats["newsarchive/discovered_by/feed"] + stats["newsarchive/discovered_by/url_scheme"]
    assert all(path in feed or path in server.replica.page("/").body.decode() for path in archived)


def test_a_second_run_stops_at_the_known_pages_and_still_alerts(crawled, server):
    db, _, _ = crawled
    replica_stats(server.base_url, reset=True)
    again = newsarchive("crawl", "--base-url", server.base_url, "--db", str(db))
    requests = replica_stats(server.base_url, reset=True)
    assert again.returncode == ALERT, again.stderr[-3000:]
    assert requests["article"] == 0  # every article known, none published inside the revisit window
    assert requests["list"] <= 2 * len(server.replica.start_paths)
    verdict = _run_stats(db)["newsarchive/drift"]
    assert any("list selectors found no article" in r for r in verdict["reasons"])
