"""The desk's data: `vaxdesk export`, `vaxdesk backup`, `vaxdesk info`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

import click

from domain.messages import describe
from vaxdesk.cli.common import (
    as_user_option,
    authorise,
    config_option,
    db_option,
    no_database,
    settings,
)


def owner_only_file(path: Path) -> TextIO:
    """A file for health data: the owner's alone (0600), an earlier file's mode too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return open(descriptor, "w", encoding="utf-8", newline="")


@click.command()
@db_option(exists=True, help="SQLite file to read. Default: the desk's.")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write here instead of standard output.",
)
@as_user_option("A supervisor's name (PIN asked, or VAXDESK_PIN).")
@click.pass_context
def export(
    ctx: click.Context, db: Path | None, fmt: str, output: Path | None, as_user: str | None
) -> None:
    """Write every record's current version (columns: see README). A supervisor's act."""
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
                count = write_csv(store, sys.stdout)
            else:
                with owner_only_file(output) as out:
                    count = write_csv(store, out)
            store.people.audit(actor, "export", f"{count} records as {fmt}")
    except click.ClickException:
        raise
    except Exception as error:
        raise click.ClickException(f"cannot export {path}: {describe(error)}") from None
    click.echo(f"{count} record(s) exported", err=True)


@click.command()
@db_option(exists=True, help=None)
@click.option("--to", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Folder (default: backups/ beside the database).")  # fmt: skip
@click.pass_context
def backup(ctx: click.Context, db: Path | None, folder: Path | None) -> None:
    """A consistent, owner-only copy of the database (SQLite's backup API)."""
    from datetime import datetime

    from store import StoreError, open_store

    path = settings(ctx, {"db": db}).desk.db
    if not path.exists():
        raise no_database(path)
    target = (folder or path.parent / "backups") / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    try:
        with open_store(path) as store:
            store.backup(target)
    except StoreError as error:
        raise click.ClickException(describe(error)) from None
    click.echo(f"backup written to {target}")


@click.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Where settings and data live, and the state of the database."""
    from vaxdesk.logs import default_log_file
    from vaxdesk.settings import config_path

    desk = settings(ctx).desk
    click.echo(f"config file : {config_path(config_option(ctx))}")
    click.echo(f"database    : {desk.db}")
    click.echo(f"log file    : {default_log_file()}")
    click.echo(f"site / desk : {desk.site_id or '-'} / {desk.desk_id or '-'}")
    if not desk.db.exists():
        click.echo("state       : no database yet (the desk creates it)")
        return
    from store import open_store
    from store.schema import SCHEMA_VERSION

    try:
        with open_store(desk.db) as store:
            version = store.conn.execute("PRAGMA user_version").fetchone()[0]
            check = store.conn.execute("PRAGMA quick_check").fetchone()[0]
            click.echo(f"schema      : {version} (this vaxdesk: {SCHEMA_VERSION})")
            click.echo(f"integrity   : {check}")
            click.echo(f"versions    : {store.count_versions()} record version(s)")
            click.echo(f"backlog     : {store.backlog()} not yet acknowledged by a hub")
    except Exception as error:
        raise click.ClickException(f"cannot read {desk.db}: {describe(error)}") from None
