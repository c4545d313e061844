"""`vaxdesk audit verify`: the desk's audit trail."""

from __future__ import annotations

from pathlib import Path

import click

from vaxdesk.cli.common import db_option, desk_store, settings


@click.group()
def audit() -> None:
    """The desk's audit trail."""


@audit.command("verify")
@db_option(exists=True, help=None)
@click.pass_context
def audit_verify(ctx: click.Context, db: Path | None) -> None:
    """Check every link of the chain; report the first broken one (exit 1)."""
    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        broken = store.people.verify()
        seq, head = store.people.head()
    if broken is not None:
        raise click.ClickException(f"audit trail broken at row {broken[0]}: {broken[1]}")
    click.echo(f"audit trail intact: {seq} row(s), head {head[:16]}")
