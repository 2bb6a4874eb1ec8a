"""One article with its versions and its cleaning told in words (archive.article, archive.explain)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from archive.article import lookup
from archive.explain import explain
from archive.store import Archive

CASES = json.loads((Path(__file__).parent / "cases" / "explain.json").read_text(encoding="utf-8"))["cases"]

FIRST = {"id": "c0ffee0123456789", "url": "https://www.cbg.cn/a/705/20201022/1.html", "title": "重庆发布暴雨预警",
         "body": "重庆市气象台发布暴雨预警。\n\n请市民注意防范。", "source": "重庆日报", "editor": "何丹",
         "published_at": "2020-10-22T09:00:00+08:00", "images": ["https://www.cbg.cn/1.jpg"],
         "quality": {"repairs": {"to_simplified": 3}, "lost": 0}}
SECOND = {**FIRST, "title": "重庆发布暴雨橙色预警", "editor": "张伟"}
THIRD = {**SECOND, "body": "重庆市气象台发布暴雨橙色预警。\n请市民注意防范。"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["label"])
def test_explain(case):
    quality = json.dumps(case["quality"]) if isinstance(case["quality"], dict) else case["quality"]
    assert explain(quality, case["mirror_of"]) == case["expected"], case["comment"]


def test_lookup_gives_paragraphs_versions_and_notes(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc:
        for record, fetched in [(FIRST, "2020-10-22T01:00:00+00:00"), (SECOND, "2020-10-22T02:00:00+00:00"),
                                (THIRD, "2020-10-22T03:00:00+00:00")]:
            arc.upsert_article(record, run_id=None, fetched_at=fetched)
    # Read as the search app does: a plain read-only connection.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    article = lookup(conn, FIRST["id"])
    assert article["title"] == THIRD["title"] and article["version"] == 3
    assert article["paragraphs"] == ["重庆市气象台发布暴雨橙色预警。", "请市民注意防范。"]
    assert article["images"] == FIRST["images"] and article["quality"]["repairs"] == {"to_simplified": 3}
    assert [(v["version"], v["fetched_at"], v["changed"]) for v in article["versions"]] == [
        (1, "2020-10-22T01:00:00+00:00", ["title", "editor"]),
        (2, "2020-10-22T02:00:00+00:00", ["body"]),
    ]
    assert article["versions"][0]["paragraphs"] == ["重庆市气象台发布暴雨预警。", "请市民注意防范。"]
    assert [note["topic"] for note in article["notes"]] == ["repair"]
    json.dumps(article, ensure_ascii=False)  # a command can print it as it is
    assert lookup(conn, "0000000000000000") is None
    conn.close()
