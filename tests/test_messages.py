"""Every error code the code raises has its words in the one catalogue."""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest

import i18n
from domain.dates import PartialDate
from domain.errors import DeskError, FieldError, ValidationError
from domain.fields import Aefi, Screening, Source
from domain.identity import IdType
from domain.messages import MESSAGES, describe, field_label, render
from domain.places import resolve_province
from domain.roles import Action, NotAllowed, Role
from domain.tables import vaccine_table
from scanner.sources import CameraError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "store", "desk", "sync", "hub", "scanner", "tui", "vaxdesk")
CODE = re.compile(r"[a-z_0-9]+(\.[a-z_0-9]+)+|required")
RAISERS = {"FieldError", "DeskError", "LoginError", "PinRefused", "Rejected", "StoreError",
           "RecordNotFound", "render", "CameraError", "NoWebcam", "HubUnavailable",
           "SchemaTooNew", "SiteRefused", "StaffRefused"}  # fmt: skip


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


# Vietnamese: every message of the catalogue, with plausible parameters (a word parameter
# holds its English message id, as the code gives it).
PLAUSIBLE: dict[str, object] = {
    "text": "abc", "province": "099", "coded": 1992, "given": 1993, "year": 2030, "day": 31,
    "month": 2, "date": "01/01/2030", "earliest": 1900, "what": "province",
    "names": "Hà Nội, Hà Nam", "choices": "AZ, PF", "vaccine": "PF",
    "ages": DeskError("ages.years", low=5, high=11), "age": 1, "on": date(2026, 11, 23),
    "today": "23/11/2026", "limit": 3, "screening": "postponed", "kind": "stock",
    "desk": "desk-1", "site": "TV-01", "wait": 31, "detail": "x", "record_id": "r-1",
    "version": 2, "path": "/tmp/x", "number": 2, "given_on": "01/06/2021", "lot": "AB1",
    "due": "01/07/2021", "expected": 7, "name": "Lan", "failures": 5, "role": "volunteer",
    "action": "export records", "since": datetime(2026, 11, 23, 9, 12), "error": "ConnectError",
    "backlog": 3, "conflicts": 0, "id": "********1234", "at": "09:14", "count": 8, "tag": 17,
    "got": "a number", "value": "12", "minimum": 1, "maximum": 9, "low": 5, "high": 11,
    "field": "Ngày tiêm", "reason": "x", "status": 503, "cameras": "/dev/video0", "device": 0,
    "spec": "x", "applied": 6, "known": 5,
    "first": 9, "column": "B", "found": "Tên", "label": "Kết quả import", "sheet": "PL1",
    "export": "NAT-20210820-3fa9",
    "antigen": "Sởi", "previous": "01/06/2025", "latest": "01/06/2030", "vaccines": "5IN1, DPT",
}  # fmt: skip
WORDS = {"cccd.date_shape": {"what": "birth date"}, "cccd.date_missing": {"what": "birth date"},
         "dcc.date_missing": {"what": "vaccination date"},
         "dcc.not_a_date": {"what": "date of birth"},
         "dcc.field_type": {"what": "name", "expected": "a map"},
         "dcc.count_range": {"what": "dose number"}}  # fmt: skip
# Messages Vietnamese writes as English does: none so far.
SAME_IN_BOTH: set[str] = set()
ENGLISH = re.compile(r"\b(the|is|not|of|and|or|with|has|for|this|already|must|no|a|an|"
                     r"province|ward|years?|months?|volunteer|records?|dose)\b")  # fmt: skip


def plausible(code: str) -> dict[str, object]:
    names = re.findall(r"{(\w+)", MESSAGES[code])
    return {name: WORDS.get(code, {}).get(name, PLAUSIBLE[name]) for name in names}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_speaks_vietnamese(code: str) -> None:
    params = plausible(code)
    english = render(code, params)
    i18n.set_language("vi")
    vietnamese = render(code, params)
    assert vietnamese and "{" not in vietnamese
    assert unicodedata.is_normalized("NFC", vietnamese)
    if code not in SAME_IN_BOTH:
        assert vietnamese != english
    shown = vietnamese
    for value in params.values():
        shown = shown.replace(str(value), "")
    assert not ENGLISH.search(shown), (code, vietnamese)


def test_a_few_messages_word_for_word() -> None:
    i18n.set_language("vi")
    assert render("id.cccd_digits") == "Số CCCD có 12 chữ số"
    assert render("login.locked", {"failures": 5, "wait": 31}) == (
        "đã khóa sau 5 lần sai mã PIN: thử lại sau 31 giây"
    )
    assert describe(NotAllowed(Role.VOLUNTEER, Action.EXPORT)) == (
        "tình nguyện viên không được xuất bản ghi"
    )
    with pytest.raises(FieldError) as unknown:
        resolve_province("Gotham")
    assert describe(unknown.value) == "không có tỉnh/thành phố nào tên 'Gotham'"
    assert "province" not in describe(unknown.value)
    assert render("screening.invalid").startswith("D đủ điều kiện tiêm · H tạm hoãn tiêm")


def test_a_count_picks_its_form_in_english() -> None:
    assert render("login.locked", {"failures": 1, "wait": 30}) == (
        "locked after 1 wrong PIN: try again in 30 s"
    )
    assert render("login.locked", {"failures": 2, "wait": 30}) == (
        "locked after 2 wrong PINs: try again in 30 s"
    )
    assert render("wire.too_long", {"limit": 1}) == "longer than 1 character"


def test_the_ages_a_vaccine_is_for_are_said_in_the_language_in_use() -> None:
    table = vaccine_table()
    paediatric, adult = table.by_code("PFC"), table.by_code("AZ")
    assert paediatric is not None and adult is not None
    with pytest.raises(FieldError) as young:
        paediatric.check_age(PartialDate(2025, 1, 1), date(2026, 11, 23))
    i18n.set_language("vi")
    assert (paediatric.ages(), adult.ages()) == ("5-11 tuổi", "từ 18 tuổi trở lên")
    assert describe(young.value) == (
        "PFC dành cho người 5-11 tuổi: người này 1 tuổi vào ngày 23/11/2026"
    )


def test_labels_of_outcomes_and_roles_follow_the_language() -> None:
    assert (Screening.POSTPONE.label, Role.SUPERVISOR.label) == ("postponed", "supervisor")
    i18n.set_language("vi")
    assert Screening.POSTPONE.label == "tạm hoãn tiêm"
    assert Screening.REFER.label == "tiêm tại bệnh viện"
    assert (Aefi.SEVERE.label, Source.RETROSPECTIVE.label) == ("nặng", "nhập hồi cứu")
    assert (Role.SUPERVISOR.label, Action.VOID.label) == ("giám sát viên", "hủy bản ghi")
    assert (IdType.PASSPORT.label, IdType.NONE.label) == ("Hộ chiếu", "Không có giấy tờ")
    assert field_label("given_on") == "Ngày tiêm"
    assert field_label("no_such_field") == "no_such_field"


def test_a_hubs_refusal_is_said_in_the_desks_language() -> None:
    """The hub sends code, field and params beside its words; the desk renders them."""
    from desk.today import HubProblem
    from hub.records import refusal

    adult = vaccine_table().by_code("AZ")
    assert adult is not None
    try:
        adult.check_age(PartialDate(2020, 5, 1), date(2026, 11, 23))
    except FieldError as error:
        young = error
    sent = json.loads(json.dumps(refusal(young)))  # over the wire
    assert sent["params"]["ages"] == {"code": "ages.years_over", "params": {"low": 18}}
    row = {"state": "refused", "last_error": "refused: …", "problem": sent}
    assert HubProblem.of(row).text() == (
        "refused: Date of birth: AZ is for 18 years and over: this person is 6 on 23/11/2026"
    )
    i18n.set_language("vi")
    assert HubProblem.of(row).text() == (
        "bị từ chối: Ngày sinh: AZ dành cho người từ 18 tuổi trở lên: người này 6 tuổi vào "
        "ngày 23/11/2026"
    )
    assert refusal(young)["message"] == (  # the hub's own words stay English, for machines
        "dob: AZ is for 18 years and over: this person is 6 on 23/11/2026"
    )
    conflict = {"state": "conflict", "problem": {"result": "conflict", "field": "phone"}}
    assert HubProblem.of(conflict).text() == "xung đột: Số điện thoại"
    old = {"state": "refused", "last_error": "refused: given_on: bad [x]", "problem": {}}
    assert HubProblem.of(old).text() == "refused: given_on: bad [x]"  # a desk's note of old


def test_a_camera_that_cannot_be_used_says_why_in_vietnamese() -> None:
    from scanner.sources import open_source

    i18n.set_language("vi")
    with pytest.raises(CameraError) as none:
        open_source("auto", webcams=list)
    assert str(none.value) == "không tìm thấy webcam"
    assert describe(CameraError("camera.demo_only")).startswith("camera chạy thử")
