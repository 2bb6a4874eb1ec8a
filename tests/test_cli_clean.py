"""``newsarchive clean``: one record per input, error records for bad inputs, exit 1 when any failed."""

from __future__ import annotations

import json
import os

import opencc
import pytest

from tests.crawling import newsarchive

TITLE = "主力军挺进主战场 走好全媒体时代群众路 重庆加快推进媒体深度融合发展"
PAGE = ("<html><head><meta charset='utf-8'><title>江北区新建停车位三千个_视界网</title></head><body>"
        "<div class='crumbs'>当前位置：首页 > 新闻 > 重庆新闻 > 正文</div><h1>江北区新建停车位三千个</h1>"
        "<div class='content'><p>记者从江北区获悉，今年以来，江北区新建公共停车位3,000个，缓解了市民停车难问题。</p>"
        "<p>据介绍，下一步江北区将继续推进停车设施建设，预计年底前再新增1,200个车位。</p>"
        "<p>（ 责任编辑：王小明 ）</p></div></body></html>")


def clean(*args):
    return newsarchive("clean", *args, timeout=120)


def test_seed_becomes_the_clean_simplified_article(seed_path):
    result = clean(str(seed_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == TITLE
    assert record["section"] == "新闻 › 重庆新闻"
    assert record["editor"] == "张静怡"
    body = record["body"]
    assert body.startswith("今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。")
    for kept in ("9.83亿次", "32%", "我们仍有许多短板和不足", "重庆日报报业集团"):
        assert kept in body
    for gone in ("当前位置", "责任编辑", "【版权声明】", "【免责声明】", "(dāng)", "?"):
        assert gone not in body
    assert body.splitlines()[-1] != "重庆手机台"
    t2s = opencc.OpenCC("t2s")
    assert t2s.convert(body) == body
    repairs = record["quality"]["repairs"]
    assert repairs["pinyin_annotations"] > 300
    assert record["quality"]["lost"] == 0


def test_html_page_and_formats(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    as_json = json.loads(clean(str(page), "--url", "https://example.com/news/1.html").stdout)
    assert as_json["title"] == "江北区新建停车位三千个"
    assert as_json["editor"] == "王小明"
    assert "责任编辑" not in as_json["body"] and "3,000个" in as_json["body"]
    lines = clean(str(page), str(page), "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["kind"] == "article" for line in lines)
    text = clean(str(page), "--format", "text").stdout
    assert "title: 江北区新建停车位三千个" in text


@pytest.mark.parametrize("kind", ["empty", "binary", "huge", "missing"])
def test_bad_inputs_give_one_line_errors_and_exit_1(kind, tmp_path):
    path = tmp_path / kind
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(os.urandom(4096) + b"\x00" * 512)
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(50 * 1024 * 1024)
    result = clean(str(path), "--format", "jsonl")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    record = json.loads(result.stdout)
    assert record["kind"] == "failed" and record["reason"]
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_folder_of_mixed_files_gives_a_record_each(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "c.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.html").write_bytes(PAGE.encode("gb18030").replace(b"charset='utf-8'", b"charset='gb2312'"))
    result = clean(str(tmp_path), "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    assert [r["kind"] for r in records] == ["article", "failed", "failed", "article"]
    assert records[3]["title"] == "江北区新建停车位三千个"
    assert result.returncode == 1


def test_usage_errors_exit_2():
    result = clean()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
