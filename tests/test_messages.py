"""Every error code the code raises has its words in the one catalogue."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path

import pytest

from domain.errors import DeskError, FieldError, ValidationError
from domain.messages import MESSAGES, describe, render

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "store", "desk", "sync", "hub", "scanner", "tui", "vaxdesk")
CODE = re.compile(r"[a-z_0-9]+(\.[a-z_0-9]+)+|required")
RAISERS = {"FieldError", "DeskError", "LoginError", "PinRefused", "Rejected", "StoreError",
           "RecordNotFound", "render"}  # fmt: skip


def raised_codes() -> set[tuple[str, str]]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in RAISERS:
                    continue
                for arg in node.args[:2]:  # the code: first, or after a field's name
                    text = arg.value if isinstance(arg, ast.Constant) else None
                    if isinstance(text, str) and CODE.fullmatch(text):
                        found.add((str(path.relative_to(ROOT)), text))
    return found


def test_every_raised_code_has_a_message() -> None:
    codes = raised_codes()
    assert len(codes) > 40  # the scan finds the raise sites
    missing = sorted((where, code) for where, code in codes if code not in MESSAGES)
    assert not missing


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_renders_with_its_parameters(code: str) -> None:
    fields = re.findall(r"{(\w+)(:[^}]*)?}", MESSAGES[code])
    moment = datetime(2026, 11, 23, 9, 12)
    text = render(code, {name: moment if "%" in spec else 7 for name, spec in fields})
    assert "{" not in text and text


def test_errors_carry_codes_and_read_as_english() -> None:
    error = FieldError("dob", "date.future", date="01/01/2030")
    assert (error.field, error.code, error.params) == ("dob", "date.future", {"date": "01/01/2030"})
    assert describe(error) == "01/01/2030 is in the future"
    assert str(error) == "dob: 01/01/2030 is in the future"
    assert describe(DeskError("no.such.code")) == "no.such.code"  # never lost, never a crash
    assert "dob: 01/01/2030" in str(ValidationError({"dob": error}))
    nested = DeskError("scan.cccd", detail=DeskError("cccd.sex", text="X"))
    assert describe(nested) == "CCCD code refused: sex 'X' is neither Nam nor Nữ"
