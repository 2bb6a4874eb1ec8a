"""Latin mojibake: our repair beside a bare `ftfy.fix_encoding`, on a generated set of real text misread.

The set (`tests/cases/latin_generated.json`) is made from `tests/cases/latin_sources.json`, one real text per
language in 39 languages and scripts: each is encoded as UTF-8 and decoded with every single-byte codec ftfy knows
(as a browser decodes them: an undefined byte becomes its C1 control), whole and with only its second half
misread; the clean texts themselves are the negatives. Cases are ftfy-style `{label, original, fixed}`: `original`
is what reached us, `fixed` what was written. `python -m bench.latin_mojibake --write` regenerates the file; the
tests check that it is up to date.

For each fixer the bench counts, against what was written: fixed (the written text back), left alone, broken
(changed into something else); and how often our result is ftfy's.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401 - registers the sloppy-windows-* codecs: browsers' readings of undefined bytes

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "cases"
SOURCES = CASES_DIR / "latin_sources.json"
GENERATED = CASES_DIR / "latin_generated.json"

WRONG_CODECS = (
    "latin-1", "sloppy-windows-1252", "sloppy-windows-1250", "sloppy-windows-1251", "sloppy-windows-1253",
    "sloppy-windows-1254", "sloppy-windows-1257", "iso-8859-2", "macroman", "cp437",
)
"""Every single-byte codec that ftfy undoes (its `chardata.CHARMAP_ENCODINGS`), the sloppy ones as browsers read."""

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def misread(text: str, codec: str) -> str:
    """`text` as its UTF-8 bytes decoded with `codec`."""
    return text.encode("utf-8").decode(codec)


def _halves(text: str) -> tuple[str, str]:
    """The text cut after its first sentence (or at its middle space): a clean head, a tail to misread."""
    match = _SENTENCE_END.search(text, 1)
    if match is None or match.end() >= len(text):
        middle = text.find(" ", len(text) // 2)
        return (text[:middle], text[middle:]) if middle > 0 else (text[: len(text) // 2], text[len(text) // 2:])
    return text[: match.end()], text[match.end():]


def build_cases(sources: dict[str, str]) -> list[dict]:
    """The generated set: per language, the clean text, then per wrong codec the whole text and its tail misread."""
    cases = []
    for language, text in sources.items():
        cases.append({"label": f"{language}/clean", "original": text, "fixed": text})
        head, tail = _halves(text)
        for codec in WRONG_CODECS:
            whole = misread(text, codec)
            if whole != text:
                cases.append({"label": f"{language}/{codec}/whole", "original": whole, "fixed": text})
            inside = head + misread(tail, codec)
            if inside != text:
                cases.append({"label": f"{language}/{codec}/inside", "original": inside, "fixed": text})
    return cases


def load_sources() -> dict[str, str]:
    return json.loads(SOURCES.read_text(encoding="utf-8"))


def load_cases() -> list[dict]:
    return json.loads(GENERATED.read_text(encoding="utf-8"))


def write_cases() -> int:
    cases = build_cases(load_sources())
    GENERATED.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(cases)


def outcome(result: str, case: dict) -> str:
    """fixed, left alone or broken, against what was written."""
    if result == case["fixed"]:
        return "fixed" if case["original"] != case["fixed"] else "left alone"
    return "left alone" if result == case["original"] else "broken"


def compare(cases: list[dict]) -> dict[str, Counter]:
    """Outcomes per fixer, per kind of case (whole, inside, clean), and how our results stand to ftfy's."""
    from pipelines.repair.mojibake import fix_latin_mojibake

    table: dict[str, Counter] = {}
    for case in cases:
        kind = case["label"].rsplit("/", 1)[-1]
        ours, theirs = fix_latin_mojibake(case["original"])[0], ftfy.fix_encoding(case["original"])
        table.setdefault(f"ours {kind}", Counter())[outcome(ours, case)] += 1
        table.setdefault(f"ftfy {kind}", Counter())[outcome(theirs, case)] += 1
        relation = "same as ftfy" if ours == theirs else f"ours {outcome(ours, case)}, ftfy {outcome(theirs, case)}"
        table.setdefault("ours vs ftfy", Counter())[relation] += 1
    return table


def run() -> list[str]:
    from pipelines.repair.mojibake import fix_latin_mojibake

    cases = load_cases()
    lines = [f"latin_mojibake: {len(cases)} generated cases ({len(load_sources())} languages x {len(WRONG_CODECS)}"
             " wrong codecs, whole and inside clean text, and the clean texts)"]
    for name, counts in sorted(compare(cases).items()):
        lines.append(f"  {name:22s} " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))
    sample = [case["original"] for case in cases]
    for fixer in (fix_latin_mojibake, ftfy.fix_encoding):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for text in sample:
                fixer(text)
            times.append(time.perf_counter() - start)
        lines.append(f"  {fixer.__module__}.{fixer.__name__}: {statistics.median(times) * 1000:.1f} ms for the set"
                     " (median of 5)")
    return lines


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        print(f"{write_cases()} cases written to {GENERATED}")
    else:
        print("\n".join(run()))
