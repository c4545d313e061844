"""The command line on its settings sections: help, the hub server's, the desk's and the
supervisor's sections, and texts from the messages catalogue."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.record import build_record
from store import open_store
from tests.conftest import AN
from vaxdesk.cli import main

COMMANDS = ["aefi", "audit", "backup", "camera-check", "decode", "demo", "desk", "export", "hub",
            "info", "list", "print", "supervise", "sync", "user"]  # fmt: skip
SUBCOMMANDS = [["hub", "enrol"], ["hub", "supervisor"], ["hub", "revoke"], ["user", "add"],
               ["user", "list"], ["audit", "verify"], ["list", "import"], ["list", "export"],
               ["list", "counts"], ["hub", "site", "add"], ["hub", "site", "list"]]  # fmt: skip
HEAVY = ["textual", "textual_serve", "httpx", "uvicorn", "starlette", "psycopg", "cv2", "numpy",
         "zxingcpp", "pyzbar", "tui", "sync", "store", "scanner"]  # fmt: skip


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No VAXDESK_ variable of the machine (but the tests' language); its data, state and
    config dirs in tmp_path; the log handlers a command adds, removed after."""
    import logging
    import os

    for name in [n for n in os.environ if n.startswith("VAXDESK_") and n != "VAXDESK_LANG"]:
        monkeypatch.delenv(name)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    log = logging.getLogger("vaxdesk")
    handlers = list(log.handlers)
    yield tmp_path
    for handler in [h for h in log.handlers if h not in handlers]:
        log.removeHandler(handler)
        handler.close()


def test_info_names_the_settings_file_in_use(clean_env: Path) -> None:
    config = clean_env / "named.toml"
    config.write_text('[desk]\nsite_id = "QN-01"\n')
    result = CliRunner().invoke(main, ["info"], env={"VAXDESK_CONFIG": str(config)})
    assert result.exit_code == 0 and f"config file : {config}" in result.output
    assert "site / desk : QN-01 / " in result.output


def test_help_lists_every_command() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0
    lines = listed.output.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in lines] == COMMANDS
    for args in [[name] for name in COMMANDS] + SUBCOMMANDS:
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, args
    assert "[default: 8470]" in runner.invoke(main, ["hub", "--help"]).output
    assert "[default: 200]" in runner.invoke(main, ["supervise", "--help"]).output


def test_help_loads_no_heavy_module() -> None:
    code = (
        "import sys\nfrom vaxdesk.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))"
    )
    shown = subprocess.run([sys.executable, "-c", code, *HEAVY], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "[]"
    module = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "--help"], capture_output=True, text=True
    )
    assert module.returncode == 0 and all(name in module.stdout for name in COMMANDS)


def test_hub_commands_use_the_hub_server_section(
    clean_env: Path, db_path: Path, clock, live
) -> None:
    from vaxdesk.cli.hub import _open_hub_db
    from vaxdesk.testing.hub import HubServer

    hub_file = clean_env / "site-hub.db"
    config = clean_env / "config.toml"
    config.write_text(f'[desk]\ndb = "{db_path}"\n[hub_server]\ndb = "sqlite:///{hub_file}"\n')
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
    runner = CliRunner()
    site = ["--site", "tv-cn-01", "--facility", "86123", "--name", "Trạm Y tế xã Cầu Ngang",
            "--province", "86", "--ward", "29416", "--tables", "4", "--in-charge", "Lê Thị Hoa",
            "--phone", "0912345678"]  # fmt: skip
    registered = runner.invoke(main, ["--config", str(config), "hub", "site", "add", *site])
    assert registered.exit_code == 0, registered.output
    enrolled = runner.invoke(
        main, ["--config", str(config), "hub", "enrol", "--desk", "desk-1", "--site", "tv-cn-01"]
    )
    assert enrolled.exit_code == 0, enrolled.output
    assert "desk desk-1 enrolled at site TV-CN-01" in enrolled.output
    token = enrolled.stdout.strip()
    assert token.startswith("vxd_") and hub_file.exists()
    supervisor = runner.invoke(main, ["--config", str(config), "hub", "supervisor", "--site", "x"])
    assert supervisor.exit_code == 0 and supervisor.stdout.strip().startswith("vxd_")
    db = _open_hub_db(f"sqlite:///{hub_file}")
    server = HubServer(db).start()
    try:
        sync = ["--config", str(config), "sync", "--once", "--hub", server.url, "--token", token]
        synced = runner.invoke(main, sync)
        assert synced.exit_code == 0, synced.output
        assert "synced; backlog 0, conflicts 0" in synced.output
        revoked = runner.invoke(
            main, ["--config", str(config), "hub", "revoke", "--desk", "desk-1"]
        )
        assert revoked.exit_code == 0 and "desk desk-1 revoked" in revoked.output
        refused = runner.invoke(main, sync)
        assert refused.exit_code == 1 and "error:" in refused.output
    finally:
        server.stop()
        db.close()
    unknown = runner.invoke(main, ["--config", str(config), "hub", "revoke", "--desk", "nobody"])
    assert unknown.exit_code == 1 and "no desk nobody at this hub" in unknown.output
    # A flag still wins over the file, and the environment too.
    other = clean_env / "other-hub.db"
    flagged = runner.invoke(
        main,
        ["--config", str(config), "hub", "--db", f"sqlite:///{other}", "supervisor", "--site", "x"],
    )
    assert flagged.exit_code == 0 and other.exists()
    third = clean_env / "third-hub.db"
    from_env = runner.invoke(
        main,
        ["--config", str(config), "hub", "supervisor", "--site", "x"],
        env={"VAXDESK_HUB_SERVER_DB": f"sqlite:///{third}"},
    )
    assert from_env.exit_code == 0 and third.exists()


def test_a_hub_database_that_cannot_open_is_one_line(clean_env: Path) -> None:
    junk = clean_env / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(
        main, ["hub", "--db", f"sqlite:///{junk}", "enrol", "--desk", "d-1", "--site", "S"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot open the hub's database")
    assert len(result.output.strip().splitlines()) == 1


def test_the_hub_serves_from_its_section(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    cert, key = clean_env / "hub.crt", clean_env / "hub.key"
    cert.write_text("cert")
    key.write_text("key")
    config = clean_env / "config.toml"
    config.write_text(
        f'[hub_server]\ndb = "sqlite:///{clean_env / "h.db"}"\nhost = "0.0.0.0"\n'
        f'port = 9443\ntls_cert = "{cert}"\ntls_key = "{key}"\n'
    )
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "hub"])
    assert result.exit_code == 0, result.output
    assert f"hub on https://0.0.0.0:9443/api/v1 storing in sqlite:///{clean_env / 'h.db'}" in (
        result.output
    )
    assert served["host"] == "0.0.0.0" and served["port"] == 9443
    assert (served["ssl_certfile"], served["ssl_keyfile"]) == (str(cert), str(key))
    flagged = runner.invoke(
        main,
        ["--config", str(config), "hub", "--port", "9500"],
        env={"VAXDESK_HUB_SERVER_HOST": "10.0.0.2"},
    )
    assert flagged.exit_code == 0 and (served["host"], served["port"]) == ("10.0.0.2", 9500)
    key.unlink()
    missing = runner.invoke(main, ["--config", str(config), "hub"])
    assert missing.exit_code == 1 and "hub_server.tls_key: no file at" in missing.output
    half = runner.invoke(main, ["hub", "--tls-cert", str(cert)])
    assert half.exit_code == 1 and "HTTPS needs both --tls-cert and --tls-key" in half.output


def test_the_desk_opens_on_its_sections(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.app
    from sync.worker import HubConfig

    opened: dict[str, object] = {}

    class App:
        def run(self) -> None:
            opened["ran"] = True

    def make_app(db: Path, **options: object) -> App:
        opened.update(options, db=db)
        return App()

    monkeypatch.setattr(tui.app, "make_app", make_app)
    config = clean_env / "config.toml"
    config.write_text(
        '[desk]\ndb = "/tmp/x/desk.db"\nsite_id = "QN-01"\ncamera = "none"\n'
        '[hub]\nurl = "https://hub.lan"\ntoken = "vxd_t"\nca = "ca.pem"\n'
    )
    result = CliRunner().invoke(main, ["--config", str(config), "desk", "--desk", "d-9"])
    assert result.exit_code == 0, result.output
    assert opened["db"] == Path("/tmp/x/desk.db") and opened["site_id"] == "QN-01"
    assert opened["desk_id"] == "d-9" and opened["camera"] == "none" and opened["ran"]
    assert opened["hub"] == HubConfig("https://hub.lan", "vxd_t", "ca.pem")
    opened.clear()
    default = CliRunner().invoke(main, ["--config", str(config)])  # no command: the desk
    assert default.exit_code == 0 and opened["site_id"] == "QN-01" and opened["ran"]


def test_supervise_reads_its_section_and_falls_back_to_the_desks(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.supervise

    shown: list[tuple[object, ...]] = []

    class App:
        def run(self) -> None:
            pass

    def make(url: str, token: str, site: str, **options: object) -> App:
        shown.append((url, token, site, options))
        return App()

    monkeypatch.setattr(tui.supervise, "make_supervisor_app", make)
    config = clean_env / "config.toml"
    config.write_text(
        '[supervisor]\nhub_url = "https://hub"\ntoken = "vxd_s"\nsite_id = "S-1"\n'
        "target = 300\nrefresh = 4\n"
    )
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "supervise"]).exit_code == 0
    assert shown[-1] == (
        "https://hub",
        "vxd_s",
        "S-1",
        {"target_per_day": 300, "refresh_seconds": 4.0, "ca_file": None},
    )
    flagged = runner.invoke(
        main, ["--config", str(config), "supervise", "--target", "50", "--site", "S-2"]
    )
    assert flagged.exit_code == 0 and shown[-1][2] == "S-2"
    assert shown[-1][3]["target_per_day"] == 50  # type: ignore[index]
    # The old flat file: the desk's hub and site, and its supervisor_token.
    config.write_text(
        'hub_url = "https://old"\nhub_ca = "ca.pem"\nsite_id = "S-3"\n'
        'supervisor_token = "vxd_old"\n'
    )
    assert runner.invoke(main, ["--config", str(config), "supervise"]).exit_code == 0
    assert shown[-1] == (
        "https://old",
        "vxd_old",
        "S-3",
        {"target_per_day": 200, "refresh_seconds": 2.0, "ca_file": "ca.pem"},
    )
    config.write_text("")
    nothing = runner.invoke(main, ["--config", str(config), "supervise"])
    assert nothing.exit_code == 1
    assert "give --hub, --token and --site (or run `vaxdesk demo`)" in nothing.output


def test_sync_state_lines_come_from_the_messages_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    from domain import messages
    from sync.worker import SyncState
    from vaxdesk.sync_runner import describe

    assert describe(SyncState(backlog=2, conflicts=1)) == ("synced; backlog 2, conflicts 1", False)
    since = datetime(2026, 12, 1, 9, 5)
    assert describe(SyncState(unreachable_since=since, error="ConnectError")) == (
        "hub unreachable since 09:05: ConnectError",
        False,
    )
    refused = describe(SyncState(refused=True, error="hub refused (401): unknown token"))
    assert refused == ("error: hub refused this desk: hub refused (401): unknown token", True)
    # Words are the catalogue's: a translation there shows here.
    monkeypatch.setitem(messages.MESSAGES, "sync.synced", "đã đồng bộ; còn {backlog}")
    assert describe(SyncState(backlog=3))[0] == "đã đồng bộ; còn 3"
