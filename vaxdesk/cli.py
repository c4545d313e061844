"""The `vaxdesk` command: the desk by default, and headless commands for technicians."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from vaxdesk import __version__
from vaxdesk.settings import Settings, SettingsError, default_hub_db, load_settings


def _settings(ctx: click.Context, **flags: object) -> Settings:
    root = ctx.find_root().params
    try:
        return load_settings(config_file=root.get("config"), flags=flags)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@click.group(invoke_without_command=True)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML). Default: $XDG_CONFIG_HOME/vaxdesk/config.toml.",
)
@click.version_option(__version__)
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """vaxdesk: keyboard-only entry of vaccination records at a site's desk.

    Without a command, opens the desk.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(desk)


CAMERA_HELP = (
    "none, auto (a webcam, else the demo), demo, a device (0, /dev/video2), a folder or a video."
)


def _run_desk(settings: Settings) -> None:
    from vaxdesk.logs import setup_logging

    setup_logging()
    from sync.worker import HubConfig
    from tui.app import make_app

    try:
        app = make_app(
            settings.db,
            site_id=settings.site_id,
            desk_id=settings.desk_id,
            camera=settings.camera,
            camera_size=settings.camera_dimensions(),
            decoder=settings.decoder,
            hub=HubConfig(settings.hub_url, settings.hub_token, settings.hub_ca)
            if settings.hub_url
            else None,
            software_version=__version__,
        )
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # OSError, sqlite3.DatabaseError, a schema too new, ...
        raise click.ClickException(f"cannot open {settings.db}: {error}") from None
    app.run()


@main.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite file.")
@click.option("--site", "site_id", help="Site code, pre-filled in the session screen.")
@click.option("--desk", "desk_id", help="Desk code, pre-filled in the session screen.")
@click.option("--camera", help=CAMERA_HELP)
@click.option("--camera-size", help="Capture size, WIDTHxHEIGHT (default 1280x720).")
@click.option("--decoder", type=click.Choice(["zxing", "zbar"]), help="Barcode decoder.")
@click.pass_context
def desk(ctx: click.Context, **flags: object) -> None:
    """Open the desk: a session, then record after record."""
    _run_desk(_settings(ctx, **flags))


@main.command()
@click.option("--headless", is_flag=True, help="Only the hub and simulated desks, no screen.")
@click.pass_context
def demo(ctx: click.Context, headless: bool) -> None:
    """The whole site on this machine: a hub on loopback, simulated desks (one falls behind,
    one goes offline), and your own desk with a simulated camera. Then, in another terminal:
    `vaxdesk supervise`."""
    from vaxdesk.demo_site import DemoSite

    settings = _settings(ctx, camera="demo")
    folder = demo_folder()
    try:
        site = DemoSite(folder).start()
    except Exception as error:
        raise click.ClickException(f"the demo site could not start: {error}") from None
    click.echo(f"demo hub on {site.url}; in another terminal: vaxdesk supervise", err=True)
    try:
        if headless:
            click.echo("simulated desks running; Ctrl+C stops", err=True)
            import time

            while True:
                time.sleep(1)
        else:
            _run_desk(
                replace(
                    settings,
                    db=folder / "desk-you.db",
                    site_id="DEMO-SITE",
                    desk_id="desk-you",
                    hub_url=site.url,
                    hub_token=site.your_token,
                )
            )
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


def demo_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path("vaxdesk") / "demo"


@main.command()
@click.option("--hub", "hub_url", help="Hub URL. Default: settings, else a running demo.")
@click.option("--token", help="Supervisor token (from `vaxdesk hub supervisor`).")
@click.option("--site", "site_id", help="Site code.")
@click.option("--target", type=int, default=200, show_default=True, help="Doses a day, site.")
@click.option("--refresh", type=float, default=2.0, show_default=True, help="Seconds.")
@click.option("--ca", "hub_ca", help="CA file for a site-made hub certificate.")
@click.option("--web", metavar="HOST:PORT", help="Serve this screen to browsers (textual-serve).")
@click.pass_context
def supervise(
    ctx: click.Context, hub_url: str | None, token: str | None, site_id: str | None,
    target: int, refresh: float, hub_ca: str | None, web: str | None,
) -> None:  # fmt: skip
    """Live throughput of every desk of a site."""
    import json

    settings = _settings(ctx, hub_url=hub_url, site_id=site_id, hub_ca=hub_ca)
    url, site, secret = settings.hub_url, settings.site_id, token or settings.supervisor_token
    demo_file = demo_folder() / "site.json"
    if not (url and secret and site) and demo_file.exists():
        demo = json.loads(demo_file.read_text())
        url, site, secret = (
            url or demo["hub_url"],
            site or demo["site_id"],
            secret or demo["supervisor_token"],
        )
    if not (url and secret and site):
        raise click.ClickException("give --hub, --token and --site (or run `vaxdesk demo`)")
    if web:
        _serve_web(web, url, secret, site, target, refresh, settings.hub_ca)
        return
    from tui.supervise import make_supervisor_app

    make_supervisor_app(
        url, secret, site, target_per_day=target, refresh_seconds=refresh,
        ca_file=settings.hub_ca or None,
    ).run()  # fmt: skip


def _serve_web(
    where: str, url: str, token: str, site: str, target: int, refresh: float, ca: str
) -> None:
    import shlex

    from textual_serve.server import Server

    host, _, port = where.rpartition(":")
    if not port.isdigit():
        raise click.ClickException("--web takes HOST:PORT, e.g. 0.0.0.0:8000")
    command = [sys.executable, "-m", "vaxdesk", "supervise", "--hub", url, "--token", token,
               "--site", site, "--target", str(target), "--refresh", str(refresh)]  # fmt: skip
    if ca:
        command += ["--ca", ca]
    click.echo(f"supervisor screen for browsers on http://{host or 'localhost'}:{port}", err=True)
    Server(shlex.join(command), host=host or "localhost", port=int(port),
           title="vaxdesk supervisor").serve()  # fmt: skip


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.option("--decoder", type=click.Choice(["zxing", "zbar"]), default="zxing")
def decode(files: tuple[Path, ...], as_json: bool, decoder: str) -> None:
    """Decode image files (by content, whatever the extension) as the desk would.

    Exit status 1 when any file held no readable code.
    """
    from vaxdesk.diagnose import decode_files

    if not decode_files(list(files), as_json=as_json, decoder=decoder):
        sys.exit(1)


@main.command("camera-check")
@click.option("--camera", default="auto", show_default=True, help=CAMERA_HELP)
@click.option("--seconds", type=float, default=10, show_default=True, help="How long to watch.")
@click.option(
    "--save", type=click.Path(path_type=Path, dir_okay=False), help="Save one frame here (PNG)."
)
@click.option("--decoder", type=click.Choice(["zxing", "zbar"]), default="zxing")
def camera_check(camera: str, seconds: float, save: Path | None, decoder: str) -> None:
    """List cameras; show frames and decodes per second live; optionally save a frame."""
    from vaxdesk.diagnose import check_camera

    if not check_camera(camera, seconds=seconds, save=save, decoder=decoder):
        sys.exit(1)


@main.command()
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="SQLite file to read. Default: the desk's.",
)
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write here instead of standard output.",
)
@click.option("--as", "as_user", help="A supervisor's name (PIN asked, or VAXDESK_PIN).")
@click.pass_context
def export(
    ctx: click.Context, db: Path | None, fmt: str, output: Path | None, as_user: str | None
) -> None:
    """Write every record's current version (columns: see README). A supervisor's act."""
    from domain.roles import Action

    settings = _settings(ctx, db=db)
    if not settings.db.exists():
        raise click.ClickException(f"no database at {settings.db}")
    from store import open_store
    from store.export import write_csv

    try:
        with open_store(settings.db) as store:
            actor = _authorise(store, as_user, Action.EXPORT)
            if output is None:
                count = write_csv(store, sys.stdout)
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = write_csv(store, out)
            store.people.audit(actor, "export", f"{count} records as {fmt}")
    except click.ClickException:
        raise
    except Exception as error:
        raise click.ClickException(f"cannot export {settings.db}: {error}") from None
    click.echo(f"{count} record(s) exported", err=True)


def _authorise(store: Any, name: str | None, action: Any) -> str:
    """The name of the user allowed to do this, after their PIN; '-' on a desk with no users
    yet (nothing to check against: whoever holds the file holds the data)."""
    from domain.roles import NotAllowed, require
    from store.people import LoginError

    if store.people.count() == 0:
        return "-"
    if not name:
        raise click.ClickException("this desk has users: give --as NAME")
    pin = os.environ.get("VAXDESK_PIN") or click.prompt(f"PIN of {name}", hide_input=True, err=True)
    try:
        user = store.people.login(name, pin)
        require(user.role, action)
    except (LoginError, NotAllowed) as error:
        raise click.ClickException(str(error)) from None
    return str(user.name)


@main.group()
def user() -> None:
    """The desk's users: volunteers, vaccinators, supervisors, technicians."""


@user.command("add")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite file.")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["volunteer", "vaccinator", "supervisor", "technician"]),
              required=True)  # fmt: skip
@click.option("--as", "as_user", help="A supervisor's name; not needed for the first user.")
@click.pass_context
def user_add(
    ctx: click.Context, db: Path | None, name: str, role: str, as_user: str | None
) -> None:
    """Add a user; the first one must be a supervisor. The new PIN is asked twice
    (or VAXDESK_NEW_PIN)."""
    from domain.errors import FieldError
    from domain.messages import describe
    from domain.roles import Action, Role
    from store import open_store

    settings = _settings(ctx, db=db)
    with open_store(settings.db) as store:
        first = store.people.count() == 0
        if first and role != "supervisor":
            raise click.ClickException("the first user must be a supervisor")
        actor = name if first else _authorise(store, as_user, Action.MANAGE_USERS)
        pin = os.environ.get("VAXDESK_NEW_PIN") or click.prompt(
            f"PIN for {name}", hide_input=True, confirmation_prompt=True, err=True
        )
        try:
            added = store.people.add(name, Role(role), pin, by=actor)
        except (ValueError, FieldError) as error:
            message = describe(error)
            raise click.ClickException(message) from None
    click.echo(f"{added.name} added as {added.role.value}")


@user.command("list")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite file.")
@click.pass_context
def user_list(ctx: click.Context, db: Path | None) -> None:
    """The desk's users and their roles."""
    from store import open_store

    with open_store(_settings(ctx, db=db).db) as store:
        for person in store.people.users():
            click.echo(f"{person.name}\t{person.role.value}")


@main.group()
def audit() -> None:
    """The desk's audit trail."""


@audit.command("verify")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_context
def audit_verify(ctx: click.Context, db: Path | None) -> None:
    """Check every link of the chain; report the first broken one (exit 1)."""
    from store import open_store

    with open_store(_settings(ctx, db=db).db) as store:
        broken = store.people.verify()
        seq, head = store.people.head()
    if broken is not None:
        raise click.ClickException(f"audit trail broken at row {broken[0]}: {broken[1]}")
    click.echo(f"audit trail intact: {seq} row(s), head {head[:16]}")


@main.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--to", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Folder (default: backups/ beside the database).")  # fmt: skip
@click.pass_context
def backup(ctx: click.Context, db: Path | None, folder: Path | None) -> None:
    """A consistent, owner-only copy of the database (SQLite's backup API)."""
    from datetime import datetime

    from store import StoreError, open_store

    settings = _settings(ctx, db=db)
    if not settings.db.exists():
        raise click.ClickException(f"no database at {settings.db}")
    target = (folder or settings.db.parent / "backups") / (
        f"{settings.db.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    )
    try:
        with open_store(settings.db) as store:
            store.backup(target)
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {target}")


@main.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="SQLite file.")
@click.option("--hub", "hub_url", help="Hub URL, e.g. https://hub.lan:8470.")
@click.option("--token", "hub_token", help="This desk's token (from `vaxdesk hub enrol`).")
@click.option("--ca", "hub_ca", help="CA file for a site-made hub certificate.")
@click.option("--once", is_flag=True, help="Drain the backlog and exit (status 1 if it could not).")
@click.pass_context
def sync(ctx: click.Context, once: bool, **flags: object) -> None:
    """Upload the outbox to the hub, without a screen (the desk app does this by itself)."""
    import asyncio

    from vaxdesk.logs import setup_logging

    settings = _settings(ctx, **flags)
    if not settings.hub_url or not settings.hub_token:
        raise click.ClickException("no hub: give --hub and --token (or hub_url, hub_token)")
    if not settings.db.exists():
        raise click.ClickException(f"no database at {settings.db}")
    setup_logging()
    from sync.worker import HubClient, SyncState, SyncWorker

    def show(state: SyncState) -> None:
        if state.refused:
            click.echo(f"error: {state.error}", err=True)
        elif state.unreachable_since:
            click.echo(f"hub unreachable since {state.unreachable_since:%H:%M}: {state.error}")
        else:
            click.echo(f"synced; backlog {state.backlog}, conflicts {state.conflicts}")

    async def run() -> bool:
        client = HubClient(settings.hub_url, settings.hub_token, ca_file=settings.hub_ca or None)
        worker = SyncWorker(settings.db, client, software_version=__version__, on_state=show)
        try:
            return await worker.run(once=once)
        finally:
            await client.close()

    try:
        drained = asyncio.run(run())
    except KeyboardInterrupt:
        drained = False
    if once and not drained:
        sys.exit(1)


@main.group(invoke_without_command=True)
@click.option(
    "--db", "hub_db", help="sqlite:///PATH (default: hub.db in the data dir) or postgresql://…"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8470, show_default=True)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="Serve HTTPS.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def hub(ctx: click.Context, hub_db: str | None, host: str, port: int,
        tls_cert: str | None, tls_key: str | None) -> None:  # fmt: skip
    """Run the hub that desks upload to (default: SQLite, loopback, port 8470)."""
    ctx.obj = hub_db or f"sqlite:///{default_hub_db()}"
    if ctx.invoked_subcommand is not None:
        return
    if bool(tls_cert) != bool(tls_key):
        raise click.ClickException("HTTPS needs both --tls-cert and --tls-key")
    import logging

    import uvicorn

    from hub.app import create_hub
    from hub.db import HubDB

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        db = HubDB(ctx.obj)
    except Exception as error:
        raise click.ClickException(f"cannot open the hub's database: {error}") from None
    scheme = "https" if tls_cert else "http"
    click.echo(f"hub on {scheme}://{host}:{port}{'/api/v1'} storing in {_safe_url(ctx.obj)}")
    uvicorn.run(create_hub(db), host=host, port=port, access_log=False, log_level="warning",
                ssl_certfile=tls_cert, ssl_keyfile=tls_key)  # fmt: skip


def _safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


@hub.command()
@click.option("--desk", "desk_id", required=True, help="Desk code, as in its settings.")
@click.option("--site", "site_id", required=True, help="Site code of the desk.")
@click.pass_obj
def enrol(hub_db: str, desk_id: str, site_id: str) -> None:
    """Issue a desk's token (shown once; the hub keeps only its hash)."""
    from datetime import UTC, datetime

    from domain.errors import FieldError
    from domain.messages import describe
    from domain.record import parse_code
    from hub.db import HubDB
    from hub.tokens import new_token, token_hash

    try:
        desk_id, site_id = parse_code("desk", desk_id), parse_code("site", site_id).upper()
    except FieldError as error:
        raise click.ClickException(f"{error.field}: {describe(error)}") from None
    token = new_token()
    db = HubDB(hub_db)
    db.enrol(desk_id, site_id, token_hash(token), datetime.now(UTC))
    db.close()
    click.echo(f"desk {desk_id} enrolled at site {site_id}. Its token (shown once):", err=True)
    click.echo(token)


@hub.command()
@click.option("--site", "site_id", required=True, help="The site this supervisor watches.")
@click.pass_obj
def supervisor(hub_db: str, site_id: str) -> None:
    """Issue a supervisor token for one site (shown once; the hub keeps only its hash)."""
    from datetime import UTC, datetime

    from hub.db import HubDB
    from hub.tokens import new_token, token_hash

    token = new_token()
    db = HubDB(hub_db)
    db.enrol_supervisor(site_id.upper(), token_hash(token), datetime.now(UTC))
    db.close()
    click.echo(f"supervisor of site {site_id.upper()}. The token (shown once):", err=True)
    click.echo(token)


@hub.command()
@click.option("--desk", "desk_id", required=True)
@click.pass_obj
def revoke(hub_db: str, desk_id: str) -> None:
    """Revoke a desk's token: the hub refuses it from now on."""
    from hub.db import HubDB

    db = HubDB(hub_db)
    found = db.revoke(desk_id)
    db.close()
    if not found:
        raise click.ClickException(f"no desk {desk_id} at this hub")
    click.echo(f"desk {desk_id} revoked")


@main.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Where settings and data live, and the state of the database."""
    from vaxdesk.logs import default_log_file
    from vaxdesk.settings import default_config_file

    settings = _settings(ctx)
    root = ctx.find_root().params
    click.echo(f"config file : {root.get('config') or default_config_file()}")
    click.echo(f"database    : {settings.db}")
    click.echo(f"log file    : {default_log_file()}")
    click.echo(f"site / desk : {settings.site_id or '-'} / {settings.desk_id or '-'}")
    if not settings.db.exists():
        click.echo("state       : no database yet (the desk creates it)")
        return
    from store import open_store
    from store.schema import SCHEMA_VERSION

    try:
        with open_store(settings.db) as store:
            version = store.conn.execute("PRAGMA user_version").fetchone()[0]
            check = store.conn.execute("PRAGMA quick_check").fetchone()[0]
            click.echo(f"schema      : {version} (this vaxdesk: {SCHEMA_VERSION})")
            click.echo(f"integrity   : {check}")
            click.echo(f"versions    : {store.count_versions()} record version(s)")
            click.echo(f"backlog     : {store.backlog()} not yet acknowledged by a hub")
    except Exception as error:
        raise click.ClickException(f"cannot read {settings.db}: {error}") from None
