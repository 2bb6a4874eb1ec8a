"""``newsarchive health``: the archive's state for a monitor, as a Nagios-style check."""

from __future__ import annotations

import json
import sys

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import open_archive
from archive.health import NAGIOS, check


@click.command()
@click.option("--max-age", "max_age", type=click.FloatRange(min=0, min_open=True), default=3.0, show_default=True,
              help="Hours after which a missing crawl is critical.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def health(max_age, fmt, db):
    """Check the latest crawl: its verdict, age and failures by cause. Exits 0 OK, 1 WARNING, 2 CRITICAL,
    3 UNKNOWN (the Nagios plugin codes), so a monitor can run it as it is."""
    try:
        with open_archive(db) as archive:
            result = check(archive, max_age_hours=max_age)
    except click.ClickException as error:  # no archive: a monitor must see UNKNOWN, not a usage error
        result = {"state": "UNKNOWN", "exit_code": NAGIOS["UNKNOWN"], "message": error.message}
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        perf = ""
        if "articles" in result:
            perf = (f" | age={result['age_s']}s articles={result['articles']} new={result['new']} "
                    f"failed={result['failed']}")
        click.echo(f"NEWSARCHIVE {result['state']} - {result['message']}{perf}")
        for alert in result.get("alerts", []):
            click.echo(f"alert: {alert}")
        for name, n in result.get("failures_by_cause", {}).items():
            click.echo(f"failed: {n} {name}")
    sys.exit(result["exit_code"])


COMMANDS = [health]
