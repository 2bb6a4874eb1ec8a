"""``newsarchive replica``: run the offline replica of the portals, or print its truth manifest."""

from __future__ import annotations

import json
import signal
import sys

import click

from replica import Replica, ReplicaServer
from replica.mirrors import MIRROR_BASE

PORTAL_CHOICE = click.Choice(["cbg", "cqnews", "all"])


def _site_options(command):
    """The options that choose which replica is built; shared by ``serve`` and ``truth`` so both see one site."""
    options = [
        click.option("--articles", type=click.IntRange(1, 100_000), default=200, show_default=True, help="Articles per portal."),
        click.option("--seed", type=int, default=1, show_default=True, help="Generator seed: same seed, same bytes."),
        click.option("--portal", type=PORTAL_CHOICE, default="cbg", show_default=True, help="Which portal(s) to serve."),
        click.option(
            "--encoding-faults/--no-encoding-faults", default=True, show_default=True,
            help="Serve a few pages with mislabelled or mixed encodings (issue 3).",
        ),
        click.option("--faults/--no-faults", "http_faults", default=False, show_default=True,
                     help="HTTP fault mode: 5xx, 429, resets, hangs, bombs, traps (issue 6)."),
        click.option("--revision", type=click.IntRange(0, 1), default=0, show_default=True,
                     help="1 serves later editions of 2-3% of the articles."),
        click.option("--variants/--no-variants", default=True, show_default=True,
                     help="District-site text variants on about 12% of the cbg.cn articles."),
        click.option("--mirrors/--no-mirrors", default=False, show_default=True,
                     help="Spam-mirror copies of about 10% of the cbg.cn articles (served on a second port)."),
        click.option("--redesign", is_flag=True, default=False,
                     help="cbg.cn after a redesign: same URLs, new markup the profile does not match, a sitemap "
                          "and an RSS feed (issue 12)."),
        click.option("--moved", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help="Share of articles the lists link under an address that 301-redirects to them (1: all)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _build(articles, seed, portal, encoding_faults, http_faults, revision, variants, mirrors, redesign,
           moved) -> Replica:
    return Replica(articles=articles, seed=seed, faults=encoding_faults, revision=revision, portal=portal,
                   http_faults=http_faults, variants=variants, mirrors=mirrors, redesign=redesign, moved=moved)


@click.group()
def replica() -> None:
    """The offline replica of the portals (generated pages with known truth)."""


@replica.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 takes a free port.")
@click.option("--mirror-port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port of the mirror server (with --mirrors); 0 takes a free port.")
@_site_options
def serve(host, port, mirror_port, **site) -> None:
    """Serve the replica until Ctrl-C; prints the base URL first, then the mirror's with --mirrors."""
    try:
        server = ReplicaServer(_build(**site), host=host, port=port, start=False, mirror_port=mirror_port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc.strerror or exc}") from None
    click.echo(server.base_url)
    if server.mirror_url:
        click.echo(server.mirror_url)
    # SIGTERM (systemd, `kill`, a test harness) stops the server as Ctrl-C does: closed socket, exit status 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


@replica.command()
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="Base of the truth URLs.")
@click.option("--mirror-base-url", default=MIRROR_BASE, show_default=True, help="Base of the mirror copies' URLs.")
@_site_options
def truth(base_url, mirror_base_url, **site) -> None:
    """Print the truth manifest, one JSON record per line."""
    for record in _build(**site).truth(base_url, mirror_base_url):
        click.echo(json.dumps(record, ensure_ascii=False))


COMMANDS = [replica]
