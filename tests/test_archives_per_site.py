"""An archive per site, each with its own writer, merged for analysts as docs/distributed.md says: each archive
exported as Parquet by month under ``lake/archive=NAME/``, read as one table by pandas and DuckDB."""

from __future__ import annotations

import duckdb
import pandas as pd
from click.testing import CliRunner

from archive.search import search
from archive.store import Archive
from newsarchive.cli import cli

SITES = {
    "cbg": ("www.cbg.cn", ["重庆新闻", "媒体融合"], "2020-10"),
    "district": ("wz.cbg.cn", ["万州新闻", "媒体融合"], "2020-11"),
}


def _articles(site: str, words: list[str], month: str, n: int) -> list[dict]:
    return [{"id": f"{site}-{i}", "url": f"https://{site}/show/{i}.html", "site": site,
             "title": f"{words[i % 2]}第{i}篇", "body": f"{words[0]}：正文{i}。",
             "published_at": f"{month}-{1 + i % 28:02d}T09:00:00+08:00"} for i in range(n)]


def _newsarchive(*args: str) -> None:
    done = CliRunner().invoke(cli, list(args))
    assert done.exit_code == 0, done.output


def test_an_archive_per_site_merges_into_one_parquet_lake(tmp_path):
    counts = {}
    for name, (site, words, month) in SITES.items():
        with Archive(tmp_path / f"{name}.db") as arc:  # each archive has its own file, lock and writer
            arc.upsert_many(_articles(site, words, month, 30 if name == "cbg" else 20), run_id=None)
            counts[name] = arc.db["articles"].count
            assert len(search(arc, "媒体融合", limit=None)) == counts[name] // 2
    lake = tmp_path / "lake"
    for name in SITES:
        _newsarchive("export", "--db", str(tmp_path / f"{name}.db"), "--format", "parquet", "--partition", "month",
                     "-o", str(lake / f"archive={name}"))

    frame = pd.read_parquet(lake)
    assert len(frame) == sum(counts.values()) and frame["id"].is_unique
    assert frame.groupby("archive", observed=True).size().to_dict() == counts
    assert sorted(map(str, frame["month"].unique())) == ["2020-10", "2020-11"]

    rows = duckdb.connect().execute(
        f"""SELECT archive, month, site, count(*) FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true)
            WHERE title LIKE '%媒体融合%' GROUP BY ALL ORDER BY archive"""
    ).fetchall()
    assert rows == [("cbg", "2020-10", "www.cbg.cn", 15), ("district", "2020-11", "wz.cbg.cn", 10)]
    # A new month re-exported adds its own files; the old ones are never overwritten.
    with Archive(tmp_path / "cbg.db") as arc:
        arc.upsert_many(_articles("www.cbg.cn", ["重庆新闻", "媒体融合"], "2020-12", 3), run_id=None)
    _newsarchive("export", "--db", str(tmp_path / "cbg.db"), "--format", "parquet", "--partition", "month",
                 "--since", "2020-12-01", "-o", str(lake / "archive=cbg"))
    assert (lake / "archive=cbg" / "month=2020-12" / "part-0.parquet").exists()
    assert len(pd.read_parquet(lake)) == sum(counts.values()) + 3
