"""Metadata: dates, header fields, labels, people, titles, sections. Cases are data under tests/cases/extract/ and
tests/cases/metadata/ (issue 11's date and name forms, and real-looking pages through ``clean_page``)."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from pipelines.clean import clean_page
from pipelines.metadata.dates import day_first_page
from pipelines.metadata.korean_byline import korean_byline
from pipelines.metadata.latin_byline import latin_byline
from pipelines.metadata import (
    Page,
    agency_tag,
    byline,
    choose_dates,
    clean_title,
    header_value,
    headline,
    iso_datetime,
    join_names,
    meta_datetime,
    parse_datetime,
    parse_labels,
    section_from_crumbs,
    split_names,
    updated_datetime,
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


# --- issue 11: every date and name form, as data under tests/cases/metadata/ ---------------------------------------

METADATA_CASES = Path(__file__).parent / "cases" / "metadata"


def _metadata_cases(name: str) -> list:
    cases = json.loads((METADATA_CASES / name).read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["label"]) for case in cases]


@pytest.mark.parametrize("case", _metadata_cases("date_forms.json"))
def test_date_form(case):
    tz = case.get("tz", "+08:00")
    assert parse_datetime(case["input"], tz=tz) == case["published"], case["comment"]
    assert updated_datetime(case["input"], tz=tz) == case["updated"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("machine_times.json"))
def test_machine_readable_time(case):
    assert iso_datetime(case["input"], tz=case.get("tz", "+08:00")) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("names.json"))
def test_names(case):
    assert split_names(case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("bylines.json"))
def test_byline(case):
    found = byline(case["input"])
    assert (list(map(list, [found[0]])) + [found[1]] if found else None) == case["expected"], case["comment"]


@pytest.mark.parametrize("html, day_first", [
    ('<html lang="es">', True), ('<html lang="de-DE">', True), ('<html class="x" lang=en-GB>', True),
    ('<html lang="en-US">', False), ('<html lang="en">', False), ('<html lang="zh-CN">', False), ("<html>", False),
    (None, False),
])
def test_day_first_page(html, day_first):
    assert day_first_page(html) is day_first


@pytest.mark.parametrize("case", _metadata_cases("agency_tags.json"))
def test_agency_tag(case):
    assert agency_tag(case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("korean_bylines.json"))
def test_korean_byline(case):
    assert korean_byline(case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("latin_bylines.json"))
def test_latin_byline(case):
    assert latin_byline(case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _metadata_cases("pages.json"))
def test_page_metadata(case):
    """A real-looking page through the whole cleaning path: the fields it states, and parsed lines out of the body."""
    outcome = clean_page(case["html"].encode("utf-8"), url=case["url"], content_type="text/html; charset=utf-8")
    assert outcome.kind == "article", outcome.reason
    article = outcome.article
    expected = dict(case["expected"])
    starts, lacks = expected.pop("body_starts", None), expected.pop("body_lacks", None)
    assert {name: getattr(article, name) for name in expected} == expected, case["comment"]
    if starts:
        assert article.body.startswith(starts)
    if lacks:
        assert lacks not in article.body


def test_today_bounds_a_date_without_year_and_future_dates_are_refused():
    page = Page(html="<html><body><h1>标题很长的一条新闻</h1><div>发布时间：2031-01-01 10:00</div>"
                     "<p>正文第一段，内容充实，足够长。</p></body></html>",
                title="标题很长的一条新闻", paragraphs=["正文第一段，内容充实，足够长。"])
    assert choose_dates(page, today=date(2030, 6, 1)).published_at is None
    assert choose_dates(page, today=date(2031, 6, 1)).published_at == "2031-01-01T10:00:00+08:00"


@pytest.mark.parametrize("script", [
    "[" * 200_000 + "]" * 200_000,  # deeper than json's stack
    "[" + ",".join(['{"author": {"@type": "Organization"}}'] * 100_000) + "]",  # a hundred thousand objects
])
def test_hostile_json_ld_is_no_failure(script):
    """JSON-LD is the page's to write: nested past the parser's recursion limit, or a huge flat list walked
    breadth first (a list's pop(0) made that quadratic), it still leaves the page an article, quickly."""
    html = (f'<html><head><script type="application/ld+json">{script}</script></head><body><h1>重庆加快推进媒体深度融合'
            "</h1><p>" + "今年9月，中共中央办公厅、国务院办公厅印发意见，要求各地加快推进。" * 5 + "</p></body></html>")
    started = time.perf_counter()
    outcome = clean_page(html.encode("utf-8"))
    assert outcome.kind == "article", outcome.reason
    assert outcome.article.author is None
    assert time.perf_counter() - started < 5
