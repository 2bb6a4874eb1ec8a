"""End-to-end crawl throughput (pages/s) on the replica, beside a bare Scrapy spider over the same pages, and the
cost of syncing every WARC record to disk before the commit that points at it (``NEWSARCHIVE_WARC_FSYNC``)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from replica.server import serve

ARTICLES = 2000
REPEATS = 3

BARE = """
import sys
from scrapy.crawler import CrawlerProcess
from crawler.runner import crawl_settings
from bench.bare_spider import BareSpider
settings = crawl_settings(profile="cbg", db=sys.argv[2], base_url=sys.argv[1], overrides={"LOG_LEVEL": "ERROR"})
settings.set("ITEM_PIPELINES", {}, priority="cmdline")
settings.set("EXTENSIONS", {}, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl(BareSpider, base_url=sys.argv[1])
process.start()
"""


def _pages(base_url: str) -> int:
    with urlopen(f"{base_url}/_truth/stats.json") as response:
        return json.load(response)["total"]


def _reset(base_url: str) -> None:
    urlopen(f"{base_url}/_truth/reset").read()


def _timed(command: list[str], base_url: str) -> tuple[float, int]:
    _reset(base_url)
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - started, _pages(base_url)


def run(articles: int = ARTICLES, repeats: int = REPEATS) -> list[str]:
    lines = []
    ours, unsynced, bare = [], [], []
    with serve(articles=articles, seed=3) as base_url, tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            db = str(Path(tmp) / f"bench{i}.db")
            crawl = [sys.executable, "-m", "newsarchive", "crawl", "--base-url", base_url, "-s", "LOG_LEVEL=ERROR"]
            seconds, pages = _timed([*crawl, "--db", db], base_url)
            ours.append(pages / seconds)
            seconds, pages = _timed([*crawl, "--db", str(Path(tmp) / f"nosync{i}.db"),
                                     "-s", "NEWSARCHIVE_WARC_FSYNC=0"], base_url)
            unsynced.append(pages / seconds)
            seconds, pages_bare = _timed([sys.executable, "-c", BARE, base_url, db], base_url)
            bare.append(pages_bare / seconds)
    ours_m, bare_m = statistics.median(ours), statistics.median(bare)
    lines.append(f"replica of {articles} articles, {pages} pages per crawl, median of {repeats} runs (process start included)")
    lines.append(f"newsarchive crawl (fetch+decode+repair+extract+archive): {ours_m:8.1f} pages/s")
    lines.append(f"bare Scrapy spider (fetch only):                          {bare_m:8.1f} pages/s")
    lines.append(f"ratio ours/bare: {ours_m / bare_m:.2f}")
    unsynced_m = statistics.median(unsynced)
    lines.append(f"newsarchive crawl, WARC not fsynced (NEWSARCHIVE_WARC_FSYNC=0): {unsynced_m:8.1f} pages/s")
    lines.append(f"ratio fsynced/not fsynced: {ours_m / unsynced_m:.2f}")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
