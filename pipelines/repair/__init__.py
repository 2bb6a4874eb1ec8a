"""Text repairs, composed in one documented order, with an explanation of what fired.

Each fixer is a `fix_x(text) -> (text, count)` function in its own module. `repair` runs them in this order:

1. latin mojibake (ftfy.fix_encoding): a wrong decoding is the outermost layer of damage, so it is undone first.
   Before the invisibles, because UTF-8 read as Latin-1 is full of no-break spaces (`\xa0` is byte A0, the
   continuation byte of 年 = E5 B9 B4… and of many more): made plain spaces first, 61% of the Latin-1 mojibake
   paragraphs of the reference corpus could no longer be decoded back.
2. invisibles: line breaks, zero-width characters, no-break spaces, full-width indentation, trailing spaces. They
   sit inside words and would split the patterns every later fixer looks for.
3. `?` phantoms: they need the pinyin annotations still in place (a phantom's syllable names the missing byte, and
   the annotations elsewhere in the document tell which character it was).
4. pinyin annotations: stripped before t2s, else `当(dāng)` survives (the reading check is made on the form the
   mirror annotated).
5. CJK mojibake, after 3 and 4 and never on a line that still holds a phantom. The mirror's text is byte-exact
   as the mirror decoded it; run first, the mojibake fixer took the out-of-step stretches and the tone letters for
   mojibake and rewrote them (`(cǎi)` → `(c見i)`, on 25 of 200 generated mirror copies), which destroyed what 3
   and 4 need. A wrong decoding of the whole page is the decoder's business (it picks the encoding by plausibility),
   so what reaches this step is mojibake inside the text, which is still found here.
6. Traditional → Simplified, only on evidence: 3 or 4 fired (or a phantom was lost), or the site publishes
   Simplified. A document with that evidence also has its `?` checked for characters the mirror's GBK encoder
   could not hold (`losses.py`): counted in `lost`, never guessed.
7. full-width punctuation, last among the conversions because it looks at the characters next to each mark.
8. doubled punctuation, after 7, which widens a folded `,,` only where a mark touches CJK text: `，，`, `,,` and
   `，,` (the second before a digit) then collapse alike.

Gates are decided over the whole document (`repair_segments` sees all paragraphs at once); every fixer keeps the
number of line breaks, except that CR, CRLF, U+2028 and U+2029 become LF.

Most text needs no repair at all, and one scan finds that out before any fixer runs (`fastpath.py`): a clean page
then costs a small multiple of a plain decode instead of a dozen passes over it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipelines.repair import invisibles
from pipelines.repair_config import RepairConfig
from pipelines.repair.fastpath import untouched
from pipelines.repair.losses import count_lost_marks
from pipelines.repair.mojibake import fix_cjk_mojibake, fix_latin_mojibake
from pipelines.repair.phantoms import SITE, recover_phantoms
from pipelines.repair.pinyin import measure, strip_annotations
from pipelines.repair.punctuation import looks_folded, restore_fullwidth
from pipelines.repair.simplified import fix_to_simplified

Fixer = Callable[[str], tuple[str, int]]


class Explanation(dict):
    """`{fixer_name: count}` for the fixers that fired, and `lost`: characters that no repair can bring back."""

    @property
    def lost(self) -> int:
        return self.get("lost", 0)

    @property
    def repaired(self) -> bool:
        return any(count for name, count in self.items() if name != "lost")

    def confidence(self, length: int) -> float:
        """How far the repaired text of `length` characters can be trusted, 0..1.

        Repairs that are checked against a dictionary or a codec cost nothing; what lowers the score is loss. Each
        lost character costs its share of the text, tenfold: a page with 1% of its characters lost scores 0.9.
        """
        if not self.lost:
            return 1.0
        return round(max(0.0, 1.0 - 10 * self.lost / max(length, 1)), 3)


_INVISIBLES: tuple[tuple[str, Fixer], ...] = (
    ("line_breaks", invisibles.fix_line_breaks),
    ("zero_width", invisibles.fix_zero_width),
    ("nbsp", invisibles.fix_nbsp),
    ("indentation", invisibles.fix_indentation),
    ("trailing_spaces", invisibles.fix_trailing_spaces),
)


def _cjk_mojibake_outside(lost: int) -> Fixer:
    """The CJK mojibake fixer, kept off lines that still hold a phantom: their out-of-step text looks like mojibake,
    and a repair there would rewrite the in-step characters around it."""
    if not lost:
        return fix_cjk_mojibake

    def fixer(text: str) -> tuple[str, int]:
        lines, total = [], 0
        for line in text.split("\n"):
            if not SITE.search(line):
                line, count = fix_cjk_mojibake(line)
                total += count
            lines.append(line)
        return "\n".join(lines), total

    return fixer


def repair(text: str, config: RepairConfig = RepairConfig(), simplified_site: bool = False) -> tuple[str, Explanation]:
    """Repair one document's text and say what was done.

    >>> repair("當(dāng)前位置:首頁(yè) > 新聞")[0]
    '当前位置：首页 > 新闻'
    """
    if not isinstance(text, str):
        return "", Explanation(lost=0, not_text=1)
    if fast_path(text, config, simplified_site):
        return text, Explanation(lost=0)
    return run_fixers(text, config, simplified_site)


def fast_path(text: str, config: RepairConfig = RepairConfig(), simplified_site: bool = False) -> bool:
    """Whether `repair` returns `text` at once, as no fixer would change it (`fastpath.py`): most text needs no
    repair, and finding that out in one scan is what keeps a clean page's cost near that of a plain decode."""
    converts = config.to_simplified or (config.to_simplified is None and simplified_site)
    return untouched(text, simplified=bool(converts))


def run_fixers(
    text: str, config: RepairConfig = RepairConfig(), simplified_site: bool = False
) -> tuple[str, Explanation]:
    """Every fixer in the documented order, without the fast path: what `repair` does with a text the fast path
    does not recognise as clean. Kept apart so that tests can hold the two paths to the same results."""
    explanation = Explanation()

    def run(name: str, fixer: Fixer, value: str) -> str:
        if not getattr(config, name):
            return value
        value, count = fixer(value)
        if count:
            explanation[name] = explanation.get(name, 0) + count
        return value

    text = run("latin_mojibake", fix_latin_mojibake, text)
    for name, fixer in _INVISIBLES:
        text = run(name, fixer, text)

    lost = 0
    if config.phantom_bytes:
        result = recover_phantoms(text)
        text, lost = result.text, result.lost
        if result.recovered:
            explanation["phantom_bytes"] = result.recovered
        if result.annotations:
            explanation["pinyin_annotations"] = result.annotations
    if config.pinyin_annotations and (measure(text).is_mirror or "phantom_bytes" in explanation):
        text = run("pinyin_annotations", strip_annotations, text)
    text = run("cjk_mojibake", _cjk_mojibake_outside(lost), text)

    mirror = "pinyin_annotations" in explanation or "phantom_bytes" in explanation or lost > 0
    if mirror:
        lost += count_lost_marks(text)
    evidence = simplified_site or mirror
    if config.to_simplified or (config.to_simplified is None and evidence):
        text, count = fix_to_simplified(text)
        if count:
            explanation["to_simplified"] = count

    if config.fullwidth_punctuation and looks_folded(text):
        text = run("fullwidth_punctuation", restore_fullwidth, text)
    text = run("doubled_punctuation", invisibles.fix_doubled_punctuation, text)
    explanation["lost"] = lost
    return text, explanation


def repair_segments(
    segments: Sequence[str], config: RepairConfig = RepairConfig(), simplified_site: bool = False
) -> tuple[list[str], Explanation]:
    """Repair a document given as paragraphs, gating over all of them; the list keeps its length.

    The paragraphs are repaired as one text joined by newlines, which no fixer adds or removes, and split back by
    each paragraph's own count of newlines (CRs and U+2028/U+2029 are made LF first, the one change that adds any).
    """
    segments = [s if isinstance(s, str) else "" for s in segments]
    line_breaks = 0
    if config.line_breaks and any(b in s for s in segments for b in invisibles.BREAKS):
        fixed = [invisibles.fix_line_breaks(s) for s in segments]
        segments = [s for s, _ in fixed]
        line_breaks = sum(n for _, n in fixed)
    joined = "\n".join(segments)
    text, explanation = repair(joined, config, simplified_site)
    if line_breaks:
        explanation["line_breaks"] = line_breaks
    if text == joined:
        return segments, explanation
    lines = text.split("\n")
    out, position = [], 0
    for segment in segments:
        span = segment.count("\n") + 1
        out.append("\n".join(lines[position : position + span]))
        position += span
    return out, explanation
