"""Distributed crawl throughput (pages/s) with 1, 2 and 3 worker processes and one writer on the same replica.

Each figure runs from launching the workers until the writer has stored the last record, process start included,
so it is what an operator would see; figures are also given as ratios to 1 worker, measured in the same run.
On one machine the workers share its cores with the writer and the replica, which caps the scaling.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.request import urlopen

import redis

from archive.writer import envelope_key
from replica.server import serve

ARTICLES = 600
REPEATS = 2
FLEETS = (1, 2, 3)
REDIS_URL = os.environ.get("NEWSARCHIVE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent
WORKER = """
import json, sys
from crawler.distributed import redis_overrides
from crawler.runner import run_crawl
base_url, redis_url, prefix, db = sys.argv[1:5]
overrides = {**redis_overrides(redis_url, "cbg", prefix=prefix), "LOG_LEVEL": "ERROR",
             "NEWSARCHIVE_REDIS_IDLE_CLOSE": 0.5, "NEWSARCHIVE_REDIS_ALIVE": 0.5, "NEWSARCHIVE_REDIS_POLL": 0.1}
run_crawl(profile="cbg", db=db, base_url=base_url, overrides=overrides)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _crawl(base_url: str, client: redis.Redis, workers: int, tmp: Path) -> tuple[float, int, int, float]:
    """Seconds, pages fetched, articles stored and CPU seconds (workers and writer) of one fleet of ``workers``."""
    cpu = _children_cpu()
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    db = tmp / f"{prefix}.db"
    urlopen(f"{base_url}/_truth/reset").read()
    writer = subprocess.Popen([sys.executable, "-m", "newsarchive", "writer", "--redis", REDIS_URL, "--prefix", prefix,
                               "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        started = time.monotonic()
        fleet = [subprocess.Popen([sys.executable, "-c", WORKER, base_url, REDIS_URL, prefix, str(tmp / "absent.db")],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]
        for process in fleet:
            if process.wait() != 0:
                raise RuntimeError(f"a worker exited with {process.returncode}")
        key = envelope_key(prefix)
        while client.llen(key) or client.llen(key + ":processing"):
            time.sleep(0.02)
        seconds = time.monotonic() - started
        with urlopen(f"{base_url}/_truth/stats.json") as response:
            pages = json.load(response)["total"]
    finally:
        writer.send_signal(signal.SIGTERM)
        out, _ = writer.communicate(timeout=60)
        for stale in client.scan_iter(match=f"{prefix}:*"):
            client.delete(stale)
    return seconds, pages, json.loads(out).get("new", 0), _children_cpu() - cpu


def run(articles: int = ARTICLES, repeats: int = REPEATS) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        return [f"skipped: Redis is not reachable at {REDIS_URL} ({exc})"]
    rates: dict[int, list[float]] = {n: [] for n in FLEETS}
    cpu: dict[int, list[float]] = {n: [] for n in FLEETS}
    with serve(articles=articles, seed=3) as base_url, tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for workers in FLEETS:  # interleaved, so drift in the machine's load hits every fleet alike
                seconds, pages, stored, cpu_seconds = _crawl(base_url, client, workers, Path(tmp))
                if stored != articles:
                    raise RuntimeError(f"{workers} workers stored {stored} of {articles} articles")
                rates[workers].append(pages / seconds)
                cpu[workers].append(1000 * cpu_seconds / pages)
    base = statistics.median(rates[1])
    lines = [f"replica of {articles} articles, {pages} pages per crawl, one writer, median of {repeats} runs "
             f"(process start included), {os.cpu_count()} CPUs shared by workers, writer and replica"]
    for workers in FLEETS:
        rate = statistics.median(rates[workers])
        label = f"{workers} worker{'s' if workers > 1 else ' '}"
        lines.append(f"{label}: {rate:8.1f} pages/s   ratio to 1 worker: {rate / base:.2f}"
                     f"   CPU {statistics.median(cpu[workers]):.1f} ms/page (workers and writer, start-up included)")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
