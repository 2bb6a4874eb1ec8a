"""Search as a person browses it: any page of every match, in relevance or date order, how many match, and how the
matches spread over time.

``search.search`` answers "the best N". Someone paging through results needs page 7 to continue page 6 exactly,
"41–60 of 204", and a picture of the whole set. So every page here is cut from one order over *every* match (no
rank window: a page ranked among the most recent matches would shift as the pages go on), and the count and the
timeline are SQL over the same set of matches that ``search`` finds (title or body contains the query, exactly as
LIKE does). Filters are search's own: one definition of the time window, of section and of source.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from archive.search import MARK, _filters, _ranked, _results, connection, matching, snapshot, snippet
from archive.tokenize import match_expression

ORDERS = ("relevance", "newest", "oldest")
"""Relevance is bm25 with titles first (newest first for an empty query); newest and oldest go by published_at."""
PERIODS = ("day", "week", "month")
PER_PAGE = 20
MAX_BARS = 400
"""A timeline with more periods than this is drawn a period coarser: bars thinner than a pixel or two tell nothing."""

_DATE_ORDER = {
    "newest": "a.published_at DESC, a.doc DESC",
    "oldest": "a.published_at IS NULL, a.published_at, a.doc",
}


@dataclass(frozen=True)
class Page:
    """One page of results, and where it sits among all of them."""

    rows: list[dict]
    total: int
    number: int
    per_page: int
    order: str

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row among all matches (0 when nothing matches)."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


@dataclass(frozen=True)
class Bucket:
    """The matches published in one period: from ``start`` to ``end``, both days included."""

    start: date
    end: date
    count: int

    def label(self, period: str) -> str:
        return self.start.strftime("%Y-%m") if period == "month" else self.start.isoformat()


@dataclass(frozen=True)
class Timeline:
    """Matches per period, every period from the first match's to the last one's (empty ones too, so the axis is
    time), and the matches whose published_at is missing or not a date."""

    period: str
    buckets: list[Bucket]
    undated: int

    @property
    def dated(self) -> int:
        return sum(bucket.count for bucket in self.buckets)


def _matching(conn, query: str, since, until, section, source) -> tuple[str, dict]:
    """``FROM … WHERE …`` over exactly the articles ``search`` finds (as ``a``), with its parameters."""
    conditions, params = _filters(since, until, section, source)
    if match_expression(query) is None:
        return "FROM articles a WHERE " + (" AND ".join(conditions) or "1"), params
    source_sql, params, _ = matching(conn, query, conditions, params)
    return source_sql, params


def count(db: Any, query: str, since=None, until=None, section=None, source=None) -> int:
    """How many articles match: the length of ``search(..., limit=None)``, from the index alone where it is exact."""
    conn = connection(db)
    with snapshot(conn):
        source_sql, params = _matching(conn, query, since, until, section, source)
        return conn.execute(f"SELECT count(*) {source_sql}", params).fetchone()[0]


def page(
    db: Any,
    query: str,
    since: str | None = None,
    until: str | None = None,
    section: str | None = None,
    source: str | None = None,
    *,
    order: str = "relevance",
    number: int = 1,
    per_page: int = PER_PAGE,
    mark: tuple[str, str] = MARK,
) -> Page:
    """Page ``number`` (from 1, clamped to the pages there are) of every match in ``order``, rows as ``search`` gives
    them (with snippet; ``score`` is None in date order)."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    conn = connection(db)
    with snapshot(conn):
        total = count(conn, query, since, until, section, source)
        number = min(max(1, int(number)), max(1, math.ceil(total / per_page)))
        offset = (number - 1) * per_page
        if order == "relevance" and match_expression(query) is not None:
            conditions, params = _filters(since, until, section, source)
            docs = _ranked(conn, query, conditions, params, None, offset + per_page)[offset:]
        else:
            source_sql, params = _matching(conn, query, since, until, section, source)
            sort = _DATE_ORDER["newest" if order == "relevance" else order]
            docs = [(None, doc) for (doc,) in conn.execute(
                f"SELECT a.doc {source_sql} ORDER BY {sort} LIMIT :limit OFFSET :offset",
                {**params, "limit": per_page, "offset": offset},
            )]
        return Page(_results(conn, docs, query, mark), total, number, per_page, order)


def marked(text: str | None, query: str, mark: tuple[str, str] = MARK) -> str:
    """The whole text (a title, a paragraph) with every hit of the query marked, as snippets mark them."""
    text = text or ""
    return snippet(text, query, width=3 * len(text) + 1, mark=mark)


def timeline(
    db: Any,
    query: str,
    since: str | None = None,
    until: str | None = None,
    section: str | None = None,
    source: str | None = None,
    *,
    period: str | None = None,
) -> Timeline:
    """Matches per day, week (from Monday) or month of publication (the portal's local date).

    ``period`` None picks by the span of the matches: days up to two months, weeks up to two years, else months.
    """
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    conn = connection(db)
    with snapshot(conn):
        source_sql, params = _matching(conn, query, since, until, section, source)
        days = conn.execute(f"SELECT substr(a.published_at, 1, 10) AS day, count(*) {source_sql} GROUP BY day",
                            params).fetchall()
    per_day: dict[date, int] = {}
    undated = 0
    for day, n in days:
        try:
            per_day[date.fromisoformat(day)] = n
        except (TypeError, ValueError):
            undated += n
    if not per_day:
        return Timeline(period or "day", [], undated)
    first, last = min(per_day), max(per_day)
    period = period or _period_for(first, last)
    while period != PERIODS[-1] and _periods(first, last, period) > MAX_BARS:
        period = PERIODS[PERIODS.index(period) + 1]
    counts = Counter()
    for day, n in per_day.items():
        counts[_start_of(day, period)] += n
    buckets, start = [], _start_of(first, period)
    while start <= last:
        following = _next_start(start, period)
        buckets.append(Bucket(start, following - timedelta(days=1), counts[start]))
        start = following
    return Timeline(period, buckets, undated)


def _period_for(first: date, last: date) -> str:
    span = (last - first).days
    return "day" if span <= 62 else "week" if span <= 731 else "month"


def _start_of(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _next_start(start: date, period: str) -> date:
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7 if period == "week" else 1)


def _periods(first: date, last: date, period: str) -> int:
    if period == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return (_start_of(last, period) - _start_of(first, period)).days // (7 if period == "week" else 1) + 1
