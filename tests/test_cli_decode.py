"""``newsarchive decode``: one row per input in input order, errors as rows with a non-zero exit, never a traceback.

Each CLI run is a subprocess (a few seconds), so one run covers several inputs and formats are checked once each.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.crawling import newsarchive

RUSSIAN = "Все люди рождаются свободными и равными в своем достоинстве и правах."
CHINESE = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"


@pytest.fixture()
def inputs(tmp_path):
    files = {
        "koi8.txt": RUSSIAN.encode("koi8-r"),
        "lying.html": f"<meta charset='utf-8'><p>{CHINESE}</p>".encode("gbk"),
        "utf16.txt": RUSSIAN.encode("utf-16-le"),
        "jis.txt": "すべての人間は、生まれながらにして自由である。".encode("iso2022_jp"),
        "empty.txt": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_jsonl_rows_in_input_order_with_text_and_a_failure(inputs):
    names = ["koi8.txt", "missing.txt", "lying.html", "utf16.txt", "jis.txt", "empty.txt"]
    result = newsarchive("decode", "--format", "jsonl", *(str(inputs / name) for name in names), timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "missing.txt: no such file or directory" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["path"].rsplit("/", 1)[-1] for row in rows] == names
    koi8, missing, lying, utf16, jis, empty = rows
    assert (koi8["encoding"], koi8["source"], koi8["text"]) == ("koi8-r", "detected", RUSSIAN)
    assert missing["error"] == "no such file or directory" and missing["encoding"] is None
    assert lying["encoding"] == "gb18030" and lying["source"] == "detected"
    assert lying["declared"] == "utf-8" and "meta charset utf-8 failed strict decode" in lying["rejected"]
    assert CHINESE in lying["text"]
    assert (utf16["encoding"], utf16["text"]) == ("utf-16le", RUSSIAN)
    assert jis["text"] == "すべての人間は、生まれながらにして自由である。" and "\x1b" not in jis["text"]
    assert empty["text"] == "" and empty["error"] is None
    assert all(0.0 <= row["confidence"] <= 1.0 for row in rows if row["error"] is None)


def test_table_and_json_with_a_content_type(inputs):
    path = str(inputs / "lying.html")
    table = newsarchive("decode", "--content-type", "text/html; charset=GBK", path, timeout=120)
    assert table.returncode == 0, table.stderr
    header, rule, line = table.stdout.splitlines()
    assert header.split()[:4] == ["path", "encoding", "source", "confidence"]
    assert line.split()[1:4] == ["gbk", "http", "1.0"]
    as_json = newsarchive("decode", "--format", "json", "--content-type", "text/html; charset=GBK", path,
                          timeout=120)
    assert as_json.returncode == 0
    (row,) = json.loads(as_json.stdout)
    assert (row["encoding"], row["codec"], row["declared"]) == ("gbk", "gb18030", "GBK")


def test_standard_input_and_bad_arguments():
    result = subprocess.run([sys.executable, "-m", "newsarchive", "decode", "--format", "jsonl", "-"],
                            input=RUSSIAN.encode("cp1251"), capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert (row["path"], row["encoding"], row["text"]) == ("-", "windows-1251", RUSSIAN)
    bad = newsarchive("decode", "--format", "xml", "x", timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    none = newsarchive("decode", timeout=120)
    assert none.returncode == 2 and "Missing argument" in none.stderr
