"""Name resolution that keeps a crawl of the live portal off loopback, link-local and private addresses.

The host guard (``crawler.middlewares.HostGuardMiddleware``) decides by name; a name is only as good as its DNS
answer. A portal host (or a district site under ``.cbg.cn``) that resolves to ``127.0.0.1``, ``169.254.169.254`` or
``10.x`` would let a hostile link or redirect reach this machine's services or the cloud metadata endpoint, and a
check made before the request could be passed by DNS rebinding (public on the check, private on the connect). So
the check is made here, on the very answer the connection then uses: Scrapy's ``DNS_RESOLVER``, which Twisted asks
when it connects. A refused answer fails the connection as a failed lookup; Twisted's endpoint only says "no results
for hostname lookup", so the reason is kept in ``REFUSED`` and the host guard puts it on the failure the spider
records. IP literals never reach a resolver, so the host guard checks those with ``refused_address``.

Off for a loopback ``NEWSARCHIVE_BASE_URL`` (``--base-url``: the replica is ours), or with
``NEWSARCHIVE_PUBLIC_ADDRESSES_ONLY = False`` (a staging copy on a private network).
"""

from __future__ import annotations

import ipaddress

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.runner import is_loopback

REFUSED: dict[str, str] = {}
"""Host name -> why its last answer was refused, for the failure's reason (a process has one crawl)."""

_KINDS = (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_private", "private"),
          ("is_multicast", "multicast"), ("is_unspecified", "unspecified"), ("is_reserved", "reserved"))


def refused_address(address: str) -> str | None:
    """The kind of address a live crawl must not connect to ("loopback", "private"…), or None for a public one."""
    ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
        ip = ip.ipv4_mapped
    return next((kind for attribute, kind in _KINDS if getattr(ip, attribute)), None)


def public_only(settings) -> bool:
    """Whether this crawl may connect to public addresses only: always, except when it crawls a loopback origin."""
    return (settings.getbool("NEWSARCHIVE_PUBLIC_ADDRESSES_ONLY", True)
            and not is_loopback(settings.get("NEWSARCHIVE_BASE_URL")))


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public answers unless the crawl is of a loopback origin."""

    def __init__(self, reactor, cache_size: int, timeout: float, public_only: bool = True):
        super().__init__(reactor, cache_size, timeout)
        self.public_only = public_only

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.public_only = public_only(crawler.settings)
        return resolver

    def getHostByName(self, name, timeout=()):  # noqa: N802 - Twisted's interface
        answer = super().getHostByName(name, timeout)
        if self.public_only:
            answer.addCallback(_public, name)
        return answer


def _public(address: str, name: str) -> str:
    kind = refused_address(address)
    if kind:
        REFUSED[name] = (f"{name} resolves to {address}, a {kind} address: a crawl of the live portal does not "
                         "connect there")
        raise DNSLookupError(REFUSED[name])
    REFUSED.pop(name, None)
    return address
