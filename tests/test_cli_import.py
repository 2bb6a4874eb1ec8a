"""``newsarchive import``: files, folders, JSONL and other tools' WARC files, kept raw and cleaned like crawled pages."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.crawling import newsarchive
from tests.test_cli_clean import PAGE



def foreign_warc(path, url, html: bytes):
    """A WARC as another crawler would write it (warcio directly, a response record with a gb2312 page)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=gb2312")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers))


def test_import_files_jsonl_and_warc_then_reimport_changes_nothing(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(PAGE, encoding="utf-8")
    jsonl = tmp_path / "in" / "corpus.jsonl"
    jsonl.write_text(json.dumps({"url": "https://example.com/2.html", "html": PAGE.replace("江北区", "渝北区")},
                                ensure_ascii=False) + "\nnot json\n", encoding="utf-8")
    warc = tmp_path / "other.warc.gz"
    foreign_warc(warc, "https://example.org/3.html", PAGE.replace("江北区", "南岸区").encode("gb18030"))
    db = tmp_path / "db" / "news.db"
    first = newsarchive("import", str(tmp_path / "in"), str(warc), "--db", str(db))
    assert first.returncode == 1  # the bad JSONL line
    assert json.loads(first.stdout.splitlines()[-1]) == {"db": str(db), "new": 3, "failed": 1}
    con = sqlite3.connect(db)
    titles = sorted(t for (t,) in con.execute("select title from articles"))
    assert titles == ["南岸区新建停车位三千个", "江北区新建停车位三千个", "渝北区新建停车位三千个"]
    assert con.execute("select count(*) from articles where warc_file is null").fetchone()[0] == 0
    reasons = [r for (r,) in con.execute("select reason from failures")]
    assert any("not JSON" in r for r in reasons)
    con.close()
    ours = sorted((db.parent / "warc").glob("*.warc.gz"))
    assert ours
    warcio = str(Path(sys.executable).with_name("warcio"))
    check = subprocess.run([warcio, "check", *map(str, ours)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    again = newsarchive("import", str(tmp_path / "in"), str(warc), "--db", str(db))
    assert json.loads(again.stdout.splitlines()[-1]) == {"db": str(db), "unchanged": 3, "failed": 1}


def test_import_reports_missing_paths_and_bad_warc(tmp_path):
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes(b"this is not a warc file at all\n" * 10)
    result = newsarchive("import", str(tmp_path / "nope.html"), str(bad), "--db", str(tmp_path / "news.db"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no such file" in result.stderr and "WARC" in result.stderr
