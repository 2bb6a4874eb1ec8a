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
