"""Archive benchmark at scale: search latency beside a LIKE scan, bytes per article, ingest rate, stats and export.

The archive is built from replica-style stories (``replica.text``), so the text has the portal's vocabulary and
figures, and cached between runs (``--cache``, default ``~/.cache/newsarchive/bench``) under a name keyed by the
article count, the seed and the schema (the migrations, the index definition and the page size): building a million articles
takes a while, so a second run reuses it, and a schema change builds anew.

- Search: queries of 1 to 4 characters and phrases of 5 to 8, cut from stored titles and bodies (runs of hanzi), as
  an analyst types words seen in articles. The replica's text comes from sentence templates, so many queries match
  about half of the articles (the hard case for ranking) and others a few hundred: the spread of match counts is
  printed. ``archive.search.search`` runs as the CLI runs it (top 20 by bm25 among the most recent matches, with
  snippets); each query is timed ``REPEATS`` times, interleaved with the others, and its median kept (the machine is
  shared and noisy). Beside it, what one would do without an index: ``title LIKE '%q%' OR body LIKE '%q%'`` over
  every row, on a sample of the queries, each of which also checks that search finds exactly the scan's set.
- Size: the file's bytes per article, split (``dbstat``) into the text of titles and bodies, the search index
  (``articles_fts*``), and everything else (metadata columns, b-tree indexes, page slack).
- Ingest: articles/s through ``Archive.upsert_many`` with the index, on a fresh archive of ``INGEST_SAMPLE``
  articles each run (and the rate of the cached build, when it was built).
- ``newsarchive stats`` and ``newsarchive export`` over the whole archive, as processes, start-up included.

Run: ``python -m bench archive --articles 1000000`` (``make bench`` runs 100,000). Targets are printed with a mark;
a benchmark never fails on time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from archive import fts
from archive.migrations import migrations
from archive.search import search
from archive.store import PAGE_SIZE, Archive
from archive.tokenize import like_pattern, match_expression

BATCH = 1000
LENGTHS = (1, 2, 3, 4, "phrase")
QUERIES_PER_LENGTH = 30
REPEATS = 5
SCANS_PER_LENGTH = 5
INGEST_SAMPLE = 20_000
TARGET_MS = 20.0
TARGET_RATIO = 100.0
TARGET_KIB = 4.0
TARGET_INGEST = 2000.0
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsarchive" / "bench"


def records(n: int, seed: int, start_at: int = 0):
    """``n`` replica-style article records, the same for the same seed."""
    from replica.text import story

    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 8)
    sections = ["新闻 › 重庆新闻", "新闻 › 头条新闻", "新闻 › 央媒关注", "体育"]
    for i in range(start_at, start_at + n):
        published = start + timedelta(minutes=37 * i)
        tale = story(rng, published)
        yield {
            "id": f"{i:016x}",
            "url": f"https://www.cbg.cn/show/705-{i}.html",
            "canonical_url": f"https://www.cbg.cn/show/705-{i}.html",
            "site": "cbg.cn",
            "section": sections[i % len(sections)],
            "title": tale.title,
            "published_at": published.isoformat() + "+08:00",
            "source": tale.source,
            "author": tale.author,
            "editor": tale.editor,
            "body": tale.body,
            "images": [],
            "extractor": "profile:2020",
            "quality": {"repairs": {}, "repaired": False},
        }


def ingest(path: Path, source) -> float:
    """Store the records in batches as a bulk import does; returns articles/s."""
    count, started = 0, time.perf_counter()
    with Archive(path) as arc:
        while True:
            chunk = [record for _, record in zip(range(BATCH), source)]
            if not chunk:
                break
            arc.upsert_many(chunk, run_id=None)
            count += len(chunk)
        elapsed = time.perf_counter() - started
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return count / elapsed


def schema_key() -> str:
    """What the cached archive's shape depends on: the migrations, the index's definition and the page size."""
    shape = json.dumps([[m.name for m in migrations._migrations], fts._CREATE_TABLE, fts._CREATE_TRIGGERS, PAGE_SIZE])
    return hashlib.sha256(shape.encode()).hexdigest()[:10]


def cached(n: int, seed: int, cache: Path) -> tuple[Path, list[str]]:
    """The archive of ``n`` articles for this seed and schema, built if the cache lacks it."""
    path = cache / f"archive-{n}-{seed}-{schema_key()}.db"
    notes = path.with_suffix(".json")
    if path.exists() and notes.exists():
        built = json.loads(notes.read_text())
        return path, [f"reusing {path} (built at {built['ingest']:,.0f} articles/s in {built['seconds']:,.0f} s)"]
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for leftover in cache.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    rate = ingest(partial, records(n, seed))
    seconds = time.perf_counter() - started
    partial.rename(path)
    notes.write_text(json.dumps({"ingest": rate, "seconds": seconds}))
    return path, [f"built {path}: {n:,} articles at {rate:,.0f} articles/s ({seconds:,.0f} s)"]


def sizes(arc: Archive) -> dict[str, float]:
    """Bytes per article of the file, the text, the index and the rest (``dbstat`` when compiled in)."""
    conn = arc.conn
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0] or 1
    total = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    text = conn.execute(
        "SELECT sum(coalesce(length(CAST(title AS BLOB)), 0) + coalesce(length(CAST(body AS BLOB)), 0)) FROM articles"
    ).fetchone()[0] or 0
    try:
        index = conn.execute(f"SELECT sum(pgsize) FROM dbstat WHERE name LIKE '{fts.TABLE}%'").fetchone()[0] or 0
        how = "dbstat"
    except Exception:  # noqa: BLE001 - SQLite built without dbstat: count the index's pages another way
        index = conn.execute(f"SELECT sum(length(block)) FROM {fts.TABLE}_data").fetchone()[0] or 0
        how = "block bytes"
    return {"total": total / n, "text": text / n, "index": index / n, "metadata": (total - text - index) / n,
            "how": how}


def _hanzi_run(text: str, length: int, rng: random.Random) -> str | None:
    for _ in range(20):
        start = rng.randrange(0, max(1, len(text) - length + 1))
        piece = text[start : start + length]
        if len(piece) == length and all("\u4e00" <= char <= "\u9fff" for char in piece):
            return piece
    return None


def queries(arc: Archive, n: int, length, count: int, rng: random.Random) -> list[str]:
    """Runs of hanzi cut from the title or the body (even odds) of random stored articles; a phrase is 5–8."""
    found: list[str] = []
    while len(found) < count:
        field = rng.choice(["title", "body"])
        (text,) = arc.conn.execute(f"SELECT {field} FROM articles WHERE doc = ?", [rng.randint(1, n)]).fetchone()
        size = rng.randint(5, 8) if length == "phrase" else length
        piece = _hanzi_run(text or "", size, rng)
        if piece:
            found.append(piece)
    return found


def candidates(arc: Archive, query: str) -> int:
    """How many articles the index offers for a query (matches, or a superset for 3+ characters)."""
    sql = f"SELECT count(*) FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?"
    return arc.conn.execute(sql, [match_expression(query)]).fetchone()[0]


def _timed(function, items: list[str], repeats: int) -> list[float]:
    """Each item's median time in ms over ``repeats`` interleaved rounds."""
    rounds = [[_ms(function, item)[0] for item in items] for _ in range(repeats)]
    return [statistics.median(times) for times in zip(*rounds)]


def _ms(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def scan(arc: Archive, query: str) -> set[str]:
    rows = arc.conn.execute(
        "SELECT id FROM articles WHERE title LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\'", [like_pattern(query)]
    )
    return {row[0] for row in rows}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _spread(values: list[int]) -> str:
    low, quartile, median, upper, high = (sorted(values)[round(f * (len(values) - 1))] for f in (0, .25, .5, .75, 1))
    return f"{low}/{quartile}/{median}/{upper}/{high}"


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _command(*args: str) -> float:
    """Seconds a ``newsarchive`` command takes as a process (output discarded)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsarchive", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def search_lines(arc: Archive, n: int, seed: int) -> tuple[list[str], bool]:
    rng = random.Random(seed)
    lines = [f"query      search median/p95 ms   LIKE scan median ms   scan/search   index candidates"
             f" min/q1/median/q3/max   same sets   ({QUERIES_PER_LENGTH} queries x {REPEATS}, scans on {SCANS_PER_LENGTH})"]
    met = True
    for length in LENGTHS:
        sample = queries(arc, n, length, QUERIES_PER_LENGTH, rng)
        timings = _timed(lambda q: search(arc, q), sample, REPEATS)
        counts = [candidates(arc, query) for query in sample]
        scans, same = [], 0
        for query in sample[:SCANS_PER_LENGTH]:
            scan_ms, scan_ids = _ms(scan, arc, query)
            scans.append(scan_ms)
            same += {row["id"] for row in search(arc, query, limit=None)} == scan_ids
        median, p95, scan_median = statistics.median(timings), _p95(timings), statistics.median(scans)
        label = f"{length} char{'s' if length != 1 else ' '}" if length != "phrase" else "phrase 5-8"
        targeted = length in (2, 3, 4)
        ok = median < TARGET_MS and scan_median / median >= TARGET_RATIO and same == len(scans)
        met &= ok or not targeted
        verdict = mark(ok) if targeted else ("equal sets" if same == len(scans) else "SETS DIFFER")
        lines.append(
            f"{label:<10} {median:9.1f} / {p95:7.1f}   {scan_median:15.1f}   {scan_median / median:9.0f}x"
            f"   {_spread(counts):>36}   {same}/{len(scans)}   {verdict}"
        )
    return lines, met


def run(articles: int = 100_000, seed: int = 5, cache: str | os.PathLike | None = None) -> list[str]:
    path, lines = cached(articles, seed, Path(cache) if cache else DEFAULT_CACHE)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        sample = min(INGEST_SAMPLE, articles)
        # Made before the clock starts: the rate is the archive's, not the story generator's.
        rate = ingest(Path(folder) / "ingest.db", iter(list(records(sample, seed + 1))))
    with Archive(path) as arc:
        n = arc.db["articles"].count
        size = sizes(arc)
        found, search_met = search_lines(arc, n, seed)
    lines.append(f"articles: {n:,}")
    lines += found
    lines.append(
        f"size per article: {size['total'] / 1024:.2f} KiB = text {size['text'] / 1024:.2f} (titles and bodies)"
        f" + index {size['index'] / 1024:.2f} + metadata and the rest {size['metadata'] / 1024:.2f}"
        f" ({size['how']})   target <= {TARGET_KIB:.0f} KiB: {mark(size['total'] / 1024 <= TARGET_KIB)}"
    )
    lines.append(f"ingest: {rate:,.0f} articles/s with the search index (fresh archive of {sample:,})"
                 f"   target >= {TARGET_INGEST:,.0f}: {mark(rate >= TARGET_INGEST)}")
    stats_s = _command("stats", "--db", str(path))
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        jsonl_s = _command("export", "--db", str(path), "-o", os.devnull)
        parquet_s = _command("export", "--db", str(path), "--format", "parquet", "-o", str(Path(folder) / "a.parquet"))
    lines.append(f"newsarchive stats: {stats_s:.1f} s   export jsonl: {jsonl_s:.1f} s ({n / jsonl_s:,.0f} articles/s)"
                 f"   export parquet: {parquet_s:.1f} s ({n / parquet_s:,.0f} articles/s)   (processes, start-up included)")
    lines.append(f"targets: search median < {TARGET_MS:.0f} ms for 2-4 characters, >= {TARGET_RATIO:.0f}x the LIKE scan,"
                 f" equal sets: {mark(search_met)}")
    return lines


def main(argv: list[str]) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench archive", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size (default 100000)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--cache", help=f"where built archives are kept (default {DEFAULT_CACHE})")
    arguments = parser.parse_args(argv)
    return run(arguments.articles, arguments.seed, arguments.cache)


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line, flush=True)
