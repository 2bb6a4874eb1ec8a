"""Distributed crawling against the real Redis at 127.0.0.1:6379: worker processes, one writer, kills and restarts.

Each test uses its own key prefix and deletes its keys. Without Redis the tests skip, except under CI.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from newsarchive.cli import cli
from archive.writer import Writer, WriterBusy, envelope_key
from crawler.distributed import fleet_keys, redis_overrides, to_json
from crawler.runner import crawl_settings
from replica.server import serve

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("NEWSARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
BAD_RECORDS = json.loads((Path(__file__).parent / "cases" / "writer" / "bad_records.json").read_text(encoding="utf-8"))
FIELDS = ("url", "title", "published_at", "source", "author", "editor", "section", "body", "content_hash")
# Tests want a fleet that notices a finished run within a second or two, not the production 10 s.
FAST = {"NEWSARCHIVE_REDIS_IDLE_CLOSE": 1.5, "NEWSARCHIVE_REDIS_ALIVE": 1.0, "NEWSARCHIVE_REDIS_POLL": 0.1}
WORKER = """
import json, sys
from crawler.distributed import redis_overrides
from crawler.runner import run_crawl
base_url, redis_url, prefix, db, extra = sys.argv[1:6]
overrides = {**redis_overrides(redis_url, "cbg", prefix=prefix), "LOG_LEVEL": "INFO", **json.loads(extra)}
run_crawl(profile="cbg", db=db, base_url=base_url, overrides=overrides)
"""

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def server():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}): the distributed tests need a live server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


@contextmanager
def fresh_prefix(client):
    prefix = f"test-distributed-{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def prefix(server):
    with fresh_prefix(server) as name:
        yield name


@pytest.fixture(scope="module")
def replica():
    with serve(articles=80, seed=7) as base_url:
        yield base_url


# -- helpers ---------------------------------------------------------------------------------------------------
def start_worker(base_url, prefix, log: Path, extra=None, db: Path | None = None):
    # By default the worker's archive path does not exist, as on another machine than the writer's: workers read
    # it only to skip known articles, and write nothing.
    db = db or log.with_suffix(".absent.db")
    args = [base_url, REDIS_URL, prefix, str(db), json.dumps({**FAST, **(extra or {})})]
    return subprocess.Popen([sys.executable, "-c", WORKER, *args], cwd=ROOT, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)


def start_writer(prefix, db, log: Path, *options):
    command = [sys.executable, "-m", "newsarchive", "writer", "--redis", REDIS_URL, "--prefix", prefix, "--db", str(db)]
    return subprocess.Popen([*command, *options], cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("wb"), text=True)


def wait_for(condition, timeout=60.0, every=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def drained(client, prefix) -> bool:
    key = envelope_key(prefix)
    return client.llen(key) == 0 and client.llen(key + ":processing") == 0


def stop_writer(process, client, prefix) -> dict:
    """SIGTERM once the list is empty; the writer's one-line JSON summary."""
    wait_for(lambda: drained(client, prefix))
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


def wait_workers(workers, logs):
    for process, log in zip(workers, logs):
        assert process.wait(timeout=90) == 0, log.read_text(errors="replace")[-3000:]


def query(db, sql, *params):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def articles(db) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in query(db, f"select id, {', '.join(FIELDS)} from articles")}


def stored(db) -> int:
    try:
        return query(db, "select count(*) from articles")[0][0]
    except sqlite3.OperationalError:  # the writer has not created the archive yet
        return 0


def article_envelope(i: int) -> dict:
    url = f"https://www.cbg.cn/show/705-{100000 + i}.html"
    record = {"id": f"test{i:05d}", "url": url, "site": "cbg.cn", "title": f"重庆新闻第{i}条",
              "published_at": "2026-05-14T11:34:00+08:00", "body": f"第{i}条新闻的正文。\n第二段。"}
    return {"kind": "article", "url": url, "fetched_at": "2026-05-14T03:40:00+00:00", "record": record, "id": f"e{i}"}


def failure_envelope(i: int) -> dict:
    return {"kind": "failed", "url": f"https://www.cbg.cn/show/705-{900000 + i}.html", "stage": "fetch",
            "reason": "HTTP 404", "id": f"f{i}"}


def mixed_envelopes(n: int) -> list[str]:
    """n envelopes, every tenth a failure, as the workers push them."""
    return [to_json(failure_envelope(i) if i % 10 == 0 else article_envelope(i)) for i in range(n)]


def push(client, prefix, items) -> None:
    pipe = client.pipeline(transaction=False)
    for item in items:
        pipe.lpush(envelope_key(prefix), item)
    pipe.execute()


# -- a fleet of 3 workers and 1 writer, against a local crawl of the same replica -----------------------------
@pytest.fixture(scope="module")
def local_crawl(replica, tmp_path_factory):
    db = tmp_path_factory.mktemp("local") / "news.db"
    result = subprocess.run([sys.executable, "-m", "newsarchive", "crawl", "--base-url", replica, "--db", str(db),
                             "-s", "LOG_LEVEL=ERROR"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


@pytest.fixture(scope="module")
def fleet(server, replica, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    with fresh_prefix(server) as prefix:
        writer = start_writer(prefix, tmp / "news.db", tmp / "writer.log")
        logs = [tmp / f"worker{i}.log" for i in range(3)]
        workers = [start_worker(replica, prefix, log) for log in logs]
        wait_workers(workers, logs)
        leftover = sorted(k.decode() for k in server.scan_iter(match=f"{prefix}:*"))
        summary = stop_writer(writer, server, prefix)
        yield {"db": tmp / "news.db", "summary": summary, "logs": logs, "leftover": leftover, "prefix": prefix}


def test_three_workers_store_what_a_local_crawl_stores(fleet, local_crawl):
    local = articles(local_crawl)
    assert len(local) == 80
    assert articles(fleet["db"]) == local
    assert query(fleet["db"], "select count(*) from article_versions") == [(0,)]


def test_each_page_is_fetched_and_stored_once_across_the_fleet(fleet, local_crawl):
    summary = fleet["summary"]
    assert (summary.get("new"), summary.get("unchanged", 0), summary.get("updated", 0)) == (80, 0, 0)
    failures = lambda db: sorted(query(db, "select url_or_path, stage, reason from failures"))  # noqa: E731
    assert failures(fleet["db"]) == failures(local_crawl)
    joined = [log.read_text(errors="replace") for log in fleet["logs"]]
    assert sum("starts a new run" in text for text in joined) == 1
    assert all("Traceback" not in text for text in joined)


def test_a_finished_run_leaves_no_keys_but_the_writer_s(fleet):
    # While the writer still ran, the only keys left were its lock and its (draining) envelope list.
    assert set(fleet["leftover"]) <= {envelope_key(fleet["prefix"]), f"{fleet['prefix']}:writer"}


def test_writer_records_its_run(fleet):
    rows = query(fleet["db"], "select status, finish_reason, new, options from crawl_runs")
    assert len(rows) == 1
    status, reason, new, options = rows[0]
    assert (status, reason, new) == ("finished", "SIGTERM", 80)
    assert json.loads(options)["writer"] == fleet["prefix"]


def kill_one_of_three_workers(server, replica, prefix, db, tmp_path, beside_archive: bool = False) -> None:
    """Three slow workers start; one is killed with SIGKILL once it is in the fleet and 15 articles are stored; the
    other two are waited for."""
    slow = {"DOWNLOAD_DELAY": 0.1, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    logs = [tmp_path / f"first{i}.log" for i in range(3)]
    workers = [start_worker(replica, prefix, log, slow, db=db if beside_archive else None) for log in logs]
    victim, registry = f":{workers[0].pid}:", fleet_keys("cbg", prefix).workers
    in_fleet = lambda: any(victim in w.decode() for w in server.zrange(registry, 0, -1))  # noqa: E731
    wait_for(lambda: in_fleet() and stored(db) >= 15)
    workers[0].send_signal(signal.SIGKILL)
    assert workers[0].wait(timeout=10) == -signal.SIGKILL
    wait_workers(workers[1:], logs[1:])


def test_a_killed_worker_loses_nothing_for_good(server, replica, local_crawl, prefix, tmp_path):
    db = tmp_path / "news.db"
    writer = start_writer(prefix, db, tmp_path / "writer.log")
    kill_one_of_three_workers(server, replica, prefix, db, tmp_path)
    assert stored(db) < 80  # the requests the victim held are gone from this run

    logs = [tmp_path / f"next{i}.log" for i in range(2)]
    wait_workers([start_worker(replica, prefix, log) for log in logs], logs)
    summary = stop_writer(writer, server, prefix)
    assert articles(db) == articles(local_crawl)
    assert summary["new"] == 80
    assert query(db, "select count(*) from article_versions") == [(0,)]
    assert any("starts a new run" in log.read_text() for log in logs)


def walks(db) -> list[tuple]:
    return query(db, "select mode, exhaustive, complete, reason from walks order by id")


@pytest.mark.parametrize("next_run", ["fleet", "local"])
def test_a_walk_cut_by_a_dead_worker_is_completed_by_the_next_run(server, replica, local_crawl, prefix, tmp_path,
                                                                   next_run):
    """Workers beside the archive skip what it holds. After a worker dies, the next run, fleet or local, must not
    stop at the first known list page: the fleet's walk was recorded incomplete, so it pages every list."""
    db = tmp_path / "news.db"
    writer = start_writer(prefix, db, tmp_path / "writer.log")
    wait_for(db.exists)
    kill_one_of_three_workers(server, replica, prefix, db, tmp_path, beside_archive=True)
    wait_for(lambda: drained(server, prefix))
    assert stored(db) < 80
    assert walks(db) == [("fleet", 0, 0, "1 worker(s) died")]

    if next_run == "fleet":
        logs = [tmp_path / f"next{i}.log" for i in range(2)]
        wait_workers([start_worker(replica, prefix, log, db=db) for log in logs], logs)
        stop_writer(writer, server, prefix)
    else:
        stop_writer(writer, server, prefix)
        result = subprocess.run([sys.executable, "-m", "newsarchive", "crawl", "--base-url", replica, "--db", str(db),
                                 "-s", "LOG_LEVEL=ERROR"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
    assert articles(db) == articles(local_crawl)
    assert walks(db)[1:] == [(next_run, 1, 1, "finished")]
    assert query(db, "select count(*) from article_versions") == [(0,)]


def test_workers_wait_while_the_writer_lags_and_resume(server, replica, local_crawl, prefix, tmp_path):
    limit, key = 10, envelope_key(prefix)
    log = tmp_path / "worker.log"
    worker = start_worker(replica, prefix, log, {"NEWSARCHIVE_REDIS_MAX_ENVELOPES": limit,
                                                 "NEWSARCHIVE_REDIS_BACKLOG_WAIT": 0.1})
    wait_for(lambda: server.llen(key) >= limit)
    backlog = []
    for _ in range(20):  # two seconds without a writer: the worker holds, the list does not grow
        backlog.append(server.llen(key))
        time.sleep(0.1)
    assert worker.poll() is None
    assert max(backlog) <= limit + 20  # what was in the scraper when the wait began
    writer = start_writer(prefix, tmp_path / "news.db", tmp_path / "writer.log")
    wait_workers([worker], [log])
    stop_writer(writer, server, prefix)
    assert articles(tmp_path / "news.db") == articles(local_crawl)


# -- the writer alone: stop, kill, restart, bad and repeated records -----------------------------------------
def test_sigterm_then_restart_loses_no_record(server, prefix, tmp_path):
    db, total = tmp_path / "news.db", 3000
    push(server, prefix, mixed_envelopes(total))
    writer = start_writer(prefix, db, tmp_path / "w1.log", "--batch", "20")
    wait_for(lambda: stored(db) >= 100, every=0.01)
    writer.send_signal(signal.SIGTERM)
    out, _ = writer.communicate(timeout=30)
    assert writer.returncode == 0
    first = json.loads(out)
    assert first["reason"] == "SIGTERM"
    done = first["new"] + first["failed"]
    assert 0 < done < total
    assert server.llen(envelope_key(prefix)) == total - done
    assert server.llen(envelope_key(prefix) + ":processing") == 0

    again = start_writer(prefix, db, tmp_path / "w2.log", "--idle-exit", "0.5")
    second = json.loads(again.communicate(timeout=60)[0])
    assert second["reason"] == "idle"
    assert done + second["new"] + second["failed"] == total
    assert stored(db) == total - total // 10
    assert query(db, "select count(*) from failures") == [(total // 10,)]
    assert [r[0] for r in query(db, "select status from crawl_runs order by id")] == ["finished", "finished"]


def test_sigkill_mid_batch_then_restart_stores_every_record_once(server, prefix, tmp_path):
    db, total = tmp_path / "news.db", 3000
    push(server, prefix, mixed_envelopes(total))
    writer = start_writer(prefix, db, tmp_path / "w1.log", "--batch", "50")
    wait_for(lambda: stored(db) >= 200, every=0.01)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    assert query(db, "pragma integrity_check") == [("ok",)]
    server.delete(f"{prefix}:writer")  # the dead writer's lock would expire in 30 s; a test need not wait
    again = start_writer(prefix, db, tmp_path / "w2.log", "--idle-exit", "0.5")
    summary = json.loads(again.communicate(timeout=60)[0])
    assert summary["reason"] == "idle"
    assert stored(db) == total - total // 10
    assert query(db, "select count(*) from failures") == [(total // 10,)]
    assert query(db, "select count(*) from article_versions") == [(0,)]


def test_crash_between_commit_and_acknowledgement_is_not_stored_twice(server, prefix, tmp_path):
    db = tmp_path / "news.db"
    push(server, prefix, mixed_envelopes(30))
    writer = Writer(db, REDIS_URL, prefix=prefix, batch=30, idle_exit=0.2, block=0.1)
    real_delete = writer.server.delete

    def die_on_ack(*keys):
        if keys == (writer.processing,):
            raise ConnectionError("killed after the commit, before the acknowledgement")
        return real_delete(*keys)

    writer.server.delete = die_on_ack
    with pytest.raises(ConnectionError):
        writer.run()
    assert server.llen(writer.processing) == 30  # the batch is committed but still in Redis

    summary = Writer(db, REDIS_URL, prefix=prefix, idle_exit=0.2, block=0.1).run()
    assert summary["recovered_committed"] == 30
    assert server.llen(writer.processing) == 0
    assert stored(db) == 27
    assert query(db, "select count(*) from failures") == [(3,)]


def test_a_batch_left_uncommitted_is_stored_on_restart(server, prefix, tmp_path):
    db = tmp_path / "news.db"
    push(server, prefix, mixed_envelopes(20))
    for _ in range(20):  # what a writer killed right after taking its batch leaves behind
        server.lmove(envelope_key(prefix), envelope_key(prefix) + ":processing", "RIGHT", "LEFT")
    summary = Writer(db, REDIS_URL, prefix=prefix, idle_exit=0.2, block=0.1).run()
    assert summary["recovered"] == 20
    assert stored(db) == 18
    assert query(db, "select count(*) from failures") == [(2,)]


def test_bad_records_become_failures_and_the_writer_goes_on(server, prefix, tmp_path):
    db = tmp_path / "news.db"
    raw = [bytes.fromhex(c["input_hex"]) if "input_hex" in c else c["input"].encode() for c in BAD_RECORDS]
    push(server, prefix, [to_json(article_envelope(1)), *raw, to_json(article_envelope(2))])
    summary = Writer(db, REDIS_URL, prefix=prefix, batch=3, idle_exit=0.2, block=0.1).run()
    assert (summary["new"], summary["failed"]) == (2, len(BAD_RECORDS))
    reasons = [r[0] for r in query(db, "select reason from failures order by id")]
    for case, reason in zip(BAD_RECORDS, reasons):
        assert case["expected"] in reason, case["label"]


def test_a_record_delivered_twice_is_stored_once(server, prefix, tmp_path):
    db = tmp_path / "news.db"
    envelope = to_json(article_envelope(7))
    push(server, prefix, [envelope, envelope])
    summary = Writer(db, REDIS_URL, prefix=prefix, batch=1, idle_exit=0.2, block=0.1).run()
    assert (summary["new"], summary["unchanged"]) == (1, 1)
    assert stored(db) == 1
    assert query(db, "select version from articles") == [(1,)]
    assert query(db, "select count(*) from article_versions") == [(0,)]


def test_a_second_writer_exits_75(server, prefix, tmp_path):
    server.set(f"{prefix}:writer", "someone", ex=30)
    with pytest.raises(WriterBusy):
        Writer(tmp_path / "a.db", REDIS_URL, prefix=prefix, idle_exit=0).run()
    result = CliRunner().invoke(cli, ["writer", "--redis", REDIS_URL, "--prefix", prefix,
                                      "--db", str(tmp_path / "b.db"), "--idle-exit", "0"])
    assert result.exit_code == 75
    assert "another writer" in result.output


@pytest.mark.parametrize("bad", ["http://127.0.0.1:6379", "not a url"])
def test_writer_rejects_a_bad_redis_url(bad, tmp_path):
    result = CliRunner().invoke(cli, ["writer", "--redis", bad, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "--redis" in result.output


# -- settings ----------------------------------------------------------------------------------------------------
def test_worker_settings_replace_only_the_archive_pipeline():
    local = crawl_settings(profile="cbg", db="x.db")
    worker = crawl_settings(profile="cbg", db="x.db", overrides=redis_overrides("redis://h:6379/2", "cbg"))
    assert "ArchivePipeline" in " ".join(local.getdict("ITEM_PIPELINES"))
    assert local.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    pipelines = worker.getdict("ITEM_PIPELINES")
    assert pipelines["crawler.pipelines.ArchivePipeline"] is None
    assert pipelines["crawler.pipelines.CleanPipeline"] == 300
    assert pipelines["crawler.distributed.RedisEnvelopePipeline"] == 800
    assert worker.get("REDIS_URL") == "redis://h:6379/2"
    keys = fleet_keys("cbg")
    assert (worker.get("SCHEDULER_QUEUE_KEY"), worker.get("SCHEDULER_DUPEFILTER_KEY")) == (keys.requests, keys.seen)
    assert redis_overrides("redis://h", "crawler/profiles/cbg.json") == redis_overrides("redis://h", "cbg")
