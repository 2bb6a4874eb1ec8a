"""The archive commands: search, runs, stats, export, reprocess, serve — thin layers with uniform output."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from archive.store import Archive


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc:
        run = arc.start_run({"spider": "cbg"})
        arc.upsert_many(
            [
                {"id": "a1", "url": "https://www.cbg.cn/show/705-1.html", "title": "重庆加快推进媒体深度融合发展",
                 "body": "今年9月，App与9.83亿次。", "source": "重庆日报", "section": "新闻 › 重庆新闻",
                 "published_at": "2020-10-22T09:00:00+08:00", "quality": {"repairs": {"to_simplified": 3}}},
                {"id": "a2", "url": "https://www.cbg.cn/show/705-2.html", "title": "主力军挺进主战场",
                 "body": "视界网报道，媒体融合。", "source": "视界网", "section": "新闻 › 央媒关注",
                 "published_at": "2020-10-23T09:00:00+08:00"},
            ],
            run,
        )
        arc.record_failure(run, "https://www.cbg.cn/show/705-9.html", "fetch", "http 404")
        arc.finish_run(run)
    return str(path)


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def test_search_formats(db):
    table = run("search", "媒体", "--db", db)
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["id", "published_at", "title", "source", "snippet"] and len(lines) == 4
    assert "2 of 2 matches" in table.stderr
    hits = json.loads(run("search", "媒体融合", "--db", db, "--format", "json").stdout)
    assert [hit["id"] for hit in hits] == ["a2"] and "«媒体融合»" in hits[0]["snippet"]
    rows = list(csv.DictReader(io.StringIO(run("search", "app", "--db", db, "--format", "csv").stdout)))
    assert [row["id"] for row in rows] == ["a1"]
    lines = run("search", "媒体", "--db", db, "--format", "jsonl", "--source", "视界网").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a2"]
    assert run("search", "媒体", "--db", db, "--since", "2020-10-23", "--format", "json").stdout.count('"id"') == 1


def test_rows_as_parquet(db, tmp_path):
    import subprocess

    import pandas as pd

    # As a process: Parquet goes to the binary stream under stdout, as `> hits.parquet` would take it.
    with open(tmp_path / "hits.parquet", "wb") as out:
        found = subprocess.run([sys.executable, "-m", "newsarchive", "search", "媒体", "--db", db,
                                "--format", "parquet"], stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert found.returncode == 0, found.stderr
    hits = pd.read_parquet(tmp_path / "hits.parquet")
    assert sorted(hits["id"]) == ["a1", "a2"] and str(hits["published_at"].dtype).startswith("datetime64")
    assert run("stats", "--db", db, "--format", "parquet").exit_code == 2, "one table only, as csv"


def test_runs_and_stats(db):
    runs = json.loads(run("runs", "--db", db, "--format", "json").stdout)
    assert [(r["new"], r["failed"], r["status"]) for r in runs] == [(2, 1, "finished")]
    tables = json.loads(run("stats", "--db", db, "--format", "json").stdout)
    assert tables["repairs"] == [{"repair": "to_simplified", "records": 1, "changes": 3}]
    assert tables["failures"][0]["reason"] == "http 404"
    text = run("stats", "--db", db).stdout
    assert "sections" in text and "新闻 › 央媒关注" in text and "repairs" in text
    only = run("stats", "--db", db, "--only", "sources", "--format", "csv").stdout.splitlines()
    assert only[0] == "source,articles" and len(only) == 3
    refused = run("stats", "--db", db, "--format", "csv")
    assert refused.exit_code == 2 and "--only" in refused.stderr


def test_export(db, tmp_path):
    result = run("export", "--db", db)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a1", "a2"]
    assert result.stderr == "2 articles\n"
    out = tmp_path / "out.csv"
    result = run("export", "--db", db, "--format", "csv", "--fields", "id,title", "--until", "2020-10-22", "-o", out)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == "id,title\na1,重庆加快推进媒体深度融合发展\n"
    bad = run("export", "--db", db, "--fields", "id,nope")
    assert bad.exit_code == 2 and "nope" in bad.stderr


def test_reprocess_dry_run_reports(db):
    result = run("reprocess", "--db", db, "--dry-run")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["examined"], report["no_raw"], report["changed"], report["dry_run"]) == (2, 2, 0, True)


def test_reading_commands_never_create_an_archive(tmp_path):
    missing = tmp_path / "nothing.db"
    for command in (["search", "重庆"], ["runs"], ["stats"], ["export"], ["reprocess"], ["serve"]):
        result = run(*command, "--db", missing)
        assert result.exit_code == 1 and "no archive at" in result.stderr, command
    assert not missing.exists()


def test_serve_without_datasette_says_so(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = run("serve", "--db", db)
    assert result.exit_code == 1 and "pip install 'newsarchive[serve]'" in result.stderr
