"""One article as a reader wants it: its fields, its text as paragraphs, its earlier versions with what each
correction changed, and what the cleaner did to the text, in words (``explain``).

The search app's article page shows this; a command that prints one article can print the same dict as JSON. It
takes an Archive, a sqlite-utils Database or a (read-only) sqlite3 connection.
"""

from __future__ import annotations

import json
from typing import Any

from archive.explain import explain, parse_quality
from archive.search import connection
from archive.store import CONTENT_FIELDS


def _dicts(cursor) -> list[dict]:
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs (stored one per line), without empty ones."""
    return [line.strip() for line in (body or "").split("\n") if line.strip()]


def lookup(db: Any, article_id: str) -> dict | None:
    """The article with ``paragraphs``, ``images`` (a list) and ``quality`` (a dict), ``versions`` (the earlier
    texts, oldest first, each with ``changed``: the fields the next version changed, and its ``paragraphs``) and
    ``notes`` (sentences on its decoding, repairs, boilerplate and origin); None when there is no such article."""
    conn = connection(db)
    found = _dicts(conn.execute("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not found:
        return None
    article = found[0]
    versions = _dicts(conn.execute(
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
