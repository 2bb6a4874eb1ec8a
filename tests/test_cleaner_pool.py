"""Issue 14 item 2 and issue 15 item 3: clean_page in worker processes, a time limit per page, results in order."""

from __future__ import annotations

import threading
import time

import pytest

from pipelines.clean import clean_page
from pipelines import cleaner_pool
from pipelines.cleaner_pool import READ_AHEAD, Cancelled, CleanerPool

URL = "https://www.cbg.cn/show/705-{}.html"


def _article(i: int) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>重庆新闻第{i}条</title></head><body>"
            f"<div class='article-content'><p>重庆市今天发布第{i}条消息，内容涉及城市交通和经济发展。</p>"
            f"<p>记者从有关部门了解到，相关工作正在推进之中，第{i}项措施已经落实。</p></div></body></html>").encode()


SLOW = ("<html><body>" + "<p>重庆新闻正文，一段文字。重庆新闻正文，一段文字。</p>" * 190_000 + "</body></html>").encode()
"""Within every markup limit and the input cap, and still many seconds of cleaning: only the time limit stops it."""
LIMIT = 2.5  # a hundred times a small page's cleaning, so a loaded machine does not make one overrun


@pytest.fixture(scope="module")
def pool():
    with CleanerPool(2, time_limit=LIMIT) as pool:
        yield pool


def test_a_worker_cleans_exactly_as_clean_page_does(pool):
    for i in range(3):
        assert pool.clean(_article(i), url=URL.format(i)) == clean_page(_article(i), url=URL.format(i))


def test_a_page_over_the_time_limit_fails_and_its_worker_is_replaced(pool):
    started = time.monotonic()
    outcome = pool.clean(SLOW, url=URL.format(1))
    assert time.monotonic() - started < LIMIT + 3
    assert outcome.kind == "failed"
    assert outcome.reason == f"clean: over the time limit of {LIMIT:g} s per page (the cleaner was stopped)"
    after = [pool.clean(_article(i), url=URL.format(i)) for i in range(4)]  # both workers, the new one included
    assert [o.kind for o in after] == [clean_page(_article(i), url=URL.format(i)).kind for i in range(4)]


def test_results_come_in_input_order_whatever_finishes_first(pool):
    items = list(range(12))

    def job(i):
        if i == 7:
            return None  # nothing to clean: kept in its place, with no outcome
        return (SLOW if i == 2 else _article(i)), {"url": URL.format(i)}

    results = list(pool.ordered(items, job))
    assert [item for item, _ in results] == items
    assert results[7][1] is None
    assert results[2][1].reason.startswith("clean: over the time limit")
    for i, outcome in results:
        if i not in (2, 7):
            assert outcome.article.title == f"重庆新闻第{i}条"


def test_ordered_reads_only_a_few_items_ahead(monkeypatch):
    read = []

    def items():
        for i in range(50):
            read.append(i)
            yield i

    with CleanerPool(1, time_limit=5) as one:
        for i, _ in one.ordered(items(), lambda i: (_article(i), {"url": URL.format(i)})):
            assert len(read) - i <= READ_AHEAD + 1  # the one yielded, and READ_AHEAD per worker ahead
    # and no more than READ_AHEAD_BYTES of their data, though never fewer than two items per worker
    monkeypatch.setattr(cleaner_pool, "READ_AHEAD_BYTES", 3 * len(_article(0)))
    read.clear()
    with CleanerPool(1, time_limit=5) as one:
        for i, _ in one.ordered(items(), lambda i: (_article(i), {"url": URL.format(i)})):
            assert len(read) - i <= 4


def test_cancel_stops_a_page_being_cleaned_and_refuses_the_next():
    pool = CleanerPool(1, time_limit=60)
    outcome = {}

    def slow():
        try:
            outcome["value"] = pool.clean(SLOW, url=URL.format(1))
        except Cancelled as exc:
            outcome["cancelled"] = exc

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(1.5)
    started = time.monotonic()
    pool.cancel()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 2
    assert "cancelled" in outcome
    with pytest.raises(Cancelled):
        pool.clean(_article(1), url=URL.format(1))
    pool.close()


def test_a_pool_needs_a_worker():
    with pytest.raises(ValueError):
        CleanerPool(0)
