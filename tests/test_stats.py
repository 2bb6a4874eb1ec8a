"""Stats: the numbers per section, day and source, runs, failures and repairs, computed from known data."""

from __future__ import annotations

import pytest

from archive import stats
from archive.store import Archive


def _article(i, section, source, day, repairs=None):
    return {"id": f"a{i}", "url": f"u{i}", "title": f"t{i}", "body": f"b{i}", "section": section, "source": source,
            "published_at": f"2020-10-{day:02d}T09:00:00+08:00", "quality": {"repairs": repairs or {}}}


@pytest.fixture
def arc(tmp_path):
    with Archive(tmp_path / "news.db") as opened:
        run = opened.start_run()
        opened.upsert_many(
            [
                _article(1, "新闻 › 重庆新闻", "重庆日报", 22, {"pinyin_annotations": 412, "to_simplified": 1032}),
                _article(2, "新闻 › 重庆新闻", "视界网", 22, {"to_simplified": 8, "phantom_bytes": 0}),
                _article(3, "新闻 › 央媒关注", "新华社", 23),
                _article(4, None, "视界网", 24),
            ],
            run,
        )
        opened.record_failure(run, "u/x", "fetch", "http 404")
        opened.record_failure(run, "u/y", "fetch", "http 404")
        opened.record_failure(run, "u/z", "clean", "empty body")
        opened.record_skipped(run, "u/v", "video page")
        opened.finish_run(run)
        with opened.batch():  # a record written by an older tool with broken JSON must not break the stats
            opened.conn.execute("UPDATE articles SET quality = 'not json' WHERE id = 'a4'")
        yield opened


def test_per_section_day_and_source(arc):
    assert stats.per_section(arc.db) == [{"section": "新闻 › 重庆新闻", "articles": 2}, {"section": "", "articles": 1},
                                         {"section": "新闻 › 央媒关注", "articles": 1}]
    assert stats.per_day(arc) == [{"day": "2020-10-24", "articles": 1}, {"day": "2020-10-23", "articles": 1},
                                  {"day": "2020-10-22", "articles": 2}]
    assert stats.per_source(arc, since="2020-10-22", until="2020-10-22") == [
        {"source": "视界网", "articles": 1}, {"source": "重庆日报", "articles": 1}]


def test_runs_failures_skips_and_repairs(arc):
    (run,) = stats.latest_runs(arc)
    assert (run["new"], run["failed"], run["skipped"], run["status"]) == (4, 3, 1, "finished")
    assert [(f["stage"], f["reason"], f["failures"]) for f in stats.failures_by_reason(arc)] == [
        ("fetch", "http 404", 2), ("clean", "empty body", 1)]
    assert stats.skipped_by_reason(arc) == [{"reason": "video page", "pages": 1}]
    assert stats.repairs_by_kind(arc) == [
        {"repair": "to_simplified", "records": 2, "changes": 1040},
        {"repair": "pinyin_annotations", "records": 1, "changes": 412},
    ]


def test_overview_names_every_table(arc):
    assert list(stats.overview(arc)) == ["sections", "days", "sources", "runs", "failures", "skipped", "repairs"]
