"""Chinese full-text search: a query is a literal substring, found in title or body, ranked by bm25.

Matching is exactly ``title LIKE '%q%' OR body LIKE '%q%'`` (ASCII case folded, nothing else), because the index
holds every character bigram (see tokenize.py). A query of two or more characters is answered from the index
alone. A one-character query is a prefix query on the index, checked against the text with LIKE: the prefix can
over-match only for the letter x, and verification keeps the guarantee for every character. An empty query
matches every article (newest first), which makes the filters usable on their own.

Ranking is bm25 with title hits weighted ``fts.TITLE_WEIGHT`` times body hits. Scoring every match is what costs
time when a query matches half the archive, so by default a query with more than ``RANK_WINDOW`` matches is ranked
among its ``RANK_WINDOW`` most recently archived matches (found in rowid order, which FTS5 walks without scoring);
``rank_window=None`` ranks them all, and ``limit=None`` (every match) always does. The set of matches never changes,
only which of them can reach the first page.

Snippets are cut from the original body, not from the index's shadow text, with every hit in the window marked.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from archive import fts
from archive.tokenize import fold, like_pattern, match_expression

RESULT_FIELDS = ("id", "url", "canonical_url", "site", "section", "title", "published_at", "source", "author", "editor")
MARK = ("<mark>", "</mark>")
SNIPPET_WIDTH = 80
RANK_WINDOW = 2000


def connection(db: Any) -> sqlite3.Connection:
    """The sqlite3 connection behind an Archive, a sqlite-utils Database or a connection."""
    return getattr(db, "conn", db)


def date_filters(since: str | None, until: str | None, column: str = "a.published_at") -> tuple[list[str], dict]:
    """SQL conditions for a time window; a bare date as ``until`` includes that whole day."""
    conditions, params = [], {}
    if since:
        conditions.append(f"{column} >= :since")
        params["since"] = since
    if until:
        try:
            day = date.fromisoformat(until)
        except ValueError:
            conditions.append(f"{column} <= :until")
            params["until"] = until
        else:
            conditions.append(f"{column} < :until")
            params["until"] = (day + timedelta(days=1)).isoformat()
    return conditions, params


def _filters(since, until, section, source) -> tuple[list[str], dict]:
    conditions, params = date_filters(since, until)
    if section:
        conditions.append("instr(a.section, :section) > 0")
        params["section"] = section
    if source:
        conditions.append("instr(a.source, :source) > 0")
        params["source"] = source
    return conditions, params


def snippet(text: str | None, query: str, width: int = SNIPPET_WIDTH, mark: tuple[str, str] = MARK) -> str:
    """A window of the text around the first hit, every hit inside it marked; the opening when there is none."""
    text = (text or "").replace("\r", "")
    needle, folded = fold(query), fold(text)
    hit = folded.find(needle) if needle else -1
    if hit < 0:
        start, end = 0, min(len(text), width)
    else:
        start = max(0, hit - width // 3)
        end = min(len(text), max(start + width, hit + len(needle)))
    pieces, position = [], start
    while needle:
        hit = folded.find(needle, position, end)
        if hit < 0:
            break
        pieces += [text[position:hit], mark[0], text[hit : hit + len(needle)], mark[1]]
        position = hit + len(needle)
    pieces.append(text[position:end])
    body = "".join(pieces).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def search(
    db: Any,
    query: str,
    since: str | None = None,
    until: str | None = None,
    section: str | None = None,
    source: str | None = None,
    limit: int | None = 20,
    mark: tuple[str, str] = MARK,
    rank_window: int | None = RANK_WINDOW,
) -> list[dict]:
    """Articles whose title or body contains ``query``, best first, each with ``score`` and ``snippet``.

    ``since``/``until`` bound published_at (ISO dates or times); ``section`` and ``source`` match substrings of
    those fields; ``limit`` None returns every match; ``rank_window`` bounds ranking (see the module docstring).
    """
    conditions, params = _filters(since, until, section, source)
    params["limit"] = -1 if limit is None else int(limit)
    columns = ", ".join(f"a.{field}" for field in RESULT_FIELDS)
    expression = match_expression(query)
    if expression is None:
        where = " AND ".join(conditions) or "1"
        sql = f"""SELECT {columns}, a.body, NULL AS score FROM articles a
                  WHERE {where} ORDER BY a.published_at DESC, a.doc DESC LIMIT :limit"""
    else:
        params["match"] = expression
        if len(query) == 1:
            params["like"] = like_pattern(query)
            conditions.append("(a.title LIKE :like ESCAPE '\\' OR a.body LIKE :like ESCAPE '\\')")
        if limit is not None and rank_window:
            cutoff = _window_start(connection(db), conditions, params, rank_window)
            if cutoff is not None:
                conditions.append(f"{fts.TABLE}.rowid >= :cutoff")
                params["cutoff"] = cutoff
        where = "".join(f" AND {condition}" for condition in conditions)
        # CROSS JOIN keeps the index as the outer loop: the planner must not scan articles and probe the index.
        sql = f"""SELECT {columns}, a.body, {fts.TABLE}.rank AS score
                  FROM {fts.TABLE} CROSS JOIN articles a ON a.doc = {fts.TABLE}.rowid
                  WHERE {fts.TABLE} MATCH :match{where}
                  ORDER BY {fts.TABLE}.rank LIMIT :limit"""
    cursor = connection(db).execute(sql, params)
    names = [description[0] for description in cursor.description]
    results = []
    for values in cursor:
        row = dict(zip(names, values))
        row["snippet"] = snippet(row.pop("body"), query, mark=mark)
        results.append(row)
    return results


def _window_start(conn: sqlite3.Connection, conditions: list[str], params: dict, size: int) -> int | None:
    """The index rowid of the ``size``-th most recent match, or None when there are no more matches than that."""
    where = "".join(f" AND {condition}" for condition in conditions)
    join = f" CROSS JOIN articles a ON a.doc = {fts.TABLE}.rowid" if conditions else ""
    found = conn.execute(
        f"""SELECT {fts.TABLE}.rowid FROM {fts.TABLE}{join} WHERE {fts.TABLE} MATCH :match{where}
            ORDER BY {fts.TABLE}.rowid DESC LIMIT 1 OFFSET :offset""",
        {**params, "offset": size - 1},
    ).fetchone()
    return None if found is None else found[0]
