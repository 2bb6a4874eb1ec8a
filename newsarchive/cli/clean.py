"""``newsarchive clean``: clean pages or extracted texts into records, without an archive."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from archive.sources import iter_sources
from newsarchive.cli._repair_options import repair_options
from pipelines.clean import clean_page


def _result(source, url, content_type, input_kind, config=None) -> dict:
    if source.error:
        return {"input": source.label, "kind": "failed", "stage": "read", "reason": source.error}
    outcome = clean_page(source.data, url=url or source.url, content_type=content_type or source.content_type,
                         input_kind=source.kind(input_kind), config=config)
    if outcome.kind == "article":
        return {"input": source.label, "kind": "article", **asdict(outcome.article)}
    return {"input": source.label, "kind": outcome.kind, "reason": outcome.reason}


def _as_text(result: dict) -> str:
    if result["kind"] != "article":
        return f"== {result['input']}: {result['kind']}: {result['reason']}"
    head = [f"== {result['input']}", f"title: {result['title']}"]
    for field in ("published_at", "source", "author", "editor", "section", "url"):
        if result.get(field):
            head.append(f"{field}: {result[field]}")
    return "\n".join(head) + "\n\n" + result["body"] + "\n"


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--url", default=None, help="The page's URL (selects the site profile, resolves links).")
@click.option("--content-type", default=None, help="The HTTP Content-Type the page was served with.")
@click.option("--input", "input_kind", type=click.Choice(["auto", "html", "text"]), default="auto", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "text"]), default="json", show_default=True)
@repair_options
def clean(paths, url, content_type, input_kind, fmt, config):
    """Clean HTML pages or extracted texts (files, folders, WARC, JSONL) and print one record per input.

    Exits 1 when any input failed; each failure is a record with its reason.
    """
    results = []
    failed = 0
    for source in iter_sources(list(paths)):
        result = _result(source, url, content_type, input_kind, config)
        failed += result["kind"] == "failed"
        if result["kind"] == "failed":
            click.echo(f"newsarchive clean: {result['input']}: {result['reason']}", err=True)
        if fmt == "jsonl":
            click.echo(json.dumps(result, ensure_ascii=False))
        elif fmt == "text":
            click.echo(_as_text(result))
        else:
            results.append(result)
    if fmt == "json":
        payload = results[0] if len(results) == 1 else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


COMMANDS = [clean]
