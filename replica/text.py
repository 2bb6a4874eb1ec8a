"""Generated Chinese news stories: titles, paragraphs, sources, bylines and editors.

Every story comes from our own sentence templates and word lists (``data/words.json``), filled from a
``random.Random`` that the caller seeds, so a replica built twice from one seed is the same byte for byte.
The text is written to look like the portal's: Simplified Chinese with full-width punctuation, figures written
the way Chinese newsrooms write them (``9.83亿次``, ``32%``, ``1,000``, ``10:30``) and the odd Latin word, because
those are exactly the places where text repairs go wrong.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from replica.resources import load

SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Story:
    """What an article says, independent of the page that shows it."""

    title: str
    paragraphs: tuple[str, ...]
    source: str
    authors: tuple[str, ...]
    unit: str
    editor: str
    topic: str
    subheads: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def author(self) -> str | None:
        return "、".join(self.authors) or None


def person_name(rng: random.Random) -> str:
    words = load("words")
    given = "".join(rng.choice(words["given_chars"]) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(words["surnames"]) + given


def weighted(rng: random.Random, pairs: list) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Slots:
    """Fills ``{slot}`` placeholders. Place, topic term and dates stay fixed for one story; figures are fresh."""

    def __init__(self, rng: random.Random, topic: dict, published: datetime):
        words = load("words")
        self.rng = rng
        self.words = words
        self.topic = topic
        self.published = published
        self.place = rng.choice(words["places"])
        self.term = rng.choice(topic["terms"])

    def earlier_day(self) -> date:
        start = date(self.published.year, 1, 1)
        span = (self.published.date() - start).days
        return start + timedelta(days=self.rng.randint(max(0, span - 40), span))

    def value(self, name: str) -> str:
        return _FILLERS[name](self)

    def fill(self, template: str) -> str:
        return SLOT.sub(lambda m: self.value(m.group(1)), template)


_FILLERS = {
    "place": lambda s: s.place,
    "place2": lambda s: s.rng.choice([p for p in s.words["places"] if p != s.place]),
    "term": lambda s: s.term,
    "org": lambda s: s.rng.choice(s.words["orgs"]),
    "role": lambda s: s.rng.choice(s.words["roles"]),
    "name": lambda s: person_name(s.rng),
    "latin": lambda s: s.rng.choice(s.words["latin"]),
    "village": lambda s: s.rng.choice(s.words["villages"]),
    "year": lambda s: str(s.published.year),
    "year2": lambda s: str(s.published.year + s.rng.randint(2, 5)),
    "month": lambda s: str(s.rng.randint(min(2, s.published.month), s.published.month)),
    "md": lambda s: "{0.month}月{0.day}日".format(s.earlier_day()),
    "date": lambda s: "{0.year}年{0.month}月{0.day}日".format(s.earlier_day()),
    "time": lambda s: f"{s.rng.randint(8, 21)}:{s.rng.choice(('00', '30', '15', '45'))}",
    "n": lambda s: str(s.rng.randint(2, 60)),
    "n2": lambda s: str(s.rng.randint(5, 45)),
    "n3": lambda s: str(s.rng.randint(100, 360)),
    "age": lambda s: str(s.rng.randint(55, 86)),
    "big": lambda s: f"{s.rng.randint(12, 9800)}万",
    "yi": lambda s: f"{s.rng.randint(101, 999) / 100:.2f}亿次",
    "pct": lambda s: (f"{s.rng.randint(3, 98)}%" if s.rng.random() < 0.7
                      else f"{s.rng.randint(30, 99)}.{s.rng.randint(1, 99):02d}%"),
    "pct2": lambda s: f"{s.rng.randint(10, 90) / 10:.1f}%",
    "count": lambda s: f"{s.rng.randint(1000, 99999):,}",
    "money": lambda s: f"{s.rng.randint(11, 999) / 10:.1f}亿元",
    "money2": lambda s: f"{s.rng.randint(2, 30) * 1000:,}元",
}
"""How each ``{slot}`` is filled, built once (not per placeholder): the story's fixed parts, or fresh figures."""


def _pool(rng: random.Random, topic: dict) -> list[str]:
    pool = topic["sentences"] + load("words")["generic_sentences"]
    rng.shuffle(pool)
    return pool


def story(rng: random.Random, published: datetime, *, legacy: bool = False) -> Story:
    """A complete story published at ``published``; ``legacy`` picks the older portal's usual sources."""
    words = load("words")
    topic = rng.choice(words["topics"])
    slots = _Slots(rng, topic, published)
    title = slots.fill(rng.choice(topic["titles"]))
    pool: list[str] = []

    def sentence() -> str:
        if not pool:
            pool.extend(_pool(rng, topic))
        return slots.fill(pool.pop())

    paragraphs = [slots.fill(rng.choice(words["leads"])) + "".join(sentence() for _ in range(rng.randint(1, 3)))]
    for _ in range(rng.randint(3, 7)):
        paragraphs.append("".join(sentence() for _ in range(rng.randint(2, 4))))
    subheads: list[str] = []
    if len(paragraphs) >= 5 and rng.random() < 0.5:
        subheads = rng.sample(topic["subheads"], k=rng.randint(1, 2))
        for heading in subheads:
            paragraphs.insert(rng.randint(2, len(paragraphs) - 1), heading)
    source = weighted(rng, words["legacy_sources" if legacy else "sources"])
    authors = tuple(person_name(rng) for _ in range(rng.choice((0, 1, 1, 2, 2, 3))))
    return Story(
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        authors=authors,
        unit=rng.choice(words["units"]),
        editor=person_name(rng),
        topic=topic["name"],
        subheads=tuple(subheads),
    )


def with_gbk_only_name(story_: Story, rng: random.Random) -> Story:
    """The story quoting someone whose name holds a character outside GB2312 but inside GBK (堃, 喆, 镕).

    Such pages are what a decoder that trusts a ``gb2312`` label literally (Python's narrow codec) gets wrong.
    """
    words = load("words")
    line = f"{rng.choice(words['mixed_names'])}{rng.choice(words['ext_gbk_names'])}告诉记者，这几年身边的变化越来越大。"
    paragraphs = list(story_.paragraphs)
    at = rng.choice([i for i, p in enumerate(paragraphs) if p not in story_.subheads])
    paragraphs[at] = paragraphs[at] + line
    return replace(story_, paragraphs=tuple(paragraphs))


def _topic(name: str) -> dict:
    return next(t for t in load("words")["topics"] if t["name"] == name)


def retitled(story_: Story, rng: random.Random, published: datetime, taken: set[str]) -> Story:
    """The story under a new headline on the same topic that is not in ``taken``: sites rarely reuse a headline."""
    slots = _Slots(rng, _topic(story_.topic), published)
    topic = slots.topic
    for _ in range(20):
        title = slots.fill(rng.choice(topic["titles"]))
        if title not in taken:
            return replace(story_, title=title)
    return replace(story_, title=f"{slots.value('place2')}：{story_.title}")


def revised(story_: Story, rng: random.Random, published: datetime) -> Story:
    """A later edition of the story: a corrected title or a rewritten paragraph, as newsrooms do after publishing."""
    topic = _topic(story_.topic)
    slots = _Slots(rng, topic, published)
    if rng.random() < 0.3:
        return retitled(story_, rng, published, taken={story_.title})
    paragraphs = list(story_.paragraphs)
    at = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    paragraphs[at] = "".join(slots.fill(s) for s in rng.sample(topic["sentences"], k=2))
    return replace(story_, paragraphs=tuple(paragraphs))
