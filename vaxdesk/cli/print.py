"""`vaxdesk print`: the citizen's slip again (reprint), or written to a PDF file."""

from __future__ import annotations

import os
from pathlib import Path

import click

from i18n import N_, _
from vaxdesk.cli.common import db_option, desk_store, no_database, settings
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import command, option

PAPERS = ("a6", "80mm", "58mm")


@command("print", help=N_("Print a citizen's slip again: the record saved last (--last) or "
                          "one record (--record), on the printer of the settings ([printer]), "
                          "or to a PDF file (--pdf)."))  # fmt: skip
@db_option(exists=True, help=N_("SQLite file to read. Default: the desk's."))
@option("--last", is_flag=True, help=N_("The record saved or corrected last at this desk."))
@option("--record", "record", metavar=N_("ID"),
        help=N_("A record's id, or the code printed on its slip (VX…)."))  # fmt: skip
@option("--pdf", "pdf", type=PathType(path_type=Path, dir_okay=False, writable=True),
        metavar=N_("FILE"),
        help=N_("Write the slip's PDF here instead of printing it."))  # fmt: skip
@option("--paper", type=click.Choice(PAPERS), help=N_("Paper size (default: [printer] paper)."))
@click.pass_context
def print_slip(
    ctx: click.Context, db: Path | None, last: bool, record: str | None, pdf: Path | None,
    paper: str | None,
) -> None:  # fmt: skip
    from desk.slips import NoSlip, last_slip, print_slip, slip_for
    from domain.print_messages import slip_message
    from domain.slip_code import parse_slip_code
    from printing.send import PrintStatus, describe_outcome

    if last == bool(record):
        raise click.UsageError(_("give --last or --record ID (one of them)"))
    loaded = settings(ctx, {"db": db, "printer.paper": paper})
    path = loaded.desk.db
    if not path.exists():
        raise no_database(path)
    with desk_store(path) as store:
        record_id = parse_slip_code(record) or record.strip() if record else None
        slip = slip_for(store, record_id) if record_id else last_slip(store)
    if isinstance(slip, NoSlip):
        raise click.ClickException(slip_message(slip.reason, **slip.params))
    config = loaded.printer.config()
    if pdf is not None:
        from printing.pdf import slip_pdf
        from printing.send import pdf_paper

        write_owner_only(pdf, slip_pdf(slip, pdf_paper(config.paper)))
        click.echo(slip_message("print.written", path=pdf), err=True)
        return
    outcome = print_slip(slip, config)
    if outcome.status is not PrintStatus.PRINTED:
        hint = _("set [printer] kind in the settings, or give --pdf FILE")
        text = describe_outcome(outcome)
        raise click.ClickException(
            f"{text} ({hint})" if outcome.status is PrintStatus.NO_PRINTER else text
        )
    click.echo(describe_outcome(outcome), err=True)


def write_owner_only(path: Path, data: bytes) -> None:
    """The slip holds a name: the file is its owner's alone (0600)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "wb") as out:
            out.write(data)
    except OSError as error:
        raise click.ClickException(
            _("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
