"""Takedown: an article removed from the archive, with its earlier versions and its search rows, in one transaction.

The raw capture stays in the WARC files unless asked (``purge_raw``): the archive is a record of what was fetched,
and a takedown of the clean text (a correction, a legal request about republication) need not erase the evidence.
When the raw page must go too, each WARC file that holds one of the article's records is rewritten without them
(``warc_purge``, checked by ``warcio check``), and the pointers of every other record in those files move with them.
All of it happens in the database transaction; the rewritten files replace the old ones just before it commits, and
a failure before that leaves both the archive and the files as they were.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive import warc_purge
from archive.store import Archive

_TABLES = (("articles", "id"), ("article_versions", "article_id"))


@dataclass
class Takedown:
    deleted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    versions: int = 0
    warc_records: int = 0
    warc_files: list[str] = field(default_factory=list)
    kept_shared: int = 0
    """Raw records not purged because an article that stays points at them too."""

    def as_dict(self) -> dict:
        return {"deleted": self.deleted, "missing": self.missing, "versions": self.versions,
                "warc_records_removed": self.warc_records, "warc_files_rewritten": self.warc_files,
                "warc_records_kept_shared": self.kept_shared}


def _pointed(archive: Archive, ids: str, inside: bool) -> set[tuple[str, int]]:
    """(warc_file as stored, offset) of the rows of these articles (``inside``) or of every other article."""
    test = "IN" if inside else "NOT IN"
    found = set()
    for table, key in _TABLES:
        found.update(archive.conn.execute(
            f"SELECT warc_file, warc_offset FROM {table} WHERE warc_file IS NOT NULL"
            f" AND {key} {test} (SELECT value FROM json_each(?))", [ids]))
    return found


def delete(archive: Archive, ids: Sequence[str], purge_raw: bool = False) -> Takedown:
    """Delete the articles with these ids (unknown ids are reported, not an error), in one transaction."""
    result = Takedown()
    chosen = json.dumps(list(dict.fromkeys(ids)))
    rewritten: list[tuple[Path, Path]] = []
    try:
        with archive.batch():
            present = {row[0] for row in archive.conn.execute(
                "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))", [chosen])}
            result.deleted = [i for i in json.loads(chosen) if i in present]
            result.missing = [i for i in json.loads(chosen) if i not in present]
            doomed = _pointed(archive, chosen, inside=True) if purge_raw else set()
            result.versions = archive.conn.execute(
                "DELETE FROM article_versions WHERE article_id IN (SELECT value FROM json_each(?))", [chosen]
            ).rowcount
            archive.conn.execute("DELETE FROM articles WHERE id IN (SELECT value FROM json_each(?))", [chosen])
            if doomed:
                shared = doomed & _pointed(archive, chosen, inside=False)
                result.kept_shared = len(shared)
                rewritten = _purge(archive, doomed - shared, result)
            for new, old in rewritten:  # last, so that nothing after it can fail before the commit
                os.replace(new, old)
            rewritten = []
    finally:
        for new, _ in rewritten:
            new.unlink(missing_ok=True)
    return result


def _file(archive: Archive, stored: str) -> Path:
    """The WARC file a stored ``warc_file`` names, resolved as the archive resolves its pointers."""
    return Path(archive.warc_pointer({"warc_file": stored, "warc_offset": 0, "warc_length": 0, "warc_digest": None}).file)


def _purge(archive: Archive, records: set[tuple[str, int]], result: Takedown) -> list[tuple[Path, Path]]:
    """Rewrite each file without its records and move the pointers into it; returns (new file, old file) pairs."""
    by_file: dict[str, set[int]] = defaultdict(set)
    for stored, offset in records:
        by_file[stored].add(offset)
    pairs = []
    try:
        for stored, offsets in sorted(by_file.items()):
            path = _file(archive, stored)
            new, moved = warc_purge.without(path, offsets)
            pairs.append((new, path))
            # Offsets only move down, so going up through them never moves a row twice.
            for old, now in sorted(moved.items()):
                if old != now:
                    for table, _ in _TABLES:
                        archive.conn.execute(
                            f"UPDATE {table} SET warc_offset = ? WHERE warc_file = ? AND warc_offset = ?",
                            [now, stored, old],
                        )
            result.warc_records += len(offsets)
            result.warc_files.append(stored)
    except BaseException:
        for new, _ in pairs:
            new.unlink(missing_ok=True)
        raise
    return pairs
