"""The ``newsarchive`` command line: a thin layer over the ``archive`` and ``pipelines`` libraries.

Each module in this package holds one command (or command group), exposes it in ``COMMANDS`` and is named for it;
the main group finds them by file name, so adding a command never means editing a central list.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from newsarchive.cli import _signals

_signals.defer()  # before the imports below, which take a second: see _signals

import click  # noqa: E402


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs.

    Each module in this package is named for its command (a trailing underscore where the name is a Python keyword,
    as in ``import_``) and exposes ``COMMANDS``. Importing every module up front would load Scrapy, pypinyin and
    OpenCC for ``--version`` or a search; this way a command pays only for what it uses.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_command_modules())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = _command_modules().get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        return next((command for command in module.COMMANDS if command.name == name), None)


def _command_modules() -> dict[str, str]:
    """Command name -> module name, read from the package's file names without importing them."""
    return {
        info.name.rstrip("_").replace("_", "-"): info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    }


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsarchive")
@click.pass_context
def cli(ctx) -> None:
    """Crawl Chinese news portals into a clean, searchable SQLite archive."""
    command = cli.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
    if not getattr(command, "records_interrupt", False):
        _signals.stop_before(ctx.invoked_subcommand or "")
        _signals.arm()


def main() -> None:
    """Console-script entry point. Usage errors exit 2 (click's convention), failures exit 1."""
    sys.exit(cli.main(prog_name="newsarchive", standalone_mode=True))
