"""A click group whose subcommands are imported when first asked for (click's LazyGroup)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from vaxdesk.cli.translated import Group


class LazyGroup(Group):
    """`lazy_subcommands`: command name → "module:attribute". A command module imports only
    click and `vaxdesk.cli.common` at its top, so listing the commands (`--help`) stays cheap;
    what a command needs (Textual, httpx, uvicorn, OpenCV) it imports when it runs."""

    def __init__(
        self, *args: Any, lazy_subcommands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, name: str) -> click.Command:
        module_name, _, attribute = self.lazy_subcommands[name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[name]} is not a click command")
        return command
