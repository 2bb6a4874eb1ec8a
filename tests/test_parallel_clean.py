"""Issue 15, item 3: import and reprocess clean in a process pool (--jobs) and store in input order."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archive.reprocess import reprocess
from archive.store import Archive
from tests.crawling import newsarchive

ARTICLES = 24


def _line(i: int) -> str:
    html = (f"<html><head><meta charset='utf-8'><title>重庆新闻第{i}条</title></head><body><div class='article'>"
            f"<h1>重庆新闻第{i}条</h1><p>发布时间：2024-03-{1 + i % 28:02d} 09:00 来源：重庆日报</p>"
            f"<p>重庆市今天发布第{i}条消息，内容涉及城市交通和经济发展，相关部门正在推进各项工作。</p>"
            f"<p>记者从有关部门了解到，第{i}项措施已经落实，市民反映良好，后续工作还将继续开展。</p></div></body></html>")
    return json.dumps({"url": f"https://example.com/news/{i}.html", "html": html}, ensure_ascii=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    lines = [_line(i) for i in range(ARTICLES)]
    lines.insert(5, "not json")  # a failure in the middle keeps its place too
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(db) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("select url, title, body, published_at from articles order by doc").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def imported(corpus, tmp_path_factory):
    """The corpus imported with one cleaning process and with two."""
    dbs = {}
    for jobs in (1, 2):
        db = tmp_path_factory.mktemp(f"jobs{jobs}") / "news.db"
        result = newsarchive("import", str(corpus), "--db", str(db), "--jobs", str(jobs), timeout=300)
        assert result.returncode == 1, result.stderr[-2000:]  # the one line that is not JSON
        assert json.loads(result.stdout.strip().splitlines()[-1])["new"] == ARTICLES
        dbs[jobs] = db
    return dbs


def test_parallel_import_stores_in_input_order(imported):
    urls = [url for url, *_ in _stored(imported[2])]
    assert urls == [f"https://example.com/news/{i}.html" for i in range(ARTICLES)]


def test_parallel_import_stores_what_one_process_stores(imported):
    assert _stored(imported[2]) == _stored(imported[1])
    con = sqlite3.connect(imported[2])
    (reason,) = con.execute("select reason from failures").fetchone()
    con.close()
    assert reason.startswith("not JSON")


def test_parallel_reprocess_reports_and_stores_as_one_process(imported, tmp_path):
    reports = {}
    for jobs in (1, 2):
        with Archive(imported[jobs]) as archive:
            reports[jobs] = reprocess(archive, jobs=jobs).as_dict()
    for report in reports.values():
        report.pop("run_id")
    assert reports[2] == reports[1]
    assert reports[2]["examined"] == ARTICLES and reports[2]["failed"] == 0
    assert _stored(imported[2]) == _stored(imported[1])


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(jobs, corpus, tmp_path):
    for command in (["import", str(corpus)], ["reprocess"]):
        result = newsarchive(*command, "--db", str(tmp_path / "news.db"), "--jobs", jobs)
        assert result.returncode == 2 and "--jobs" in result.stderr
