"""Datasette plugin: Chinese search inside Datasette, and the pages analysts read (``datasette_pages``).

Datasette's search box sends ``escape_fts(:search)`` to FTS5, which for our bigram index would match only queries
of exactly two characters. This plugin replaces ``escape_fts`` (running after Datasette's own definition) with the
bigram match expression of ``archive.tokenize``, so the box on ``articles`` finds any substring, and adds:

- ``newsarchive_match(q)``: the FTS5 MATCH expression for a literal substring query;
- ``newsarchive_like(q)``: the ``LIKE ... ESCAPE '\\'`` pattern for it (one-character queries are verified with it);
- ``newsarchive_score(q, title, body, averages)``: search's bm25 score (``averages``: the index's averages record,
  ``(select block from articles_fts_data where id = 1)``);
- ``newsarchive_snippet(body, q)``: the body around the first hit, hits marked «like this»;
- ``newsarchive_in_window(published_at, since, until)``: the CLI's time window (``search.window_end``: until
  includes its day), empty bounds open;
- the search page ``/<db>/-/search``, and the articles row page as the article (``templates/row.html``);
- a search typed into the articles table's box (``?_search=`` alone) opens the search page, which ranks by
  relevance: Datasette's table view can only order by a column.

Connections are also made query-only: the archive is served read-only.
"""

from __future__ import annotations

import urllib.parse

from datasette import hookimpl

from archive import datasette_pages, fts
from archive.search import score, snippet, window_end
from archive.tokenize import like_pattern, match_expression

MARK = ("«", "»")
NOTHING = '""'
"""An FTS5 expression that matches no row: the answer to an empty search box."""
STATIC_ROUTE = "-/newsarchive"
"""Where the plugin's stylesheet is served (``datasette_app`` mounts ``archive/static`` there)."""


def newsarchive_match(query: str | None) -> str:
    return match_expression(query or "") or NOTHING


def newsarchive_like(query: str | None) -> str:
    return like_pattern(query or "")


def newsarchive_score(query: str | None, title: str | None, body: str | None, averages: bytes | None) -> float:
    return score(query or "", title, body, fts.averages(averages))


def newsarchive_snippet(body: str | None, query: str | None) -> str:
    return snippet(body, query or "", mark=MARK)


def newsarchive_in_window(value: str | None, since: str | None, until: str | None) -> bool:
    """Whether a published_at lies in the window, as ``search.date_filters`` bounds it in the CLI's SQL."""
    if value is None:
        return False
    if since and value < since:
        return False
    if until:
        end, included = window_end(until)
        return value <= end if included else value < end
    return True


@hookimpl(trylast=True)
def prepare_connection(conn, database):
    conn.create_function("newsarchive_match", 1, newsarchive_match, deterministic=True)
    conn.create_function("newsarchive_like", 1, newsarchive_like, deterministic=True)
    conn.create_function("newsarchive_score", 4, newsarchive_score, deterministic=True)
    conn.create_function("newsarchive_snippet", 2, newsarchive_snippet, deterministic=True)
    conn.create_function("newsarchive_in_window", 3, newsarchive_in_window, deterministic=True)
    conn.create_function("escape_fts", 1, newsarchive_match, deterministic=True)
    if database != "_internal":  # Datasette's own bookkeeping database must stay writable
        conn.execute("PRAGMA query_only = 1")


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["newsarchive_mark"] = datasette_pages.mark_query
    env.filters["newsarchive_when"] = datasette_pages.when
    env.filters["newsarchive_column_order"] = datasette_pages.column_order
    env.filters["newsarchive_in_order"] = datasette_pages.in_order


@hookimpl
def register_routes():
    return [(datasette_pages.ROUTE, datasette_pages.search_page)]


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name == "row" and table == "articles" and request is not None:
        return datasette_pages.article_context(datasette, database, request)
    return {}


@hookimpl
def extra_css_urls(datasette):
    return [{"url": datasette.urls.path(f"/{STATIC_ROUTE}/newsarchive.css")}]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette_pages.search_url(datasette, name), "label": f"Search {name}"}
            for name in datasette.databases if name != "_internal"]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def send_table_search_to_search_page(scope, receive, send):
            target = _search_page_for(datasette, scope)
            if target is None:
                await app(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", target.encode("latin-1")), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})

        return send_table_search_to_search_page

    return wrap


def _search_page_for(datasette, scope) -> str | None:
    """The search page for an HTML articles table view whose only argument is ``_search``, else None."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) != 2 or parts[1] != "articles" or parts[0] not in datasette.databases:
        return None
    args = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
    if [key for key, _ in args] != ["_search"] or not args[0][1].strip():
        return None
    url = datasette_pages.search_url(datasette, parts[0], q=args[0][1].strip())
    return urllib.parse.quote(url, safe="/?=&%+-")
