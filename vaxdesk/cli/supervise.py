"""`vaxdesk supervise`: the supervisor's screen, in a terminal or served to browsers."""

from __future__ import annotations

from pathlib import Path

import click

from i18n import N_, _
from vaxdesk.cli.common import (
    ca_option,
    demo_folder,
    given,
    hub_url_option,
    settings,
    site_option,
    token_option,
)
from vaxdesk.cli.translated import INTEGER, NUMBER, command, option
from vaxdesk.cli.translated import Path as PathType


@command(help=N_("Live throughput of every desk of a site."))
@hub_url_option(N_("Hub URL. Default: settings, else a running demo."))
@token_option(
    "token",
    N_(
        "Supervisor token (from `vaxdesk hub supervisor`); `ps` shows it: prefer --token-file "
        "or VAXDESK_SUPERVISOR_TOKEN."
    ),
)
@option(
    "--token-file",
    type=PathType(path_type=Path, dir_okay=False),
    help=N_("File holding the supervisor token."),
)
@site_option(N_("Site code."))
@option("--target", type=INTEGER, default=200, show_default=True, help=N_("Doses a day, site."))
@option("--refresh", type=NUMBER, default=2.0, show_default=True, help=N_("Seconds."))
@ca_option()
@option("--web", metavar=N_("HOST:PORT"), help=N_("Serve this screen to browsers (textual-serve)."))
@option(
    "--public-url",
    metavar="URL",
    help=N_(
        "With --web: the address browsers use (http://10.0.0.5:8000). Default: the one each "
        "browser used."
    ),
)
@click.pass_context
def supervise(
    ctx: click.Context, hub_url: str | None, token: str | None, token_file: Path | None,
    site_id: str | None, target: int, refresh: float, hub_ca: str | None, web: str | None,
    public_url: str | None,
) -> None:  # fmt: skip
    import json

    if token_file is not None:
        token = _read_token(token_file)
    flags = {"hub_url": hub_url, "token": token, "site_id": site_id, "ca": hub_ca,
             "target": given(ctx, "target"), "refresh": given(ctx, "refresh")}  # fmt: skip
    loaded = settings(ctx, {f"supervisor.{key}": value for key, value in flags.items()})
    mine = loaded.supervisor
    # An empty supervisor setting falls back to the desk's: one flat file serves both.
    url, site = mine.hub_url or loaded.hub.url, mine.site_id or loaded.desk.site_id
    secret, ca = mine.token, mine.ca or loaded.hub.ca
    demo_file = demo_folder() / "site.json"
    if not (url and secret and site) and demo_file.exists():
        demo = json.loads(demo_file.read_text())
        url, site, secret = (
            url or demo["hub_url"],
            site or demo["site_id"],
            secret or demo["supervisor_token"],
        )
    if not (url and secret and site):
        raise click.ClickException(_("give --hub, --token and --site (or run `vaxdesk demo`)"))
    if web:
        _serve_web(web, public_url or "", url, secret, site, mine.target, mine.refresh, ca)
        return
    from tui.supervise import make_supervisor_app

    make_supervisor_app(
        url, secret, site, target_per_day=mine.target, refresh_seconds=mine.refresh,
        ca_file=ca or None,
    ).run()  # fmt: skip


def _read_token(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(
            _("cannot read the token file {path}: {reason}").format(path=path, reason=error)
        ) from None
    if not token or len(token.split()) != 1:
        raise click.ClickException(_("the token file {path} must hold one token").format(path=path))
    return token


def _serve_web(
    where: str, public_url: str, url: str, token: str, site: str, target: int, refresh: float,
    ca: str,
) -> None:  # fmt: skip
    import os
    from urllib.parse import urlsplit

    from i18n import language
    from vaxdesk import web
    from vaxdesk.settings import LANGUAGE_ENV

    host, _colon, port = where.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise click.ClickException(_("--web takes HOST:PORT, e.g. 0.0.0.0:8000"))
    public_url = public_url.rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise click.ClickException(
                _("--public-url: '{url}' is not an http(s) URL, e.g. http://10.0.0.5:8000").format(
                    url=public_url
                )
            )
    command = web.child_command(url, site, target, refresh, ca)
    os.environ[LANGUAGE_ENV] = language()  # each browser's screen speaks ours (--lang too)
    click.echo(web.banner(f"{host or 'localhost'}:{port}", public_url, token), err=True)
    web.serve(command, token, host or "localhost", int(port), public_url,
              title="vaxdesk supervisor")  # fmt: skip
