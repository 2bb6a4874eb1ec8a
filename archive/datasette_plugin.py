"""Datasette plugin: the SQL functions that make Chinese search work inside Datasette.

Datasette's search box sends ``escape_fts(:search)`` to FTS5, which for our bigram index would match only queries
of exactly two characters. This plugin replaces ``escape_fts`` (running after Datasette's own definition) with the
bigram match expression of ``archive.tokenize``, so the box on ``articles`` finds any substring, and adds:

- ``newsarchive_match(q)``: the FTS5 MATCH expression for a literal substring query;
- ``newsarchive_like(q)``: the ``LIKE ... ESCAPE '\\'`` pattern for it (one-character queries are verified with it);
- ``newsarchive_snippet(body, q)``: the body around the first hit, hits marked «like this».

Connections are also made query-only: the archive is served read-only.
"""

from __future__ import annotations

from datasette import hookimpl

from archive.search import snippet
from archive.tokenize import like_pattern, match_expression

MARK = ("«", "»")
NOTHING = '""'
"""An FTS5 expression that matches no row: the answer to an empty search box."""


def newsarchive_match(query: str | None) -> str:
    return match_expression(query or "") or NOTHING


def newsarchive_like(query: str | None) -> str:
    return like_pattern(query or "")


def newsarchive_snippet(body: str | None, query: str | None) -> str:
    return snippet(body, query or "", mark=MARK)


@hookimpl(trylast=True)
def prepare_connection(conn, database):
    conn.create_function("newsarchive_match", 1, newsarchive_match, deterministic=True)
    conn.create_function("newsarchive_like", 1, newsarchive_like, deterministic=True)
    conn.create_function("newsarchive_snippet", 2, newsarchive_snippet, deterministic=True)
    conn.create_function("escape_fts", 1, newsarchive_match, deterministic=True)
    if database != "_internal":  # Datasette's own bookkeeping database must stay writable
        conn.execute("PRAGMA query_only = 1")
