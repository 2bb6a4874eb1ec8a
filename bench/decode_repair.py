"""Decode (and repair) throughput, beside plain `bytes.decode` and charset-normalizer, and mojibake recovery rates.

Throughput uses the developers' corpus (../shared/devdata/daniel-zh-dev/html) when it is there, else synthetic
Chinese pages built here. Every figure is a median over repetitions, measured in the same run as its baselines.

The repair is measured twice: on whole pages (markup and all, as the throughput table does), and as the pipeline
calls it, once per page on the text segments `clean_page` extracted (recorded from real `clean_page` calls on the
corpus pages and on the replica's cbg.cn articles, whose profile says the site publishes Simplified). Recovery rates
need the corpus's reference paragraphs and are skipped without it. Run: `python -m bench.decode_repair`.
"""

from __future__ import annotations

import difflib
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import ftfy.bad_codecs  # noqa: F401 - the sloppy-windows-* codecs of CORRUPTIONS
from charset_normalizer import from_bytes

from pipelines import clean
from pipelines.decode import decode
from pipelines.plausibility import COMMON_SIMPLIFIED, HANZI
from pipelines.profile import load_profile
from pipelines.repair import RepairConfig, fast_path, repair, repair_segments
from pipelines.repair.mojibake import fix_cjk_mojibake, fix_latin_mojibake
from replica import Replica
from tests.decode_kinds import score as score_kinds

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
    ("utf-8 read as windows-1252", "utf-8", "sloppy-windows-1252", fix_latin_mojibake),
    ("utf-8 read as windows-1250", "utf-8", "sloppy-windows-1250", fix_latin_mojibake),
    ("utf-8 read as windows-1251", "utf-8", "sloppy-windows-1251", fix_latin_mojibake),
    ("utf-8 read as macroman", "utf-8", "mac_roman", fix_latin_mojibake),
    ("utf-8 read as cp437", "utf-8", "cp437", fix_latin_mojibake),
]
"""The windows-125x codecs as browsers read them (ftfy's sloppy codecs): an undefined byte becomes its C1 control,
so the misreading loses nothing, as it does on the web."""
LEFT_TO_FTFY = ("utf-8 read as windows-1251", "utf-8 read as macroman", "utf-8 read as cp437")
"""Kinds whose short misreadings inside Chinese ftfy's badness does not always see (`жњєдЅ“` reads as Cyrillic,
`µ£Ç` as symbols): where ftfy leaves a text alone, so does our repair, so their clause rates are not ours to set."""
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


def replica_paragraphs(stories: int = 60) -> list[str]:
    """News paragraphs generated from the replica's committed word lists and templates (replica/text.py): text of
    the project's own, for recovery rates and false-positive checks that need no ../shared."""
    from datetime import datetime

    from replica.text import story

    return [p for seed in range(stories) for p in story(random.Random(seed), datetime(2024, 1, 1)).paragraphs]


def recovery_rates(paragraphs: list[str], corruptions=CORRUPTIONS) -> dict[str, dict[str, int]]:
    """Per corruption kind: recoverable whole paragraphs and exact repairs, the same for the longest clause corrupted
    inside its clean paragraph, and shorter lossless paragraphs (reported, not judged)."""
    rates = {}
    for name, codec, wrong, fixer in corruptions:
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
    return repair(decode(data, content_type).text)[0]


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
    header = f"  {'MB/s':26s} {'decode':>8s} {'decode + repair':>16s} {'bytes.decode':>13s} {'charset-normalizer':>19s}"
    lines = [f"decode_repair: {origin}, {sum(map(len, pages)) / 1e6:.2f} MB, median of {REPEAT} runs; whole pages",
             header]
    rows = [
        ("clean utf-8", pages, None, "utf-8"),
        ("gbk under a utf-8 header", gbk_pages, "text/html; charset=utf-8", "gb18030"),
        ("mixed utf-8 + gbk", mixed_pages, None, "utf-8"),
    ]
    for name, data, content_type, codec in rows:
        ours = _throughput(data, lambda d: decode(d, content_type))
        repaired = _throughput(data, lambda d: _decode_and_repair(d, content_type))
        plain = _throughput(data, lambda d: d.decode(codec, errors="replace"))
        detector = _throughput(data, lambda d: from_bytes(d).best())
        lines.append(f"  {name:26s} {ours:8.1f} {repaired:16.1f} {plain:13.1f} {detector:19.2f}")
    page = _synthetic_page(0)
    whole = _median_seconds(lambda: _decode_and_repair(page)) * 1000
    alone = _median_seconds(lambda: decode(page)) * 1000
    plain = _median_seconds(lambda: page.decode("utf-8")) * 1000
    lines.append(f"  {len(page) / 1000:.1f} KB clean page (synthetic): decode + repair {whole:.3f} ms ="
                 f" {whole / plain:.0f}x bytes.decode; decode alone {alone:.3f} ms, bytes.decode {plain:.3f} ms")
    lines += _segment_lines([(page, None, None) for page in pages], origin)
    lines += _segment_lines(_replica_pages(), f"{PAGES} replica cbg.cn articles (cbg profile)")
    lines.append("  on paragraphs generated from the replica's word lists (the project's own text):")
    lines += _recovery_lines(replica_paragraphs())
    if (DANIEL / "reference").is_dir():
        lines += _kind_lines()
        lines.append("  on the daniel-zh-dev reference paragraphs (real news, 2011-2012):")
        lines += _recovery_lines(reference_paragraphs())
    else:
        lines.append("  recovery rates on real news: skipped, ../shared/devdata/daniel-zh-dev is absent")
    return lines


Call = tuple[list[str], RepairConfig, bool]


def pipeline_calls(pages: list[tuple[bytes, str | None, str | None]]) -> list[Call]:
    """The `repair_segments` calls that `clean_page` makes for these (data, url, content type), as it makes them."""
    calls = []

    def record(segments, config=RepairConfig(), simplified_site=False):
        calls.append((list(segments), config, simplified_site))
        return repair_segments(segments, config, simplified_site)

    with mock.patch.object(clean, "repair_segments", record):
        for data, url, content_type in pages:
            clean.clean_page(data, url=url, content_type=content_type)
    return calls


def _replica_pages(count: int = PAGES) -> list[tuple[bytes, str, str]]:
    base = load_profile("cbg").base_url
    replica = Replica(articles=count, seed=1)
    answers = ((entry.path, replica.page(entry.path)) for entry in replica.entries)
    return [(page.body, base + path, page.content_type) for path, page in answers if page.kind == "article"]


def _segment_lines(pages: list[tuple[bytes, str | None, str | None]], origin: str) -> list[str]:
    """Per page: `repair_segments` on the page's extracted segments, beside `bytes.decode` and charset-normalizer of
    the same text as UTF-8, and `decode` of the page; medians over the pages of each page's median."""
    calls = pipeline_calls(pages)
    if not calls:
        return [f"  repair of extracted segments: {origin}: no page was extracted"]
    data = ["\n".join(segments).encode("utf-8") for segments, _, _ in calls]
    repair_ms = [_median_seconds(lambda c=c: repair_segments(*c)) * 1000 for c in calls]
    plain_ms = [_median_seconds(lambda d=d: d.decode("utf-8")) * 1000 for d in data]
    detector_ms = [_median_seconds(lambda d=d: from_bytes(d).best()) * 1000 for d in data]
    decode_ms = [_median_seconds(lambda p=p: decode(p[0], p[2])) * 1000 for p in pages]
    fast = sum(fast_path("\n".join(segments), config, site) for segments, config, site in calls)
    median = statistics.median
    return [
        f"  repair as clean_page calls it, on the extracted segments of {origin}:",
        f"    {len(calls)} pages, median {median(map(len, data)) / 1000:.1f} KB of text, {fast} on the fast path;"
        f" repair_segments median {median(repair_ms):.3f} ms (p90 {_p90(repair_ms):.3f},"
        f" {sum(map(len, data)) / sum(repair_ms) / 1000:.1f} MB/s) = {median(repair_ms) / median(plain_ms):.0f}x"
        f" bytes.decode of the text ({median(plain_ms):.4f} ms); charset-normalizer {median(detector_ms):.3f} ms;"
        f" decode of the page {median(decode_ms):.3f} ms",
    ]


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


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


def _kind_lines() -> list[str]:
    """The decode kinds of `tests.decode_kinds` (mixed pages, lying headers and meta tags), per document."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((DANIEL / "html").iterdir())]
    texts = [text for text in texts if "\ufffd" not in text]
    lines = [f"  decode kinds on {len(texts)} real pages, exact per document:"]
    for kind, (right, total) in score_kinds(texts, decode).items():
        lines.append(f"    {kind:25s} {right}/{total} ({_rate(right, total)})")
    return lines


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


if __name__ == "__main__":
    print("\n".join(run()))
