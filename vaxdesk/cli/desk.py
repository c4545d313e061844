"""`vaxdesk desk` (the default command) and `vaxdesk demo`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from domain.messages import describe
from i18n import N_, _
from vaxdesk import __version__
from vaxdesk.cli.common import (
    camera_option,
    db_option,
    decoder_option,
    demo_folder,
    desk_option,
    settings,
    site_option,
)
from vaxdesk.cli.translated import command, option

if TYPE_CHECKING:
    from vaxdesk.settings import Settings


def run_desk(settings: Settings, *, demo: bool = False) -> None:
    """Open the desk app on these settings: the one place settings become the app's options.
    `demo`: the demo's own desk (its camera of generated citizens, its records marked)."""
    from vaxdesk.logs import setup_logging
    from vaxdesk.settings import SettingsError

    if settings.desk.camera == "demo" and not demo:
        raise click.ClickException(
            _(
                "camera 'demo' shows generated citizens, who would be saved as real people: "
                "it runs only in `vaxdesk demo` (here: a webcam, auto or none)"
            )
        )
    setup_logging()
    from sync.worker import HubConfig
    from tui.app import make_app

    desk, link = settings.desk, settings.hub
    try:
        app = make_app(
            desk.db,
            site_id=desk.site_id,
            desk_id=desk.desk_id,
            camera=desk.camera,
            camera_size=desk.camera_dimensions(),
            decoder=desk.decoder,
            linear_every=desk.camera_linear_every,
            site_timezone=desk.site_timezone,
            hub=HubConfig(link.url, link.token, link.ca) if link.url else None,
            software_version=__version__,
            demo=demo,
            printer=settings.printer.config(),
            auto_print=desk.print_slip == "auto",
        )
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # OSError, sqlite3.DatabaseError, a schema too new, ...
        raise click.ClickException(
            _("cannot open {path}: {reason}").format(path=desk.db, reason=describe(error))
        ) from None
    app.run()


@command(help=N_("Open the desk: a session, then record after record."))
@db_option()
@site_option(N_("Site code, pre-filled in the session screen."))
@desk_option(N_("Desk code, pre-filled in the session screen."))
@camera_option()
@option(
    "--camera-size",
    metavar=N_("WIDTHxHEIGHT"),
    help=N_("Capture size, WIDTHxHEIGHT (default 1280x720)."),
)
@decoder_option()
@click.pass_context
def desk(ctx: click.Context, **flags: object) -> None:
    run_desk(settings(ctx, flags))


@command(
    help=N_(
        "The whole site on this machine: a hub on loopback, simulated desks (one falls behind, "
        "one goes offline), and your own desk with a simulated camera. Then, in another "
        "terminal: `vaxdesk supervise`."
    )
)
@option("--headless", is_flag=True, help=N_("Only the hub and simulated desks, no screen."))
@click.pass_context
def demo(ctx: click.Context, headless: bool) -> None:
    from vaxdesk.demo_site import SITE, DemoSite

    own = settings(ctx, {"camera": "demo"})
    folder = demo_folder()
    try:
        site = DemoSite(folder).start()
    except Exception as error:
        raise click.ClickException(
            _("the demo site could not start: {reason}").format(reason=describe(error))
        ) from None
    click.echo(
        _("demo hub on {url}; in another terminal: vaxdesk supervise").format(url=site.url),
        err=True,
    )
    try:
        if headless:
            click.echo(_("simulated desks running; Ctrl+C stops"), err=True)
            import time

            while True:
                time.sleep(1)
        else:
            run_desk(_your_desk(own, folder, site.url, site.your_token, SITE), demo=True)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


def _your_desk(own: Settings, folder: Path, url: str, token: str, site_id: str) -> Settings:
    from dataclasses import replace

    return replace(
        own,
        desk=replace(own.desk, db=folder / "desk-you.db", site_id=site_id, desk_id="desk-you"),
        hub=replace(own.hub, url=url, token=token),
    )
