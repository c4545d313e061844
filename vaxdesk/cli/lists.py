"""`vaxdesk list import | export | counts`: the site's subject lists of a day."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from i18n import N_, _, format_number, ngettext
from vaxdesk.cli.common import as_user_option, authorise, db_option, desk_store, settings
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import argument, group, option

FOLLOW_UPS = ("not-vaccinated", "absent")


@group("list", help=N_("Subject lists: import a day's list, count and export for follow-up."))
def subject_list() -> None:
    pass


def _day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise click.BadParameter(_("'{text}' is not a date: type DD/MM/YYYY").format(text=text),
                                 param_hint="--day") from None  # fmt: skip


def _today(loaded: Any) -> date:
    """Today at the site (its time zone, as the desk's "today")."""
    from domain.clock import SiteClock

    return SiteClock(loaded.desk.site_timezone)().date()


def _site(ctx: click.Context, given: str | None, loaded: Any) -> str:
    site = given or loaded.desk.site_id
    if not site:
        raise click.ClickException(_("give the site: --site CODE (or site_id in the settings)"))
    return str(site)


def _common(f: Any) -> Any:
    f = option("--day", metavar="DD/MM/YYYY", help=N_("The list's day (default: today)."))(f)
    f = option("--site", "site_id", metavar=N_("CODE"),
               help=N_("The site (default: the settings' site)."))(f)  # fmt: skip
    f = as_user_option(N_("A supervisor's name (PIN asked, or VAXDESK_PIN)."))(f)
    return db_option()(f)


@subject_list.command(
    "import",
    help=N_("Import a subject list (.xlsx, .xls, .ods, .csv) in the national template's layout "
            "or another one (headers matched, or --mapping). Refused rows go to a reject file "
            "with their reasons; nothing is stored from a file that cannot be read."),
)  # fmt: skip
@argument("file", type=PathType(path_type=Path, dir_okay=False, exists=True))
@_common
@option("--mapping", type=PathType(path_type=Path, dir_okay=False, exists=True),
        metavar=N_("FILE"), help=N_("A TOML file naming the columns of another layout."))
@option("--reject", type=PathType(path_type=Path, dir_okay=False), metavar=N_("FILE"),
        help=N_("Where refused rows go (default: NAME-rejects.xlsx beside the file)."))
@click.pass_context
def list_import(ctx: click.Context, file: Path, db: Path | None, site_id: str | None,
                day: str | None, as_user: str | None, mapping: Path | None,
                reject: Path | None) -> None:  # fmt: skip
    from desk.lists import import_list
    from domain.errors import DeskError
    from domain.list_columns import parse_mapping
    from domain.messages import describe
    from domain.roles import Action

    loaded = settings(ctx, {"db": db})
    site = _site(ctx, site_id, loaded)
    with desk_store(loaded.desk.db) as store:
        today = _today(loaded)
        list_day = _day(day, today)
        actor = authorise(store, as_user, Action.EXPORT)
        with click.progressbar(length=1, label=_("Reading {name}").format(name=file.name),
                               file=sys.stderr) as bar:  # fmt: skip
            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            try:
                plan = parse_mapping(mapping.read_text("utf-8")) if mapping else None
                report = import_list(store, file, site_id=site, day=list_day, today=today,
                                     by=actor, mapping=plan, reject=reject,
                                     progress=progress)  # fmt: skip
            except DeskError as error:
                raise click.ClickException(
                    _("cannot import {path}: {reason}").format(path=file, reason=describe(error))
                ) from None
    from tui.texts import describe_import  # the words the desk's import screen says too

    click.echo(describe_import(report, list_day))


@subject_list.command("export", help=N_(
    "Write the day's follow-up list as CSV (ISO dates): who is not vaccinated yet, or absent."))
@argument("out", type=PathType(path_type=Path, dir_okay=False))
@_common
@option("--state", type=click.Choice(FOLLOW_UPS), default="not-vaccinated", show_default=True,
        help=N_("Which people."))  # fmt: skip
@click.pass_context
def list_export(ctx: click.Context, out: Path, db: Path | None, site_id: str | None,
                day: str | None, as_user: str | None, state: str) -> None:  # fmt: skip
    from desk.arrival import FollowUp, write_follow_up
    from domain.roles import Action
    from vaxdesk.cli.data import owner_only_file

    loaded = settings(ctx, {"db": db})
    site = _site(ctx, site_id, loaded)
    with desk_store(loaded.desk.db) as store:
        list_day = _day(day, _today(loaded))
        actor = authorise(store, as_user, Action.EXPORT)
        with owner_only_file(out) as handle:
            count = write_follow_up(store, site, list_day, FollowUp(state), handle)
        store.people.audit(actor, "list.export", f"{count} {state} of {list_day.isoformat()}")
    click.echo(ngettext("{count} person exported", "{count} people exported", count)
               .format(count=format_number(count)), err=True)  # fmt: skip


@subject_list.command("counts", help=N_("How many people of the day's list are in each state."))
@_common
@click.pass_context
def list_counts(ctx: click.Context, db: Path | None, site_id: str | None, day: str | None,
                as_user: str | None) -> None:  # fmt: skip
    from desk.arrival import day_counts
    from domain.subjects import SubjectState

    loaded = settings(ctx, {"db": db})
    site = _site(ctx, site_id, loaded)
    with desk_store(loaded.desk.db) as store:
        counts = day_counts(store, site, _day(day, _today(loaded)))
    for state in SubjectState:
        click.echo(_("{state}: {count}").format(state=state.label,
                                                count=format_number(counts.of(state))))
    click.echo(_("total: {count}").format(count=format_number(counts.total)))
