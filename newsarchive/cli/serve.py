"""``newsarchive serve``: browse and query the archive in Datasette (the optional ``serve`` extra), read-only."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import open_archive


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@db_option
def serve(host, port, db):
    """Serve the archive with Datasette: a search page with a timeline, articles as they read, tables and columns
    described, Chinese search, canned queries.

    The file is opened read-only (an archive from an older version is upgraded first).
    """
    try:
        import datasette  # noqa: F401
        import uvicorn
    except ImportError:
        raise click.ClickException("serve needs Datasette: pip install 'newsarchive[serve]'") from None
    import asyncio

    from archive import datasette_app

    with open_archive(db) as archive:
        path = archive.path
    datasette = datasette_app.create(path)
    asyncio.run(datasette.invoke_startup())
    home = f"http://{host}:{port}/{path.stem}"
    click.echo(f"serving {path} at {home} (search page: {home}/-/search)", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


COMMANDS = [serve]
