"""Archive benchmark: ingest rate with the search index, size per article, and search latency beside a LIKE scan.

The archive is built here from replica-style stories (``replica.text``), so the text has the portal's vocabulary
and figures. Queries are random runs of 2, 3 and 4 hanzi cut from stored titles and bodies, as an analyst types
words seen in articles. The replica's text comes from sentence templates, so many queries match about half of the
articles (the hard case for ranking) and others only a few hundred: the spread of match counts is printed.

The search side is ``archive.search.search`` as the CLI runs it (top 20 by bm25 among the most recently archived
matches, with snippets), and beside it with every match ranked (``rank_window=None``, the CLI's ``--rank-all``).
Each query is timed ``REPEATS`` times, interleaved with the others, and its median kept: the machine is shared and
noisy. The scan side is what one would do without an index: ``title LIKE '%q%' OR body LIKE '%q%'`` over every row,
in the same run. Each scanned query also checks that search finds exactly the scan's set (``limit=None``).

Run alone: ``python -m bench.archive --n 100000`` (CI never runs it); ``--db PATH`` keeps the archive there and
reuses it on the next run, to compare search changes on the same data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from archive import fts
from archive.search import search
from archive.store import Archive
from archive.tokenize import like_pattern, match_expression

BATCH = 1000
QUERIES_PER_LENGTH = 40
REPEATS = 5
SCANS_PER_LENGTH = 8
TARGET_MS = 50.0
TARGET_RATIO = 50.0


def _records(n: int, seed: int):
    from replica.text import story

    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 8)
    sections = ["新闻 › 重庆新闻", "新闻 › 头条新闻", "新闻 › 央媒关注", "体育"]
    for i in range(n):
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


def _hanzi_run(text: str, length: int, rng: random.Random) -> str | None:
    for _ in range(20):
        start = rng.randrange(0, max(1, len(text) - length + 1))
        piece = text[start : start + length]
        if len(piece) == length and all("\u4e00" <= char <= "\u9fff" for char in piece):
            return piece
    return None


def _queries(arc: Archive, n: int, length: int, count: int, rng: random.Random) -> list[str]:
    """Runs of hanzi cut from the title or the body (even odds) of random stored articles."""
    queries: list[str] = []
    while len(queries) < count:
        field = rng.choice(["title", "body"])
        (text,) = arc.conn.execute(f"SELECT {field} FROM articles WHERE doc = ?", [rng.randint(1, n)]).fetchone()
        piece = _hanzi_run(text or "", length, rng)
        if piece:
            queries.append(piece)
    return queries


def _matches(arc: Archive, query: str) -> int:
    """How many articles match: counted on the index, which the same-sets check below holds to the scan."""
    sql = f"SELECT count(*) FROM {fts.TABLE} WHERE {fts.TABLE} MATCH ?"
    return arc.conn.execute(sql, [match_expression(query)]).fetchone()[0]


def _timed(function, queries: list[str], repeats: int) -> list[float]:
    """Each query's median time in ms over ``repeats`` interleaved rounds."""
    rounds = [[_ms(function, query)[0] for query in queries] for _ in range(repeats)]
    return [statistics.median(times) for times in zip(*rounds)]


def _ms(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def _scan(arc: Archive, query: str) -> set[str]:
    pattern = like_pattern(query)
    rows = arc.conn.execute(
        "SELECT id FROM articles WHERE title LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\'", [pattern]
    )
    return {row[0] for row in rows}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _spread(values: list[int]) -> str:
    low, quartile, median, upper, high = (sorted(values)[round(f * (len(values) - 1))] for f in (0, .25, .5, .75, 1))
    return f"{low}/{quartile}/{median}/{upper}/{high}"


def _build(path: Path, n: int, seed: int) -> list[str]:
    with Archive(path) as arc:
        records = _records(n, seed)
        started = time.perf_counter()
        while True:
            chunk = [record for _, record in zip(range(BATCH), records)]
            if not chunk:
                break
            arc.upsert_many(chunk, run_id=None)
        elapsed = time.perf_counter() - started
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return [f"articles: {n}, ingest {n / elapsed:,.0f} articles/s with the search index ({elapsed:.1f} s)"]


def run(n: int = 100_000, seed: int = 5, db: str | None = None) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as folder:
        path = Path(db) if db else Path(folder) / "bench.db"
        lines = [f"reusing {path}"] if path.exists() else _build(path, n, seed)
        with Archive(path) as arc:
            n = arc.db["articles"].count
            size = path.stat().st_size
            text_bytes = arc.conn.execute("SELECT sum(length(CAST(body AS BLOB))) FROM articles").fetchone()[0]
            lines.append(
                f"database: {size / 1e6:,.1f} MB, {size / n / 1024:.1f} KiB per article "
                f"(body text alone {text_bytes / n / 1024:.1f} KiB)"
            )
            rng = random.Random(seed)
            lines.append(
                "query    search median/p95 ms    rank-all median/p95 ms   LIKE scan median ms   scan/search"
                f"   matches min/q1/median/q3/max   same sets   (search: {QUERIES_PER_LENGTH} queries x {REPEATS})"
            )
            for length in (2, 3, 4):
                queries = _queries(arc, n, length, QUERIES_PER_LENGTH, rng)
                timings = _timed(lambda q: search(arc, q), queries, REPEATS)
                full = _timed(lambda q: search(arc, q, rank_window=None), queries, 1)
                matches = [_matches(arc, query) for query in queries]
                scans, same = [], 0
                for query in queries[:SCANS_PER_LENGTH]:
                    scan_ms, scan_ids = _ms(_scan, arc, query)
                    scans.append(scan_ms)
                    same += {row["id"] for row in search(arc, query, limit=None)} == scan_ids
                median, p95, scan_median = statistics.median(timings), _p95(timings), statistics.median(scans)
                verdict = "ok" if median < TARGET_MS and scan_median / median >= TARGET_RATIO else "MISSED TARGET"
                lines.append(
                    f"{length} chars  {median:9.1f} / {p95:6.1f}"
                    f"      {statistics.median(full):9.1f} / {_p95(full):6.1f}"
                    f"      {scan_median:12.1f}      {scan_median / median:9.0f}x"
                    f"   {_spread(matches):>30}     {same}/{len(scans)}  {verdict}"
                )
            singles = [_ms(search, arc, q)[0] for q in "的重庆年x"]
            lines.append(f"1 char (的 重 庆 年 x): median {statistics.median(singles):.1f} ms, max {max(singles):.1f} ms")
            lines.append(f"target: median < {TARGET_MS:.0f} ms and >= {TARGET_RATIO:.0f}x faster than the scan")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to build (default 100000)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--db", help="keep the archive at this path, and reuse it if it exists")
    arguments = parser.parse_args()
    for line in run(arguments.n, arguments.seed, arguments.db):
        print(line, flush=True)
