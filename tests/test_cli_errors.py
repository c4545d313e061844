"""Every command that fails says so in one line and exits non-zero: no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaxdesk.cli import Vaxdesk, main

UNREACHABLE_POSTGRES = "postgresql://127.0.0.1:1/x"


@pytest.fixture
def not_a_database(tmp_path: Path) -> Path:
    junk = tmp_path / "junk.db"
    junk.write_bytes(bytes(range(256)) * 40)
    return junk


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"VAXDESK_PIN": "", "VAXDESK_DEBUG": ""})


def assert_one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["user", "list"],
        ["backup"],
        ["export"],
        ["user", "add", "--name", "Lê Thị Hoa", "--role", "supervisor"],
    ],
)
def test_a_file_that_is_not_a_database(command: list[str], not_a_database: Path) -> None:
    result = run(*command, "--db", str(not_a_database))
    assert_one_line_error(result, str(not_a_database), "not a database")


def test_info_on_a_file_that_is_not_a_database(not_a_database: Path) -> None:
    result = CliRunner().invoke(main, ["info"], env={"VAXDESK_DB": str(not_a_database)})
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: cannot read")


@pytest.mark.parametrize(
    "command",
    [
        ["enrol", "--site", "TV-CN-01", "--desk", "desk-1"],
        ["supervisor", "--site", "TV-CN-01"],
        ["revoke", "--desk", "desk-1"],
    ],
)
def test_an_unreachable_postgresql(command: list[str]) -> None:
    result = run("hub", "--db", UNREACHABLE_POSTGRES, *command)
    assert_one_line_error(result, "cannot open the hub's database", "127.0.0.1")


@pytest.mark.parametrize("command", ["supervisor", "enrol"])
def test_an_invalid_site_code_gets_no_token(command: str, tmp_path: Path) -> None:
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    extra = ["--desk", "desk-1"] if command == "enrol" else []
    result = run("hub", "--db", hub_db, command, "--site", "bad site/!", *extra)
    assert_one_line_error(result, "site:", "letters, digits")
    assert not (tmp_path / "hub.db").exists()  # refused before the hub's database is opened


def test_a_valid_site_code_gets_a_supervisor_token(tmp_path: Path) -> None:
    result = run("hub", "--db", f"sqlite:///{tmp_path / 'hub.db'}", "supervisor", "--site", "tv-1")
    assert result.exit_code == 0, result.output
    assert "supervisor of site TV-1" in result.output


def test_a_backup_that_cannot_be_written(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    assert run("user", "list", "--db", str(db)).exit_code == 0  # creates the store
    (tmp_path / "a-file").write_text("not a folder")
    result = run("backup", "--db", str(db), "--to", str(tmp_path / "a-file" / "backups"))
    assert_one_line_error(result, "cannot back up")


def test_sync_on_a_file_that_is_not_a_database(not_a_database: Path) -> None:
    result = run("sync", "--db", str(not_a_database), "--hub", "http://127.0.0.1:1",
                 "--token", "t", "--once")  # fmt: skip
    assert_one_line_error(result, str(not_a_database), "not a database")


def test_an_unforeseen_error_is_one_line_too() -> None:
    """The commands' last guard: an exception no command caught still ends in one line."""
    group = Vaxdesk(name="vaxdesk")

    @group.command()
    def broken() -> None:
        {}["no such key"]

    result = CliRunner().invoke(group, ["broken"], env={"VAXDESK_DEBUG": ""})
    assert_one_line_error(result, "unexpected KeyError", "no such key")
