"""Start-up benchmark: how long a command takes from exec to exit, beside a bare ``python -c pass``.

Commands that touch no crawl (``--version``, ``search``, ``show``, ``stats``, ``export``) must start in under
0.3 s: the CLI imports a command's module only when it runs (``newsarchive.cli.LazyGroup``), and those modules
import neither Scrapy nor the cleaner. Each command runs ``REPEATS`` times, interleaved with the others (the
machine is shared and noisy), and its median is kept; the table gives it and its excess over bare Python, in wall
time and in CPU time (user + system of the child), which other load on the machine disturbs far less.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.store import Archive

REPEATS = 9
TARGET_S = 0.3


def _archive(folder: Path) -> Path:
    path = folder / "news.db"
    with Archive(path) as archive:
        run = archive.start_run({"spider": "portal", "profile": "cbg", "base_url": None})
        archive.upsert_many([{"id": f"{n:016x}", "url": f"https://www.cbg.cn/show/705-{n}.html",
                              "title": f"重庆新闻第{n}条", "body": "重庆加快推进媒体融合发展。" * 20,
                              "published_at": f"2026-04-{1 + n % 28:02d}T09:00:00+08:00"} for n in range(200)], run)
        archive.finish_run(run)
    return path


def run():
    with tempfile.TemporaryDirectory() as folder:
        db = str(_archive(Path(folder)))
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "newsarchive --version": [sys.executable, "-m", "newsarchive", "--version"],
            "newsarchive search 重庆": [sys.executable, "-m", "newsarchive", "search", "重庆", "--db", db],
            "newsarchive show 0000": [sys.executable, "-m", "newsarchive", "show", "00000000000000a1", "--db", db],
            "newsarchive stats": [sys.executable, "-m", "newsarchive", "stats", "--db", db],
            "newsarchive export": [sys.executable, "-m", "newsarchive", "export", "--db", db, "-o", "/dev/null"],
            "newsarchive health": [sys.executable, "-m", "newsarchive", "health", "--db", db],
            "newsarchive clean --help (loads the cleaner)": [sys.executable, "-m", "newsarchive", "clean", "--help"],
        }
        wall: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(REPEATS):
            for name, command in commands.items():
                before, started = _children_cpu(), time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(_children_cpu() - before)
    bare_wall, bare_cpu = statistics.median(wall["python -c pass"]), statistics.median(cpu["python -c pass"])
    yield f"start-up, median of {REPEATS} runs (seconds; target < {TARGET_S} s of CPU for commands that touch no crawl)"
    yield f"{'command':<46} {'wall':>6} {'cpu':>6} {'wall over bare':>15} {'cpu over bare':>14}"
    for name in commands:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        mark = "" if name.startswith("python") or "cleaner" in name else ("  ok" if c < TARGET_S else "  SLOW")
        yield f"{name:<46} {w:6.3f} {c:6.3f} {w - bare_wall:15.3f} {c - bare_cpu:14.3f}{mark}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    for line in run():
        print(line)
