"""Issue 14, item 8: a crawl of the live portal keeps to the profile's schemes, hosts and ports, and never connects
to a loopback, link-local or private address, whatever a name resolves to (checked at connect time).

No network: names are answered by a fake resolver, and the one crawl goes to a loopback site of the test's own.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from twisted.internet import defer
from twisted.internet.base import ThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.middlewares import HostGuardMiddleware
from crawler.resolver import PublicOnlyResolver, public_only, refused_address
from crawler.runner import crawl_settings
from crawler.spiders.portal import ProfileSpider
from pipelines.profile import Profile, load_profile
from tests.conftest import ROOT
from tests.crawling import newsarchive

ALLOWED = [
    "https://www.cbg.cn/show/705-1.html",
    "http://news.cbg.cn/hotnews/2016/0902/4607047.shtml",  # old pages are linked over http
    "https://www.cbg.cn:443/show/705-1.html",              # the default port, written out
    "http://cq.cbg.cn:80/list/705/1.html",
]
REFUSED = [
    "http://www.cbg.cn:8080/show/705-1.html",    # another port of an allowed host
    "https://www.cbg.cn:80/show/705-1.html",     # http's port under https
    "http://www.cbg.cn:22/",
    "http://www.cbg.cn:80:80/show/705-1.html",   # malformed: refused, not read as the default port
    "http://www.cbg.cn:99999/show/705-1.html",
    "http://ops@www.cbg.cn/show/705-1.html",     # user info
    "ftp://www.cbg.cn/pub/",
    "ws://www.cbg.cn/",
    "https://www.cbg.cn.evil.example/show/705-1.html",
]


@pytest.mark.parametrize("url", ALLOWED)
def test_the_profile_allows_its_schemes_hosts_and_default_ports(url):
    assert load_profile("cbg").allows_url(url)


@pytest.mark.parametrize("url", REFUSED)
def test_the_profile_refuses_other_ports_schemes_and_malformed_hosts(url):
    assert not load_profile("cbg").allows_url(url)


def test_ports_and_schemes_a_profile_lists_are_allowed_and_only_those():
    data = {**load_profile("cbg").raw, "schemes": ["https"], "ports": [8443]}
    profile = Profile.from_dict(data)
    assert profile.allows_url("https://www.cbg.cn:8443/show/705-1.html")
    assert not profile.allows_url("https://www.cbg.cn:8444/show/705-1.html")
    assert not profile.allows_url("http://www.cbg.cn/show/705-1.html")
    assert Profile.from_dict({**data, "schemes": None}).schemes == ("https",)  # the base URL's scheme by default


def _guarded(base_url=None, profile="cbg"):
    from scrapy.utils.test import get_crawler

    settings = {"NEWSARCHIVE_BASE_URL": base_url} if base_url else {}
    crawler = get_crawler(ProfileSpider, settings)
    crawler.spider = ProfileSpider(profile=profile, base_url=base_url)
    crawler.spider._set_crawler(crawler)
    crawler.stats.open_spider()
    return HostGuardMiddleware(crawler), crawler


@pytest.mark.parametrize("url", REFUSED)
def test_the_host_guard_refuses_them_on_every_request_redirects_included(url):
    guard, _ = _guarded()
    try:
        request = Request(url, meta={"redirect_urls": ["https://www.cbg.cn/show/705-1.html"]})
    except ValueError:  # a port that does not parse: Scrapy makes no request of it at all
        return
    with pytest.raises(IgnoreRequest):
        guard.process_request(request)
    for allowed in ALLOWED:
        assert guard.process_request(Request(allowed)) is None


def test_a_malformed_link_is_not_collapsed_onto_the_default_port():
    _, crawler = _guarded()
    page = SimpleNamespace(url="https://www.cbg.cn/list/705/1.html")
    hrefs = ["http://www.cbg.cn:80:80/show/705-1.html", "https://www.cbg.cn:8080/show/705-2.html", "/show/705-3.html"]
    assert list(crawler.spider._targets(page, hrefs)) == ["https://www.cbg.cn/show/705-3.html"]


@pytest.fixture
def literal_profile(tmp_path):
    data = {**json.loads((ROOT / "crawler/profiles/cbg.json").read_text(encoding="utf-8")),
            "hosts": ["www.cbg.cn", "10.1.2.3", "169.254.169.254"]}
    path = tmp_path / "literal.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("url", ["http://10.1.2.3/show/705-1.html", "http://169.254.169.254/latest/meta-data/"])
def test_ip_literals_of_private_addresses_are_refused_even_when_a_profile_lists_them(url, literal_profile):
    guard, _ = _guarded(profile=literal_profile)
    with pytest.raises(IgnoreRequest, match="address"):
        guard.process_request(Request(url))


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("10.0.0.7", "private"), ("192.168.1.1", "private"),
    ("172.16.0.1", "private"), ("fd00::1", "private"), ("0.0.0.0", "private"), ("224.0.0.1", "multicast"),
    ("203.0.113.9", "private"),  # documentation range: not reachable on the internet either
    ("58.144.150.1", None), ("2408:8000::1", None),
])
def test_address_kinds(address, kind):
    assert refused_address(address) == kind


class _FakeDNS:
    """Answers for ThreadedResolver.getHostByName, one per call, as a rebinding DNS server would give them."""

    def __init__(self, *answers):
        self.answers = list(answers)

    def __call__(self, resolver, name, timeout=()):
        return defer.succeed(self.answers.pop(0))


def _resolve(resolver, name):
    results = []
    resolver.getHostByName(name).addBoth(results.append)
    return results[0]


def test_the_resolver_refuses_private_answers_at_connect_time_so_rebinding_cannot_pass(monkeypatch):
    monkeypatch.setattr(ThreadedResolver, "getHostByName", _FakeDNS("58.144.150.1", "127.0.0.1", "169.254.169.254"))
    resolver = PublicOnlyResolver(None, cache_size=0, timeout=5)
    assert _resolve(resolver, "www.cbg.cn") == "58.144.150.1"
    for _ in range(2):  # the same name, answered with a loopback then a metadata address
        failure = _resolve(resolver, "www.cbg.cn")
        assert failure.check(DNSLookupError), failure
        assert "www.cbg.cn resolves to" in str(failure.value) and "address" in str(failure.value)


def test_a_loopback_replica_is_resolved_as_it_is(monkeypatch):
    monkeypatch.setattr(ThreadedResolver, "getHostByName", _FakeDNS("127.0.0.1"))
    resolver = PublicOnlyResolver(None, cache_size=0, timeout=5, public_only=False)
    assert _resolve(resolver, "localhost") == "127.0.0.1"


@pytest.mark.parametrize("base_url, expected", [
    (None, True), ("https://staging.example.org", True), ("http://127.0.0.1:8000", False), ("http://localhost:9", False),
])
def test_public_addresses_only_except_for_a_loopback_origin(base_url, expected, tmp_path):
    settings = crawl_settings(profile="cbg", db=str(tmp_path / "news.db"), base_url=base_url)
    assert settings.get("TWISTED_DNS_RESOLVER") == "crawler.resolver.PublicOnlyResolver"
    assert public_only(settings) is expected


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Counting)
        self.requests = 0
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _Counting(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests += 1
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_live_crawl_whose_host_resolves_to_loopback_never_connects(tmp_path):
    """A profile whose host is a name for this machine (as a hostile DNS answer would make it): the crawl records
    the refusal and the server on that address is never asked anything."""
    site = _Site()
    port = site.server_address[1]
    data = {**json.loads((ROOT / "crawler/profiles/cbg.json").read_text(encoding="utf-8")),
            "base_url": f"http://localhost:{port}", "hosts": ["localhost"], "host_suffixes": [], "ports": [port],
            "start_paths": ["/list/705/1.html"]}
    profile = tmp_path / "rebound.json"
    profile.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "news.db"
    result = newsarchive("crawl", "--profile", str(profile), "--db", str(db), "--contact", "ops@newsroom.cn",
                         "-s", "DOWNLOAD_DELAY=0",
                         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0", timeout=120)
    site.shutdown()
    assert site.requests == 0, "the crawl connected to a loopback address"
    con = sqlite3.connect(db)
    failures = con.execute("select url_or_path, stage, reason from failures").fetchall()
    con.close()
    assert [(url, stage) for url, stage, _ in failures] == [(f"http://localhost:{port}/list/705/1.html", "list")]
    assert failures[0][2] == ("IgnoreRequest: localhost resolves to 127.0.0.1, a loopback address: a crawl of the live "
                              "portal does not connect there"), result.stderr[-2000:]
