"""Metadata benchmark: dates, authors, editor and source against the hand labels, ours beside trafilatura and
htmldate on the same pages in the same run, and what reading them costs.

The labels (tests/cases/extract/daniel_labels.json, how they were judged in daniel_labels.md) are the project's;
the pages are the DAnIEL Chinese dev set in ../shared, which the project may not ship: without it that part is skipped
with a note. A second, smaller set always runs: newspaper4k's real English and other-language pages that the
repository ships, with the project's own labels (tests/cases/extract/newspaper4k/metadata.json), where the dates and
authors come from JSON-LD, meta tags and English bylines rather than Chinese header lines. Speed is the median
docs/s of several passes on one core: ``clean_page`` whole, beside a bare lxml parse of the same pages (the floor any
extractor stands on) and beside htmldate's date search alone (the library that was measured for the dates and not
adopted).
"""

from __future__ import annotations

import importlib.util

import statistics
import sys
import time
from pathlib import Path

from pipelines import evaluate, evaluate_metadata

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "devdata" / "daniel-zh-dev"
LABELS = ROOT / "tests" / "cases" / "extract" / "daniel_labels.json"
OTHER_LANGUAGES = ROOT / "tests" / "cases" / "extract" / "newspaper4k"
FOREIGN_LABELS = OTHER_LANGUAGES / "metadata.json"
PASSES = 3
CONTENDERS = ("ours", "trafilatura", "htmldate")
TARGETS = {"published_at": 0.95, "authors": 0.85}
"""Issue 11's targets on the labelled pages that show the field."""


def _median_rate(pages: list[bytes], work, passes: int) -> float:
    rates = []
    for _ in range(passes):
        start = time.perf_counter()
        for page in pages:
            try:
                work(page)
            except Exception:  # noqa: BLE001 - a failing page still costs its time
                pass
        rates.append(len(pages) / max(time.perf_counter() - start, 1e-9))
    return statistics.median(rates)


def _lxml_parse(page: bytes) -> None:
    import lxml.html

    lxml.html.document_fromstring(page)


def _table(pairs: list, labels: dict, targets: dict) -> list[str]:
    """Right/labelled (spurious) per field for every contender on the labelled pages, and ours against targets."""
    lines = [f"{'extractor':<34} {'dates':>14} {'updated':>10} {'authors':>14} {'editor':>14} {'source':>14}"]
    for name in CONTENDERS:
        label, extractor, fields = evaluate_metadata.METADATA_EXTRACTORS[name]
        if name != "ours" and importlib.util.find_spec(name) is None:  # a page's ImportError would score as a miss
            lines.append(f"{label:<34} not installed; pip install -e '.[bench]' (make bench does)")
            continue
        report = evaluate_metadata.evaluate_metadata(pairs, labels, extractor, label, fields)
        cells = []
        for field in ("published_at", "updated_at", "authors", "editor", "source"):
            cells.append(f"{report.right(field)}/{report.labelled(field)} ({report.spurious(field)})"
                         if field in fields and report.labelled(field) else "-")
        lines.append(f"{label:<34} {cells[0]:>14} {cells[1]:>10} {cells[2]:>14} {cells[3]:>14} {cells[4]:>14}")
        if name == "ours":
            for field, target in targets.items():
                verdict = "meets" if report.accuracy(field) >= target else "MISSES"
                lines.append(f"  {field}: {report.accuracy(field):.3f} of labelled pages right "
                             f"({verdict} the target {target:.2f})")
    return lines


def run(directory: Path = DATA, passes: int = PASSES) -> list[str]:
    foreign = evaluate.load_pairs(OTHER_LANGUAGES)
    lines = [f"### {len(foreign)} pages in English and other languages ({OTHER_LANGUAGES.relative_to(ROOT)}), "
             f"labels {FOREIGN_LABELS.relative_to(ROOT)}; right/labelled (spurious)",
             *_table(foreign, evaluate_metadata.load_labels(FOREIGN_LABELS), {})]
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        return [*lines, f"metadata: Chinese dev set skipped, no (html, reference) pairs at {directory} "
                        "(the shared dev corpus is absent)"]
    lines += [f"### {len(pairs)} pages from {directory}, labels {LABELS.relative_to(ROOT)}; right/labelled (spurious)",
              *_table(pairs, evaluate_metadata.load_labels(LABELS), TARGETS)]
    pages = [pair.html for pair in pairs]
    from pipelines.clean import clean_page

    ours = _median_rate(pages, lambda page: clean_page(page), passes)
    bare = _median_rate(pages, _lxml_parse, passes)
    lines.append(f"speed (docs/s, median of {passes}, one core): clean_page {ours:.1f}; bare lxml parse {bare:.1f} "
                 f"(clean_page is {bare / ours:.1f}x slower than parsing alone)")
    if importlib.util.find_spec("htmldate") is None:
        lines.append("speed: htmldate not installed")
    else:
        label, extractor, _ = evaluate_metadata.METADATA_EXTRACTORS["htmldate"]
        dates_only = _median_rate(pages, extractor, passes)
        lines.append(f"speed: htmldate's date search alone {dates_only:.1f} docs/s beside the whole clean_page's "
                     f"{ours:.1f} (adding it would cost {1 / dates_only * 1000:.1f} ms a page)")
    return lines


if __name__ == "__main__":
    for line in run(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(line, flush=True)
