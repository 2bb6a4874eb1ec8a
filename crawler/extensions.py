"""Scrapy extensions: progress reporting (and, beside it, raw capture)."""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict
from pathlib import Path

from scrapy import signals
from twisted.internet import task

from archive.warc import WarcWriter

logger = logging.getLogger(__name__)


class Progress:
    """Pages, articles and failures while a crawl runs: one rewritten line on a terminal, log lines elsewhere.

    Cron runs write to files, where carriage-return tricks are noise; people at a terminal want one live line.
    """

    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        stored = sum(stats.get_value(f"newsarchive/{k}", 0) for k in ("new", "updated", "unchanged"))
        return (f"pages {stats.get_value('response_received_count', 0)}, articles {stored}, "
                f"skipped {stats.get_value('newsarchive/skipped', 0)}, "
                f"failures {stats.get_value('newsarchive/failed', 0)}")

    def report(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line() + " ")
            self.stream.flush()
        else:
            logger.info("progress: %s", self.line())

    def opened(self, spider):
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.tty:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


class WarcCapture:
    """Write every response, with its request, to WARC as it arrives, before any parsing can fail.

    The pointer (file, offset, length, payload digest) rides on the request's meta, so the spider can hand it to
    the record that the page becomes. Each process writes its own rotating files (``archive.warc.WarcWriter``),
    so parallel workers never share one. Bodies are stored as Scrapy delivers them, decompressed; the original
    Content-Encoding is kept under ``X-Archive-Orig-`` so replay tools do not decode twice.
    """

    def __init__(self, writer: WarcWriter, crawler):
        self.writer = writer
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        directory = settings.get("NEWSARCHIVE_WARC_DIR") or Path(settings.get("NEWSARCHIVE_DB")).parent / "warc"
        writer = WarcWriter(directory, settings.getint("NEWSARCHIVE_WARC_MAX_BYTES", 1024**3),
                            fsync=settings.getbool("NEWSARCHIVE_WARC_FSYNC", True))
        ext = cls(writer, crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def response_received(self, response, request, spider):
        if response.status == 304:  # nothing new to keep; the archived capture stands
            return
        try:
            pointer = self.writer.write_response(response.url, response.status, response.headers, response.body,
                                                 request_headers=request.headers, method=request.method)
        except OSError as exc:
            logger.error("WARC write failed for %s: %s", response.url, exc)
            self.crawler.stats.inc_value("newsarchive/warc_errors")
            return
        request.meta["warc"] = asdict(pointer)
        self.crawler.stats.inc_value("newsarchive/warc_records")

    def closed(self, spider, reason):
        self.writer.close()
