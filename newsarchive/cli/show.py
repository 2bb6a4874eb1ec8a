"""``newsarchive show``: one article in full, as the search app's article page shows it."""

from __future__ import annotations

import json

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import open_archive
from archive.article import lookup, resolve

HEAD_FIELDS = ("published_at", "updated_at", "source", "author", "editor", "section", "url")


def as_text(article: dict) -> str:
    """The article as a reader reads it: headline, its fields, paragraphs, then its history and repairs."""
    lines = [article.get("title") or "(untitled)", ""]
    lines += [f"{field}: {article[field]}" for field in HEAD_FIELDS if article.get(field)]
    lines += ["id: " + article["id"], ""]
    lines += [paragraph + "\n" for paragraph in article["paragraphs"]]
    if article["versions"]:
        lines.append(f"earlier versions: {len(article['versions'])}")
        lines += [f"  v{v['version']} fetched {v.get('fetched_at') or '?'}: changed {', '.join(v['changed']) or 'nothing'}"
                  for v in article["versions"]]
    if article["notes"]:
        lines.append("how it was cleaned:")
        lines += [f"  {note['text']}" for note in article["notes"]]
    return "\n".join(lines).rstrip() + "\n"


@click.command()
@click.argument("article_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def show(article_id, fmt, db):
    """Print the article ID (or the one whose id starts with ID): its fields, paragraphs, versions and repairs."""
    with open_archive(db) as archive:
        try:
            article = lookup(archive, resolve(archive, article_id))
        except LookupError as error:
            raise click.ClickException(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
    else:
        click.echo(as_text(article), nl=False)


COMMANDS = [show]
