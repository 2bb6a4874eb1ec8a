"""Thin Scrapy item-pipeline adapters over the cleaning core and the archive.

``CleanPipeline`` turns a raw ``PageItem`` into an envelope (``pipelines.envelope``) with ``clean_page``, the one
cleaning path shared with ``clean``, ``import`` and ``reprocess``. ``ArchivePipeline`` stores envelopes and records the
crawl run. They live in the Scrapy project, as Scrapy's convention has it; the cleaning core never imports Scrapy.
"""

from __future__ import annotations

from scrapy import signals

from archive import drift, walks
from archive.ingest import ingest
from archive.store import Archive
from crawler.items import FailureItem, NotModifiedItem, PageItem
from crawler.runner import run_options
from pipelines import envelope
from pipelines.clean import clean_page
from pipelines.extract.probe import selector_names


class CleanPipeline:
    def process_item(self, item):
        if isinstance(item, FailureItem):
            return envelope.failure(item.url, item.stage, item.reason)
        if isinstance(item, NotModifiedItem):
            return envelope.not_modified(item.url, item.fetched_at)
        if not isinstance(item, PageItem):
            return item
        try:
            outcome = clean_page(item.body, url=item.url, content_type=item.content_type, profile=item.profile)
        except Exception as exc:  # noqa: BLE001 - a page the cleaner cannot take is a recorded failure, not a gap
            return envelope.failure(item.url, "clean", f"{type(exc).__name__}: {exc}")
        return envelope.from_outcome(outcome, url=item.url, fetched_at=item.fetched_at, warc=item.warc,
                                     etag=item.etag, last_modified=item.last_modified, aliases=item.aliases)


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
