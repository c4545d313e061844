"""The pick between users whose names read the same without diacritics: snapshots at 80×24 and
120×40 (English: the Vietnamese screen behind it changes as its other texts are translated),
and in Vietnamese the question and the names on screen whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

import i18n
from tests.conftest import FakeClock
from tests.test_tui_layout import SIZES, still
from tests.test_tui_login import LAN, LAN_HAT, login, rendered, with_users
from tui.screens.pick_user import PickUserModal


async def picking(pilot: Pilot) -> None:
    screen = login(pilot.app)
    screen.form.field("name").value = "nguyen thi lan"
    screen.form.focus_field("name")
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, PickUserModal)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_pick_user(
    snap_compare: Callable[..., bool], db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await picking(pilot)
        await still(pilot)

    app = with_users(db_path, clock, LAN, LAN_HAT)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_names_and_the_question_show_whole_in_vietnamese(
    db_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    i18n.set_language("vi")
    app = with_users(db_path, clock, LAN, LAN_HAT)
    async with app.run_test(size=size) as pilot:
        await picking(pilot)
        await pilot.pause()
        text = rendered(app)
        assert LAN in text and LAN_HAT in text
        assert "Chọn tên của bạn" in text and "quay lại)" in text  # wrapped, not cut
