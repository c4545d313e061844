"""`vaxdesk hub`: run the hub; `hub enrol`, `hub supervisor`, `hub revoke`.

The only module of the desk side that knows where the hub's code lives (the server, its
database, its tokens): every import of it is here, inside a function, so listing the
commands never loads Starlette or uvicorn. `vaxdesk.demo_site` borrows these helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from domain.messages import describe
from vaxdesk.cli.common import desk_option, failure, given, settings, site_option

if TYPE_CHECKING:
    from datetime import datetime

    from hub.db import HubDB
    from vaxdesk.settings import HubServerSettings


def _open_hub_db(url: str) -> HubDB:
    from hub.db import HubDB

    return HubDB(url)


def _hub_app(db: HubDB, server: HubServerSettings | None = None) -> Any:
    """The hub's ASGI app on this database (`server`: its settings, e.g. the site's time
    zone)."""
    from hub.app import create_hub

    if server is None:
        return create_hub(db)
    return create_hub(db, site_timezone=server.site_timezone)


def _issue_desk_token(db: HubDB, desk_id: str, site_id: str, now: datetime) -> str:
    """A new desk token: the hub keeps only its hash; the token is returned, to show once."""
    from hub.tokens import issue_desk_token

    return issue_desk_token(db, desk_id, site_id, now)


def _issue_supervisor_token(db: HubDB, site_id: str, now: datetime) -> str:
    """A new supervisor token for one site: the hub keeps only its hash."""
    from hub.tokens import issue_supervisor_token

    return issue_supervisor_token(db, site_id, now)


@contextmanager
def _hub_db(url: str) -> Iterator[HubDB]:
    try:
        db = _open_hub_db(url)
    except Exception as error:  # OSError, sqlite3/psycopg errors, a schema too new
        raise failure(f"cannot open the hub's database {_safe_url(url)}", error) from None
    try:
        yield db
    finally:
        db.close()


@click.group(invoke_without_command=True)
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
    server = settings(ctx, {"hub_server.db": hub_db, "hub_server.host": given(ctx, "host"),
                            "hub_server.port": given(ctx, "port"), "hub_server.tls_cert": tls_cert,
                            "hub_server.tls_key": tls_key}).hub_server  # fmt: skip
    ctx.obj = server.db
    if ctx.invoked_subcommand is None:
        _serve(server)


def _serve(server: HubServerSettings) -> None:
    if bool(server.tls_cert) != bool(server.tls_key):
        raise click.ClickException("HTTPS needs both --tls-cert and --tls-key")
    for name, path in (("tls_cert", server.tls_cert), ("tls_key", server.tls_key)):
        if path and not Path(path).is_file():  # the flags are checked by click; the file not
            raise click.ClickException(f"hub_server.{name}: no file at {path}")
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with _hub_db(server.db) as db:
        scheme = "https" if server.tls_cert else "http"
        click.echo(f"hub on {scheme}://{server.host}:{server.port}/api/v1 "
                   f"storing in {_safe_url(server.db)}")  # fmt: skip
        uvicorn.run(_hub_app(db, server), host=server.host, port=server.port, access_log=False,
                    log_level="warning", ssl_certfile=server.tls_cert or None,
                    ssl_keyfile=server.tls_key or None)  # fmt: skip


def _safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _code(field: str, text: str) -> str:
    """A site or desk code as the desk's session checks it; else a one-line refusal."""
    from domain.errors import FieldError
    from domain.record import parse_code

    try:
        return parse_code(field, text)
    except FieldError as error:
        raise click.ClickException(f"{error.field}: {describe(error)}") from None


@hub.command()
@desk_option("Desk code, as in its settings.", required=True)
@site_option("Site code of the desk.", required=True)
@click.pass_obj
def enrol(hub_db: str, desk_id: str, site_id: str) -> None:
    """Issue a desk's token (shown once; the hub keeps only its hash)."""
    from datetime import UTC, datetime

    desk_id, site_id = _code("desk", desk_id), _code("site", site_id).upper()
    with _hub_db(hub_db) as db:
        token = _issue_desk_token(db, desk_id, site_id, datetime.now(UTC))
    click.echo(f"desk {desk_id} enrolled at site {site_id}. Its token (shown once):", err=True)
    click.echo(token)


@hub.command()
@site_option("The site this supervisor watches.", required=True)
@click.pass_obj
def supervisor(hub_db: str, site_id: str) -> None:
    """Issue a supervisor token for one site (shown once; the hub keeps only its hash)."""
    from datetime import UTC, datetime

    site_id = _code("site", site_id).upper()
    with _hub_db(hub_db) as db:
        token = _issue_supervisor_token(db, site_id, datetime.now(UTC))
    click.echo(f"supervisor of site {site_id}. The token (shown once):", err=True)
    click.echo(token)


@hub.command()
@desk_option(required=True)
@click.pass_obj
def revoke(hub_db: str, desk_id: str) -> None:
    """Revoke a desk's token: the hub refuses it from now on."""
    with _hub_db(hub_db) as db:
        found = db.revoke(desk_id)
    if not found:
        raise click.ClickException(f"no desk {desk_id} at this hub")
    click.echo(f"desk {desk_id} revoked")
