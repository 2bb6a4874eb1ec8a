"""Extraction benchmark: ours beside readability-lxml and trafilatura, on the same pages in the same run.

Quality (per-document character precision/recall/F1, boilerplate leaks) comes from one scored pass; speed is the
median docs/s of several timed passes, so one noisy pass on a shared machine does not decide it. The pages are the
DAnIEL Chinese dev set in ../shared, which the project may not ship: without it the comparison is skipped with a note.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines import evaluate

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata" / "daniel-zh-dev"
PASSES = 3
CONTENDERS = ("ours", "generic", "readability", "trafilatura")
BASELINES = ("readability", "trafilatura")


def run(directory: Path = DATA, passes: int = PASSES) -> list[str]:
    """Lines of the comparison table (extractor, P, R, F1, title, leaks, empty, errors, docs/s, speed ratio)."""
    pairs = evaluate.load_pairs(directory) if directory.is_dir() else []
    if not pairs:
        return [f"extract: skipped, no (html, reference) pairs at {directory} (the shared dev corpus is absent)"]
    lines = [f"{len(pairs)} pages from {directory}; docs/s = median of {passes} passes on one core",
             f"{'extractor':<34} {'P':>6} {'R':>6} {'F1':>6} {'title':>6} {'empty':>5} {'err':>4} {'docs/s':>7}  leaks"]
    rates: dict[str, float] = {}
    baselines: dict[str, float] = {}
    for name in CONTENDERS:
        try:
            label, extractor = evaluate.extractor_named(name)
        except ImportError as exc:
            lines.append(f"{name:<34} not installed ({exc}); pip install -e '.[bench]'")
            continue
        if name == "generic" and label in rates:
            continue  # "ours" already fell back to the generic extractor alone
        report = evaluate.evaluate(directory, extractor, label, pairs=pairs)
        rates[label] = evaluate.median_docs_per_second(directory, extractor, passes, pairs=pairs)
        if name in BASELINES:
            baselines[label] = rates.pop(label)
        leaks = ", ".join(f"{k} {v}" for k, v in sorted(report.leaks.items())) or "none"
        lines.append(f"{label:<34} {report.precision:6.3f} {report.recall:6.3f} {report.f1:6.3f} "
                     f"{report.title_accuracy:6.2f} {report.empty:5d} {report.errors:4d} {rates.get(label) or baselines[label]:7.1f}  {leaks}")
    for label, rate in rates.items():
        for baseline, base_rate in baselines.items():
            lines.append(f"speed: {label} is {rate / base_rate:.1f}x {baseline}")
    return lines


if __name__ == "__main__":
    for line in run(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(line, flush=True)
