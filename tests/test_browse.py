"""Browsing search results: pages that cut one order over every match, the count, the timeline, the chart, and the
time window that the CLI, the search page and Datasette's SQL share."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import browse
from archive.chart import Bar, bar_chart
from archive.datasette_plugin import newsarchive_in_window
from archive.search import date_filters, search
from archive.store import Archive
from tests.test_search import _records

QUERIES = ["重庆", "的", "x", "9.83", "App", "，", ""]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    records = _records(300, seed=11)
    for record in records[::50]:
        record["published_at"] = None  # some articles have no date
    with Archive(tmp_path_factory.mktemp("browse") / "news.db") as opened:
        opened.upsert_many(records, run_id=None)
        yield opened


def every_page(archive, query, **kwargs) -> list[browse.Page]:
    pages = [browse.page(archive, query, per_page=7, **kwargs)]
    while pages[-1].number < pages[-1].pages:
        pages.append(browse.page(archive, query, per_page=7, number=pages[-1].number + 1, **kwargs))
    return pages


@pytest.mark.parametrize("query", QUERIES)
def test_pages_in_relevance_order_are_the_ranking_of_every_match(archive, query):
    expected = [row["id"] for row in search(archive, query, limit=None)]
    pages = every_page(archive, query)
    assert [row["id"] for page in pages for row in page.rows] == expected
    assert {page.total for page in pages} == {len(expected)}
    assert [(page.first, page.last) for page in pages][-1] == (7 * (len(pages) - 1) + 1, len(expected))


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_pages_in_date_order_hold_every_match_once(archive, query, order):
    expected = {row["id"]: row["published_at"] for row in search(archive, query, limit=None)}
    shown = [row for page in every_page(archive, query, order=order) for row in page.rows]
    assert len(shown) == len(expected) and {row["id"] for row in shown} == set(expected)
    dated = [row["published_at"] for row in shown if row["published_at"]]
    assert dated == sorted(dated, reverse=order == "newest")
    undated = [i for i, row in enumerate(shown) if row["published_at"] is None]
    assert undated == list(range(len(shown) - len(undated), len(shown))), "articles without a date come last"


def test_filters_are_the_searchs(archive):
    filters = {"since": "2020-10-05", "until": "2020-10-12", "section": "重庆新闻", "source": "日报"}
    for query in ("重庆", "重", ""):
        expected = {row["id"] for row in search(archive, query, **filters, limit=None)}
        assert browse.count(archive, query, **filters) == len(expected)
        found = {row["id"] for page in every_page(archive, query, order="newest", **filters) for row in page.rows}
        assert found == expected


def test_page_numbers_are_clamped_and_orders_checked(archive):
    last = browse.page(archive, "重庆", number=10_000)
    assert last.number == last.pages and last.rows
    assert browse.page(archive, "重庆", number=0).number == 1
    nothing = browse.page(archive, "没有这个词")
    assert (nothing.total, nothing.rows, nothing.pages, nothing.first, nothing.last) == (0, [], 1, 0, 0)
    with pytest.raises(ValueError, match="order"):
        browse.page(archive, "重庆", order="random")


def test_the_timeline_counts_every_dated_match_per_period(archive):
    matches = search(archive, "重庆", limit=None)
    days = [date.fromisoformat(row["published_at"][:10]) for row in matches if row["published_at"]]
    for period, start_of in [("day", lambda d: d), ("week", lambda d: d - timedelta(d.weekday())),
                             ("month", lambda d: d.replace(day=1))]:
        timeline = browse.timeline(archive, "重庆", period=period)
        assert timeline.period == period
        assert timeline.undated == len(matches) - len(days) > 0
        counts = {bucket.start: bucket.count for bucket in timeline.buckets}
        assert sum(counts.values()) == len(days)
        for start in {start_of(day) for day in days}:
            assert counts[start] == sum(start_of(day) == start for day in days)
        starts = [bucket.start for bucket in timeline.buckets]
        assert starts[0] == start_of(min(days)) and starts[-1] == start_of(max(days))
        for bucket, following in zip(timeline.buckets, timeline.buckets[1:]):
            assert bucket.end + timedelta(days=1) == following.start, "no period is skipped, empty ones too"
    assert browse.timeline(archive, "重庆").period == "day", "four weeks of matches are drawn per day"
    assert browse.timeline(archive, "没有这个词").buckets == []


def test_a_long_span_is_drawn_per_week_or_month(tmp_path):
    rng = random.Random(3)
    start = date(2015, 1, 1)
    with Archive(tmp_path / "news.db") as arc:
        arc.upsert_many([{"id": f"a{i}", "url": f"u{i}", "title": "重庆", "body": "正文",
                          "published_at": f"{start + timedelta(rng.randint(0, 2000))}T08:00:00+08:00"}
                         for i in range(200)], run_id=None)
        assert browse.timeline(arc, "重庆").period == "month"
        forced = browse.timeline(arc, "重庆", period="day")
        assert forced.period == "week" and len(forced.buckets) <= browse.MAX_BARS, "too many days for bars"
        assert forced.dated == 200


def test_marked_marks_every_hit_of_the_whole_text():
    text = "重庆" + "的" * 200 + "重庆，APP与app"
    assert browse.marked(text, "重庆", mark=("[", "]")) == "[重庆]" + "的" * 200 + "[重庆]，APP与app"
    assert browse.marked("APP与app", "App", mark=("[", "]")) == "[APP]与[app]"
    assert browse.marked(None, "重庆") == ""


def test_the_chart_draws_every_bar_to_scale():
    bars = [Bar("2020-10-01", 3, "a"), Bar("2020-10-02", 0, "b"), Bar("2020-10-03", 12, "<c>", href="/x?a=1&b=2")]
    svg = bar_chart(bars, caption="per day")
    assert svg.count('class="bar"') == 3
    heights = [float(svg.split(f'data-label="{bar.label}"')[0].rsplit('height="', 1)[1].split('"')[0]) for bar in bars]
    assert heights[1] == 0 and heights[2] == pytest.approx(4 * heights[0])
    assert 'href="/x?a=1&amp;b=2"' in svg and "<title>&lt;c&gt;</title>" in svg
    assert bar_chart([]).count('class="bar"') == 0


@st.composite
def windows(draw):
    day = st.dates(min_value=date(2020, 9, 28), max_value=date(2020, 10, 3)).map(date.isoformat)
    time = st.builds(lambda d, h: f"{d}T{h:02d}:00:00+08:00", day, st.integers(0, 23))
    bound = st.one_of(st.none(), day, time)
    return draw(st.one_of(day, time)), draw(bound), draw(bound)


@settings(max_examples=300, deadline=None)
@given(window=windows())
def test_datasette_and_the_cli_share_one_window(window):
    """The SQL function Datasette's canned search uses agrees with the CLI's SQL: until includes its day."""
    value, since, until = window
    conditions, params = date_filters(since, until, column=":value")
    in_sql = sqlite3.connect(":memory:").execute(
        f"SELECT {' AND '.join(conditions) or '1'}", {**params, "value": value}).fetchone()[0]
    assert bool(in_sql) == newsarchive_in_window(value, since or "", until or "")
    if until and len(until) == 10 and value.startswith(until):
        assert newsarchive_in_window(value, "", until), "a bare until includes its whole day"
