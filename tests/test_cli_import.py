"""``newsarchive import``: files, folders, JSONL and other tools' WARC files, kept raw and cleaned like crawled pages."""

from __future__ import annotations

import base64
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.crawling import newsarchive
from tests.test_cli_clean import PAGE
from tests.warcs import lying, record, zeros_record



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


def _runs(db) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("select status, finish_reason from crawl_runs").fetchall()
    finally:
        con.close()


def _failures(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [reason for (reason,) in con.execute("select reason from failures order by id")]
    finally:
        con.close()


def _hostile(kind: str, folder: Path) -> tuple[bytes, str | None]:
    """A hostile input beside the good page folder/good.html: its path and the failure it must become (or None)."""
    if kind == "deep JSON":
        (folder / "deep.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
        return bytes(folder), "not JSON: nested too deeply"
    if kind == "symlink loop":
        (folder / "loop.html").symlink_to("loop.html")
        return bytes(folder), "cannot read: Too many levels of symbolic links"
    odd = folder.parent / os.fsdecode(b"\xff\xfe.html")  # named on the command line, not UTF-8: read all the same
    odd.write_text(PAGE.replace("江北区", "北碚区"), encoding="utf-8")
    return os.fsencode(odd), None


@pytest.mark.parametrize("kind", ["deep JSON", "symlink loop", "non-UTF-8 name"])
def test_hostile_inputs_are_failures_and_the_run_finishes(tmp_path, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.html").write_text(PAGE, encoding="utf-8")
    hostile, reason = _hostile(kind, folder)
    db = tmp_path / "news.db"
    result = subprocess.run([sys.executable, "-m", "newsarchive", "import", hostile, str(folder / "good.html"),
                             "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert _runs(db) == [("finished", "finished")]
    summary = json.loads(result.stdout.splitlines()[-1])
    if reason:
        assert result.returncode == 1 and summary["failed"] == 1 and summary["new"] + summary.get("unchanged", 0) == 2
        assert _failures(db) == [reason]
    else:
        assert result.returncode == 0 and summary["new"] == 2
        con = sqlite3.connect(db)
        urls = sorted(url for (url,) in con.execute("select url from articles"))
        options = json.loads(con.execute("select options from crawl_runs").fetchone()[0])
        con.close()
        assert urls[0].endswith("/%FF%FE.html") and options["paths"][0].endswith("/\\xff\\xfe.html")


def test_clean_prints_a_file_name_that_is_not_utf8_as_valid_text(tmp_path):
    odd = tmp_path / os.fsdecode(b"\xff.html")
    odd.write_text(PAGE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "newsarchive", "clean", os.fsencode(odd), "--format", "jsonl"],
                            capture_output=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert json.loads(result.stdout.decode("utf-8"))["input"].endswith("/\\xff.html")


def _import(*paths, db) -> subprocess.CompletedProcess:
    return newsarchive("import", *map(str, paths), "--db", str(db))


def test_a_truncated_record_never_replaces_a_good_version(tmp_path):
    url = "https://example.org/news/1.html"
    good = tmp_path / "good.warc.gz"
    good.write_bytes(record(url, PAGE.encode()))
    db = tmp_path / "news.db"
    assert _import(good, db=db).returncode == 0
    # The page corrected with a shorter text, cut off inside its body: as a crawl killed mid-write leaves it.
    shorter = PAGE.replace("据介绍，下一步江北区将继续推进停车设施建设，预计年底前再新增1,200个车位。", "（更正）")
    # Incompressible bytes after the text, so the cut falls after the article and what is left still reads as one.
    tail = base64.b64encode(random.Random(7).randbytes(6000))
    cut = record(url, shorter.encode() + b"<!-- " + tail + b" -->")
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(cut[: len(cut) * 3 // 4])
    result = _import(damaged, db=db)
    assert result.returncode == 1 and "truncated" in result.stderr
    con = sqlite3.connect(db)
    (body, version), = con.execute("select body, version from articles").fetchall()
    con.close()
    assert version == 1 and "预计年底前再新增1,200个车位" in body
    assert any("truncated" in reason for reason in _failures(db))


def test_a_lying_record_hides_nothing(tmp_path):
    urls = [f"https://example.org/news/{i}.html" for i in range(3)]
    pages = [PAGE.replace("江北区", district) for district in ("渝中区", "南岸区", "沙坪坝区")]
    path = tmp_path / "lying.warc"
    path.write_bytes(lying(record(urls[0], pages[0].encode(), gzip=False), 100_000, gzip=False)
                     + b"".join(record(u, p.encode(), gzip=False) for u, p in zip(urls[1:], pages[1:])))
    db = tmp_path / "news.db"
    result = _import(path, db=db)
    assert result.returncode == 1
    assert json.loads(result.stdout.splitlines()[-1]) == {"db": str(db), "failed": 1, "new": 2}
    con = sqlite3.connect(db)
    assert sorted(url for (url,) in con.execute("select url from articles")) == urls[1:]
    con.close()
    (reason,) = _failures(db)
    assert "Content-Length" in reason


# Peak RSS of the command, read from the kernel (VmHWM) at exit; ru_maxrss would carry over from this process.
RSS_RUNNER = """
import atexit, sys
from newsarchive.cli import main
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("peak-rss-kb " + line.split()[1] + "\\n")
atexit.register(report)
sys.argv[0] = "newsarchive"
main()
"""


def _peak_rss(*args) -> tuple[subprocess.CompletedProcess, int]:
    result = subprocess.run([sys.executable, "-c", RSS_RUNNER, *map(str, args)], capture_output=True, text=True,
                            timeout=300)
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("peak-rss-kb ")]
    return result, int(line.split()[1]) * 1024


def test_oversized_inputs_are_read_in_memory_bounded_by_the_cap(tmp_path):
    """A 256 MB JSONL line (a sparse file) and a 256 MB WARC record (250 KB of gzip), each between good ones: the
    import's peak memory grows by a fraction of the cap over importing the good ones alone, not by the input."""
    from pipelines.input_size import MAX_INPUT_BYTES

    huge = 256 << 20
    lines = [json.dumps({"url": f"https://example.org/{i}.html", "html": PAGE}, ensure_ascii=False).encode()
             for i in range(2)]
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir(), big.mkdir()
    (small / "corpus.jsonl").write_bytes(lines[0] + b"\n" + lines[1] + b"\n")
    with open(big / "corpus.jsonl", "wb") as handle:
        handle.write(lines[0] + b"\n")
        handle.seek(huge, os.SEEK_CUR)
        handle.write(b"\n" + lines[1] + b"\n")
    records = [record(f"https://example.net/{i}.html", PAGE.encode()) for i in range(2)]
    (small / "in.warc.gz").write_bytes(b"".join(records))
    (big / "in.warc.gz").write_bytes(records[0] + zeros_record("https://example.net/huge.html", huge) + records[1])
    baseline, baseline_rss = _peak_rss("import", small, "--db", tmp_path / "small.db")
    assert baseline.returncode == 0, baseline.stderr
    result, rss = _peak_rss("import", big, "--db", tmp_path / "big.db")
    print(f"\nimport peak RSS {baseline_rss / 2**20:.0f} MB for the good inputs, {rss / 2**20:.0f} MB with two "
          f"{huge >> 20} MB ones (cap {MAX_INPUT_BYTES >> 20} MB)")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"db": str(tmp_path / "big.db"), "new": 4, "failed": 2}
    assert rss - baseline_rss < 2 * MAX_INPUT_BYTES, f"{(rss - baseline_rss) / 2**20:.0f} MB more"
