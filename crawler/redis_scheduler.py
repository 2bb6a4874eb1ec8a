"""The shared frontier of a distributed crawl: scrapy-redis's scheduler, adapted to Scrapy 2.19 and to a fleet.

scrapy-redis 0.9.1 queues, serialises and de-duplicates requests correctly on Scrapy 2.19, but its scheduler was
written for one process at a time, and that breaks a fleet of workers in three ways:

- With ``SCHEDULER_PERSIST`` off, every worker that closes deletes the queue and the seen-set under the others;
  with it on, both live for ever and the next run's start requests are filtered as duplicates, so nothing is
  crawled again.
- A worker closes as soon as the shared queue is empty, even while another is parsing a list page whose links
  it is about to push; a worker started a second late finds nothing to do and leaves.
- An idle worker looks at the queue only on the engine's 5 s heartbeat, so extra workers join late.

``FleetScheduler`` keeps a registry of workers in Redis (last heartbeat, last time busy). A worker stays open while
the queue holds requests or another worker was busy within ``NEWSARCHIVE_REDIS_IDLE_CLOSE`` seconds. The last
one out deletes the seen-set and the queue; a worker that opens to find no live worker and an empty queue starts
a new run and drops any seen-set left behind (by a fleet that was killed), while a non-empty queue is resumed.
So each run walks its start pages once, whichever worker seeds them, and the archive, not Redis, remembers what
is known across runs. Every run key carries a TTL refreshed by each heartbeat, so the keys of a fleet that died
all at once expire on their own. It also keeps scrapy-redis from passing ``spider=`` to the stats collector,
which Scrapy 2.19 deprecates.
"""

from __future__ import annotations

import os
import secrets
import socket

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed import to_json
from pipelines import envelope


# Atomic, so that two workers opening at once cannot both decide they start the run after the other seeded it.
# KEYS: workers, busy, queue, seen-set, walk. ARGV: now, alive since, worker, new walk id, exhaustive (0/1).
# A new run forgets the last run's seen-set and its dead workers, and opens a walk; a queue resumed without a walk
# record (it expired) opens one that is incomplete from the start. Answers {fresh, opened, walk id, exhaustive}.
JOIN = """
local alive = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
local fresh = alive == 0 and redis.call('EXISTS', KEYS[3]) == 0
local opened = 0
if fresh then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5])
end
if redis.call('EXISTS', KEYS[5]) == 0 then
  redis.call('HSET', KEYS[5], 'id', ARGV[4], 'exhaustive', ARGV[5])
  if not fresh then
    redis.call('HSET', KEYS[5], 'incomplete', 'resumed a queue without its walk record')
  end
  opened = 1
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
return {fresh and 1 or 0, opened, redis.call('HGET', KEYS[5], 'id'), redis.call('HGET', KEYS[5], 'exhaustive')}
"""


# Atomic too, so that exactly one worker is the last out, and one whose walk was closed under it (another worker
# took it for gone while it lagged, under load) says so. KEYS as JOIN; ARGV: worker, alive since, close reason,
# walk id. Answers {0, ""} (not last), {1, why incomplete or ""} (last out: the run's keys are gone) or
# {2, why} (this worker's walk had ended already, so the work it did since was not the walk's).
LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[5], 'id') ~= ARGV[4] then
  return {2, 'the run was closed while a worker still worked'}
end
if ARGV[3] ~= 'finished' then
  redis.call('HSETNX', KEYS[5], 'incomplete', 'a worker closed: ' .. ARGV[3])
  return {0, ''}
end
if redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf') > 0 or redis.call('ZCARD', KEYS[3]) > 0 then
  return {0, ''}
end
local lost = redis.call('HGET', KEYS[5], 'incomplete')
local dead = redis.call('ZCARD', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
if not lost and dead > 0 then
  lost = dead .. ' worker(s) died'
end
return {1, lost or ''}
"""


class FleetScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawler = crawler
        scheduler.stats = crawler.stats
        settings = crawler.settings
        scheduler.poll = settings.getfloat("NEWSARCHIVE_REDIS_POLL", 0.25)
        scheduler.idle_close = settings.getfloat("NEWSARCHIVE_REDIS_IDLE_CLOSE", 10.0)
        scheduler.alive = settings.getfloat("NEWSARCHIVE_REDIS_ALIVE", 3.0)
        scheduler.ttl = settings.getint("NEWSARCHIVE_REDIS_TTL", 86400)
        scheduler.workers_key = settings.get("NEWSARCHIVE_REDIS_WORKERS_KEY")
        scheduler.busy_key = scheduler.workers_key + ":busy"
        scheduler.walk_key = settings.get("NEWSARCHIVE_REDIS_WALK_KEY")
        scheduler.envelopes_key = settings.get("NEWSARCHIVE_REDIS_ENVELOPES")
        scheduler.walk = None
        scheduler.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        scheduler.loop = None
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- lifecycle -------------------------------------------------------------------------------------------
    def open(self, spider):
        super().open(spider)
        # Registered busy from the start: the others must not close while this one still reads its start requests.
        now = self._now()
        fresh, opened, walk, exhaustive = self.server.eval(
            JOIN, 5, self.workers_key, self.busy_key, self.queue.key, self.df.key, self.walk_key,
            now, now - self.alive, self.worker, secrets.token_hex(8), int(spider.exhaustive))
        self.walk = walk.decode()
        spider.logger.info("worker %s %s (walk %s)", self.worker,
                           "starts a new run" if fresh else "joins the running crawl", self.walk)
        # Every worker of a walk pages the lists the way the walk's first worker decided (see archive.walks).
        spider.catch_up_if(exhaustive == b"1")
        if opened:
            self._send(envelope.walk("start", self.walk, spider.profile.name, exhaustive=exhaustive == b"1"))
        self._beat(busy=True)
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(self.poll, now=False)

    def close(self, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.walk is None:  # closed before it opened: never joined the fleet
            return
        last, lost = self.server.eval(LEAVE, 5, self.workers_key, self.busy_key, self.queue.key, self.df.key,
                                      self.walk_key, self.worker, self._now() - self.alive, reason, self.walk)
        lost = lost.decode() if isinstance(lost, bytes) else lost
        if last:
            # Record how the walk ended; when this was the last worker out, the next run fetches its start pages again.
            self._send(envelope.walk("end", self.walk, self.spider.profile.name, complete=not lost,
                                     reason=lost or "finished"))
        if last == 1:
            self.spider.logger.info("last worker out: walk %s %s; cleared the run's queue and seen-set", self.walk,
                                    "incomplete" if lost else "complete")

    def _send(self, event: dict) -> None:
        """A walk event goes to the writer on the envelope list, like the pages' records."""
        self.server.lpush(self.envelopes_key, to_json(event))

    def _run_keys(self) -> tuple[str, ...]:
        return (self.queue.key, self.df.key, self.workers_key, self.busy_key, self.walk_key)

    def _now(self) -> float:
        """The Redis server's clock: workers on different machines need not agree on the time."""
        seconds, micros = self.server.time()
        return seconds + micros / 1e6

    def _beat(self, busy: bool) -> None:
        now = self._now()
        pipe = self.server.pipeline(transaction=False)
        pipe.zadd(self.workers_key, {self.worker: now})
        if busy:
            pipe.zadd(self.busy_key, {self.worker: now})
        for key in self._run_keys():
            pipe.expire(key, self.ttl)
        pipe.execute()

    def _tick(self) -> None:
        engine = self.crawler.engine
        try:
            idle = engine.spider_is_idle()
        except RuntimeError:  # the engine has no slot yet, or no more
            return
        self._beat(busy=not idle)
        # Pull work other workers queued, and re-check for closing, now rather than on the engine's 5 s heartbeat.
        # The engine offers no public call for this; without it the crawl still works, only slower to spread.
        slot = getattr(engine, "_slot", None)
        if slot is not None and not engine.needs_backout():
            slot.nextcall.schedule()

    def _others(self, key: str, window: float) -> list[bytes]:
        """The other workers whose score (heartbeat or busy time) is within the last ``window`` seconds."""
        recent = self.server.zrangebyscore(key, self._now() - window, "+inf")
        return [w for w in recent if (w.decode() if isinstance(w, bytes) else w) != self.worker]

    def spider_idle(self, spider):
        """Keep this worker open while the fleet may still produce requests."""
        if len(self.queue) or self._others(self.busy_key, self.idle_close):
            raise DontCloseSpider

    # -- queueing, as scrapy-redis does it, minus the deprecated stats call -----------------------------------
    def enqueue_request(self, request):
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        request = self.queue.pop(self.idle_before_close)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
