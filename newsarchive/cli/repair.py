"""``newsarchive repair``: repair text as `clean` repairs it, and say what was done (ftfy's command, for this
project's fixers)."""

from __future__ import annotations

import json
import sys

import click

from newsarchive.cli._repair_options import repair_options


def _read(path: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason): a file or `-` (standard input), decoded as the pipeline decodes a page."""
    from pipelines.decode import decode

    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as exc:
        return None, exc.strerror or str(exc)
    decoded = decode(data)
    if decoded.looks_binary:
        return None, "not text (binary data)"
    return decoded.text, None


def _record(text: str, config) -> dict:
    from pipelines.repair import RepairConfig, repair

    repaired, explanation = repair(text, config or RepairConfig())
    return {"text": repaired, "repairs": {k: v for k, v in explanation.items() if k != "lost"},
            "lost": explanation.lost}


def _jsonl_records(path: str, config):
    """One record per input line, in order: the line's object with `text` repaired and `repairs` added, or an
    error record naming the line."""
    label = "<stdin>" if path == "-" else path
    try:
        handle = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as exc:
        yield {"input": label, "error": exc.strerror or str(exc)}
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                yield {"input": label, "line": number, "error": f"not a JSON line: {exc}"}
                continue
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                yield {"input": label, "line": number, "error": 'expected an object {"text": "..."}'}
                continue
            yield {**item, **_record(item["text"], config)}


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--jsonl", is_flag=True, help='Each input line is {"text": ...}; each output line adds "repairs".')
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default=None,
              help="Output: the repaired text (default), or JSON records with the repairs made.  [--jsonl: jsonl]")
@repair_options
def repair(paths, jsonl, fmt, config):
    """Repair text files (or `-`, standard input, the default) and print them repaired.

    The fixers are those `clean` runs on text, in the same order, with the same switches. Exits 1 when an input
    or a line could not be read; it is then an error record (on stderr in text format), and the rest go on.
    """
    if jsonl and fmt not in (None, "jsonl"):
        raise click.UsageError(f"--jsonl writes JSON lines; --format {fmt} cannot go with it")
    fmt = fmt or ("jsonl" if jsonl else "text")
    records = []
    failed = 0
    for path in paths or ("-",):
        if jsonl:
            found = list(_jsonl_records(path, config))
        else:
            text, error = _read(path)
            label = "<stdin>" if path == "-" else path
            found = [{"input": label, "error": error} if error else {"input": label, **_record(text, config)}]
        for record in found:
            failed += "error" in record
            if "error" in record and fmt == "text":
                where = f":{record['line']}" if "line" in record else ""
                click.echo(f"newsarchive repair: {record['input']}{where}: {record['error']}", err=True)
            elif fmt == "text":
                click.echo(record["text"], nl=False)
            elif fmt == "jsonl":
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                records.append(record)
    if fmt == "json":
        click.echo(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


COMMANDS = [repair]
