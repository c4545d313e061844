"""The `vaxdesk` command: the desk by default, and headless commands for technicians.

One module per command group; each is imported only when its command runs (or is listed).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from i18n import LANGUAGES, N_, _
from vaxdesk import __version__
from vaxdesk.cli.lazy import LazyGroup
from vaxdesk.cli.translated import Option, option, use_our_catalog
from vaxdesk.cli.translated import Path as PathType

use_our_catalog()  # click's own words ("Usage:", "Options", its errors) in our language

COMMANDS = {
    "desk": "vaxdesk.cli.desk:desk",
    "demo": "vaxdesk.cli.desk:demo",
    "supervise": "vaxdesk.cli.supervise:supervise",
    "hub": "vaxdesk.cli.hub:hub",
    "sync": "vaxdesk.cli.sync:sync",
    "user": "vaxdesk.cli.users:user",
    "audit": "vaxdesk.cli.audit:audit",
    "export": "vaxdesk.cli.data:export",
    "list": "vaxdesk.cli.lists:subject_list",
    "backup": "vaxdesk.cli.data:backup",
    "info": "vaxdesk.cli.data:info",
    "decode": "vaxdesk.cli.diagnose:decode",
    "camera-check": "vaxdesk.cli.diagnose:camera_check",
    "aefi": "vaxdesk.cli.aefi:aefi",
    "print": "vaxdesk.cli.print:print_slip",
}


class Vaxdesk(LazyGroup):
    """The commands, with a last guard: an error nobody foresaw still ends in one line and a
    non-zero exit (its traceback goes to the log, if one is open, or with VAXDESK_DEBUG=1)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:  # fmt: skip
        """The language is set before click reads a word of the command line: `--help` is
        eager, and an error in the arguments is shown in the language too."""
        if parent is None:
            try:
                set_language_of(args)
            except click.ClickException:
                if not extra.get("resilient_parsing"):  # shell completion: never an error
                    raise
        return super().make_context(info_name, args, parent, **extra)

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
                one_line(
                    _("unexpected {kind}: {error}").format(kind=type(error).__name__, error=error)
                )
            ) from None


ROOT_VALUED = ("--config", "--lang")  # the root's options that take a value


def root_options(args: list[str]) -> dict[str, str]:
    """`--config` and `--lang` as given to `vaxdesk` itself (before the command's name)."""
    found: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        if arg == "--" or not arg.startswith("-"):
            break  # the command's name: what follows is the command's
        name, equals, value = arg.partition("=")
        if name in ROOT_VALUED:
            found[name] = value if equals else next(rest, "")
    return found


def set_language_of(args: list[str]) -> str:
    """Speak the invocation's language: `vi` < the settings file's `language` < VAXDESK_LANG <
    `--lang`. An unknown one is a one-line error, in the language known until then."""
    import i18n
    from vaxdesk.settings import SettingsError, resolve_language

    given = root_options(args)
    config = given.get("--config")
    try:
        code = resolve_language(config_file=Path(config) if config else None,
                                flag=given.get("--lang"))  # fmt: skip
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    return i18n.set_language(code)


def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_("{prog}, version {version}").format(prog=ctx.info_name, version=__version__))
        ctx.exit()


@click.group(cls=Vaxdesk, lazy_subcommands=COMMANDS, invoke_without_command=True,
             help=N_("vaxdesk: keyboard-only entry of vaccination records at a site's desk. "
                     "Without a command, opens the desk."))  # fmt: skip
@option(
    "--config",
    type=PathType(path_type=Path, dir_okay=False),
    metavar=N_("FILE"),
    help=N_("Settings file (TOML). Default: $XDG_CONFIG_HOME/vaxdesk/config.toml."),
)
@option(
    "--lang",
    "language",
    metavar="|".join(LANGUAGES),
    help=N_("Language of the screens and messages (default: vi; or VAXDESK_LANG, or language "
            "in the settings file)."),
)  # fmt: skip
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, cls=Option,
              callback=show_version, help=N_("Show the version and exit."))  # fmt: skip
@click.pass_context
def main(ctx: click.Context, config: Path | None, language: str | None) -> None:
    if ctx.invoked_subcommand is None:
        desk = main.get_command(ctx, "desk")
        assert desk is not None
        ctx.invoke(desk)


__all__ = ["main"]
