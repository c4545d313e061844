"""`vaxdesk sync`: upload the outbox without a screen."""

from __future__ import annotations

import sys

import click

from i18n import N_, _
from vaxdesk import __version__
from vaxdesk.cli.common import (
    ca_option,
    db_option,
    desk_store,
    hub_url_option,
    no_database,
    settings,
    token_option,
)
from vaxdesk.cli.translated import command, option


@command(
    help=N_("Upload the outbox to the hub, without a screen (the desk app does this by itself).")
)
@db_option()
@hub_url_option(N_("Hub URL, e.g. https://hub.lan:8470."))
@token_option("hub_token", N_("This desk's token (from `vaxdesk hub enrol`)."))
@ca_option()
@option("--once", is_flag=True, help=N_("Drain the backlog and exit (status 1 if it could not)."))
@click.pass_context
def sync(ctx: click.Context, once: bool, **flags: object) -> None:
    import asyncio

    from vaxdesk.logs import setup_logging

    loaded = settings(ctx, flags)
    link, db = loaded.hub, loaded.desk.db
    if not link.url or not link.token:
        raise click.ClickException(_("no hub: give --hub and --token (or hub_url, hub_token)"))
    if not db.exists():
        raise no_database(db)
    with desk_store(db):
        pass  # a file that is not a database: one line now, not in the worker's thread
    setup_logging()
    from sync.worker import HubConfig, SyncState
    from vaxdesk.sync_runner import describe, run_sync

    def show(state: SyncState) -> None:
        line, is_error = describe(state)
        click.echo(line, err=is_error)

    hub = HubConfig(link.url, link.token, link.ca)
    try:
        drained = asyncio.run(
            run_sync(db, hub, once=once, software_version=__version__, on_state=show)
        )
    except KeyboardInterrupt:
        drained = False
    if once and not drained:
        sys.exit(1)
