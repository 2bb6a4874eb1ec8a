"""Datasette metadata for an archive: every table and column described (from schema.json), search on articles
configured, and canned queries for what analysts ask first."""

from __future__ import annotations

from archive import fts
from archive.schema_doc import tables
from archive.stats import REPAIRS_SQL

PAGE_ROWS = 100
SEARCH_SQL = f"""select a.id, a.published_at, a.title, a.source, a.section,
  newsarchive_snippet(a.body, :q) as snippet, a.url
from articles a
where (a.doc in (select rowid from {fts.TABLE} where {fts.TABLE} match newsarchive_match(:q))
       or a.doc in (select doc from {fts.PENDING}))
  and (a.title like newsarchive_like(:q) escape '\\' or a.body like newsarchive_like(:q) escape '\\')
  and newsarchive_in_window(a.published_at, :since, :until)
order by newsarchive_score(:q, a.title, a.body, (select block from {fts.TABLE}_data where id = 1)),
  a.doc desc
limit {PAGE_ROWS} offset {PAGE_ROWS} * (max(cast(:page as integer), 1) - 1)"""

QUERIES = {
    "search": {
        "title": "Search titles and bodies",
        "description_html": "Any substring (Chinese, Latin, digits); ASCII case ignored; ranked by bm25 with titles "
        "first. <code>since</code>/<code>until</code> bound published_at as in the CLI (YYYY-MM-DD or a full time; "
        "<code>until</code> includes its whole day), or leave them empty. "
        f"{PAGE_ROWS} rows a page: <code>page</code> 1, 2, … "
        'The <a href="-/search">search page</a> shows the same matches as cards, with a timeline and filters.',
        "sql": SEARCH_SQL,
    },
    "articles_per_day": {
        "title": "Articles per day",
        "sql": "select substr(published_at, 1, 10) as day, count(*) as articles from articles "
        "group by day order by day desc",
    },
    "top_sources": {
        "title": "Top sources",
        "sql": "select source, count(*) as articles from articles group by source order by articles desc limit 50",
    },
    "repairs_by_kind": {
        "title": "Repaired records by repair kind",
        "sql": REPAIRS_SQL,
    },
}


def metadata(database: str) -> dict:
    described = {
        name: {"description": table["description"], "columns": dict(table["columns"])}
        for name, table in tables().items()
    }
    described["articles"].update(
        fts_table=fts.TABLE,
        fts_pk="doc",
        sort_desc="published_at",
        label_column="title",
        facets=["section", "source"],
    )
    described["article_versions"].update(sort_desc="superseded_at", label_column="title")
    return {
        "title": "newsarchive",
        "description": "Chinese news archive: articles, their earlier versions, crawl runs and failures.",
        "databases": {database: {"tables": described, "queries": QUERIES}},
    }
