"""``newsarchive eval extraction DIR``: score extraction against (html, reference) pairs, and with ``--labels`` the
metadata (dates, authors, editor, source) against hand labels.

A thin layer over :mod:`pipelines.evaluate` and :mod:`pipelines.evaluate_metadata`, which hold the baselines' adapters.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipelines import evaluate, evaluate_metadata


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


_COLUMNS = (("char precision", "precision", "{:.4f}"), ("char recall", "recall", "{:.4f}"), ("char F1", "f1", "{:.4f}"),
            ("title accuracy", "title_accuracy", "{:.4f}"), ("empty outputs", "empty", "{}"), ("errors", "errors", "{}"),
            ("docs/s", "docs_per_s", "{:.1f}"))


def _side_by_side(reports: list, documents: int) -> str:
    """Several extractors' scores on the same pages, one column each (ours first, then the baselines)."""
    scored = [r.summary() for r in reports if isinstance(r, evaluate.Report)]
    heads = [s["extractor"].split(" (")[0] for s in scored]
    width = max([12] + [len(h) + 2 for h in heads])
    lines = [f"documents       {documents}", f"extractors      {', '.join(s['extractor'] for s in scored)}",
             f"{'':16}" + "".join(f"{h:>{width}}" for h in heads)]
    for label, key, fmt in _COLUMNS:
        lines.append(f"{label:16}" + "".join(f"{fmt.format(s[key]):>{width}}" for s in scored))
    for s in scored:
        leaks = ", ".join(f"{k} {v}" for k, v in s["leaks"].items()) or "none"
        lines.append(f"leaks of {s['extractor']}: {leaks}")
    lines.extend(r for r in reports if isinstance(r, str))
    return "\n".join(lines)


_METADATA_ROWS = (("published_at", "dates (to the day)"), ("updated_at", "updated_at (day)"),
                  ("authors", "authors (exact)"), ("editor", "editor"), ("source", "source"))


def _metadata_table(report: evaluate_metadata.MetadataReport, worst: int) -> str:
    lines = [f"metadata        {report.extractor}: right / labelled (accuracy), spurious = stated where unlabelled"]
    for name, title in _METADATA_ROWS:
        if name in report.fields:
            lines.append(f"  {title:<19} {report.right(name):3d} / {report.labelled(name):3d} "
                         f"({report.accuracy(name):.4f})  spurious {report.spurious(name)}")
    if worst:
        for name, title in _METADATA_ROWS:
            for doc in report.misses(name)[:worst] if name in report.fields else []:
                lines.append(f"  miss {name}: {doc.name}  want {doc.want.get(name)!r}  got {doc.got.get(name)!r}")
    return "\n".join(lines)


def _metadata_report(name: str, labels_path: Path, pairs) -> evaluate_metadata.MetadataReport | None:
    """The metadata scores of extractor ``name``, or None when it states no metadata (generic, readability)."""
    try:
        labels = evaluate_metadata.load_labels(labels_path)
    except (OSError, ValueError) as exc:
        _fail(f"--labels {labels_path}: {exc}")
    if name not in evaluate_metadata.METADATA_EXTRACTORS:
        return None
    label, extractor, fields = evaluate_metadata.METADATA_EXTRACTORS[name]
    return evaluate_metadata.evaluate_metadata(pairs, labels, extractor, label, fields)


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
@click.option("--baselines", is_flag=True,
              help="Also score readability-lxml and trafilatura on the same pages in the same run and show them "
                   "side by side (a baseline that is not installed is noted, not fatal).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show-worst", "worst", type=click.IntRange(min=0), default=0,
              help="List the N lowest-F1 pages (and with --labels, up to N misses per metadata field).")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Hand labels (JSON: page name -> published_at, updated_at, authors, editor, source) to score "
                   "metadata against, e.g. tests/cases/extract/daniel_labels.json.")
def extraction(directory: Path, name: str, baselines: bool, fmt: str, worst: int, labels_path: Path | None):
    """Character precision/recall/F1 (per-document average), title accuracy, boilerplate leaks by kind, empty
    outputs, errors and docs/s over DIRECTORY/html/NAME + DIRECTORY/reference/NAME pairs (NAME.gz pages are
    read gzipped); with --labels, dates (to the day), authors (exact list), editor and source against the labels."""
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        _fail(f"no html/NAME + reference/NAME pairs in {directory}")
    if baselines:
        names = [name] + [b for b in evaluate.BASELINE_NAMES if b != name]
        reports = evaluate.compare(directory, names, pairs=pairs)
        if fmt == "json":
            click.echo(json.dumps([r.summary() if isinstance(r, evaluate.Report) else {"note": r} for r in reports],
                                  ensure_ascii=False, indent=2))
        else:
            click.echo(_side_by_side(reports, len(pairs)))
        return
    try:
        label, extractor = evaluate.extractor_named(name)
    except ImportError as exc:
        _fail(f"--extractor {name} needs the bench extra ({exc})")
    report = evaluate.evaluate(directory, extractor, label, pairs=pairs)
    metadata = _metadata_report(name, labels_path, pairs) if labels_path is not None else None
    if fmt == "json":
        payload = report.summary()
        payload["worst"] = [
            {"name": d.name, "f1": round(d.f1, 4), "precision": round(d.precision, 4), "recall": round(d.recall, 4),
             "leaks": dict(d.leaks), "error": d.error}
            for d in report.worst(worst)
        ]
        if labels_path is not None:
            payload["metadata"] = metadata.summary() if metadata else None
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(_table(report, worst))
        if labels_path is not None:
            click.echo(_metadata_table(metadata, worst) if metadata else f"metadata        {label} states none")


COMMANDS = [eval_group]
