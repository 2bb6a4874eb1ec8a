"""Thin Scrapy item-pipeline adapters over the cleaning core and the archive.

``CleanPipeline`` turns a raw ``PageItem`` into an envelope (``pipelines.envelope``) with ``clean_page``, the one
cleaning path shared with ``clean``, ``import`` and ``reprocess``. ``ArchivePipeline`` stores envelopes and records the
crawl run. They live in the Scrapy project, as Scrapy's convention has it; the cleaning core never imports Scrapy.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task, threads
from twisted.python.threadpool import ThreadPool

from archive import drift, walks
from archive.ingest import ingest
from archive.store import Archive
from crawler.items import FailureItem, NotModifiedItem, PageItem
from crawler.runner import run_options
from pipelines import envelope
from pipelines.cleaner_pool import PAGE_SECONDS, Cancelled, CleanerPool
from pipelines.extract.probe import selector_names


class CleanPipeline:
    """Clean pages off the reactor thread, in ``pipelines.cleaner_pool`` worker processes with a time limit per page.

    The reactor only waits on a Deferred, so a page that takes long to clean delays nothing else: downloads go on,
    and ``--max-minutes``, ``--max-pages`` and SIGTERM close the spider on time. Once the spider is closing, pages
    already fetched get ``NEWSARCHIVE_CLEAN_GRACE_SECONDS`` to finish cleaning; then the pool is cancelled and the
    pages still waiting are dropped (neither stored nor known, so the next run fetches them again; their raw bytes
    are in the WARC already). The waiting happens in a thread pool of this pipeline's own, as many threads as
    cleaning processes, so pages queued for the cleaner never occupy the reactor's threads (DNS lookups use those).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.workers = settings.getint("NEWSARCHIVE_CLEAN_WORKERS", 1)
        self.time_limit = settings.getfloat("NEWSARCHIVE_CLEAN_SECONDS", PAGE_SECONDS)
        self.grace = settings.getfloat("NEWSARCHIVE_CLEAN_GRACE_SECONDS", 2.0)
        self.pool: CleanerPool | None = None
        self.threads: ThreadPool | None = None
        self.watch: task.LoopingCall | None = None
        self.stopping_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # Started with the crawler, so the workers import the cleaner while robots.txt and the lists are fetched.
        pipeline.pool = CleanerPool(pipeline.workers, time_limit=pipeline.time_limit)
        pipeline.pool.start()
        return pipeline

    def open_spider(self):
        self.threads = ThreadPool(minthreads=0, maxthreads=self.workers, name="newsarchive-clean")
        self.threads.start()
        self.watch = task.LoopingCall(self._watch_stop)
        self.watch.start(0.25, now=False)

    def close_spider(self):
        if self.watch is not None and self.watch.running:
            self.watch.stop()
        if self.threads is not None:
            self.pool.cancel()  # nothing is waiting by now; a thread that still is stops at once
            self.threads.stop()
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item):
        if isinstance(item, FailureItem):
            return envelope.failure(item.url, item.stage, item.reason)
        if isinstance(item, NotModifiedItem):
            return envelope.not_modified(item.url, item.fetched_at)
        if not isinstance(item, PageItem):
            return item
        cleaning = threads.deferToThreadPool(reactor, self.threads, self.pool.clean, item.body, url=item.url,
                                             content_type=item.content_type, profile=item.profile)
        try:
            outcome = await maybe_deferred_to_future(cleaning)
        except Cancelled:
            self.crawler.stats.inc_value("newsarchive/clean_cancelled")
            raise DropItem(f"the crawl stopped before {item.url} was cleaned (the next run fetches it again)",
                           log_level="INFO")
        return envelope.from_outcome(outcome, url=item.url, fetched_at=item.fetched_at, warc=item.warc,
                                     etag=item.etag, last_modified=item.last_modified, aliases=item.aliases)

    def _watch_stop(self):
        if not _stopping(self.crawler):
            return
        now = time.monotonic()
        if self.stopping_since is None:
            self.stopping_since = now
        elif now - self.stopping_since >= self.grace:
            self.pool.cancel()


def _stopping(crawler) -> bool:
    """Whether the crawl is closing: a stop was asked (SIGTERM, SIGINT) or a limit closed the spider.

    Scrapy signals ``spider_closed`` only once everything in flight is done, which is what must not be waited for
    here, and no signal when closing begins; so this reads the engine's slot, whose ``closing`` is set from then on.
    """
    slot = getattr(crawler.engine, "_slot", None)
    return not crawler.crawling or (slot is not None and slot.closing is not None)


class ArchivePipeline:
    """Store every envelope in the SQLite archive, inside one crawl run (whose counts the store tallies)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("NEWSARCHIVE_DB")
        self.archive = None
        self.run_id = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        self.archive = Archive(self.db_path)
        spider = self.crawler.spider
        # `newsarchive crawl` opens the run itself, so that a crawl stopped before this point is still recorded.
        self.run_id = (self.crawler.settings.getint("NEWSARCHIVE_RUN_ID")
                       or self.archive.start_run(run_options(
                           spider.profile, spider.base_url, spider.name,
                           extra=self.crawler.settings.getdict("NEWSARCHIVE_RUN_OPTIONS"))))
        self.crawler.stats.set_value("newsarchive/run_id", self.run_id)
        walks.start(self.archive, self._walk, spider.profile.name, "local", exhaustive=spider.exhaustive,
                    run_id=self.run_id)

    @property
    def _walk(self) -> str:
        return f"run:{self.run_id}"

    def process_item(self, item):
        result = ingest(self.archive, item, self.run_id)
        self.crawler.stats.inc_value(f"newsarchive/{result}")
        for key in drift.stat_keys(item):
            self.crawler.stats.inc_value(key)
        return item

    def spider_closed(self, spider, reason):
        if self.archive is None:
            return
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.crawler.stats.get_stats().items()}
        stats[drift.VERDICT] = drift.judge(stats, drift.recent_stats(self.archive, self.run_id),
                                           selector_names(spider.profile))
        with self.archive.batch():  # the walk and its run end together
            walks.end(self.archive, self._walk, spider.profile.name, "local", complete=reason == "finished",
                      reason=reason, run_id=self.run_id)
            self.archive.finish_run(self.run_id, reason, stats)
        self.archive.close()
