"""Kill-9 soak (``make soak``): a fleet, its writer and a local crawl on one archive, killed and restarted at random.

Not part of the test suite (it takes minutes, and needs Redis at ``$NEWSARCHIVE_TEST_REDIS`` or 127.0.0.1:6379).
Against one replica of 2,000 articles:

1. a clean single-process crawl makes the reference archive;
2. three workers, the writer and a local crawl all work on the soak archive while, every few seconds, one of
   them is sent SIGKILL and restarted a moment later (a process that ended on its own is restarted too);
3. then the kills stop, and the runs an operator would schedule next go to their end: one fleet run (three
   workers and the writer) and one local run, with no ``--full``.

The soak archive must then hold exactly the reference's articles, field for field, with no article stored
twice and none missing. It prints the figures and exits 1 when the archives differ.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis

from replica.server import ReplicaServer

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("NEWSARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
FIELDS = ("url", "title", "published_at", "source", "author", "editor", "section", "body", "content_hash")
# A fleet that notices the end of a run within seconds (the production defaults wait 10 s).
FAST = ("NEWSARCHIVE_REDIS_IDLE_CLOSE=1.5", "NEWSARCHIVE_REDIS_ALIVE=1.0", "NEWSARCHIVE_REDIS_POLL=0.1")
CLI = [sys.executable, "-m", "newsarchive"]


class Soak:
    def __init__(self, base_url: str, db: Path, logs: Path, prefix: str, seed: int):
        self.base_url, self.db, self.logs, self.prefix = base_url, db, logs, prefix
        self.rng = random.Random(seed)
        self.processes: dict[str, subprocess.Popen] = {}
        self.kills = self.restarts = 0
        self.starts: dict[str, int] = {}

    def command(self, name: str) -> list[str]:
        if name == "writer":
            return [*CLI, "writer", "--redis", REDIS_URL, "--prefix", self.prefix, "--db", str(self.db)]
        if name == "local":
            return [*CLI, "crawl", "--base-url", self.base_url, "--db", str(self.db), "-s", "LOG_LEVEL=INFO"]
        fast = [arg for setting in FAST for arg in ("-s", setting)]
        return [*CLI, "crawl", "--redis", REDIS_URL, "--redis-prefix", self.prefix, "--base-url", self.base_url,
                "--db", str(self.db), "-s", "LOG_LEVEL=INFO", *fast]

    def start(self, name: str) -> subprocess.Popen:
        self.starts[name] = self.starts.get(name, 0) + 1
        log = (self.logs / f"{name}-{self.starts[name]:03d}.log").open("wb")
        process = subprocess.Popen(self.command(name), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def alive(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is None]

    def chaos(self, seconds: float, names: list[str]) -> None:
        """Kill one live process every 2-6 s and restart whatever is not running, for ``seconds``."""
        for name in names:
            self.start(name)
        end = time.monotonic() + seconds
        next_kill = time.monotonic() + self.rng.uniform(2, 6)
        restart_at: dict[str, float] = {}
        while time.monotonic() < end:
            time.sleep(0.2)
            now = time.monotonic()
            if now >= next_kill and self.alive():
                victim = self.rng.choice(self.alive())
                self.processes[victim].send_signal(signal.SIGKILL)
                self.processes[victim].wait(10)
                self.kills += 1
                next_kill = now + self.rng.uniform(2, 6)
            for name in names:  # killed, finished, or (the writer) refused by its dead predecessor's lock: again
                if self.processes[name].poll() is None:
                    continue
                if name not in restart_at:
                    restart_at[name] = now + self.rng.uniform(0.5, 3.0)
                elif now >= restart_at[name]:
                    del restart_at[name]
                    self.start(name)
                    self.restarts += 1
        for name in self.alive():  # the last kills: nobody is stopped gracefully here
            self.processes[name].send_signal(signal.SIGKILL)
            self.processes[name].wait(10)
            self.kills += 1

    def wait(self, names: list[str], timeout: float = 300) -> None:
        for name in names:
            code = self.processes[name].wait(timeout)
            if code != 0:
                raise SystemExit(f"soak: {name} exited {code}; see {self.logs}")


def drained(server: redis.Redis, prefix: str) -> bool:
    key = f"{prefix}:envelopes"
    return server.llen(key) == 0 and server.llen(key + ":processing") == 0


def articles(db: Path) -> dict[str, tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[0]: row[1:] for row in con.execute(f"select id, {', '.join(FIELDS)} from articles")}
    finally:
        con.close()


def duplicates(db: Path) -> int:
    """Records stored more than once: a second row for one URL, or a version kept although nothing changed."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (rows,) = con.execute("select count(*) - count(distinct url) from articles").fetchone()
        (versions,) = con.execute("select count(*) from article_versions").fetchone()
        return rows + versions
    finally:
        con.close()


def run(articles_n: int, seconds: float, seed: int, keep: str | None = None) -> int:
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.RedisError as exc:
        print(f"soak: Redis is not reachable at {REDIS_URL} ({exc}); the soak needs a live server", file=sys.stderr)
        return 2
    prefix = f"soak-{uuid.uuid4().hex[:10]}"
    started = time.monotonic()
    with ReplicaServer(articles=articles_n, seed=seed) as replica, tempfile.TemporaryDirectory() as scratch:
        tmp = Path(keep or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        reference = tmp / "reference.db"
        subprocess.run([*CLI, "crawl", "--base-url", replica.base_url, "--db", str(reference), "-s", "LOG_LEVEL=ERROR"],
                       cwd=ROOT, check=True, capture_output=True)
        reference_s = time.monotonic() - started
        soak = Soak(replica.base_url, tmp / "soak.db", tmp, prefix, seed)
        try:
            workers = [f"worker{i}" for i in range(3)]
            soak.chaos(seconds, [*workers, "writer", "local"])
            # The next scheduled runs, undisturbed: a fleet run with its writer, then a local run.
            writer = soak.start("writer")
            for name in workers:
                soak.start(name)
            soak.wait(workers)
            deadline = time.monotonic() + 120
            while not drained(server, prefix) and time.monotonic() < deadline:
                if writer.poll() is not None:  # it found the killed writer's lock (30 s): try again
                    time.sleep(2)
                    writer = soak.start("writer")
                time.sleep(0.2)
            writer.send_signal(signal.SIGTERM)
            writer.wait(60)
            soak.start("local")
            soak.wait(["local"])
            expected, got = articles(reference), articles(soak.db)
            missing = len(expected.keys() - got.keys())
            extra = len(got.keys() - expected.keys())
            differ = sum(1 for key in expected.keys() & got.keys() if expected[key] != got[key])
            dupes = duplicates(soak.db)
        finally:
            for name in soak.alive():
                soak.processes[name].kill()
                soak.processes[name].wait(10)
            keys = list(server.scan_iter(match=f"{prefix}:*"))
            if keys:
                server.delete(*keys)
        identical = missing == extra == differ == dupes == 0
        print(f"replica of {articles_n} articles; reference crawl {reference_s:.0f} s; chaos {seconds:.0f} s "
              f"(3 workers, the writer, a local crawl); total {time.monotonic() - started:.0f} s")
        print(f"kills {soak.kills}, restarts {soak.restarts}, articles {len(got)} (reference {len(expected)}), "
              f"duplicates {dupes}, missing {missing}, extra {extra}, differing {differ}")
        print("archive identical to the clean single-process crawl" if identical else "ARCHIVES DIFFER")
        return 0 if identical else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=90, help="how long the kills go on")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="keep the archives and the processes' logs in DIR")
    args = parser.parse_args()
    sys.exit(run(args.articles, args.seconds, args.seed, args.keep))


if __name__ == "__main__":
    main()
