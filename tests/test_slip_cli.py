"""`vaxdesk print`: the last record's slip again, one record's by its id or its slip's code, or
the PDF alone; bad asks are one line and a non-zero exit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from domain.record import Record, build_record
from domain.slip_code import parse_slip_code, slip_code
from scanner.decode import make_decoder
from store import open_store
from tests.conftest import AN, YEN
from vaxdesk.cli import main

LP = """#!/bin/sh
set -e
printf '%s\\n' "$@" > "{folder}/lp-args"
cat > "{folder}/lp-job"
"""


@pytest.fixture
def saved(db_path: Path, clock, live) -> list[Record]:
    with open_store(db_path, clock) as store:
        return [store.save(build_record(AN, live)), store.save(build_record(YEN, live))]


def config(tmp_path: Path, db: Path, printer: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[desk]\ndb = "{db}"\n{printer}', encoding="utf-8")
    return path


def run(config_file: Path, *args: str):
    return CliRunner().invoke(main, ["--lang", "en", "--config", str(config_file), "print", *args])


def codes_of(pdf: bytes) -> set[str | None]:
    page = pdfium.PdfDocument(pdf)[0]
    gray = np.ascontiguousarray(page.render(scale=200 / 72, grayscale=True).to_numpy())
    return {parse_slip_code(code.data.decode("ascii")) for code in make_decoder().decode(gray)}


def test_print_last_through_lp(tmp_path: Path, db_path: Path, saved: list[Record],
                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "lp").write_text(LP.format(folder=folder))
    (folder / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    printer = '[printer]\nkind = "cups"\ncups_queue = "Ban_2"\n'
    result = run(config(tmp_path, db_path, printer), "--last")
    assert result.exit_code == 0, result.output
    assert "Slip printed" in result.output
    assert (folder / "lp-args").read_text().split()[:2] == ["-d", "Ban_2"]
    assert codes_of((folder / "lp-job").read_bytes()) == {saved[1].record_id}
    # one record, by the code on its slip (as a scanner gun types it) or by its id
    result = run(config(tmp_path, db_path, printer), "--record", slip_code(saved[0].record_id))
    assert result.exit_code == 0 and codes_of((folder / "lp-job").read_bytes()) == {
        saved[0].record_id
    }
    assert run(config(tmp_path, db_path, printer), "--record", saved[1].record_id).exit_code == 0


def test_print_to_a_pdf_file_only(tmp_path: Path, db_path: Path, saved: list[Record]) -> None:
    out = tmp_path / "slip.pdf"
    result = run(config(tmp_path, db_path), "--last", "--pdf", str(out), "--paper", "80mm")
    assert result.exit_code == 0, result.output
    assert f"Slip written to {out}" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds a name
    assert codes_of(out.read_bytes()) == {saved[1].record_id}
    width = pdfium.PdfDocument(out.read_bytes())[0].get_size()[0]
    assert width == pytest.approx(80 / 25.4 * 72, abs=0.01)  # points: the 80 mm roll


def test_bad_asks_are_one_line(tmp_path: Path, db_path: Path, saved: list[Record]) -> None:
    settings = config(tmp_path, db_path)
    result = run(settings, "--last")  # kind = none
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: No printer set up: slip not printed "
        "(set [printer] kind in the settings, or give --pdf FILE)"
    )
    unknown = run(settings, "--record", "0190a8f0-0000-7000-8000-000000000001")
    assert unknown.exit_code == 1
    assert "no record 0190a8f0-0000-7000-8000-000000000001" in unknown.output
    assert run(settings, "--record", "not-a-uuid").exit_code == 1
    assert run(settings).exit_code == 2 and run(settings, "--last", "--record", "x").exit_code == 2
    bad = config(tmp_path, db_path, '[printer]\nkind = "laser"\n')
    result = run(bad, "--last")
    assert result.exit_code == 1 and "'printer.kind': 'laser' is not one of none, cups" in (
        result.output
    )
    empty = tmp_path / "empty.db"
    open_store(empty).close()
    result = run(config(tmp_path, empty), "--last", "--pdf", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "no record saved at this desk yet" in result.output
    assert "Traceback" not in result.output
