"""A hub address that cannot work is refused when the settings are loaded, naming the setting
and where it came from; the desk command exits with that one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.errors import FieldError
from domain.hub_url import parse_hub_url
from vaxdesk.cli import main
from vaxdesk.settings import SettingsError, load_settings

BAD_URLS = [
    ("http://[::1", "is not a URL"),
    ("hub.lan:8470", "does not start with http:// or https://"),
    ("ftp://x", "does not start with http:// or https://"),
    ("https://", "names no host"),
    ("http://hub.lan:port", "is not a URL"),
]


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_the_rule_refuses_with_a_code(url: str, words: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_hub_url("hub.url", url)
    assert raised.value.code.startswith("hub_url.")


@pytest.mark.parametrize(
    "url", ["https://hub.lan:8470", "http://127.0.0.1:8470/", "http://[::1]:80"]
)
def test_a_good_url_is_kept(url: str) -> None:
    assert parse_hub_url("hub.url", f" {url} ") == url


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_from_the_file(tmp_path: Path, url: str, words: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[hub]\nurl = "{url}"\n', "utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(config_file=config, environ={})
    message = str(raised.value)
    assert message.startswith(f"{config}: 'hub.url': ") and words in message
    assert "\n" not in message


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_from_the_environment(tmp_path: Path, url: str, words: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(config_file=tmp_path / "none.toml", environ={"VAXDESK_HUB_URL": url})
    assert str(raised.value).startswith("environment: 'VAXDESK_HUB_URL': ")
    assert words in str(raised.value)


@pytest.mark.parametrize("flag", ["hub_url", "supervisor.hub_url"])
def test_from_a_flag(tmp_path: Path, flag: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(config_file=tmp_path / "none.toml", environ={}, flags={flag: "ftp://x"})
    assert str(raised.value).startswith(f"command line: '{flag}': ")


def test_the_old_flat_file_key_too(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('hub_url = "hub.lan"\n', "utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(config_file=config, environ={})
    assert "'hub_url': 'hub.lan' does not start with" in str(raised.value)


def test_no_url_is_no_hub(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[hub]\nurl = ""\n', "utf-8")
    assert load_settings(config_file=config, environ={}).hub.url == ""


@pytest.mark.parametrize(("url", "words"), BAD_URLS)
def test_the_desk_command_exits_with_one_line(tmp_path: Path, url: str, words: str) -> None:
    env = {
        "VAXDESK_HUB_URL": url,
        "VAXDESK_DB": str(tmp_path / "desk.db"),
        "VAXDESK_CAMERA": "none",
    }
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "none.toml"), "desk"], env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("Error: environment: 'VAXDESK_HUB_URL'")
    assert words in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "desk.db").exists()  # refused before the desk opened anything
