"""``newsarchive eval extraction DIR``: score extraction against (html, reference) pairs.

A thin layer over :mod:`pipelines.evaluate`, which also holds the baselines' adapters.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipelines import evaluate


def _table(report: evaluate.Report, worst: int) -> str:
    s = report.summary()
    leaks = ", ".join(f"{k} {v}" for k, v in s["leaks"].items()) or "none"
    lines = [
        f"extractor       {s['extractor']}",
        f"documents       {s['documents']}",
        f"char precision  {s['precision']:.4f}",
        f"char recall     {s['recall']:.4f}",
        f"char F1         {s['f1']:.4f}",
        f"title accuracy  {s['title_accuracy']:.4f}",
        f"leaks           {leaks}",
        f"empty outputs   {s['empty']}",
        f"errors          {s['errors']}",
        f"docs/s          {s['docs_per_s']:.1f}",
    ]
    if worst:
        lines.append(f"worst {worst}:")
        for doc in report.worst(worst):
            extra = f"  {doc.error}" if doc.error else ""
            leaks = f"  leaks {dict(doc.leaks)}" if doc.leaks else ""
            lines.append(f"  F1 {doc.f1:.3f}  P {doc.precision:.3f}  R {doc.recall:.3f}  {doc.name}{leaks}{extra}")
    return "\n".join(lines)


def _fail(message: str) -> None:
    """A usage problem: one line on stderr and exit status 2."""
    click.echo(f"newsarchive eval extraction: {message}", err=True)
    raise click.exceptions.Exit(2)


@click.group("eval")
def eval_group():
    """Measure the pipeline against hand-made references."""


@eval_group.command("extraction")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--extractor", "name", type=click.Choice(list(evaluate.EXTRACTOR_NAMES)),
              default="ours", show_default=True,
              help="ours = the full cleaning path (clean_page) when it runs, else the generic extractor.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show-worst", "worst", type=click.IntRange(min=0), default=0, help="List the N lowest-F1 pages.")
def extraction(directory: Path, name: str, fmt: str, worst: int):
    """Character precision/recall/F1 (per-document average), title accuracy, boilerplate leaks by kind, empty
    outputs, errors and docs/s over DIRECTORY/html/NAME + DIRECTORY/reference/NAME pairs."""
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        _fail(f"no html/NAME + reference/NAME pairs in {directory}")
    try:
        label, extractor = evaluate.extractor_named(name)
    except ImportError as exc:
        _fail(f"--extractor {name} needs the bench extra ({exc})")
    report = evaluate.evaluate(directory, extractor, label, pairs=pairs)
    if fmt == "json":
        payload = report.summary()
        payload["worst"] = [
            {"name": d.name, "f1": round(d.f1, 4), "precision": round(d.precision, 4), "recall": round(d.recall, 4),
             "leaks": dict(d.leaks), "error": d.error}
            for d in report.worst(worst)
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(_table(report, worst))


COMMANDS = [eval_group]
