"""The Datasette that ``newsarchive serve`` runs: one archive, read-only, with our plugin, metadata, templates and
stylesheet. Built here so that every way of serving the archive serves the same app."""

from __future__ import annotations

from pathlib import Path

from archive import datasette_plugin
from archive.datasette_metadata import metadata

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
SETTINGS = {
    "sql_time_limit_ms": 5000,
    "truncate_cells_html": 90,  # table views show the start of a body, not 1000 px of it
}


def create(path: str | Path):
    """A Datasette (startup not yet invoked) serving the archive file at ``path`` as database ``path.stem``."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    path = Path(path)
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="newsarchive")
    return Datasette(
        files=[str(path)],
        metadata=metadata(path.stem),
        settings=SETTINGS,
        template_dir=str(TEMPLATES),
        static_mounts=[(datasette_plugin.STATIC_ROUTE, str(STATIC))],
    )
