"""The schema's documentation as data (``archive/schema.json``): one source for docs/schema.md and Datasette.

tests/test_datasette.py checks that every column of a new archive is described here and that docs/schema.md is
the rendering of this file, so the three cannot drift apart.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

SCHEMA_JSON = Path(__file__).with_name("schema.json")

_HEADER = """# Archive schema

<!-- Generated from archive/schema.json by `python -m archive.schema_doc > docs/schema.md`; edit the JSON. -->

The archive is one SQLite file (default `data/news.db`) in WAL mode, created and upgraded in place by the
migrations in `archive/migrations.py` (recorded in `_sqlite_migrations`). Times written by the archive are UTC
ISO 8601 (`2026-05-14T03:34:00+00:00`); `published_at` is the portal's local time with `+08:00` (an imported
foreign page of no known site keeps the offset it states, `2023-11-06T20:03:00+00:00`). JSON columns are
text holding JSON: query them with SQLite's `json_extract` / `json_each` (see docs/analysts.md).

Any SQLite tool may read the archive and change articles (`DELETE`, `UPDATE`): plain-SQL triggers queue each change
in `articles_fts_pending`, which `archive.store.Archive` applies to the search index in its next write (or open);
until then search checks the queued articles against their text, so it stays exact.

New archives use 16 KiB pages (`archive.store.PAGE_SIZE`: an article row fills most of a 4 KiB page, so larger
pages waste less); an archive made before keeps its 4 KiB pages until converted, with no crawl running:
`sqlite3 data/news.db 'PRAGMA journal_mode = DELETE; PRAGMA page_size = 16384; VACUUM; PRAGMA journal_mode = WAL'`.
"""


@functools.cache
def tables() -> dict[str, dict]:
    return json.loads(SCHEMA_JSON.read_text(encoding="utf-8"))


def history() -> list[tuple[str, str]]:
    """(migration name, what it did) for every migration, oldest first."""
    from archive.sqlite_utils_lite import Database

    from archive.migrations import migrations

    return [(m.name, " ".join((m.fn.__doc__ or "").split())) for m in migrations.pending(Database(memory=True))]


def markdown() -> str:
    parts = [_HEADER]
    for name, table in tables().items():
        parts.append(f"\n## `{name}`\n\n{table['description']}\n\n| column | meaning |\n|---|---|")
        for column, meaning in table["columns"].items():
            parts.append(f"| `{column}` | {meaning} |")
    parts.append("\n## History of changes\n\nEach migration runs once per archive, in this order.\n")
    parts.extend(f"- `{name}`: {doc}" for name, doc in history())
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
