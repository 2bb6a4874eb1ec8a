"""Search equals LIKE, ranks titles first, snippets from the real text, and the index follows every write."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import fts
from archive.search import search, snippet
from archive.store import Archive
from archive.tokenize import fold, hit_counter, like_pattern, match_expression, shadow

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text(encoding="utf-8"))

# Pieces that put every tokenization boundary in play: hanzi, digits with points and percent, Latin in both cases,
# the letter x (the hex spelling's first letter), LIKE's wildcards and escape, full-width and accented letters,
# ASCII and CJK punctuation, spaces and newlines.
PIECES = [
    *"重庆 新闻 媒体 融合 发展 今年 9月 中共 中央 办公厅 印发 意见 加快 推进 深度 群众 路线 主战场 主力军 视界网 记者".split(),
    *"年 月 日 亿 次 的 了 在 是".split(),
    "2020", "10", "22", "9.83", "32%", "1,000", "10:30", "App", "APP", "app", "Xinhua", "x", "X", "xx",
    "%", "_", "\\", "Ａ", "ａ", "É", "é", "，", "。", "、", "“", "”", "（", "）", "(", ")", ".", ",", ":",
    " ", "  ", "\n", "-", "/", "↓↓↓",
]


def _text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(low, high)))


def _records(n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "id": f"a{i:05d}",
            "url": f"https://www.cbg.cn/show/705-{i}.html",
            "title": _text(rng, 2, 12),
            "body": _text(rng, 5, 60),
            "section": rng.choice(["新闻 › 重庆新闻", "新闻 › 央媒关注", "体育"]),
            "source": rng.choice(["视界网", "重庆日报", "新华社"]),
            "published_at": f"2020-10-{rng.randint(1, 28):02d}T08:00:00+08:00",
        }
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("search") / "news.db") as opened:
        opened.upsert_many(_records(2000), run_id=None)
        yield opened


def like_ids(archive: Archive, query: str) -> set[str]:
    pattern = like_pattern(query)
    rows = archive.conn.execute(
        "SELECT id FROM articles WHERE title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\'", [pattern, pattern]
    )
    return {row[0] for row in rows}


def search_ids(archive: Archive, query: str) -> set[str]:
    return {row["id"] for row in search(archive, query, limit=None)}


@pytest.mark.parametrize("case", CASES["match_expression"], ids=lambda case: case["label"])
def test_match_expression(case):
    assert match_expression(case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", CASES["snippet"], ids=lambda case: case["label"])
def test_snippet(case):
    assert snippet(**case["input"]) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", CASES["hit_counter"], ids=lambda case: case["label"])
def test_hit_counter(case):
    text = case["input"]["text"].encode("utf-8")
    assert hit_counter(case["input"]["query"])(text) == case["expected"], case["comment"]


def test_average_length_is_the_archives(archive):
    (average,) = archive.conn.execute("SELECT avg(length(title) + length(body)) FROM articles").fetchone()
    assert fts.average_length(archive.conn) == pytest.approx(average, rel=1e-12)


@st.composite
def substrings(draw, records=_records(2000)):
    record = draw(st.sampled_from(records))
    text = record[draw(st.sampled_from(["title", "body"]))]
    length = draw(st.integers(min_value=2, max_value=min(10, len(text))))
    start = draw(st.integers(min_value=0, max_value=len(text) - length))
    query = text[start : start + length]
    # Vary ASCII case too: LIKE folds it, so search must.
    return query.swapcase() if draw(st.booleans()) and query.isascii() else query


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=substrings())
def test_search_equals_like_on_substrings(archive, query):
    expected = like_ids(archive, query)
    assert expected, "a substring of a stored text matches at least its own article"
    assert search_ids(archive, query) == expected


@pytest.fixture(scope="module")
def positional(archive):
    """A positional FTS5 index (``detail=full``) of the same shadows in memory, whose bm25 is FTS5's own."""
    reference = sqlite3.connect(":memory:")
    reference.execute("CREATE VIRTUAL TABLE ref USING fts5(id UNINDEXED, title, body, tokenize='ascii')")
    reference.executemany("INSERT INTO ref (id, title, body) VALUES (?, ?, ?)",
                          [(id_, shadow(title), shadow(body))
                           for id_, title, body in archive.conn.execute("SELECT id, title, body FROM articles")])
    yield reference
    reference.close()


def fts5_ranks(positional, query: str) -> dict[str, float]:
    """FTS5's own bm25 rank of every match of the query as a phrase of its bigrams, with titles weighted."""
    folded = fold(query)
    phrase = '"' + " ".join(match_expression(folded[i:i + 2]).strip('"') for i in range(len(folded) - 1)) + '"'
    rows = positional.execute(f"SELECT id, bm25(ref, 0, {fts.TITLE_WEIGHT}, 1.0) FROM ref WHERE ref MATCH ?",
                              [phrase])
    return dict(rows.fetchall())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=substrings())
def test_score_is_fts5_bm25_without_the_idf(archive, positional, query):
    ranks = fts5_ranks(positional, query)
    rows = search(archive, query, limit=None)
    assert {row["id"] for row in rows} == set(ranks)
    # FTS5's bm25 multiplies every score of a one-phrase query by the same IDF (floored at 1e-6).
    total, matches = archive.db["articles"].count, len(ranks)
    idf = max(math.log((total - matches + 0.5) / (matches + 0.5)), 1e-6)
    for row in rows:
        assert math.isclose(row["score"] * idf, ranks[row["id"]], rel_tol=1e-9), row["id"]
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores), "best first"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=substrings(), section=st.sampled_from([None, "央媒"]))
def test_a_page_ranked_among_all_matches_is_the_head_of_all_matches(archive, query, section):
    # SQL picks this page (see search._best_in_sql); every match is ranked by ours in Python.
    everything = search(archive, query, section=section, limit=None)
    page = search(archive, query, section=section, limit=10, rank_window=None)
    assert [(row["id"], row["score"]) for row in page] == [(row["id"], row["score"]) for row in everything[:10]]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join).filter(lambda q: len(q) >= 2))
def test_search_equals_like_on_made_up_queries(archive, query):
    assert search_ids(archive, query) == like_ids(archive, query)


@pytest.mark.parametrize("char", sorted({c for piece in PIECES for c in piece} | {"x", "X", "Q"}))
def test_one_character_queries_equal_like(archive, char):
    assert search_ids(archive, char) == like_ids(archive, char)


def windowed_reference(archive: Archive, query: str, limit: int, window: int) -> list[str]:
    """The best ``limit`` of the ``window`` most recent matches, picked from every match ranked."""
    pattern = like_pattern(query)
    sql = ("SELECT id FROM articles WHERE title LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\'"
           " ORDER BY doc DESC LIMIT ?2")
    recent = {row[0] for row in archive.conn.execute(sql, [pattern, window])}
    docs = dict(archive.conn.execute("SELECT id, doc FROM articles"))
    ranked = [row for row in search(archive, query, limit=None) if row["id"] in recent]
    return [row["id"] for row in sorted(ranked, key=lambda row: (row["score"], -docs[row["id"]]))[:limit]]


@pytest.mark.parametrize("window", [10, 1000])
@pytest.mark.parametrize("query", ["的", "重", "x", "%", "9", "Q", "年9月", "重庆", "，", "APP"])
def test_first_page_is_the_best_of_the_most_recent_matches(archive, query, window):
    # A one-character query finds a window of 10 by reading the newest articles; 的 and 重 have fewer than 1,000
    # matches here, so that window comes from the index.
    page = [row["id"] for row in search(archive, query, limit=5, rank_window=window)]
    assert page == windowed_reference(archive, query, 5, window)


def test_empty_query_lists_everything_newest_first(archive):
    rows = search(archive, "", limit=None)
    assert len(rows) == 2000
    dates = [row["published_at"] for row in rows]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query, limit", [("重庆", None), ("重", 5), ("重", None)])
def test_filters(archive, query, limit):
    filters = {"since": "2020-10-10", "until": "2020-10-12", "section": "央媒", "source": "新华社"}
    rows = search(archive, query, **filters, limit=limit)
    assert rows
    for row in rows:
        assert "2020-10-10" <= row["published_at"] < "2020-10-13"
        assert "央媒" in row["section"] and row["source"] == "新华社"
    everything = search(archive, query, **filters, limit=None)
    assert [r["id"] for r in rows] == [r["id"] for r in everything][:limit]
    unfiltered = {r["id"] for r in search(archive, query, limit=None)}
    assert {r["id"] for r in everything} < unfiltered


def test_title_hits_rank_first(tmp_path):
    filler = "其他内容。" * 20
    with Archive(tmp_path / "news.db") as arc:
        arc.upsert_many(
            [
                {"id": "body", "url": "u1", "title": "今日要闻", "body": filler + "融合发展" + filler},
                {"id": "title", "url": "u2", "title": "融合发展", "body": filler + filler},
            ],
            run_id=None,
        )
        rows = search(arc, "融合发展")
    assert [row["id"] for row in rows] == ["title", "body"]
    assert rows[1]["snippet"].count("<mark>融合发展</mark>") == 1


def test_index_follows_updates_and_deletes(tmp_path):
    with Archive(tmp_path / "news.db") as arc:
        arc.upsert_article({"id": "a", "url": "u", "title": "标题", "body": "旧的正文"}, run_id=None)
        assert search_ids(arc, "旧的") == {"a"}
        arc.upsert_article({"id": "a", "url": "u", "title": "标题", "body": "新的正文"}, run_id=None)
        assert search_ids(arc, "旧的") == set()
        assert search_ids(arc, "新的") == {"a"}
        with arc.batch():
            arc.conn.execute("DELETE FROM articles WHERE id = 'a'")
        assert search_ids(arc, "新的") == set()
        assert search_ids(arc, "正") == set()


def test_rank_window_bounds_ranking_not_matching(tmp_path):
    with Archive(tmp_path / "news.db") as arc:
        # The oldest article is the best match (title hit); 29 newer ones mention the query in the body only.
        arc.upsert_article({"id": "old", "url": "u0", "title": "媒体融合", "body": "媒体融合"}, run_id=None)
        arc.upsert_many(
            [{"id": f"n{i:02d}", "url": f"u{i}", "title": "其他", "body": "其他内容。媒体融合。" * (1 + i % 3)}
             for i in range(1, 30)],
            run_id=None,
        )
        assert search(arc, "媒体融合", limit=1, rank_window=None)[0]["id"] == "old"
        windowed = [row["id"] for row in search(arc, "媒体融合", limit=5, rank_window=10)]
        assert len(windowed) == 5 and "old" not in windowed
        assert set(windowed) <= {f"n{i:02d}" for i in range(20, 30)}, "ranked among the 10 most recent matches"
        assert search(arc, "媒体融合", limit=1, rank_window=30)[0]["id"] == "old", "no window below the match count"
        assert len(search(arc, "媒体融合", limit=None, rank_window=10)) == 30
        filtered = search(arc, "媒体融合", limit=3, rank_window=5, source="无此来源")
        assert filtered == []


def test_a_limit_above_the_window_gets_the_best_of_every_match(tmp_path):
    with Archive(tmp_path / "news.db") as arc:
        arc.upsert_many([{"id": f"n{i:02d}", "url": f"u{i}", "title": "媒体融合" if i == 0 else "其他",
                          "body": "其他内容。媒体融合。" * (1 + i % 3)} for i in range(30)], run_id=None)
        for query in ("媒体融合", "媒"):  # ranked by FTS5's bm25; read one character at a time
            everything = [row["id"] for row in search(arc, query, limit=None)]
            page = [row["id"] for row in search(arc, query, limit=25, rank_window=10)]
            assert len(page) == 25 and page == everything[:25]
            assert everything[0] == "n00", "the oldest match, outside any window of the newest, can lead"


def test_the_command_honours_a_limit_above_the_ranking_window(tmp_path):
    from archive.search import RANK_WINDOW
    from tests.crawling import newsarchive

    db = tmp_path / "news.db"
    matches = RANK_WINDOW + 100
    with Archive(db) as arc:
        arc.upsert_many([{"id": f"a{i:04d}", "url": f"u{i}", "title": f"标题{i}", "body": "重庆新闻。" * (1 + i % 5)}
                         for i in range(matches)], run_id=None)
    for limit, expected in ((RANK_WINDOW + 50, RANK_WINDOW + 50), (100_000, matches), (20, 20)):
        result = newsarchive("search", "重庆新闻", "--limit", str(limit), "--format", "json", "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)) == expected, limit
