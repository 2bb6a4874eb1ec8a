"""One spider class for every portal: what to fetch comes from the site profile, not from code.

List pages are walked through the profile's list selectors and pagination; links whose path matches one of the
profile's article schemes become article requests. Only article responses become items; everything else about
the portal (hosts, schemes, selectors) is data in ``crawler/profiles/<name>.json``.

Discovery does not hang on the list selectors alone (a redesign renames classes, not URLs): a list page whose
selectors find no article link is read by URL scheme instead (every ``a[href]`` whose path is an article scheme;
next pages from the links to the same list), a start path that is no list (the home page) is read the same way and
also gives the feeds it announces, and the profile's ``discovery`` section adds robots.txt ``Sitemap:`` lines and
sitemap paths (``crawler.discovery``). Each article URL is counted once, under how it was first found:
``newsarchive/discovered_by/<selectors|url_scheme|sitemap|feed>``. Every URL, however found, passes ``allows``.

Every link is canonicalised (``pipelines.urls.canonical_url``) before it becomes a request, so a share link with
tracking parameters is the same request, and the same record, as the plain link.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response

from crawler import discovery
from crawler.incremental import ArchiveState, Known
from crawler.items import FailureItem, NotModifiedItem, PageItem
from pipelines import markup_limits
from pipelines.profile import Profile, load_profile
from pipelines.urls import canonical_url


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
        # What the item pipelines load again: the name, or the path of a profile file outside crawler/profiles.
        self.profile_ref = profile or self.profile_name
        self.profile: Profile = load_profile(self.profile_ref)
        self.base_url = (base_url or self.profile.base_url).rstrip("/")
        base = urlsplit(self.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"base URL must be an http(s) URL with a host, not {base_url!r}")
        self.replaced = self.base_url != self.profile.base_url
        self.origin = (base.scheme, base.netloc.lower())
        self.full = False
        self.known_depth = 1
        self.listed: set[str] = set()
        self.catch_up = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("profile", crawler.settings.get("NEWSARCHIVE_PROFILE") or None)
        kwargs.setdefault("base_url", crawler.settings.get("NEWSARCHIVE_BASE_URL") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("NEWSARCHIVE_FULL")
        spider.known_depth = settings.getint("NEWSARCHIVE_KNOWN_PAGES_DEPTH", 1)
        if not spider.full:
            spider.state = ArchiveState(settings.get("NEWSARCHIVE_DB"),
                                        settings.getfloat("NEWSARCHIVE_REVISIT_DAYS", 3),
                                        give_up_after=settings.getint("NEWSARCHIVE_GIVE_UP_AFTER", 3))
            spider.catch_up_if(not spider.state.last_walk_complete(spider.profile.name))
        crawler.signals.connect(spider.release_state, signal=signals.spider_closed)
        return spider

    def catch_up_if(self, gap: bool) -> None:
        """A walk died or hit a limit part-way: pages past the first known one may still hold articles it never
        reached, so this walk pages every list to the end (known articles stay skipped). A fleet's workers all
        take the decision of the worker that started the fleet's walk (``FleetScheduler``)."""
        self.catch_up = bool(gap) and not self.full
        self.known_depth = 0 if self.catch_up else self.crawler.settings.getint("NEWSARCHIVE_KNOWN_PAGES_DEPTH", 1)

    @property
    def exhaustive(self) -> bool:
        """Whether this walk pages every list to its end: a catch-up or a full walk."""
        return self.full or self.catch_up

    def release_state(self, spider):
        if self.state is not None:
            self.state.close()

    # -- where we may go ---------------------------------------------------------------------------------------
    def allows(self, url: str) -> bool:
        """Only the profile's own schemes, hosts and ports (``Profile.allows_url``), or exactly the replacement
        origin when the portal is served elsewhere; a netloc that does not parse is refused, never collapsed."""
        if not self.replaced:
            return self.profile.allows_url(url)
        parts = urlsplit(url)
        try:
            parts.port
        except ValueError:
            return False
        return (parts.scheme, parts.netloc.lower()) == self.origin

    def portal_url(self, url: str) -> str:
        """The URL the portal itself gives this page, so records from a replica or mirror share the portal's ids."""
        if not self.replaced:
            return url
        parts = urlsplit(url)
        return self.profile.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    # -- crawling ----------------------------------------------------------------------------------------------
    async def start(self):
        if self.catch_up:
            self.crawler.stats.set_value("newsarchive/catch_up", 1)
        for path in self.profile.start_paths:
            if self.profile.is_list(path):
                yield self._list_request(self.base_url + path, {"front": True})
            else:  # the home page, or any hub that is no list: read by URL scheme
                yield scrapy.Request(self.base_url + path, callback=self.parse_hub, errback=self.list_failed,
                                     meta={"front": True})
        found = self.profile.discovery
        if found.get("robots_sitemaps"):
            yield scrapy.Request(self.base_url + "/robots.txt", callback=self.parse_robots,
                                 errback=self.discovery_failed)
        for path in found.get("sitemaps", ()):
            yield self._sitemap_request(self.base_url + path)

    def _list_request(self, url: str, meta: dict) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, errback=self.list_failed, meta=meta)

    def _sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.discovery_failed)

    def parse_list(self, response: Response):
        """Follow a list page's articles, and its next page unless the list ended or enough pages were known.

        A page that lists no article is a dead end, whose links are not followed: past the last page, or a trap
        (an endless calendar) whose pages only ever link to the next one. Read by URL scheme (its selectors found
        nothing), a page is also a dead end when every article it links was already met in this run: a page past
        the end whose sidebar repeats the same articles.
        """
        if not hasattr(response, "css"):
            self.logger.warning("list page %s is not HTML (%s)", response.url, response.headers.get("Content-Type"))
            return
        refused = markup_limits.problem(response.text)  # parsing it here would hold the reactor
        if refused:
            self.crawler.stats.inc_value("newsarchive/list_refused")
            yield FailureItem(url=self.portal_url(response.url), stage="list", reason=f"markup: {refused}")
            return
        item, link = self.profile.list.get("item"), self.profile.list.get("link")
        links = list(self._targets(response, response.css(f"{item} {link}::attr(href)").getall())) if item and link else []
        nxt = response.css(f"{self.profile.list['next']}::attr(href)").getall() if self.profile.list.get("next") else []
        how = "selectors"
        if any(self.profile.article_match(urlsplit(url).path) for url in links):
            self.crawler.stats.inc_value("newsarchive/lists_by_selectors")
            nxt = [u for u in self._targets(response, nxt) if self.profile.is_list(urlsplit(u).path)]
        else:
            how = "url_scheme"
            self.crawler.stats.inc_value("newsarchive/lists_by_url_scheme")
            if item and link:  # selectors that are there and matched nothing: drift (archive.drift)
                self.crawler.stats.inc_value("newsarchive/lists_selectors_missed")
            everything = list(self._targets(response, response.css("a[href]::attr(href)").getall()))
            key = self.profile.list_key(urlsplit(response.url).path)
            nxt = [u for u in everything if key is not None and self.profile.list_key(urlsplit(u).path) == key]
            links = [u for u in everything if self.profile.article_match(urlsplit(u).path)]
        listed = fresh = new = 0
        lists = []
        for url in links:
            path = urlsplit(url).path
            if self.profile.article_match(path):
                listed += 1
                new += self._listed(url, how, response.meta.get("front"))
                known = self.state.lookup(self.portal_url(url)) if self.state else None
                fresh += known is None or known.revisit  # a page with corrections still due is not "known" yet
                request = self._article_request(url, known)
                if request is not None:
                    yield request
            elif self.profile.is_list(path):
                lists.append(url)
        if not listed or (how == "url_scheme" and not new):
            self.crawler.stats.inc_value("newsarchive/lists_ended_empty")
            return
        for url in lists:
            yield self._list_request(url, {})
        streak = 0 if fresh else response.meta.get("known_streak", 0) + 1
        if streak and self.known_depth and streak >= self.known_depth and not self.full:
            self.crawler.stats.inc_value("newsarchive/lists_stopped_known")
            return
        for url in nxt:
            yield self._list_request(url, {"known_streak": streak})

    def parse_hub(self, response: Response):
        """A start page that is no list (the home page): its article links by URL scheme, every list it links
        (each walked as a list), and the feeds it announces."""
        if not hasattr(response, "css"):
            return
        for url in self._targets(response, response.css("a[href]::attr(href)").getall()):
            path = urlsplit(url).path
            if self.profile.article_match(path):
                yield from self._discovered(url, "url_scheme", response.meta.get("front"))
            elif self.profile.is_list(path):
                yield self._list_request(url, {})
        for url in self._targets(response, discovery.feed_links(response)):
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.discovery_failed)

    def parse_robots(self, response: Response):
        for url in self._targets(response, discovery.robots_sitemaps(response)):
            yield self._sitemap_request(url)

    def parse_sitemap(self, response: Response):
        """A sitemap's article URLs, or a sitemap index's sitemaps (read by ``scrapy.utils.sitemap``)."""
        kind, locs = discovery.sitemap_entries(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if kind is None:
            self.crawler.stats.inc_value("newsarchive/discovery_unreadable")
            return
        self.crawler.stats.inc_value("newsarchive/sitemaps_read")
        for url in self._targets(response, locs):
            if kind == "sitemapindex":
                yield self._sitemap_request(url)
            elif self.profile.article_match(urlsplit(url).path):
                yield from self._discovered(url, "sitemap")

    def parse_feed(self, response: Response):
        self.crawler.stats.inc_value("newsarchive/feeds_read")
        for url in self._targets(response, discovery.feed_entries(response)):
            if self.profile.article_match(urlsplit(url).path):
                yield from self._discovered(url, "feed")

    def discovery_failed(self, failure):
        """A missing sitemap or feed hides no page the lists do not also reach: counted, not a failure row."""
        self.crawler.stats.inc_value("newsarchive/discovery_unavailable")

    def _discovered(self, url: str, how: str, front: bool | None = None):
        """An article request for a URL found outside the list selectors, unless known (or already met)."""
        if not self._listed(url, how, front):
            return
        request = self._article_request(url, self.state.lookup(self.portal_url(url)) if self.state else None)
        if request is not None:
            yield request

    def _listed(self, url: str, how: str, front: bool | None) -> bool:
        """Count each article URL met once per run (known or not), under how it was first found: the run's health
        figures. True when the URL is new to this run."""
        if url in self.listed:
            return False
        self.listed.add(url)
        self.crawler.stats.inc_value("newsarchive/articles_listed")
        self.crawler.stats.inc_value(f"newsarchive/discovered_by/{how}")
        if front:
            self.crawler.stats.inc_value("newsarchive/front_page_articles")
        return True

    def _targets(self, response: Response, hrefs):
        """Absolute, canonical URLs of the links we may follow; the rest are counted and dropped."""
        for href in hrefs:
            try:
                link = urljoin(response.url, href.strip())
                url = canonical_url(link)
            except ValueError:  # a hostile or broken href ("http://[::1", a bad port) is no link at all
                self.crawler.stats.inc_value("newsarchive/bad_links")
                continue
            if self.allows(link) and self.allows(url):  # the link as written: canonical_url drops a bad port
                yield url
            else:
                self.crawler.stats.inc_value("newsarchive/offsite_links")

    def _article_request(self, url: str, known: Known | None) -> scrapy.Request | None:
        """A request for an article the archive lacks, a conditional one inside the revisit window, else None."""
        if known is None:
            return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                  meta={"article": True})
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
                              meta={"handle_httpstatus_list": [304], "article": True})

    def parse_article(self, response: Response):
        fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if response.status == 304:
            # Nothing to parse or clean: the archived version stands, only its last_seen moves.
            self.crawler.stats.inc_value("newsarchive/not_modified")
            yield NotModifiedItem(url=self.portal_url(response.url), fetched_at=fetched_at)
            return
        self.crawler.stats.inc_value("newsarchive/article_pages")
        yield PageItem(
            url=self.portal_url(response.url),
            status=response.status,
            body=response.body,
            content_type=_header(response, b"Content-Type"),
            fetched_at=fetched_at,
            profile=self.profile,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            warc=response.meta.get("warc"),
            meta={"fetched_url": response.url},
            aliases=self._aliases(response),
        )

    def _aliases(self, response: Response) -> list[str]:
        """The portal URLs that redirected to this page (the listed one first): the article's aliases."""
        target = canonical_url(self.portal_url(response.url))
        sources = (canonical_url(self.portal_url(url)) for url in response.meta.get("redirect_urls", ()))
        return list(dict.fromkeys(url for url in sources if url != target))

    def article_failed(self, failure):
        """A dead or unreachable article is a recorded failure, not a silent gap."""
        self.crawler.stats.inc_value("newsarchive/article_fetch_failed")
        yield FailureItem(url=self.portal_url(_asked(failure.request)), stage="fetch", reason=_reason(failure))

    def list_failed(self, failure):
        """A list page that cannot be fetched hides its articles from this run: record it, so the gap shows."""
        self.crawler.stats.inc_value("newsarchive/list_fetch_failed")
        yield FailureItem(url=self.portal_url(_asked(failure.request)), stage="list", reason=_reason(failure))


def _asked(request) -> str:
    """The URL the spider asked for, before any redirect: the one the failure belongs to."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _reason(failure) -> str:
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(failure.value).__name__}: {failure.value}"


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
