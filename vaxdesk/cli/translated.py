"""Click's commands, options and types in the language of the moment.

Click reads help texts when the decorators run (at import), and the language is chosen after
imports (tests even switch it in one process): so the commands keep the English message ids
(`help=N_("...")`) and these classes translate them when the help is formatted. Click's own
words ("Usage:", "Options", its errors) go through the same catalog: `use_our_catalog()` points
click's modules at `i18n` (the ids are listed in `vaxdesk.cli.click_texts`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

import i18n
from i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])

CLICK_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
    click.utils,
)


def use_our_catalog() -> None:
    """Click's own messages through our catalog (click asks stdlib gettext by default)."""
    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = i18n.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class Translated:
    """An attribute click sets to English (a message id) and reads in the language of the
    moment: help, short help, epilog, the usage line's words."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_{name}_id"

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        text = getattr(obj, self.key, None)
        return _(text) if text else text

    def __set__(self, obj: object, value: str | None) -> None:
        setattr(obj, self.key, value)


class Command(click.Command):
    """A command whose help, short help and epilog are message ids, translated when shown."""

    help = Translated()
    short_help = Translated()
    epilog = Translated()
    options_metavar = Translated()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's `--help`, its help read in the language of the moment."""
        return translated_help_option(super().get_help_option(ctx))


# click writes "[required]" as _(extra["required"]): an id extraction cannot see there.
REQUIRED = N_("required")

# The usage line's words, as click writes them (Command's and Group's defaults).
USAGE_WORDS = (N_("[OPTIONS]"), N_("[COMMAND] [ARGS]..."), N_("COMMAND [ARGS]..."))


def translated_help_option(option: click.Option | None) -> click.Option | None:
    if option is not None and not isinstance(option, Option):
        option.__class__ = Option  # the same object: click compares it by identity
        option.help = N_("Show this message and exit.")
    return option


class Group(Command, click.Group):
    """A group translated as `Command` is; its commands are `Command`s, its groups `Group`s."""

    command_class = Command
    group_class = type  # subgroups of the same class

    subcommand_metavar = Translated()


# Metavars: the type's words, for the help ("--db FILE", "--port NUMBER").
TEXT_METAVAR = N_("TEXT")


class Option(click.Option):
    """An option whose help (and metavar) are message ids, translated when shown."""

    help = Translated()

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return _(self.metavar)
        if isinstance(self.type, click.types.StringParamType):
            return _(TEXT_METAVAR) + ("..." if self.nargs != 1 else "")
        return super().make_metavar(ctx)


class Argument(click.Argument):
    """An argument whose metavar is a message id (`metavar=N_("FILES...")`)."""

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return _(self.metavar)
        return super().make_metavar(ctx)


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """`click.option`, translated (`help=N_("...")`)."""
    attrs.setdefault("cls", Option)
    return click.option(*decls, **attrs)


def argument(*decls: str, **attrs: Any) -> Callable[[F], F]:
    attrs.setdefault("cls", Argument)
    return click.argument(*decls, **attrs)


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    attrs.setdefault("cls", Command)
    return click.command(name, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Group]:
    attrs.setdefault("cls", Group)
    return click.group(name, **attrs)


# Types whose names appear in errors ("'x' is not a valid integer", "File 'x' does not
# exist"): click names them once, in English or in the language of the import.


class _Word(str):
    """A type's name in a sentence: click capitalises it with .title(), which would capitalise
    every word of a Vietnamese one ("Thư Mục"); this capitalises the first letter only."""

    __slots__ = ()

    def title(self) -> str:
        return self[:1].upper() + self[1:]


class Integer(click.types.IntParamType):
    @property
    def name(self) -> str:
        return _("integer")

    @name.setter
    def name(self, value: str) -> None:
        pass  # a class attribute of click's

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return _("NUMBER")


class Number(click.types.FloatParamType):
    @property
    def name(self) -> str:
        return _("number")

    @name.setter
    def name(self, value: str) -> None:
        pass  # a class attribute of click's

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return _("NUMBER")


class Path(click.Path):
    """click.Path, its name ("file", "directory", "path") in the language of the moment."""

    @property
    def name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return _Word(_("file"))
        if self.dir_okay and not self.file_okay:
            return _Word(_("directory"))
        return _Word(_("path"))

    @name.setter
    def name(self, value: str) -> None:
        pass  # click names it in __init__, in the language of that moment

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        if self.file_okay and not self.dir_okay:
            return _("FILE")
        if self.dir_okay and not self.file_okay:
            return _("FOLDER")
        return _("PATH")


INTEGER = Integer()
NUMBER = Number()
