"""Benchmark of the schedule engine and a commune's due list (issue 17).

    python bench/due_list.py [--children 1000] [--repeats 5]

A commune of children born over six years before the day, each with the expanded
programme's doses up to an age drawn at random, some late, some missing (seeded, so every
run has the same children). Prints, as medians over the repeats: one forecast of every
antigen of a child, one "may this vaccine be given" check, and the whole due list of the
commune (with and without the service vaccines).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.due_list import Child, due_list
from domain.schedule import Given, forecast
from domain.schedule_check import may_give
from domain.schedule_table import Duration, schedule

ON = date(2026, 3, 10)
PLAN = [(0, "VGB"), (0, "BCG"), (2, "5IN1"), (2, "BOPV"), (3, "5IN1"), (3, "BOPV"),
        (4, "5IN1"), (4, "BOPV"), (5, "IPV"), (9, "SOI"), (12, "VNNB"), (12, "VNNB"),
        (18, "DPT"), (18, "MR"), (24, "VNNB")]  # fmt: skip


def commune(size: int, seed: int = 17) -> list[tuple[Child, list[Given]]]:
    rng = random.Random(seed)
    out = []
    for n in range(size):
        born = ON - timedelta(days=rng.randrange(0, 6 * 365))
        child = Child(f"c{n}", f"Child {n}", born, "00004")
        history = []
        for months, code in PLAN:
            if rng.random() < 0.08:
                continue  # missed
            on = Duration(months=months).after(born) + timedelta(days=rng.choice([0, 0, 3, 20]))
            if on <= ON:
                history.append(Given(code, on))
        out.append((child, history))
    return out


def median_ms(run, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    schedule()  # read the data file once, outside the timings
    children = commune(args.children)
    sample = children[: min(200, len(children))]
    doses = sum(len(h) for _, h in children)
    print(f"{len(children)} children, {doses} doses, day {ON.isoformat()}")

    def forecasts() -> None:
        for child, history in sample:
            forecast(child.person, history, ON)

    def checks() -> None:
        for child, history in sample:
            may_give(child.person, history, "5IN1", ON)

    per_forecast = median_ms(forecasts, args.repeats) / len(sample)
    per_check = median_ms(checks, args.repeats) / len(sample)
    tcmr = median_ms(lambda: due_list(children, "00004", ON), args.repeats)
    both = median_ms(lambda: due_list(children, "00004", ON, programmes=("tcmr", "service")),
                     args.repeats)  # fmt: skip
    listed = len(due_list(children, "00004", ON))
    print(f"forecast, every antigen of a child: {per_forecast:.2f} ms")
    print(f"may_give(5IN1):                     {per_check:.2f} ms")
    each = tcmr / len(children)
    print(f"due list (tcmr), {listed} listed:   {tcmr:.0f} ms ({each:.2f} ms a child)")
    print(f"due list (tcmr + service):          {both:.0f} ms")


if __name__ == "__main__":
    main()
