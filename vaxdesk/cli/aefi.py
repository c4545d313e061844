"""`vaxdesk aefi report`: the day's adverse events after immunization, as CSV. A supervisor's
act, as `vaxdesk export` is: the report holds whole ID numbers and names (the district's
reporting form needs them), is written owner-only, and is audited."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, TextIO

import click

from domain.messages import describe
from i18n import N_, _, format_date, format_number, ngettext
from vaxdesk.cli.common import as_user_option, authorise, db_option, no_database, settings
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import argument, group, option

# The event's fields, then its dose's (the person and the vaccine): ISO dates, English keys.
DOSE_COLUMNS = ("id_type", "id_number", "full_name", "dob", "sex", "phone", "vaccine", "lot",
                "dose_number", "given_time")  # fmt: skip
REPORT_COLUMNS: tuple[str, ...] = (
    "event_id", "version", "record_id", "desk_id", "site_id", *DOSE_COLUMNS, "given_on",
    "onset_on", "onset_time", "severity", "symptoms", "symptoms_other", "symptom_list",
    "treatment", "outcome", "referral", "vaccinator", "entered_by", "recorded_at",
)  # fmt: skip


@group(help=N_("Adverse events after immunization (AEFI)."))
def aefi() -> None:
    pass


@aefi.command("report", help=N_("Write the day's adverse events (CSV, ISO dates): those that "
                                "began that day or were reported that day. A supervisor's act."))
@db_option(exists=True, help=N_("SQLite file to read. Default: the desk's."))
@option("--day", metavar="DD/MM/YYYY", help=N_("The site's day (default: today)."))
@as_user_option(N_("A supervisor's name (PIN asked, or VAXDESK_PIN)."))
@argument("out", type=PathType(path_type=Path, dir_okay=False, writable=True))
@click.pass_context
def aefi_report(
    ctx: click.Context, db: Path | None, day: str | None, as_user: str | None, out: Path
) -> None:
    from datetime import datetime, time

    from domain.clock import SiteClock, day_bounds
    from domain.dates import parse_date
    from domain.roles import Action
    from store import open_store
    from vaxdesk.cli.data import owner_only_file

    desk = settings(ctx, {"db": db}).desk
    if not desk.db.exists():
        raise no_database(desk.db)
    now = SiteClock(desk.site_timezone)()
    try:
        wanted = parse_date(day, today=now.date(), field="day").to_date() if day else now.date()
    except Exception as error:
        raise click.BadParameter(describe(error), param_hint="--day") from None
    start, end = day_bounds(datetime.combine(wanted, time(), tzinfo=now.tzinfo))
    try:
        with open_store(desk.db) as store:
            actor = authorise(store, as_user, Action.EXPORT)
            with owner_only_file(out) as file:
                count = write_report(store.aefi_rows_of_day(wanted.isoformat(), start, end), file)
            store.people.audit(actor, "export", f"{count} adverse events of {wanted.isoformat()}")
    except click.ClickException:
        raise
    except Exception as error:
        raise click.ClickException(
            _("cannot write the report from {path}: {reason}").format(path=desk.db,
                                                                     reason=describe(error))
        ) from None  # fmt: skip
    click.echo(
        ngettext("{count} adverse event of {day} written to {path}",
                 "{count} adverse events of {day} written to {path}", count)
        .format(count=format_number(count), day=format_date(wanted), path=out),
        err=True,
    )  # fmt: skip


def write_report(rows: Any, out: TextIO) -> int:
    """One row an event (its current version); values a spreadsheet would run are guarded."""
    from store.export import spreadsheet_safe

    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        values = {c: row.get(f"dose_{c}") if c in DOSE_COLUMNS else row.get(c)
                  for c in REPORT_COLUMNS}  # fmt: skip
        writer.writerow({k: spreadsheet_safe("" if v is None else v) for k, v in values.items()})
        count += 1
    return count
