"""Progress for long work: a bar when a person watches a terminal, plain count lines when the output is a log.

The bar goes to stderr, so stdout stays the command's data (JSON, CSV) whatever it is piped into; under cron, where
stderr is a file or mail, a bar's carriage returns would be noise, so a count line is written every
``LOG_EVERY`` seconds instead, and one at the end of work that took that long.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")
LOG_EVERY = 30.0


def progress(items: Iterable[T], what: str, total: int | None = None, unit: str = "item") -> Iterator[T]:
    """``items``, one at a time, while showing how many have passed (of ``total``, when known)."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, desc=what, total=total, unit=unit, leave=False, dynamic_ncols=True)
        return
    done, last, logged = 0, time.monotonic(), False
    of = f" of {total:,}" if total is not None else ""
    for item in items:
        yield item
        done += 1
        if time.monotonic() - last >= LOG_EVERY:
            click.echo(f"{what}: {done:,}{of} {unit}s", err=True)
            last, logged = time.monotonic(), True
    if logged:
        click.echo(f"{what}: {done:,}{of} {unit}s, done", err=True)
