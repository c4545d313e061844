"""`vaxdesk supervise`: the supervisor's screen, in a terminal or served to browsers."""

from __future__ import annotations

import sys

import click

from vaxdesk.cli.common import (
    ca_option,
    demo_folder,
    given,
    hub_url_option,
    settings,
    site_option,
    token_option,
)


@click.command()
@hub_url_option("Hub URL. Default: settings, else a running demo.")
@token_option("token", "Supervisor token (from `vaxdesk hub supervisor`).")
@site_option("Site code.")
@click.option("--target", type=int, default=200, show_default=True, help="Doses a day, site.")
@click.option("--refresh", type=float, default=2.0, show_default=True, help="Seconds.")
@ca_option()
@click.option("--web", metavar="HOST:PORT", help="Serve this screen to browsers (textual-serve).")
@click.pass_context
def supervise(
    ctx: click.Context, hub_url: str | None, token: str | None, site_id: str | None,
    target: int, refresh: float, hub_ca: str | None, web: str | None,
) -> None:  # fmt: skip
    """Live throughput of every desk of a site."""
    import json

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
        raise click.ClickException("give --hub, --token and --site (or run `vaxdesk demo`)")
    if web:
        _serve_web(web, url, secret, site, mine.target, mine.refresh, ca)
        return
    from tui.supervise import make_supervisor_app

    make_supervisor_app(
        url, secret, site, target_per_day=mine.target, refresh_seconds=mine.refresh,
        ca_file=ca or None,
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
