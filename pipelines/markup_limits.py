"""A cheap scan of a page's markup before any parser sees it: too many attributes, elements or levels is a failure.

lxml's parse time grows with the square of the attribute count of one element (libxml2 checks every new attribute
against the ones before it): 100k attributes on one tag take 30 s, a million more than two minutes, and nothing
can interrupt a C parser from inside its thread. No news page comes near these limits, so a page that exceeds one
is refused with a reason that names it, before it is parsed, in time linear in its length.

The scan is a tokenizer, not a parser: it reads start and end tags (quoted attribute values may hold ``>``), skips
comments and the raw text of ``script``/``style``/``textarea``/``title`` as an HTML parser does, and counts nesting
the way an HTML tree grows: void elements (``br``, ``img``…) and elements whose end tag is optional (``p``, ``li``,
``td``…, closed by their next sibling) add no level. It errs on the side of counting more, never less: the limits
leave room for that.

Most pages are far inside every limit, and proving that needs no Python loop over their tags: one regex pass
(``_TOKEN``, the same tokenizer with comments and raw text swallowed by linear, possessive patterns) and C-speed
sums give upper bounds of the counts (``_surely_within``). Only a page whose bounds reach a limit is scanned tag by
tag (``_exact_problem``), which says precisely which limit it exceeds.
"""

from __future__ import annotations

import re
from itertools import accumulate
from operator import itemgetter, sub

MAX_ATTRIBUTES_PER_ELEMENT = 1_000
"""The quadratic case. Real pages stay under 50; 1,000 on each of 200 elements still parses in half a second."""
MAX_ATTRIBUTES = 200_000
MAX_ELEMENTS = 200_000
"""A long article page holds a few thousand elements; 200k flat elements parse in about three seconds."""
MAX_DEPTH = 1_000
"""Pages nest 20–40 levels; libxml2 itself stops at 256 unless told otherwise (we tell it, see extract.dom)."""

_NAME_AND_ATTRIBUTES = r"""([A-Za-z][^\s/>]*+)((?:[^>"'=]++|=\s*+"[^"]*+"|=\s*+'[^']*+'|[="'])*+)"""
_TAG = re.compile(r"<(/?)" + _NAME_AND_ATTRIBUTES)
"""A start or end tag: its name, then its attributes up to the ``>``. A quote opens a value only right after ``=``,
as in the HTML tokenizer; elsewhere it is a character of a name (real pages have ``type="text=""``, whose last
quote would otherwise pair with one a page further on and make the rest of the page one tag). Quoted values are
skipped whole, possessively, so an unterminated quote cannot make the scan backtrack."""
_ATTRIBUTE = re.compile(r"""[^\s"'=/>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]*+))?""")
_OPEN = re.compile(r"<(?:!--|[A-Za-z/])")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "plaintext"})
_NO_LEVEL = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen basefont frame isindex "  # void
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp html head body".split()
)


def problem(html: str) -> str | None:
    """Why this markup is refused (a sentence naming the limit), or None when it is within every limit."""
    return None if _surely_within(html) else _exact_problem(html)


def _exact_problem(html: str) -> str | None:
    """``problem`` by a scan of every tag in Python: exact, and the first limit exceeded is the one named."""
    elements = attributes = depth = deepest = 0
    pos = 0
    while True:
        found = _OPEN.search(html, pos)
        if found is None:
            return None
        start = found.start()
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            if end < 0:
                return None  # the rest is one comment
            pos = end + 3
            continue
        tag = _TAG.match(html, start)
        if tag is None:  # "</" or "<x" that is no tag: text
            pos = start + 1
            continue
        pos = tag.end()
        name = tag.group(2).lower()
        if tag.group(1):  # an end tag
            if name not in _NO_LEVEL and depth:
                depth -= 1
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            return f"too many elements (over {MAX_ELEMENTS:,})"
        count = _count_attributes(tag.group(3), MAX_ATTRIBUTES_PER_ELEMENT)
        if count > MAX_ATTRIBUTES_PER_ELEMENT:
            return f"too many attributes on one <{name[:20]}> element (over {MAX_ATTRIBUTES_PER_ELEMENT:,})"
        attributes += count
        if attributes > MAX_ATTRIBUTES:
            return f"too many attributes (over {MAX_ATTRIBUTES:,})"
        if name in _RAW_TEXT:
            end = _find_end(html, name, pos)
            if end < 0:
                return None  # the rest is the element's raw text
            pos = end
            continue
        if name not in _NO_LEVEL and not tag.group(3).rstrip().endswith("/"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return f"nested too deeply (over {MAX_DEPTH:,} levels)"


def _count_attributes(text: str, cap: int) -> int:
    """Attributes in a tag's text, counting no further than just past ``cap``."""
    count = 0
    for _ in _ATTRIBUTE.finditer(text):
        count += 1
        if count > cap:
            break
    return count


def _find_end(html: str, name: str, pos: int) -> int:
    """Where the end tag of a raw-text element starts, in any ASCII letter case (as HTML reads tag names: no long s
    for an s), or -1; without lower-casing the page."""
    end = re.compile(rf"</{name}", re.I | re.A).search(html, pos)
    return end.start() if end else -1


FAST_PATH_MAX_TAGS = 50_000
"""Pages with more ``<`` than this (ten times a long article page) go straight to the exact scan: the fast path
holds one tuple per tag, and on pages that large the exact scan's cost no longer matters beside lxml's."""

_RAW_NAMES = "|".join(sorted(_RAW_TEXT))
_TOKEN = re.compile(
    r"<(?:!--[^-]*+(?:-(?!->)[^-]*+)*+(?:-->)?"  # a comment, to its end or to the end of the page
    rf"|(?:(/)|(?=(?ai:{_RAW_NAMES})(?![^\s/>]))())?"  # an end tag, or a raw-text start tag (marked by group 2)
    + _NAME_AND_ATTRIBUTES +  # name and attributes, as _TAG reads them
    r"(?(2)[^<]*+(?:<(?!/(?ai:\3))[^<]*+)*+))"  # a raw-text element's text, up to its end tag or the page's
)
"""``_exact_problem``'s tokenizer as one pattern, so that a single ``findall`` reads the page: each part matches
where the exact scan reads the same thing. Every repetition is possessive and a comment or raw text that never ends
runs to the end of the page, so the pass stays linear whatever the page holds. Groups: the end tag's ``/``, the
raw-text mark, the name, the attribute text."""
_SLASH, _NAME, _TEXT = itemgetter(0), itemgetter(2), itemgetter(3)
_NO_STEP = dict.fromkeys([*_NO_LEVEL, ""], 0)  # "": a comment
_STEP = {"": 1, "/": -1}


def _surely_within(html: str) -> bool:
    """Whether upper bounds of the exact scan's counts, found without a Python loop over the tags, prove the page
    within every limit. False means only that the exact scan must decide.

    - elements: at most one per token;
    - attributes of one tag: each but the last takes two characters of the tag's attribute text at least (a name
      ends where a character that is no name's follows; a name with ``=`` is two already), so a text of ``n``
      characters holds at most ``(n + 1) // 2``; the few longer texts (an inline SVG path, a data URL) are counted;
    - depth: every start tag that is not void or optional-end adds a level (also the raw-text ones and the
      ``<x/>`` the exact scan lets go), every such end tag takes one, never below zero; the deepest level of that
      walk is its running sum less the running minimum of that sum (no deeper than the count of start tags,
      which settles it for most pages).
    """
    opening = html.count("<")
    if opening > FAST_PATH_MAX_TAGS:
        return False
    tokens = _TOKEN.findall(html)
    if not tokens:
        return True
    if len(tokens) > MAX_ELEMENTS:
        return False
    lengths = list(map(len, map(_TEXT, tokens)))
    if max(lengths) >= 2 * MAX_ATTRIBUTES_PER_ELEMENT and any(
            _count_attributes(text, MAX_ATTRIBUTES_PER_ELEMENT) > MAX_ATTRIBUTES_PER_ELEMENT
            for text in map(_TEXT, tokens) if len(text) >= 2 * MAX_ATTRIBUTES_PER_ELEMENT):
        return False
    if (sum(lengths) + len(lengths)) // 2 > MAX_ATTRIBUTES:
        return False
    if len(tokens) - list(map(_SLASH, tokens)).count("/") <= MAX_DEPTH:  # fewer start tags than levels allowed
        return True
    steps = map(_NO_STEP.get, map(str.lower, map(_NAME, tokens)), map(_STEP.__getitem__, map(_SLASH, tokens)))
    levels = list(accumulate(steps, initial=0))
    return max(map(sub, levels, accumulate(levels, min))) <= MAX_DEPTH
