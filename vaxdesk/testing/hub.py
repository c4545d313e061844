"""The hub for tests and benchmarks: served by uvicorn on loopback, a faulty proxy in front of
it, a site-made certificate, and desks enrolled at a test site."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn

from domain.clock import DEFAULT_TIMEZONE
from hub.app import create_hub
from hub.db import HubDB
from hub.tokens import issue_desk_token

SITE = "TV-CN-01"


def enrol(db: HubDB, desk_id: str, site_id: str = SITE) -> str:
    """Enrol a desk at the site now; its token."""
    return issue_desk_token(db, desk_id, site_id, datetime.now(UTC))


class HubServer:
    """The real hub app under uvicorn in a thread; stop and start again on the same port."""

    def __init__(
        self,
        db: HubDB,
        port: int = 0,
        clock: Callable[[], datetime] | None = None,
        tls: tuple[str, str] | None = None,  # certificate and key files: serve HTTPS
        site_timezone: str = DEFAULT_TIMEZONE,
        **hub_options: Any,  # for create_hub: demo, lookups_per_minute
    ) -> None:
        self.db = db
        self.hub_options = hub_options
        self.clock = clock
        self.site_timezone = site_timezone
        self.tls = tls
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> HubServer:
        options = {"site_timezone": self.site_timezone, **self.hub_options}
        app = create_hub(self.db, self.clock, **options) if self.clock else create_hub(
            self.db, **options
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                access_log=False, log_level="warning", lifespan="off",
                                ssl_certfile=self.tls[0] if self.tls else None,
                                ssl_keyfile=self.tls[1] if self.tls else None)  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


FATES = ("pass", "delay", "drop-before", "error-500", "drop-after")


@dataclass
class FaultProxy:
    """An HTTP proxy on loopback that, at random (seeded), passes a request, delays it, drops
    the connection before the hub sees it, answers 500 itself, or drops the connection after
    the hub has processed it (the reply is lost: the desk must not double anything)."""

    target_port: int
    seed: int = 1
    weights: tuple[float, ...] = (0.45, 0.15, 0.15, 0.1, 0.15)
    delay: float = 0.2
    port: int = field(default_factory=free_port)
    fates: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._started.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self._started.set()
        async with server:
            await self._stop.wait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in lines
                           if line.lower().startswith("content-length:")), 0)  # fmt: skip
            body = await reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            writer.close()
            return
        fate = self._rng.choices(FATES, self.weights)[0]
        self.fates.append(fate)
        if fate == "drop-before":
            writer.close()
            return
        if fate == "error-500":
            writer.write(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 2\r\n"
                         b"connection: close\r\n\r\n{}")  # fmt: skip
            await writer.drain()
            writer.close()
            return
        if fate == "delay":
            await asyncio.sleep(self.delay)
        kept = [line for line in lines if line and not line.lower().startswith("connection:")]
        request = ("\r\n".join(kept) + "\r\nconnection: close\r\n\r\n").encode("latin-1") + body
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()  # the hub is down: so is the connection
            return
        up_writer.write(request)
        await up_writer.drain()
        response = await up_reader.read()
        up_writer.close()
        if fate == "drop-after":
            writer.close()  # the hub kept it; the desk never hears
            return
        writer.write(response)
        await writer.drain()
        writer.close()


def site_certificate(folder: Path) -> tuple[str, str, str]:
    """A site-made CA and a certificate for 127.0.0.1 signed by it: (ca, cert, key) files."""
    import subprocess

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=site CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=hub",
        "-keyout",
        "hub.key",
        "-out",
        "hub.csr",
    )
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run(
        "x509",
        "-req",
        "-in",
        "hub.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "hub.pem",
    )
    return str(folder / "ca.pem"), str(folder / "hub.pem"), str(folder / "hub.key")
