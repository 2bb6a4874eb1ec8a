"""Worker mode: the same spider and cleaning as a local crawl, with the frontier in Redis and records sent to a writer.

A local crawl stores envelopes in SQLite itself (``ArchivePipeline``). SQLite has one writer at a time and must not
sit on a network filesystem, so workers on many machines instead push each finished envelope, as JSON, onto one
Redis list that a single ``newsarchive writer`` drains (``archive.writer``). Requests and the seen-set are shared
through scrapy-redis with ``crawler.redis_scheduler.FleetScheduler``. ``docs/distributed.md`` has the topology.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass

from scrapy.utils.asyncio import sleep
from scrapy_redis.connection import get_redis_from_settings

from archive.writer import envelope_key
from crawler import settings as project_settings

DEFAULT_PREFIX = "newsarchive"
PIPELINE = "crawler.distributed.RedisEnvelopePipeline"
LOCAL_PIPELINE = "crawler.pipelines.ArchivePipeline"


@dataclass(frozen=True)
class FleetKeys:
    """Redis keys of one profile's crawl; the envelope list is shared by every profile feeding one archive."""

    requests: str
    seen: str
    workers: str
    walk: str
    envelopes: str


def fleet_keys(profile: str, prefix: str = DEFAULT_PREFIX) -> FleetKeys:
    base = f"{prefix}:{profile}"
    return FleetKeys(requests=f"{base}:requests", seen=f"{base}:seen", workers=f"{base}:workers",
                     walk=f"{base}:walk", envelopes=envelope_key(prefix))


def redis_overrides(redis_url: str, profile: str, prefix: str = DEFAULT_PREFIX) -> dict:
    """Scrapy settings that turn ``run_crawl`` into a worker of the fleet at ``redis_url`` (e.g. redis://h:6379/0).

    The profile is a name or a JSON path; keys use its file stem so that every worker of one portal shares them.
    """
    name = profile.rsplit("/", 1)[-1].removesuffix(".json")
    keys = fleet_keys(name, prefix)
    pipelines = {**project_settings.ITEM_PIPELINES, LOCAL_PIPELINE: None, PIPELINE: 800}
    return {
        "SCHEDULER": "crawler.redis_scheduler.FleetScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # Keys contain no %(spider)s: the spider name is the same ("portal") for every profile.
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        # The fleet, not each worker, decides when the run's keys go (see FleetScheduler).
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": pipelines,
        "NEWSARCHIVE_REDIS_WORKERS_KEY": keys.workers,
        "NEWSARCHIVE_REDIS_WALK_KEY": keys.walk,
        "NEWSARCHIVE_REDIS_ENVELOPES": keys.envelopes,
    }


def to_json(envelope: dict) -> str:
    """An envelope as one JSON text, with a unique id; dataclasses inside (a WARC pointer) become objects."""
    return json.dumps({**envelope, "id": envelope.get("id") or uuid.uuid4().hex}, ensure_ascii=False,
                      default=_plain)


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class RedisEnvelopePipeline:
    """Push each envelope (what ``CleanPipeline`` made) onto the writer's list, in place of ``ArchivePipeline``.

    While the list holds more than ``NEWSARCHIVE_REDIS_MAX_ENVELOPES`` (the writer is down or slow), the worker waits
    before pushing, which stalls its scraper and then its downloads: Redis memory stays bounded, and nothing is dropped.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.key = crawler.settings.get("NEWSARCHIVE_REDIS_ENVELOPES")
        self.limit = crawler.settings.getint("NEWSARCHIVE_REDIS_MAX_ENVELOPES", 50_000)
        self.wait = crawler.settings.getfloat("NEWSARCHIVE_REDIS_BACKLOG_WAIT", 0.5)
        self.backlog = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        if not isinstance(item, dict) or "kind" not in item:
            return item
        if self.limit and self.backlog >= self.limit:
            self.crawler.stats.inc_value("newsarchive/backlog_waits")
            while self.server.llen(self.key) >= self.limit:
                await sleep(self.wait)
        # LPUSH answers the list's length, so the backlog is known without another round trip.
        self.backlog = self.server.lpush(self.key, to_json(item))
        self.crawler.stats.inc_value("newsarchive/pushed")
        self.crawler.stats.inc_value(f"newsarchive/pushed/{item['kind']}")
        return item

