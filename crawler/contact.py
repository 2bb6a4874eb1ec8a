"""The operator contact that a crawl of a real site puts in its User-Agent, checked before the crawl starts.

A site's operators who see our requests must be able to reach us. So a crawl of anything but a loopback replica
(the live portal, a staging copy) refuses to start without a contact, and a placeholder (``example.org``,
``*.invalid``, ``you@…``) is refused as if missing: it reaches nobody. The contact comes from ``--contact``, the
``NEWSARCHIVE_CONTACT`` setting, or the environment variable of the same name, in that order.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

ENV = "NEWSARCHIVE_CONTACT"
# RFC 2606 / 6761 names reserved for examples and tests: no one reads mail sent there.
_PLACEHOLDER_DOMAINS = re.compile(r"(^|\.)(example\.(com|org|net|edu)|example|invalid|test|localhost|local)$")
_PLACEHOLDER_WORDS = re.compile(r"\b(you|your|yourname|user|name|someone|changeme|change-me|todo|xxx+|foo|bar)\b")
_EMAIL = re.compile(r"^(?:mailto:)?(?P<local>[^@\s]+)@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


class BadContact(ValueError):
    """The contact is missing, malformed or a placeholder; the message says which and how to set one."""


def _domain_problem(domain: str) -> str | None:
    domain = domain.lower().rstrip(".")
    if "." not in domain:
        return f"{domain!r} is not a public domain"
    if _PLACEHOLDER_DOMAINS.search(domain):
        return f"{domain!r} is a placeholder domain, which reaches no one"
    return None


def check_contact(value: str) -> str:
    """The contact, stripped, or BadContact: an e-mail address or an http(s) URL on a real-looking domain."""
    contact = (value or "").strip()
    email = _EMAIL.match(contact)
    if email:
        problem = _domain_problem(email["domain"])
        if problem is None and _PLACEHOLDER_WORDS.fullmatch(email["local"].lower()):
            problem = f"{email['local']!r}@ is a placeholder address"
    elif contact.lower().startswith(("http://", "https://")):
        try:
            host = urlsplit(contact).hostname
        except ValueError:
            host = None
        problem = _domain_problem(host) if host else "the URL has no host"
    else:
        problem = "expected an e-mail address or an http(s) URL"
    if problem:
        raise BadContact(f"contact {contact!r}: {problem}")
    return contact


def resolve_contact(setting: str | None, environ=None) -> str | None:
    """The configured contact (setting first, then the environment), checked; None when none is configured."""
    environ = os.environ if environ is None else environ
    value = (setting or environ.get(ENV) or "").strip()
    return check_contact(value) if value else None


def require_contact(contact: str | None) -> str:
    """The contact a crawl of a real site needs, or BadContact saying how to configure one."""
    if not contact:
        raise BadContact(
            "crawling the live site needs a contact the site's operators can reach: pass --contact EMAIL|URL, "
            f"set -s {ENV}=..., or export {ENV}")
    return contact


def user_agent(base: str, contact: str | None) -> str:
    """``newsarchive/0.1 (Chinese news archiver; +ops@newsroom.cn)``: the project's name, then how to reach us."""
    return f"{base.rstrip(')')}; +{contact})" if contact else base
