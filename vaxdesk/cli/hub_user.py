"""`vaxdesk hub user add | revoke | list --site S`: the site's staff, created once at the hub;
every desk enrolled at the site receives them (their role and a hash of their PIN) at its next
heartbeat and logs them in from then on, offline too. A member revoked here is locked out of
every desk of the site at its next heartbeat."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from i18n import N_, _
from vaxdesk.cli.common import site_option
from vaxdesk.cli.translated import group, option
from vaxdesk.cli.users import ADDED, ROLES

if TYPE_CHECKING:
    from hub.db import HubDB


@group("user", help=N_("The site's staff, created once at the hub for every desk of the site."))
def user() -> None:
    pass


def _site(db: HubDB, site_id: str) -> str:
    """The site's code, once the registry holds it; else a one-line refusal."""
    from domain.errors import DeskError
    from domain.messages import describe
    from hub.sites import site_code

    try:
        code = site_code(site_id)
        if db.site(code) is None:
            raise DeskError("site.unknown", site=code)
    except DeskError as error:
        raise click.ClickException(describe(error)) from None
    return code


def _new_pin(name: str, from_stdin: bool) -> str:
    if from_stdin:
        import sys

        return sys.stdin.readline().rstrip("\r\n")
    prompt = _("New PIN for {name}").format(name=name)
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True))


@user.command("add", help=N_("Add a member to a site's staff. The PIN is asked twice, "
                             "hidden (or read from the first line of stdin: --pin-stdin)."))
@site_option(N_("The member's site (in the registry)."), required=True)
@option("--name", required=True, metavar=N_("NAME"), help=N_("Full name, as they log in."))
@option("--role", type=click.Choice(ROLES), required=True, help=N_("What they may do."))
@option("--pin-stdin", is_flag=True, help=N_("Read the PIN from stdin (for scripts)."))
@click.pass_obj
def user_add(hub_db: str, site_id: str, name: str, role: str, pin_stdin: bool) -> None:
    from datetime import UTC, datetime

    from domain.errors import DeskError
    from domain.messages import describe
    from hub.staff import new_member
    from vaxdesk.cli.hub import _hub_db

    with _hub_db(hub_db) as db:
        site = _site(db, site_id)
        try:
            member = new_member(site, name, role, _new_pin(name, pin_stdin))
            added = db.add_member(member, datetime.now(UTC))
        except DeskError as error:
            raise click.ClickException(describe(error)) from None
    click.echo(_(ADDED[added.role.value]).format(name=added.name))
    click.echo(_("every desk of site {site} receives it at its next heartbeat").format(site=site))


@user.command("revoke", help=N_("Revoke a member: every desk of the site locks them out at its "
                                "next heartbeat."))  # fmt: skip
@site_option(N_("The member's site."), required=True)
@option("--name", required=True, metavar=N_("NAME"), help=N_("Their name (diacritics may be "
                                                             "left out)."))  # fmt: skip
@click.pass_obj
def user_revoke(hub_db: str, site_id: str, name: str) -> None:
    from datetime import UTC, datetime

    from domain.errors import DeskError
    from domain.messages import describe
    from vaxdesk.cli.hub import _hub_db

    with _hub_db(hub_db) as db:
        site = _site(db, site_id)
        try:
            member = db.revoke_member(site, name, datetime.now(UTC))
        except DeskError as error:
            raise click.ClickException(describe(error)) from None
    click.echo(_("{name} revoked: every desk of site {site} locks them out at its next "
                 "heartbeat").format(name=member.name, site=site))  # fmt: skip


@user.command("list", help=N_("A site's staff: name, role, and whether revoked."))
@site_option(N_("The site."), required=True)
@click.pass_obj
def user_list(hub_db: str, site_id: str) -> None:
    from vaxdesk.cli.hub import _hub_db

    with _hub_db(hub_db) as db:
        site = _site(db, site_id)
        members = db.members(site)
    if not members:
        click.echo(_("site {site} has no staff at the hub yet").format(site=site))
    for member in members:
        state = _("revoked") if member.revoked else _("active")
        click.echo(f"{member.name}\t{member.role.value}\t{state}")
