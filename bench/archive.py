"""Archive benchmark: ingest rate with the search index, size per article, and search latency beside a LIKE scan.

The archive is built here from replica-style stories (``replica.text``), so the text has the portal's vocabulary
and figures. Queries are random runs of 2, 3 and 4 hanzi cut from stored bodies, as an analyst types words.
The search side is ``archive.search.search`` as the CLI runs it (top 20 by bm25 among the 2,000 most recently
archived matches, with snippets), and beside it with every match ranked (``rank_window=None``). The scan side is
what one would do without an index: ``title LIKE '%q%' OR body LIKE '%q%'`` over every row, in the same run. Each
scanned query also checks that search finds exactly the scan's set (``limit=None``).

The replica's text is built from sentence templates, so a typical 2–4 character query matches about half of the
articles: the hard case for ranking, which is why the match counts are printed too.

Run alone: ``python -m bench.archive --n 100000`` (CI never runs it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from archive.search import search
from archive.store import Archive
from archive.tokenize import like_pattern

BATCH = 1000
QUERIES_PER_LENGTH = 40
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
        start = rng.randrange(0, max(1, len(text) - length))
        piece = text[start : start + length]
        if len(piece) == length and all("\u4e00" <= char <= "\u9fff" for char in piece):
            return piece
    return None


def _queries(arc: Archive, n: int, length: int, count: int, rng: random.Random) -> list[str]:
    queries: list[str] = []
    while len(queries) < count:
        (body,) = arc.conn.execute("SELECT body FROM articles WHERE doc = ?", [rng.randint(1, n)]).fetchone()
        piece = _hanzi_run(body, length, rng)
        if piece:
            queries.append(piece)
    return queries


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


def run(n: int = 100_000, seed: int = 5) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as folder:
        path = Path(folder) / "bench.db"
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
            size = path.stat().st_size
            text_bytes = arc.conn.execute("SELECT sum(length(CAST(body AS BLOB))) FROM articles").fetchone()[0]
            lines.append(f"articles: {n}, ingest {n / elapsed:,.0f} articles/s with the search index ({elapsed:.1f} s)")
            lines.append(
                f"database: {size / 1e6:,.1f} MB, {size / n / 1024:.1f} KiB per article "
                f"(body text alone {text_bytes / n / 1024:.1f} KiB)"
            )
            rng = random.Random(seed)
            lines.append(
                "query    search median/p95 ms   full-bm25 median/p95 ms   LIKE scan median ms   scan/search"
                "   median matches   same sets"
            )
            for length in (2, 3, 4):
                queries = _queries(arc, n, length, QUERIES_PER_LENGTH, rng)
                timings = [_ms(search, arc, q)[0] for q in queries]
                full = [_ms(lambda q: search(arc, q, rank_window=None), q)[0] for q in queries]
                scans, same, matches = [], 0, []
                for query in queries[:SCANS_PER_LENGTH]:
                    scan_ms, scan_ids = _ms(_scan, arc, query)
                    scans.append(scan_ms)
                    matches.append(len(scan_ids))
                    same += {row["id"] for row in search(arc, query, limit=None)} == scan_ids
                median, p95, scan_median = statistics.median(timings), _p95(timings), statistics.median(scans)
                verdict = "ok" if median < TARGET_MS and scan_median / median >= TARGET_RATIO else "MISSED TARGET"
                lines.append(
                    f"{length} chars  {median:9.1f} / {p95:6.1f}"
                    f"      {statistics.median(full):9.1f} / {_p95(full):6.1f}"
                    f"      {scan_median:12.1f}      {scan_median / median:9.0f}x   {statistics.median(matches):10.0f}"
                    f"     {same}/{len(scans)}  {verdict}"
                )
            singles = [_ms(search, arc, q)[0] for q in "的重庆年x"]
            lines.append(f"1 char (的 重 庆 年 x): median {statistics.median(singles):.1f} ms, max {max(singles):.1f} ms")
            lines.append(f"target: median < {TARGET_MS:.0f} ms and >= {TARGET_RATIO:.0f}x faster than the scan")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to build (default 100000)")
    parser.add_argument("--seed", type=int, default=5)
    arguments = parser.parse_args()
    for line in run(arguments.n, arguments.seed):
        print(line, flush=True)
