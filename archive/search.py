"""Chinese full-text search: a query is a literal substring, found in title or body, ranked by bm25.

Matching is exactly ``title LIKE '%q%' OR body LIKE '%q%'`` (ASCII case folded, nothing else), because the index
holds every character bigram (see tokenize.py). A query of two characters is answered from the index alone; a
longer one is the AND of its bigrams in the index (which keeps no positions), each candidate checked with LIKE; a
one-character query is a prefix query on the index, checked with LIKE for x, the one character whose prefix can
over-match (see ``matching``). (A common character's first page is found faster by reading the newest articles with
LIKE, and x always is: see ``_newest_by_scan``.)
An empty query matches every article (newest first), which makes the filters usable on their own.

Ranking is FTS5's bm25 (k1 1.2, b 0.75, title hits weighted ``fts.TITLE_WEIGHT`` times body hits), computed here
from the text of each candidate rather than by FTS5. FTS5's bm25 starts every query by counting all the articles that
match it, for the IDF: when a query matches half the archive that count costs more than the rest of the search, and
a query is one phrase, so its IDF multiplies every score alike and changes no order. ``score`` is therefore bm25
without the IDF factor (negative, lower is better, as FTS5 ranks); a test checks it against FTS5's own bm25 on a
positional index built for the purpose.

Every candidate's text is read to count its hits, so by default a query is ranked among its ``RANK_WINDOW`` most
recently archived matches (found in rowid order, which FTS5 walks newest first and stops); ``rank_window=None``
ranks them all (in SQL, to pick the page: see ``_best_in_sql``), and so does a ``limit`` above the window, so a
page is never cut short of the matches there are; ``limit=None`` (every match) always does. The set of matches
never changes, only which of them can reach the first page.

Snippets are cut from the original body, not from the index's shadow text, with every hit in the window marked.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import json
import re
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from archive import fts
from archive.tokenize import fold, hit_counter, index_is_exact, like_pattern, match_expression, prefix_is_exact

RESULT_FIELDS = ("id", "url", "canonical_url", "site", "section", "title", "published_at", "source", "author", "editor")
MARK = ("<mark>", "</mark>")
SNIPPET_WIDTH = 80
RANK_WINDOW = 500
SCAN_SPAN = 2000
"""How many of the newest articles a one-character query reads before it turns to the index (see _newest_by_scan)."""


def connection(db: Any) -> sqlite3.Connection:
    """The sqlite3 connection behind an Archive, a sqlite-utils Database or a connection."""
    return getattr(db, "conn", db)


MOMENT_FORMS = "a date (2026-10-01) or a date and time (2026-10-01T08:00, 2026-10-01 08:00:00+08:00)"
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def check_moment(value: str) -> str:
    """``value`` if it is an ISO date or date and time, else ValueError naming the accepted forms.

    Window bounds are compared as text against ISO ``published_at`` values, so ``2026/10/01`` or ``yesterday``
    would not fail in SQL: they would quietly select nothing, or everything. Every window is checked here first.
    """
    valid = bool(_MOMENT.fullmatch(value))
    if valid:
        try:
            (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value)
        except ValueError:
            valid = False
    if not valid:
        raise ValueError(f"{value!r} is not {MOMENT_FORMS}")
    return value


def window_end(until: str) -> tuple[str, bool]:
    """Where a window that ends at ``until`` stops, and whether that bound is itself inside.

    A bare date includes its whole day, so the window stops before the next day; a full time is compared as written
    and included. Every window over published_at (CLI, Python, Datasette) ends here.
    """
    try:
        day = date.fromisoformat(until)
    except ValueError:
        return until, True
    return (day + timedelta(days=1)).isoformat(), False


def date_filters(since: str | None, until: str | None, column: str = "a.published_at") -> tuple[list[str], dict]:
    """SQL conditions for a time window; a bare date as ``until`` includes that whole day (see window_end)."""
    conditions, params = [], {}
    for bound in (since, until):
        if bound:
            check_moment(bound)
    if since:
        conditions.append(f"{column} >= :since")
        params["since"] = since
    if until:
        params["until"], included = window_end(until)
        conditions.append(f"{column} {'<=' if included else '<'} :until")
    return conditions, params


def where_window(since: str | None, until: str | None, column: str = "published_at") -> tuple[str, dict]:
    """A WHERE clause (or "") for a time window over ``column``, with its parameters."""
    conditions, params = date_filters(since, until, column=column)
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", params


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
    needle = fold(query)
    # Folding only matters to a needle with ASCII letters; skipping it spares copying every body shown.
    folded = fold(text) if needle != needle.upper() else text
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
    conn = connection(db)
    conditions, params = _filters(since, until, section, source)
    with snapshot(conn):
        if match_expression(query) is None:
            where = " AND ".join(conditions) or "1"
            params["limit"] = -1 if limit is None else int(limit)
            docs = [(None, doc) for (doc,) in conn.execute(
                f"SELECT a.doc FROM articles a WHERE {where} ORDER BY a.published_at DESC, a.doc DESC LIMIT :limit",
                params,
            )]
        else:
            # A window smaller than the page asked for would cut the page short: then every match is ranked.
            window = rank_window if limit is not None and rank_window and limit <= rank_window else None
            docs = _ranked(conn, query, conditions, params, window, limit)
        return _results(conn, docs, query, mark)


_SCORED = (
    "a.doc, CAST(a.title AS BLOB), CAST(a.body AS BLOB), coalesce(length(a.title), 0) + coalesce(length(a.body), 0)"
)
"""What scoring reads of a candidate: the texts as UTF-8 (see tokenize.hit_counter) and their length in characters,
which is their count of index tokens (one per character)."""
_LIKE = "(a.title LIKE :like ESCAPE '\\' OR a.body LIKE :like ESCAPE '\\')"


@contextlib.contextmanager
def snapshot(conn: sqlite3.Connection):
    """One read transaction around the statements of a search, so a writer committing between them (and the queue of
    changes not yet indexed, see ``matching``) cannot make them disagree. Inside a caller's transaction, that one."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def matching(conn: sqlite3.Connection, query: str, conditions: list[str], params: dict) -> tuple[str, dict, str]:
    """``FROM … WHERE …`` over exactly the articles (as ``a``) that match a non-empty query and the conditions, its
    parameters, and the column that orders them newest first (the one the index walks).

    The index's candidates are checked with LIKE unless they are exact (``tokenize.index_is_exact``): LIKE runs in C
    on the candidates only. While some changes are not in the index yet (made by a tool other than ``Archive``: see
    fts.py), the queued articles are candidates too and every candidate is checked, which is exact whatever the
    index still holds for them.
    """
    params = {**params, "match": match_expression(query), "like": like_pattern(query)}
    if fts.has_pending(conn):
        where = "".join(f" AND {condition}" for condition in [_LIKE, *conditions])
        return (
            f"FROM articles a WHERE (a.doc IN (SELECT rowid FROM {fts.TABLE} WHERE {fts.TABLE} MATCH :match)"
            f" OR a.doc IN (SELECT doc FROM {fts.PENDING})){where}",
            params,
            "a.doc",
        )
    checks = conditions if index_is_exact(query) else [_LIKE, *conditions]
    where = "".join(f" AND {condition}" for condition in checks)
    # CROSS JOIN keeps the index as the outer loop, walked newest first: the planner must not scan articles.
    return (
        f"FROM {fts.TABLE} CROSS JOIN articles a ON a.doc = {fts.TABLE}.rowid WHERE {fts.TABLE} MATCH :match{where}",
        params,
        f"{fts.TABLE}.rowid",
    )


def _ranked(conn, query, conditions, params, window, limit) -> list[tuple[float, int]]:
    """(score, doc) of the best ``limit`` matches among the ``window`` most recent ones, best first."""
    source, params, newest = matching(conn, query, conditions, params)
    params["window"] = -1 if window is None else int(window)
    rows = None
    if len(query) == 1 and (window or not prefix_is_exact(query)):
        where = "".join(f" AND {condition}" for condition in [_LIKE, *conditions])
        rows = _newest_by_scan(conn, where, params, window, SCAN_SPAN if prefix_is_exact(query) else None)
    elif window is None and limit is not None and not _overlaps(query):
        rows = _best_in_sql(conn, query, source, params, int(limit))
    if rows is None:
        rows = conn.execute(f"SELECT {_SCORED} {source} ORDER BY {newest} DESC LIMIT :window", params)
    hits, average = hit_counter(query), fts.average_length(conn)
    scored = []
    for doc, title, body, length in rows:
        scored.append((bm25(hits(title or b""), hits(body or b""), length, average), -doc))
    best = sorted(scored) if limit is None else heapq.nsmallest(int(limit), scored)
    return [(score, -negative) for score, negative in best]


def _newest_by_scan(conn, where: str, params: dict, window: int | None, span: int | None):
    """The ``window`` most recent matches of a one-character query, found by reading the newest articles with LIKE,
    or None when the newest ``span`` articles hold fewer (``span`` None: read them all).

    FTS5 answers a prefix query by merging the lists of every token that starts with the character, which for a
    common character (的, 年) is most of the index: reading the newest articles finds its window at once. A rare
    character gives up after a bounded span and turns to the index, which finds it quickly. For x, whose prefix
    holds every hex-spelled token, the index is never quicker than reading the articles.
    """
    bound = "a.doc > (SELECT max(doc) FROM articles) - :span" if span else "1"
    rows = conn.execute(
        f"SELECT {_SCORED} FROM articles a WHERE {bound}{where} ORDER BY a.doc DESC LIMIT :window",
        {**params, "span": span},
    )
    if span is None:
        return rows
    found = rows.fetchall()
    return found if len(found) == window else None


def _overlaps(query: str) -> bool:
    """Whether two hits of the query can overlap (哈哈 in 哈哈哈): SQL's replace() would count them as one."""
    needle = fold(query)
    return any(needle[:size] == needle[-size:] for size in range(1, len(needle)))


def _best_in_sql(conn, query: str, source: str, params: dict, limit: int):
    """The ``limit`` best of every match of a query (two or more characters, hits never overlapping), ranked in SQL.

    Ranking every match for one page reads every match's text; SQL does it in C (hits counted with replace(), the
    same bm25 as ``bm25`` term by term, ties newest first), and only the page's articles come back to Python, which
    scores them again with ``bm25``: the same arithmetic, so the same order. A test holds the two to each other.
    """
    needle = fold(query)
    text = "lower({})" if needle != needle.upper() else "{}"  # LIKE folds ASCII case: only lower() when it matters
    hits = "((length(CAST({0} AS BLOB)) - length(CAST(replace({0}, :needle, '') AS BLOB))) / :needle_bytes)"
    title, body = (hits.format(text.format(f"coalesce(a.{column}, '')")) for column in ("title", "body"))
    frequency = f"(:title_weight * {title} + {body})"
    length = "(coalesce(length(a.title), 0) + coalesce(length(a.body), 0))"
    score = f"-{frequency} * :k1_1 / ({frequency} + :k1 * (:one_b + :b * {length} / :average))"
    docs = [doc for (doc,) in conn.execute(
        f"SELECT a.doc {source} ORDER BY {score}, a.doc DESC LIMIT :limit",
        {**params, "needle": needle, "needle_bytes": len(needle.encode("utf-8", "surrogatepass")), "limit": limit,
         "title_weight": fts.TITLE_WEIGHT, "k1_1": fts.K1 + 1, "k1": fts.K1, "one_b": 1 - fts.B, "b": fts.B,
         "average": fts.average_length(conn)},
    )]
    return conn.execute(
        f"SELECT {_SCORED} FROM articles a WHERE a.doc IN (SELECT value FROM json_each(:docs))",
        {"docs": json.dumps(docs)},
    )


@functools.lru_cache(maxsize=64)
def _hits(query: str):
    return hit_counter(query)


def score(query: str, title: str | None, body: str | None, average: float) -> float:
    """The ``score`` search gives an article with this title and body, for SQL that ranks by itself (Datasette's
    canned search registers it); ``average`` is ``fts.average_length``."""
    hits = _hits(query)
    title, body = title or "", body or ""
    return bm25(hits(title.encode("utf-8", "surrogatepass")), hits(body.encode("utf-8", "surrogatepass")),
                len(title) + len(body), average)


def bm25(title_hits: int, body_hits: int, length: int, average: float) -> float:
    """FTS5's bm25 for a one-phrase query, negated as FTS5 ranks (lower is better), without the phrase's IDF.

    A query is one phrase, so its IDF multiplies every hit's score alike and changes no order; leaving it out is what
    lets us rank without counting every match in the archive (see the module docstring).
    """
    frequency = fts.TITLE_WEIGHT * title_hits + body_hits
    return -frequency * (fts.K1 + 1) / (frequency + fts.K1 * (1 - fts.B + fts.B * length / average))


def _results(conn, docs: list[tuple[float | None, int]], query: str, mark) -> list[dict]:
    """The result rows for (score, doc) pairs, in their order, each with its snippet."""
    if not docs:
        return []
    columns = ", ".join(f"a.{field}" for field in RESULT_FIELDS)
    cursor = conn.execute(
        f"SELECT a.doc, {columns}, a.body FROM articles a WHERE a.doc IN (SELECT value FROM json_each(?))",
        [json.dumps([doc for _, doc in docs])],
    )
    names = [description[0] for description in cursor.description]
    found = {values[0]: dict(zip(names[1:], values[1:])) for values in cursor}
    results = []
    for score, doc in docs:
        row = found.get(doc)
        if row is None:  # deleted by a writer between the two statements
            continue
        row["score"] = score
        row["snippet"] = snippet(row.pop("body"), query, mark=mark)
        results.append(row)
    return results
