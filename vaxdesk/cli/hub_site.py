"""`vaxdesk hub site add | edit | list`: the hub's site registry (facility code, name, address
with province and ward, tables, the person in charge), the desks enrolled at each site, and
the sites grouped by province and ward."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

from i18n import N_, _, format_number, ngettext
from vaxdesk.cli.common import site_option
from vaxdesk.cli.translated import group, option

if TYPE_CHECKING:
    from hub.sites import Site

F = TypeVar("F", bound=Callable[..., Any])

# A site's field -> the option that gives it (errors name the option the person typed).
OPTIONS = {"site_id": "--site", "facility_code": "--facility", "name": "--name",
           "province": "--province", "ward": "--ward", "address": "--address",
           "tables": "--tables", "in_charge": "--in-charge", "phone": "--phone"}  # fmt: skip


def site_fields(*, required: bool) -> Callable[[F], F]:
    """The options of a site's fields; `required` for `add` (the address never is)."""
    specs = [
        ("--facility", "facility_code", N_("CODE"), N_("The facility's code on the national "
                                                       "platform.")),
        ("--name", "name", N_("NAME"), N_("The site's name, e.g. Trạm Y tế xã Cầu Ngang.")),
        ("--province", "province", N_("PROVINCE"), N_("Province or city (2025 units): its name, "
                                                      "without diacritics too, or its code.")),
        ("--ward", "ward", N_("WARD"), N_("Ward or commune of that province: name or code.")),
        ("--address", "address", N_("TEXT"), N_("Street, hamlet.")),
        ("--tables", "tables", "N", N_("Number of vaccination tables.")),
        ("--in-charge", "in_charge", N_("NAME"), N_("The person in charge of the site.")),
        ("--phone", "phone", N_("PHONE"), N_("The person in charge's phone.")),
    ]  # fmt: skip

    def decorate(command: F) -> F:
        for flag, dest, metavar, text in reversed(specs):
            needed = required and dest != "address"
            command = option(flag, dest, required=needed, metavar=metavar, help=text)(command)
        return command

    return decorate


def refused(error: Exception) -> click.ClickException:
    """A site's ValidationError or FieldError as one line, each field by its option."""
    from domain.errors import FieldError, ValidationError
    from domain.messages import describe

    errors = error.errors if isinstance(error, ValidationError) else {}
    if isinstance(error, FieldError):
        errors = {error.field: error}
    if not errors:
        return click.ClickException(describe(error))
    return click.ClickException("; ".join(
        _("{field}: {reason}").format(field=OPTIONS.get(name, name), reason=describe(problem))
        for name, problem in errors.items()
    ))  # fmt: skip


@group("site", help=N_("The hub's site registry: each site's facility code, name, address, "
                       "tables and person in charge."))  # fmt: skip
def site() -> None:
    pass


@site.command("add", help=N_("Register a site; desks are then enrolled at its code."))
@site_option(N_("The site's code, as its desks' settings give it (e.g. TV-CN-01)."),
             required=True)  # fmt: skip
@site_fields(required=True)
@click.pass_obj
def site_add(hub_db: str, site_id: str, **typed: str | None) -> None:
    from datetime import UTC, datetime

    from domain.errors import DeskError, ValidationError
    from hub.sites import build_site
    from vaxdesk.cli.hub import _hub_db

    form = {"site_id": site_id, **{k: v or "" for k, v in typed.items()}}
    try:
        new = build_site(form)
    except ValidationError as error:
        raise refused(error) from None
    with _hub_db(hub_db) as db:
        try:
            db.add_site(new, datetime.now(UTC))
        except DeskError as error:
            raise refused(error) from None
    click.echo(_("site {site} registered: {name}, {ward}, {province}").format(
        site=new.site_id, name=new.name, ward=new.ward_name,
        province=new.province_name))  # fmt: skip


@site.command("edit", help=N_("Change a registered site: only the options given change."))
@site_option(N_("The site's code."), required=True)
@site_fields(required=False)
@click.pass_obj
def site_edit(hub_db: str, site_id: str, **typed: str | None) -> None:
    from datetime import UTC, datetime

    from domain.errors import DeskError, ValidationError
    from hub.sites import edited_site, site_code
    from vaxdesk.cli.hub import _hub_db

    changes = {name: value for name, value in typed.items() if value is not None}
    if not changes:
        raise click.UsageError(_("nothing to change: give at least one of the site's options"))
    try:
        code = site_code(site_id)
    except DeskError as error:
        raise refused(error) from None
    with _hub_db(hub_db) as db:
        try:
            known = db.site(code)
            if known is None:
                raise DeskError("site.unknown", site=code)
            changed = edited_site(known, changes)
            db.update_site(changed, datetime.now(UTC))
        except (DeskError, ValidationError) as error:
            raise refused(error) from None
    click.echo(_("site {site} changed").format(site=changed.site_id))


@site.command("list", help=N_("The registered sites, by province and ward, with their desks."))
@option("--province", metavar=N_("PROVINCE"), help=N_("Only this province's sites."))
@option("--ward", metavar=N_("WARD"), help=N_("Only this ward's sites (with --province)."))
@click.pass_obj
def site_list(hub_db: str, province: str | None, ward: str | None) -> None:
    from domain.errors import FieldError
    from domain.places import resolve_province, resolve_ward
    from vaxdesk.cli.hub import _hub_db

    try:
        province_code = resolve_province(province) if province else ""
        ward_code = resolve_ward(province_code, ward) if ward else ""
    except FieldError as error:
        raise refused(error) from None
    with _hub_db(hub_db) as db:
        sites = db.sites(province_code, ward_code)
        desks = {s.site_id: db.site_desks(s.site_id) for s in sites}
    if not sites:
        click.echo(_("no site registered") if not province else _("no site registered there"))
        return
    for line in listing(sites, {code: [d.desk_id for d in found if not d.revoked]
                                for code, found in desks.items()}):  # fmt: skip
        click.echo(line)


def listing(sites: list[Site], desks: Mapping[str, list[str]]) -> list[str]:
    """Sites under their province and ward (each named once, with its code)."""
    lines: list[str] = []
    province = ward = None
    for one in sites:
        if one.province_code != province:
            province, ward = one.province_code, None
            lines.append(f"{one.province_name} ({one.province_code})")
        if one.ward_code != ward:
            ward = one.ward_code
            lines.append(f"  {one.ward_name} ({one.ward_code})")
        enrolled = desks.get(one.site_id, [])
        tables = ngettext("{count} table", "{count} tables", one.tables)
        desk_text = ", ".join(enrolled) if enrolled else _("no desk enrolled")
        lines.append("    " + "\t".join([
            one.site_id, one.facility_code, one.name,
            tables.format(count=format_number(one.tables)),
            _("in charge: {name} {phone}").format(name=one.in_charge, phone=one.phone),
            _("desks: {desks}").format(desks=desk_text),
        ]))  # fmt: skip
        if one.address:
            lines.append(f"      {one.address}")
    return lines
