"""`vaxdesk user add | list`: the desk's users."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vaxdesk.cli.common import as_user_option, authorised_user, db_option, desk_store, settings

ROLES = ("volunteer", "vaccinator", "supervisor", "technician")


@click.group()
def user() -> None:
    """The desk's users: volunteers, vaccinators, supervisors, technicians."""


@user.command("add")
@db_option()
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@as_user_option("A supervisor's name; not needed for the first user.")
@click.pass_context
def user_add(
    ctx: click.Context, db: Path | None, name: str, role: str, as_user: str | None
) -> None:
    """Add a user; the first one must be a supervisor. The new PIN is asked twice
    (or VAXDESK_NEW_PIN)."""
    from desk.people import add_user, check_first_user
    from domain.errors import DeskError
    from domain.messages import describe
    from domain.roles import Action, Role

    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        try:
            check_first_user(store, Role(role))
            by = authorised_user(store, as_user, Action.MANAGE_USERS)
            pin = os.environ.get("VAXDESK_NEW_PIN") or click.prompt(
                f"PIN for {name}", hide_input=True, confirmation_prompt=True, err=True
            )
            added = add_user(store, name, Role(role), pin, by=by)
        except DeskError as error:
            raise click.ClickException(describe(error)) from None
    click.echo(f"{added.name} added as {added.role.value}")


@user.command("list")
@db_option()
@click.pass_context
def user_list(ctx: click.Context, db: Path | None) -> None:
    """The desk's users and their roles."""
    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        for person in store.people.users():
            click.echo(f"{person.name}\t{person.role.value}")
