"""``newsarchive import``: local pages, texts and folders into the archive, through the same cleaning path."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.cli._common import db_option, db_path
from archive.ingest import ingest
from archive.sources import iter_sources
from archive.store import Archive
from pipelines import envelope
from pipelines.clean import clean_page


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--input", "input_kind", type=click.Choice(["auto", "html", "text"]), default="auto", show_default=True)
def import_(paths, db, input_kind):
    """Import HTML files, text files and folders into the archive. Exits 1 when any input failed."""
    path = db_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with Archive(path) as archive:
        run_id = archive.start_run({"command": "import", "paths": list(paths)})
        for source in iter_sources(list(paths)):
            url = source.url or Path(source.name).resolve().as_uri()
            if source.error:
                env = envelope.failure(url, "read", source.error)
            else:
                outcome = clean_page(source.data, url=url, content_type=source.content_type, input_kind=input_kind)
                env = envelope.from_outcome(outcome, url=url)
            result = ingest(archive, env, run_id)
            counts[result] = counts.get(result, 0) + 1
            if result == "failed":
                click.echo(f"newsarchive import: {source.name}: {env.get('reason')}", err=True)
        archive.finish_run(run_id, "finished", {}, counts)
    click.echo(json.dumps({"db": str(path), **counts}, ensure_ascii=False))
    sys.exit(1 if counts.get("failed") else 0)


COMMANDS = [import_]
