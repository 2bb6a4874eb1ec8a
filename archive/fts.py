"""The search index: a contentless FTS5 table over the bigram shadows of articles.title and articles.body.

Why this shape:
- Contentless (``content=''``): the shadow text is three times the size of the text, and we never read it back.
- Keyed by ``articles.doc``, an integer column of its own, not the implicit rowid, because ``VACUUM`` and
  sqlite-utils ``transform()`` renumber implicit rowids and would silently point the index at the wrong articles.
- Kept in step by triggers that call the SQL function ``newsarchive_tokens`` (registered on every connection by
  ``register_functions``). A write from a tool that lacks the function fails loudly instead of leaving the index
  stale. ``transform()`` drops triggers with the old table, so ``ensure_index`` (run by every ``Archive`` open)
  recreates missing triggers and then rebuilds the index, which is the only safe assumption after such a change.
"""

from __future__ import annotations

import functools
import sqlite3

from archive import tokenize

TABLE = "articles_fts"
TOKENS = "newsarchive_tokens"
TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")
TITLE_WEIGHT = 10.0
"""bm25 weight of a title hit relative to a body hit."""
K1, B = 1.2, 0.75
"""bm25's term-frequency saturation and length normalisation, FTS5's values."""

_CREATE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
    title, body, content='', tokenize='ascii'
)"""

_INSERT = f"INSERT INTO {TABLE}(rowid, title, body) VALUES (new.doc, {TOKENS}(new.title), {TOKENS}(new.body));"
_DELETE = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, title, body)"
    f" VALUES ('delete', old.doc, {TOKENS}(old.title), {TOKENS}(old.body));"
)
_CREATE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[0]} AFTER INSERT ON articles BEGIN {_INSERT} END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[1]} AFTER DELETE ON articles BEGIN {_DELETE} END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[2]} AFTER UPDATE OF title, body, doc ON articles"
    " WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.doc IS NOT new.doc"
    f" BEGIN {_DELETE} {_INSERT} END",
)


def register_functions(conn: sqlite3.Connection) -> None:
    """Register the SQL functions the triggers and the search queries need on a connection."""
    conn.create_function(TOKENS, 1, tokenize.shadow, deterministic=True)


def create(conn: sqlite3.Connection) -> None:
    """Create the index table, its ranking and its triggers (idempotent)."""
    conn.execute(_CREATE_TABLE)
    conn.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('rank', 'bm25({TITLE_WEIGHT}, 1.0)')")
    for statement in _CREATE_TRIGGERS:
        conn.execute(statement)


def rebuild(conn: sqlite3.Connection) -> None:
    """Re-index every article from scratch."""
    conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
    conn.execute(
        f"INSERT INTO {TABLE}(rowid, title, body) SELECT doc, {TOKENS}(title), {TOKENS}(body) FROM articles"
    )


def average_length(conn: sqlite3.Connection) -> float:
    """The mean number of tokens (characters) in an article's title and body together, as bm25 normalises by.

    FTS5 keeps the totals in step with every write, in its "averages record" (row 1 of the ``_data`` table: SQLite
    varints for the row count, then the token count of each column), so reading them costs one row, not a scan.
    """
    found = conn.execute(f"SELECT block FROM {TABLE}_data WHERE id = 1").fetchone()
    rows, *tokens = _varints(found[0] if found and found[0] else b"")
    return sum(tokens) / rows if rows and tokens else 1.0


@functools.lru_cache(maxsize=8192)
def row_length(sizes: bytes | None) -> int:
    """The tokens (characters) of one article's title and body together, from its FTS5 docsize record (a varint
    per column, in ``articles_fts_docsize.sz``): read beside each candidate, it spares measuring the text in Python.
    Articles share few distinct records, hence the cache.
    """
    return sum(_varints(sizes or b""))


def _varints(data: bytes) -> list[int]:
    """Decode a run of SQLite varints: big-endian groups of 7 bits, high bit set on all but the last byte (of 9)."""
    values, value, size = [], 0, 0
    for byte in data:
        size += 1
        if size == 9:
            values.append((value << 8) | byte)
            value, size = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            values.append((value << 7) | byte)
            value, size = 0, 0
    return values or [0]


def missing_triggers(conn: sqlite3.Connection) -> list[str]:
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [name for name in TRIGGERS if name not in present]


def ensure_index(conn: sqlite3.Connection) -> bool:
    """Recreate lost triggers and rebuild the index if any were lost. Returns True when it rebuilt."""
    if not missing_triggers(conn):
        return False
    create(conn)
    rebuild(conn)
    return True
