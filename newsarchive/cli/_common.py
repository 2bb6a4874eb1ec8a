"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
from pathlib import Path

import click


DEFAULT_DB = Path("data/news.db")


def db_path(value: str | None) -> Path:
    """The archive path: --db, else $NEWSARCHIVE_DB, else data/news.db."""
    return Path(value or os.environ.get("NEWSARCHIVE_DB") or DEFAULT_DB)


db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite archive (default: $NEWSARCHIVE_DB or data/news.db).",
)

# EX_TEMPFAIL: another crawl or writer holds the archive; cron may simply try again next time.
EXIT_TEMPFAIL = 75


def check_redis_url(url: str) -> None:
    """A usage error (exit 2) naming --redis when the URL is not one redis-py can connect to."""
    from redis.connection import parse_url

    try:
        parse_url(url)
    except ValueError as exc:
        raise click.UsageError(f"--redis: {exc}") from None


class Moment(click.ParamType):
    """An ISO date or date and time (``archive.search.check_moment``); anything else is a usage error, exit 2."""

    name = "DATE"

    def convert(self, value, param, ctx):
        from archive.search import check_moment

        try:
            return check_moment(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def since_option(what: str = "Published"):
    return click.option("--since", type=Moment(), help=f"{what} on or after this date (YYYY-MM-DD) or time.")


def until_option(what: str = "Published"):
    return click.option("--until", type=Moment(),
                        help=f"{what} on or before this date (its whole day) or up to this time.")


def _cpus() -> int:
    from pipelines.cleaner_pool import available_cpus  # the pool loads the cleaner: only for the commands that clean

    return available_cpus()


jobs_option = click.option(
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=_cpus,
    show_default="the CPUs available",
    help="Clean this many pages at once, each in its own process (one writer stores them, in input order).",
)
