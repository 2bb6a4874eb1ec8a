"""Downloader middlewares."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from protego import Protego
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.asyncio import sleep


class HostGuardMiddleware:
    """Refuse every request outside the spider's allowed origins.

    Scrapy's offsite filtering compares host names only and is bypassed by redirects to other ports or schemes;
    a crawler that follows a link to ``http://169.254.169.254/`` or ``file://`` from a hostile page must not
    send it. This runs for every request, redirects included, and asks the spider (which knows its profile).
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        allows = getattr(spider, "allows", None)
        if allows is not None and not allows(request.url):
            self.crawler.stats.inc_value("newsarchive/offsite_refused")
            raise IgnoreRequest(f"outside the profile's hosts: {request.url}")
        return None


class CrawlDelayMiddleware:
    """Honour robots.txt ``Crawl-delay``, which Scrapy reads but never applies.

    The delay is enforced here, per host, as a minimum spacing between requests, rather than by adjusting the
    downloader slot, because AutoThrottle rewrites slot delays after every response and would undo it. It runs
    after ``RobotsTxtMiddleware``, which holds every request until its host's robots.txt is parsed, so the delay
    is known before the first page is fetched.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.delays: dict[str, float] = {}
        self.next_slot: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        parts = urlsplit(request.url)
        if parts.path == "/robots.txt" and response.status == 200:
            try:
                delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            except Exception:  # a robots.txt we cannot parse is treated as having no delay, like Scrapy does
                delay = None
            if delay:
                self.delays[parts.netloc] = float(delay)
                self.crawler.stats.set_value(f"newsarchive/crawl_delay/{parts.netloc}", float(delay))
        return response

    async def process_request(self, request):
        netloc = urlsplit(request.url).netloc
        delay = self.delays.get(netloc)
        if not delay or urlsplit(request.url).path == "/robots.txt":
            return None
        now = time.monotonic()
        at = max(now, self.next_slot.get(netloc, 0.0))
        self.next_slot[netloc] = at + delay
        if at > now:
            await sleep(at - now)
        return None
