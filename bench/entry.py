"""Benchmark of the desk's entry paths, driven by Textual's pilot like the tests.

    python bench/entry.py [--records 500] [--path scan|typed|both] [--profile 30]

For each record: keystrokes after the person is in view, the app's CPU milliseconds
(everything the process did for that record: key handling, validation, the SQLite
transaction, rendering), and the milliseconds inside save (validate + store + queue).
The pilot waits for the app to be idle after every key, so wall time per record is
mostly the harness, not the desk: it is printed for reference only.

The pilot's own CPU is not the desk's: after the records, the same run presses a key bound
to nothing (F12) 100 times on the entry screen, and the figures "less the pilot" take that
CPU per key off each record. `--profile N` prints cProfile's N top functions over the
records (cumulative, then own time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot

from domain.identity import Identity
from scanner.synthetic import people
from store import open_store
from tui.screens.entry import EntryScreen
from vaxdesk.testing.desk import desk_app, log_in


@dataclass
class Figures:
    keys: list[int] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)
    pilot_ms: float = 0.0  # CPU of one press of a key bound to nothing

    def net_ms(self) -> list[float]:
        pairs = zip(self.cpu_ms, self.keys, strict=True)
        return [cpu - keys * self.pilot_ms for cpu, keys in pairs]


def pct(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def timed_saves(figures: Figures) -> None:
    original = EntryScreen.action_save

    def action_save(self: EntryScreen, override_reason: str = "") -> None:
        start = time.perf_counter()
        original(self, override_reason)
        figures.save_ms.append((time.perf_counter() - start) * 1000)

    EntryScreen.action_save = action_save  # type: ignore[method-assign]


async def press(pilot: Pilot, keys: list[str], counter: list[int]) -> None:
    for key in keys:
        await pilot.press(key)
        counter[0] += 1


def typed_keys(person: Identity) -> list[str]:
    def text(value: str) -> list[str]:
        return ["space" if ch == " " else ch for ch in value]

    return [
        *text(person.id_number), "enter",
        *text(person.full_name), "enter",
        *text(person.dob.to_date().strftime("%d%m%y")), "enter",
        "enter",  # sex: read from the CCCD
        *text(person.phone), "enter",
        *text("gia l"), "enter",  # province, completed
        "enter", "enter",  # ward, address left empty
        "enter", "enter", "enter",  # dose (auto), AEFI (none), screening D: saves
    ]  # fmt: skip


async def pilot_alone(pilot: Pilot, presses: int = 100) -> float:
    """CPU ms of one pilot press that the desk does nothing with."""
    cpu = time.process_time()
    for _ in range(presses):
        await pilot.press("f12")
    return (time.process_time() - cpu) * 1000 / presses


async def run(path: str, records: int, profile: cProfile.Profile | None = None) -> Figures:
    figures = Figures()
    timed_saves(figures)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        app = desk_app(db, site_id="BENCH-01", desk_id="desk-1")
        async with app.run_test(size=(120, 36)) as pilot:
            await log_in(pilot)
            form = app.screen.form  # type: ignore[attr-defined]
            form.set_values(
                {"vaccinator": "Nguyễn Văn Bình", "vaccine": "AZ", "lot": "NX1234"}
            )  # fmt: skip
            await pilot.press("ctrl+s")
            screen = app.screen
            assert isinstance(screen, EntryScreen)
            stream = people(seed=7)
            if profile is not None:
                profile.enable()
            for _ in range(records):
                person = next(stream)
                counter = [0]
                cpu, wall = time.process_time(), time.perf_counter()
                if path == "scan":
                    screen.fill_identity(person)  # what the scanner's message does
                    await press(pilot, ["enter"], counter)
                else:
                    await press(pilot, typed_keys(person), counter)
                figures.cpu_ms.append((time.process_time() - cpu) * 1000)
                figures.wall_ms.append((time.perf_counter() - wall) * 1000)
                figures.keys.append(counter[0])
            if profile is not None:
                profile.disable()
            figures.pilot_ms = await pilot_alone(pilot)
        with open_store(db) as store:
            stored = sum(1 for _ in store.current_rows())
    if stored != records:
        raise SystemExit(f"{path}: {stored} of {records} records stored")
    return figures


def report(path: str, figures: Figures) -> None:
    n = len(figures.keys)
    print(f"\n{path} path: {n} records, all stored")
    print(f"  keystrokes per record : {statistics.mean(figures.keys):.1f}")

    def line(label: str, values: list[float]) -> None:
        print(f"  {label:31s}: p50 {pct(values, 50):7.2f}   p95 {pct(values, 95):7.2f}")

    line("app CPU ms per record", figures.cpu_ms)
    line("save ms (validate+store+queue)", figures.save_ms)
    line("pilot wall ms per record", figures.wall_ms)
    line("app CPU ms/record less pilot", figures.net_ms())
    print(f"  {'pilot alone, CPU ms per key':31s}: {figures.pilot_ms:7.2f}")

    def per_key(values: list[float]) -> list[float]:
        return [v / k for v, k in zip(values, figures.keys, strict=True)]

    line("app CPU ms per key", per_key(figures.cpu_ms))
    line("app CPU ms/key less pilot", per_key(figures.net_ms()))


def print_profile(profile: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--path", choices=["scan", "typed", "both"], default="both")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    paths = ["scan", "typed"] if args.path == "both" else [args.path]
    for path in paths:
        profile = cProfile.Profile() if args.profile else None
        report(path, asyncio.run(run(path, args.records, profile)))
        if profile is not None:
            print_profile(profile, args.profile)


if __name__ == "__main__":
    main()
