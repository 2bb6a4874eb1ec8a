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
    """Serve the archive with Datasette: tables and columns described, Chinese search, canned queries.

    The file is opened read-only (an archive from an older version is upgraded first).
    """
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError:
        raise click.ClickException("serve needs Datasette: pip install 'newsarchive[serve]'") from None
    import asyncio

    from archive import datasette_plugin
    from archive.datasette_metadata import metadata

    with open_archive(db) as archive:
        path = archive.path
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="newsarchive")
    datasette = Datasette(files=[str(path)], metadata=metadata(path.stem), settings={"sql_time_limit_ms": 5000})
    asyncio.run(datasette.invoke_startup())
    click.echo(f"serving {path} at http://{host}:{port}/{path.stem}", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


COMMANDS = [serve]
