"""Recover the `?` phantoms that byte-misaligned pinyin mirrors leave behind.

Mechanism (portal.md §2): the mirror encoded the page in GBK and replaced the *bytes* of each annotated character
with those bytes plus `(syllable)`. Where the trail byte `p` of one character and the lead byte `x` of the next
happen to spell an annotated character, the syllable lands after `x`, so the decoder reads `x(` as one invalid pair
(`?`), swallows the parenthesis, and decodes the following bytes one byte out of step until an ASCII byte brings it
back. `我們?nèi)杂性S多` is 們仍有許 = `82 83 | C8 D4 | D3 D0 | D4 53`, annotated at `83 C8` (內, nèi).

Recovery works on bytes, left to right: each `?syllable)` stands for the byte `x` such that (previous byte, x) is a
GBK character read `syllable`. Put the bytes back, drop the inserted syllables, decode again. A chain
(`日?qǐng)?bào)報`) is the same rule applied twice, the second `x` following the first.

When several bytes fit, the mirror's own habits narrow them (it annotates characters its Simplified → Traditional
conversion produced, and every occurrence of them), then plausibility and the document's own characters and pairs
(outside the stretches that may be out of step) rank them, and a word model parts readings that plausibility cannot
(see docs/repairs.md).

Nothing is invented: when no candidate byte fits, when several fit about equally well, or when the re-decoded run is
not clearly plausible Chinese, the run is left as it is and its `?` counted as lost.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.plausibility import IMPOSSIBLE, char_cost, common_share, implausibility
from pipelines.repair.readings import HAN, SYLLABLE, is_reading, to_simplified
from pipelines.repair.pinyin import ANNOTATION, strip_annotations
from pipelines.repair.words import word_logprob

PHANTOM_MARKS = "?*\ufffd"
"""What a mirror's decoder wrote for the invalid pair `x(`: `?`, or `*` on some mirrors, or U+FFFD where the copy
was read by a decoder that follows the WHATWG standard (or Python's `errors="replace"`), which keeps the `(` as the
ASCII byte it is: `我們�(nèi)杂性S多`."""
_MARK = "(?:[?*]|\ufffd\\(?)"
SITE = re.compile(rf"{_MARK}({SYLLABLE})\s?\)")
"""A phantom: the `?` (or `*`, or `�` and the `(` it left) that ate a lead byte, then the syllable (a space may
follow it) and the closing parenthesis."""

_STRAY_LETTER = re.compile(rf"(?<=[{HAN}])[@-~](?=[{HAN}])")
_ORDINARY = "\x00-\x7f\u3000-\u303f\uff01-\uff5e\u2018-\u201d\u2026\u2014\u00b7"  # ASCII, CJK punctuation
_STRAY_SYMBOL = re.compile(rf"(?<=[{HAN}])[^{HAN}{_ORDINARY}](?=[{HAN}])")
_PLAIN_HAN = re.compile(rf"[{HAN}](?!\()")
_TOKEN = re.compile(rf"{_MARK}(?P<site>{SYLLABLE})\s?\)|(?<=[{HAN}])\((?P<note>{SYLLABLE})\)")
"""A phantom site, or an annotation in step, which is transparent to the bytes (`米(mǐ)?zhù)`: the mirror replaced
住 = `D7 A1` across 米|。 before it annotated 米 = `C3 D7`, so the byte before the phantom sits before the note)."""

_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_MAX_COMBINATIONS = 256
_MARGIN = 4
"""Re-decodings scoring within this of the best are rivals that plausibility alone cannot part."""
_LM_MARGIN = 3.0
"""Natural-log odds (about 20 to 1) by which the word model must prefer the best-scored reading over every rival;
twice that lets it prefer a rival scored within `_MARGIN`."""
_MAX_WIDENED = 2
"""Folded full-width forms put back per recovery, at most."""
_MIN_REGION_SHARE = 0.7
"""Share of common hanzi a re-decoded region must reach. Lower than plausibility.PLAUSIBLE_SHARE because a region is
a few characters long, where one rare name is a third of the sample; out-of-step GBK sits far below either."""

_CODEC = "gb18030"
"""Its two-byte table is GBK's, and it also round-trips the user-defined rows a lenient mirror decoder maps to PUA."""


@dataclass(frozen=True)
class PhantomResult:
    text: str
    recovered: int  # phantoms whose byte was put back
    lost: int  # phantoms left as they were
    annotations: int = 0  # in-step annotations inside recovered runs, dropped with them


def fix_phantoms(text: str) -> tuple[str, int]:
    """Recover byte-misaligned annotation phantoms.

    >>> fix_phantoms("我們?nèi)杂性S多短板")[0]
    '我們仍有許多短板'
    """
    result = recover_phantoms(text)
    return result.text, result.recovered


def has_phantoms(text: str) -> bool:
    return any(mark in text for mark in PHANTOM_MARKS) and SITE.search(text) is not None


def recover_phantoms(text: str) -> PhantomResult:
    """Recover what can be recovered, and count the phantoms that cannot (`lost`).

    When the document holds no full-width form at all, the corpus folded it after the mirror had decoded; a
    full-width form that recovery brings back into step is then folded too, as it would have been.
    """
    if not has_phantoms(text):
        return PhantomResult(text, 0, 0, 0)
    evidence = _Evidence.of(text)
    lines, recovered, lost, notes = [], 0, 0, 0
    for line in text.split("\n"):
        if SITE.search(line):
            line, r, n, a = _recover_line(line, evidence)
            recovered += r
            lost += n
            notes += a
        lines.append(line)
    return PhantomResult("\n".join(lines), recovered, lost, notes)


def _in_step(text: str, folded: bool) -> str:
    """The text without the stretches that may have been decoded out of step, cut at line breaks.

    Those stretches run from a phantom to the ASCII character that ends its run (in a folded document, to the
    end of the run after up to `_MAX_WIDENED` more, as recovery may take them in). Their characters are the
    damage itself: counted as the document's own words, they outscored the true reading (`後勤盪稀H…` over
    `後勤保障。全…`), and a stretch repeated in two paragraphs (a `摘要` line) did so twice.
    """
    reach = 1 + (_MAX_WIDENED if folded else 0)
    lines = []
    for line in text.split("\n"):
        if not SITE.search(line):
            lines.append(line)
            continue
        runs = _runs(line)
        offsets = list(itertools.accumulate((len(r.source) + len(r.boundary) for r in runs), initial=0))
        kept, position = [], 0
        for index, run in enumerate(runs):
            site = SITE.search(run.source) if run.sites else None
            if site is None:
                continue
            start = offsets[index] + site.start()
            if start > position:
                kept.append(line[position:start])
            position = max(position, offsets[min(index + reach, len(runs))])
        kept.append(line[position:])
        lines.append("\n".join(kept))
    return "\n".join(lines)


# --- one line -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    """What the rest of the document says: the (character, syllable) pairs annotated in step, the Han characters
    that stand without an annotation, its characters and its bigrams.

    The mirror annotates every occurrence of a character in its list (on the seed no character is annotated in
    one place and bare in another), so a character the document shows bare is not in the list, and cannot be the
    character a phantom's syllable belongs to."""

    folded: bool
    annotated: frozenset
    plain: frozenset
    characters: frozenset
    bigrams: frozenset

    @classmethod
    def of(cls, text: str) -> _Evidence:
        folded = _FULLWIDTH.search(text) is None
        known = _in_step(text, folded)
        return cls(
            folded=folded,
            annotated=frozenset(ANNOTATION.findall(known)),
            plain=frozenset(m.group() for m in _PLAIN_HAN.finditer(known)),
            characters=frozenset(known),
            bigrams=frozenset(map("".join, zip(known, known[1:]))),
        )


@dataclass(frozen=True)
class _Run:
    """Characters between two ASCII (or non-GBK) characters, with the phantom sites among them.

    An ASCII character is where an out-of-step decoder may have come back into step (it read a trail byte in
    0x40-0x7E as ASCII), so a run is the natural unit of recovery; `boundary` is the character that ends it.
    """

    pieces: tuple  # str (one character), ("site", syllable) or ("note", syllable)
    source: str
    boundary: str  # "" at the end of the line

    @property
    def sites(self) -> int:
        return sum(1 for p in self.pieces if isinstance(p, tuple) and p[0] == "site")

    @property
    def notes(self) -> int:
        return sum(1 for p in self.pieces if isinstance(p, tuple) and p[0] == "note")


@dataclass(frozen=True)
class _Buffer:
    """What is re-encoded and decoded again in one piece."""

    pieces: tuple
    source: str


def _recover_line(line: str, evidence: _Evidence) -> tuple[str, int, int, int]:
    return _recover_runs(_runs(line), evidence)


def _recover_runs(runs: list[_Run], evidence: _Evidence) -> tuple[str, int, int, int]:
    """The runs' text with what can be recovered recovered, and the counts of recovered and lost phantoms and of
    the annotations dropped with them."""
    out: list[str] = []
    recovered = lost = notes = 0
    i = 0
    previous_as_is = False  # the run before was written out as it stood, boundary included
    while i < len(runs):
        run = runs[i]
        fixed, borrowed = None, False
        if run.sites:
            fixed = _recover_from(runs, i, evidence)
            if fixed is None and evidence.folded and previous_as_is and _starts_with_site(run):
                fixed = _recover_after_folded(runs, i, evidence)
                borrowed = fixed is not None
        if fixed is None:
            out.append(run.source + run.boundary)
            lost += run.sites
            previous_as_is = True
            i += 1
            continue
        text, used = fixed
        if borrowed:
            out[-1] = out[-1][:-1]  # the folded mark before the run is part of the recovered text now
        out.append(text.translate(_FOLD) if evidence.folded else text)
        recovered += sum(r.sites for r in runs[i : i + used])
        notes += sum(r.notes for r in runs[i : i + used])
        previous_as_is = False
        i += used
    return "".join(out), recovered, lost, notes


def _starts_with_site(run: _Run) -> bool:
    return bool(run.pieces) and isinstance(run.pieces[0], tuple) and run.pieces[0][0] == "site"


def _recover_after_folded(runs: list[_Run], i: int, evidence: _Evidence) -> tuple[str, int] | None:
    """Recover a run that starts with a phantom right after a folded mark (`品,?chuān)K曾`).

    The byte before such a phantom is the second byte of the full-width form the corpus folded afterwards
    (`，` = A3 AC, and (AC, 81) spells 穿): the run is tried again with that form put back in front of it.
    """
    wide = _widen(runs[i - 1].boundary)
    if wide is None:
        return None
    run = runs[i]
    widened = _Run((wide, *run.pieces), runs[i - 1].boundary + run.source, run.boundary)
    return _recover_from([*runs[:i], widened, *runs[i + 1 :]], i, evidence)


def _runs(line: str) -> list[_Run]:
    runs: list[_Run] = []
    pieces: list = []
    source: list[str] = []
    position = 0
    for match in itertools.chain(_TOKEN.finditer(line), [None]):
        end = match.start() if match else len(line)
        for char in line[position:end]:
            if char < "\x80" or _encode(char) is None:
                runs.append(_Run(tuple(pieces), "".join(source), char))
                pieces, source = [], []
            else:
                pieces.append(char)
                source.append(char)
        if match is None:
            break
        position = match.end()
        if match.group("site"):
            pieces.append(("site", match.group("site")))
        elif pieces and isinstance(pieces[-1], str) and is_reading(match.group("note"), pieces[-1]):
            pieces.append(("note", match.group("note")))
        else:
            position = match.start()  # not the mirror's: its characters are read as plain text
            continue
        source.append(match.group(0))
    runs.append(_Run(tuple(pieces), "".join(source), ""))
    return runs


def _recover_from(runs: list[_Run], i: int, evidence: _Evidence) -> tuple[str, int] | None:
    """Recover the run at `i`: the text that replaces it (and the runs it took in), or None.

    The out-of-step stretch ends at the run's boundary when that is the trail byte read as ASCII (it is then taken
    into the buffer as one byte), or right before it. Or, in a folded document, the boundary is a full-width form
    the corpus folded after the mirror decoded out of step: put back as two bytes, it lets the next run join in.
    Elsewhere an ASCII character is what it is (`於2021` taken as `於２0` was a rival no judge could part).

    Each reading that decodes is a candidate; they are compared over the same stretch of text, and one must clearly
    win. The stretch reaches as far as the longest candidate could go on, and each candidate is followed by the
    runs after it as recovery would leave them (recovered on their own, annotations dropped): left raw, their own
    phantoms made a wrong longer reading look better (`能夠撸吕m8個…遵守` over `能夠連續8個…遵?jiā)豊`), and a
    reading back in step at a boundary then reads the same as one that goes on through it.
    """
    pieces: list = list(runs[i].pieces)
    source = runs[i].source
    candidates: list[tuple[int, str]] = []  # (runs used, replacement text)
    for used in range(1, _MAX_WIDENED + 2):
        last = runs[i + used - 1]
        tail = last.boundary if last.boundary and last.boundary < "\x80" else ""
        accepted = _accept(_Buffer((*pieces, *tail), source + tail), evidence)
        if accepted is not None:
            candidates.append((used, accepted + ("" if tail else last.boundary)))
        wide = _widen(last.boundary) if evidence.folded else None
        if wide is None or i + used >= len(runs):
            break
        pieces += [wide, *runs[i + used].pieces]
        source += last.boundary + runs[i + used].source
    if len(candidates) < 2:
        return (candidates[0][1], candidates[0][0]) if candidates else None
    end = max(used for used, _ in candidates)
    spans = {}
    for used, text in candidates:
        rest = _recover_runs(runs[i + used : i + end + _MAX_WIDENED + 1], evidence)[0]
        span = strip_annotations(text + rest)[0]  # as the pinyin strip will leave it
        spans.setdefault(span.translate(_FOLD) if evidence.folded else span, (text, used))
    winner = _choose([(_plain_score(span, evidence), span) for span in spans])
    return spans[winner] if winner is not None else None


def _widen(char: str) -> str | None:
    """The full-width form the corpus folded into `char` (U+FF01–FF5E, as the seed shows), if it folded any."""
    if "!" <= char <= "~":
        return chr(ord(char) + 0xFEE0)
    return None


@lru_cache(maxsize=65536)
def _encode(char: str) -> bytes | None:
    try:
        data = char.encode(_CODEC)
    except UnicodeEncodeError:
        return None
    return data if len(data) <= 2 else None


@lru_cache(maxsize=None)
def _candidates(previous: int, syllable: str) -> tuple[tuple[int, str], ...]:
    """Bytes x (lead bytes, so that `x(` decoded as one `?`) with (previous, x) a character read `syllable`."""
    found = []
    for x in range(0x81, 0xFF):
        try:
            char = bytes((previous, x)).decode(_CODEC)
        except UnicodeDecodeError:
            continue
        if len(char) == 1 and is_reading(syllable, char):
            found.append((x, char))
    return tuple(found)


def _accept(buffer: _Buffer, evidence: _Evidence) -> str | None:
    scored = _rank(buffer, evidence)
    if not scored:
        return None
    text = _choose(scored)
    if text is None or not _plausible_region(buffer.source, text):
        return None
    return text


def _rank(buffer: _Buffer, evidence: _Evidence) -> list[tuple[int, str]]:
    """Every re-decoding of the buffer over the candidate bytes, with its score."""
    options = _site_options(buffer, evidence)
    if options is None:
        return []
    scored = []
    for choice in itertools.islice(itertools.product(*options), _MAX_COMBINATIONS):
        decoded = _decode(buffer, choice)
        if decoded is not None:
            hits = sum(1 for (_, char), site in zip(choice, _sites(buffer)) if (char, site) in evidence.annotated)
            scored.append((2 * hits + _plain_score(decoded, evidence), decoded))
    return scored


def _choose(scored: list[tuple[int, str]]) -> str | None:
    """The text that clearly wins, or None.

    Texts within `_MARGIN` of the best score are rivals that plausibility cannot part. Rivals that differ only by
    Traditional variants of one Simplified character (嬰 and 孆) are one reading, since the mirror's text goes back
    to Simplified; the best-scored of them stands for it. Between different readings, the word model must prefer
    the best-scored one over every other by `_LM_MARGIN`: the two judges must agree. Or it prefers a rival by twice
    that (about 400 to 1), which overrules a lead inside the margin: the score's edge there is the document's
    evidence that one candidate is on the mirror's list (記 annotated elsewhere), which says nothing against the
    other (`累計` over `累記`).
    """
    best = max(score for score, _ in scored)
    readings: dict[str, tuple[int, str]] = {}
    for score, text in scored:
        if score > best - _MARGIN:
            key = to_simplified(text)
            readings[key] = max(readings.get(key, (score, text)), (score, text))
    if len(readings) == 1:
        return next(iter(readings.values()))[1]
    ranked = sorted(((word_logprob(key), key) for key in readings), reverse=True)
    (first, key), (second, _) = ranked[0], ranked[1]
    score, text = readings[key]
    if first - second < (_LM_MARGIN if score >= best else 2 * _LM_MARGIN):
        return None
    return text


def _site_options(buffer: _Buffer, evidence: _Evidence):
    """Candidate (x, char) lists per site, each given the byte before it; None when a site has no candidate.

    A chain makes the byte before a site the `x` of the site before; candidates are then computed per choice of
    that earlier `x`, which `_decode` checks again, so here a chained site takes every candidate of every
    earlier choice.
    """
    options = []
    previous: set[int] = set()
    for piece in buffer.pieces:
        if isinstance(piece, tuple) and piece[0] == "note":
            continue
        if isinstance(piece, tuple):
            found = {c for p in previous for c in _candidates(p, piece[1]) if c[1] not in evidence.plain}
            converted = {c for c in found if _converted(c[1])}
            found = converted or found
            if not found:
                return None
            options.append(sorted(found))
            previous = {x for x, _ in found}
        else:
            data = _encode(piece)
            previous = {data[-1]} if data[-1] >= 0x81 else set()
    return options


@lru_cache(maxsize=None)
def _converted(char: str) -> bool:
    """Whether the mirror's Simplified → Traditional conversion could have produced `char`.

    On the seed every one of the 83 annotated characters is such a character (當 網 臺 內 報 …): the mirror
    annotates converted characters. A candidate that is one is preferred to any that is not.
    """
    return to_simplified(char) != char


def _decode(buffer: _Buffer, choice) -> str | None:
    data = bytearray()
    sites = iter(choice)
    for piece in buffer.pieces:
        if isinstance(piece, tuple) and piece[0] == "note":
            continue  # the annotation of the character before; the pinyin strip would drop it too
        if isinstance(piece, tuple):
            x, char = next(sites)
            if not data or bytes((data[-1], x)).decode(_CODEC, errors="replace") != char:
                return None
            data.append(x)
        else:
            data += _encode(piece)
    try:
        return data.decode(_CODEC)
    except UnicodeDecodeError:
        return None


def _plain_score(text: str, evidence: _Evidence) -> int:
    """Higher is better: plausibility, and the characters and pairs the document uses elsewhere (`新華` beats
    `新莂`, `米。` beats `米ぃ`, which cost the same: the document is the best model of its own words). A Latin
    letter alone between Han characters is what out-of-step decoding leaves (`宨T發`), and so are a kana, a
    pinyin letter or a symbol there (`中ガ機`, `橇ì技`): each is charged for. In a
    folded document a full-width form is compared in its folded form, the only one the document shows."""
    if evidence.folded:
        text = text.translate(_FOLD)
    known = sum(1 for c in text if c >= "\x80" and c in evidence.characters)
    pairs = sum(1 for pair in zip(text, text[1:]) if "".join(pair) in evidence.bigrams)
    stray = len(_STRAY_LETTER.findall(text)) + len(_STRAY_SYMBOL.findall(text))
    return known + 2 * pairs - implausibility(text) - 4 * stray


def _sites(buffer: _Buffer) -> list[str]:
    return [p[1] for p in buffer.pieces if isinstance(p, tuple) and p[0] == "site"]


def _plausible_region(before: str, after: str) -> bool:
    """The stretch that recovery changed must read as ordinary Chinese: no `?`, private-use character, or stray
    Latin letter or symbol between Han characters left in it (or at its edges)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    region = after[start:end_a]
    if any(c in PHANTOM_MARKS or char_cost(c) >= IMPOSSIBLE for c in region):
        return False
    edges = after[max(0, start - 1) : end_a + 1]
    if _STRAY_LETTER.search(edges) or _STRAY_SYMBOL.search(edges):
        return False
    share, count = common_share(to_simplified(region))  # OpenCC's own forms (衆 爲) are rare in Big5 terms
    return count == 0 or share >= _MIN_REGION_SHARE
