"""The supervisor's screen served to browsers (textual-serve): one child `vaxdesk supervise`
a browser, its token passed in the child's environment (never its command line, which `ps`
shows), pages that use the address the browser reached (or the public URL given) and load
nothing from the internet (a site has none)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from i18n import _, language
from vaxdesk.settings import env_name

TOKEN_VARIABLE = env_name("supervisor", "token")  # VAXDESK_SUPERVISOR_TOKEN
TEMPLATES = Path(__file__).parent / "templates"


def fingerprint(token: str) -> str:
    """What may be shown of a token: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()[:8]


def child_command(
    hub_url: str, site_id: str, target: int, refresh: float, ca: str = ""
) -> list[str]:
    """The command each browser's screen runs: everything but the token."""
    command = [sys.executable, "-m", "vaxdesk", "supervise", "--hub", hub_url,
               "--site", site_id, "--target", str(target), "--refresh", str(refresh)]  # fmt: skip
    return [*command, "--ca", ca] if ca else command


def child_environment(token: str) -> dict[str, str]:
    """What the children find in their environment besides ours: the token."""
    return {TOKEN_VARIABLE: token}


def banner(where: str, public_url: str, token: str) -> str:
    pages = public_url or _("the address each browser used")
    return _(
        "supervisor screen for browsers: listening on {where}, pages on {pages}; "
        "supervisor token sha256:{fingerprint}"
    ).format(where=where, pages=pages, fingerprint=fingerprint(token))


def page_text() -> dict[str, str]:
    """The words of the page around the screen, in the language of the server."""
    return {
        "start": _("Start"),
        "ended": _("Session ended."),
        "restart": _("Restart"),
    }


def make_server(
    command: list[str], host: str, port: int, public_url: str = "", title: str = ""
) -> Any:
    """A textual-serve server whose page is ours (local font) and whose URLs are the public
    URL when given, else those of the request (scheme and Host the browser used)."""
    import shlex

    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server, to_int

    class SupervisorServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            """Nothing printed: textual-serve's banner shows the command."""

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            base = public_url or f"{request.scheme}://{request.host}"
            router = request.app.router
            static = f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"
            websocket = f"{base}{router['websocket'].url_for()}"
            scheme, rest = websocket.split(":", 1)
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest,
                "config": {"static": {"url": static}},
                "application": {"name": _(title or "vaxdesk supervisor")},  # marked in tui/
                "language": language(),
                "text": page_text(),
            }

    return SupervisorServer(
        shlex.join(command), host=host, port=port, title=title,
        public_url=public_url or None, templates_path=TEMPLATES,
    )  # fmt: skip


def serve(
    command: list[str], token: str, host: str, port: int, public_url: str = "", title: str = ""
) -> None:
    """Serve until Ctrl+C; the children inherit the token from this process's environment."""
    os.environ.update(child_environment(token))
    make_server(command, host, port, public_url, title).serve()
