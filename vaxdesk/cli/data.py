"""The desk's data: `vaxdesk export`, `vaxdesk backup`, `vaxdesk info`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

import click

from domain.messages import describe
from i18n import LANGUAGES, N_, _, format_number, ngettext
from vaxdesk.cli.common import (
    as_user_option,
    authorise,
    config_option,
    db_option,
    desk_store,
    failure,
    no_database,
    settings,
)
from vaxdesk.cli.translated import Path as PathType
from vaxdesk.cli.translated import command, option


def owner_only_file(path: Path) -> TextIO:
    """A file for health data: the owner's alone (0600), an earlier file's mode too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return open(descriptor, "w", encoding="utf-8", newline="")


@command(help=N_("Write every record's current version (columns: see README). A supervisor's act."))
@db_option(exists=True, help=N_("SQLite file to read. Default: the desk's."))
@option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True,
        help=N_("Format of the file."))  # fmt: skip
@option(
    "--output",
    "-o",
    type=PathType(path_type=Path, dir_okay=False, writable=True),
    help=N_("Write here instead of standard output."),
)
@option(
    "--mask",
    "masked",
    is_flag=True,
    help=N_("Write ID numbers and phones masked (last digits only)."),
)
@as_user_option(N_("A supervisor's name (PIN asked, or VAXDESK_PIN)."))
@click.pass_context
def export(
    ctx: click.Context,
    db: Path | None,
    fmt: str,
    output: Path | None,
    masked: bool,
    as_user: str | None,
) -> None:
    from domain.roles import Action

    path = settings(ctx, {"db": db}).desk.db
    if not path.exists():
        raise no_database(path)
    from store import open_store
    from store.export import write_csv

    try:
        with open_store(path) as store:
            actor = authorise(store, as_user, Action.EXPORT)
            if output is None:
                count = write_csv(store, sys.stdout, bom=True, masked=masked)
            else:
                with owner_only_file(output) as out:
                    count = write_csv(store, out, bom=True, masked=masked)
            how = " masked" if masked else ""
            store.people.audit(actor, "export", f"{count} records as {fmt}{how}")
    except click.ClickException:
        raise
    except Exception as error:
        raise click.ClickException(
            _("cannot export {path}: {reason}").format(path=path, reason=describe(error))
        ) from None
    click.echo(
        ngettext("{count} record exported", "{count} records exported", count).format(
            count=format_number(count)
        ),
        err=True,
    )


@command(help=N_("A consistent, owner-only copy of the database (SQLite's backup API)."))
@db_option(exists=True)
@option("--to", "folder", type=PathType(path_type=Path, file_okay=False),
        help=N_("Folder (default: backups/ beside the database)."))  # fmt: skip
@click.pass_context
def backup(ctx: click.Context, db: Path | None, folder: Path | None) -> None:
    from datetime import datetime

    path = settings(ctx, {"db": db}).desk.db
    if not path.exists():
        raise no_database(path)
    target = (folder or path.parent / "backups") / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    with desk_store(path) as store:
        try:
            store.backup(target)
        except Exception as error:  # StoreError, OSError (a folder not writable), ...
            raise failure(_("cannot back up {path}").format(path=path), error) from None
    click.echo(_("backup written to {path}").format(path=target))


@command(help=N_("Where settings and data live, and the state of the database."))
@click.pass_context
def info(ctx: click.Context) -> None:
    from vaxdesk.logs import default_log_file
    from vaxdesk.settings import config_path

    loaded = settings(ctx)
    desk = loaded.desk
    click.echo(_("config file : {path}").format(path=config_path(config_option(ctx))))
    click.echo(_("language    : {name} ({code})").format(name=LANGUAGES[loaded.language],
                                                         code=loaded.language))  # fmt: skip
    click.echo(_("database    : {path}").format(path=desk.db))
    click.echo(_("log file    : {path}").format(path=default_log_file()))
    click.echo(_("site / desk : {site} / {desk}").format(site=desk.site_id or "-",
                                                         desk=desk.desk_id or "-"))  # fmt: skip
    if not desk.db.exists():
        click.echo(_("state       : no database yet (the desk creates it)"))
        return
    from store import open_store
    from store.schema import SCHEMA_VERSION

    try:
        with open_store(desk.db) as store:
            version = store.conn.execute("PRAGMA user_version").fetchone()[0]
            check = store.conn.execute("PRAGMA quick_check").fetchone()[0]
            versions, backlog = store.count_versions(), store.backlog()
            click.echo(_("schema      : {version} (this vaxdesk: {supported})")
                       .format(version=version, supported=SCHEMA_VERSION))  # fmt: skip
            click.echo(_("integrity   : {check}").format(check=check))
            click.echo(ngettext("versions    : {count} record version",
                                "versions    : {count} record versions", versions)
                       .format(count=format_number(versions)))  # fmt: skip
            click.echo(_("backlog     : {count} not yet acknowledged by a hub")
                       .format(count=format_number(backlog)))  # fmt: skip
    except Exception as error:
        raise click.ClickException(
            _("cannot read {path}: {reason}").format(path=desk.db, reason=describe(error))
        ) from None
