"""Typing at speed: a key in a field repaints that field, it does not lay out the screen; a
value longer than its field scrolls inside it; keys typed right after Enter go to the next
field, as the volunteer meant them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual._compositor import Compositor
from textual.pilot import Pilot

from tests.conftest import FakeClock, desk_app, until
from tests.test_tui_desk import SIZE, entry, open_session
from tui.keygate import KeyGate


@pytest.fixture
def reflows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a screen was laid out (the compositor's reflow), counted."""
    counted = [0]
    reflow = Compositor.reflow

    def counting(self: Compositor, parent, size):  # type: ignore[no-untyped-def]
        counted[0] += 1
        return reflow(self, parent, size)

    monkeypatch.setattr(Compositor, "reflow", counting)
    return counted


async def test_keys_typed_in_a_field_lay_nothing_out(
    db_path: Path, clock: FakeClock, reflows: list[int]
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.focus_field("address")
        await pilot.pause()
        before = reflows[0]
        await pilot.press(*"12 Le Loi")
        assert screen.form.field("address").value == "12 Le Loi"
        assert reflows[0] == before


async def test_a_long_value_scrolls_inside_its_field(db_path: Path, clock: FakeClock) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        screen.form.focus_field("address")
        await pilot.pause()
        text = "So 12 duong Le Loi phuong Ben Nghe quan 1"
        await pilot.press(*["space" if c == " " else c for c in text])
        field = screen.form.field("address").input
        assert field.value == text
        assert field.scroll_x > 0  # the start scrolled out, the cursor's end in view
        shown = "".join(s.text for s in field.render_line(0))
        assert "quan 1" in shown and not shown.startswith("So 12")


async def keys_at_once(pilot: Pilot, *keys: str) -> None:
    """Keys posted without a pause, as a fast typist's reach the app."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        character = {"space": " ", "enter": "\r"}.get(key, key)
        driver.send_message(events.Key(key, character))
    for _ in range(8):
        await pilot.pause()


async def test_keys_typed_right_after_enter_go_to_the_next_field(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await keys_at_once(pilot, *"079092001234", "enter", *"Nguyen", "space", *"An")
        assert screen.form.field("id_number").value == "079092001234"
        assert screen.form.field("full_name").value == "Nguyen An"
        assert app.focused is screen.form.field("full_name").input


async def test_keys_after_an_enter_that_is_refused_stay_in_the_field(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await keys_at_once(pilot, *"07909200", "enter", *"1234")
        # 8 digits are no ID number: Enter keeps the cursor there, and the rest lands after it
        assert screen.form.field("id_number").value == "079092001234"
        assert screen.form.field("full_name").value == ""


async def test_a_typist_three_fields_ahead_fills_each_in_turn(
    db_path: Path, clock: FakeClock
) -> None:
    app = desk_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_session(pilot)
        screen = entry(app)
        await keys_at_once(pilot, *"079092001234", "enter", *"Nguyen", "space", *"An", "enter",
                           *"150892", "enter", "enter", *"0912345678")  # fmt: skip
        # Held keys are let through as each Enter is judged: wait for the last one to land.
        await until(pilot, lambda: screen.form.values()["phone"], "the phone typed")
        values = screen.form.values()
        assert (values["id_number"], values["full_name"], values["dob"], values["phone"]) == (
            "079092001234", "Nguyen An", "150892", "0912345678"
        )
        assert app.focused is screen.form.field("phone").input


async def test_held_keys_are_delivered_in_order_and_an_enter_holds_the_rest() -> None:
    gate = KeyGate()
    delivered: list[str] = []

    async def deliver(key: events.Key) -> None:
        delivered.append(key.key)
        if key.key == "enter":
            gate.close()

    assert gate.close() == 1 and gate.closed
    for name in ("a", "b", "enter", "c"):
        gate.hold(events.Key(name, name))
    await gate.open(deliver)
    assert delivered == ["a", "b", "enter"] and gate.closed
    gate.hold(events.Key("d", "d"))  # read while the second Enter is judged
    await gate.open(deliver)
    assert delivered == ["a", "b", "enter", "c", "d"] and not gate.closed
