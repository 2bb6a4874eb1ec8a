"""Detection accuracy per encoding family, beside charset-normalizer in the same run.

A file counts as right when the decoder's text equals the bytes decoded with the codec they were written in (a
different but equivalent codec, such as windows-1252 for ISO-8859-1 text, counts as right). Cases: the texts of
tests/cases/decode/texts.json in every codec detection is expected to find, without a label
(`tests.codec_cases`), and the 18 files of ../shared/devdata/charsets-world when that folder is there. Run:
`python -m bench charsets`.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from pathlib import Path

from charset_normalizer import from_bytes

from pipelines.decode import decode
from tests.codec_cases import cases

WORLD = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata" / "charsets-world"


def normalizer_text(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return None if best is None else str(best)


def ours_text(data: bytes) -> str:
    return decode(data).text


def world_cases(folder: Path = WORLD) -> list[tuple[str, str, bytes, str]]:
    """(name, codec, bytes, expected text) for the charsets-world files, from their expected.tsv."""
    found = []
    for line in (folder / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, codec, _language = line.split("\t")
        data = (folder / name).read_bytes()
        found.append((name, codec, data, data.decode(codec).removeprefix("\ufeff")))
    return found


def _score(rows: list[tuple[str, bytes, str]]) -> list[str]:
    """rows: (family, bytes, expected text) -> one line per family with both decoders' shares and median times."""
    right = defaultdict(lambda: [0, 0, 0])
    times = defaultdict(lambda: ([], []))
    for family, data, expected in rows:
        for index, function in enumerate((ours_text, normalizer_text)):
            start = time.perf_counter()
            text = function(data)
            times[family][index].append(time.perf_counter() - start)
            right[family][index] += text is not None and text.removeprefix("\ufeff") == expected
        right[family][2] += 1
    lines = [f"  {'family':10s} {'files':>5s} {'ours':>7s} {'charset-normalizer':>19s} {'ours ms':>8s} {'c-n ms':>7s}"]
    totals = [0, 0, 0]
    for family in sorted(right):
        ours, theirs, count = right[family]
        totals = [totals[0] + ours, totals[1] + theirs, totals[2] + count]
        ms = [statistics.median(values) * 1000 for values in times[family]]
        lines.append(f"  {family:10s} {count:5d} {ours / count:7.1%} {theirs / count:19.1%} {ms[0]:8.2f} {ms[1]:7.2f}")
    lines.append(f"  {'all':10s} {totals[2]:5d} {totals[0] / totals[2]:7.1%} {totals[1] / totals[2]:19.1%}")
    return lines


def run() -> list[str]:
    generated = [(case.family, case.data, case.text) for case in cases(unlabelled_only=True)]
    lines = ["charsets: share of files decoded to the text of their true codec, no label given",
             f"  generated: {len(generated)} (text, codec) pairs from tests/cases/decode/texts.json"]
    lines += _score(generated)
    if (WORLD / "expected.tsv").is_file():
        world = world_cases()
        lines.append(f"  charsets-world: {len(world)} files")
        lines += _score([(name.removeprefix("sample-").split(".")[0].split("-")[0], data, text)
                         for name, _codec, data, text in world])
    else:
        lines.append("  charsets-world: skipped, ../shared/devdata/charsets-world is absent")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
