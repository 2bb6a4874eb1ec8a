"""The pages the Datasette plugin adds for analysts: the search page (cards, a timeline chart, filters, paging
through every match) and what the article page shows (``archive.article``), all read through Datasette's
read-only connections.

The search page takes ``q``, ``since``, ``until``, ``section``, ``source`` (as ``newsarchive search`` does, with
the same window: until includes its day), ``order`` (relevance, newest, oldest), ``period`` (day, week, month;
empty picks by the span) and ``page``. A bad value is said on the page, with status 400, and nothing is searched:
a silently ignored filter would be a wrong answer.
"""

from __future__ import annotations

import urllib.parse

from datasette import NotFound
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive import browse
from archive.article import lookup
from archive.chart import Bar, bar_chart
from archive.search import MOMENT_FORMS, check_moment
from archive.stats import per_section, per_source

TEMPLATE = "newsarchive_search.html"
ROUTE = r"^/(?P<database>[^/]+)/-/search$"
MARKS = ("\x02", "\x03")
"""Hit marks that no cleaned text holds, swapped for <mark> tags once the text is HTML-escaped."""
FIELDS = ("q", "since", "until", "section", "source", "order", "period", "page")
ORDER_WORDS = {"relevance": "best match first", "newest": "newest first", "oldest": "oldest first"}


def search_url(datasette, database: str, **args) -> str:
    """The search page of ``database`` with the given arguments (empty ones left out)."""
    query = urllib.parse.urlencode({key: value for key, value in args.items() if value not in (None, "")})
    return datasette.urls.database(database) + "/-/search" + (f"?{query}" if query else "")


def html_marked(text: str) -> Markup:
    """Text whose hits carry MARKS, HTML-escaped, with the hits in <mark>."""
    return Markup(str(escape(text)).replace(MARKS[0], "<mark>").replace(MARKS[1], "</mark>"))


def mark_query(text: str | None, query: str | None) -> Markup:
    """A Jinja filter: the whole text escaped, every hit of ``query`` in <mark>."""
    return html_marked(browse.marked(text, query or "", mark=MARKS))


def when(value: str | None) -> str:
    """A stored time as people read it: ``2020-10-22 09:00`` for a published_at (the portal's local time), with
    ``UTC`` after the archive's own times (fetched, seen), or as stored when it is no ISO time."""
    if value and len(value) >= 16 and value[10] == "T":
        return f"{value[:10]} {value[11:16]}" + (" UTC" if value.endswith(("+00:00", "Z")) else "")
    return value or ""


def column_order(columns: list[dict], label: str | None) -> list[int]:
    """A Jinja filter: the positions of a table's columns with the primary key and then the label column (an
    article's title) first, so that a row says what it is before the rest."""
    lead = [i for i, column in enumerate(columns) if column.get("is_pk") or column.get("name") == label]
    return lead + [i for i in range(len(columns)) if i not in lead]


def in_order(row, order: list[int]) -> list[dict]:
    """A Jinja filter: a table row's cells (a Datasette ``Row`` or a list of them) in ``column_order``."""
    cells = list(getattr(row, "cells", row))
    return [cells[index] for index in order]


def read_form(args) -> tuple[dict, list[str]]:
    """The search arguments, stripped, and what is wrong with them."""
    form = {name: (args.get(name) or "").strip() for name in FIELDS}
    errors = []
    for name in ("since", "until"):
        if form[name]:
            try:
                check_moment(form[name])
            except ValueError:
                errors.append(f"{name} must be {MOMENT_FORMS}, not {form[name]!r}.")
    if form["order"] and form["order"] not in browse.ORDERS:
        errors.append(f"order must be one of {', '.join(browse.ORDERS)}, not {form['order']!r}.")
    if form["period"] and form["period"] not in browse.PERIODS:
        errors.append(f"period must be one of {', '.join(browse.PERIODS)}, not {form['period']!r}.")
    if form["page"] and not (form["page"].isdigit() and int(form["page"]) >= 1):
        errors.append(f"page must be a whole number from 1, not {form['page']!r}.")
    return form, errors


def _gather(conn, form: dict, searched: bool) -> dict:
    """Everything the page shows, from one read connection."""
    filters = {name: form[name] or None for name in ("since", "until", "section", "source")}
    found = {"sections": per_section(conn), "sources": per_source(conn, limit=200)}
    if searched:
        found["results"] = browse.page(conn, form["q"], **filters, order=form["order"] or "relevance",
                                       number=int(form["page"] or 1), mark=MARKS)
        found["timeline"] = browse.timeline(conn, form["q"], **filters, period=form["period"] or None)
    return found


def _chart(datasette, database: str, form: dict, timeline: browse.Timeline) -> Markup:
    """The timeline as bars; a click on one narrows the search to its period."""
    period = timeline.period
    bars = []
    for bucket in timeline.buckets:
        label = bucket.label(period)
        named = {"day": label, "week": f"week of {label}", "month": label}[period]
        href = search_url(datasette, database, **{**form, "since": bucket.start.isoformat(),
                                                  "until": bucket.end.isoformat(), "page": "", "period": ""})
        bars.append(Bar(label, bucket.count, f"{named}: {bucket.count:,} article{'s' * (bucket.count != 1)}", href))
    return Markup(bar_chart(bars, caption=f"Matching articles per {period}"))


def _cards(datasette, database: str, query: str, rows: list[dict]) -> list[dict]:
    article = datasette.urls.table(database, "articles")
    cards = []
    for row in rows:
        href = f"{article}/{tilde_encode(row['id'])}" + (f"?{urllib.parse.urlencode({'q': query})}" if query else "")
        cards.append({
            **row,
            "title_html": mark_query(row.get("title") or "(untitled)", query),
            "snippet_html": html_marked(row.get("snippet") or ""),
            "when": when(row.get("published_at")),
            "href": href,
        })
    return cards


def _pager(datasette, database: str, form: dict, results: browse.Page) -> list[dict]:
    """Links to the first, previous, nearby, next and last pages."""
    def link(number: int, label: str, kind: str) -> dict:
        return {"label": label, "kind": kind, "number": number,
                "href": search_url(datasette, database, **{**form, "page": number if number > 1 else ""})}

    current, last = results.number, results.pages
    if last == 1:
        return []
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links = [link(current - 1, "‹ Previous", "prev")] if current > 1 else []
    for previous, number in zip([0, *shown], shown):
        if number - previous > 1:
            links.append({"label": "…", "kind": "gap"})
        links.append(link(number, str(number), "current" if number == current else "page"))
    if current < last:
        links.append(link(current + 1, "Next ›", "next"))
    return links


async def search_page(datasette, request):
    database = request.url_vars["database"]
    if database not in datasette.databases or database == "_internal":
        raise NotFound(f"Database not found: {database}")
    await datasette.ensure_permissions(request.actor, [
        ("view-table", (database, "articles")), ("view-database", database), "view-instance"])
    form, errors = read_form(request.args)
    found = await datasette.get_database(database).execute_fn(lambda conn: _gather(conn, form, not errors))
    context = {"database": database, "form": form, "errors": errors, "order_words": ORDER_WORDS,
               "orders": browse.ORDERS, "periods": browse.PERIODS, **found}
    if not errors:
        results, timeline = found["results"], found["timeline"]
        context.update(
            cards=_cards(datasette, database, form["q"], results.rows),
            pager=_pager(datasette, database, form, results),
            chart=_chart(datasette, database, form, timeline) if timeline.buckets else None,
            table_url=datasette.urls.table(database, "articles") + "?" + urllib.parse.urlencode(
                {"_search": form["q"], "_sort_desc": "published_at"}) if form["q"] else None,
        )
    html = await datasette.render_template(TEMPLATE, context, request=request, view_name="newsarchive_search")
    return Response.html(html, status=400 if errors else 200)


async def article_context(datasette, database: str, request) -> dict:
    """What the articles row page needs to read like the article: ``archive.article.lookup`` and the query whose
    hits to mark (``?q=``, as the search page's links pass it)."""
    components = urlsafe_components(request.url_vars["pks"])
    found = await datasette.get_database(database).execute_fn(lambda conn: lookup(conn, components[0]))
    query = (request.args.get("q") or "").strip()
    return {"article": found, "article_query": query,
            "back_url": search_url(datasette, database, q=query) if query else None,
            "search_url": search_url(datasette, database)}
