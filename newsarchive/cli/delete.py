"""``newsarchive delete ID...``: a takedown, over ``archive.takedown``."""

from __future__ import annotations

import json
import sys

import click

from newsarchive.cli._common import EXIT_TEMPFAIL, db_option, db_path
from newsarchive.cli._output import open_archive


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--purge-raw", is_flag=True,
              help="Also rewrite the WARC files without these articles' raw records (checked by warcio check).")
@db_option
def delete(ids, purge_raw, db):
    """Remove articles, their earlier versions and their search rows, in one transaction.

    The raw WARC records are kept unless --purge-raw. Prints what was done as JSON; exits 1 when an id is unknown
    (the known ones are still deleted), 75 when --purge-raw finds a crawl running (it appends to the WARC files).
    """
    from archive.lock import Locked, crawl_lock
    from archive.takedown import delete as take_down
    from archive.warc_purge import PurgeError

    with open_archive(db) as archive:
        try:
            if purge_raw:
                with crawl_lock(db_path(db)):
                    result = take_down(archive, ids, purge_raw=True)
            else:
                result = take_down(archive, ids)
        except Locked as exc:
            click.echo(f"{exc}: try --purge-raw again when it has finished", err=True)
            sys.exit(EXIT_TEMPFAIL)
        except PurgeError as exc:
            raise click.ClickException(f"nothing was deleted: {exc}") from None
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    if result.missing:
        click.echo(f"no article with id {', '.join(result.missing)}", err=True)
        sys.exit(1)


COMMANDS = [delete]
