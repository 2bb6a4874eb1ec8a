"""Extraction benchmark: ours beside readability-lxml and trafilatura, on the same pages in the same run.

Two labelled sets: the DAnIEL Chinese dev set in ../shared (which the project may not ship: without it that part is
skipped with a note) and the real pages in English and other languages from newspaper4k's tests that the repository
ships (tests/cases/extract/newspaper4k). Quality (per-document character precision/recall/F1, title accuracy,
boilerplate leaks) comes from one scored pass; speed is the median docs/s of several timed passes, so one noisy pass
on a shared machine does not decide it. ``clean_page`` is also timed beside a bare lxml parse of the same pages:
the floor no extractor that reads the tree can go under.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from lxml import etree

from pipelines import evaluate
from pipelines.extract.dom import to_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "devdata" / "daniel-zh-dev"
OTHER_LANGUAGES = ROOT / "tests" / "cases" / "extract" / "newspaper4k"
PASSES = 3
CONTENDERS = ("ours", "generic", "readability", "trafilatura")
BASELINES = ("readability", "trafilatura")
SPEED_TARGET = 200.0


def compare(directory: Path, passes: int = PASSES) -> list[str]:
    """Lines of the comparison table (extractor, P, R, F1, title, empty, errors, docs/s, leaks), then speed ratios
    and ours' F1 against trafilatura's."""
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        return [f"extract: skipped, no (html, reference) pairs at {directory} (the shared dev corpus is absent)"]
    lines = [f"{len(pairs)} pages from {directory}; docs/s = median of {passes} passes on one core",
             f"{'extractor':<34} {'P':>6} {'R':>6} {'F1':>6} {'title':>6} {'empty':>5} {'err':>4} {'docs/s':>7}  leaks"]
    rates: dict[str, float] = {}
    baselines: dict[str, float] = {}
    f1s: dict[str, float] = {}
    for name in CONTENDERS:
        try:
            label, extractor = evaluate.extractor_named(name)
        except ImportError as exc:
            lines.append(f"{name:<34} not installed ({exc}); pip install -e '.[bench]'")
            continue
        if name == "generic" and label in rates:
            continue  # "ours" already fell back to the generic extractor alone
        report = evaluate.evaluate(directory, extractor, label, pairs=pairs)
        f1s[name] = report.f1
        rate = evaluate.median_docs_per_second(directory, extractor, passes, pairs=pairs)
        (baselines if name in BASELINES else rates)[label] = rate
        leaks = ", ".join(f"{k} {v}" for k, v in sorted(report.leaks.items())) or "none"
        lines.append(f"{label:<34} {report.precision:6.3f} {report.recall:6.3f} {report.f1:6.3f} "
                     f"{report.title_accuracy:6.2f} {report.empty:5d} {report.errors:4d} {rate:7.1f}  {leaks}")
    for label, rate in rates.items():
        for baseline, base_rate in baselines.items():
            lines.append(f"speed: {label} is {rate / base_rate:.1f}x {baseline}")
    if "ours" in f1s and "trafilatura" in f1s:
        lines.append(f"F1: ours {f1s['ours']:.3f} - trafilatura {f1s['trafilatura']:.3f} = "
                     f"{f1s['ours'] - f1s['trafilatura']:+.3f} (the bar: not below -0.010)")
    return lines


def _bare_parse(html: bytes) -> None:
    etree.fromstring(to_text(html), parser=etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True))


def parse_floor(directory: Path, passes: int = PASSES) -> list[str]:
    """clean_page's median docs/s beside a bare lxml parse of the same pages (decode included in both)."""
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        return []
    _, ours = evaluate.extractor_named("ours")
    rate = evaluate.median_docs_per_second(directory, ours, passes, pairs=pairs)
    floor = statistics.median(_timed(_bare_parse, pairs) for _ in range(passes))
    return [f"clean_page {rate:.1f} docs/s (target {SPEED_TARGET:.0f}) beside a bare lxml parse {floor:.1f} docs/s "
            f"of the same {len(pairs)} pages (clean_page at {rate / floor:.0%} of the parse-only rate)"]


def _timed(function, pairs) -> float:
    start = time.perf_counter()
    for pair in pairs:
        function(pair.html)
    return len(pairs) / max(time.perf_counter() - start, 1e-9)


def run(directory: Path = DATA, passes: int = PASSES) -> list[str]:
    lines = ["### Chinese dev set (daniel-zh-dev)", *compare(directory, passes), *parse_floor(directory, passes),
             "### English and other languages (newspaper4k's test pages)", *compare(OTHER_LANGUAGES, passes)]
    return lines


if __name__ == "__main__":
    for line in run(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(line, flush=True)
