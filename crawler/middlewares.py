"""Downloader middlewares: where the crawl may go, and how fast."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.asyncio import sleep
from twisted.internet.error import DNSLookupError

from crawler.resolver import REFUSED, public_only, refused_address
from pipelines.urls import canonical_url


class HostGuardMiddleware:
    """Refuse every request outside the spider's allowed origins.

    Scrapy's offsite filtering compares host names only and is bypassed by redirects to other ports or schemes;
    a crawler that follows a link to ``http://169.254.169.254/`` or ``file://`` from a hostile page must not
    send it. This runs for every request, redirects included, and asks the spider (which knows its profile):
    the profile's schemes, hosts and ports only. Outside a loopback replica it also refuses IP literals of
    loopback, link-local and private addresses; names are checked by ``crawler.resolver`` when the crawl connects.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.public_only = public_only(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        allows = getattr(spider, "allows", None)
        if allows is not None and not allows(request.url):
            self.crawler.stats.inc_value("newsarchive/offsite_refused")
            raise IgnoreRequest(f"outside the profile's hosts: {request.url}")
        kind = self.public_only and _literal_kind(request.url)
        if kind:  # an IP literal never reaches the resolver, which checks names at connect time
            self.crawler.stats.inc_value("newsarchive/offsite_refused")
            raise IgnoreRequest(f"a {kind} address: {request.url}")
        return None

    def process_exception(self, request, exception):
        """A connection the resolver refused fails with the refusal's reason, not Twisted's "no results"."""
        reason = REFUSED.get(urlsplit(request.url).hostname or "")
        if reason and isinstance(exception, (DNSLookupError, CannotResolveHostError)):
            self.crawler.stats.inc_value("newsarchive/address_refused")
            raise IgnoreRequest(reason)
        return None


def _literal_kind(url: str) -> str | None:
    """The kind of non-public address a URL's host is, when the host is an IP literal."""
    try:
        return refused_address(urlsplit(url).hostname or "")
    except ValueError:  # a name, not an address: the resolver checks it when the crawl connects
        return None


class RedirectLoopMiddleware:
    """End a redirect cycle at once, as a failure that names it.

    Scrapy follows ``A → B → A`` until its dupe filter silently drops the second ``A``: the request then
    vanishes without calling its errback, so the article would be neither archived nor recorded. Placed after
    ``RedirectMiddleware`` (600), this sees the 3xx first and raises ``IgnoreRequest``, which reaches the errback.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        location = response.headers.get(b"Location")
        if not 300 <= response.status < 400 or not location:
            return response
        target = canonical_url(urljoin(request.url, location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical_url(url) for url in chain}:
            self.crawler.stats.inc_value("newsarchive/redirect_loops")
            raise IgnoreRequest(f"redirect loop: {' -> '.join(chain)} -> {target}")
        return response


class ArticleRedirectMiddleware:
    """Let the redirect of a listed article reach its target even when the target was requested already.

    A listed URL that redirects to an address also listed would be dropped by the duplicate filter with no record,
    and the listed URL would never be known as the article's alias (``archive.aliases``): every run would fetch it
    again. Placed after ``RedirectMiddleware`` (600), this sees the 3xx first and marks the request, whose copy
    (the redirect) then skips the filter. The target is at worst fetched twice in that run; loops are ended by
    ``RedirectLoopMiddleware`` and chains by ``REDIRECT_MAX_TIMES``.
    """

    def process_response(self, request, response):
        if 300 <= response.status < 400 and request.meta.get("article"):
            request.dont_filter = True
        return response


class HostClock:
    """The earliest moment the next request may go to each host; requests wait for it, without blocking others."""

    def __init__(self):
        self.not_before: dict[str, float] = {}

    def hold(self, netloc: str, until: float) -> None:
        self.not_before[netloc] = max(self.not_before.get(netloc, 0.0), until)

    async def wait(self, netloc: str, spacing: float = 0.0) -> None:
        """Wait for the host's turn; with ``spacing``, also push the next turn that far after this one."""
        now = time.monotonic()
        at = max(now, self.not_before.get(netloc, 0.0))
        if spacing:
            self.not_before[netloc] = at + spacing
        if at > now:
            await sleep(at - now)


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
        self.clock = HostClock()

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
        parts = urlsplit(request.url)
        delay = self.delays.get(parts.netloc)
        if delay and parts.path != "/robots.txt":
            await self.clock.wait(parts.netloc, delay)
        return None


class RetryAfterMiddleware:
    """Back off from a host that answered 429 or 503 with ``Retry-After``, instead of retrying at once.

    Scrapy's ``RetryMiddleware`` re-queues a 429 immediately. Placed after it (550), this sees the answer first
    and holds every request to that host until the server's time is up, capped by
    ``NEWSARCHIVE_RETRY_AFTER_MAX`` so that a hostile value cannot stall an hourly run; a 429 without the header
    waits ``NEWSARCHIVE_RETRY_AFTER_DEFAULT``.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 120.0)
        self.default = crawler.settings.getfloat("NEWSARCHIVE_RETRY_AFTER_DEFAULT", 5.0)
        self.clock = HostClock()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status not in (429, 503):
            return response
        delay = retry_after(response.headers.get(b"Retry-After"))
        if delay is None and response.status == 429:
            delay = self.default
        if delay:
            self.clock.hold(urlsplit(request.url).netloc, time.monotonic() + min(delay, self.cap))
            self.crawler.stats.inc_value("newsarchive/retry_after")
        return response

    async def process_request(self, request):
        await self.clock.wait(urlsplit(request.url).netloc)
        return None


def retry_after(value: bytes | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
