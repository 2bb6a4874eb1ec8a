"""One polite fetch of one page, outside a crawl: what ``newsarchive profile check`` and ``profile new`` use.

Starting Scrapy's reactor for a single page would be heavy, so this is a plain HTTP GET held to the crawl's own
rules: only the profile's hosts (or a loopback replica), redirects included; robots.txt obeyed (read with Protego,
Scrapy's parser); the User-Agent with the operator's contact, required for any site that is not loopback
(``crawler.contact``); the crawl's size cap and timeout; and at least the crawl's delay (or robots.txt's
Crawl-delay) between two requests to one host, so a list of URLs is fetched one at a time.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler import settings as defaults
from crawler.contact import require_contact, resolve_contact, user_agent
from crawler.runner import is_loopback


class FetchRefused(ValueError):
    """The URL may not be fetched (foreign host, robots.txt, no contact) or could not be; the message says why."""


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str | None
    body: bytes


class _Guard(urllib.request.HTTPRedirectHandler):
    def __init__(self, allowed):
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.allowed(newurl):
            raise FetchRefused(f"redirect to {newurl} leaves the profile's hosts")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class PoliteFetcher:
    """Fetch pages of one profile's site, one at a time, as ``newsarchive crawl`` would."""

    def __init__(self, profile, contact: str | None = None, *, timeout: float = defaults.DOWNLOAD_TIMEOUT,
                 max_bytes: int = defaults.DOWNLOAD_MAXSIZE, delay: float = defaults.DOWNLOAD_DELAY):
        self.profile = profile
        self.contact = resolve_contact(contact)
        self.timeout, self.max_bytes, self.delay = timeout, max_bytes, delay
        self.agent = user_agent(defaults.USER_AGENT, self.contact)
        self.robots: dict[str, Protego] = {}
        self.last: dict[str, float] = {}
        self.opener = urllib.request.build_opener(_Guard(self.allows))

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        try:
            host = parts.hostname
        except ValueError:
            return False
        return is_loopback(url) or self.profile.allows_host(host)

    def _get(self, url: str) -> Fetched:
        origin = "{0}://{1}".format(*urlsplit(url)[:2])
        wait = self.last.get(origin, 0) + self._delay(origin) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.agent})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                status, content_type, final = response.status, response.headers.get("Content-Type"), response.url
        except urllib.error.HTTPError as exc:
            body, status, content_type, final = exc.read(self.max_bytes + 1), exc.code, exc.headers.get("Content-Type"), url
        except (urllib.error.URLError, OSError) as exc:
            raise FetchRefused(f"{url}: {getattr(exc, 'reason', exc)}") from None
        finally:
            self.last[origin] = time.monotonic()
        if len(body) > self.max_bytes:
            raise FetchRefused(f"{url}: larger than {self.max_bytes} bytes")
        return Fetched(final, status, content_type, body)

    def _delay(self, origin: str) -> float:
        parser = self.robots.get(origin)
        robots_delay = parser.crawl_delay(self.agent) if parser is not None else None
        return 0.0 if is_loopback(origin) else max(self.delay, robots_delay or 0.0)

    def _robots(self, origin: str) -> Protego:
        if origin not in self.robots:
            answer = self._get(origin + "/robots.txt")
            text = answer.body.decode("utf-8", errors="replace") if answer.status == 200 else ""
            self.robots[origin] = Protego.parse(text)
        return self.robots[origin]

    def fetch(self, url: str) -> Fetched:
        if not self.allows(url):
            raise FetchRefused(f"{url} is not on the profile's hosts ({', '.join(self.profile.hosts)})")
        if not is_loopback(url):
            require_contact(self.contact)
        origin = "{0}://{1}".format(*urlsplit(url)[:2])
        if not self._robots(origin).can_fetch(url, self.agent):
            raise FetchRefused(f"robots.txt of {origin} forbids {url}")
        answer = self._get(url)
        if answer.status != 200:
            raise FetchRefused(f"{url}: HTTP {answer.status}")
        return answer
