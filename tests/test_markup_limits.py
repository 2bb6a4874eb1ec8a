"""Issue 14, item 2: markup that would stall lxml is refused before parsing, in linear time, with a reason."""

from __future__ import annotations

import time

import pytest

from pipelines.clean import clean_page
from pipelines.markup_limits import MAX_ATTRIBUTES_PER_ELEMENT, MAX_DEPTH, MAX_ELEMENTS, problem

URL = "https://www.cbg.cn/show/705-1.html"


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>新闻</title></head><body>{body}</body></html>"


def _attributes(n: int, value: str = "x") -> str:
    return "<div " + " ".join(f'a{i}="{value}"' for i in range(n)) + ">重庆新闻正文。</div>"


HOSTILE = {
    "100k attributes on one element": (_attributes(100_000), "too many attributes on one <div>"),
    "quoted values that hold '>'": (_attributes(100_000, "x>y"), "too many attributes on one <div>"),
    "valueless attributes": ("<div " + " a" * 100_000 + ">x</div>", "too many attributes on one <div>"),
    "200k attributes spread out": ("<span a b c d e f g h i j>x</span>" * 20_001, "too many attributes (over"),
    "100k nested divs": ("<div>" * 100_000 + "正文", "nested too deeply"),
    "an unterminated quote before nesting": ('<div a="' + "<div>" * 5_000, "nested too deeply"),
    "300k elements": ("<span>字</span>" * 300_000, "too many elements"),
}

WITHIN = {
    "an ordinary page": "<div class='article-content'>" + "<p>正文，<b>加粗</b><br>换行</p>" * 2_000 + "</div>",
    "100k unclosed <p> (each closes the one before)": "<p>段落" * 100_000,
    "tags inside a script are text": "<script>" + "document.write('<div a b c>');" * 50_000 + "</script>",
    "tags inside a comment are text": "<!--" + "<div>" * 50_000 + "-->",
    "an unterminated script": "<script>" + "<div>" * 50_000,
    "void elements add no level": "<div>" + "<br><img src=x><input>" * 10_000 + "</div>",
    "a stray quote after a value, as on a real Thai page": (
        '<input name="q" type="text="" placeholder="ค้นหา" id="search" />'
        + "".join(f'<div class="c{i}" id="d{i}">段落</div>' for i in range(1_200))),
    "a quote inside an unquoted value": "<a href=x\"y title=z>链接</a>" * 2_000,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markup_is_refused_quickly_with_the_limit_named(name):
    body, reason = HOSTILE[name]
    started = time.perf_counter()
    found = problem(_page(body))
    assert time.perf_counter() - started < 2
    assert found is not None and found.startswith(reason), found


@pytest.mark.parametrize("name", list(WITHIN))
def test_markup_within_the_limits_passes(name):
    assert problem(_page(WITHIN[name])) is None


def test_the_limits_sit_just_where_they_say():
    assert problem(_page(_attributes(MAX_ATTRIBUTES_PER_ELEMENT))) is None
    assert problem(_page(_attributes(MAX_ATTRIBUTES_PER_ELEMENT + 1))) is not None
    assert problem(_page("<div>" * MAX_DEPTH)) is None
    assert problem(_page("<div>" * (MAX_DEPTH + 1))) is not None
    assert problem("<br>" * MAX_ELEMENTS) is None
    assert problem("<br>" * (MAX_ELEMENTS + 1)) is not None


def test_clean_page_records_refused_markup_as_a_failure_before_parsing():
    started = time.perf_counter()
    outcome = clean_page(_page(_attributes(100_000)).encode("utf-8"), url=URL)
    assert time.perf_counter() - started < 2  # lxml alone would take about 30 s
    assert outcome.kind == "failed"
    assert outcome.reason == "markup: too many attributes on one <div> element (over 1,000)"


def test_plain_text_is_not_scanned_as_markup():
    text = "重庆新闻正文，没有标签。" * 50 + " a=1" * 5_000
    assert clean_page(text.encode("utf-8"), input_kind="text").kind != "failed"


# The fast path (``_surely_within``) answers for most pages from upper bounds; the exact scan decides the rest.
# Under small limits, random markup made of the pieces the scan treats specially must get the exact scan's answer.
PIECES = ["<div>", "</div>", "<DIV class='a b'>", "<p>", "</p>", "<br/>", "<div/>", "<span a b c>", "</span>",
          "<!--", "-->", "<!-->", "--->", "<script>", "</script>", "</SCRIPT >", "<title x=1>", "</title>",
          "<style", "</ſtyle>", "<scripts>", '<a href="x>y">', '<a b="', "'", '"', "=", "<a b=c d='e' f>", "</ x>",
          "<", "</", "<ü>", "text", "字", " ", ">", "<td>", "</td>", "<x/ y>", "</plaintext>", "<xmp>"]


def test_the_fast_path_gives_the_exact_scans_answer(monkeypatch):
    import random

    from pipelines import markup_limits

    monkeypatch.setattr(markup_limits, "MAX_DEPTH", 3)
    monkeypatch.setattr(markup_limits, "MAX_ELEMENTS", 30)
    monkeypatch.setattr(markup_limits, "MAX_ATTRIBUTES_PER_ELEMENT", 2)
    monkeypatch.setattr(markup_limits, "MAX_ATTRIBUTES", 8)
    rng = random.Random(14)
    within = 0
    for _ in range(20_000):
        html = "".join(rng.choices(PIECES, k=rng.randint(0, 40)))
        exact = markup_limits._exact_problem(html)
        assert problem(html) == exact, html
        if markup_limits._surely_within(html):
            within += 1
            assert exact is None, html
    assert within > 2_000  # the fast path does answer, and not only for the empty page


FAST_PATH_HOSTILE = ["<!--", "<script>", "<title a='", '<a b="', "<a b='", "<a =", "<!-- -", "<style x", "</"]


@pytest.mark.parametrize("piece", FAST_PATH_HOSTILE)
def test_the_fast_path_stays_linear_on_what_never_ends(piece):
    from pipelines.markup_limits import FAST_PATH_MAX_TAGS, _surely_within

    html = (piece + "字" * 20) * FAST_PATH_MAX_TAGS
    started = time.perf_counter()
    _surely_within(html)
    assert time.perf_counter() - started < 1
