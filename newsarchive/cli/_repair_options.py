"""The repair switches as command-line options, in one place for every command that repairs text (`clean`,
`repair`): one `--no-FIXER` flag per switch of `RepairConfig`, and `--to-simplified auto|yes|no`.

The options are made from the config's fields, so a new fixer gets its flag without an edit here.
"""

from __future__ import annotations

import functools
from dataclasses import fields

import click

from pipelines.repair_config import RepairConfig

_SWITCHES = tuple(f.name for f in fields(RepairConfig) if f.name != "to_simplified")
_SIMPLIFIED = {"auto": None, "yes": True, "no": False}


def repair_options(command):
    """Add the repair options to a click command; it receives them as one `config`: a `RepairConfig`, or None
    when every option was left at its default (the caller's own default then applies, such as a profile's)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        off = {name: False for name in _SWITCHES if kwargs.pop(f"no_{name}")}
        simplified = kwargs.pop("to_simplified")
        config = None
        if off or simplified != "auto":
            config = RepairConfig(**off, to_simplified=_SIMPLIFIED[simplified])
        return command(*args, config=config, **kwargs)

    wrapper = click.option(
        "--to-simplified", type=click.Choice(list(_SIMPLIFIED)), default="auto", show_default=True,
        help="Traditional -> Simplified: on the evidence (a mirror's artifacts, a Simplified site), always, never.",
    )(wrapper)
    for name in reversed(_SWITCHES):
        wrapper = click.option(f"--no-{name.replace('_', '-')}", f"no_{name}", is_flag=True,
                               help=f"Turn the {name} fixer off.")(wrapper)
    return wrapper
