"""Archives made by older versions are upgraded in place, and the search index survives schema surgery."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from archive import fts
from archive.migrations import migrations
from archive.search import search
from archive.store import Archive

OLD_ROWS = [
    ("n1", "https://www.cbg.cn/show/705-1.html", "重庆加快推进媒体深度融合发展", "今年9月，印发《意见》。", "2020-10-22T08:00:00+08:00"),
    ("n2", "https://www.cbg.cn/show/705-2.html", "主力军挺进主战场", "App与9.83亿次", "2020-10-23T08:00:00+08:00"),
]


def _old_archive(path) -> None:
    """An archive as the first released version wrote it: migration 1 only, rows inserted by its SQL."""
    db = Database(sqlite3.connect(str(path), isolation_level=None))
    migrations.apply(db, stop_before="m002_versions")
    with db.atomic():
        db.execute(
            "INSERT INTO crawl_runs (started_at, finished_at, finish_reason, new) VALUES ('t0', 't1', 'finished', 2)"
        )
        for id_, url, title, body, published in OLD_ROWS:
            db.execute(
                """INSERT INTO articles (id, url, title, body, published_at, quality, content_hash,
                                         first_seen, last_seen, crawl_run_id)
                   VALUES (?, ?, ?, ?, ?, '{"repairs": {}}', 'old-hash', '2020-10-22T00:00:00+00:00',
                           '2020-10-24T00:00:00+00:00', 1)""",
                [id_, url, title, body, published],
            )
        db.execute("INSERT INTO failures (run_id, url_or_path, stage, reason, at) VALUES (1, 'u', 'fetch', '404', 't')")
    assert [m.name for m in migrations.applied(db)] == ["m001_initial"]
    db.close()


def test_old_archive_is_upgraded_in_place(tmp_path):
    path = tmp_path / "news.db"
    _old_archive(path)
    with Archive(path) as arc:
        assert arc.upgraded == ["m002_versions", "m003_raw_capture", "m004_search", "m005_indexes",
                                "m006_failure_lookup", "m007_run_alerts", "m008_updated_at",
                                "m009_walks", "m010_run_owner", "m011_article_aliases",
                                "m012_search_without_functions"]
        row = arc.get_article("n1")
        assert row["title"] == OLD_ROWS[0][2] and row["body"] == OLD_ROWS[0][3]
        assert row["version"] == 1 and row["fetched_at"] == "2020-10-24T00:00:00+00:00"
        assert arc.db["failures"].count == 1
        assert [r["id"] for r in search(arc, "媒体深度")] == ["n1"]
        assert [r["id"] for r in search(arc, "9.83亿")] == ["n2"]
        # The upgraded archive takes new versions like a new one.
        record = {"id": "n1", "url": OLD_ROWS[0][1], "title": OLD_ROWS[0][2], "body": "更正后的正文"}
        assert arc.upsert_article(record, run_id=None) == "updated"
        assert [v["body"] for v in arc.versions("n1")] == [OLD_ROWS[0][3]]
        assert [r["id"] for r in search(arc, "更正")] == ["n1"]
        assert search(arc, "今年9月") == []
    with Archive(path) as again:
        assert again.upgraded == [] and again.reindexed is False


def test_transform_drops_triggers_and_open_restores_them(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc:
        arc.upsert_article({"id": "a", "url": "u1", "title": "标题", "body": "视界网报道"}, run_id=None)
        arc.db["articles"].transform(types={"warc_offset": int, "warc_length": int})
        assert fts.missing_triggers(arc.conn) == list(fts.TRIGGERS)
        with arc.batch():
            # A write the index cannot see, as a careless migration would make after transform().
            arc.conn.execute("INSERT INTO articles (id, url, doc, title, body) VALUES ('b', 'u2', 2, '新', '第一眼TV')")
        assert search(arc, "第一眼") == []
    with Archive(path) as arc:
        assert arc.reindexed is True and fts.missing_triggers(arc.conn) == []
        assert [r["id"] for r in search(arc, "第一眼")] == ["b"]
        assert [r["id"] for r in search(arc, "视界")] == ["a"]
        arc.upsert_article({"id": "a", "url": "u1", "title": "标题", "body": "上游新闻"}, run_id=None)
        assert search(arc, "视界") == [] and [r["id"] for r in search(arc, "上游")] == ["a"]


def test_vacuum_keeps_the_index_pointing_at_the_right_articles(tmp_path):
    with Archive(tmp_path / "news.db") as arc:
        arc.upsert_many(
            [{"id": f"a{i}", "url": f"u{i}", "title": f"第{i}条", "body": f"正文{i}号"} for i in range(50)], run_id=None
        )
        with arc.batch():
            arc.conn.execute("DELETE FROM articles WHERE id IN ('a0', 'a1', 'a2', 'a10')")
        arc.conn.execute("VACUUM")
        assert [r["id"] for r in search(arc, "正文7号")] == ["a7"]
        assert [r["id"] for r in search(arc, "正文1号")] == []


def test_updated_at_is_stored_and_versioned(tmp_path):
    record = {"id": "u", "url": "u1", "title": "标题", "body": "正文", "published_at": "2020-10-22T08:00:00+08:00"}
    with Archive(tmp_path / "news.db") as arc:
        assert arc.upsert_article(record, run_id=None) == "new"
        assert arc.upsert_article({**record, "updated_at": "2020-10-23T09:00:00+08:00"}, run_id=None) == "updated"
        assert arc.get_article("u")["updated_at"] == "2020-10-23T09:00:00+08:00"
        assert [v["updated_at"] for v in arc.versions("u")] == [None]


def test_a_record_without_updated_at_keeps_the_hash_it_had_before_the_column():
    """Archives written before m007 hashed seven fields; a recrawl of an unchanged article must match them."""
    import hashlib
    import json

    from archive.store import content_hash

    record = {"title": "标题", "published_at": "2020-10-22T08:00:00+08:00", "source": "视界网", "author": "李一",
              "editor": "张静怡", "section": "新闻", "body": "正文"}
    before = json.dumps([record[f] for f in ("title", "published_at", "source", "author", "editor", "section", "body")],
                        ensure_ascii=False)
    assert content_hash(record) == hashlib.sha256(before.encode("utf-8")).hexdigest()
    assert content_hash({**record, "updated_at": "2020-10-23T09:00:00+08:00"}) != content_hash(record)
