"""The `vaxdesk` command: the desk by default, and headless commands for technicians.

One module per command group; each is imported only when its command runs (or is listed).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

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


class Vaxdesk(LazyGroup):
    """The commands, with a last guard: an error nobody foresaw still ends in one line and a
    non-zero exit (its traceback goes to the log, if one is open, or with VAXDESK_DEBUG=1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("VAXDESK_DEBUG"):
                raise
            if logging.getLogger("vaxdesk").handlers:
                logging.getLogger("vaxdesk.cli").error("unexpected error", exc_info=True)
            from vaxdesk.cli.common import one_line

            raise click.ClickException(
                one_line(f"unexpected {type(error).__name__}: {error}")
            ) from None


@click.group(cls=Vaxdesk, lazy_subcommands=COMMANDS, invoke_without_command=True)
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
