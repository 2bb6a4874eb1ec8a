"""``clean_page`` end to end: profile extraction, generic fallback, mirrors, non-articles, failures, the replica."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.clean import MAX_INPUT_BYTES, clean_page
from pipelines.profile import all_profiles, load_profile
from pipelines.urls import article_id

BODY = ["今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。",
        "记者从市委宣传部获悉，全网阅读量达9.83亿次，比2019年增长32%。",
        "截至目前，全市已有37个区县融媒体中心正式挂牌。"]
TITLE = "重庆加快推进媒体深度融合发展"
URL = "https://www.cbg.cn/show/705-204035.html"


def page_2020(*, body_class="article-content", extra_head="", extra_body="", junk="") -> str:
    paragraphs = "".join(f"<p>{junk}{p}</p>\n" for p in BODY)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}_视界网</title>{extra_head}</head>
<body><div class="nav"><a href="/">首页</a></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/">新闻</a> &gt; <a href="/list/705/1.html">重庆新闻</a> &gt; 正文</div>
<div class="article"><h1 class="article-title">{TITLE}</h1>
<div class="article-info"><span class="time">2020-10-22 10:30</span> <span class="source">来源：重庆日报</span></div>
<div class="{body_class}">
<div class="share">分享到：微信 微博 QQ空间</div>
<p>（ 作者：余鸿、李一 作者单位：忠县融媒体中心 ）</p>
{paragraphs}<p><img src="/uploads/a.jpg"></p>
<p>2019年1月1日，另一个日期出现在正文里，不是发布时间。</p>
</div>
<div class="article-editor">（ 责任编辑：张静怡 ）</div>
<div class="statement"><p>【版权声明】凡本网注明“来源：重庆网络广播电视台（视界网）、重庆手机台”的所有作品，版权属本网所有。</p></div>
<div class="app-promo">重庆手机台</div></div>
<div class="related"><h3>相关推荐</h3><ul><li><a href="/show/705-1.html">另一条新闻</a></li></ul></div>
{extra_body}</body></html>"""


def clean(html: str, url: str | None = URL, **kwargs):
    return clean_page(html.encode("utf-8"), url=url, content_type="text/html; charset=utf-8", **kwargs)


def test_profile_template_fields():
    outcome = clean(page_2020())
    assert outcome.kind == "article", outcome.reason
    a = outcome.article
    assert (a.title, a.published_at, a.source, a.author, a.editor, a.section) == (
        TITLE, "2020-10-22T10:30:00+08:00", "重庆日报", "余鸿、李一", "张静怡", "新闻 › 重庆新闻")
    assert a.body.split("\n") == [*BODY, "2019年1月1日，另一个日期出现在正文里，不是发布时间。"]
    assert a.images == ["https://www.cbg.cn/uploads/a.jpg"]
    assert a.extractor == a.quality["extractor"] == "profile:2020"
    assert (a.site, a.mirror_of, a.canonical_url, a.id) == ("cbg.cn", None, URL, article_id(URL))
    assert a.quality["boilerplate"] == {"byline": 1, "dom:div.share": 1}


def test_tracking_parameters_do_not_change_the_id():
    a = clean(page_2020(), url=URL + "?utm_source=wechat&from=timeline#top").article
    assert a.id == article_id(URL)
    assert a.canonical_url == URL


def test_redesign_falls_back_to_generic_and_says_so():
    outcome = clean(page_2020(body_class="post-body"))
    assert outcome.kind == "article", outcome.reason
    a = outcome.article
    assert a.extractor == a.quality["extractor"] == "generic"
    assert (a.title, a.published_at, a.source, a.editor, a.section) == (
        TITLE, "2020-10-22T10:30:00+08:00", "重庆日报", "张静怡", "新闻 › 重庆新闻")
    for paragraph in BODY:
        assert paragraph in a.body
    for leak in ("责任编辑", "版权声明", "重庆手机台", "另一条新闻"):
        assert leak not in a.body


def test_date_never_taken_from_the_body():
    html = page_2020().replace('<span class="time">2020-10-22 10:30</span>', "")
    assert clean(html).article.published_at is None


def test_meta_tag_date_when_the_header_has_none():
    html = page_2020(extra_head='<meta property="article:published_time" content="2020-10-22T02:30:00Z">')
    html = html.replace('<span class="time">2020-10-22 10:30</span>', "")
    assert clean(html).article.published_at == "2020-10-22T10:30:00+08:00"


def test_mirror_on_foreign_host_is_the_original_article():
    junk = '<menu id="w4oac"></menu><s id="4u6jw"></s>'
    outcome = clean(page_2020(junk=junk), url="http://spam-mirror.example/show/705-204035.html")
    assert outcome.kind == "article", outcome.reason
    a = outcome.article
    assert a.mirror_of == a.quality["mirror_of"] == URL
    assert a.id == article_id(URL)
    assert a.canonical_url == URL
    assert a.url == "http://spam-mirror.example/show/705-204035.html"
    assert a.site == "cbg.cn"
    assert set(a.quality["mirror_signs"]) == {"foreign_host", "junk_tags"}
    assert a.body.split("\n")[:3] == BODY


def test_a_vouched_host_is_no_mirror():
    outcome = clean(page_2020(), url="http://127.0.0.1:8123/show/705-204035.html", profile=load_profile("cbg"))
    assert outcome.article.mirror_of is None
    assert outcome.article.quality["mirror_signs"] == []
    assert outcome.article.id == article_id("http://127.0.0.1:8123/show/705-204035.html")


def test_spam_title_marks_a_copy():
    text = "日韩无码中文字幕 国产精品久久\n" + TITLE + "\n" + "\n".join(BODY)
    a = clean_page(text.encode("utf-8")).article
    assert a.title == TITLE
    assert a.quality["mirror_signs"] == ["spam_title"]
    assert a.quality["boilerplate"] == {"spam_title": 1}


def test_pinyin_mirror_with_spam_title_on_an_unknown_path():
    paragraphs = ["今年9月,中共中央辦公廳、國(guó)務(wù)院辦公廳印發(fā)《關(guān)于加快推進(jìn)媒體深度融合發(fā)展的意見》。",
                  "記者從市委宣傳部獲悉,黨的十九大以來(lái),市委宣傳部積極推進(jìn)媒體融合向縱深發(fā)展。"]
    html = ("<html><head><title>国产精品久久 日韩无码</title></head><body><h1>重慶加快推進(jìn)媒體深度融合發(fā)展</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    a = clean(html, url="http://spam-mirror.example/2020/abc.html").article
    assert a.title == TITLE
    assert a.body.split("\n") == ["今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。",
                                  "记者从市委宣传部获悉，党的十九大以来，市委宣传部积极推进媒体融合向纵深发展。"]
    assert a.quality["mirror_signs"] == ["pinyin", "spam_title"]
    assert a.mirror_of is None  # a copy, but its path names no portal article
    assert a.canonical_url == "http://spam-mirror.example/2020/abc.html"


NON_ARTICLES = json.loads((Path(__file__).parent / "cases" / "extract" / "non_articles.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", NON_ARTICLES, ids=[c["label"] for c in NON_ARTICLES])
def test_non_articles_are_skipped_with_a_reason(case):
    outcome = clean(case["html"], url=case["url"])
    if case["expected"] == "article":
        assert outcome.kind == "article", outcome.reason
    else:
        assert outcome.kind == "skipped"
        assert outcome.reason.startswith(case["expected"])


@pytest.mark.parametrize("path, url", [
    ("/list/705/1.html", "http://127.0.0.1:8000/list/705/1.html"),
    ("/list/705/1.html", None),                              # no URL: the page's structure says it
    ("/list/705/2.html", "https://unknown.example/p2.html"),  # the short last page, on no known site
    ("/hotnews/", None),
])
def test_replica_list_pages_are_skipped(replica, path, url):
    page = replica.page(path)
    outcome = clean_page(page.body, url=url, content_type=page.content_type)
    assert (outcome.kind, outcome.reason) == ("skipped", "list page")


@pytest.mark.parametrize("data, reason", [
    (b"", "decode: empty input"),
    (b"   \n\t ", "decode: empty input"),
    (bytes(range(256)) * 64, "decode: not text (binary data)"),
    (b"<p>" + b"x" * MAX_INPUT_BYTES, "decode: input too large"),
])
def test_bad_input_is_a_recorded_failure(data, reason):
    outcome = clean_page(data)
    assert outcome.kind == "failed"
    assert outcome.reason.startswith(reason)


@pytest.mark.parametrize("html", [
    page_2020()[: len(page_2020()) // 2],                   # truncated
    page_2020().replace("</p>", "").replace("</div>", ""),  # unclosed tags
    "<div>" * 100_000 + "新闻正文。" * 20 + "</div>" * 10,     # deeply nested
    "<html><body>\x00\x01<p>正文\x00</p>",                   # control characters
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>正文。</p></body></html>",
])
def test_malformed_html_never_raises(html):
    outcome = clean(html)
    assert outcome.kind in ("article", "skipped", "failed")
    assert outcome.kind == "article" or outcome.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000) | st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzzed_input_never_raises(data):
    outcome = clean_page(data, url="https://www.cbg.cn/show/705-1.html")
    assert outcome.kind in ("article", "skipped", "failed")


def test_record_is_sqlite_ready():
    record = clean(page_2020()).article.as_record()
    assert json.loads(record["quality"])["extractor"] == "profile:2020"
    assert json.loads(record["images"]) == ["https://www.cbg.cn/uploads/a.jpg"]
    assert set(record) == {"id", "url", "canonical_url", "site", "section", "title", "published_at", "updated_at", "source",
                           "author", "editor", "body", "images", "extractor", "mirror_of", "quality"}


def test_quality_layout():
    quality = clean(page_2020()).article.quality
    assert set(quality) >= {"encoding", "repairs", "lost", "boilerplate", "extractor", "mirror_of", "repaired",
                            "confidence"}
    assert quality["encoding"]["encoding"] == "utf-8"
    assert 0 < quality["confidence"] <= 1


# --- the replica: every article of every template and both profiles equals its truth -------------------------

FIELDS = ("title", "published_at", "source", "author", "editor", "section", "body")


@pytest.fixture(scope="module")
def replica():
    from replica.site import Replica

    return Replica(articles=150, seed=3, portal="all", faults=True)


def test_every_replica_article_equals_its_truth(replica):
    base = "http://127.0.0.1:8000"
    profiles = {p.site: p for p in all_profiles()}
    seen, wrong = set(), []
    for truth in replica.truth(base):
        if truth["kind"] == "dead":
            continue
        page = replica.page(truth["path"])
        outcome = clean_page(page.body, url=truth["url"], content_type=page.content_type,
                             profile=profiles[truth["site"]])
        if truth["kind"] == "video":
            assert (outcome.kind, outcome.reason) == ("skipped", "video page"), truth["path"]
            continue
        assert outcome.kind == "article", (truth["path"], outcome.reason)
        seen.add((truth["site"], truth["generation"]))
        for name in FIELDS:
            if getattr(outcome.article, name) != truth[name]:
                wrong.append((truth["path"], name, getattr(outcome.article, name), truth[name]))
        assert outcome.article.extractor == f"profile:{truth['generation']}"
        assert outcome.article.mirror_of is None
    assert wrong == []
    assert {("cbg.cn", "2020"), ("cbg.cn", "2026"), ("cbg.cn", "legacy"), ("cqnews.net", "default")} <= seen


def test_an_unexpected_error_names_its_stage(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("pipelines.boilerplate.strip", broken)
    outcome = clean(page_2020())
    assert (outcome.kind, outcome.reason) == ("failed", "boilerplate: RuntimeError: boom")


def test_input_kind_can_be_forced():
    text = TITLE + "\n" + "\n".join(BODY)
    assert clean_page(text, input_kind="text").article.extractor == "text"
    as_html = clean_page(f"<p>{TITLE}</p>" + "".join(f"<p>{p}</p>" for p in BODY), input_kind="html").article
    assert as_html.extractor == "generic"
    assert clean_page(f"<p>{TITLE}</p><p>{BODY[0]}</p>", input_kind="text").article.body.startswith("<p>")


# --- published_at from the header area, never the first date anywhere (cases: tests/cases/extract/published_at.json)

DATE_CASES = json.loads((Path(__file__).parent / "cases" / "extract" / "published_at.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", DATE_CASES, ids=[c["label"] for c in DATE_CASES])
def test_published_at_from_the_header(case):
    outcome = clean(case["html"], url=case["url"])
    assert outcome.kind == "article", outcome.reason
    a = outcome.article
    expected = dict(case["expected"])
    starts = expected.pop("body_starts", None)
    assert {name: getattr(a, name) for name in expected} == expected
    if starts:
        assert a.body.startswith(starts)


@pytest.mark.parametrize("aside, editor, source", [
    ("<p>（ 责任编辑：张静怡 ）</p>", "张静怡", None),
    ("<div class='info'>[责任编辑：张静怡] 来源：重庆日报</div>", "张静怡", "重庆日报"),
    ("<p>責任編輯：張靜怡</p>", "张静怡", None),  # a mirror's Traditional copy: repaired like the body
])
def test_generic_page_keeps_the_fields_of_lines_it_drops(aside, editor, source):
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    html = (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><div class='c1'>{paragraphs}</div>"
            f"{aside}<div>Copyright © 2020 新闻网 版权所有</div></body></html>")
    a = clean(html, url="https://news.example.com/a/1.html", profile=load_profile("cbg")).article
    assert a.extractor == "generic"
    assert (a.editor, a.source) == (editor, source)
    assert a.body.split("\n") == BODY


# --- mirrors: a spam site's copy of a portal article is that article ----------------------------------------------

MIRROR_URL = "http://spam-mirror.example/show/705-204035.html"
SPAM = "国产精品久久久久精品 日韩无码中文字幕"


def _mirror_copy(title: str, body: str) -> str:
    """A mirror's page for an article: converted text with pinyin (replica.corrupt), junk tags, spam title lines."""
    import random

    from replica.corrupt import mirror_artifact

    # Without width folding: `（iChongqing）` folded to ASCII cannot be told from Latin text (replica.mirrors
    # folds only where it can be undone; test_every_replica_mirror_copy_equals_its_original covers that).
    damaged = mirror_artifact("\n".join([title, body]), random.Random(7), ratio=0.2, nfkc=False)
    assert damaged.recoverable, damaged.reason
    head, *paragraphs = damaged.data.split("\n")
    junk = ['<s id="4u6jw"></s>', '<tt id="k2x9q"></tt>', '<var id="p7m1z"></var>']
    inner = "".join(f"<p>{junk[i % 3]}{p}</p>\n" for i, p in enumerate(paragraphs))
    return (f'<html><head><meta charset="utf-8"><title>{SPAM}</title></head><body><menu id="w4oac"></menu>'
            f'<h1>{head}</h1><div class="neirong"><p>{SPAM}</p>\n{inner}</div></body></html>')


def test_a_mirror_copy_is_stored_as_its_original(replica):
    truth = next(t for t in replica.truth() if t["generation"] == "2020" and t["kind"] == "article"
                 and t["encoding"] == "utf-8" and not t["faults"])
    original = clean_page(replica.page(truth["path"]).body, url=URL).article
    outcome = clean(_mirror_copy(truth["title"], truth["body"]), url=MIRROR_URL)
    assert outcome.kind == "article", outcome.reason
    copy = outcome.article
    assert (copy.id, copy.canonical_url, copy.mirror_of, copy.quality["mirror_of"]) == (
        original.id, URL, URL, URL)
    assert set(copy.quality["mirror_signs"]) == {"foreign_host", "pinyin", "junk_tags", "spam_title"}
    assert (copy.title, copy.body, copy.site) == (original.title, original.body, original.site)
    assert (copy.title, copy.body) == (truth["title"], truth["body"])
    assert original.mirror_of is None


def test_every_replica_mirror_copy_equals_its_original(replica):
    from replica.site import mirror_pages

    copies = mirror_pages(replica)
    assert copies
    for path, body, truth in copies:
        outcome = clean_page(body, url=truth["url"])
        assert outcome.kind == "article", (path, outcome.reason)
        a = outcome.article
        assert {name: getattr(a, name) for name in (*FIELDS, "mirror_of")} == {
            name: truth[name] for name in (*FIELDS, "mirror_of")}, path
        assert a.id == article_id(truth["mirror_of"])


def test_text_input_splits_lines_only_at_lf_crlf_and_cr():
    """NEL (U+0085), U+2028/U+2029 and the file separators are not line ends for a text input: NEL is a cp1252
    ellipsis misread and reaches the Latin fixer, the separators reach the line-break fixer."""
    text = TITLE + "\r\n" + BODY[0] + "\x85" + BODY[1] + "\u2028" + BODY[2] + "\r" + BODY[1] + "\x1c"
    outcome = clean_page(text, input_kind="text")
    assert outcome.kind == "article", outcome.reason
    assert outcome.article.title == TITLE
    assert outcome.article.body.split("\n") == [BODY[0] + "…" + BODY[1], BODY[2], BODY[1]]
    assert outcome.article.quality["repairs"] == {"latin_mojibake": 1, "line_breaks": 1}
