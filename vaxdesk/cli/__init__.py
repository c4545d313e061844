"""The `vaxdesk` command: the desk by default, and headless commands for technicians.

One module per command group; each is imported only when its command runs (or is listed).
"""

from __future__ import annotations

from pathlib import Path

import click

from vaxdesk import __version__
from vaxdesk.cli.lazy import LazyGroup

COMMANDS = {
    "desk": "vaxdesk.cli.desk:desk",
    "demo": "vaxdesk.cli.desk:demo",
    "supervise": "vaxdesk.cli.supervise:supervise",
    "hub": "vaxdesk.cli.hub:hub",
    "sync": "vaxdesk.cli.sync:sync",
    "user": "vaxdesk.cli.users:user",
    "audit": "vaxdesk.cli.audit:audit",
    "export": "vaxdesk.cli.data:export",
    "backup": "vaxdesk.cli.data:backup",
    "info": "vaxdesk.cli.data:info",
    "decode": "vaxdesk.cli.diagnose:decode",
    "camera-check": "vaxdesk.cli.diagnose:camera_check",
}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS, invoke_without_command=True)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML). Default: $XDG_CONFIG_HOME/vaxdesk/config.toml.",
)
@click.version_option(__version__)
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """vaxdesk: keyboard-only entry of vaccination records at a site's desk.

    Without a command, opens the desk.
    """
    if ctx.invoked_subcommand is None:
        desk = main.get_command(ctx, "desk")
        assert desk is not None
        ctx.invoke(desk)


__all__ = ["main"]
