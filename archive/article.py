"""One article as a reader wants it: its fields, its text as paragraphs, its earlier versions with what each
correction changed, and what the cleaner did to the text, in words (``explain``).

The search app's article page shows this; a command that prints one article can print the same dict as JSON. It
takes an Archive, a sqlite-utils Database or a (read-only) sqlite3 connection.
"""

from __future__ import annotations

import json
from typing import Any

from archive.explain import explain, parse_quality
from archive.rows import query_rows
from archive.search import connection
from archive.store import CONTENT_FIELDS


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs (stored one per line), without empty ones."""
    return [line.strip() for line in (body or "").split("\n") if line.strip()]


def resolve(db: Any, prefix: str) -> str:
    """The one article id that starts with ``prefix`` (ids are 16 hex digits; a reader copies a few), else
    LookupError saying whether none or several match."""
    prefix = prefix.strip().lower()
    if not prefix:
        raise LookupError("an article id is needed")
    found = [row[0] for row in connection(db).execute(
        "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 6", [prefix, prefix + "\uffff"])]
    if not found:
        raise LookupError(f"no article id starts with {prefix!r}")
    if len(found) > 1 and prefix not in found:
        shown = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        raise LookupError(f"{prefix!r} is the start of several ids ({shown}): give more of it")
    return prefix if prefix in found else found[0]


def lookup(db: Any, article_id: str) -> dict | None:
    """The article with ``paragraphs``, ``images`` (a list) and ``quality`` (a dict), ``versions`` (the earlier
    texts, oldest first, each with ``changed``: the fields the next version changed, and its ``paragraphs``) and
    ``notes`` (sentences on its decoding, repairs, boilerplate and origin); None when there is no such article."""
    conn = connection(db)
    found = query_rows(conn.execute("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not found:
        return None
    article = found[0]
    versions = query_rows(conn.execute(
        "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version", [article_id]))
    for older, newer in zip(versions, [*versions[1:], article]):
        older["changed"] = [field for field in CONTENT_FIELDS if older.get(field) != newer.get(field)]
        older["paragraphs"] = paragraphs(older.get("body"))
    article.update(
        paragraphs=paragraphs(article.get("body")),
        images=_images(article.get("images")),
        quality=parse_quality(article.get("quality")),
        versions=versions,
        notes=explain(article.get("quality"), article.get("mirror_of")),
    )
    return article


def _images(value: Any) -> list[str]:
    try:
        images = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(url) for url in images] if isinstance(images, list) else []
