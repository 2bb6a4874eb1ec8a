"""crawler.discovery: what robots.txt, sitemaps (plain, gzipped, indexes) and feeds yield, on Scrapy responses."""

from __future__ import annotations

import gzip

from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from crawler import discovery

URLSET = (b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<url><loc>https://www.cbg.cn/show/705-1.html</loc></url><url><loc> https://www.cbg.cn/show/705-2.html "
          b"</loc><lastmod>2026-05-01</lastmod></url></urlset>")
INDEX = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         b"<sitemap><loc>https://www.cbg.cn/sitemaps/1.xml.gz</loc></sitemap></sitemapindex>")


def test_robots_sitemap_lines_are_absolute():
    robots = TextResponse("https://www.cbg.cn/robots.txt", body=b"User-agent: *\nDisallow: /search/\n"
                          b"Sitemap: https://www.cbg.cn/sitemap.xml\nSitemap: /news-sitemap.xml\n", encoding="utf-8")
    assert discovery.robots_sitemaps(robots) == ["https://www.cbg.cn/sitemap.xml", "https://www.cbg.cn/news-sitemap.xml"]


def test_sitemaps_plain_gzipped_and_indexes():
    assert discovery.sitemap_entries(XmlResponse("https://www.cbg.cn/sitemap.xml", body=URLSET), 10**6) == (
        "urlset", ["https://www.cbg.cn/show/705-1.html", "https://www.cbg.cn/show/705-2.html"])
    gz = XmlResponse("https://www.cbg.cn/sitemaps/1.xml.gz", body=gzip.compress(URLSET))
    assert discovery.sitemap_entries(gz, 10**6)[1][0] == "https://www.cbg.cn/show/705-1.html"
    assert discovery.sitemap_entries(XmlResponse("https://www.cbg.cn/sitemap.xml", body=INDEX), 10**6) == (
        "sitemapindex", ["https://www.cbg.cn/sitemaps/1.xml.gz"])


def test_what_is_no_sitemap_yields_nothing():
    page = HtmlResponse("https://www.cbg.cn/sitemap.xml", body=b"<html><body>404 Not Found</body></html>")
    assert discovery.sitemap_entries(page, 10**6) == (None, [])
    assert discovery.sitemap_entries(TextResponse("https://www.cbg.cn/s.xml", body=b"", encoding="utf-8"), 10**6) == (None, [])


def test_feeds_announced_by_a_page_and_their_entries():
    home = HtmlResponse("https://www.cbg.cn/", encoding="utf-8", body=(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="text/html" hreflang="en" href="/en/">'
        '<link rel="stylesheet alternate" type="application/atom+xml" href="/atom.xml"></head></html>').encode())
    assert discovery.feed_links(home) == ["/rss.xml", "/atom.xml"]
    rss = XmlResponse("https://www.cbg.cn/rss.xml", body=(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>视界网</title>'
        "<item><title>一</title><link>https://www.cbg.cn/show/705-1.html</link></item>"
        "<item><title>无链接</title></item></channel></rss>").encode())
    assert discovery.feed_entries(rss) == ["https://www.cbg.cn/show/705-1.html"]
    atom = XmlResponse("https://www.cbg.cn/atom.xml", body=(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        '<entry><title>二</title><link href="https://www.cbg.cn/show/705-2.html"/></entry></feed>').encode())
    assert discovery.feed_entries(atom) == ["https://www.cbg.cn/show/705-2.html"]
    assert discovery.feed_entries(HtmlResponse("https://www.cbg.cn/x", body=b"<html>not a feed</html>")) == []
