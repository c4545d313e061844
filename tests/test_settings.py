from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vaxdesk.settings import (
    ENV_NAMES,
    DeskSettings,
    HubLink,
    HubServerSettings,
    Settings,
    SettingsError,
    SupervisorSettings,
    load_settings,
)

SECTIONED = """\
[desk]
db = "~/desk.db"
site_id = "QN-01"
desk_id = "desk-7"
camera = "none"
camera_size = "640x480"
decoder = "zbar"
site_timezone = "Asia/Bangkok"

[hub]
url = "https://hub.lan:8470"
token = "vxd_desk"
ca = "/etc/vaxdesk/ca.pem"

[hub_server]
db = "postgresql://hub@db/hub"
host = "0.0.0.0"
port = 9000
tls_cert = "/etc/vaxdesk/hub.crt"
tls_key = "/etc/vaxdesk/hub.key"

[supervisor]
hub_url = "https://other.lan:8470"
token = "vxd_supervisor"
site_id = "QN-02"
target = 350
refresh = 5
ca = "/etc/vaxdesk/other-ca.pem"
"""


def write(tmp_path: Path, content: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(content, encoding="utf-8")
    return config


def test_settings_layers(tmp_path: Path) -> None:
    """The old flat file of desks in the field, under the environment and the flags."""
    config = write(tmp_path, 'db = "~/desk.db"\nsite_id = "QN-01"\ndesk_id = "from-file"\n')
    env = {"VAXDESK_DESK_ID": "from-env"}
    settings = load_settings(config_file=config, environ=env, flags={"site_id": None})
    assert settings == Settings(
        desk=DeskSettings(db=Path("~/desk.db").expanduser(), site_id="QN-01", desk_id="from-env")
    )
    flagged = load_settings(config_file=config, environ=env, flags={"desk_id": "from-flag"})
    assert flagged.desk.desk_id == "from-flag"
    # The config file can also be named in the environment.
    assert load_settings(environ={"VAXDESK_CONFIG": str(config)}).desk.site_id == "QN-01"


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(config_file=tmp_path / "none.toml", environ={})
    assert settings == Settings()
    assert settings.desk.site_timezone == settings.hub_server.site_timezone == "Asia/Ho_Chi_Minh"
    assert settings.desk.camera == "auto" and settings.desk.camera_dimensions() == (1280, 720)
    assert settings.hub == HubLink() and not settings.hub.url  # no hub: records stay on the desk
    assert settings.hub_server.db.startswith("sqlite:///") and settings.hub_server.db.endswith(
        "hub.db"
    )
    assert (settings.hub_server.host, settings.hub_server.port) == ("127.0.0.1", 8470)
    assert (settings.supervisor.target, settings.supervisor.refresh) == (200, 2.0)


def test_sections(tmp_path: Path) -> None:
    settings = load_settings(config_file=write(tmp_path, SECTIONED), environ={})
    assert settings == Settings(
        desk=DeskSettings(
            db=Path("~/desk.db").expanduser(),
            site_id="QN-01",
            desk_id="desk-7",
            camera="none",
            camera_size="640x480",
            decoder="zbar",
            site_timezone="Asia/Bangkok",
        ),
        hub=HubLink(url="https://hub.lan:8470", token="vxd_desk", ca="/etc/vaxdesk/ca.pem"),
        hub_server=HubServerSettings(
            db="postgresql://hub@db/hub",
            host="0.0.0.0",
            port=9000,
            tls_cert="/etc/vaxdesk/hub.crt",
            tls_key="/etc/vaxdesk/hub.key",
        ),
        supervisor=SupervisorSettings(
            hub_url="https://other.lan:8470",
            token="vxd_supervisor",
            site_id="QN-02",
            target=350,
            refresh=5.0,
            ca="/etc/vaxdesk/other-ca.pem",
        ),
    )
    assert isinstance(settings.supervisor.refresh, float)


def test_the_flat_file_reads_as_the_desk_and_hub_keys(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        'hub_url = "https://hub.lan"\nhub_token = "vxd_t"\n'
        'hub_ca = "ca.pem"\nsupervisor_token = "vxd_s"\ncamera = "0"\n',
    )
    settings = load_settings(config_file=config, environ={})
    assert settings.hub == HubLink("https://hub.lan", "vxd_t", "ca.pem")
    assert settings.supervisor.token == "vxd_s" and settings.desk.camera == "0"
    # A flat key and a section together: the section says it better.
    both = write(tmp_path, 'hub_url = "https://old"\n[hub]\nurl = "https://new"\n')
    assert load_settings(config_file=both, environ={}).hub.url == "https://new"


def test_every_environment_variable(tmp_path: Path) -> None:
    old_names = [
        "VAXDESK_DB",
        "VAXDESK_SITE_ID",
        "VAXDESK_DESK_ID",
        "VAXDESK_CAMERA",
        "VAXDESK_CAMERA_SIZE",
        "VAXDESK_DECODER",
        "VAXDESK_HUB_URL",
        "VAXDESK_HUB_TOKEN",
        "VAXDESK_HUB_CA",
        "VAXDESK_SUPERVISOR_TOKEN",
    ]
    new_names = [
        "VAXDESK_SITE_TIMEZONE",
        "VAXDESK_HUB_SERVER_DB",
        "VAXDESK_HUB_SERVER_HOST",
        "VAXDESK_HUB_SERVER_PORT",
        "VAXDESK_HUB_SERVER_TLS_CERT",
        "VAXDESK_HUB_SERVER_TLS_KEY",
        "VAXDESK_HUB_SERVER_SITE_TIMEZONE",
        "VAXDESK_HUB_SERVER_CHECK_WORKERS",  # issue 15: record checks in worker processes
        "VAXDESK_SUPERVISOR_HUB_URL",
        "VAXDESK_SUPERVISOR_SITE_ID",
        "VAXDESK_SUPERVISOR_TARGET",
        "VAXDESK_SUPERVISOR_REFRESH",
        "VAXDESK_SUPERVISOR_CA",
        "VAXDESK_PRINT_SLIP",  # [desk] print_slip, and [printer] (issue 14: the slip)
        "VAXDESK_PRINTER_KIND",
        "VAXDESK_PRINTER_CUPS_QUEUE",
        "VAXDESK_PRINTER_ESCPOS",
        "VAXDESK_PRINTER_PAPER",
        "VAXDESK_PRINTER_TIMEOUT",
        "VAXDESK_CAMERA_LINEAR_EVERY",  # [desk] camera_linear_every (issue 15: camera pacing)
    ]
    assert sorted(ENV_NAMES) == sorted(old_names + new_names)
    env = {
        "VAXDESK_DB": str(tmp_path / "d.db"),
        "VAXDESK_HUB_URL": "https://hub",
        "VAXDESK_HUB_TOKEN": "vxd_t",
        "VAXDESK_SUPERVISOR_TOKEN": "vxd_s",
        "VAXDESK_SITE_TIMEZONE": "Asia/Bangkok",
        "VAXDESK_HUB_SERVER_PORT": "9001",
        "VAXDESK_HUB_SERVER_DB": "sqlite:///x.db",
        "VAXDESK_SUPERVISOR_REFRESH": "0.5",
    }
    settings = load_settings(config_file=tmp_path / "none.toml", environ=env)
    assert settings.desk.db == tmp_path / "d.db" and settings.desk.site_timezone == "Asia/Bangkok"
    assert settings.hub == HubLink("https://hub", "vxd_t", "")
    assert settings.hub_server.port == 9001 and settings.hub_server.db == "sqlite:///x.db"
    assert settings.supervisor.token == "vxd_s" and settings.supervisor.refresh == 0.5


def test_environment_over_file_and_flags_over_environment(tmp_path: Path) -> None:
    config = write(tmp_path, SECTIONED)
    env = {
        "VAXDESK_HUB_SERVER_PORT": "9100",
        "VAXDESK_HUB_URL": "https://env",
        "VAXDESK_SUPERVISOR_TARGET": "120",
    }
    from_env = load_settings(config_file=config, environ=env)
    assert from_env.hub_server.port == 9100 and from_env.hub.url == "https://env"
    assert from_env.supervisor.target == 120
    assert from_env.hub_server.host == "0.0.0.0"  # the file's, where the environment is silent
    flagged = load_settings(
        config_file=config,
        environ=env,
        flags={
            "hub_server.port": 9200,
            "hub_url": "https://flag",
            "supervisor.target": None,
            "hub_server.host": "",
        },
    )
    assert flagged.hub_server.port == 9200 and flagged.hub.url == "https://flag"
    assert flagged.supervisor.target == 120 and flagged.hub_server.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[desk]\ncolour = 'blue'", "unknown setting 'desk.colour'"),
        ("[hub]\nhub_url = 'x'", "unknown setting 'hub.hub_url'"),
        ("[printer]\nname = 'x'", "unknown setting 'printer.name'"),
        ("[scanner]\nname = 'x'", r"unknown section \[scanner\]"),
        ("desk = 'x'", "'desk' must be a section"),
        ("[hub_server]\nport = '8470'", "'hub_server.port' must be a whole number"),
        ("[hub_server]\nport = true", "'hub_server.port' must be a whole number"),
        ("[supervisor]\nrefresh = 'fast'", "'supervisor.refresh' must be a number"),
        ("[desk]\nsite_id = 12", "'desk.site_id' must be text"),
        ("[desk]\ncamera_linear_every = -1", "'desk.camera_linear_every' must be 0 or more"),
        ("[desk]\nsite_timezone = 'Asia/Hanoi_City'", "unknown time zone 'Asia/Hanoi_City'"),
        ("[hub_server]\nsite_timezone = '../etc'", "unknown time zone '../etc'"),
        ("site_timezone = 'Mars/Olympus'", "'site_timezone': unknown time zone 'Mars/Olympus'"),
    ],
)
def test_a_bad_file_names_the_file_and_the_key(tmp_path: Path, content: str, message: str) -> None:
    config = write(tmp_path, content)
    with pytest.raises(SettingsError, match=message) as raised:
        load_settings(config_file=config, environ={})
    assert str(raised.value).startswith(f"{config}: ") and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VAXDESK_HUB_SERVER_PORT": "eighty"}, "'VAXDESK_HUB_SERVER_PORT' must be a whole number"),
        ({"VAXDESK_SITE_TIMEZONE": "Saigon"}, "'VAXDESK_SITE_TIMEZONE': unknown time zone"),
    ],
)
def test_a_bad_environment_variable_is_named(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=f"environment: {message}"):
        load_settings(config_file=tmp_path / "none.toml", environ=env)


def test_a_bad_flag_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="command line: unknown setting 'colour'"):
        load_settings(config_file=tmp_path / "none.toml", environ={}, flags={"colour": "x"})


def test_loading_settings_stays_cheap() -> None:
    """No pydantic, no click, no TOML file read unless there is one."""
    code = (
        "import sys, pathlib; from vaxdesk.settings import load_settings; "
        "load_settings(config_file=pathlib.Path('/nonexistent.toml'), environ={}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'click', 'textual', 'httpx')))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
