"""Detection accuracy per encoding family, beside charset-normalizer in the same run.

A file counts as right when the decoder's text equals the bytes decoded with the codec they were written in (a
different but equivalent codec, such as windows-1252 for ISO-8859-1 text, counts as right). Cases: the texts of
tests/cases/decode/texts.json in every codec detection is expected to find, without a label
(`tests.codec_cases`), the 18 files of ../shared/devdata/charsets-world when that folder is there, and chardet's own
test files (downloaded once by `make bench-data`, see `chardet_cases`). Run: `python -m bench charsets`.
"""

from __future__ import annotations

import codecs
import os
import statistics
import tarfile
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


CHARDET = "chardet==5.2.0"
"""Whose test files (``tests/<encoding>/``: 424 real files in 50 encodings and languages) are scored too. chardet is
LGPL, so they are not in this repository: ``make bench-data`` downloads its sdist from PyPI once into ``CACHE``
(the bench itself touches no network)."""
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsarchive" / "chardet"
_CHARDET_CODECS = {"macroman": "mac_roman", "maccyrillic": "mac_cyrillic", "tis-620": "cp874", "iso-8859-1": "cp1252",
                   "euc-tw": None}
_WHATWG_SUPERSET = {"gb2312": "gb18030", "shift_jis": "cp932"}
"""Folders whose files a browser reads with a superset codec: both readings count as right."""


def chardet_cases(cache: Path = CACHE) -> list[tuple[str, bytes, tuple[str, ...]]] | str:
    """(encoding folder, bytes, accepted texts) for chardet's test files, or why they are not available."""
    folder = cache / CHARDET.replace("==", "-") / "tests"
    if not folder.is_dir():
        archive_path = cache / f"{CHARDET.replace('==', '-')}.tar.gz"
        if not archive_path.is_file():
            return f"chardet's sdist is not in {cache}: `make bench-data` downloads it once from PyPI"
        with tarfile.open(archive_path) as archive:
            archive.extractall(cache, filter="data")
    found = []
    for encoding in sorted(path for path in folder.iterdir() if path.is_dir()):
        name = encoding.name.lower()
        codec = _CHARDET_CODECS.get(name, _codec_prefix(name))
        if codec is None:
            continue
        for path in sorted(encoding.iterdir()):
            data = path.read_bytes()
            try:
                accepted = {data.decode(codec).removeprefix("\ufeff")}
            except (UnicodeDecodeError, LookupError):
                continue
            if name in _WHATWG_SUPERSET:
                accepted.add(data.decode(_WHATWG_SUPERSET[name]))
            found.append((encoding.name, data, tuple(text.replace("\r\n", "\n") for text in accepted)))
    return found


def _codec_prefix(name: str) -> str | None:
    """The codec a folder such as ``windows-1250-hungarian`` names: its longest prefix Python knows."""
    parts = name.split("-")
    for size in range(len(parts), 0, -1):
        try:
            return codecs.lookup("-".join(parts[:size])).name
        except LookupError:
            continue
    return None


def _score(rows: list[tuple[str, bytes, str | tuple[str, ...]]]) -> list[str]:
    """rows: (family, bytes, expected text or texts) -> one line per family with both decoders' shares and median
    times."""
    right = defaultdict(lambda: [0, 0, 0])
    times = defaultdict(lambda: ([], []))
    for family, data, expected in rows:
        for index, function in enumerate((ours_text, normalizer_text)):
            start = time.perf_counter()
            text = function(data)
            times[family][index].append(time.perf_counter() - start)
            accepted = (expected,) if isinstance(expected, str) else expected
            right[family][index] += text is not None and text.removeprefix("\ufeff").replace("\r\n", "\n") in {
                value.replace("\r\n", "\n") for value in accepted}
        right[family][2] += 1
    width = max(10, *map(len, right))
    lines = [f"  {'family':{width}s} {'files':>5s} {'ours':>7s} {'charset-normalizer':>19s} {'ours ms':>8s} {'c-n ms':>7s}"]
    totals = [0, 0, 0]
    for family in sorted(right):
        ours, theirs, count = right[family]
        totals = [totals[0] + ours, totals[1] + theirs, totals[2] + count]
        ms = [statistics.median(values) * 1000 for values in times[family]]
        lines.append(f"  {family:{width}s} {count:5d} {ours / count:7.1%} {theirs / count:19.1%} {ms[0]:8.2f} {ms[1]:7.2f}")
    lines.append(f"  {'all':{width}s} {totals[2]:5d} {totals[0] / totals[2]:7.1%} {totals[1] / totals[2]:19.1%}")
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
    chardet = chardet_cases()
    if isinstance(chardet, str):
        lines.append(f"  chardet's test files: skipped, {chardet}")
    else:
        lines.append(f"  chardet's test files ({CHARDET}): {len(chardet)} files; GB2312 and Shift_JIS files also count "
                     "as right in the browsers' superset (gb18030, windows-31j)")
        lines += _score(chardet)
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
