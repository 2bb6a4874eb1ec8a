"""``newsarchive writer``: the single writer of a distributed crawl (see ``archive.writer``, docs/distributed.md)."""

from __future__ import annotations

import json
import signal
import sys

import click
import redis

from newsarchive.cli._common import EXIT_TEMPFAIL, check_redis_url, db_option, db_path
from archive.writer import DEFAULT_BATCH, DEFAULT_PREFIX, Writer, WriterBusy, redacted



@click.command()
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="Redis of the fleet, e.g. redis://host:6379/0.")
@db_option
@click.option("--batch", default=DEFAULT_BATCH, show_default=True, type=click.IntRange(min=1),
              help="Envelopes per SQLite transaction.")
@click.option("--idle-exit", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop once the list has been empty this long (default: run until SIGINT/SIGTERM).")
@click.option("--prefix", default=DEFAULT_PREFIX, show_default=True, help="Redis key prefix the workers use.")
def writer(redis_url, db, batch, idle_exit, prefix):
    """Drain the workers' records from Redis into the archive, in batches, until stopped.

    Prints a one-line JSON summary. Exit codes: 0 stopped cleanly, 1 Redis or archive error, 2 usage,
    75 another writer is running on these lists.
    """
    check_redis_url(redis_url)
    path = db_path(db)
    job = Writer(path, redis_url, prefix=prefix, batch=batch, idle_exit=idle_exit)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, _frame: job.stop(signal.Signals(number).name))
    try:
        summary = job.run()
    except WriterBusy as exc:
        click.echo(f"newsarchive writer: {exc}", err=True)
        sys.exit(EXIT_TEMPFAIL)
    except redis.RedisError as exc:
        click.echo(f"newsarchive writer: Redis at {redacted(redis_url)}: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(summary, ensure_ascii=False))


COMMANDS = [writer]
