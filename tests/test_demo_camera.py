"""No generated citizen reaches a real desk: `auto` without a webcam is no camera, the demo
camera runs only in the demo, and whatever the demo records is marked as the demo's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.fields import Source
from domain.record import identity_to_form
from scanner.sources import CameraError, CameraSource, open_source
from scanner.synthetic import cccd_payload, people
from store import open_store
from tests.conftest import FakeClock, desk_app, until
from tests.test_tui_desk import SIZE, entry, open_session, rows, text_of
from tests.test_tui_scan import YEN, GatedSource, held
from vaxdesk.cli import main
from vaxdesk.demo_site import open_desk, save_person


def no_webcams() -> list[str]:
    return []


async def test_auto_without_a_webcam_is_no_camera(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock, camera="auto", webcams=no_webcams)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await until(pilot, lambda: "webcam" in text_of(app, "#scanner"), "the camera line")
        assert text_of(app, "#scanner") == ("camera: no webcam found — type, or use a USB scanner")
        assert "DEMO" not in text_of(app, "#scanner")
        await pilot.pause(1.0)  # the demo camera showed its first citizen within this
        assert all(screen.form.field(name).value == "" for name in ("id_number", "full_name"))
        assert "Scan" not in text_of(app, "#message")
        await pilot.press("enter")  # what saved a generated citizen before: nothing to save
    assert rows(db_path) == []


def test_auto_takes_the_first_webcam_there_is() -> None:
    source = open_source("auto", (640, 480), webcams=lambda: ["/dev/video2", "/dev/video3"])
    assert isinstance(source, CameraSource) and source.device == 2
    with pytest.raises(CameraError, match="no webcam found"):
        open_source("auto", webcams=no_webcams)


def test_the_demo_camera_is_the_demos_only(db_path: Path) -> None:
    with pytest.raises(CameraError, match="only in `vaxdesk demo`"):
        open_source("demo")
    with pytest.raises(CameraError, match="only in `vaxdesk demo`"):
        desk_app(db_path, camera="demo")


def test_the_desk_command_refuses_the_demo_camera_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    result = CliRunner().invoke(
        main,
        ["--config", str(tmp_path / "none.toml"), "desk", "--db", str(db), "--camera", "demo"],
        env={"VAXDESK_HUB_URL": ""},
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: camera 'demo' shows generated")
    assert "only in `vaxdesk demo`" in lines[0]
    assert not db.exists()


def test_the_simulated_desks_records_are_marked_demo(tmp_path: Path) -> None:
    with open_store(tmp_path / "desk-1.db") as store:
        entry = open_desk(store, "desk-1", "AZ", "DEMO1")
        stream = people(5)
        assert save_person(entry, identity_to_form(next(stream)))
        assert save_person(entry, identity_to_form(next(stream)))
        records = store.recorded_between("desk-1", *entry.desk.today())
    assert [r.source for r in records] == [Source.DEMO, Source.DEMO]


async def test_your_demo_desk_marks_its_records_demo(db_path: Path, clock: FakeClock) -> None:
    """The volunteer's own desk in `vaxdesk demo`: scanned and typed records alike."""
    source = GatedSource(held(cccd_payload(YEN)))
    app = desk_app(db_path, clock=clock, frame_source=source, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        source.gate.set()
        await until(pilot, lambda: screen.form.field("full_name").value != "", "the scan")
        await pilot.press("enter")
        assert "Saved ✓ Ngô Ngọc Yến" in text_of(app, "#message")
        screen.form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved ✓ Nguyễn Văn An" in text_of(app, "#message"), "saved")
    assert [row["source"] for row in rows(db_path)] == ["demo", "demo"]


async def test_a_real_desk_keeps_its_sources(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        entry(app).form.set_values({"id_number": "079092001234", "full_name": "Nguyễn Văn An",
                                    "dob": "150892"})  # fmt: skip
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved ✓" in text_of(app, "#message"), "saved")
    assert [row["source"] for row in rows(db_path)] == ["typed"]
