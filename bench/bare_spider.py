"""The baseline for the crawl benchmark: a Scrapy spider that fetches the same pages as ours and does nothing.

It follows the same list selectors and article schemes from the same profile, with the same settings, but yields
no items: the difference to the real crawl is the cost of cleaning and archiving.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import scrapy

from pipelines.profile import load_profile


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, profile: str = "cbg", **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.profile = load_profile(profile)

    async def start(self):
        for path in self.profile.start_paths:
            yield scrapy.Request(self.base_url + path, callback=self.parse_list)

    def parse_list(self, response):
        selector = f"{self.profile.list['item']} {self.profile.list['link']}::attr(href), {self.profile.list['next']}::attr(href)"
        for href in response.css(selector).getall():
            url = urljoin(response.url, href)
            path = urlsplit(url).path
            if not url.startswith(self.base_url):
                continue
            if self.profile.article_match(path):
                yield scrapy.Request(url, callback=self.parse_article)
            elif self.profile.is_list(path):
                yield scrapy.Request(url, callback=self.parse_list)

    def parse_article(self, response):
        return None
