"""``newsarchive demo``: replica → crawl → correction crawl → mirrors → archive → search, twice, counts steady."""

from __future__ import annotations

import sqlite3

from archive.store import Archive
from tests.crawling import newsarchive


def test_demo_twice_keeps_the_articles_and_shows_versions_repairs_and_mirrors(tmp_path):
    db = tmp_path / "demo.db"
    first = newsarchive("demo", "--articles", "40", "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]
    for expected in ("replica portal at http://127.0.0.1:", "40 new", "articles per section:", "新闻 › 重庆新闻",
                     "correction crawl run", "mirror copies imported: ", "text repairs made:",
                     "three example records:", "newsarchive search '重庆'", "«重庆»", str(db)):
        assert expected in first.stdout, expected
    assert "<mark>" not in first.stdout
    second = newsarchive("demo", "--articles", "40", "--db", str(db))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 new" in second.stdout
    con = sqlite3.connect(db)
    articles, mirrors = con.execute("select count(*), count(mirror_of) from articles").fetchone()
    assert mirrors >= 1 and articles == 40 + mirrors
    assert con.execute("select count(*) from article_versions").fetchone()[0] >= 1
    assert con.execute("select count(*) from crawl_runs where json_extract(options, '$.demo') = 1").fetchone()[0] == 6
    con.close()


def test_demo_never_touches_an_archive_with_crawls_of_its_own(tmp_path):
    db = tmp_path / "news.db"
    with Archive(db) as archive:
        archive.finish_run(archive.start_run({"spider": "portal", "profile": "cbg", "base_url": None}))
    result = newsarchive("demo", "--articles", "5", "--db", str(db))
    assert result.returncode == 2 and "not the demo's" in result.stderr
    with Archive(db) as archive:
        assert archive.conn.execute("select count(*) from crawl_runs").fetchone()[0] == 1


def test_demo_help_names_the_docs_archive():
    result = newsarchive("demo", "--help")
    assert "data/news.db" in result.stdout and "demo.db" not in result.stdout
