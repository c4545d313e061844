"""Fail when a Python module of the project grows past a number of lines.

    python scripts/module_sizes.py --max 400 [--allow PATH ...]

Every .py file under the project is counted (packages, bench/, scripts/ and tests/ alike: a
test module past the limit is as hard to read as any other), except virtual environments,
hidden folders and build output. Each module over the limit is named with its length; the
exit status is 1 when any of them is not in --allow. An allowed module over the limit is still
printed, and an allowed one that is no longer over it is pointed out, so the list only shrinks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"__pycache__", "build", "dist", "node_modules"}


def modules(root: Path) -> Iterator[Path]:
    """The project's .py files, relative to root, in a stable order."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if not (d.startswith(".") or d in SKIPPED_DIRS or d.endswith(".egg-info"))
            and not (Path(folder, d) / "pyvenv.cfg").exists()  # a venv under any name
        ]
        found += [Path(folder, f).relative_to(root) for f in files if f.endswith(".py")]
    yield from sorted(found)


def line_count(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for _ in file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=400, help="most lines a module may have")
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="PATH",
        help="a module (path from the project root) let past the limit for now; repeatable",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    allowed = {Path(p).as_posix() for p in args.allow}
    too_long = []
    seen = set()
    for module in modules(args.root):
        name = module.as_posix()
        seen.add(name)
        lines = line_count(args.root / module)
        if lines <= args.max:
            if name in allowed:
                print(f"{name}: {lines} lines, within {args.max} now: drop its --allow")
            continue
        if name in allowed:
            print(f"{name}: {lines} lines, over {args.max} (allowed for now)")
        else:
            print(f"{name}: {lines} lines, over {args.max}")
            too_long.append(name)
    for name in sorted(allowed - seen):
        print(f"{name}: no such module: drop its --allow")
    if too_long:
        print(f"{len(too_long)} module(s) over {args.max} lines: split them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
