"""Issue 6: scheduled crawls fetch only what is new or inside the revisit window, and version what changed.

One archive and one replica port through a history of runs (each a ``newsarchive crawl`` subprocess); the replica
counts what each run asked for. Revised articles (``revision=1``) are old, far outside the default 3-day window,
so the revision run widens the window with ``--revisit-days`` to reach them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from archive import walks
from archive.store import Archive
from crawler.incremental import ArchiveState
from pipelines.profile import load_profile
from replica import ReplicaServer
from tests.crawling import FIELDS, newsarchive, replica_stats, summary

ARTICLES = 150
IN_WINDOW = 10  # the second run's revisit window is cut to hold the ten newest articles
PROFILE = load_profile("cbg")


def _window_days(truth) -> float:
    """A revisit window (in days from now) that holds exactly the IN_WINDOW newest articles."""
    stamps = sorted((datetime.fromisoformat(t["published_at"]) for t in truth if t["kind"] == "article"), reverse=True)
    cutoff = stamps[IN_WINDOW - 1] + (stamps[IN_WINDOW] - stamps[IN_WINDOW - 1]) / 2
    return (datetime.now(timezone.utc) - cutoff) / timedelta(days=1)


def _paths(requests, kind):
    targets = [t for t in requests["paths"] if t != "/robots.txt"]
    if kind == "article":
        return {t for t in targets if PROFILE.article_match(urlsplit(t).path)}
    return {t for t in targets if not PROFILE.article_match(urlsplit(t).path)}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    db = tmp_path_factory.mktemp("incremental") / "news.db"
    server = ReplicaServer(articles=ARTICLES, seed=11)
    base, port = server.base_url, int(server.base_url.rsplit(":", 1)[1])
    with urlopen(f"{base}/_truth/manifest.json") as r:
        truth = json.load(r)
    runs = {}

    def crawl(name, *args):
        result = newsarchive("crawl", "--base-url", base, "--db", str(db), *args)
        assert result.returncode == 0, (name, result.stderr[-3000:])
        runs[name] = {"summary": summary(result), "requests": replica_stats(base, reset=True)}

    try:
        crawl("first")
        crawl("second", "--revisit-days", f"{_window_days(truth):.6f}")
        crawl("depth2", "--known-pages", "2")
        crawl("revisit_all", "--revisit-days", "100000")
        crawl("full", "--full")
        with Archive(db) as archive:  # a walk that stopped part-way: the next one must page every list again
            walks.end(archive, "run:stopped", "cbg", "local", complete=False, reason="shutdown", run_id=None)
        crawl("catch_up")
        server.stop()
        server = ReplicaServer(port=port, articles=ARTICLES, seed=11, revision=1)
        with urlopen(f"{base}/_truth/manifest.json") as r:
            revised_truth = json.load(r)
        crawl("revised", "--revisit-days", "100000")
    finally:
        server.stop()
    return {"db": db, "truth": truth, "revised_truth": revised_truth, "runs": runs}


def test_first_run_fetches_everything_once(history):
    first = history["runs"]["first"]
    linked = {t["path"] for t in history["truth"]}
    assert _paths(first["requests"], "article") == linked
    assert all(n == 1 for n in first["requests"]["paths"].values())


def test_second_run_fetches_front_pages_and_the_revisit_window_only(history):
    first, second = history["runs"]["first"], history["runs"]["second"]
    newest = sorted((t for t in history["truth"] if t["kind"] == "article"), key=lambda t: t["published_at"])
    window = {t["path"] for t in newest[-IN_WINDOW:]}
    # a list whose front page holds articles still inside the window is paged once more, to the first known page
    catids = {PROFILE.article_match(p)[1]["catid"] for p in window}
    more = {f"/list/{c}/2.html" for c in catids} & _paths(first["requests"], "list")
    assert _paths(second["requests"], "list") == set(PROFILE.start_paths) | more
    assert _paths(second["requests"], "article") == window
    assert second["requests"]["status"] == {"200": len(PROFILE.start_paths) + len(more) + 1, "304": IN_WINDOW}
    assert second["requests"]["total"] < first["requests"]["total"] / 5
    print(f"\nrequests: first run {first['requests']['total']} ({first['requests']['list']} list, "
          f"{first['requests']['article']} article), second run {second['requests']['total']} "
          f"({second['requests']['list']} list, {second['requests']['article']} article)")


def test_validators_are_stored_and_a_304_costs_no_parsing(history):
    con = sqlite3.connect(history["db"])
    missing = con.execute("select count(*) from articles where etag is null or last_modified is null").fetchone()[0]
    con.close()
    assert missing == 0
    revisit = history["runs"]["revisit_all"]
    articles = sum(1 for t in history["truth"] if t["kind"] == "article")
    stats = _run_stats(history["db"], revisit["summary"]["run_id"])
    assert revisit["requests"]["status"].get("304") == articles
    assert stats["newsarchive/not_modified"] == articles
    assert "newsarchive/article_pages" not in stats  # no page went to the cleaner
    assert revisit["summary"]["unchanged"] == articles and revisit["summary"]["new"] == 0


def test_paging_stops_at_the_configured_depth_of_known_pages(history):
    lists = _paths(history["runs"]["depth2"]["requests"], "list")
    every = _paths(history["runs"]["first"]["requests"], "list")
    second_pages = {p for p in every if p.endswith("/2.html") or p.endswith("index_2.shtml")}
    assert second_pages, "the replica's lists must have a second page for this test"
    assert lists == set(PROFILE.start_paths) | second_pages
    assert _paths(history["runs"]["depth2"]["requests"], "article") == set()


def test_full_forces_a_complete_walk(history):
    full, first = history["runs"]["full"], history["runs"]["first"]
    assert full["requests"]["paths"] == first["requests"]["paths"]
    assert full["summary"]["unchanged"] == sum(1 for t in history["truth"] if t["kind"] == "article")


def test_a_run_after_an_interrupted_one_pages_every_list(history):
    catch_up, first = history["runs"]["catch_up"], history["runs"]["first"]
    assert _paths(catch_up["requests"], "list") == _paths(first["requests"], "list")
    assert _paths(catch_up["requests"], "article") == set()
    assert _run_stats(history["db"], catch_up["summary"]["run_id"])["newsarchive/catch_up"] == 1


def test_a_revised_article_is_refetched_and_versioned(history):
    revised = {t["path"]: t for t in history["revised_truth"] if t["revision"]}
    run = history["runs"]["revised"]
    assert revised and run["summary"]["updated"] == len(revised)
    # every article was asked again, conditionally; the revised ones (and neighbours whose related-news block
    # shows a revised title, so their bytes changed) came back 200, the rest 304
    articles = sum(1 for t in history["truth"] if t["kind"] == "article")
    assert run["requests"]["article"] == articles
    assert 0 < run["requests"]["status"]["304"] <= articles - len(revised)
    con = sqlite3.connect(history["db"])
    con.row_factory = sqlite3.Row
    rows = {urlsplit(r["url"]).path: dict(r) for r in con.execute("select * from articles")}
    versions = {r["article_id"]: dict(r) for r in con.execute("select * from article_versions")}
    con.close()
    old = {t["path"]: t for t in history["truth"]}
    for path, t in revised.items():
        row = rows[path]
        assert row["version"] == 2
        assert [row[f] for f in FIELDS] == [t[f] for f in FIELDS]
        assert [versions[row["id"]][f] for f in FIELDS] == [old[path][f] for f in FIELDS]
    assert len(versions) == len(revised)


def _run_stats(db, run_id) -> dict:
    con = sqlite3.connect(db)
    (stats,) = con.execute("select stats from crawl_runs where id = ?", [run_id]).fetchone()
    con.close()
    return json.loads(stats)


@pytest.mark.parametrize("failures, settled", [
    ([("fetch", "HTTP 503", 1)], False),
    ([("fetch", "HTTP 503", 1), ("fetch", "DownloadTimeoutError: took too long", 2)], False),
    ([("fetch", "HTTP 503", 1), ("fetch", "HTTP 503", 2), ("clean", "decode: not text (binary data)", 3)], True),
    ([("fetch", "HTTP 503", 1), ("fetch", "HTTP 503", 1), ("fetch", "HTTP 503", 1)], False),  # one run, three rows
    ([("fetch", "HTTP 404", 1)], True),
    ([("fetch", "HTTP 410", 1)], True),
    ([("skip", "video page", 1)], True),
])
def test_failed_pages_are_retried_by_later_runs_until_they_are_given_up(tmp_path, failures, settled):
    url = "https://www.cbg.cn/show/705-1.html"
    with Archive(tmp_path / "news.db") as archive:
        runs = {n: archive.start_run({"spider": "portal", "profile": "cbg"}) for n in {r for _, _, r in failures}}
        for stage, reason, run in failures:
            if stage == "skip":
                archive.record_skipped(runs[run], url, reason)
            else:
                archive.record_failure(runs[run], url, stage, reason)
    state = ArchiveState(tmp_path / "news.db", give_up_after=3)
    try:
        known = state.lookup(url)
    finally:
        state.close()
    assert (known is not None and not known.revisit) if settled else known is None


@pytest.mark.parametrize("history, gap", [
    ([], False),
    ([("a", False, True)], False),
    ([("a", False, False)], True),
    ([("a", False, None)], True),  # never ended: killed
    ([("a", False, False), ("b", False, True)], True),  # a complete walk that stopped at known pages heals nothing
    ([("a", False, False), ("b", True, None)], True),  # the catch-up walk itself died
    ([("a", False, False), ("b", True, True)], False),
    ([("a", False, False), ("b", True, True), ("c", False, True)], False),
])
def test_a_gap_stays_until_an_exhaustive_walk_completes(tmp_path, history, gap):
    with Archive(tmp_path / "news.db") as archive:
        for walk, exhaustive, complete in history:
            walks.start(archive, walk, "cbg", "fleet", exhaustive=exhaustive, run_id=None)
            if complete is not None:
                walks.end(archive, walk, "cbg", "fleet", complete=complete, reason="x", run_id=None)
        walks.start(archive, "other-profile", "cqnews", "local", exhaustive=False, run_id=None)
    state = ArchiveState(tmp_path / "news.db")
    try:
        assert state.last_walk_complete("cbg") is not gap
    finally:
        state.close()


@pytest.mark.parametrize("moved", [0.3, 1.0])  # some articles moved, or the whole portal (as http -> https does)
def test_moved_articles_are_known_by_the_address_the_lists_give(tmp_path, moved):
    db = tmp_path / "news.db"
    with ReplicaServer(articles=40, seed=13, moved=moved) as server:
        base = server.base_url
        with urlopen(f"{base}/_truth/manifest.json") as r:
            truth = json.load(r)
        first = newsarchive("crawl", "--base-url", base, "--db", str(db))
        assert first.returncode == 0, first.stderr[-3000:]
        replica_stats(base, reset=True)
        second = newsarchive("crawl", "--base-url", base, "--db", str(db), "--revisit-days", "0")
        assert second.returncode == 0, second.stderr[-3000:]
        again = replica_stats(base)
    aliases = {t["listed_as"]: t["path"] for t in truth if "listed_as" in t}
    assert aliases and (moved == 1.0 or any(t.get("also_listed") for t in truth))
    con = sqlite3.connect(db)
    try:
        stored = {urlsplit(url).path: id_ for id_, url in con.execute("select id, url from articles")}
        remembered = {urlsplit(url).path: id_ for url, id_ in con.execute("select url, article_id from article_aliases")}
    finally:
        con.close()
    assert set(stored) == {t["path"] for t in truth if t["kind"] == "article"}
    # every listed alias, also one whose target the lists give too, is remembered as its article's
    assert remembered == {alias: stored[path] for alias, path in aliases.items()}
    # the next run knows every listed address: it fetches no article and stops at the front pages
    assert _paths(again, "article") == set()
    assert _paths(again, "list") == set(PROFILE.start_paths)
