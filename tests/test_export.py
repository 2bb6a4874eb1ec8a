"""Export streams: every article once, the chosen fields, a date window, and flat memory on a large archive."""

from __future__ import annotations

import csv
import inspect
import io
import json
import tracemalloc

import pytest

from archive import fts
from archive.export import export, iter_articles
from archive.store import Archive


@pytest.fixture
def arc(tmp_path):
    with Archive(tmp_path / "news.db") as opened:
        opened.upsert_many(
            [
                {"id": f"a{day}", "url": f"https://www.cbg.cn/show/705-{day}.html", "title": f"第{day}天，“新闻”",
                 "body": "第一段\n第二段, with \"quotes\"", "published_at": f"2020-10-{day:02d}T09:00:00+08:00",
                 "images": ["https://cmsimg.cbg.cn/1.jpg"], "quality": {"repairs": {"to_simplified": day}}}
                for day in range(1, 11)
            ],
            run_id=None,
        )
        yield opened


def test_jsonl_holds_every_article_with_json_values(arc):
    out = io.StringIO()
    assert export(arc, out, "jsonl") == 10
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in rows] == [f"a{day}" for day in range(1, 11)]
    assert rows[2]["images"] == ["https://cmsimg.cbg.cn/1.jpg"] and rows[2]["quality"]["repairs"]["to_simplified"] == 3
    assert rows[0]["body"] == "第一段\n第二段, with \"quotes\"" and rows[0]["version"] == 1


def test_csv_with_chosen_fields_and_a_window(arc):
    out = io.StringIO()
    assert export(arc, out, "csv", since="2020-10-03", until="2020-10-05", fields=["id", "title", "body"]) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["id"] for row in rows] == ["a3", "a4", "a5"]
    assert list(rows[0]) == ["id", "title", "body"] and rows[0]["body"] == "第一段\n第二段, with \"quotes\""


def test_unknown_fields_and_formats_are_refused(arc):
    with pytest.raises(ValueError, match="nope"):
        export(arc, io.StringIO(), "csv", fields=["id", "nope"])
    with pytest.raises(ValueError):
        export(arc, io.StringIO(), "xml")


class _Sink(io.TextIOBase):
    def __init__(self):
        self.chars = 0

    def write(self, text):
        self.chars += len(text)
        return len(text)


def test_export_streams_with_flat_memory(tmp_path):
    """20 MB of articles exported while Python's memory grows by well under a megabyte."""
    with Archive(tmp_path / "big.db") as arc:
        for name in fts.TRIGGERS:  # the index is beside the point here; fill the table with SQL alone
            arc.conn.execute(f"DROP TRIGGER {name}")
        with arc.batch():
            arc.conn.execute(
                """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
                   INSERT INTO articles (id, url, doc, title, body, published_at)
                   SELECT 'a' || i, 'u' || i, i, '标题' || i, hex(randomblob(2500)), '2020-10-01' FROM n"""
            )
        assert inspect.isgenerator(iter_articles(arc))
        sink = _Sink()
        tracemalloc.start()
        count = export(arc, sink, "jsonl")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert count == 4000 and sink.chars > 20_000_000
    assert peak < 1_000_000, f"peak {peak} bytes: export is not streaming"
