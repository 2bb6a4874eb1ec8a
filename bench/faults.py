"""Crawl throughput under HTTP faults (issue 6), beside a clean crawl of the same replica, in the same run.

Each fault-mode crawl gets a fresh server, because transient faults fail only the first requests for a path in a
server's life. Most of the difference is politeness, not waste: every ``429 Retry-After: 1`` holds the whole host
for a second (``RetryAfterMiddleware``), and hanging responses cost ``DOWNLOAD_TIMEOUT`` each (printed with the
result, since the figure depends on it).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from bench.crawl import _timed
from replica import ReplicaServer

ARTICLES = 1000
REPEATS = 3
TIMEOUT_S = 5


def _crawl(server: ReplicaServer, db: Path) -> tuple[float, int]:
    command = [sys.executable, "-m", "newsarchive", "crawl", "--base-url", server.base_url, "--db", str(db),
               "-s", "LOG_LEVEL=ERROR", "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT_S}"]
    return _timed(command, server.base_url)


def run(articles: int = ARTICLES, repeats: int = REPEATS) -> list[str]:
    clean, faulty = [], []
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(articles=articles, seed=3) as server:
        for i in range(repeats):
            seconds, pages = _crawl(server, Path(tmp) / f"clean{i}.db")
            clean.append((pages / seconds, pages, seconds))
            with ReplicaServer(articles=articles, seed=3, http_faults=True, hang_seconds=60) as broken:
                seconds, pages = _crawl(broken, Path(tmp) / f"faults{i}.db")
            faulty.append((pages / seconds, pages, seconds))
    ours, ours_s = statistics.median(r[0] for r in clean), statistics.median(r[2] for r in clean)
    worse, worse_s = statistics.median(r[0] for r in faulty), statistics.median(r[2] for r in faulty)
    return [
        f"replica of {articles} articles, median of {repeats} runs each (process start included), "
        f"DOWNLOAD_TIMEOUT={TIMEOUT_S} s",
        f"clean crawl:      {ours:8.1f} pages/s ({clean[0][1]} requests, {ours_s:.1f} s)",
        f"fault-mode crawl: {worse:8.1f} pages/s ({faulty[0][1]} requests incl. retries, {worse_s:.1f} s)",
        f"ratio faults/clean: {worse / ours:.2f}",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
