"""``newsarchive profile``: check what a site profile makes of a page, or write a starting profile for a site.

``check`` reports, for list pages, each list selector's matches and the article links found by selectors and by
URL scheme; for article pages, the template detected, what each selector returned and the record ``clean`` would
store. ``new`` writes a starting profile from one list page and one article page. URLs are fetched once, politely
(``crawler.fetch``: robots.txt, the contact in the User-Agent, the profile's hosts only); saved HTML files are read
offline. The logic is ``pipelines.profile_check``; this module only reads inputs and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

KINDS = click.Choice(["auto", "list", "article"])


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _read(source: str, saved_url: str | None, fetcher_for, fallback_url: str) -> tuple[bytes, str, str | None]:
    """``(data, url, content_type)`` of a URL (fetched) or a saved file (its original URL, else ``fallback_url``)."""
    if _is_url(source):
        answer = fetcher_for(source).fetch(source)
        return answer.body, answer.url, answer.content_type
    path = Path(source)
    if not path.is_file():
        raise click.BadParameter(f"{source!r} is neither an http(s) URL nor a file", param_hint="URL|FILE")
    return path.read_bytes(), saved_url or fallback_url, None


def _table(rows) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _as_text(label: str, report: dict) -> str:
    if report.get("error"):
        return f"== {label}: {report['error']}"
    lines = [f"== {label} ({report['url']})"]
    if report["kind"] == "list":
        lines.append(f"list page; a crawl reads it by {report['crawl_reads_it_by']}")
        lines.append("list selectors:")
        lines += _table([(k, v["css"] or "-", f"{v['matches']} matches") for k, v in report["selectors"].items()])
        lines.append(f"article links: {len(report['articles_by_selectors'])} by selectors, "
                     f"{len(report['articles_by_url_scheme'])} by URL scheme")
        shown = report["articles_by_selectors"] or report["articles_by_url_scheme"]
        lines += [f"  {urlsplit(u).path}" for u in shown[:10]] + (["  …"] if len(shown) > 10 else [])
        lines.append(f"next pages: by selectors {[urlsplit(u).path for u in report['next_by_selectors']]}, "
                     f"by URL scheme {[urlsplit(u).path for u in report['next_by_url_scheme']]}")
        return "\n".join(lines)
    lines.append(f"article page; template by URL: {report['template_by_url'] or '-'}; "
                 f"extracted by: {report.get('extractor', report['outcome'])}")
    rows = [(g, f, v["css"], v["matches"], v["text"]) for g, fields in report["selectors"].items()
            for f, v in fields.items()]
    if rows:
        lines.append("selectors (template, field, css, matches, first match):")
        lines += _table(rows)
    if report.get("missed"):
        lines.append("key selectors that matched nothing: " + ", ".join(report["missed"]))
    if "record" not in report:
        lines.append(f"clean would not store it: {report['outcome']}: {report.get('reason')}")
        return "\n".join(lines)
    lines.append("record clean would store:")
    for k, v in report["record"].items():
        if k == "body":
            v = (v or "").replace("\n", " / ")
            v = v[:160] + ("…" if len(v) > 160 else "")
        lines.append(f"  {k}: {v}")
    return "\n".join(lines)


def _fetchers(contact):
    """One polite fetcher per profile, made on first use (no network, nor Scrapy import, for offline files)."""
    made = {}

    def fetcher_for(profile):
        from crawler.fetch import PoliteFetcher

        if profile.name not in made:
            made[profile.name] = PoliteFetcher(profile, contact)
        return made[profile.name]
    return fetcher_for


@click.group()
def profile() -> None:
    """Check a site profile against pages, or write a starting one (docs/profiles.md)."""


@profile.command()
@click.argument("inputs", nargs=-1, required=True, metavar="URL|FILE...")
@click.option("--profile", "name", default=None, help="Profile name or JSON file (default: by the URL's host, else cbg).")
@click.option("--url", "saved_url", default=None, help="The URL a saved FILE was fetched from (its path says its kind).")
@click.option("--as", "kind", type=KINDS, default="auto", show_default=True, help="Read every page as this kind.")
@click.option("--contact", default=None, help="E-mail or URL for the User-Agent (needed to fetch a live URL).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(inputs, name, saved_url, kind, contact, fmt):
    """Show what the profile makes of each page: selectors, links found, template, record.

    Exits 1 when a page could not be fetched or read.
    """
    from crawler.contact import BadContact
    from pipelines.profile import load_profile, profile_for_url
    from pipelines.profile_check import check_page

    if saved_url and not _is_url(saved_url):
        raise click.BadParameter("must be an http(s) URL", param_hint="--url")
    try:
        chosen = load_profile(name) if name else None
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    fetcher_for = _fetchers(contact)
    reports, failed = [], 0
    for source in inputs:
        prof = chosen or profile_for_url(source if _is_url(source) else saved_url) or load_profile("cbg")
        try:
            data, url, content_type = _read(source, saved_url, lambda _: fetcher_for(prof), prof.base_url + "/")
            report = check_page(data, url, content_type, prof, kind)
        except BadContact as exc:
            raise click.UsageError(str(exc)) from None
        except ValueError as exc:  # FetchRefused, an unreadable page
            failed += 1
            report = {"url": source, "error": str(exc)}
            click.echo(f"newsarchive profile check: {source}: {exc}", err=True)
        reports.append({"input": source, "profile": prof.name, **report})
        if fmt == "text":
            click.echo(_as_text(source, report) + "\n")
    if fmt == "json":
        click.echo(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


@profile.command()
@click.argument("name")
@click.option("--from-url", "list_source", required=True, metavar="URL|FILE", help="A list page of the site.")
@click.option("--article", "article_source", default=None, metavar="URL|FILE",
              help="An article page (default: the list's first link of its commonest numbered URL shape).")
@click.option("--list-url", default=None, help="The URL a saved list FILE was fetched from.")
@click.option("--article-url", default=None, help="The URL a saved article FILE was fetched from.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Where to write (default NAME.json; - for stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--contact", default=None, help="E-mail or URL for the User-Agent (needed to fetch a live URL).")
def new(name, list_source, article_source, list_url, article_url, output, force, contact):
    """Write a starting profile NAME from one list page and one article page."""
    from crawler.contact import BadContact
    from pipelines.profile import Profile
    from pipelines.profile_check import likely_article, new_profile

    for option, value in (("--list-url", list_url), ("--article-url", article_url)):
        if value and not _is_url(value):
            raise click.BadParameter("must be an http(s) URL", param_hint=option)
    if not _is_url(list_source) and not list_url:
        raise click.UsageError("a saved list page needs --list-url, the URL it was fetched from")
    origin = "{0}://{1}".format(*urlsplit(list_url or list_source)[:2])
    site = Profile.from_dict({"name": name, "site": urlsplit(origin).hostname, "base_url": origin,
                              "hosts": [urlsplit(origin).hostname]})
    fetcher_for = _fetchers(contact)
    target = Path(output or f"{name}.json")
    if output != "-" and target.exists() and not force:
        raise click.UsageError(f"{target} exists (use --force to overwrite)")
    try:
        listing = _read(list_source, list_url, lambda _: fetcher_for(site), origin + "/")
        if article_source is None:
            article_source = likely_article(*listing)
            if article_source is None:
                raise click.UsageError("found no article link on the list page; give --article")
        if not _is_url(article_source) and not article_url:
            raise click.UsageError("a saved article page needs --article-url, the URL it was fetched from")
        article = _read(article_source, article_url, lambda _: fetcher_for(site), origin + "/")
        result = new_profile(name, listing, article)
    except BadContact as exc:
        raise click.UsageError(str(exc)) from None
    except ValueError as exc:
        click.echo(f"newsarchive profile new: {exc}", err=True)
        sys.exit(1)
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}: {len(result['article_patterns'])} article schemes, list scheme "
                   f"{result['list_patterns'][0]}, title {result['templates']['g1']['title']!r}, "
                   f"body {result['templates']['g1']['body']!r}", err=True)


COMMANDS = [profile]
