"""Bulk cleaning on several cores: ``import`` and ``reprocess`` articles/s on one core and on two.

The corpus is the replica's article pages, fetched once into a WARC file as another crawler would have left them;
each timed run is the real command, called in this process so that the interpreter's start-up (seconds of imports
on a loaded machine, the same for any number of workers) does not dilute the figure, importing that WARC into a
fresh archive, then reprocessing the archive it made; starting the cleaning processes is counted. The one-core runs are
pinned to one CPU (``sched_setaffinity``, inherited by the cleaning processes) with ``--jobs 1``: the writer and
its cleaner then share that core, as a serial import would; the two-core runs use ``--jobs 2``. The corpus is
large enough (5,000 pages) that the cleaning processes' start-up (about 0.6 s, the same on one core and on two) does
not decide the ratio, as it would not for the bulk work these commands are for. One writer stores in input order either way (see
``pipelines.cleaner_pool``); the figure is how much the second core buys. Medians of ``REPEATS`` runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from archive.warc import WarcWriter
from newsarchive.cli.import_ import import_
from newsarchive.cli.reprocess import reprocess
from replica.server import serve

ARTICLES = 5000
REPEATS = 3
JOBS = (1, 2)
TARGET = 1.7


def _corpus(directory: Path, articles: int) -> int:
    """The replica's article pages as response records in a WARC file under ``directory``; their number."""
    count = 0
    with serve(articles=articles, seed=11) as base_url, WarcWriter(directory) as writer:
        with urlopen(f"{base_url}/_truth/manifest.json") as response:
            truth = json.load(response)
        for entry in truth:
            if entry.get("kind", "article") != "article":
                continue
            with urlopen(f"{base_url}{entry['path']}") as response:
                body, content_type = response.read(), response.headers.get("Content-Type")
            writer.write_response(f"https://www.cbg.cn{entry['path']}", 200, {"Content-Type": content_type}, body)
            count += 1
    return count


def _timed(command, *args: str) -> tuple[float, float, float]:
    """(wall, this process's CPU, the cleaning processes' CPU) seconds of one CLI command run in this process."""
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            command.main(list(args), standalone_mode=False)
        except SystemExit as exit_:
            if exit_.code not in (0, 1, None):
                raise RuntimeError(f"{command.name} {' '.join(args)} exited {exit_.code}") from None
    wall = time.monotonic() - started
    after, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            workers.ru_utime + workers.ru_stime - children.ru_utime - children.ru_stime)


def run(articles: int = ARTICLES, repeats: int = REPEATS) -> list[str]:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return [f"parallel_clean: skipped, {len(cpus)} CPU available (the figure compares one core with two)"]
    rates: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        pages = _corpus(corpus, articles)
        try:
            for repeat in range(repeats):
                for cores in (1, 2):  # interleaved, so a noisy minute on the shared machine hits both alike
                    # The command and its cleaning processes (which inherit the affinity) on this many cores.
                    os.sched_setaffinity(0, cpus[:cores])
                    db = str(Path(tmp) / f"r{repeat}c{cores}" / "news.db")
                    for name, command, args in (("import", import_, [str(corpus)]), ("reprocess", reprocess, [])):
                        wall, writer, cleaners = _timed(command, *args, "--db", db, "--jobs", str(cores))
                        rates.setdefault((name, cores), []).append(pages / wall)
                        cpu.setdefault((name, cores), []).append((writer / pages * 1000, cleaners / pages * 1000))
        finally:
            os.sched_setaffinity(0, cpus)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"{pages} replica article pages from one WARC file; articles/s = median of {repeats} runs of the command "
             f"(--jobs 1 pinned to one core, --jobs 2 on two); load average after the runs {load} (other work on "
             "the machine takes cores away from either)",
             f"{'command':<10} {'1 core':>8} {'2 cores':>8} {'speed-up':>9}   CPU ms/article (2 cores): writer + "
             "cleaners, and the speed-up two free cores would give"]
    for command in ("import", "reprocess"):
        one, two = (statistics.median(rates[(command, cores)]) for cores in (1, 2))
        writer, cleaners = (statistics.median(x) for x in zip(*cpu[(command, 2)]))
        bound = (writer + cleaners) / max(writer, (writer + cleaners) / 2)
        verdict = "ok" if two / one >= TARGET else f"below the {TARGET}x target"
        lines.append(f"{command:<10} {one:8.1f} {two:8.1f} {two / one:8.2f}x   {writer:.1f} + {cleaners:.1f}"
                     f" -> {bound:.2f}x   {verdict}")
    lines.append("The writer (reading, WARC capture, SQLite and its index) is one process whatever --jobs says, so "
                 "two cores give at most (writer + cleaners) / max(writer, (writer + cleaners) / 2).")
    return lines


if __name__ == "__main__":
    for line in run(*(int(a) for a in sys.argv[1:2])):
        print(line, flush=True)
