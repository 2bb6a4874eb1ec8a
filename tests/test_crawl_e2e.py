"""End to end: the replica portal, crawled by the real spider in a subprocess, into a real archive."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from replica.server import serve
from tests.conftest import ROOT
from tests.crawling import FIELDS, newsarchive, rows

BOILERPLATE = ("当前位置", "责任编辑", "【版权声明】", "【免责声明】")


@pytest.fixture(scope="module")
def replica():
    with serve(articles=80, seed=7, faults=True) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def truth(replica):
    with urlopen(f"{replica}/_truth/manifest.json") as response:
        return json.load(response)


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory):
    db = tmp_path_factory.mktemp("crawl") / "news.db"
    first = newsarchive("crawl", "--base-url", replica, "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]
    return db, first


def test_the_replica_serves_every_encoding_fault_and_variant(truth):
    faults = {f for t in truth for f in t.get("faults", ())}
    assert {"header_utf8_on_gbk", "meta_gb2312_on_utf8", "mixed_ssi", "gbk_only_chars"} <= faults
    assert len({v for t in truth for v in t.get("variants", ())}) >= 10


def test_every_article_is_archived_once_and_equals_truth(crawled, truth):
    db, _ = crawled
    archived = rows(db)
    articles = {urlsplit(t["url"]).path: t for t in truth if t.get("kind", "article") == "article"}
    assert set(archived) == set(articles)
    mismatches = [(path, field, archived[path][field], t[field])
                  for path, t in articles.items() for field in FIELDS if archived[path][field] != t[field]]
    assert mismatches == []


def test_no_boilerplate_in_bodies(crawled):
    db, _ = crawled
    for path, row in rows(db).items():
        assert not any(marker in row["body"] for marker in BOILERPLATE), path
        assert row["body"].splitlines()[-1] != "重庆手机台", path


def test_non_articles_and_dead_links_are_recorded(crawled, truth):
    db, _ = crawled
    con = sqlite3.connect(db)
    recorded = {urlsplit(u).path for (u,) in con.execute("select url_or_path from failures")}
    con.close()
    others = {urlsplit(t["url"]).path for t in truth if t.get("kind", "article") != "article"}
    assert others and others <= recorded


def test_second_crawl_changes_no_counts_and_records_two_runs(crawled, replica):
    db, _ = crawled
    before = rows(db)
    again = newsarchive("crawl", "--base-url", replica, "--db", str(db))
    assert again.returncode == 0, again.stderr[-3000:]
    after = rows(db)
    assert set(after) == set(before)
    assert all(after[p]["content_hash"] == before[p]["content_hash"] for p in before)
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from crawl_runs").fetchone()[0] == 2
    con.close()


@pytest.mark.parametrize("bad", ["ftp://example.com", "not a url", "http://", "http://127.0.0.1:99999"])
def test_crawl_rejects_a_bad_base_url(bad, tmp_path):
    result = newsarchive("crawl", "--base-url", bad, "--db", str(tmp_path / "x.db"), timeout=60)
    assert result.returncode == 2
    assert "base-url" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_second_profile_crawls_from_its_data_file_alone(tmp_path):
    """华龙网 (cqnews.net) is crawled by the same spider, driven only by crawler/profiles/cqnews.json."""
    with serve(articles=30, seed=5, portal="cqnews") as base_url:
        with urlopen(f"{base_url}/_truth/manifest.json") as response:
            truth = {urlsplit(t["url"]).path: t for t in json.load(response) if t["kind"] == "article"}
        result = newsarchive("crawl", "--profile", "cqnews", "--base-url", base_url, "--db", str(tmp_path / "cq.db"))
    assert result.returncode == 0, result.stderr[-3000:]
    archived = rows(tmp_path / "cq.db")
    assert set(archived) == set(truth)
    assert [(p, f) for p, t in truth.items() for f in FIELDS if archived[p][f] != t[f]] == []
    assert {row["site"] for row in archived.values()} == {"cqnews.net"}


def test_a_profile_given_as_a_file_crawls_end_to_end(tmp_path):
    """`--profile FILE.json` with a profile that is not installed: its name is nowhere in crawler/profiles."""
    data = json.loads((ROOT / "crawler" / "profiles" / "cbg.json").read_text(encoding="utf-8"))
    data["name"] = "portal-from-file"
    profile = tmp_path / "my-portal.json"
    profile.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "file.db"
    with serve(articles=20, seed=2) as base_url:
        with urlopen(f"{base_url}/_truth/manifest.json") as response:
            truth = {urlsplit(t["url"]).path: t for t in json.load(response) if t["kind"] == "article"}
        result = newsarchive("crawl", "--profile", str(profile), "--base-url", base_url, "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    archived = rows(db)
    assert set(archived) == set(truth)
    assert [(p, f) for p, t in truth.items() for f in FIELDS if archived[p][f] != t[f]] == []
    con = sqlite3.connect(db)
    try:
        assert con.execute("select count(*) from failures where stage not in ('skip', 'fetch')").fetchone() == (0,)
        assert con.execute("select profile, complete from walks").fetchall() == [("portal-from-file", 1)]
    finally:
        con.close()


def test_scrapy_crawl_cbg_works_from_the_repository_root(tmp_path):
    """The spider is an ordinary Scrapy project spider: `scrapy crawl cbg` with settings pointing at the replica."""
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    with serve(articles=20, seed=2) as base_url:
        result = subprocess.run(
            [scrapy, "crawl", "cbg", "-s", f"NEWSARCHIVE_BASE_URL={base_url}", "-s", f"NEWSARCHIVE_DB={tmp_path / 'x.db'}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"],
            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(rows(tmp_path / "x.db")) == 20


def test_a_healthy_run_stores_its_discovery_and_extractor_figures_without_drift(crawled, truth):
    db, first = crawled
    con = sqlite3.connect(db)
    (stats,) = con.execute("select stats from crawl_runs order by id limit 1").fetchone()
    con.close()
    stats = json.loads(stats)
    verdict = stats["newsarchive/drift"]
    assert verdict["alert"] is False and verdict["reasons"] == [] and verdict["selectors"] == []
    articles = sum(t.get("kind", "article") == "article" for t in truth)
    assert set(verdict["extractors"]) == {"profile:2020", "profile:2026", "profile:legacy"}
    assert sum(verdict["extractors"].values()) == articles
    assert verdict["discovered_by"] == {"selectors": stats["newsarchive/articles_listed"]}
    assert "newsarchive/lists_by_url_scheme" not in stats
    assert not any(k.startswith("newsarchive/selector_missed/") for k in stats)
