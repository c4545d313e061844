"""`vaxdesk hub stock`: vaccine stock per lot at the hub (issue 16): `receive` a lot, `allocate`
vials of it to a desk, `list` the site's lots with their verdicts, `settings` (near expiry,
near empty), `report` (xlsx, for "cấp phát vắc xin"). Bad input is one line and a non-zero
exit, and nothing stored changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from domain.errors import FieldError
from domain.messages import describe
from i18n import N_, _, format_date, format_number, ngettext
from vaxdesk.cli.common import desk_option, failure, site_option
from vaxdesk.cli.translated import INTEGER, argument, group, option
from vaxdesk.cli.translated import Path as PathType

F = TypeVar("F", bound=Any)

# The option each field of a receipt or an allocation comes from, for a refusal.
OPTIONS = {"vials": "--vials", "doses_per_vial": "--doses-per-vial", "expires_on": "--expires",
           "received_from": "--from", "received_on": "--on", "allocated_on": "--on",
           "desk_id": "--desk", "lot": "--lot", "vaccine": "--vaccine", "site_id": "--site",
           "near_expiry_days": "--near-expiry-days",
           "near_empty_doses": "--near-empty-doses"}  # fmt: skip


def _refused(error: FieldError) -> click.ClickException:
    where = OPTIONS.get(error.field, error.field)
    return click.ClickException(_("{field}: {reason}").format(field=where, reason=describe(error)))


def _today() -> date:
    """Today on the hub's site clock (its zone from the settings)."""
    from domain.clock import SiteClock
    from vaxdesk.cli.common import settings

    return SiteClock(settings(click.get_current_context()).hub_server.site_timezone)().date()


def _day(text: str | None, field: str, today: date) -> date:
    from domain.dates import parse_date

    if text is None:
        return today
    try:
        return parse_date(text, today=today, field=field).to_date()
    except FieldError as error:
        raise _refused(error) from None


def _expiry(text: str) -> date:
    from domain.stock import parse_expiry

    try:
        return parse_expiry(text)
    except FieldError as error:
        raise _refused(error) from None


def _lot(site_id: str, vaccine: str, lot: str) -> tuple[str, str, str]:
    from domain.fields import parse_lot, parse_vaccine
    from vaxdesk.cli.hub import _code

    try:
        return _code("site", site_id).upper(), parse_vaccine(vaccine), parse_lot(lot)
    except FieldError as error:
        raise _refused(error) from None


@group("stock", help=N_("Vaccine stock per lot: receipts, allocations to desks, the report."))
def stock() -> None:
    pass


def _lot_options(command: F) -> F:
    for decorator in reversed([
        site_option(N_("The site."), required=True),
        option("--vaccine", required=True, metavar=N_("CODE"), help=N_("Vaccine code (PF, AZ…).")),
        option("--lot", required=True, help=N_("Lot number.")),
    ]):  # fmt: skip
        command = decorator(command)
    return command


@stock.command(help=N_("Receive vials of a lot at a site (tiếp nhận)."))
@_lot_options
@option("--vials", type=INTEGER, required=True, help=N_("Vials received."))
@option("--doses-per-vial", type=INTEGER, required=True, help=N_("Doses in one vial."))
@option("--expires", required=True, metavar="DD/MM/YYYY", help=N_("The lot's expiry."))
@option("--from", "received_from", required=True,
        help=N_("Who sent them (e.g. the province's disease control centre)."))
@option("--on", "received_on", metavar="DD/MM/YYYY", help=N_("Day received. Default: today."))
@click.pass_obj
def receive(hub_db: str, site_id: str, vaccine: str, lot: str, vials: int, doses_per_vial: int,
            expires: str, received_from: str, received_on: str | None) -> None:  # fmt: skip
    from datetime import UTC, datetime

    from domain.stock import Receipt
    from domain.text import clean_text
    from hub.stock_db import new_id, receive
    from vaxdesk.cli.hub import _hub_db

    site_id, vaccine, lot = _lot(site_id, vaccine, lot)
    today = _today()
    receipt = Receipt(new_id(), site_id, vaccine, lot, vials, doses_per_vial,
                      _expiry(expires), clean_text(received_from),
                      _day(received_on, "received_on", today))  # fmt: skip
    with _hub_db(hub_db) as db:
        try:
            receive(db, receipt, today, datetime.now(UTC))
        except FieldError as error:
            raise _refused(error) from None
    said = ngettext("received at {site}: {vaccine} lot {lot}, {vials} × {per_vial} = {total} "
                    "dose, expiry {expiry}", "received at {site}: {vaccine} lot {lot}, {vials} × "
                    "{per_vial} = {total} doses, expiry {expiry}", receipt.doses)  # fmt: skip
    click.echo(said.format(site=site_id, vaccine=vaccine, lot=lot, vials=format_number(vials),
                           per_vial=format_number(doses_per_vial),
                           total=format_number(receipt.doses),
                           expiry=format_date(receipt.expires_on)))  # fmt: skip


@stock.command(help=N_("Allocate vials of a lot to a desk of the site (cấp phát)."))
@_lot_options
@desk_option(N_("The desk that gets them."), required=True)
@option("--vials", type=INTEGER, required=True, help=N_("Vials allocated."))
@option("--on", "allocated_on", metavar="DD/MM/YYYY", help=N_("Day allocated. Default: today."))
@click.pass_obj
def allocate(hub_db: str, site_id: str, vaccine: str, lot: str, desk_id: str, vials: int,
             allocated_on: str | None) -> None:  # fmt: skip
    from datetime import UTC, datetime

    from domain.stock import Allocation
    from hub.stock_db import allocate, new_id
    from vaxdesk.cli.hub import _code, _hub_db

    site_id, vaccine, lot = _lot(site_id, vaccine, lot)
    today = _today()
    allocation = Allocation(new_id(), site_id, vaccine, lot, _code("desk", desk_id), vials,
                            _day(allocated_on, "allocated_on", today))  # fmt: skip
    with _hub_db(hub_db) as db:
        try:
            allocate(db, allocation, today, datetime.now(UTC))
        except FieldError as error:
            raise _refused(error) from None
    said = ngettext("allocated to {desk}: {vaccine} lot {lot}, {vials} vial",
                    "allocated to {desk}: {vaccine} lot {lot}, {vials} vials", vials)  # fmt: skip
    click.echo(said.format(desk=allocation.desk_id, vaccine=vaccine, lot=lot,
                           vials=format_number(vials)))  # fmt: skip


@stock.command("list", help=N_("The site's lots: received, given, wasted, on hand, warnings."))
@site_option(N_("The site."), required=True)
@click.pass_obj
def list_lots(hub_db: str, site_id: str) -> None:
    from hub.stock_db import holdings, stock_settings
    from hub.stock_report import status
    from vaxdesk.cli.hub import _code, _hub_db

    site_id = _code("site", site_id).upper()
    today = _today()
    with _hub_db(hub_db) as db:
        lots, thresholds = holdings(db, site_id), stock_settings(db, site_id)
    if not lots:
        click.echo(_("no stock at site {site}").format(site=site_id))
        return
    for held in lots:
        expiry = format_date(held.expires_on) if held.expires_on else "-"
        click.echo(_("{vaccine} {lot}  expiry {expiry}  doses received {received}  given "
                     "{given}  wasted {wasted}  on hand {doses}  vials on hand {vials}  "
                     "{status}").format(
            vaccine=held.vaccine, lot=held.lot, expiry=expiry,
            received=format_number(held.received_doses), given=format_number(held.given_doses),
            wasted=format_number(held.wasted_doses), doses=format_number(held.on_hand_doses),
            vials=format_number(held.on_hand_vials),
            status=status(held, today, thresholds)))  # fmt: skip


@stock.command("settings", help=N_("The site's warnings: days before expiry, doses left."))
@site_option(N_("The site."), required=True)
@option("--near-expiry-days", type=INTEGER, help=N_("Warn this many days before expiry (30)."))
@option("--near-empty-doses", type=INTEGER, help=N_("Warn at this many doses left (20)."))
@click.pass_obj
def stock_settings_command(hub_db: str, site_id: str, near_expiry_days: int | None,
                           near_empty_doses: int | None) -> None:  # fmt: skip
    from dataclasses import replace

    from domain.stock import check_count
    from hub.stock_db import set_stock_settings, stock_settings
    from vaxdesk.cli.hub import _code, _hub_db

    site_id = _code("site", site_id).upper()
    with _hub_db(hub_db) as db:
        thresholds = stock_settings(db, site_id)
        try:
            if near_expiry_days is not None:
                days = check_count("near_expiry_days", near_expiry_days, 0, 365)
                thresholds = replace(thresholds, near_expiry_days=days)
            if near_empty_doses is not None:
                doses = check_count("near_empty_doses", near_empty_doses, 0, 100_000)
                thresholds = replace(thresholds, near_empty_doses=doses)
        except FieldError as error:
            raise _refused(error) from None
        if near_expiry_days is not None or near_empty_doses is not None:
            set_stock_settings(db, site_id, thresholds)
    said = _("site {site}: warn of a lot this many days before its expiry: {days}; with this "
             "many doses left: {doses}")
    click.echo(said.format(site=site_id, days=thresholds.near_expiry_days,
                           doses=thresholds.near_empty_doses))


@stock.command(help=N_("The site's stock report per lot and desk, as xlsx."))
@site_option(N_("The site."), required=True)
@argument("out", type=PathType(dir_okay=False, writable=True))
@click.pass_obj
def report(hub_db: str, site_id: str, out: str) -> None:
    from hub.stock_report import write_report
    from vaxdesk.cli.hub import _code, _hub_db

    site_id = _code("site", site_id).upper()
    if not out.lower().endswith(".xlsx"):
        raise click.ClickException(_("{path}: the report is an .xlsx file").format(path=out))
    with _hub_db(hub_db) as db:
        try:
            done = write_report(db, site_id, Path(out), _today())
        except OSError as error:
            raise failure(_("cannot write {path}").format(path=out), error) from None
    said = ngettext("stock report of {site} written to {path}: {lots} lot",
                    "stock report of {site} written to {path}: {lots} lots", done.lots)
    click.echo(said.format(site=site_id, path=out, lots=format_number(done.lots)))
