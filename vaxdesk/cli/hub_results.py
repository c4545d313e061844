"""`vaxdesk hub results import FILE`: the national platform's result file read back, each
row's answer kept for the record versions the export put in it; a file with any problem is
refused whole, every problem said on its own line with its row."""

from __future__ import annotations

import click

from i18n import N_, _, format_number
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import argument, group


@group("results", help=N_("The national platform's answers to the exported files."))
def results() -> None:
    pass


@results.command("import", help=N_("Read the platform's result file: each row accepted, or "
                                   "refused with its reason. A file with any problem changes "
                                   "nothing."))  # fmt: skip
@argument("file", type=PathType(exists=True, dir_okay=False))
@click.pass_obj
def import_file(hub_db: str, file: str) -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from domain.messages import render
    from hub.platform_results import ResultFileRefused, import_results
    from vaxdesk.cli.hub import _hub_db

    with _hub_db(hub_db) as db:
        try:
            done = import_results(db, Path(file), datetime.now(UTC))
        except ResultFileRefused as refused:
            lines = [
                _("row {row}: {problem}").format(row=p.row, problem=render(p.code, p.params))
                if p.row else render(p.code, p.params)
                for p in refused.problems
            ]
            raise click.ClickException(
                "\n".join([_("{file}: nothing stored:").format(file=file), *lines])
            ) from None
    click.echo(_("export {export}: {rows} rows read: {accepted} accepted, {refused} refused, "
                 "{unanswered} without an answer").format(
        export=done.export_id, rows=format_number(done.rows),
        accepted=format_number(done.accepted), refused=format_number(done.refused),
        unanswered=format_number(done.unanswered)))  # fmt: skip
    if not done.changed and (done.accepted or done.refused):
        click.echo(_("nothing new: these answers were kept already"))
