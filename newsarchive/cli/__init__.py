"""The ``newsarchive`` command line: a thin layer over the ``archive`` and ``pipelines`` libraries.

Each module in this package holds one command group and exposes ``COMMANDS``, a list of click commands;
the main group collects them, so adding a command never means editing a central list.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from newsarchive.cli import _signals

_signals.defer()  # before the imports below, which take a second: see _signals

import click  # noqa: E402


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsarchive")
@click.pass_context
def cli(ctx) -> None:
    """Crawl Chinese news portals into a clean, searchable SQLite archive."""
    command = cli.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
    if not getattr(command, "records_interrupt", False):
        _signals.stop_before(ctx.invoked_subcommand or "")
        _signals.arm()


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register()


def main() -> None:
    """Console-script entry point. Usage errors exit 2 (click's convention), failures exit 1."""
    sys.exit(cli.main(prog_name="newsarchive", standalone_mode=True))
