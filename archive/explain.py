"""A record's ``quality`` JSON told in words: how its bytes were decoded, which repairs changed its text and how
often, what boilerplate left the body, what could not be recovered, and whether it came from a mirror site.

Analysts asked what "to_simplified: 1032" means without reading the cleaner; the article page and ``show`` print
these sentences beside the text. The wording is data (``explain.json``), one sentence per repair or block kind;
a key the cleaner learns later is still shown, by its name.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

WORDS_JSON = Path(__file__).with_name("explain.json")
NEAR_CERTAIN = 0.995
"""Below this the cleaner's confidence is worth a sentence."""


@functools.cache
def _words() -> dict:
    return json.loads(WORDS_JSON.read_text(encoding="utf-8"))


def parse_quality(quality: Any) -> dict:
    """The quality JSON as a dict; {} for a missing or unreadable one (never an error on a page)."""
    if isinstance(quality, dict):
        return quality
    try:
        parsed = json.loads(quality) if quality else {}
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def explain(quality: Any, mirror_of: str | None = None) -> list[dict[str, str]]:
    """Sentences about one record, each ``{"topic": ..., "text": ...}``, topics in this order: encoding, repair,
    lost, boilerplate, mirror, extractor, confidence."""
    quality = parse_quality(quality)
    notes = []
    encoding = _encoding(quality.get("encoding"))
    if encoding:
        notes.append({"topic": "encoding", "text": encoding})
    words = _words()
    repairs = {k: v for k, v in _counts(quality.get("repairs")).items() if v}
    lost = quality.get("lost")
    for name, n in sorted(repairs.items(), key=lambda item: (-item[1], item[0])):
        template = words["repairs"].get(name, name.replace("_", " ").capitalize() + ": {n} change{s}.")
        notes.append({"topic": "repair", "text": _counted(template, n)})
    if quality and not repairs and not lost:
        notes.append({"topic": "repair", "text": "The text needed no repair."})
    if isinstance(lost, int) and lost > 0:
        notes.append({"topic": "lost", "text": _counted(words["lost"], lost)})
    removed = _boilerplate(_counts(quality.get("boilerplate")))
    if removed:
        notes.append({"topic": "boilerplate", "text": f"Removed from the body: {removed}."})
    mirror = _mirror(mirror_of or quality.get("mirror_of"), quality.get("mirror_signs") or [])
    if mirror:
        notes.append({"topic": "mirror", "text": mirror})
    extractor = quality.get("extractor")
    if isinstance(extractor, str) and extractor:
        notes.append({"topic": "extractor", "text": _extractor(extractor)})
    confidence = quality.get("confidence")
    if isinstance(confidence, (int, float)) and confidence < NEAR_CERTAIN:
        notes.append({"topic": "confidence", "text": f"The cleaner's confidence in this text is {confidence:.2f} of 1."})
    return notes


def _counted(template: str, n: int) -> str:
    return template.format(n=f"{n:,}", s="" if n == 1 else "s", es="" if n == 1 else "es")


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


def _encoding(evidence: Any) -> str | None:
    if not isinstance(evidence, dict) or not evidence.get("encoding"):
        return None
    name, source = str(evidence["encoding"]).upper(), evidence.get("source")
    declared, rejected = evidence.get("declared"), evidence.get("rejected")
    said = _words()["encoding_source"].get(source, source or "an unknown source")
    if source in ("bom", "http", "meta", "xml"):
        text = f"Decoded as {name}, as {said} declared" + (f" ({declared})." if declared else ".")
    else:
        text = f"Decoded as {name} by {said}."
    if evidence.get("runs"):
        text += f" {evidence['runs']:,} runs were decoded separately."
    if rejected:
        text += f" A declared charset was set aside: {rejected}."
    if evidence.get("losses"):
        text += f" {evidence['losses']:,} characters could not be decoded."
    return text


def _boilerplate(removed: dict[str, int]) -> str:
    """The removed blocks in words, most frequent first: ``the breadcrumb, the copyright notice (×2)``."""
    names = _words()["boilerplate"]
    merged: dict[str, int] = {}
    for kind, n in removed.items():
        label = names["dom"] if kind.startswith("dom:") else names.get(kind, kind.replace("_", " "))
        merged[label] = merged.get(label, 0) + n
    return ", ".join(label + (f" (×{n})" if n > 1 else "")
                     for label, n in sorted(merged.items(), key=lambda item: (-item[1], item[0])) if n > 0)


def _mirror(original: Any, signs: list) -> str | None:
    names = _words()["mirror_signs"]
    described = ", ".join(names.get(str(sign), str(sign)) for sign in signs)
    if original:
        text = f"A copy from a mirror site; the original is {original}."
        return text + (f" Signs of the copy: {described}." if described else "")
    return f"Signs of a mirror copy: {described}." if described else None


def _extractor(extractor: str) -> str:
    if extractor.startswith("profile:"):
        return f"Headline, date and text were read with the site profile (page template {extractor[8:]})."
    if extractor == "generic":
        return "Headline, date and text were found by the generic extractor (the page matched no site profile)."
    return f"Fields were read by the {extractor} extractor."
