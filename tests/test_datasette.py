"""Datasette: the archive served read-only on loopback, described, searchable in Chinese; the schema docs agree."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.parse
from pathlib import Path

import pytest

from archive import schema_doc
from archive.store import Archive
from tests import serving

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [
    {"id": "a1", "url": "https://www.cbg.cn/show/705-1.html", "title": "重庆加快推进媒体深度融合发展",
     "body": "今年9月，App与9.83亿次\n第二段", "source": "重庆日报", "section": "新闻 › 重庆新闻",
     "published_at": "2020-10-22T09:00:00+08:00", "quality": {"repairs": {"to_simplified": 3}}},
    {"id": "a2", "url": "https://www.cbg.cn/show/705-2.html", "title": "主力军挺进主战场",
     "body": "视界网报道，媒体融合。", "source": "视界网", "section": "新闻 › 重庆新闻",
     "published_at": "2020-10-23T09:00:00+08:00"},
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "news.db"
    with Archive(path) as arc:
        arc.upsert_many(ARTICLES, run_id=None)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with serving.served(path) as base:
        yield base, path, digest


def _get(url: str) -> tuple[int, str]:
    return serving.get(url)[:2]


def _json(base: str, path: str, **params) -> list[dict]:
    status, text = _get(f"{base}{path}?{urllib.parse.urlencode({**params, '_shape': 'array'})}")
    assert status == 200, text[:500]
    return json.loads(text)


def test_html_pages(served):
    base, _, _ = served
    status, html = _get(f"{base}/news/articles")
    assert status == 200 and "重庆加快推进媒体深度融合发展" in html
    assert schema_doc.tables()["articles"]["description"] in html
    status, html = _get(f"{base}/news")
    assert status == 200 and "articles_per_day" in html and "Search titles and bodies" in html


def test_json_api_and_canned_queries(served):
    base, _, _ = served
    assert {row["id"] for row in _json(base, "/news/articles.json")} == {"a1", "a2"}
    assert _json(base, "/news/articles_per_day.json") == [{"day": "2020-10-23", "articles": 1},
                                                          {"day": "2020-10-22", "articles": 1}]
    assert _json(base, "/news/top_sources.json")[0]["articles"] == 1
    assert _json(base, "/news/repairs_by_kind.json") == [{"repair": "to_simplified", "records": 1, "changes": 3}]


def test_chinese_search(served):
    base, _, _ = served
    hits = _json(base, "/news/search.json", q="媒体融合", since="", until="")
    assert [hit["id"] for hit in hits] == ["a2"] and "«媒体融合»" in hits[0]["snippet"]
    assert [hit["id"] for hit in _json(base, "/news/search.json", q="媒体", since="", until="")] == ["a1", "a2"]
    assert [hit["id"] for hit in _json(base, "/news/search.json", q="9.83亿", since="", until="")] == ["a1"]
    assert _json(base, "/news/search.json", q="媒体", since="2020-10-23", until="") == [
        hit for hit in _json(base, "/news/search.json", q="媒体", since="", until="") if hit["id"] == "a2"]
    # The table's own search box uses the same bigram matching.
    assert [row["id"] for row in _json(base, "/news/articles.json", _search="挺进主战")] == ["a2"]


def test_served_read_only(served):
    base, path, digest = served
    status, _ = _get(f"{base}/news.json?" + urllib.parse.urlencode({"sql": "delete from articles"}))
    assert status == 400
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_the_plugin_makes_connections_query_only(tmp_path):
    from archive import datasette_plugin

    path = tmp_path / "news.db"
    with Archive(path) as arc:
        arc.upsert_many(ARTICLES, run_id=None)
    conn = sqlite3.connect(path)
    datasette_plugin.prepare_connection(conn, "news")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM failures")
    assert conn.execute("SELECT newsarchive_match('媒体融合'), escape_fts('年')").fetchone() == (
        '"媒体" "体融" "融合"', '"年"* OR "x005e74"*')
    conn.close()


def test_every_column_is_documented_and_docs_are_current(tmp_path):
    with Archive(tmp_path / "news.db") as arc:
        real = {
            table: [column[1] for column in arc.conn.execute(f"PRAGMA table_info([{table}])")]
            for (table,) in arc.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'articles_fts_%'"
                " AND name NOT LIKE 'sqlite_%'")
        }
    documented = {table: list(spec["columns"]) for table, spec in schema_doc.tables().items()}
    assert real == documented
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_doc.markdown(), (
        "regenerate: python -m archive.schema_doc > docs/schema.md")
