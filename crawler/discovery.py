"""Ways to find article URLs that do not depend on a list page's CSS selectors: sitemaps, feeds and URL schemes.

A redesign renames classes; it rarely changes URLs (the portal's URL schemes are confirmed from real links) and it
keeps its sitemaps and feeds, which exist for search engines and readers. These helpers only parse: the spider
decides what to request, and every URL they return still goes through the spider's host allow-list and the
profile's URL schemes. Sitemaps are read with Scrapy's own sitemap machinery (``scrapy.utils.sitemap``, as
``SitemapSpider`` does) and feeds with ``feedparser``; neither is a hand-written XML walker.
"""

from __future__ import annotations

import feedparser
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

# <link rel="alternate"> types that announce a feed on an HTML page.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
FEED_LINKS = "link[rel~=alternate][href]"


def robots_sitemaps(response: Response) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, absolute."""
    return list(sitemap_urls_from_robots(response.body, base_url=response.url))


def sitemap_entries(response: Response, max_size: int) -> tuple[str | None, list[str]]:
    """``(type, locs)`` of a sitemap (``urlset``) or sitemap index (``sitemapindex``), gzipped or not; ``(None, [])``
    when the body is no sitemap (an HTML 404 page served with status 200, say)."""
    body = response.body
    if gzip_magic_number(response):
        body = gunzip(body, max_size=max_size)
    try:
        sitemap = Sitemap(body)
    except Exception:  # noqa: BLE001 - lxml raises several types on a body that is no XML at all
        return None, []
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None, []
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def feed_links(response: Response) -> list[str]:
    """The feeds an HTML page announces (``<link rel="alternate" type="application/rss+xml" href=…>``)."""
    if not hasattr(response, "css"):
        return []
    return [link.attrib["href"] for link in response.css(FEED_LINKS)
            if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES]


def feed_entries(response: Response) -> list[str]:
    """The entry links of an RSS or Atom feed (empty for anything feedparser cannot read as a feed)."""
    parsed = feedparser.parse(response.body, response_headers={"content-location": response.url})
    links = []
    for entry in parsed.entries:
        if entry.get("link"):
            links.append(entry["link"])
    return links
