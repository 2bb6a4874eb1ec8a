"""The search index: a contentless FTS5 table (``detail=none``) over the bigram shadows of articles.title and .body.

Why this shape (measured on 20,000 replica articles, 1.7 KiB of body each, index bytes per article after optimize:
``detail=full`` 3,296, ``detail=full, columnsize=0`` 3,285, ``detail=column`` 1,664, ``detail=none`` 572,
``detail=none, columnsize=0`` 560):
- Contentless (``content=''``): the shadow text is three times the size of the text, and we never read it back. An
  external-content table would have to store that shadow (no tokenizer of ours exists outside Python).
- ``detail=none``: the index keeps only which articles hold each bigram, not where, a sixth of ``detail=full``.
  FTS5 then has no phrase queries, so a query of three or more characters is the AND of its bigrams and every
  candidate is verified against the text with LIKE (see search.py): exact, and LIKE runs in C on a few rows.
- ``columnsize=0``: no per-article size table; bm25's length is the text's length in characters, which is what the
  shadow's token count is (one token per character).
- Keyed by ``articles.doc``, an integer column of its own, not the implicit rowid, because ``VACUUM`` and
  sqlite-utils ``transform()`` renumber implicit rowids and would silently point the index at the wrong articles.

Kept in step by plain-SQL triggers that record what changed in ``articles_fts_pending``: the doc of an inserted or
changed article, and for a deleted or changed one the text the index holds for it (a contentless table can only
forget the tokens it is told). They call no function of ours, so ``DELETE`` and ``UPDATE`` from sqlite3, Datasette
or any tool work. ``Archive`` applies the queue (``apply``) inside every write transaction before it commits, so
its own writes leave the queue empty; rows left by other tools are applied by the next ``Archive`` open or write,
and until then search treats the queued articles as unindexed and checks them with LIKE (``search.matching``).
``transform()`` drops triggers with the old table, so ``ensure_index`` (run by every ``Archive`` open) recreates
missing triggers and then rebuilds the index, which is the only safe assumption after such a change.
"""

from __future__ import annotations

import json
import sqlite3

from archive import tokenize

TABLE = "articles_fts"
PENDING = "articles_fts_pending"
TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")
TITLE_WEIGHT = 10.0
"""bm25 weight of a title hit relative to a body hit."""
K1, B = 1.2, 0.75
"""bm25's term-frequency saturation and length normalisation, FTS5's values."""

_CREATE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
    title, body, content='', tokenize='ascii', detail=none, columnsize=0
)"""
_CREATE_PENDING = f"""
CREATE TABLE IF NOT EXISTS {PENDING} (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    indexed INTEGER NOT NULL,
    title TEXT,
    body TEXT
)"""
"""``indexed`` 1: the row holds the text the index holds for ``doc`` (to forget); 0: ``doc`` is to be (re)indexed."""

_ADD = f"INSERT INTO {PENDING} (doc, indexed) VALUES (new.doc, 0);"
_FORGET = f"INSERT INTO {PENDING} (doc, indexed, title, body) VALUES (old.doc, 1, old.title, old.body);"
_CREATE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[0]} AFTER INSERT ON articles BEGIN {_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[1]} AFTER DELETE ON articles BEGIN {_FORGET} END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGERS[2]} AFTER UPDATE OF title, body, doc ON articles"
    " WHEN old.title IS NOT new.title OR old.body IS NOT new.body OR old.doc IS NOT new.doc"
    f" BEGIN {_FORGET} {_ADD} END",
)
_INDEX = f"INSERT INTO {TABLE}(rowid, title, body) VALUES (?, ?, ?)"
_UNINDEX = f"INSERT INTO {TABLE}({TABLE}, rowid, title, body) VALUES ('delete', ?, ?, ?)"


def create(conn: sqlite3.Connection) -> None:
    """Create the index table, its queue and its triggers (idempotent)."""
    conn.execute(_CREATE_TABLE)
    conn.execute(_CREATE_PENDING)
    conn.execute(f"CREATE INDEX IF NOT EXISTS {PENDING}_doc ON {PENDING}(doc)")
    for statement in _CREATE_TRIGGERS:
        conn.execute(statement)


def drop(conn: sqlite3.Connection) -> None:
    """Drop the index, its queue and its triggers (for a migration that changes their shape)."""
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    conn.execute(f"DROP TABLE IF EXISTS {PENDING}")


def _shadows(rows):
    for doc, title, body in rows:
        yield doc, tokenize.shadow(title), tokenize.shadow(body)


def rebuild(conn: sqlite3.Connection) -> None:
    """Re-index every article from scratch."""
    conn.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
    conn.execute(f"DELETE FROM {PENDING}")
    conn.executemany(_INDEX, _shadows(conn.execute("SELECT doc, title, body FROM articles")))


def has_pending(conn: sqlite3.Connection) -> bool:
    """Whether some article changes are not in the index yet (written by a tool other than ``Archive``)."""
    return conn.execute(f"SELECT EXISTS (SELECT 1 FROM {PENDING})").fetchone()[0] == 1


def apply(conn: sqlite3.Connection) -> int:
    """Bring the index up to date with the queue, inside the caller's transaction; returns the articles touched.

    The index is in step with the articles as they were before the queue's first row, so for each doc the first
    row says what the index holds: its text (``indexed`` 1), to be forgotten, or nothing. Then each doc that exists
    now is indexed with its current text. Whatever happened in between (update after update, delete and re-insert)
    needs nothing more.
    """
    queued = conn.execute(f"SELECT id, doc, indexed, title, body FROM {PENDING} ORDER BY id").fetchall()
    if not queued:
        return 0
    first: dict[int, tuple] = {}
    for _, doc, indexed, title, body in queued:
        first.setdefault(doc, (indexed, title, body))
    conn.executemany(_UNINDEX, _shadows((doc, title, body) for doc, (indexed, title, body) in first.items() if indexed))
    current = conn.execute(
        "SELECT doc, title, body FROM articles WHERE doc IN (SELECT value FROM json_each(?))", [json.dumps(list(first))]
    )
    conn.executemany(_INDEX, _shadows(current))
    conn.execute(f"DELETE FROM {PENDING} WHERE id <= ?", [queued[-1][0]])
    return len(first)


def average_length(conn: sqlite3.Connection) -> float:
    """The mean number of tokens (characters) in an article's title and body together, as bm25 normalises by.

    FTS5 keeps the totals in step with every write, in its "averages record" (row 1 of the ``_data`` table: SQLite
    varints for the row count, then the token count of each column), so reading them costs one row, not a scan.
    """
    found = conn.execute(f"SELECT block FROM {TABLE}_data WHERE id = 1").fetchone()
    return averages(found[0] if found else None)


def averages(block: bytes | None) -> float:
    """The mean tokens per article from the averages record's bytes (see ``average_length``)."""
    rows, *tokens = _varints(block or b"")
    return sum(tokens) / rows if rows and tokens else 1.0


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
