"""``newsarchive crawl``: crawl a portal (the live site by default) into the archive, fit for cron."""

from __future__ import annotations

import json
import sys

import click

from newsarchive.cli import _signals
from newsarchive.cli._common import EXIT_TEMPFAIL, check_redis_url, db_option, db_path
from archive.health import FAILURES, INTERRUPTED, assess, record_verdict
from archive.lock import Locked, crawl_lock
from archive.store import Archive
from archive.writer import redacted
from crawler.distributed import redis_overrides
from crawler.contact import BadContact, require_contact, resolve_contact
from crawler.runner import BadBaseURL, check_base_url, is_loopback, run_crawl, run_options
from scrapy.settings import BaseSettings
from pipelines.profile import load_profile

def _setting(ctx, param, values):
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}")
        pairs[key] = val
    return pairs


@click.command()
@click.option("--profile", default="cbg", show_default=True, help="Site profile name or JSON file.")
@click.option("--base-url", default=None, help="Serve the portal's paths from this origin (e.g. the replica).")
@db_option
@click.option("--full", is_flag=True, help="Walk every list page and fetch every article, archived or not.")
@click.option("--revisit-days", type=click.FloatRange(min=0), default=3.0, show_default=True,
              help="Re-fetch archived articles published this recently (corrections).")
@click.option("--known-pages", type=click.IntRange(min=1), default=1, show_default=True,
              help="Stop paging a list after this many pages in a row held nothing new (nor due for a revisit).")
@click.option("--max-pages", type=click.IntRange(min=0), default=0,
              help="Stop after this many responses (0: no limit).")
@click.option("--max-minutes", type=click.FloatRange(min=0), default=0, help="Stop after this long (0: no limit).")
@click.option("--max-failure-rate", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Exit 1 when more than this share of the fetched pages failed.")
@click.option("--contact", default=None,
              help="E-mail or URL put in the User-Agent, so the site can reach you; required unless --base-url is a "
                   "loopback replica (else -s NEWSARCHIVE_CONTACT=... or $NEWSARCHIVE_CONTACT).")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log here.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Run as a worker: share the frontier through this Redis; records go to `newsarchive writer`.")
@click.option("--redis-prefix", default="newsarchive", show_default=True, help="Key prefix of the fleet in Redis.")
@click.option("-s", "--set", "settings", multiple=True, callback=_setting, metavar="KEY=VALUE",
              help="Override a Scrapy setting.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also say on stderr what needs no action: the lock was taken, the run was stopped cleanly.")
def crawl(profile, base_url, db, full, revisit_days, known_pages, max_pages, max_minutes, max_failure_rate, contact,
          log_file, redis_url, redis_prefix, settings, verbose):
    """Crawl list pages to articles and store them in the archive.

    Prints a one-line JSON summary. Exit codes: 0 ok, 1 failures above --max-failure-rate (or the crawl could not
    start), 2 usage, 3 the front pages listed far fewer articles than in recent runs, 75 another crawl holds the
    lock, 130 interrupted (SIGINT/SIGTERM). See docs/cron.md.
    """
    try:
        loaded = load_profile(profile)
        if base_url:
            base_url = check_base_url(base_url)
        contact = resolve_contact(contact or settings.get("NEWSARCHIVE_CONTACT"))
        if not is_loopback(base_url):
            require_contact(contact)
    except (BadBaseURL, BadContact, LookupError) as exc:
        raise click.UsageError(str(exc)) from None
    if redis_url:
        check_redis_url(redis_url)
    path = db_path(db)
    overrides = {
        "NEWSARCHIVE_FULL": full,
        "NEWSARCHIVE_REVISIT_DAYS": revisit_days,
        "NEWSARCHIVE_KNOWN_PAGES_DEPTH": known_pages,
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "CLOSESPIDER_TIMEOUT": max_minutes * 60,
    }
    if contact:
        overrides["NEWSARCHIVE_CONTACT"] = contact
    if log_file:
        overrides["LOG_FILE"] = log_file
    if redis_url:
        overrides.update(redis_overrides(redis_url, profile, prefix=redis_prefix))
    overrides.update(settings)
    if redis_url:  # a worker writes no archive (its records go to Redis, for the writer), so it takes no lock
        _signals.stop_before("crawl")
        _signals.arm()
        run_crawl(profile=profile, db=str(path), base_url=base_url, overrides=overrides)
        click.echo(json.dumps({"mode": "worker", "redis": redacted(redis_url)}))
        return
    try:
        with crawl_lock(path):
            with Archive(path) as archive:
                archive.close_dead_runs(crawl_lock_held=True)
                run_id = archive.start_run(run_options(
                    loaded, base_url, extra=BaseSettings(settings).getdict("NEWSARCHIVE_RUN_OPTIONS")))
            # From here on a signal stops the crawl and the run row says so; one during start-up was only noted.
            _signals.arm()
            overrides["NEWSARCHIVE_RUN_ID"] = run_id
            try:
                _signals.raise_pending()
                reason = run_crawl(profile=profile, db=str(path), base_url=base_url, overrides=overrides)
            except KeyboardInterrupt:  # before Scrapy took over the signals: nothing, or little, was crawled
                reason = "shutdown"
            with Archive(path) as archive:
                if archive.run_summary(run_id)["status"] == "running":  # the crawl closed before its pipeline ran
                    archive.finish_run(run_id, reason or "error", status="interrupted")
                summary = assess(archive, run_id, max_failure_rate=max_failure_rate)
                record_verdict(archive, run_id, summary)
    except Locked as exc:  # nothing to act on (the next run goes ahead): cron mails stderr, so only when asked
        if verbose:
            click.echo(f"newsarchive crawl: {exc}", err=True)
        sys.exit(EXIT_TEMPFAIL)
    except KeyboardInterrupt:  # while taking the lock or opening the archive
        click.echo("newsarchive crawl: interrupted before the crawl started", err=True)
        sys.exit(INTERRUPTED)
    if summary["finish_reason"] == "error":
        click.echo("newsarchive crawl: the crawl did not start (see the log)", err=True)
        sys.exit(FAILURES)
    # A clean stop (SIGTERM from systemd, a shutdown) is recorded and shown by `health`; mail only what needs a person.
    if verbose or summary["exit_code"] != INTERRUPTED:
        for alert in summary["alerts"]:
            click.echo(f"newsarchive crawl: ALERT: {alert}", err=True)
    click.echo(json.dumps(summary, ensure_ascii=False))
    sys.exit(summary["exit_code"])


crawl.records_interrupt = True  # it opens its run first, then honours a signal from start-up (see _signals)

COMMANDS = [crawl]
