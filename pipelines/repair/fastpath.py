"""The fast path: text that no fixer would change is recognised in one scan, instead of one scan per fixer.

Every fixer checks its own evidence, but each check is a pass over the whole text, and a dozen of them made the
repair of a clean page cost as much as 60 plain decodes. `untouched` folds the evidence of every fixer into one
regular expression. Its search skips, in C, over the characters that can start no repair (nearly all of a clean
Chinese page); at each one that can, it tests in place whether a fixer could act there. Each test is a condition
without which its fixer changes nothing. Most spots it finds are final: the text goes the whole way, where each
fixer decides for itself. Some are common in clean text (`覆盖`, a rare place name such as 綦江, `……`), and
there the fixer's own check is asked, once per text (or per line), whether it would do anything. A text that gets
through is returned as it is, with an empty explanation. So the fast path may send clean text the long way, never
damaged text the short way; `tests/test_repair.py` compares the two paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from pipelines.plausibility import RARE_CHARS
from pipelines.repair.invisibles import FOLDED, INDENT, MARKS
from pipelines.repair.mojibake_latin import ANCHORS as LATIN_ANCHORS
from pipelines.repair.mojibake_latin import fix_latin_mojibake
from pipelines.repair.mojibake_swaps import REACH as SWAP_REACH
from pipelines.repair.mojibake_swaps import SWAPS, repair_swapped
from pipelines.repair.mojibake_utf8 import UTF8_MISREADS, repair_utf8_misread, utf8_marker_chars
from pipelines.repair.phantoms import PHANTOM_MARKS
from pipelines.repair.pinyin import PRECHECK_START as PINYIN_START
from pipelines.repair.pinyin import measure
from pipelines.repair.punctuation import FOLD_MARKS, looks_folded
from pipelines.repair.readings import HAN, SYLLABLE, TONE_LETTERS, to_simplified
from pipelines.repair.simplified import PHRASE_ONLY, convertible

_ALWAYS = "\r\u2028\u2029\xa0\u200b\u200c\u200d\u2060\ufeff"
"""Characters a fixer removes or replaces wherever they stand (`\\u200d` only outside emoji: a superset)."""


def _spots(simplified: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The final spots, as (the characters a spot starts with, as a class body; the test made just after that
    character), and the spots a text may clear, as (name in `_CLEARS`, start, zero-width test)."""
    doubled: dict[str, str] = {}
    for mark in MARKS:
        doubled[FOLDED.get(mark, mark)] = doubled.get(FOLDED.get(mark, mark), "") + re.escape(mark)
    marks = re.escape(MARKS)
    twice = "|".join(f"(?=[{same}])(?<=[{HAN}][{same}])" for same in doubled.values())
    final = [
        # doubled_punctuation: a Han character, then one mark twice (in either width). These marks are everywhere:
        # the next character is looked at first. (First in the list: `_pattern` gives it a branch of its own.)
        (marks, f"(?=[{marks}])(?:{twice})"),
        (_ALWAYS, f"(?<=[{_ALWAYS}])"),  # line_breaks, nbsp, zero_width
        ("&", "(?<=&)(?i:(?:amp;)?nbsp)"),  # nbsp: the entity left as text
        (re.escape(PHANTOM_MARKS), rf"(?:(?<=[{re.escape(PHANTOM_MARKS)}])|(?<=\ufffd\()){SYLLABLE}\s?\)"),  # phantom_bytes
    ]
    if simplified:  # to_simplified, of a character by itself
        traditional = _char_class(convertible())
        final.append((traditional, f"(?<=[{traditional}])"))
    folded = re.escape(FOLD_MARKS)
    clearable = [
        ("pinyin", r"\(", rf"(?<=\()(?={PINYIN_START})"),  # pinyin_annotations (`pinyin.PRECHECK`)
        # cjk_mojibake: where a UTF-8 misreading starts, or two rare characters near enough to share a window
        *((f"utf8_{i}", leads, f"(?<=[{leads}])(?=[{followers}])")
          for i, (leads, followers) in enumerate(utf8_marker_chars(m.wrong) for m in UTF8_MISREADS)),
        ("swap", RARE_CHARS, f"(?<=[{RARE_CHARS}])(?=(?s:.){{0,{2 * SWAP_REACH - 1}}}?[{RARE_CHARS}])"),
        ("fold", folded, f"(?<=[{HAN}][{folded}])|(?<=[{folded}])(?=[{HAN}])"),  # fullwidth_punctuation
        ("latin", LATIN_ANCHORS, f"(?<=[{LATIN_ANCHORS}])"),  # latin_mojibake: what ftfy's badness needs
    ]
    if simplified:  # to_simplified, of a phrase
        clearable.append(("phrase", PHRASE_ONLY, f"(?<=[{PHRASE_ONLY}])"))
    return final, clearable


def _char_class(chars: frozenset[str]) -> str:
    """A class body holding `chars`: runs as ranges, and outside the BMP one range from the lowest to the highest
    (a superset: the regex engine would test such members one by one at every character of the text)."""
    runs: list[list[int]] = []
    for code in sorted(ord(c) for c in chars if c <= "\uffff"):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    body = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)
    astral = [c for c in chars if c > "\uffff"]
    return body + (f"{min(astral)}-{max(astral)}" if astral else "")


_ASTRAL = re.compile("[\U00010000-\U0010ffff](?:-[\U00010000-\U0010ffff])?")
"""A member or a range of a class body beyond the BMP (the bodies used here hold no range that straddles it)."""


@lru_cache(maxsize=4)
def _pattern(simplified: bool, astral: bool) -> re.Pattern[str]:
    """One search for every spot. A final spot matches with no named group set; at any other, every clearable test
    that holds there has its group set (each is tried, then one at least must have held).

    Without `astral`, for a text of the BMP alone, the first character's class leaves out what lies beyond: the
    regex engine tests those members after its BMP table at every character, a sixth of the scan of a clean page.
    """
    final, clearable = _spots(simplified)
    final_starts = "".join(start for start, _ in final)
    clearable_starts = "".join(start for _, start, _ in clearable)
    if not astral:
        final_starts, clearable_starts = _ASTRAL.sub("", final_starts), _ASTRAL.sub("", clearable_starts)
    tests = "".join(f"(?P<{name}>{test})?" for name, _, test in clearable)
    held = "(?!)"
    for name, _, _ in reversed(clearable):
        held = f"(?({name})|{held})"
    # Each family is entered only from its own start characters. The marks met most often (`，` `。`) start no other
    # spot: they get a branch of their own, so that one of them fails after three tests, not ten.
    general = f"(?<=[{final_starts}])(?:{'|'.join(test for _, test in final)})|(?<=[{clearable_starts}]){tests}{held}"
    others = re.compile(f"[{''.join(start for start, _ in final[1:])}{clearable_starts}]")
    alone = re.escape("".join(mark for mark in MARKS if not others.match(mark)))
    return re.compile(
        f"[{final_starts}{clearable_starts}](?:(?<=[{alone}]){final[0][1]}|(?<![{alone}])(?:{general}))"
    )


_TRAILING = re.compile(r"\n(?<=[ \t]\n)")
"""Where `invisibles.fix_trailing_spaces` acts before a line break: a search for the newline is the quickest."""


def _lines_convert_to_themselves(text: str, indexes: list[int]) -> bool:
    """t2s is line by line, as no entry of its tables holds a newline (`simplified.convertible` relies on it too)."""
    starts = {text.rfind("\n", 0, index) + 1 for index in indexes}
    for start in starts:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if to_simplified(line) != line:
            return False
    return True


_CLEARS: dict[str, Callable[[str, list[int]], bool]] = {
    # Each says, for a text and the indexes of its spots of that kind, that the fixer would leave the text alone;
    # cheapest first.
    "fold": lambda text, _: not looks_folded(text),
    "latin": lambda text, _: fix_latin_mojibake(text)[1] == 0,
    "phrase": _lines_convert_to_themselves,
    "pinyin": lambda text, _: not measure(text).is_mirror,
    # A CJK mojibake fixer that finds nothing in its first round returns the text as it is: its three searches
    # clear their spots one by one. A UTF-8 spot is where the fixer's own search would start: it is given them.
    "utf8_0": lambda text, spots: repair_utf8_misread(text, UTF8_MISREADS[0], spots)[1] == 0,
    "utf8_1": lambda text, spots: repair_utf8_misread(text, UTF8_MISREADS[1], spots)[1] == 0,
    "swap": lambda text, _: all(repair_swapped(text, swap)[1] == 0 for swap in SWAPS),
}


def untouched(text: str, simplified: bool = False) -> bool:
    """True when no fixer would change `text`; `simplified` when the Traditional → Simplified fixer is to run.

    The whole text is searched before any spot is cleared: a final spot anywhere makes clearing the others
    wasted work, which the fixers would then repeat.

    >>> untouched("重庆日报报业集团，今年9月。"), untouched("重慶日報"), untouched("重慶日報", simplified=True)
    (True, True, False)
    """
    if text.endswith((" ", "\t")) or _TRAILING.search(text):
        return False  # trailing_spaces
    if "\u3000" in text and INDENT.search(text):
        return False  # indentation
    astral = len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)  # a pair of surrogates for each
    spots: dict[str, list[int]] = {}
    for match in _pattern(simplified, astral).finditer(text):
        held = [kind for kind, test in match.groupdict().items() if test is not None]
        if not held:
            return False
        for kind in held:
            spots.setdefault(kind, []).append(match.start())
    return all(clears(text, spots[kind]) for kind, clears in _CLEARS.items() if kind in spots)
