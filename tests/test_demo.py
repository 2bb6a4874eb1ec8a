"""``newsarchive demo``: replica → crawl → archive → search, twice, without the counts moving."""

from __future__ import annotations

import sqlite3

from tests.crawling import newsarchive


def test_demo_twice_keeps_the_articles_and_records_two_runs(tmp_path):
    db = tmp_path / "demo.db"
    first = newsarchive("demo", "--articles", "40", "--db", str(db))
    assert first.returncode == 0, first.stderr[-3000:]
    for expected in ("replica portal at http://127.0.0.1:", "40 new", "articles per section:", "新闻 › 重庆新闻",
                     "three example records:", "newsarchive search '重庆'", "<mark>重庆</mark>", str(db)):
        assert expected in first.stdout
    second = newsarchive("demo", "--articles", "40", "--db", str(db))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 new" in second.stdout
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == 40
    assert con.execute("select count(*) from crawl_runs").fetchone()[0] == 2
    con.close()
