"""`vaxdesk audit verify`: the desk's audit trail."""

from __future__ import annotations

from pathlib import Path

import click

from i18n import N_, _, format_number, ngettext
from vaxdesk.cli.common import db_option, desk_store, settings
from vaxdesk.cli.translated import group


@group(help=N_("The desk's audit trail."))
def audit() -> None:
    pass


@audit.command(
    "verify", help=N_("Check every link of the chain; report the first broken one (exit 1).")
)
@db_option(exists=True)
@click.pass_context
def audit_verify(ctx: click.Context, db: Path | None) -> None:
    with desk_store(settings(ctx, {"db": db}).desk.db) as store:
        broken = store.people.verify()
        seq, head = store.people.head()
    if broken is not None:
        raise click.ClickException(
            _("audit trail broken at row {row}: {reason}").format(row=broken[0], reason=broken[1])
        )
    click.echo(
        ngettext("audit trail intact: {count} row, head {head}",
                 "audit trail intact: {count} rows, head {head}", seq)
        .format(count=format_number(seq), head=head[:16])
    )  # fmt: skip
