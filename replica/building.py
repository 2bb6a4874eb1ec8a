"""Steps shared by the portals' site models: publication times, later editions, related-news neighbours."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from replica import text
from replica.model import Entry

REVISED_SHARE = 0.025


def moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A publication time in [start, end] during newsroom hours, to the minute (the pages show no seconds)."""
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    return day.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59))


def distinct_title(story: text.Story, rng: random.Random, published: datetime, seen: set[str]) -> text.Story:
    """The story with a headline no earlier story of the site used, so titles identify articles as on a real site."""
    if story.title in seen:
        story = text.retitled(story, rng, published, seen)
    seen.add(story.title)
    return story


def revise_some(entries: list[Entry], rng: random.Random, revision: int) -> None:
    """Give 2–3% of the articles a later edition, so a second crawl has real updates to find (issue 5)."""
    if revision < 1 or not entries:
        return
    for e in rng.sample(entries, max(1, round(len(entries) * REVISED_SHARE))):
        e.story = text.revised(e.story, rng, e.published)
        e.revision = revision


def neighbours(items: list[Entry], entry: Entry, count: int) -> list[Entry]:
    """Up to ``count`` other articles near ``entry`` in its (newest-first) list: the related-news block."""
    items = [e for e in items if e.kind == "article" and e is not entry]
    at = next((i for i, e in enumerate(items) if e.published <= entry.published), len(items))
    start = max(0, min(at - count // 2, len(items) - count))
    return items[start : start + count]
