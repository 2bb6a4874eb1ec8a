"""Variants of the article text that the portal's district and 文明实践 sites show (portal.md §1 "Variants").

On those pages the body container holds more than the story: a site label over an in-text breadcrumb, the title
again, ``发布日期：``/``来源：`` lines, a ``摘要：`` repeating the first sentence, bylines in several forms at the top or
the end, photo credits, ``▲`` captions, raw image file names, ``图片1`` placeholders and ``↓↓↓`` lead lines. A cleaner
must take all of them out of the body (and read the fields they state), so the replica puts them on a share of its
pages. The choice is made when the site is built and stored in ``Entry.variants`` (name -> parameters, the names
listed in the truth's ``variants``); the lines are written when the page is rendered, from the entry's current
story, so that a later revision keeps a summary equal to its first sentence.

What the truth says for each: the body is the story's paragraphs only (a ``▲`` caption describes a photo and is not
body text); ``source_line`` changes the story's source (the header says the same); the bylines state the story's
authors and, for ``byline_tv``, its editor; a 通讯员 is a contributor, not an author.
"""

from __future__ import annotations

import hashlib
import random
from collections import deque
from dataclasses import dataclass, field, replace

from replica.model import Entry
from replica.resources import load
from replica.text import person_name

SHARE = 0.12
HEAD = ("site_label", "title_repeat", "date_line", "source_line", "byline_reporter", "summary", "lead_arrow")
INLINE = ("caption", "photo_credit", "image_names", "image_placeholder")
TAIL = ("byline_station", "byline_tv", "byline_correspondent")
KINDS = HEAD + INLINE + TAIL
BYLINES = ("byline_reporter", "byline_station", "byline_tv", "byline_correspondent")
PORTAL_REPORTER = "重庆网络广播电视台记者"


@dataclass
class Lines:
    """Where a page's variant lines go: before the story, after paragraph i, glued to paragraph i, after it."""

    head: list[str] = field(default_factory=list)
    after: dict[int, list[str]] = field(default_factory=dict)
    glued: dict[int, str] = field(default_factory=dict)
    tail: list[str] = field(default_factory=list)


def assign(entries: list[Entry], rng: random.Random, share: float = SHARE) -> None:
    """Give ``share`` of the entries one to three variants each.

    Kinds are dealt from a cycle rather than drawn independently, so that a replica of a hundred articles already
    shows every kind; a byline kind is only dealt to a story with authors, and one byline per page.
    """
    queue = deque(rng.sample(KINDS, len(KINDS)))
    for entry in rng.sample(entries, round(len(entries) * share)):
        want = rng.choice((1, 2, 2, 3))
        picked: dict[str, dict] = {}
        skipped = []
        for _ in range(len(queue)):
            if len(picked) == want:
                break
            kind = queue.popleft()
            if kind in BYLINES and (not entry.story.authors or picked.keys() & set(BYLINES)):
                skipped.append(kind)
            else:
                picked[kind] = _parameters(kind, entry, rng)
        queue.extendleft(reversed(skipped))
        queue.extend(picked)
        _apply(entry, picked)


def _fill(template: str, rng: random.Random) -> str:
    data = load("variants")
    return template.format(district=rng.choice(data["districts"]), place=rng.choice(load("words")["places"]))


def _body_index(entry: Entry, rng: random.Random) -> int:
    """A paragraph that is not a subheading, mostly the lead (under which the page's image sits)."""
    story = entry.story
    candidates = [i for i, p in enumerate(story.paragraphs) if p not in story.subheads]
    return 0 if rng.random() < 0.6 else rng.choice(candidates)


def _image_name(entry: Entry, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{int(entry.published.timestamp() * 1000) + rng.randint(0, 10**6)}.png"
    return hashlib.md5(f"{entry.published.isoformat()}:{rng.random()}".encode()).hexdigest() + ".jpg"


def _parameters(kind: str, entry: Entry, rng: random.Random) -> dict:
    data = load("variants")
    if kind == "site_label":
        return {"label": _fill(rng.choice(data["site_labels"]), rng)}
    if kind == "source_line":
        return {"source": rng.choice(data["sources"])}
    if kind == "lead_arrow":
        return {"line": rng.choice(data["leads"])}
    if kind in ("caption", "photo_credit"):
        pool = data["captions" if kind == "caption" else "credits"]
        return {"line": _fill(rng.choice(pool), rng), "after": _body_index(entry, rng)}
    if kind == "image_names":
        names = [_image_name(entry, rng) for _ in range(rng.choice((1, 1, 2)))]
        return {"names": names, "after": _body_index(entry, rng), "glued": len(names) == 1 and rng.random() < 0.4}
    if kind == "image_placeholder":
        return {"count": rng.choice((1, 2))}
    if kind == "byline_station":
        return {"station": _fill(rng.choice(data["stations"]), rng)}
    if kind == "byline_correspondent":
        return {"correspondent": person_name(rng), "top": rng.random() < 0.5}
    return {}


def _apply(entry: Entry, picked: dict[str, dict]) -> None:
    if not picked:
        return
    entry.variants = picked
    if "source_line" in picked:
        entry.story = replace(entry.story, source=picked["source_line"]["source"])
    if picked.keys() & set(BYLINES):
        entry.layout = {**entry.layout, "byline_pos": None}


def lines(entry: Entry) -> Lines:
    """The entry's variant lines, written from its current story."""
    out = Lines()
    v, story = entry.variants, entry.story
    if not v:
        return out
    names = " ".join(story.authors)
    if "site_label" in v:
        crumbs = " > ".join(["首页", *entry.section.split(" › "), "正文"])
        out.head += [v["site_label"]["label"], f"当前位置：{crumbs}"]
    if "title_repeat" in v:
        out.head.append(story.title)
    if "date_line" in v:
        out.head.append(f"发布日期：{entry.published:%Y-%m-%d %H:%M}")
    if "source_line" in v:
        out.head.append(f"来源：{story.source}")
    if "byline_reporter" in v:
        out.head.append(f"{PORTAL_REPORTER} {names}")
    if "byline_correspondent" in v:
        line = f"记者 {names} 通讯员 {v['byline_correspondent']['correspondent']}"
        (out.head if v["byline_correspondent"]["top"] else out.tail).append(line)
    if "lead_arrow" in v:
        out.head.append(v["lead_arrow"]["line"])
    if "summary" in v:
        lead = story.paragraphs[0]
        out.head.append("摘要：" + lead[: lead.index("。") + 1] if "。" in lead else "摘要：" + lead)
    last = len(story.paragraphs) - 1
    for kind in ("caption", "photo_credit"):
        if kind in v:
            out.after.setdefault(min(v[kind]["after"], last), []).append(v[kind]["line"])
    if "image_names" in v:
        at, text = min(v["image_names"]["after"], last), "".join(v["image_names"]["names"])
        if v["image_names"]["glued"]:
            out.glued[at] = text
        else:
            out.after.setdefault(at, []).insert(0, text)
    if "image_placeholder" in v:
        for n in range(1, v["image_placeholder"]["count"] + 1):
            out.after.setdefault(min(2 * (n - 1), last), []).insert(0, f"图片{n}")
    if "byline_station" in v:
        out.tail.append(f"（{v['byline_station']['station']} {names}）")
    if "byline_tv" in v:
        out.tail.append(f"（重庆广电-第1眼TV记者 {names} 编辑 {story.editor}）")
    return out
