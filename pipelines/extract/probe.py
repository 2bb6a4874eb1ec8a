"""Which of a profile's selectors match a page: the evidence of template drift, and what ``profile check`` shows.

A redesign shows first as selectors that match nothing. The generic extractor still archives the page, so nothing
is lost, but the record should say which selectors failed it, so that a crawl run can name them in its drift alert
and an operator knows what to fix in ``crawler/profiles/<name>.json``.
"""

from __future__ import annotations

from pipelines.extract.dom import iter_lines
from pipelines.profile import select
from pipelines.urls import url_path

# The selectors without which a template's record loses what matters: the page is not recognised, or has no body,
# headline or date. Others (author, editor) are legitimately absent from many articles.
KEY_FIELDS = ("detect", "body", "title", "time")
# What ``profile check`` reports of each template: every selector field it has.
FIELDS = ("detect", "title", "meta", "time", "source", "author", "editor", "breadcrumb", "body")


def expected_template(url: str | None, profile) -> str | None:
    """The template generation the URL scheme says this page has, when the profile has that template."""
    match = profile.article_match(url_path(url)) if url else None
    return match[0] if match and match[0] in profile.templates else None


def missed_selectors(root, url: str | None, profile, extractor: str) -> list[str]:
    """``generation:field`` of the key selectors that matched nothing on an article page.

    For a page the profile extracted, its template's headline and date selectors (the body matched, or the
    template would not have been chosen); for a page that fell to the generic extractor, every key selector of
    the template its URL scheme names (none when the URL names none: there is nothing it should have matched).
    """
    if extractor.startswith("profile:"):
        generation, fields = extractor.split(":", 1)[1], ("title", "time")
    elif extractor == "generic":
        generation, fields = expected_template(url, profile), KEY_FIELDS
    else:
        return []
    template = profile.templates.get(generation) if generation else None
    if not template:
        return []
    return [f"{generation}:{f}" for f in fields if template.get(f) and not select(root, template[f])]


def selector_report(root, profile) -> dict[str, dict[str, dict]]:
    """For each template, each selector's CSS, how many elements it matched and the first one's text (cut short)."""
    report = {}
    for generation, template in profile.templates.items():
        fields = {}
        for name in FIELDS:
            css = template.get(name)
            if not css:
                continue
            found = select(root, css)
            text = " ".join(iter_lines(found[:1])) if found else ""
            fields[name] = {"css": css, "matches": len(found), "text": text[:120] + ("…" if len(text) > 120 else "")}
        report[generation] = fields
    return report


def selector_names(profile) -> dict[str, str]:
    """The CSS behind each name a drift verdict uses: ``generation:field`` for templates, ``list:field`` for lists."""
    names = {f"{g}:{f}": t[f] for g, t in profile.templates.items() for f in KEY_FIELDS if t.get(f)}
    names.update({f"list:{f}": css for f, css in profile.list.items() if f in ("item", "link", "next") and css})
    return names
