"""Decode (and repair) throughput, beside plain `bytes.decode` and charset-normalizer, and mojibake recovery rates.

Throughput uses the developers' corpus (../shared/devdata/daniel-zh-dev/html) when it is there, else synthetic
Chinese pages built here. Every figure is a median over repetitions, measured in the same run as its baselines.
Recovery rates need the corpus's reference paragraphs and are skipped without it. Run: `python -m bench.decode_repair`.
"""

from __future__ import annotations

import difflib
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from charset_normalizer import from_bytes

from pipelines.decode import decode
from pipelines.plausibility import COMMON_SIMPLIFIED, HANZI
from pipelines.repair.mojibake import fix_cjk_mojibake, fix_latin_mojibake

try:
    from pipelines.repair import repair
except ImportError:  # the composed repair is another module's; until it exists, decoding is measured alone
    repair = None

DANIEL = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata" / "daniel-zh-dev"
REPEAT = 5
PAGES = 40
TARGET_PAGE = 20_000  # bytes: the "typical clean page" of the brief

# Corruptions of a clean text T: (name, bytes codec, wrong codec, fixer). T.encode(codec).decode(wrong) is the damage.
CORRUPTIONS: list[tuple[str, str, str, Callable[[str], tuple[str, int]]]] = [
    ("utf-8 read as gbk", "utf-8", "gb18030", fix_cjk_mojibake),
    ("utf-8 read as big5", "utf-8", "big5hkscs", fix_cjk_mojibake),
    ("gbk read as big5", "gb18030", "big5hkscs", fix_cjk_mojibake),
    ("big5 read as gbk", "big5hkscs", "gb18030", fix_cjk_mojibake),
    ("utf-8 read as latin-1", "utf-8", "latin-1", fix_latin_mojibake),
    ("utf-8 read as windows-1252", "utf-8", "cp1252", fix_latin_mojibake),
    ("utf-8 read as macroman", "utf-8", "mac_roman", fix_latin_mojibake),
]
#: A corruption is recoverable when the wrong decoding lost nothing (it was strict) and the text holds at least this
#: many hanzi: with fewer, a unigram judge cannot tell a wrong reading from a right one (`动态` and `雄怓` are both
#: two plausible characters).
RECOVERABLE_HANZI = 8

_CLAUSE = re.compile(r"[^，。；：！？、]+")


def corrupt(text: str, codec: str, wrong: str) -> str | None:
    """`text` as its `codec` bytes decoded with `wrong`, or None when that loses something (not recoverable)."""
    try:
        return text.encode(codec).decode(wrong)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def reference_paragraphs(daniel: Path = DANIEL) -> list[str]:
    paragraphs = []
    for path in sorted((daniel / "reference").iterdir()):
        paragraphs += re.findall(r"<p>(.*?)</p>", path.read_text(encoding="utf-8"), re.S)
    return paragraphs


def recovery_rates(paragraphs: list[str]) -> dict[str, dict[str, int]]:
    """Per corruption kind: recoverable whole paragraphs and exact repairs, the same for the longest clause corrupted
    inside its clean paragraph, and shorter lossless paragraphs (reported, not judged)."""
    rates = {}
    for name, codec, wrong, fixer in CORRUPTIONS:
        row = dict.fromkeys(("recoverable", "exact", "embedded", "embedded_exact", "short", "short_exact"), 0)
        for paragraph in paragraphs:
            damaged = corrupt(paragraph, codec, wrong)
            if damaged is not None and damaged != paragraph:
                kind = "recoverable" if len(HANZI.findall(paragraph)) >= RECOVERABLE_HANZI else "short"
                row[kind] += 1
                row[kind.replace("recoverable", "exact").replace("short", "short_exact")] += (
                    fixer(damaged)[0] == paragraph)
            clause = max(_CLAUSE.findall(paragraph), key=len, default="")
            damaged = corrupt(clause, codec, wrong) if len(HANZI.findall(clause)) >= RECOVERABLE_HANZI else None
            if damaged is not None and damaged != clause:
                row["embedded"] += 1
                row["embedded_exact"] += fixer(paragraph.replace(clause, damaged, 1))[0] == paragraph
        rates[name] = row
    return rates


def lossy_recovery(paragraphs: list[str]) -> tuple[int, int, int]:
    """UTF-8 read as GBK with replacement characters (not recoverable whole): over the paragraphs whose strict
    decoding fails, (hanzi in the originals, hanzi still in place before repair, hanzi in place after repair), each
    counted along the longest common subsequence blocks of difflib."""
    total = before = after = 0
    for paragraph in paragraphs:
        if corrupt(paragraph, "utf-8", "gb18030") is not None:
            continue
        damaged = paragraph.encode("utf-8").decode("gb18030", errors="replace")
        total += len(HANZI.findall(paragraph))
        before += _hanzi_kept(paragraph, damaged)
        after += _hanzi_kept(paragraph, fix_cjk_mojibake(damaged)[0])
    return total, before, after


def _hanzi_kept(original: str, text: str) -> int:
    blocks = difflib.SequenceMatcher(None, original, text, autojunk=False).get_matching_blocks()
    return sum(len(HANZI.findall(original[start:start + size])) for start, _, size in blocks)


def false_positives(paragraphs: list[str]) -> dict[str, int]:
    fixers = (fix_cjk_mojibake, fix_latin_mojibake)
    return {fixer.__name__: sum(fixer(p)[0] != p for p in paragraphs) for fixer in fixers}


def _pages() -> tuple[list[bytes], str]:
    if (DANIEL / "html").is_dir():
        pages = [path.read_bytes() for path in sorted((DANIEL / "html").iterdir())][:PAGES]
        return pages, f"{len(pages)} daniel-zh-dev pages"
    return [_synthetic_page(seed) for seed in range(PAGES)], f"{PAGES} synthetic pages"


def _synthetic_page(seed: int, size: int = TARGET_PAGE) -> bytes:
    """An HTML page of Simplified prose drawn from the common characters, about `size` bytes in UTF-8."""
    rng = random.Random(seed)
    common = sorted(COMMON_SIMPLIFIED)
    body, length = [], 0
    while length < size:
        sentence = "".join(rng.choices(common, k=rng.randint(8, 30))) + rng.choice("，。；：")
        paragraph = f"<p>{sentence}{rng.randint(1, 2026)}年{rng.randint(1, 12)}月</p>\n"
        body.append(paragraph)
        length += len(paragraph.encode("utf-8"))
    return f"<html><head><title>新闻</title></head><body>{''.join(body)}</body></html>".encode()


def _median_seconds(function: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _throughput(pages: list[bytes], function: Callable[[bytes], object]) -> float:
    seconds = sum(_median_seconds(lambda page=page: function(page)) for page in pages)
    return sum(map(len, pages)) / seconds / 1e6


def _decode_and_repair(data: bytes, content_type: str | None = None) -> str:
    text = decode(data, content_type).text
    return repair(text)[0] if repair is not None else text


def _mixed(page: bytes) -> bytes:
    """Every other paragraph of a UTF-8 page re-encoded as GBK: a page no codec reads whole."""
    pieces = re.split(rb"(</p>)", page)
    out = []
    for index, piece in enumerate(pieces):
        text = piece.decode("utf-8", errors="replace")
        out.append(text.encode("gb18030") if index % 4 == 2 else text.encode("utf-8"))
    return b"".join(out)


def run() -> list[str]:
    pages, origin = _pages()
    texts = [page.decode("utf-8", errors="replace") for page in pages]
    gbk_pages = [text.encode("gb18030", errors="replace") for text in texts]
    mixed_pages = [_mixed(page) for page in pages]
    task = "decode + repair" if repair is not None else "decode only (pipelines.repair.repair not importable)"
    header = f"  {'MB/s':26s} {'decode':>8s} {'decode + repair':>16s} {'bytes.decode':>13s} {'charset-normalizer':>19s}"
    lines = [f"decode_repair: {origin}, {sum(map(len, pages)) / 1e6:.2f} MB, median of {REPEAT} runs; {task}", header]
    rows = [
        ("clean utf-8", pages, None, "utf-8"),
        ("gbk under a utf-8 header", gbk_pages, "text/html; charset=utf-8", "gb18030"),
        ("mixed utf-8 + gbk", mixed_pages, None, "utf-8"),
    ]
    for name, data, content_type, codec in rows:
        ours = _throughput(data, lambda d: decode(d, content_type))
        repaired = _throughput(data, lambda d: _decode_and_repair(d, content_type)) if repair is not None else ours
        plain = _throughput(data, lambda d: d.decode(codec, errors="replace"))
        detector = _throughput(data, lambda d: from_bytes(d).best())
        lines.append(f"  {name:26s} {ours:8.1f} {repaired:16.1f} {plain:13.1f} {detector:19.2f}")
    page = _synthetic_page(0)
    whole = _median_seconds(lambda: _decode_and_repair(page)) * 1000
    alone = _median_seconds(lambda: decode(page)) * 1000
    plain = _median_seconds(lambda: page.decode("utf-8")) * 1000
    lines.append(f"  {len(page) / 1000:.1f} KB clean page: {task} {whole:.3f} ms, decode alone {alone:.3f} ms,"
                 f" bytes.decode {plain:.3f} ms")
    if (DANIEL / "reference").is_dir():
        lines += _recovery_lines(reference_paragraphs())
    else:
        lines.append("  recovery rates: skipped, ../shared/devdata/daniel-zh-dev is absent")
    return lines


def _recovery_lines(paragraphs: list[str]) -> list[str]:
    lines = [f"  false positives on {len(paragraphs)} clean paragraphs: {false_positives(paragraphs)}",
             f"  recovery (recoverable = lossless wrong decode, >= {RECOVERABLE_HANZI} hanzi):"]
    for name, row in recovery_rates(paragraphs).items():
        lines.append(
            f"    {name:27s} whole {row['exact']}/{row['recoverable']} ({_rate(row['exact'], row['recoverable'])})"
            f" | clause inside clean text {row['embedded_exact']}/{row['embedded']}"
            f" ({_rate(row['embedded_exact'], row['embedded'])})"
            f" | shorter lossless {row['short_exact']}/{row['short']}"
        )
    total, before, after = lossy_recovery(paragraphs)
    lines.append(f"    utf-8 read as gbk, lossy (errors=replace): hanzi in place {before}/{total} before repair,"
                 f" {after}/{total} ({_rate(after, total)}) after; lost ones stay U+FFFD")
    return lines


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


if __name__ == "__main__":
    print("\n".join(run()))
