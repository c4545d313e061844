"""The supervisor's app: the same TUI in any terminal, or in a browser through textual-serve."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from i18n import N_, _
from sync.supervision import SupervisorClient
from tui.screens.site import SiteScreen


class SupervisorApp(App[None]):
    CSS_PATH = "vaxdesk.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), priority=True)]

    def __init__(self, site: SiteScreen) -> None:
        super().__init__()
        self.site = site
        self.title = _("vaxdesk supervisor")
        self.sub_title = _("site {site}").format(site=site.client.site_id)

    def on_mount(self) -> None:
        self.push_screen(self.site)

    def action_help_quit(self) -> None:
        """Ctrl+C (which quits nothing here): say how to quit, in the screen's language."""
        self.notify(_("Press Ctrl+Q to quit."), title=_("Quit?"))

    async def on_unmount(self) -> None:
        await self.site.client.close()


def make_supervisor_app(
    hub_url: str,
    token: str,
    site_id: str,
    *,
    target_per_day: int = 200,
    refresh_seconds: float = 2.0,
    ca_file: str | None = None,
) -> SupervisorApp:
    client = SupervisorClient(hub_url, token, site_id, ca_file=ca_file)
    return SupervisorApp(
        SiteScreen(client, target_per_day=target_per_day, refresh_seconds=refresh_seconds)
    )
