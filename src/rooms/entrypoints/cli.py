"""The `rooms` command: one click group; each area of the project adds its own subcommands."""

from __future__ import annotations

import click

from rooms import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rooms")
def main() -> None:
    """Run and operate the rooms service and its contract harness."""


# Subcommands live beside the code they drive; they are registered here, in one place.
# (Each import is local to its module so `rooms --help` stays fast.)
