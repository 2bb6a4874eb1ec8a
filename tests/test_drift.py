"""archive.drift: the verdict a run's extractor and field figures give, against recent runs (issue 12, item 2)."""

from __future__ import annotations

from archive import drift

CSS = {"2020:body": "div.article-content", "2020:time": "div.article-info span.time", "list:item": "ul.news-list li",
       "list:link": "a[title]", "list:next": "div.pages a.next"}


def _run(profile=0, generic=0, no_date=0, missed=None, lists=(10, 0)):
    stats = {"newsarchive/lists_by_selectors": lists[0], "newsarchive/lists_selectors_missed": lists[1]}
    if profile:
        stats["newsarchive/extractor/profile:2020"] = profile
    if generic:
        stats["newsarchive/extractor/generic"] = generic
    if no_date:
        stats["newsarchive/articles_without/published_at"] = no_date
    stats.update({f"newsarchive/selector_missed/{k}": v for k, v in (missed or {}).items()})
    return {k: v for k, v in stats.items() if v}


def test_a_healthy_run_is_no_alert():
    verdict = drift.judge(_run(profile=95, generic=5, missed={"2020:time": 2}), [_run(profile=100)] * 3, CSS)
    assert verdict["alert"] is False and verdict["selectors"] == []
    assert verdict["extractors"] == {"profile:2020": 95, "generic": 5}


def test_most_articles_to_generic_is_an_alert_naming_the_selectors():
    verdict = drift.judge(_run(profile=10, generic=40, missed={"2020:body": 40, "2020:time": 3}), [], CSS)
    assert verdict["alert"] and verdict["reasons"] == ["40 of 50 articles fell to the generic extractor"]
    assert verdict["selectors"] == [{"selector": "2020:body", "css": "div.article-content", "pages": 40}]
    assert "`div.article-content` = 2020:body (40 pages)" in drift.message(verdict)


def test_a_jump_in_records_without_a_date_is_an_alert_against_recent_runs():
    earlier = [_run(profile=100, no_date=2), _run(profile=100, no_date=4), _run(profile=100)]
    now = _run(profile=100, no_date=45, missed={"2020:time": 45})
    verdict = drift.judge(now, earlier, CSS)
    assert verdict["alert"] and "45% of the articles have no published_at, against 2% in recent runs" in verdict["reasons"]
    assert [s["css"] for s in verdict["selectors"]] == ["div.article-info span.time"]
    # without two earlier runs to compare with, the same share is no jump
    assert drift.judge(now, earlier[:1], CSS)["alert"] is False


def test_list_pages_read_by_url_scheme_are_an_alert():
    verdict = drift.judge(_run(profile=50, lists=(1, 9)), [], CSS)
    assert verdict["alert"] and "9 of 10 list pages" in verdict["reasons"][0]
    assert {s["css"] for s in verdict["selectors"]} == {"ul.news-list li", "a[title]", "div.pages a.next"}
    assert drift.judge(_run(profile=50, lists=(9, 1)), [], CSS)["alert"] is False  # a list's empty last page


def test_stat_keys_count_articles_only():
    record = {"extractor": "generic", "title": "标题", "published_at": None,
              "quality": '{"selectors_missed": ["2020:body"]}'}
    assert drift.stat_keys({"kind": "article", "record": record}) == [
        "newsarchive/extractor/generic", "newsarchive/articles_without/published_at",
        "newsarchive/selector_missed/2020:body"]
    assert drift.stat_keys({"kind": "failed", "url": "x"}) == [] and drift.stat_keys(None) == []
