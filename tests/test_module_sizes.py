"""scripts/module_sizes.py, run as scripts/check runs it, on a small project of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "module_sizes.py"


def sizes(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def write(path: Path, lines: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * lines)


def test_a_module_past_the_limit_fails_by_name(tmp_path: Path) -> None:
    write(tmp_path / "desk" / "core.py", 401)
    write(tmp_path / "desk" / "small.py", 400)
    write(tmp_path / "tests" / "test_long.py", 450)
    write(tmp_path / ".venv" / "lib" / "big.py", 5000)  # not the project's
    write(tmp_path / "env" / "lib" / "big.py", 5000)
    (tmp_path / "env" / "pyvenv.cfg").write_text("")  # a venv under another name
    write(tmp_path / "build" / "lib" / "big.py", 5000)
    done = sizes(tmp_path, "--max", "400")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "desk/core.py: 401 lines, over 400",
        "tests/test_long.py: 450 lines, over 400",
    ]
    assert "2 module(s) over 400 lines" in done.stderr


def test_allowed_modules_are_named_and_pass(tmp_path: Path) -> None:
    write(tmp_path / "desk" / "core.py", 401)
    write(tmp_path / "cli.py", 300)
    done = sizes(tmp_path, "--max", "400", "--allow", "desk/core.py", "--allow", "cli.py",
                 "--allow", "gone.py")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "cli.py: 300 lines, within 400 now: drop its --allow",
        "desk/core.py: 401 lines, over 400 (allowed for now)",
        "gone.py: no such module: drop its --allow",
    ]


def test_this_project_is_counted_without_its_venv() -> None:
    project = SCRIPT.parent.parent
    done = sizes(project, "--max", "100000")
    assert done.returncode == 0 and done.stdout == ""
    named = [line.split(":")[0] for line in sizes(project, "--max", "10").stdout.splitlines()]
    assert "scripts/module_sizes.py" in named and "tests/test_module_sizes.py" in named
    assert not [name for name in named if name.startswith(".")]
