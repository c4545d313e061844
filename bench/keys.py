"""What the volunteer feels: key -> painted latency of the real desk in a pseudo-terminal,
its cold start against a bare Textual form started the same way, and its memory.

    python bench/keys.py [--keys 200] [--starts 5] [--scenarios idle,camera,sync]
                         [--size 120x36] [--backlog 20000]

The desk is `vaxdesk` itself (the console script of this checkout's environment) on a file
made here with users and last session's values, in a pty of the given size: the login is
typed (name, PIN), Ctrl+S opens the session, then the keys go to the entry screen: digits
typed into a field and taken back with Backspace, one at a time, 40-120 ms apart after the
screen went quiet, as a fast typist does. Key -> painted is the time from writing the key to
the pty to the last byte of the desk's answer before the output stays quiet for 30 ms (a
frame is one write; the cursor's blink restarts on every key, so it is never in the
window). A key that painted nothing in 1 s is counted, not timed.

Scenarios: `idle` (no camera, no hub); `camera` (a folder of the demo's frames, 12 citizens'
codes and empty frames, decoded at 10 frames a second; its codes fill the form or wait in
the queue as they would); `sync` (a hub on loopback in its own process, the desk with a
backlog of `--backlog` records, uploading while the keys are typed).

Cold start: from fork to the first screen painted and quiet (200 ms), the desk's login
screen and a bare form of 10 labelled inputs, runs alternating, medians and their ratio.
RSS (VmRSS) of the desk at the end of each scenario.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import signal
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

QUIET = 0.030  # seconds without output: the key's paint is over
NO_PAINT = 1.0

BARE_FORM = """
from textual.app import App
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label

class Bare(App):
    CSS = "Horizontal { height: 1; } Label { width: 14; } Input { width: 24; }"
    def compose(self):
        yield Header()
        with VerticalScroll():
            for n in range(10):
                with Horizontal():
                    yield Label(f"Field {n}")
                    yield Input(compact=True, placeholder=f"value {n}")
        yield Footer()

Bare().run()
"""


class Terminal:
    """A program in a pty; a thread reads everything it writes, with the time of each read."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its terminal
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.chunks: list[tuple[float, bytes]] = []
        self._new = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self._new:
                self.chunks.append((time.perf_counter(), data))
                self._new.notify_all()

    def text(self, since: int = 0) -> str:
        return b"".join(c for _t, c in self.chunks[since:]).decode("utf-8", "replace")

    def send(self, data: bytes) -> float:
        at = time.perf_counter()
        os.write(self.fd, data)
        return at

    def quiet_after(self, since: float, quiet: float, limit: float) -> float | None:
        """The time of the last output after `since`, once nothing came for `quiet` seconds;
        None when nothing came within `limit`."""
        deadline = since + limit
        with self._new:
            while True:
                later = [t for t, _c in self.chunks[-64:] if t >= since]
                now = time.perf_counter()
                if later and now - later[-1] >= quiet:
                    return later[-1]
                if not later and now >= deadline:
                    return None
                wait = quiet - (now - later[-1]) if later else deadline - now
                self._new.wait(max(wait, 0.001))

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > deadline:
                tail = self.text()[-400:]
                raise SystemExit(f"{text!r} never appeared; the screen ended with {tail!r}")
            time.sleep(0.02)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            for _ in range(50):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                time.sleep(0.05)
            else:
                continue
            break
        os.close(self.fd)


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def desk_file(folder: Path, backlog: int) -> Path:
    """A desk file with the test users and a session opened before (its values pre-filled)."""
    from bench.sync import make_desk
    from domain.record import build_session
    from store import open_store
    from vaxdesk.testing.desk import TEST_USER, add_test_users
    from vaxdesk.testing.hub import SITE

    db = folder / "desk.db"
    make_desk(db, backlog)
    form = {"site_id": SITE, "desk_id": "desk-1", "entered_by": TEST_USER,
            "vaccinator": TEST_USER, "vaccine": "AZ", "lot": "NX1234"}  # fmt: skip
    with open_store(db) as store:
        add_test_users(store)
        store.open_session(build_session(form, today=datetime.now().date()))
    return db


def camera_folder(folder: Path, frames: int = 3000) -> Path:
    """The demo's frames, again and again: a folder source plays each once, at 10 a second."""
    from scanner.sources import demo_frames

    images = sorted(demo_frames(folder / "demo").glob("*.png"))
    loop = folder / "camera"
    loop.mkdir()
    for n in range(frames):
        (loop / f"{n:05d}.png").symlink_to(images[n % len(images)])
    return loop


def desk_env(folder: Path, db: Path, **settings: str) -> dict[str, str]:
    # As installed at a desk: bytecode cached (PYTHONDONTWRITEBYTECODE would compile every
    # module of the checkout at every start), no settings but these.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VAXDESK_", "TEXTUAL", "PYTHONDONTWRITEBYTECODE"))}  # fmt: skip
    env.update(TERM="xterm-256color", COLORTERM="truecolor", HOME=str(folder),
               XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"),
               XDG_CACHE_HOME=str(folder / "cache"), XDG_STATE_HOME=str(folder / "state"),
               VAXDESK_DB=str(db), VAXDESK_SITE_ID="TV-CN-01", VAXDESK_DESK_ID="desk-1",
               VAXDESK_CAMERA="none")  # fmt: skip
    env.update({f"VAXDESK_{k.upper()}": v for k, v in settings.items()})
    return env


def vaxdesk_argv() -> list[str]:
    script = Path(sys.executable).parent / "vaxdesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "vaxdesk"]


def open_entry(term: Terminal) -> None:
    """Log in (typed), open the session as offered (Ctrl+S): the entry screen, quiet."""
    from i18n import _
    from vaxdesk.testing.desk import TEST_PIN, TEST_USER

    term.wait_for(_("PIN"))
    term.quiet_after(time.perf_counter(), 0.2, 5)
    for text in (TEST_USER, "\r", TEST_PIN, "\r"):
        term.send(text.encode())
        term.quiet_after(time.perf_counter(), 0.15, 5)
    term.send(b"\x13")  # Ctrl+S: the session as pre-filled
    term.wait_for(_("Screening"))
    term.quiet_after(time.perf_counter(), 0.5, 5)


def type_keys(term: Terminal, count: int, rng: random.Random) -> tuple[list[float], int]:
    """Digits typed and taken back one by one; ms from each key to its paint."""
    latencies: list[float] = []
    unpainted = 0
    typed = 0
    for n in range(count):
        if typed < 9 and (typed == 0 or rng.random() < 0.6):
            key, typed = str(n % 10).encode(), typed + 1
        else:
            key, typed = b"\x7f", typed - 1
        sent = term.send(key)
        painted = term.quiet_after(sent, QUIET, NO_PAINT)
        if painted is None:
            unpainted += 1
        else:
            latencies.append((painted - sent) * 1000)
        time.sleep(rng.uniform(0.04, 0.12))
    return latencies, unpainted


def scenario(name: str, folder: Path, args: argparse.Namespace) -> None:
    hub = None
    db = desk_file(folder, args.backlog if name == "sync" else 0)
    settings: dict[str, str] = {}
    if name == "camera":
        settings["camera"] = str(camera_folder(folder))
    if name == "sync":
        from bench.sync import HubProcess
        from hub.db import HubDB
        from vaxdesk.testing.hub import enrol

        hub_url = f"sqlite:///{folder / 'hub.db'}"
        hub_db = HubDB(hub_url)
        token = enrol(hub_db, "desk-1")
        hub_db.close()
        hub = HubProcess(HERE, hub_url)
        settings.update(hub_url=hub.url, hub_token=token)
    term = Terminal(vaxdesk_argv(), desk_env(folder, db, **settings), args.size)
    try:
        open_entry(term)
        backlog_before = pending(db) if hub else 0
        latencies, unpainted = type_keys(term, args.keys, random.Random(7))
        rss = term.rss_mb()
        backlog_after = pending(db) if hub else 0
    finally:
        term.close()
        if hub is not None:
            hub.stop()
    print(f"\n{name}: {len(latencies)} keys painted, {unpainted} without a paint in {NO_PAINT} s")
    print(f"  key -> painted ms : p50 {pct(latencies, 50):6.1f}   p95 {pct(latencies, 95):6.1f}"
          f"   p99 {pct(latencies, 99):6.1f}   max {max(latencies):6.1f}")  # fmt: skip
    print(f"  RSS at the end    : {rss:6.1f} MB")
    if hub is not None:
        print(f"  backlog           : {backlog_before} before the keys, {backlog_after} after")


def pending(db: Path) -> int:
    from store import open_store

    with open_store(db) as store:
        return store.backlog()


def cold_start(argv: list[str], env: dict[str, str], marker: str, size: tuple[int, int]) -> float:
    term = Terminal(argv, env, size)
    try:
        term.wait_for(marker)
        painted = term.quiet_after(term.chunks[0][0], 0.2, 30)
        assert painted is not None
        return painted - term.started
    finally:
        term.close()


def cold_starts(folder: Path, args: argparse.Namespace) -> None:
    from i18n import _

    db = desk_file(folder, 0)
    env = desk_env(folder, db)
    bare = folder / "bare_form.py"
    bare.write_text(BARE_FORM)
    desk_s: list[float] = []
    bare_s: list[float] = []
    cold_start(vaxdesk_argv(), env, _("PIN"), args.size)  # bytecode written, files cached
    cold_start([sys.executable, str(bare)], env, "Field 9", args.size)
    for _run in range(args.starts):
        bare_s.append(cold_start([sys.executable, str(bare)], env, "Field 9", args.size))
        desk_s.append(cold_start(vaxdesk_argv(), env, _("PIN"), args.size))
    desk_m, bare_m = statistics.median(desk_s), statistics.median(bare_s)
    print(f"\ncold start to a quiet first screen, {args.starts} runs each, alternating")
    print(
        f"  desk (login screen): median {desk_m:.3f} s  ({', '.join(f'{s:.2f}' for s in desk_s)})"
    )
    print(
        f"  bare 10-field form : median {bare_m:.3f} s  ({', '.join(f'{s:.2f}' for s in bare_s)})"
    )
    print(f"  ratio              : {desk_m / bare_m:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--scenarios", default="idle,camera,sync")
    parser.add_argument("--size", default="120x36")
    parser.add_argument("--backlog", type=int, default=20000)
    args = parser.parse_args()
    width, _x, height = args.size.partition("x")
    args.size = (int(width), int(height))
    for name in [s for s in args.scenarios.split(",") if s]:
        with tempfile.TemporaryDirectory() as tmp:
            scenario(name, Path(tmp), args)
    if args.starts:
        with tempfile.TemporaryDirectory() as tmp:
            cold_starts(Path(tmp), args)


if __name__ == "__main__":
    main()
