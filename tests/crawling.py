"""Helpers for tests that run the ``newsarchive`` command and crawl the replica."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit
from urllib.request import urlopen

FIELDS = ("title", "published_at", "source", "author", "editor", "section", "body")


def newsarchive(*args, timeout=300):
    """Run the CLI in its own process (one Twisted reactor per crawl)."""
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], capture_output=True, text=True, timeout=timeout)


def summary(result) -> dict:
    """The crawl command's one-line JSON summary: the last line of its stdout."""
    return json.loads(result.stdout.strip().splitlines()[-1])


def replica_stats(base_url: str, *, reset: bool = False) -> dict:
    """What the replica was asked since the last reset, by kind and by request target (then reset, if asked)."""
    with urlopen(f"{base_url}/_truth/stats.json?paths=1") as response:
        stats = json.load(response)
    if reset:
        urlopen(f"{base_url}/_truth/reset").read()
    return stats


def rows(db) -> dict[str, dict]:
    """The archived articles by URL path."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return {urlsplit(r["url"]).path: dict(r) for r in con.execute("select * from articles")}
    finally:
        con.close()
