"""Invisible characters and spacing that templates and mirrors leave in text.

Each fixer here changes only what a reader cannot see or what no writer meant: line-break conventions, no-break
and zero-width characters, HTML entities that were escaped once too often, full-width indentation, spaces at line
ends, and the mirrors' doubled punctuation. Single spaces between phrases (the seed's title has them) are kept.
"""

from __future__ import annotations

import re

from pipelines.repair.readings import HAN

BREAKS = "\r\u2028\u2029"
"""What `fix_line_breaks` makes LF: CR (alone or before LF) and the Unicode line and paragraph separators."""
_CR = re.compile("\r\n?|[\u2028\u2029]")
_NBSP = re.compile(r"\xa0|&(?:amp;)?nbsp;?", re.IGNORECASE)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff]|(?<![\U0001f000-\U0001faff\u2600-\u27bf\ufe0f])\u200d")
INDENT = re.compile("^[\u3000 \t]*\u3000[\u3000 \t]*", re.MULTILINE)
_TRAILING = re.compile("[ \t]+$", re.MULTILINE)
MARKS = ",，;；。、"
"""The marks a mirror doubled; `FOLDED` says which are one mark in two widths."""
FOLDED = {"，": ",", "；": ";"}
_DOUBLED = re.compile(f"(?<=[{HAN}])([{MARKS}])([{MARKS}])(?=([{MARKS}]?))")


def _sub(pattern: re.Pattern, replacement: str, text: str) -> tuple[str, int]:
    return pattern.subn(replacement, text)


def fix_line_breaks(text: str) -> tuple[str, int]:
    r"""CRLF, lone CR and the separators U+2028 and U+2029 become LF.

    >>> fix_line_breaks("第一段\r\n第二段\r第三段\u2028第四段")
    ('第一段\n第二段\n第三段\n第四段', 3)
    """
    return _sub(_CR, "\n", text)


def fix_nbsp(text: str) -> tuple[str, int]:
    r"""No-break spaces, and `&nbsp;` left as text (also double-escaped `&amp;nbsp;`), become plain spaces.

    >>> fix_nbsp("记者\xa0张三&amp;nbsp;报道")
    ('记者 张三 报道', 2)
    """
    return _sub(_NBSP, " ", text)


def fix_zero_width(text: str) -> tuple[str, int]:
    r"""Zero-width spaces, joiners outside emoji, word joiners and stray byte-order marks are removed.

    >>> fix_zero_width("重\u200b庆\ufeff新闻")
    ('重庆新闻', 2)
    """
    return _sub(_ZERO_WIDTH, "", text)


def fix_indentation(text: str) -> tuple[str, int]:
    r"""Full-width-space indentation (U+3000 runs) at the start of a paragraph is removed.

    >>> fix_indentation("\u3000\u3000今年9月")
    ('今年9月', 1)
    """
    return _sub(INDENT, "", text)


def fix_trailing_spaces(text: str) -> tuple[str, int]:
    r"""Spaces and tabs at the end of a line are removed (a U+3000 there may be the writer's layout).

    >>> fix_trailing_spaces("重庆新闻  \n正文\t")
    ('重庆新闻\n正文', 2)
    """
    return _sub(_TRAILING, "", text)


def fix_doubled_punctuation(text: str) -> tuple[str, int]:
    """A mark the mirror doubled after a Han character is written once; three or more are left (an ellipsis).

    A doubled `，` that the corpus folded comes here as `，,` when only the first touched CJK text and regained its
    full width (`据统计，,2016年`): the two are one mark in two widths, and the first, the restored one, stays.

    >>> fix_doubled_punctuation("今年9月，，中共中央。。据统计，,2016年")
    ('今年9月，中共中央。据统计，2016年', 3)
    """
    count = 0

    def once(match: re.Match) -> str:
        nonlocal count
        first, second, third = (FOLDED.get(c, c) for c in match.groups())
        if first != second or third == first:
            return match.group(0)
        count += 1
        return match.group(1)

    return _DOUBLED.sub(once, text), count
