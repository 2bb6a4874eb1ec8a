"""Plain SQL writes keep search exact, and ``newsarchive delete`` takes an article down (raw WARC too if asked)."""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from archive import fts
from archive.search import search
from archive.store import Archive
from archive.tokenize import match_expression
from archive.warc import WarcWriter, iter_responses, read_record
from newsarchive.cli import cli
from tests.test_search import _records, like_ids, search_ids

QUERIES = ["重庆", "新闻", "9.8", "App", "x", "年", "主战场", "媒体融合", "中共中央", "，", "视界网记者", "10:30"]


def _queries(arc: Archive, rng: random.Random, n: int) -> list[str]:
    """Fixed queries, and substrings of 2 to 5 characters cut from stored texts."""
    texts = [t for (t,) in arc.conn.execute("SELECT body FROM articles ORDER BY doc") if t and len(t) > 6]
    cut = []
    for _ in range(n):
        text = rng.choice(texts)
        size = rng.randint(2, 5)
        start = rng.randrange(len(text) - size)
        cut.append(text[start:start + size])
    return QUERIES + cut


def _assert_search_is_like(arc: Archive, queries: list[str]) -> None:
    for query in queries:
        assert search_ids(arc, query) == like_ids(arc, query), query
        page = [row["id"] for row in search(arc, query, limit=5, rank_window=None)]
        assert page == [row["id"] for row in search(arc, query, limit=None)][:5], query


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc:
        arc.upsert_many(_records(300, seed=11), run_id=None)
    return path


def test_plain_sql_deletes_and_updates_work_and_search_stays_like(path):
    rng = random.Random(3)
    # Another tool: no function of ours registered, its own transactions.
    other = sqlite3.connect(path)
    other.execute("DELETE FROM articles WHERE doc % 7 = 0")
    other.execute("UPDATE articles SET body = '重庆新闻 App 9.8%，主战场' || body WHERE doc % 5 = 0")
    other.execute("UPDATE articles SET title = NULL WHERE doc % 11 = 0")
    other.execute("UPDATE articles SET doc = doc + 10000 WHERE doc % 13 = 1")
    other.execute("INSERT INTO articles (id, url, doc, title, body)"
                  " VALUES ('sql', 'u:sql', 5000, '媒体融合', '中共中央视界网记者')")
    other.execute("UPDATE articles SET body = '又改了：媒体融合' WHERE id = 'sql'")
    # Deleted, then a new article under the same doc: the index must forget the old text and take the new.
    (doc,) = other.execute("SELECT doc FROM articles WHERE id = 'a00003'").fetchone()
    other.execute("DELETE FROM articles WHERE id = 'a00003'")
    other.execute("INSERT INTO articles (id, url, doc, title, body) VALUES ('a00003', 'u:3', ?, '新的', '重庆10:30')",
                  [doc])
    other.commit()
    queued = other.execute(f"SELECT count(*) FROM {fts.PENDING}").fetchone()[0]
    assert queued > 0
    other.close()

    # A reader that does not write (as Datasette is) sees the queue and checks those articles with LIKE.
    reader = sqlite3.connect(path)
    queries = _queries(_Reader(reader), rng, 40)
    _assert_search_is_like(_Reader(reader), queries)
    reader.close()

    # The next Archive indexes the queue, and search is still LIKE from the index.
    with Archive(path) as arc:
        assert not fts.has_pending(arc.conn)
        _assert_search_is_like(arc, queries)
        # The index holds exactly what a rebuild from scratch would.
        counted = {q: arc.conn.execute(f"SELECT count(*) FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?",
                                       [fts_expression(q)]).fetchone()[0] for q in queries}
        with arc.batch():
            fts.rebuild(arc.conn)
        assert counted == {q: arc.conn.execute(f"SELECT count(*) FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?",
                                               [fts_expression(q)]).fetchone()[0] for q in queries}


class _Reader:
    """A bare connection where search expects an archive (search takes ``.conn`` or a connection)."""

    def __init__(self, conn):
        self.conn = conn


def fts_expression(query):
    return match_expression(query)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_delete_removes_the_article_its_versions_and_its_search_rows(path):
    with Archive(path) as arc:
        arc.upsert_article({"id": "a00010", "url": "u:10", "title": "改过的标题", "body": "独一无二的正文"}, None)
        assert len(arc.versions("a00010")) == 1 and search_ids(arc, "独一无二") == {"a00010"}
        before = arc.db["articles"].count
    result = run("delete", "a00010", "a00011", "--db", path)
    assert result.exit_code == 0, result.output
    said = json.loads(result.stdout)
    assert said["deleted"] == ["a00010", "a00011"] and said["versions"] == 1 and said["missing"] == []
    with Archive(path) as arc:
        assert arc.db["articles"].count == before - 2
        assert arc.get_article("a00010") is None and arc.versions("a00010") == []
        assert search_ids(arc, "独一无二") == set() and not fts.has_pending(arc.conn)
        assert arc.conn.execute(f"SELECT count(*) FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?",
                                [fts_expression("独一")]).fetchone()[0] == 0, "its search rows are gone"
        _assert_search_is_like(arc, QUERIES)
    unknown = run("delete", "nope", "--db", path)
    assert unknown.exit_code == 1 and "nope" in unknown.stderr
    assert run("delete", "--db", path).exit_code == 2


def _pages(n):
    return [(f"https://www.cbg.cn/show/705-{i}.html", f"<html><title>第{i}篇</title><p>正文{i}号</p></html>".encode())
            for i in range(n)]


def test_purge_raw_rewrites_the_warc_without_the_records(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc, WarcWriter(arc.warc_dir) as writer:
        for i, (url, body) in enumerate(_pages(5)):
            pointer = writer.write_response(url, 200, [("Content-Type", "text/html")], body)
            arc.upsert_article({"id": f"p{i}", "url": url, "title": f"第{i}篇", "body": f"正文{i}号"}, None,
                               warc=pointer)
        # p2 also has an earlier version with a raw record of its own.
        url, body = _pages(3)[2]
        pointer = writer.write_response(url, 200, [("Content-Type", "text/html")], body + b"<p>new</p>")
        arc.upsert_article({"id": "p2", "url": url, "title": "第2篇", "body": "更新的正文"}, None, warc=pointer)
        warc = writer.path
    kept_before = run("delete", "p0", "--db", path)  # without --purge-raw, the raw record stays
    assert kept_before.exit_code == 0
    assert sum(entry.url.endswith("705-0.html") for entry in iter_responses(warc)) == 1

    result = run("delete", "p2", "--purge-raw", "--db", path)
    assert result.exit_code == 0, result.output
    said = json.loads(result.stdout)
    assert said["warc_records_removed"] == 2 and len(said["warc_files_rewritten"]) == 1
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    urls = [entry.url for entry in iter_responses(warc)]
    assert not any(url.endswith("705-2.html") for url in urls)
    with gzip.open(warc, "rb") as raw:
        assert b"705-2.html" not in raw.read(), "its request records went too"
    with Archive(path) as arc:
        for i in (1, 3, 4):  # every pointer that stays still leads to its own record, digest checked
            row = arc.get_article(f"p{i}")
            url, _, body = read_record(arc.warc_pointer(row))
            assert url == row["url"] and f"正文{i}号".encode() in body
    assert not list(warc.parent.glob("*.purge"))

