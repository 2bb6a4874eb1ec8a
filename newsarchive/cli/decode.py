"""``newsarchive decode``: how each file's bytes read as text, and why (the project's ``chardetect``).

A thin layer over ``pipelines.decode.decode``: one row per input, in input order, with the encoding's WHATWG name,
where it came from (BOM, HTTP header, meta tag, XML declaration, detection, or a mixed UTF-8/GBK page), the
confidence, each label that was rejected and why, and (in JSON) the decoded text. The decoder and the file readers
are imported when the command runs, so ``newsarchive --help`` does not pay for them.
"""

from __future__ import annotations

import sys

import click

COLUMNS = ("path", "encoding", "source", "confidence", "declared", "rejected", "losses", "error")
#: Every row's fields, in order (the table shows `COLUMNS`; JSON has all, the text included).
FIELDS = ("path", "encoding", "codec", "source", "confidence", "declared", "rejected", "losses", "runs", "binary",
          "error", "text")


def _row(label: str, data: bytes | None, error: str | None, content_type: str | None, with_text: bool) -> dict:
    from pipelines.decode import decode

    if error is not None:
        row = dict.fromkeys(FIELDS)
        row.update(path=label, error=error)
        return row if with_text else {key: row[key] for key in FIELDS if key != "text"}
    result = decode(data, content_type)
    row = {"path": label, "encoding": result.name, "codec": result.encoding, "source": result.source,
           "confidence": round(result.confidence, 3), "declared": result.declared, "rejected": result.rejected,
           "losses": result.losses, "runs": result.runs, "binary": result.looks_binary, "error": None}
    if with_text:
        row["text"] = result.text
    return row


def _inputs(paths: tuple[str, ...]):
    """(label, bytes, error) per input: files named, files inside folders named, ``-`` for standard input."""
    from archive.sources import iter_paths, read_file
    from pipelines.input_size import MAX_INPUT_BYTES

    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            too_large = len(data) > MAX_INPUT_BYTES
            yield "-", None if too_large else data, f"input too large (limit {MAX_INPUT_BYTES})" if too_large else None
            continue
        for item in iter_paths([path]):
            source = item if hasattr(item, "error") else read_file(item)
            if source.error == "empty file":
                yield source.label, b"", None  # an empty file is text too: the empty string
            else:
                yield source.label, source.data, source.error


@click.command("decode")
@click.argument("paths", nargs=-1, required=True)
@click.option("--content-type", default=None, help="The HTTP Content-Type the bytes were served with.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True,
              help="Output format; json and jsonl include the decoded text.")
def decode_command(paths, content_type, fmt):
    """Decode files (or folders of files, or - for standard input) and print how each was read.

    Exits 1 when any input could not be read; each such input is a row with its error.
    """
    from archive.rows import write_rows

    rows, failed = [], 0
    for label, data, error in _inputs(paths):
        row = _row(label, data, error, content_type, with_text=fmt != "table")
        if error is not None:
            failed += 1
            click.echo(f"newsarchive decode: {label}: {error}", err=True)
        if fmt == "jsonl":
            write_rows([row], sys.stdout, "jsonl")
            sys.stdout.flush()
        else:
            rows.append(row)
    if fmt != "jsonl":
        write_rows(rows, sys.stdout, fmt, COLUMNS if fmt == "table" else None)
    sys.exit(1 if failed else 0)


COMMANDS = [decode_command]
