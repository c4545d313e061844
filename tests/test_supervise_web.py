"""`vaxdesk supervise --web`: the real command serving the real screen on loopback, its pages
free of outside resources and pointing where browsers can reach, the token never on a command
line nor printed whole."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.db import HubDB
from hub.tokens import issue_supervisor_token
from vaxdesk.settings import load_settings
from vaxdesk.testing.hub import SITE, HubServer, free_port
from vaxdesk.web import TOKEN_VARIABLE, child_command, child_environment, fingerprint

URL = re.compile(r"""(?:https?|wss?)://[^\s"'()<>]+""")
PUBLIC = "http://192.0.2.7:8123"  # where the browsers reach the supervisor's laptop
# The server runs in the default language (no VAXDESK_ variable given): its screens too.
SUMMARY = "chỉ tiêu 200".encode()


def test_the_child_gets_its_token_from_its_environment_not_its_command_line() -> None:
    token = "vxd_s3cret-token-value"
    command = child_command("https://hub.example:8443", SITE, 150, 2.0, "/etc/site-ca.pem")
    assert not any(token in part for part in command)
    assert "--token" not in command
    environment = child_environment(token)
    assert environment == {TOKEN_VARIABLE: token} and TOKEN_VARIABLE == "VAXDESK_SUPERVISOR_TOKEN"
    # What the child's settings then read (its own environment, nothing else given).
    assert load_settings(environ=environment, flags={}).supervisor.token == token
    assert fingerprint(token) == "14877d3a"  # sha256's first 8 hex digits


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubServer, str]]:
    from datetime import UTC, datetime

    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    token = issue_supervisor_token(db, SITE, datetime.now(UTC))
    server = HubServer(db).start()
    yield server, token
    server.stop()
    db.close()


def serve(tmp_path: Path, hub_url: str, token: str, *extra: str) -> tuple[subprocess.Popen, int]:
    """`vaxdesk supervise --web 127.0.0.1:PORT` with the token in a file; once it answers."""
    token_file = tmp_path / "supervisor.token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAXDESK_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    process = subprocess.Popen(
        [sys.executable, "-m", "vaxdesk", "supervise", "--web", f"127.0.0.1:{port}",
         "--hub", hub_url, "--site", SITE, "--token-file", str(token_file), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
            return process, port
        except httpx.TransportError:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
    process.kill()
    pytest.fail("the web server did not answer")


def stop(process: subprocess.Popen) -> str:
    """Ctrl+C, as a technician stops it; what it printed."""
    process.send_signal(2)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return out + err


def test_pages_use_the_public_url_and_nothing_from_outside(
    hub: tuple[HubServer, str], tmp_path: Path
) -> None:
    server, token = hub
    process, port = serve(tmp_path, server.url, token, "--public-url", PUBLIC + "/")
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/").text
        urls = URL.findall(page)
        assert "ws://192.0.2.7:8123/ws" in urls and f"{PUBLIC}/static/js/textual.js" in urls
        assert [u for u in urls if not re.match(r"(http|ws)://192\.0\.2\.7:8123/", u)] == []
        assert "0.0.0.0" not in page and "googleapis" not in page
        # The page's own words in the server's language (Vietnamese, the default).
        assert '<html lang="vi">' in page and "Bắt đầu" in page and "Start<" not in page
        # What the page loads from the server is there, and loads nothing further from outside.
        font = httpx.get(f"http://127.0.0.1:{port}/static/fonts/RobotoMono-VariableFont_wght.ttf")
        css = httpx.get(f"http://127.0.0.1:{port}/static/css/xterm.css")
        assert font.status_code == css.status_code == 200
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", css.text)
    finally:
        printed = stop(process)
    assert f"sha256:{fingerprint(token)}" in printed and PUBLIC in printed
    assert token not in printed


def test_without_a_public_url_pages_use_the_address_the_browser_used(
    hub: tuple[HubServer, str], tmp_path: Path
) -> None:
    server, token = hub
    process, port = serve(tmp_path, server.url, token)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "10.1.2.3:8000"}).text
        assert 'data-session-websocket-url="ws://10.1.2.3:8000/ws"' in page
        assert [u for u in URL.findall(page) if "//10.1.2.3:8000/" not in u] == []
    finally:
        printed = stop(process)
    assert token not in printed


async def test_the_screen_runs_with_the_token_out_of_sight(
    hub: tuple[HubServer, str], tmp_path: Path
) -> None:
    """A browser connects: the child reaches the hub with the token from its environment, and
    no process's command line holds the token."""
    import aiohttp

    server, token = hub
    process, port = serve(tmp_path, server.url, token)
    seen = b""
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(
            f"ws://127.0.0.1:{port}/ws?width=120&height=30"
        ) as socket:  # fmt: skip
            deadline = time.monotonic() + 30
            while SUMMARY not in seen and time.monotonic() < deadline:
                try:
                    message = await socket.receive(timeout=1.0)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data
                elif message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data.encode()
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    break
            command_lines = [c for c in Path("/proc").glob("[0-9]*/cmdline") if readable(c)]
            assert [c for c in command_lines if token.encode() in c.read_bytes()] == []
            children = [c.parent for c in command_lines if b"supervise\0--hub" in c.read_bytes()]
            assert any(token.encode() in (p / "environ").read_bytes() for p in children)
            await socket.send_json(["stdin", "\x11"])  # Ctrl+Q
            await asyncio.sleep(0.5)
    finally:
        stop(process)
    assert SUMMARY in seen, seen[-400:]


def readable(path: Path) -> bool:
    try:
        path.read_bytes()
        (path.parent / "environ").read_bytes()
    except OSError:
        return False
    return True


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--token-file", "{tmp}/missing.token"], "cannot read the token file"),
        (["--token-file", "{tmp}/empty.token"], "must hold one token"),
        (["--token-file", "{tmp}/good.token", "--public-url", "ftp://x"], "not an http(s) URL"),
        (["--token-file", "{tmp}/good.token", "--web", "127.0.0.1:http"], "--web takes HOST:PORT"),
    ],
)
def test_bad_web_options_are_one_line(tmp_path: Path, given: list[str], said: str) -> None:
    from click.testing import CliRunner

    from vaxdesk.cli import main

    (tmp_path / "empty.token").write_text("\n")
    (tmp_path / "good.token").write_text("vxd_x\n")
    options = [a.format(tmp=tmp_path) for a in given]
    args = ["--config", str(tmp_path / "none.toml"), "supervise", "--hub", "http://127.0.0.1:9",
            "--site", SITE, "--web", "127.0.0.1:9", *options]  # fmt: skip
    result = CliRunner().invoke(main, args, env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.exit_code == 1 and said in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
