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
from vaxdesk.settings import SettingsError, load_settings


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
        encoding="utf-8-sig",  # the export starts with a BOM, for Excel
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn An", "Ngô Ngọc Yến"]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert "2 records exported" in result.stderr

    out = tmp_path / "out.csv"
    result = subprocess.run(
        [sys.executable, "-m", "vaxdesk", "export", "--db", str(db_path), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert out.read_text("utf-8-sig").splitlines()[0] == ",".join(f'"{c}"' for c in CSV_COLUMNS)


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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("db = [1, 2]", "must be a path"),
        ("colour = 'blue'", "unknown setting 'colour'"),
        ("site_id = ", "not valid TOML"),
        ("[desk]\ncolour = 'blue'", "unknown setting 'desk.colour'"),
        ("[hub_server]\nport = 'high'", "'hub_server.port' must be a whole number"),
        ("[desk]\nsite_timezone = 'Asia/Saigon_'", "unknown time zone 'Asia/Saigon_'"),
    ],
)
def test_bad_settings_file(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(config_file=config, environ={})
    result = CliRunner().invoke(main, ["--config", str(config), "info"])
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_export_is_a_supervisors_act(db_path: Path, clock, live) -> None:
    from domain.roles import Role

    with open_store(db_path, clock) as store:
        store.people.add("Giám", Role.SUPERVISOR, "1357", by="test")
        store.people.add("Hoa", Role.VOLUNTEER, "2468", by="test")
        store.save(build_record(AN, live))
    runner = CliRunner()
    args = ["export", "--db", str(db_path)]
    nobody = runner.invoke(main, args)
    assert nobody.exit_code == 1 and "give --as NAME" in nobody.output
    volunteer = runner.invoke(main, [*args, "--as", "Hoa"], env={"VAXDESK_PIN": "2468"})
    assert volunteer.exit_code == 1 and "a volunteer may not export records" in volunteer.output
    wrong = runner.invoke(main, [*args, "--as", "Giám"], input="0000\n")
    assert wrong.exit_code == 1 and "wrong name or PIN" in wrong.output
    supervisor = runner.invoke(main, [*args, "--as", "Giám"], input="1357\n")
    assert supervisor.exit_code == 0 and "Nguyễn Văn An" in supervisor.output
    with open_store(db_path) as store:
        assert store.people.rows()[-1]["action"] == "export"
        assert store.people.rows()[-1]["user_name"] == "Giám"
    folded = runner.invoke(main, [*args, "--as", "giam"], input="1357\n")  # no diacritics
    assert folded.exit_code == 0 and "PIN of Giám" in folded.output
    with open_store(db_path, clock) as store:
        store.people.add("Giâm", Role.VOLUNTEER, "8642", by="test")
    ambiguous = runner.invoke(main, [*args, "--as", "giam"], input="1357\n")
    assert ambiguous.exit_code == 1 and "Giám, Giâm; give the whole name" in ambiguous.output


def test_users_audit_and_backup_commands(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    runner = CliRunner()
    add = ["user", "add", "--db", str(db)]
    first = runner.invoke(
        main, [*add, "--name", "Hoa", "--role", "volunteer"], env={"VAXDESK_NEW_PIN": "2468"}
    )
    assert first.exit_code == 1 and "the first user must be a supervisor" in first.output
    boss = runner.invoke(main, ["user", "add", "--db", str(db), "--name", "Giám",
                                "--role", "supervisor"], input="1357\n1357\n")  # fmt: skip
    assert boss.exit_code == 0, boss.output
    hoa = runner.invoke(main, ["user", "add", "--db", str(db), "--name", "Hoa", "--role",
                               "volunteer", "--as", "Giám"],
                        env={"VAXDESK_PIN": "1357", "VAXDESK_NEW_PIN": "2468"})  # fmt: skip
    assert hoa.exit_code == 0 and "Hoa added as volunteer" in hoa.output
    listed = runner.invoke(main, ["user", "list", "--db", str(db)])
    assert "Giám\tsupervisor" in listed.output and "Hoa\tvolunteer" in listed.output
    verified = runner.invoke(main, ["audit", "verify", "--db", str(db)])
    assert verified.exit_code == 0 and "audit trail intact: 3 rows" in verified.output
    saved = runner.invoke(main, ["backup", "--db", str(db), "--to", str(tmp_path / "b")])
    assert saved.exit_code == 0
    [copy] = (tmp_path / "b").iterdir()
    assert oct(copy.stat().st_mode)[-3:] == "600"
    with open_store(db) as store:
        store.conn.executescript("DROP TRIGGER audit_no_update; UPDATE audit SET user_name = 'X' "
                                 "WHERE seq = 2;")  # fmt: skip
    broken = runner.invoke(main, ["audit", "verify", "--db", str(db)])
    assert broken.exit_code == 1 and "audit trail broken at row 2" in broken.output
