"""Export streams: every article once, the chosen fields, a date window, and flat memory on a large archive."""

from __future__ import annotations

import csv
import inspect
import io
import json
import tracemalloc
from datetime import timedelta

import pytest

from archive import fts
from archive.export import DEFAULT_FIELDS, export, iter_articles
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


# Parquet: typed columns, read by pandas and DuckDB as they are.

DUCK_TYPES = {"published_at": "TIMESTAMP WITH TIME ZONE", "first_seen": "TIMESTAMP WITH TIME ZONE",
              "version": "BIGINT", "quality": "VARCHAR", "images": "VARCHAR", "title": "VARCHAR"}


@pytest.fixture
def dated(arc):
    """The ten October articles, one in November at local midnight (still October in UTC), and one undated."""
    arc.upsert_many([
        {"id": "nov", "url": "u:nov", "title": "十一月", "body": "正文", "published_at": "2020-11-01T00:30:00+08:00"},
        {"id": "undated", "url": "u:undated", "title": "无日期", "body": "正文", "published_at": None},
    ], run_id=None)
    return arc


def test_parquet_round_trips_through_pandas_with_types(dated, tmp_path):
    import pandas as pd

    path = tmp_path / "articles.parquet"
    with open(path, "wb") as out:
        assert export(dated, out, "parquet") == 12
    frame = pd.read_parquet(path)
    assert list(frame.columns) == list(DEFAULT_FIELDS) and len(frame) == 12
    kind = frame["published_at"].dtype
    assert isinstance(kind, pd.DatetimeTZDtype) and kind.tz.utcoffset(None) == timedelta(hours=8)
    row = frame.set_index("id").loc["a3"]
    assert row["published_at"] == pd.Timestamp("2020-10-03T09:00:00+08:00")
    assert row["published_at"].tz_convert("UTC") == pd.Timestamp("2020-10-03T01:00:00Z")
    assert json.loads(row["quality"]) == {"repairs": {"to_simplified": 3}}
    assert json.loads(row["images"]) == ["https://cmsimg.cbg.cn/1.jpg"]
    assert row["body"] == "第一段\n第二段, with \"quotes\"" and row["version"] == 1
    assert str(frame["version"].dtype) == "int64" and str(frame["last_seen"].dtype.tz) == "UTC"
    assert pd.isna(frame.set_index("id").loc["undated", "published_at"])


def test_parquet_is_read_by_duckdb_with_types(dated, tmp_path):
    import duckdb

    path = tmp_path / "articles.parquet"
    with open(path, "wb") as out:
        export(dated, out, "parquet")
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{path}')").fetchall())
    assert {name: types[name] for name in DUCK_TYPES} == DUCK_TYPES
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    rows = con.execute(
        f"""SELECT id, strftime(published_at, '%Y-%m-%d %H:%M'), json_extract(quality, '$.repairs.to_simplified')::INT
            FROM '{path}' WHERE published_at >= TIMESTAMPTZ '2020-10-09 00:00:00+08:00' ORDER BY published_at"""
    ).fetchall()
    assert rows == [("a9", "2020-10-09 09:00", 9), ("a10", "2020-10-10 09:00", 10), ("nov", "2020-11-01 00:30", None)]


def test_parquet_partitioned_by_month(dated, tmp_path):
    import duckdb
    import pandas as pd

    folder = tmp_path / "by-month"
    assert export(dated, folder, "parquet", partition="month") == 12
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*.parquet"))
    assert files == ["month=2020-10/part-0.parquet", "month=2020-11/part-0.parquet",
                     "month=undated/part-0.parquet"]
    frame = pd.read_parquet(folder)
    assert len(frame) == 12
    assert frame[frame["id"] == "nov"]["month"].astype(str).tolist() == ["2020-11"], "the local month"
    counts = duckdb.connect().execute(
        f"""SELECT month, count(*) FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)
            GROUP BY month ORDER BY month"""
    ).fetchall()
    assert counts == [("2020-10", 10), ("2020-11", 1), ("undated", 1)]
    with pytest.raises(ValueError, match="partition"):
        export(dated, folder, "jsonl", partition="month")


def test_parquet_export_command(dated, tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from newsarchive.cli import cli

    db = str(dated.path)
    dated.close()
    path = tmp_path / "out.parquet"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--format", "parquet", "--since", "2020-10-05",
                                      "--fields", "id,published_at,title", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(path)["id"].tolist() == ["a5", "a6", "a7", "a8", "a9", "a10", "nov"]
    folder = tmp_path / "months"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--format", "parquet", "--partition", "month",
                                      "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(folder)) == 12
    for bad in (["--partition", "month", "-o", str(folder)], ["--format", "parquet", "--partition", "month"],
                ["--format", "parquet", "--partition", "year", "-o", str(folder)]):
        assert CliRunner().invoke(cli, ["export", "--db", db, *bad]).exit_code == 2, bad
