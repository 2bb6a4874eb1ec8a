"""One spider class for every portal: what to fetch comes from the site profile, not from code.

List pages are walked through the profile's list selectors and pagination; links whose path matches one of the
profile's article schemes become article requests. Only article responses become items; everything else about
the portal (hosts, schemes, selectors) is data in ``crawler/profiles/<name>.json``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response

from crawler.incremental import ArchiveState
from crawler.items import FailureItem, NotModifiedItem, PageItem
from pipelines.profile import Profile, load_profile


class ProfileSpider(scrapy.Spider):
    """Walk a portal's list pages to its articles.

    Arguments (``-a`` on the command line, or settings): ``profile`` (a profile name or JSON path),
    ``base_url`` (serve the portal's paths from another origin, such as the offline replica).
    """

    name = "portal"
    profile_name = "cbg"

    def __init__(self, *args, profile: str | None = None, base_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.state: ArchiveState | None = None
        self.profile: Profile = load_profile(profile or self.profile_name)
        self.base_url = (base_url or self.profile.base_url).rstrip("/")
        base = urlsplit(self.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"base URL must be an http(s) URL with a host, not {base_url!r}")
        self.replaced = self.base_url != self.profile.base_url
        self.origin = (base.scheme, base.netloc.lower())

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("profile", crawler.settings.get("NEWSARCHIVE_PROFILE") or None)
        kwargs.setdefault("base_url", crawler.settings.get("NEWSARCHIVE_BASE_URL") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("NEWSARCHIVE_FULL")
        spider.known_depth = settings.getint("NEWSARCHIVE_KNOWN_PAGES_DEPTH", 1)
        if not spider.full:
            spider.state = ArchiveState(settings.get("NEWSARCHIVE_DB"), settings.getfloat("NEWSARCHIVE_REVISIT_DAYS", 3))
        crawler.signals.connect(spider.release_state, signal=signals.spider_closed)
        return spider

    def release_state(self, spider):
        if self.state is not None:
            self.state.close()

    # -- where we may go ---------------------------------------------------------------------------------------
    def allows(self, url: str) -> bool:
        """Only the profile's own hosts, or exactly the replacement origin when the portal is served elsewhere."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if self.replaced:
            return (parts.scheme, parts.netloc.lower()) == self.origin
        return self.profile.allows_host(parts.hostname)

    def portal_url(self, url: str) -> str:
        """The URL the portal itself gives this page, so records from a replica or mirror share the portal's ids."""
        if not self.replaced:
            return url
        parts = urlsplit(url)
        return self.profile.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    # -- crawling ----------------------------------------------------------------------------------------------
    async def start(self):
        for path in self.profile.start_paths:
            yield scrapy.Request(self.base_url + path, callback=self.parse_list)

    def parse_list(self, response: Response):
        """Follow a list page's articles, and its next page unless enough whole pages were already known."""
        if not hasattr(response, "css"):
            self.logger.warning("list page %s is not HTML (%s)", response.url, response.headers.get("Content-Type"))
            return
        links = response.css(f"{self.profile.list['item']} {self.profile.list['link']}::attr(href)").getall()
        nxt = response.css(f"{self.profile.list['next']}::attr(href)").getall() if self.profile.list.get("next") else []
        fresh = 0
        for url in self._targets(response, links):
            if self.profile.article_match(urlsplit(url).path):
                request = self._article_request(url)
                if request is not None:
                    fresh += 1
                    yield request
            elif self.profile.is_list(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_list)
        streak = 0 if fresh or not links else response.meta.get("known_streak", 0) + 1
        if streak and streak >= self.known_depth and not self.full:
            self.crawler.stats.inc_value("newsarchive/lists_stopped_known")
            return
        for url in self._targets(response, nxt):
            if self.profile.is_list(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_list, meta={"known_streak": streak})

    def _targets(self, response: Response, hrefs):
        for href in hrefs:
            url = urljoin(response.url, href.strip())
            if self.allows(url):
                yield url
            else:
                self.crawler.stats.inc_value("newsarchive/offsite_links")

    def _article_request(self, url: str) -> scrapy.Request | None:
        """A request for an article the archive lacks, a conditional one inside the revisit window, else None."""
        known = self.state.lookup(self.portal_url(url)) if self.state else None
        if known is None:
            return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed)
        if not known.revisit:
            self.crawler.stats.inc_value("newsarchive/known_skipped")
            return None
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        self.crawler.stats.inc_value("newsarchive/revisited")
        return scrapy.Request(url, headers=headers, callback=self.parse_article, errback=self.article_failed,
                              meta={"handle_httpstatus_list": [304]})

    def parse_article(self, response: Response):
        if response.status == 304:
            yield NotModifiedItem(url=self.portal_url(response.url),
                                  fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
            return
        yield PageItem(
            url=self.portal_url(response.url),
            status=response.status,
            body=response.body,
            content_type=_header(response, b"Content-Type"),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            profile=self.profile.name,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            warc=response.meta.get("warc"),
            meta={"fetched_url": response.url},
        )

    def article_failed(self, failure):
        """A dead or unreachable article is a recorded failure, not a silent gap."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else f"{type(failure.value).__name__}: {failure.value}"
        self.crawler.stats.inc_value("newsarchive/article_fetch_failed")
        yield FailureItem(url=self.portal_url(request.url), stage="fetch", reason=reason)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
