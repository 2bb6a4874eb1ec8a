"""``newsarchive reprocess``: re-clean the stored raw responses with the current pipeline, no network."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option, jobs_option, since_option
from newsarchive.cli._progress import progress
from newsarchive.cli._output import emit, format_option, open_archive
from archive.reprocess import reprocess as run_reprocess


@click.command()
@since_option()
@click.option("--site", help="Only articles of this site (e.g. cbg.cn).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@format_option(default="json", choices=("json", "table"))
@db_option
@jobs_option
def reprocess(since, site, dry_run, fmt, db, jobs):
    """Re-run the cleaner over the raw WARC records; changed texts become new versions. Prints a report.

    Records are cleaned by --jobs processes at once, each within the per-page time limit, and stored by this one
    in the archive's order."""
    import json

    with open_archive(db) as archive:
        report = run_reprocess(archive, since=since, site=site, dry_run=dry_run, jobs=jobs,
                               track=lambda ids, total: progress(ids, "reprocess", total, "article"))
    data = report.as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        counts = {name: value for name, value in data.items() if name != "fields"}
        emit([counts], "table")
        if data["fields"]:
            emit([{"field": name, "records": n} for name, n in data["fields"].items()], "table")
    if report.failed:
        raise SystemExit(1)


COMMANDS = [reprocess]
