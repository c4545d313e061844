"""`vaxdesk hub`: run the hub; `hub enrol`, `hub supervisor`, `hub revoke`, `hub export`;
`hub results` (vaxdesk.cli.hub_results), `hub site` (vaxdesk.cli.hub_site), `hub user`
(vaxdesk.cli.hub_user), `hub stock` (vaxdesk.cli.hub_stock), `hub rebuild-stats`
(vaxdesk.cli.hub_stats).

The only module of the desk side that knows where the hub's code lives (the server, its
database, its tokens): every import of it is here, inside a function, so listing the
commands never loads Starlette or uvicorn. `vaxdesk.demo_site` borrows these helpers.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from domain.messages import describe
from i18n import N_, _, format_number, ngettext
from vaxdesk.cli.common import desk_option, failure, given, settings, site_option
from vaxdesk.cli.lazy import LazyGroup
from vaxdesk.cli.translated import INTEGER, argument, group, option
from vaxdesk.cli.translated import Path as PathType

if TYPE_CHECKING:
    from datetime import date, datetime

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
    return create_hub(db, site_timezone=server.site_timezone, check_workers=server.check_workers)


def _issue_desk_token(db: HubDB, desk_id: str, site_id: str, now: datetime) -> str:
    """A new desk token: the hub keeps only its hash; the token is returned, to show once."""
    from hub.tokens import issue_desk_token

    return issue_desk_token(db, desk_id, site_id, now)


def _register_site(db: HubDB, form: dict[str, str], now: datetime) -> None:
    """Put a site in the hub's registry (the demo's own site): hub.sites checks it first."""
    from hub.sites import build_site

    db.add_site(build_site(form), now)


def _issue_supervisor_token(db: HubDB, site_id: str, now: datetime) -> str:
    """A new supervisor token for one site: the hub keeps only its hash."""
    from hub.tokens import issue_supervisor_token

    return issue_supervisor_token(db, site_id, now)


@contextmanager
def _hub_db(url: str) -> Iterator[HubDB]:
    try:
        db = _open_hub_db(url)
    except Exception as error:  # OSError, sqlite3/psycopg errors, a schema too new
        raise failure(
            _("cannot open the hub's database {url}").format(url=_safe_url(url)), error
        ) from None
    try:
        yield db
    finally:
        db.close()


@group(
    cls=LazyGroup,
    lazy_subcommands={"results": "vaxdesk.cli.hub_results:results",
                      "rebuild-stats": "vaxdesk.cli.hub_stats:rebuild_stats",
                      "site": "vaxdesk.cli.hub_site:site", "stock": "vaxdesk.cli.hub_stock:stock",
                      "user": "vaxdesk.cli.hub_user:user"},
    invoke_without_command=True,
    help=N_("Run the hub that desks upload to (default: SQLite, loopback, port 8470)."),
)
@option(
    "--db",
    "hub_db",
    metavar="URL",
    help=N_("sqlite:///PATH (default: hub.db in the data dir) or postgresql://…"),
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@option("--port", type=INTEGER, default=8470, show_default=True, help=N_("Port to listen on."))
@option("--tls-cert", type=PathType(exists=True, dir_okay=False), help=N_("Serve HTTPS."))
@option(
    "--tls-key",
    type=PathType(exists=True, dir_okay=False),
    help=N_("The certificate's private key."),
)
@click.pass_context
def hub(ctx: click.Context, hub_db: str | None, host: str, port: int,
        tls_cert: str | None, tls_key: str | None) -> None:  # fmt: skip
    server = settings(ctx, {"hub_server.db": hub_db, "hub_server.host": given(ctx, "host"),
                            "hub_server.port": given(ctx, "port"), "hub_server.tls_cert": tls_cert,
                            "hub_server.tls_key": tls_key}).hub_server  # fmt: skip
    ctx.obj = server.db
    if ctx.invoked_subcommand is None:
        _serve(server)


def _serve(server: HubServerSettings) -> None:
    if bool(server.tls_cert) != bool(server.tls_key):
        raise click.ClickException(_("HTTPS needs both --tls-cert and --tls-key"))
    for name, path in (("tls_cert", server.tls_cert), ("tls_key", server.tls_key)):
        if path and not Path(path).is_file():  # the flags are checked by click; the file not
            raise click.ClickException(
                _("hub_server.{key}: no file at {path}").format(key=name, path=path)
            )
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with _hub_db(server.db) as db:
        scheme = "https" if server.tls_cert else "http"
        click.echo(_("hub on {url} storing in {database}").format(
            url=f"{scheme}://{server.host}:{server.port}/api/v1", database=_safe_url(server.db)
        ))  # fmt: skip
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
        raise click.ClickException(
            _("{field}: {reason}").format(field=error.field, reason=describe(error))
        ) from None


@hub.command(help=N_("Issue a desk's token (shown once; the hub keeps only its hash)."))
@desk_option(N_("Desk code, as in its settings."), required=True)
@site_option(N_("Site code of the desk: a site of the registry (`hub site add`)."),
             required=True)  # fmt: skip
@click.pass_obj
def enrol(hub_db: str, desk_id: str, site_id: str) -> None:
    from datetime import UTC, datetime

    from domain.errors import DeskError

    desk_id, site_id = _code("desk", desk_id), _code("site", site_id).upper()
    with _hub_db(hub_db) as db:
        if db.site(site_id) is None:
            raise click.ClickException(describe(DeskError("site.unknown", site=site_id)))
        token = _issue_desk_token(db, desk_id, site_id, datetime.now(UTC))
    click.echo(
        _("desk {desk} enrolled at site {site}. Its token (shown once):").format(
            desk=desk_id, site=site_id
        ),
        err=True,
    )
    click.echo(token)


@hub.command(
    help=N_("Issue a supervisor token for one site (shown once; the hub keeps only its hash).")
)
@site_option(N_("The site this supervisor watches."), required=True)
@click.pass_obj
def supervisor(hub_db: str, site_id: str) -> None:
    from datetime import UTC, datetime

    site_id = _code("site", site_id).upper()
    with _hub_db(hub_db) as db:
        token = _issue_supervisor_token(db, site_id, datetime.now(UTC))
    click.echo(
        _("supervisor of site {site}. The token (shown once):").format(site=site_id), err=True
    )
    click.echo(token)


@hub.command(help=N_("Revoke a desk's token: the hub refuses it from now on."))
@desk_option(N_("Desk code."), required=True)
@click.pass_obj
def revoke(hub_db: str, desk_id: str) -> None:
    with _hub_db(hub_db) as db:
        found = db.revoke(desk_id)
    if not found:
        raise click.ClickException(_("no desk {desk} at this hub").format(desk=desk_id))
    click.echo(_("desk {desk} revoked").format(desk=desk_id))


def _period_day(text: str, hint: str) -> date:
    from datetime import datetime

    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise click.BadParameter(_("'{text}' is not a date: type DD/MM/YYYY").format(text=text),
                                 param_hint=hint) from None  # fmt: skip


@hub.command("export", help=N_("Export a site's doses in the national platform's import template."))
@site_option(N_("The site whose doses go out."), required=True)
@option("--from", "start", required=True, metavar="DD/MM/YYYY", help=N_("First day given."))
@option("--to", "end", required=True, metavar="DD/MM/YYYY", help=N_("Last day given."))
@option("--format", "fmt", type=click.Choice(["xlsx", "fhir"]), default="xlsx", show_default=True,
        help=N_("xlsx: the national template; fhir: FHIR R4, NDJSON when OUT ends in .ndjson, "
                "a transaction Bundle when it ends in .json."))  # fmt: skip
@option("--only-new", is_flag=True,
        help=N_("Only what has not gone to this destination yet (a correction goes again)."))
@argument("out", type=PathType(dir_okay=False, writable=True))
@click.pass_obj
def export_national(hub_db: str, site_id: str, start: str, end: str, fmt: str, only_new: bool,
                    out: str) -> None:  # fmt: skip
    from hub.national_export import export_site

    site_id = _code("site", site_id).upper()
    first, last = _period_day(start, "--from"), _period_day(end, "--to")
    if last < first:
        raise click.BadParameter(_("the last day is before the first"), param_hint="--to")
    if fmt == "fhir":
        _export_fhir(hub_db, site_id, first, last, Path(out), only_new)
        return
    with _hub_db(hub_db) as db:
        try:
            done = export_site(db, site_id, first, last, Path(out), only_new=only_new)
        except OSError as error:
            raise failure(_("cannot write {path}").format(path=out), error) from None
    written = ngettext(
        "{people} person written to {path}", "{people} people written to {path}", done.people
    )
    click.echo(written.format(people=format_number(done.people), path=out))
    click.echo(_("export {export}: its result file is read back with "
                 "`vaxdesk hub results import`").format(export=done.export_id))  # fmt: skip
    if done.skipped:
        click.echo(
            ngettext(
                "{count} dose other than 1 and 2 left out (the template has no column for it)",
                "{count} doses other than 1 and 2 left out (the template has no column for them)",
                done.skipped,
            ).format(count=format_number(done.skipped)),
            err=True,
        )


def _export_fhir(
    hub_db: str, site_id: str, first: date, last: date, out: Path, only_new: bool
) -> None:
    """`--format fhir`: the form by OUT's suffix (docs/fhir.md)."""
    from hub.fhir_ledger import export_fhir_ledgered

    forms = {".ndjson": False, ".json": True}
    if out.suffix.lower() not in forms:
        suffixes = _("{path}: a FHIR export ends in .ndjson (bulk) or .json (a transaction Bundle)")
        raise click.ClickException(suffixes.format(path=out))
    bundle = forms[out.suffix.lower()]
    timezone = settings(click.get_current_context()).hub_server.site_timezone
    progress = _Progress() if sys.stderr.isatty() else None
    with _hub_db(hub_db) as db:
        try:
            done, export_id = export_fhir_ledgered(
                db, site_id, first, last, out, only_new=only_new, bundle=bundle,
                timezone=timezone, progress=progress)  # fmt: skip
        except OSError as error:
            raise failure(_("cannot write {path}").format(path=out), error) from None
        finally:
            if progress is not None:
                progress.end()
    form = _("a transaction Bundle") if bundle else _("NDJSON")
    click.echo(_("FHIR written to {path} as {form}: Patient {patients}, Immunization "
                 "{immunizations}, Observation {observations}").format(
        path=out, form=form, patients=format_number(done.patients),
        immunizations=format_number(done.immunizations),
        observations=format_number(done.observations)))  # fmt: skip
    click.echo(_("export {export}, kept in the hub's ledger").format(export=export_id))
    if done.refused:
        left_out = ngettext(
            "{count} record left out: its data is not valid FHIR ({ids})",
            "{count} records left out: their data is not valid FHIR ({ids})",
            done.refused,
        )
        ids = ", ".join(done.refused_ids)
        click.echo(left_out.format(count=format_number(done.refused), ids=ids), err=True)


class _Progress:
    """A line on a terminal counting the records read (nothing when stderr is not one)."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, count: int) -> None:
        line = ngettext("{count} record read…", "{count} records read…", count)
        click.echo("\r" + line.format(count=format_number(count)), nl=False, err=True)
        self.shown = True

    def end(self) -> None:
        if self.shown:
            click.echo(err=True)
