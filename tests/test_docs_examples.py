"""Every example in docs/analysts.md runs against the demo's archive, and every query there finds something.

The demo is run as a new user runs it (no --db: it fills ``data/news.db`` under the working folder, the archive the
docs use). Shell lines run as written, Python blocks as scripts, SQL statements through plain sqlite3 (as an
analyst's own tool would, without newsarchive's functions). A query whose comment says the demo has none must find
none: the words are checked, not only the code.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.serving import ROOT, free_port, get

DOCS = ROOT / "docs" / "analysts.md"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
VERSIONED_ID = "8010628e472fd7dc"
"""The article the docs show (``show``, ``get_article``, ``:id``): one the demo's correction crawl corrected."""


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(DOCS.read_text(encoding="utf-8")) if lang == language]


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NEWSARCHIVE_DB": ""}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("analyst")
    result = subprocess.run([sys.executable, "-m", "newsarchive", "demo"], cwd=folder, env=env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (folder / "data" / "news.db").is_file()
    # The files the decode examples read, as an analyst would have them: a GBK page that says so, and a UTF-8 text.
    page = "<html><head><meta charset='gb2312'><title>重庆新闻</title></head><body><p>轨道交通建设提速。</p></body></html>"
    (folder / "page.html").write_bytes(page.encode("gb18030"))
    (folder / "other.txt").write_text("重庆轨道交通新线开通。\n", encoding="utf-8")
    (folder / "pages").mkdir()
    (folder / "pages" / "page.html").write_bytes(page.encode("gb18030"))
    (folder / "pages" / "other.txt").write_text("重庆轨道交通新线开通。\n", encoding="utf-8")
    return folder


def shell_lines() -> list[str]:
    lines = []
    for block in blocks("sh"):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("newsarchive "):
                lines.append(command)
    return lines


def test_the_docs_have_examples_of_every_kind():
    assert len(shell_lines()) >= 8 and len(blocks("python")) >= 4 and len(blocks("sql")) >= 3
    assert blocks("duckdb")


def run_line(demo: Path, line: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run one documented command line as a shell would (``> FILE`` included); returns the process and the lines
    of what it printed or wrote: text as lines, a Parquet file or folder as one line per row."""
    args = shlex.split(line)[1:]
    if "|" in args:  # a pipe into another tool: what newsarchive prints is what is checked
        args = args[:args.index("|")]
    redirected = None
    if ">" in args:
        redirected = Path(demo, args[args.index(">") + 1])
        args = args[:args.index(">")]
    result = subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=demo, env=env(),
                            capture_output=True, timeout=120)
    if redirected:
        redirected.write_bytes(result.stdout)
    written = [Path(demo, args[i + 1]) for i, arg in enumerate(args) if arg in ("-o", "--output")] or [redirected]
    if "parquet" in args:
        import pandas as pd

        return result, [str(row) for row in pd.read_parquet(written[0]).itertuples()]
    text = (written[0].read_bytes() if written[0] else result.stdout).decode("utf-8")
    return result, text.strip().splitlines()


@pytest.mark.parametrize("line", [line for line in shell_lines() if not line.startswith("newsarchive serve")])
def test_each_command_line_example_runs_and_prints_something(demo, line):
    result, printed = run_line(demo, line)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, f"{line}: {stderr[-2000:]}"
    args = shlex.split(line)[1:]
    header_only = 1 if "csv" in args or (args[0] in ("search", "runs", "stats") and "parquet" not in args) else 0
    assert len(printed) > header_only + (1 if "table" in args or "--format" not in args else 0), line
    assert " 0 of " not in stderr and not stderr.startswith("0 of "), line


def test_the_serve_example_serves_the_search_page(demo):
    [line] = [line for line in shell_lines() if line.startswith("newsarchive serve")]
    args = shlex.split(line)[1:]
    args[args.index("--port") + 1] = str(port := free_port())
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", *args], cwd=demo, env=env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page, _ = get(f"http://127.0.0.1:{port}/news/-/search?q=" + quote("轨道交通"))
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()[-2000:]
                time.sleep(0.2)
        assert status == 200 and "轨道交通" in page and "15 " in page
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("number", range(len(blocks("python"))))
def test_each_python_example_runs(demo, number):
    code = blocks("python")[number]
    result = subprocess.run([sys.executable, "-c", code], cwd=demo, env=env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"{code}\n{result.stderr[-2000:]}"
    if "print(" in code:
        assert result.stdout.strip(), code


def sql_statements() -> list[tuple[str, str]]:
    """(comment, statement) for every statement of the SQL blocks; the comment is the line above it, if any."""
    found = []
    for block in blocks("sql"):
        comment, lines = "", []
        for line in block.splitlines():
            if line.startswith("--") and not lines:
                comment = line
            elif line.strip():
                lines.append(line)
            if lines and lines[-1].rstrip().endswith(";"):
                found.append((comment, "\n".join(lines)))
                lines = []
    return found


@pytest.mark.parametrize(("comment", "statement"), sql_statements())
def test_each_sql_example_finds_what_its_comment_says(demo, comment, statement):
    con = sqlite3.connect(f"file:{demo / 'data' / 'news.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(statement, {"id": VERSIONED_ID} if ":id" in statement else {}).fetchall()
    finally:
        con.close()
    if "the demo has none" in comment:
        assert rows == [], comment
    else:
        assert rows and any(value not in (None, 0) for value in rows[0]), f"{comment}\n{statement}"


def duckdb_statements() -> list[str]:
    """The statements of the DuckDB blocks, without their comment lines."""
    statements = []
    for block in blocks("duckdb"):
        for statement in block.split(";"):
            code = "\n".join(line for line in statement.strip().splitlines() if not line.startswith("--"))
            if code:
                statements.append(code + ";")
    return statements


@pytest.fixture(scope="module")
def parquet_exports(demo) -> Path:
    """The Parquet files the DuckDB examples read, written by the docs' own export lines."""
    for line in shell_lines():
        if line.startswith("newsarchive export") and "parquet" in line:
            assert run_line(demo, line)[0].returncode == 0, line
    return demo


@pytest.mark.parametrize("statement", duckdb_statements())
def test_each_duckdb_example_runs_on_the_exported_parquet(parquet_exports, monkeypatch, statement):
    import duckdb

    monkeypatch.chdir(parquet_exports)
    con = duckdb.connect()
    try:
        for earlier in duckdb_statements()[:duckdb_statements().index(statement)]:
            if earlier.upper().startswith("SET "):
                con.execute(earlier)
        rows = con.execute(statement).fetchall()
    finally:
        con.close()
    if not statement.upper().startswith("SET "):
        assert rows and any(value not in (None, 0) for value in rows[0]), statement
