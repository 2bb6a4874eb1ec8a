"""Metadata: dates, header fields, labels, titles, sections. Cases are data under tests/cases/extract/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipelines.metadata import (
    clean_title,
    header_value,
    headline,
    join_names,
    meta_datetime,
    parse_datetime,
    parse_labels,
    section_from_crumbs,
    url_year,
)

CASES = Path(__file__).parent / "cases" / "extract"


def _cases(name: str) -> list[dict]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _cases("dates.json"), ids=lambda c: c["label"])
def test_parse_datetime(case):
    today = date.fromisoformat(case["today"]) if "today" in case else None
    got = parse_datetime(case["input"], year=case.get("year"), today=today, tz=case.get("tz", "+08:00"))
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases("meta_tags.json"), ids=lambda c: c["label"])
def test_meta_datetime(case):
    assert meta_datetime(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("header_fields.json"), ids=lambda c: c["label"])
def test_header_value(case):
    value = header_value(case["input"], case["field"])
    if case["field"] in ("author", "editor"):
        value = join_names(value)
    assert value == case["expected"]


@pytest.mark.parametrize("url, year", [
    ("https://www.cbg.cn/a/705/20201022/0123456789abcdef0123456789abcdef.html", 2020),
    ("http://news.cbg.cn/hotnews/2016/0902/4607047.shtml", 2016),
    ("https://cq.cqnews.net/html/2018-03/11/content_1003375.html", 2018),
    ("https://www.cbg.cn/show/705-204035.html", None),
    (None, None),
])
def test_url_year(url, year):
    assert url_year(url) == year


def test_prose_is_not_a_label_line():
    assert parse_labels("记者从市委宣传部获悉，党的十九大以来，市委宣传部积极推进媒体融合。") is None
    assert parse_labels("作者认为，这是一个好办法。") is None


def test_title_less_site_suffix():
    assert clean_title("重庆新闻联播_视界网", ["_视界网"]) == "重庆新闻联播"
    assert clean_title("重庆加快推进媒体融合_新闻_视界网", (), from_head=True) == "重庆加快推进媒体融合"
    assert clean_title("重庆加快推进媒体融合 - 第一眼", (), from_head=False) == "重庆加快推进媒体融合 - 第一眼"


def test_section_between_home_and_article():
    assert section_from_crumbs("当前位置：首页 > 新闻 > 重庆新闻 > 正文") == "新闻 › 重庆新闻"
    assert section_from_crumbs(["当前位置：", "首页", "新闻", "重庆新闻"]) == "新闻 › 重庆新闻"
    assert section_from_crumbs("首页 > 正文") is None


def test_headline_is_a_short_first_line():
    assert headline(["主力军挺进主战场 走好全媒体时代群众路", "今年9月，市里印发了意见。"]) == "主力军挺进主战场 走好全媒体时代群众路"
    assert headline(["今年9月，市里印发了意见。", "第二段。"]) is None
    assert headline(["只有一行"]) is None
