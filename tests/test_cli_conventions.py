"""What every command shares: validated dates, one --format, headers on empty CSV, "N of M", `show`, quick start."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.search import check_moment, search
from archive.store import Archive
from newsarchive.cli import cli

MOMENTS = json.loads((Path(__file__).parent / "cases" / "moments.json").read_text(encoding="utf-8"))
HEAVY = ("scrapy", "twisted", "pypinyin", "opencc", "jieba", "datasette", "redis", "lxml", "charset_normalizer",
         "pipelines.clean", "crawler")
"""What a command that touches no crawl and cleans nothing must not import (they cost about a second)."""


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as arc:
        run = arc.start_run({"command": "test"})
        arc.upsert_many([
            {"id": "a1b2c3d4e5f60718", "url": "https://www.cbg.cn/show/705-1.html", "title": "重庆加快推进媒体融合",
             "body": "第一段，媒体融合。\n第二段。", "source": "重庆日报", "published_at": "2020-10-22T09:00:00+08:00"},
            {"id": "a1ff000000000002", "url": "https://www.cbg.cn/show/705-2.html", "title": "主力军挺进主战场",
             "body": "视界网报道。", "source": "视界网", "published_at": "2020-10-23T09:00:00+08:00"},
        ], run)
        arc.upsert_article({"id": "a1ff000000000002", "url": "https://www.cbg.cn/show/705-2.html",
                            "title": "主力军挺进主战场", "body": "视界网报道，融合，更正。", "source": "视界网",
                            "published_at": "2020-10-23T09:00:00+08:00"}, run)
        arc.finish_run(run)
    return str(path)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("value", MOMENTS["refused"])
@pytest.mark.parametrize("command", [["search", "媒体", "--since"], ["search", "媒体", "--until"], ["export", "--since"],
                                     ["export", "--until"], ["stats", "--since"], ["stats", "--until"],
                                     ["reprocess", "--dry-run", "--since"]])
def test_a_date_that_is_not_iso_is_a_usage_error(db, command, value):
    result = run(*command, value, "--db", db)
    assert result.exit_code == 2, result.output
    assert "is not a date (2026-10-01) or a date and time" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("value", MOMENTS["accepted"])
def test_iso_dates_and_times_are_accepted(db, value):
    assert check_moment(value) == value
    assert run("search", "媒体", "--since", value, "--db", db).exit_code == 0


def test_the_library_refuses_them_too(db):
    with Archive(db) as arc, pytest.raises(ValueError, match="is not a date"):
        search(arc, "媒体", until="2020/10/22")


@pytest.mark.parametrize("command", [["search", "没有的词"], ["export", "--since", "2030-01-01"], ["runs", "--limit", "1"],
                                     ["stats", "--only", "failures"]])
def test_csv_has_a_header_even_with_no_rows(db, command):
    result = run(*command, "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert len(header) >= 2 and all(header), result.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
@pytest.mark.parametrize("command", [["search", "媒体"], ["export"], ["runs"], ["stats", "--only", "sources"]])
def test_every_command_that_prints_rows_takes_every_format(db, command, fmt):
    result = run(*command, "--format", fmt, "--db", db)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert isinstance(json.loads(result.stdout), list)
    elif fmt == "jsonl":
        assert all(isinstance(json.loads(line), dict) for line in result.stdout.splitlines())


def test_json_export_streams_a_valid_array(db):
    assert json.loads(run("export", "--format", "json", "--db", db).stdout)[0]["id"] == "a1b2c3d4e5f60718"
    assert json.loads(run("export", "--format", "json", "--since", "2030-01-01", "--db", db).stdout) == []


def test_search_says_how_many_of_how_many_and_shows_ids(db):
    result = run("search", "视界网", "--limit", "1", "--db", db)
    header, _, first = result.stdout.splitlines()[:3]
    assert header.split()[0] == "id" and first.startswith("a1ff000000000002")
    assert result.stderr == "1 of 1 matches\n"
    both = run("search", "融合", "--limit", "1", "--db", db)
    assert both.stderr == "1 of 2 matches (--limit 2 for all)\n"


def test_show_prints_one_article_by_its_id_or_a_unique_start(db):
    text = run("show", "a1b2", "--db", db)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "重庆加快推进媒体融合" and "source: 重庆日报" in lines and "第二段。" in lines
    data = json.loads(run("show", "a1ff000000000002", "--format", "json", "--db", db).stdout)
    assert data["paragraphs"] == ["视界网报道，融合，更正。"] and [v["version"] for v in data["versions"]] == [1]
    assert "earlier versions: 1" in run("show", "a1ff", "--db", db).stdout
    ambiguous = run("show", "a1", "--db", db)
    assert ambiguous.exit_code == 1 and "several ids" in ambiguous.stderr
    missing = run("show", "ffff", "--db", db)
    assert missing.exit_code == 1 and "no article id starts with 'ffff'" in missing.stderr


PROBE = """
import json, sys
from newsarchive.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="newsarchive", standalone_mode=False)
except SystemExit:
    pass
heavy = sorted(name for name in sys.modules if any(name == h or name.startswith(h + ".") for h in HEAVY))
sys.stderr.write("MODULES " + json.dumps(heavy) + "\\n")
"""


@pytest.mark.parametrize("command", [["--version"], ["search", "媒体"], ["show", "a1b2"], ["stats"], ["runs"],
                                     ["export", "--format", "csv"], ["health"]])
def test_commands_that_touch_no_crawl_import_no_crawler_nor_cleaner(db, command):
    args = [*command] if command == ["--version"] else [*command, "--db", db]
    result = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *args], capture_output=True,
                            text=True, timeout=60)
    modules = json.loads(result.stderr.rsplit("MODULES ", 1)[1])
    assert modules == [], f"{command} imported {modules}"
