from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.record import build_record
from store import open_store
from store.export import CSV_COLUMNS
from tests.conftest import AN, YEN
from vaxdesk.cli import main
from vaxdesk.settings import Settings, SettingsError, load_settings


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for args in ([], ["desk"], ["export"], ["info"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_export_csv_of_the_store(db_path: Path, clock, live, tmp_path: Path) -> None:
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
        store.save(build_record(YEN, live))
    result = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(db_path), "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn An", "Ngô Ngọc Yến"]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert "2 record(s) exported" in result.stderr

    out = tmp_path / "out.csv"
    result = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(db_path), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert out.read_text("utf-8").splitlines()[0] == ",".join(CSV_COLUMNS)


def test_export_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(junk)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: cannot export")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    missing = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_info_reports_the_store(db_path: Path, clock, live) -> None:
    with open_store(db_path, clock) as store:
        store.save(build_record(AN, live))
    result = CliRunner().invoke(main, ["info"], env={"VAXDESK_DB": str(db_path)})
    assert result.exit_code == 0, result.output
    assert "integrity   : ok" in result.output
    assert "backlog     : 1" in result.output


def test_settings_layers(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('db = "~/desk.db"\nsite_id = "QN-01"\ndesk_id = "from-file"\n')
    env = {"VAXDESK_DESK_ID": "from-env"}
    settings = load_settings(config_file=config, environ=env, flags={"site_id": None})
    assert settings == Settings(
        db=Path("~/desk.db").expanduser(), site_id="QN-01", desk_id="from-env"
    )
    flagged = load_settings(config_file=config, environ=env, flags={"desk_id": "from-flag"})
    assert flagged.desk_id == "from-flag"
    # The config file can also be named in the environment.
    assert load_settings(environ={"VAXDESK_CONFIG": str(config)}).site_id == "QN-01"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("db = [1, 2]", "must be a path"),
        ("colour = 'blue'", "unknown setting 'colour'"),
        ("site_id = ", "not valid TOML"),
    ],
)
def test_bad_settings_file(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(config_file=config, environ={})
    result = CliRunner().invoke(main, ["--config", str(config), "info"])
    assert result.exit_code == 1 and message in result.output
