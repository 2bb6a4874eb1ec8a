"""Run a crawl in this process, the way ``newsarchive crawl`` and ``newsarchive demo`` do.

Settings come from ``crawler.settings`` (the same ones ``scrapy crawl`` uses) plus the command's overrides.
A Twisted reactor cannot be restarted, so one process runs one crawl.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.contact import require_contact, resolve_contact, user_agent

# A loopback replica is ours to load; the live portal's politeness settings would only make tests and demos slow.
REPLICA_OVERRIDES = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


class BadBaseURL(ValueError):
    pass


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash, or BadBaseURL saying what is wrong with it."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https"):
        raise BadBaseURL(f"--base-url must start with http:// or https://, got {base_url!r}")
    if not parts.hostname:
        raise BadBaseURL(f"--base-url has no host: {base_url!r}")
    try:
        parts.port
    except ValueError as exc:
        raise BadBaseURL(f"--base-url has a bad port: {base_url!r}") from exc
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BadBaseURL(f"--base-url must be an origin such as http://127.0.0.1:8000, got {base_url!r}")
    return base_url.rstrip("/")


def is_loopback(base_url: str | None) -> bool:
    host = urlsplit(base_url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_settings(*, profile: str, db: str, base_url: str | None = None, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSARCHIVE_PROFILE", profile, priority="cmdline")
    settings.set("NEWSARCHIVE_DB", str(db), priority="cmdline")
    if base_url:
        settings.set("NEWSARCHIVE_BASE_URL", base_url, priority="cmdline")
        if is_loopback(base_url):
            settings.setdict(REPLICA_OVERRIDES, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    contact = resolve_contact(settings.get("NEWSARCHIVE_CONTACT"))
    settings.set("NEWSARCHIVE_CONTACT", contact or "", priority="cmdline")
    settings.set("USER_AGENT", user_agent(settings.get("USER_AGENT"), contact), priority="cmdline")
    return settings


def run_options(profile, base_url: str | None, spider: str = "portal", extra: dict | None = None) -> dict:
    """What a crawl run records as its options (``crawl_runs.options``): runs with equal options are compared by
    ``archive.health``. ``profile`` is the loaded profile; ``extra`` is the NEWSARCHIVE_RUN_OPTIONS setting (the
    demo marks its runs so)."""
    return {"spider": spider, "profile": profile.name, "base_url": (base_url or profile.base_url).rstrip("/"),
            **(extra or {})}


def run_crawl(*, spider: str = "portal", profile: str = "cbg", db: str, base_url: str | None = None,
              overrides: dict | None = None) -> str | None:
    """Crawl until done; the spider's close reason (finished, shutdown, closespider_…), None if it never opened.
    A site that is not a loopback replica needs a contact (crawler.contact.BadContact)."""
    settings = crawl_settings(profile=profile, db=db, base_url=base_url, overrides=overrides)
    if not is_loopback(base_url):
        require_contact(settings.get("NEWSARCHIVE_CONTACT"))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler)
    process.start()
    return crawler.stats.get_value("finish_reason")
