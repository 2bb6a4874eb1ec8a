"""Mirror copies of the portal's articles, as the spam sites of portal.md §2 serve them.

A mirror keeps the portal's URL path on its own host and serves the page it copied after damaging its text:
Simplified → Traditional with pinyin syllables after some characters (``replica.corrupt.mirror_artifact``, the
same code the repair's tests use), on some copies byte-misaligned so that ``?syllable)`` phantoms appear, width
folding of the punctuation (NFKC), doubled punctuation, empty junk tags with random ids (``<menu id="w4oac">``) and
a spam keyword line as the ``<title>``. Which damages a copy carries is listed in its truth's ``mirror``.

Every copy is recoverable by construction: an article is only copied when each damage can be undone exactly
(``corrupt`` says so for the conversion; width folding is only applied where a folded mark sits between CJK text,
see ``_folds_are_recoverable``). The truth of a copy is then its original's, plus ``mirror_of``, the original's
URL on the portal: what a perfect cleaner must archive for it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from replica.model import Entry, Page, not_found
from replica.resources import load

MIRROR_BASE = "http://spam-mirror.example"
"""Where copies claim to live when no mirror server runs (``.example`` is reserved: nothing resolves it)."""
SHARE = 0.1
ANNOTATED = (0.05, 0.35)
"""The share of Han characters a copy annotates: inside the 3–40% by which a repair tells a mirror (portal.md §2)."""
_TAG = re.compile(r"(<[^>]*>)")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\u2018-\u201d\u2026\u2014\uff01-\uff5e]")
_ALNUM = re.compile("[0-9A-Za-z]")
_HEAD_META = re.compile(r'<meta (?:charset="[^"]*"|http-equiv="Content-Type"[^>]*|property="[^"]*" content="[^"]*")>\n')
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_DOUBLED = re.compile("(?<=[\u4e00-\u9fff])([，。])")
_ANNOTATION = re.compile(r"[\u3400-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


@dataclass(frozen=True)
class MirrorCopy:
    """One copied article: the original entry, the damages done (in order) and the page bytes (UTF-8)."""

    entry: Entry
    damages: tuple[str, ...]
    body: bytes

    def page(self) -> Page:
        return Page(200, "text/html; charset=utf-8", self.body, "mirror")

    def truth(self, original_base: str, mirror_base: str, portal_base: str) -> dict:
        record = self.entry.truth(original_base)
        path = self.entry.path
        return {
            **record,
            "url": mirror_base.rstrip("/") + path,
            "kind": "mirror",
            "encoding": "utf-8",
            "faults": [],
            "images": [mirror_base.rstrip("/") + i for i in self.entry.images],
            "mirror_of": portal_base.rstrip("/") + path,
            "mirror": list(self.damages),
        }


def copies(site, seed: int, share: float = SHARE) -> list[MirrorCopy]:
    """Copies of ``share`` of the site's articles (at least one), a deterministic function of the seed.

    ``site`` is a ``CbgSite``; articles whose copy could not be undone exactly are passed over for the next.
    """
    rng = random.Random(f"mirror:{seed}")
    want = max(1, round(len(site.articles) * share))
    out = []
    for entry in rng.sample(site.articles, len(site.articles)):
        if len(out) == want:
            break
        copy = copy_of(entry, "".join(site.html(entry)), random.Random(f"mirror:{seed}:{entry.path}"))
        if copy is not None:
            out.append(copy)
    return out


def copy_of(entry: Entry, html: str, rng: random.Random) -> MirrorCopy | None:
    """The page ``html`` of ``entry`` as a mirror serves it, or None when the damage would not be recoverable."""
    # Imported here: opencc and pypinyin are needed only to make copies, and the replica's pages and server
    # otherwise run on the standard library alone (docs/architecture.md).
    from replica import corrupt

    story = entry.story
    truth_text = "\n".join([story.title, *story.paragraphs])
    misaligned = rng.random() < 0.5
    fold = rng.random() < 0.7 and _folds_are_recoverable(truth_text)
    doubled = rng.random() < 0.5
    html = _HEAD_META.sub("", html).replace("<head>\n", '<head>\n<meta charset="utf-8">\n', 1)
    pieces = _TAG.split(html)
    # The annotated share is measured over all the page's text, as a cleaner sees it, boilerplate included.
    page_text = "\n".join(piece for piece in pieces[::2] if _HAN.search(piece))
    dictionary = _dictionary(corrupt, truth_text, page_text, rng, misaligned)
    if not dictionary:
        return None
    doubled_marks = 0
    for i in range(0, len(pieces), 2):
        if not _HAN.search(pieces[i]):
            continue
        text = pieces[i]
        if doubled:
            text = _DOUBLED.sub(lambda m: m.group(1) * (2 if rng.random() < 0.15 else 1), text)
            doubled_marks += text != pieces[i]
        damaged = corrupt.mirror_artifact(text, rng, nfkc=fold, misaligned=misaligned, dictionary=dictionary)
        if not damaged.recoverable:
            return None
        pieces[i] = damaged.data
    html = "".join(pieces)
    # Recorded as seen in the result: a misaligned insertion need not leave a phantom, nor a 15% draw double a mark.
    damages = ["traditional", "pinyin"] + ["misaligned"] * (corrupt.misaligned_sites(html) > 0)
    damages += ["width_folded"] * fold + ["doubled_punctuation"] * (doubled_marks > 0)
    if rng.random() < 0.7:
        html = _junk_tags(html, rng)
        damages.append("junk_tags")
    if rng.random() < 0.6:
        spam = rng.choice(load("mirror")["spam_titles"])
        html = _TITLE.sub(lambda _: f"<title>{spam}</title>", html, count=1)
        damages.append("spam_title")
    return MirrorCopy(entry, tuple(damages), html.encode("utf-8"))


def _dictionary(corrupt, story: str, page: str, rng: random.Random, misaligned: bool) -> list[str] | None:
    """The characters to annotate: a random share of those s2t changes in the story, raised until the annotated
    share of all Han characters on the page is inside ``ANNOTATED`` (None if it never is)."""
    ratio = rng.uniform(0.15, 0.3)
    while ratio <= 1:
        dictionary = corrupt.mirror_dictionary(story, rng, ratio, misaligned)
        damaged = corrupt.mirror_artifact(page, rng, nfkc=False, dictionary=dictionary).data
        share = len(_ANNOTATION.findall(damaged)) / max(1, len(_HAN.findall(damaged)))
        if ANNOTATED[0] <= share <= ANNOTATED[1]:
            return dictionary
        ratio *= 2
    return None


def _folds_are_recoverable(text: str) -> bool:
    """Whether width folding can be undone (portal.md §2): a folded mark goes back only beside CJK text, so every
    full-width mark must follow CJK text, or follow neither a letter nor a digit and precede CJK text
    (``10:30，地点`` and ``App，以及`` fold into what a time or Latin text writes); a bracket must hold Han text."""
    for i, char in enumerate(text):
        if not "\uff01" <= char <= "\uff5e":
            continue
        if char in "（）":
            inner = re.match(r"（([^（）]*)）", text[i:]) if char == "（" else re.search(r"（([^（）]*)）$", text[: i + 1])
            if inner is None or not _HAN.search(inner.group(1)):
                return False
            continue
        left, right = text[i - 1 : i], text[i + 1 : i + 2]
        if not (_CJK.match(left) or (not _ALNUM.match(left) and _CJK.match(right))):
            return False
    return True


def _junk_id(rng: random.Random) -> str:
    """Five letters and digits with at least one of each, as the mirrors' ids (``w4oac``, ``4u6jw``)."""
    while True:
        ident = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(5))
        if re.search("[a-z]", ident) and re.search("[0-9]", ident):
            return ident


def _junk_tags(html: str, rng: random.Random) -> str:
    """Empty tags after some ``<p>`` openings (inline ones, so the paragraph stays whole) and some ``</p>``s."""
    data = load("mirror")
    spots = [m.end() for m in re.finditer(r"<p>|</p>\n", html)]
    chosen = set(rng.sample(spots, min(len(spots), max(3, len(spots) // 8))))
    out, last = [], 0
    for at in sorted(chosen):
        names = data["inline_tags"] if html[at - 3 : at] == "<p>" else data["block_tags"]
        name = rng.choice(names)
        out += [html[last:at], f'<{name} id="{_junk_id(rng)}"></{name}>']
        last = at
    return "".join(out) + html[last:]


def page_for(copies_by_path: dict[str, MirrorCopy], path: str) -> Page:
    """A mirror's answer: the copy at the portal's path, an open robots.txt, 404 elsewhere."""
    if path == "/robots.txt":
        return Page(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow:\n", "robots")
    copy = copies_by_path.get(path)
    return copy.page() if copy is not None else not_found()
