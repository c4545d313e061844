"""`vaxdesk user add | list`: the desk's users."""

from __future__ import annotations

import os
from pathlib import Path

import click

from i18n import N_, _
from vaxdesk.cli.common import as_user_option, authorised_user, db_option, desk_store, settings
from vaxdesk.cli.translated import group, option

ROLES = ("volunteer", "vaccinator", "supervisor", "technician")


@group(help=N_("The desk's users: volunteers, vaccinators, supervisors, technicians."))
def user() -> None:
    pass


@user.command(
    "add",
    help=N_(
        "Add a user; the first one must be a supervisor. The new PIN is asked twice "
        "(or VAXDESK_NEW_PIN)."
    ),
)
@db_option()
@option("--name", required=True, metavar=N_("NAME"), help=N_("Full name, as they log in."))
@option("--role", type=click.Choice(ROLES), required=True, help=N_("What they may do."))
@as_user_option(N_("A supervisor's name; not needed for the first user."))
@click.pass_context
def user_add(
    ctx: click.Context, db: Path | None, name: str, role: str, as_user: str | None
) -> None:
    from desk.people import add_user, check_first_user
    from domain.errors import DeskError
    from domain.messages import describe
    from domain.roles import Action, Role

    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        try:
            check_first_user(store, Role(role))
            by = authorised_user(store, as_user, Action.MANAGE_USERS)
            pin = os.environ.get("VAXDESK_NEW_PIN") or click.prompt(
                _("New PIN for {name}").format(name=name),
                hide_input=True,
                confirmation_prompt=True,
                err=True,
            )
            added = add_user(store, name, Role(role), pin, by=by)
        except DeskError as error:
            raise click.ClickException(describe(error)) from None
    click.echo(_(ADDED[added.role.value]).format(name=added.name))


# One message a role: the role's name is a word of the sentence.
ADDED = {
    "volunteer": N_("{name} added as volunteer"),
    "vaccinator": N_("{name} added as vaccinator"),
    "supervisor": N_("{name} added as supervisor"),
    "technician": N_("{name} added as technician"),
}


@user.command("list", help=N_("The desk's users and their roles."))
@db_option()
@click.pass_context
def user_list(ctx: click.Context, db: Path | None) -> None:
    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        for person in store.people.users():
            click.echo(f"{person.name}\t{person.role.value}")
