"""The generic article extractor: the body of a news page whose layout nobody described, Chinese or not.

It is the fallback of ``pipelines.extract.extract`` when a page has no site profile or the profile's selectors no
longer match (a redesign). The approach is readability's, with prose told by its punctuation in any script:

1. clean the DOM: drop scripts, navigation, forms of furniture, and elements whose class or id says copyright,
   related, recommend, share, comment, cookie, consent, newsletter, ad… (``generic_rules.json``), short blocks
   that *say* 责任编辑, 版权所有, 相关新闻, 上一篇, "we use cookies", "Chat with us in Facebook Messenger"…, and
   whole comment items from their `re: 标题 日期` heading on — but never an element that holds most of the page's
   prose, which is the article container with an unlucky name (a consent banner excepted);
2. score paragraphs by prose marks (``，。`` in Chinese, ``, .`` after a letter in English and other alphabetic
   languages; menus and link lists have none), length and link density, credit their containers and
   grandparents, and take the best container, favouring the one right under the headline
   (``pipelines.extract.title`` finds it, never the site's name);
3. widen it to the ancestor that holds the rest of a body split into repeated chunks, merge its siblings that
   score well (readability's sibling merging), drop link lists inside it, and read its lines, broken at block
   elements and ``<br>``.

Everything is lxml and iterative: no recursion, so 10 MB of nested ``<div>`` cannot hit a recursion limit, and no
BeautifulSoup, so a page takes milliseconds.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from pipelines.boilerplate import is_spam
from pipelines.extract.dom import css_path, iter_lines, normalize_space, parse, text_of
from pipelines.extract.generic_head import base_url, header_text, meta_tags, same_text
from pipelines.extract.generic_rules import Rules, class_tokens, rules
from pipelines.extract.title import find_title, heading_before, says_title, site_names



@dataclass
class GenericResult:
    """What the generic extractor found on one page.

    - ``title``: the headline (``pipelines.extract.title``: an ``<h1>``/title-classed element confirmed by
      ``<title>``, else ``og:title``, else ``<title>`` less its site parts, never the site's name; on a page that
      names only its site, the heading right above the body).
    - ``paragraphs``: the body, one entry per block or ``<br>``-separated line, whitespace normalised, the headline
      itself not repeated.
    - ``images``: absolute URLs (when ``url`` or ``<base>`` allows) of the images inside the chosen body.
    - ``header_text``: the text between the headline and the body, where the publish time, source and author
      usually are; read dates from here before anywhere else.
    - ``meta``: ``<meta>`` tags by lower-cased name/property (``og:title``, ``article:published_time``,
      ``publishdate``, ``description``…), first value kept.
    - ``reason``: why ``paragraphs`` is empty (``None`` when it is not).
    - ``removed_lines``: ``(kind, text)`` of every block or line dropped for what it says (``editor``,
      ``copyright``, ``disclaimer``, ``promo``, ``related``, ``contact``, ``nav``; patterns in
      ``generic_rules.json``), in document order, so that 责任编辑 and the like can still be parsed into fields
      although they are not body.
    - ``dropped``: dropped blocks by kind: the text kinds of ``removed_lines`` plus ``class`` (class/id says
      boilerplate), ``form``, ``link_list`` and ``non_prose`` (blocks inside the body without sentences).
    - ``title_css``, ``body_css``: CSS selectors of the headline element and the chosen container
      (``pipelines.extract.dom.css_path``), the starting point of a profile's template (``profile new``).
    """

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    header_text: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    removed_lines: list[tuple[str, str]] = field(default_factory=list)
    dropped: dict = field(default_factory=dict)
    title_css: str = ""
    body_css: str = ""


def extract_generic(html, url: str | None = None, *, keep_tree: bool = True) -> GenericResult:
    """Extract title, body paragraphs, images, header text and meta tags from a page of unknown layout.

    ``html`` is a str, bytes (UTF-8, else GB18030) or an lxml element/tree, copied and never modified unless
    ``keep_tree`` is False: a caller that parsed the page for this call alone spares the copy (a tenth of the
    extraction) and gets its tree back taken apart. Never raises: a page it cannot read yields a result with no
    paragraphs and a ``reason``.
    """
    try:
        return _extract(html, url, keep_tree)
    except Exception as exc:  # noqa: BLE001 - bad documents are data; the reason records what went wrong
        return GenericResult(reason=f"error: {type(exc).__name__}: {exc}")


def _extract(html, url: str | None, keep_tree: bool = True) -> GenericResult:
    if isinstance(html, etree._ElementTree):
        html = html.getroot()
    if isinstance(html, etree._Element):
        root, reason = (copy.deepcopy(html) if keep_tree else html), None
    else:
        root, reason = parse(html)
    if root is None:
        return GenericResult(reason=reason)
    r = rules()
    meta = meta_tags(root)
    base = base_url(root, url)
    page_title = normalize_space(root.findtext(".//title") or "")
    if is_spam(page_title):  # a mirror's keyword line confirms no headline: the page's <h1> is the title then
        page_title = ""
    etree.strip_tags(root, *r.unwrap_tags)
    etree.strip_elements(root, *r.drop_tags, with_tail=False)
    body = root.find("body")
    if body is None:
        body = root
    sites = site_names(body, meta, url, page_title)  # before cleaning, which drops the header's home link with the navigation
    removed = _Removed()
    stats = _Stats(body, r)
    titled = _clean(body, stats, r, removed)
    title, title_element, site_only = find_title(body, page_title, meta, r, sites, url, stats.total, titled)
    if title_element is not None or site_only:  # positions matter only beside a headline element
        stats.offset = _text_offsets(body, stats)
    best, score = _best_candidate(body, stats, r, title_element)
    result = GenericResult(title=title, meta=meta, removed_lines=removed.lines, dropped=dict(removed.counts),
                           title_css=css_path(title_element), body_css=css_path(best))
    if best is None:
        result.reason = "no text block found" if stats.length(body) else "no text"
        return result
    best = _widen(best, body, stats)
    nodes = _merge_siblings(best, stats, score, r)
    if site_only:  # the page names only its site (a blog): the heading right above the body is the post's
        heading, element = heading_before(nodes[0], stats.offset, stats.total, sites)
        if element is not None:
            result.title, title, title_element = heading, heading, element
    skip = _inner_boilerplate(nodes, stats, r, removed)
    lines = [line for line in iter_lines(nodes, skip) if not _boilerplate_kind(line, r, removed)]
    if lines and title and same_text(lines[0], title):
        lines = lines[1:]
    lines = _without_repeats(lines)
    result.paragraphs = lines
    result.images = _images(nodes, skip, base)
    result.header_text = header_text(body, title_element, nodes[0])
    result.dropped = dict(removed.counts)
    if not lines:
        result.reason = "chosen container holds no text"
    return result


class _Stats:
    """Per-element text measures, aggregated bottom-up in one pass so no subtree is read twice.

    ``own`` is an element's own text (its .text and its children's tails); ``inline`` adds the text of inline
    children, i.e. the prose a block element shows itself; ``total`` covers the whole subtree. ``order`` holds the
    elements in document order and ``last`` the index there of each one's last descendant (itself when it has
    none), so that a pass can skip a subtree without walking the tree.
    """

    __slots__ = ("total", "punct", "links", "inline", "inline_punct", "offset", "order", "last")

    def __init__(self, root, r: Rules):
        self.total: dict = {}
        self.punct: dict = {}
        self.links: dict = {}
        self.inline: dict = {}
        self.inline_punct: dict = {}
        self.offset: dict = {}
        chinese, other, in_context = r.chinese_marks.findall, r.other_mark.search, r.marks_in_context.findall
        inline_tags = r.inline_tags
        total_of, punct_of, links_of = self.total, self.punct, self.links
        inline_of, inline_punct_of = self.inline, self.inline_punct
        child_total_of = total_of.get
        self.order = order = list(root.iter(etree.Element))
        self.last = last_of = {}
        for index in range(len(order) - 1, -1, -1):  # children before their parents
            element = order[index]
            text = element.text
            pieces = [text] if text else []
            total = pun = links = inline = inline_pun = 0
            last_child = None
            for child in element:
                tail = child.tail
                if tail:
                    pieces.append(tail)
                child_total = child_total_of(child)
                if child_total is None:  # a comment or processing instruction (in a caller's tree)
                    continue
                last_child = child
                if not child_total:  # no text, so no marks and no links
                    continue
                child_punct = punct_of[child]
                total += child_total
                pun += child_punct
                links += links_of[child]
                if child.tag in inline_tags:
                    inline += child_total
                    inline_pun += child_punct
            if pieces:
                own = "".join(pieces)
                if not own.isspace():  # most containers' own text is the indentation between their children
                    marks = len(chinese(own))  # prose marks (generic_rules._punctuation)
                    if other(own):
                        marks += len(in_context(own))
                    length = len("".join(own.split()))
                    total, pun, inline, inline_pun = (total + length, pun + marks, inline + length,
                                                      inline_pun + marks)
            last_of[element] = index if last_child is None else last_of[last_child]
            total_of[element] = total
            punct_of[element] = pun
            links_of[element] = total if total and element.tag == "a" else links
            inline_of[element] = inline
            inline_punct_of[element] = inline_pun

    def forget(self, element, r: Rules) -> None:
        """Take a removed element's text out of its ancestors' measures (cheaper than measuring again)."""
        total, punct, links = self.total.get(element, 0), self.punct.get(element, 0), self.links.get(element, 0)
        if not total:
            return
        parent = element.getparent()
        if parent is not None and element.tag in r.inline_tags:
            self.inline[parent] -= total
            self.inline_punct[parent] -= punct
        for ancestor in element.iterancestors():
            if ancestor in self.total:
                self.total[ancestor] -= total
                self.punct[ancestor] -= punct
                self.links[ancestor] -= total if ancestor.tag == "a" else links

    def length(self, element) -> int:
        return self.total.get(element, 0)

    def link_density(self, element) -> float:
        total = self.total.get(element, 0)
        return self.links.get(element, 0) / total if total else 0.0


def _text_offsets(root, stats: _Stats):
    """For each element, how many non-space characters of text come before it in document order: an ``_Offsets``
    where the tree holds nothing but elements and text (as parsed for ``extract``), else a walk of the tree."""
    if next(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity), None) is None:
        return _Offsets(root, stats)
    offsets = {}
    seen = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if event == "start":
            offsets[element] = seen
            if element.text:
                seen += len("".join(element.text.split()))
        elif element.tail:
            seen += len("".join(element.tail.split()))
    return offsets


class _Offsets:
    """``_text_offsets`` for the few elements asked about (the headline, the scored containers), without walking
    the tree: an element's offset is its parent's, plus the parent's own text, plus the text of the siblings
    before it (their measured length and their tails). Each parent's children are placed at once, when the first
    of them is asked for. Exact only where the text measures cover all the text (no comments, whose tails they
    count and the walk does not)."""

    __slots__ = ("known", "total")

    def __init__(self, root, stats: _Stats):
        self.known = {root: 0}
        self.total = stats.total

    def get(self, element, default=None):
        known = self.known
        found = known.get(element)
        if found is not None or element is None:
            return default if found is None else found
        climbed = [element]
        parent = element.getparent()
        while parent is not None and parent not in known:
            climbed.append(parent)
            parent = parent.getparent()
        if parent is None:  # not inside the root
            return default
        for node in reversed(climbed):  # its parent is placed: place the parent's children
            self._place(node.getparent())
        return known[element]

    def _place(self, parent) -> None:
        known, total = self.known, self.total
        at = known[parent] + (len("".join(parent.text.split())) if parent.text else 0)
        for child in parent:
            known[child] = at
            at += total.get(child, 0)
            if child.tail:
                at += len("".join(child.tail.split()))


class _Removed:
    """What the extractor left out, by kind, and the text of blocks left out for what they say."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.lines: list[tuple[str, str]] = []

    def note(self, kind: str, text: str | None = None) -> None:
        self.counts[kind] += 1
        if text:
            self.lines.append((kind, text))


def _clean(body, stats: _Stats, r: Rules, removed: _Removed) -> list:
    """Drop boilerplate elements, top-down in document order: a dropped element's subtree is not visited.

    Returns the kept elements whose class or id says title, in document order (headline candidates, collected
    here because this pass reads every element's class anyway)."""
    page_punct = stats.punct.get(body, 0)
    protect = max(5, page_punct * r.protect_share)
    doomed, headings, titled = [], [], []
    order, last = stats.order, stats.last  # body first, then its descendants in document order
    index, end = 1, len(order)
    while index < end:
        element = order[index]
        lower, tokens = class_tokens(element)
        kind, text = _doomed_kind(element, lower, tokens, stats, r, protect)
        if kind is None and tokens and says_title(tokens):
            titled.append(element)
        if kind == "comment":
            headings.append(element)
        elif kind:
            removed.note(kind, text)
            doomed.append(element)
            if kind == "related":
                doomed.extend(_following_link_lists(element, stats, removed))
            index = last[element] + 1  # past its subtree
            continue
        index += 1
    if headings:
        doomed.extend(_comment_items(headings, doomed, removed))
    for element in doomed:
        stats.forget(element, r)
        _drop(element)
    if doomed and titled:  # a comment item or link list dropped after its title-classed element was seen
        titled = [e for e in titled if _attached(e, body)]
    return titled


def _attached(element, root) -> bool:
    return any(ancestor is root for ancestor in element.iterancestors())


COMMENT_ITEM_LEVELS = 4


def _comment_items(headings: list, doomed: list, removed: _Removed) -> list:
    """The comment items that comment headings open: from each heading, the highest ancestor (a few levels at
    most) that starts with the heading and holds no other one, i.e. the heading with the comment's text, never the
    thread or the post. Items inside an element already dropped are not counted twice."""
    holders: Counter = Counter()
    for heading in headings:
        holders.update(heading.iterancestors())
    gone = set(doomed)
    items = []
    for heading in headings:
        item = heading
        for _ in range(COMMENT_ITEM_LEVELS):
            parent = item.getparent()
            if parent is None or holders[parent] > 1 or not _starts_with(parent, heading):
                break
            item = parent
        if not gone.intersection(item.iterancestors()) and item not in gone:
            gone.add(item)
            items.append(item)
            removed.note("comment", normalize_space(text_of(heading)))
    return items


def _starts_with(element, first) -> bool:
    """Whether ``element``'s text begins with that of ``first``, one of its descendants."""
    head = normalize_space(text_of(first))[:20]
    return normalize_space(text_of(element)).startswith(head)


def _doomed_kind(element, lower: str, tokens: tuple, stats: _Stats, r: Rules,
                 protect: float) -> tuple[str | None, str | None]:
    """(kind, text) when an element is boilerplate by its class/id (``lower``, ``tokens``: "class" or "banner",
    no text) or by what it says. Cheapest tests first: this runs for every element of the page."""
    if stats.punct.get(element, 0) >= protect:  # most of the page's prose: only a consent banner still goes
        return ("banner", None) if lower and r.banner_substrings.search(lower) else (None, None)
    tag = element.tag
    if tag in r.soft_drop_tags:
        return tag, None
    total = stats.total.get(element, 0)
    if lower and (not r.negative_tokens.isdisjoint(tokens) or r.negative_substrings.search(lower)):
        if not ((total > 200 and not r.positive_tokens.isdisjoint(tokens))
                or element.get("itemprop") in ARTICLE_BODY_ITEMPROPS):
            return "class", None
    if not total or tag in r.inline_tags or total > r.max_boilerplate_chars or stats.inline[element] < 0.8 * total:
        return None, None  # judged by text only when the text is its own, not that of the blocks it wraps
    text = normalize_space(text_of(element))
    return _line_kind(text, r), text


def _line_kind(text: str, r: Rules) -> str | None:
    """The boilerplate kind of a short block or line of text, if it is one. Rules are tried only on text short
    enough for them and holding one of their required words: most lines are tried against next to none."""
    size = len(text)
    folded = None
    for kind, (pattern, max_chars, requires) in r.boilerplate_lines.items():
        if size > max_chars:
            continue
        if requires is not None:
            folded = text.lower() if folded is None else folded
            if not requires.search(folded):
                continue
        if pattern.search(text):
            return kind
    return None


def _following_link_lists(heading, stats: _Stats, removed: _Removed) -> list:
    """The link lists right after a 相关新闻 heading: the heading says what they are."""
    out = []
    sibling = heading.getnext()
    while sibling is not None and isinstance(sibling.tag, str):
        if stats.total.get(sibling, 0) and stats.link_density(sibling) < 0.5 and sibling.tag not in ("ul", "ol"):
            break
        out.append(sibling)
        removed.note("related")
        sibling = sibling.getnext()
    return out


def _drop(element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _class_weight(element, r: Rules) -> float:
    lower, tokens = class_tokens(element)
    if not lower:
        return 0.0
    weight = 0.0
    if any(t in r.positive_tokens for t in tokens):
        weight += 25
    if any(t in r.weak_negative_tokens for t in tokens) or r.negative_substrings.search(lower):
        weight -= 25
    return weight


ARTICLE_BODY_ITEMPROPS = frozenset({"articleBody", "articlebody"})
ARTICLE_BODY_BONUS = 25.0
"""schema.org's ``itemprop="articleBody"``, which news CMSs write on the body container: as strong a hint as a
class that says content."""
_TAG_BONUS = {"div": 5.0, "article": 10.0, "section": 3.0, "td": 3.0, "pre": 3.0, "blockquote": 3.0, "main": 5.0}


TITLE_DISTANCE_SCALE = 60.0


def _best_candidate(body, stats: _Stats, r: Rules, title_element=None):
    """The highest-scoring container and its score, link density discounted.

    A container that closely follows the headline (little text in between) gets up to twice its score: on portal
    pages teasers of other stories can outscore a short article, but they are not right under its headline.
    """
    title_at = stats.offset.get(title_element)
    if title_at is not None:
        title_at += stats.total[title_element]
    best, best_score = None, 0.0
    for element, score in _scores(body, stats, r).items():
        final = score * (1 - stats.link_density(element)) ** 2
        if title_at is not None:
            distance = stats.offset.get(element, -1) - title_at
            if distance >= 0:
                final *= 1 + math.exp(-distance / TITLE_DISTANCE_SCALE)
        if final > best_score:
            best, best_score = element, final
    if best is not None and best.tag in r.paragraph_tags:
        best = best.getparent()
    return best, best_score


def _scores(body, stats: _Stats, r: Rules) -> dict:
    """readability's scoring with Chinese punctuation as the signal of prose."""
    scores: dict = {}

    def credit(element, amount: float) -> None:
        if element is None or element not in stats.total:
            return
        if element not in scores:
            scores[element] = _TAG_BONUS.get(element.tag, 0.0) + _class_weight(element, r) + (
                ARTICLE_BODY_BONUS if element.get("itemprop") in ARTICLE_BODY_ITEMPROPS else 0.0)
        scores[element] += amount

    for element in body.iter():
        tag = element.tag
        if tag in r.paragraph_tags:
            length, marks = stats.total[element], stats.punct[element]
            if length < 8 or stats.link_density(element) > 0.5:
                continue
            value = 1 + marks + min(length / 80, 3)
            parent = element.getparent()
            credit(parent, value)
            if parent is not None:
                credit(parent.getparent(), value / 2)
        elif tag in r.candidate_tags:
            length, marks = stats.inline[element], stats.inline_punct[element]
            if length < 20 or marks == 0:
                continue
            value = 1 + marks + min(length / 80, 3)
            credit(element, value)
            credit(element.getparent(), value / 2)
    return scores


WIDEN_LEVELS = 6
WIDEN_SAME_SHARE = 0.6


def _widen(best, body, stats: _Stats):
    """The ancestor that holds the rest of a body split into chunks (ad slots or a paywall between them).

    The paragraphs of the best container have a look (tag and class). Climbing from it, an ancestor whose other
    children repeat the path's own container (same tag and class) and hold paragraphs of that look for most of
    what they add holds more of the same article; wrappers that add little are climbed through, and the climb
    stops where the page adds more other prose than the body has (teasers, comments)."""
    looks: Counter = Counter()
    for child in best:
        if child.tag == "p":
            looks[child.get("class")] += stats.punct.get(child, 0)
    if not looks:
        return best
    look, _ = looks.most_common(1)[0]
    widened = node = best
    for _ in range(WIDEN_LEVELS):
        parent = node.getparent()
        if parent is None or parent is body:
            break
        added = stats.punct.get(parent, 0) - stats.punct.get(widened, 0)
        if added > 0:
            kind = (node.tag, node.get("class"))
            same = sum(stats.punct.get(p, 0) for sibling in parent
                       if sibling is not node and (sibling.tag, sibling.get("class")) == kind
                       for p in sibling.iter("p") if p.get("class") == look)
            if same >= 3 and same >= WIDEN_SAME_SHARE * added:
                widened = parent
            elif added > stats.punct.get(widened, 0):
                break
        node = parent
    return widened


def _merge_siblings(best, stats: _Stats, score: float, r: Rules) -> list:
    """The best container plus siblings that carry prose too (a body split over several divs or loose <p>s)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, score * 0.2)
    nodes = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is best:
            nodes.append(sibling)
            continue
        length, marks = stats.total.get(sibling, 0), stats.punct.get(sibling, 0)
        density = stats.link_density(sibling)
        sibling_score = (1 + marks + min(length / 80, 3)) * (1 - density) + _class_weight(sibling, r)
        if marks >= 2 and density < 0.25 and (sibling_score >= threshold or sibling.tag in r.paragraph_tags):
            if not _mostly_list(sibling, stats):
                nodes.append(sibling)
    return nodes


def _mostly_list(element, stats: _Stats) -> bool:
    """Whether most of an element's text sits in list items: a list of teasers, not more of the article."""
    in_items = sum(stats.total.get(li, 0) for li in element.iter("li") if li.getparent().tag in ("ul", "ol"))
    return in_items > 0.5 * stats.total.get(element, 0)


NON_PROSE_CONTAINERS = frozenset({"div", "table", "ul", "ol", "dl", "section", "aside"})
NON_PROSE_MIN_CHARS = 50
NON_PROSE_DENSITY = 0.02


def _inner_boilerplate(nodes, stats: _Stats, r: Rules, removed: _Removed) -> set:
    """Blocks inside the body to skip: link lists (related links, tag clouds, pagers) and containers of text without
    sentences (product spec boxes, vote widgets, data panels), which a reader takes as furniture, not article."""
    skip = set()
    for node in nodes:
        body_chars = stats.total.get(node, 0)
        stack = list(node)
        while stack:
            element = stack.pop()
            if not isinstance(element.tag, str):
                continue
            total = stats.total.get(element, 0)
            if total and element.tag not in r.inline_tags:
                marks = stats.punct.get(element, 0)
                if stats.link_density(element) > 0.5 and marks <= 2 + total // 100:
                    skip.add(element)
                    removed.note("link_list")
                    continue
                if (element.tag in NON_PROSE_CONTAINERS and total >= NON_PROSE_MIN_CHARS
                        and marks < NON_PROSE_DENSITY * total and total < 0.5 * body_chars):
                    skip.add(element)
                    removed.note("non_prose")
                    continue
            stack.extend(element)
    return skip


def _boilerplate_kind(line: str, r: Rules, removed: _Removed) -> str | None:
    """A short body line that is boilerplate (a 责任编辑 line after a <br>, say), noted when dropped."""
    kind = _line_kind(line, r)
    if kind:
        removed.note(kind, line)
    return kind


def _without_repeats(lines: list[str], min_chars: int = 10) -> list[str]:
    """Lines minus exact repeats of earlier ones and minus a line that the next one begins with: a lead shown in a
    summary box (often cut short) and again as the first paragraph."""
    seen: set[str] = set()
    kept = []
    for i, line in enumerate(lines):
        if len(line) >= min_chars:
            if line in seen or (i + 1 < len(lines) and lines[i + 1].startswith(line)):
                continue
            seen.add(line)
        kept.append(line)
    return kept


def _images(nodes, skip: set, base: str | None) -> list[str]:
    images, seen = [], set()
    for node in nodes:
        for img in node.iter("img"):
            if skip and any(ancestor in skip for ancestor in img.iterancestors()):
                continue
            src = (img.get("src") or img.get("data-src") or img.get("data-original") or "").strip()
            if not src or src.startswith("data:"):
                continue
            absolute = urljoin(base, src) if base else src
            if absolute not in seen:
                seen.add(absolute)
                images.append(absolute)
    return images
