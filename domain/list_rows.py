"""One row of a subject list into a ListEntry, by the same rules as typed entry (the parsers
of domain.identity, domain.dates, domain.fields), with what spreadsheets do to cells undone:
a date cell is a date, a number cell lost its leading zeros (0912... -> 912...), 1985.0 is 1985.
Old (pre-2025) province, district and ward names and codes are kept as text, never refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from domain.dates import PartialDate, parse_date
from domain.errors import FieldError, ValidationError
from domain.fields import parse_lot
from domain.identity import (
    Identity,
    IdType,
    Sex,
    cccd_century_and_sex,
    check_cccd,
    check_cccd_birth_year,
    check_id_number,
    classify_id,
    normalize_id,
    normalize_name,
    normalize_phone,
    parse_sex,
)
from domain.list_columns import FIELDS
from domain.priority_groups import parse_priority_group
from domain.subjects import ListEntry, PriorDose
from domain.text import clean_text, fold

T = TypeVar("T")
_WIDTHS = {"province_code": 2, "district_code": 3, "ward_code": 5, "id_number": 12,
           "phone": 10}  # fmt: skip
_TEXT_LIMIT = 200


def cell_text(value: Any, name: str = "") -> str:
    """A cell as the text a person would have typed into the field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        width = _WIDTHS.get(name)
        if name == "id_number" and len(text) in (8, 11):
            return "0" + text  # a CMND or CCCD starting with 0, stored as a number
        if width and name != "id_number" and len(text) == width - 1:
            return "0" + text
        if name in ("province_code", "district_code", "ward_code") and width:
            return text.zfill(width)
        return text
    return str(value).strip()


def is_blank(cells: Mapping[str, Any]) -> bool:
    return not any(cell_text(v) for k, v in cells.items() if k in FIELDS)


def parse_sex_cell(text: str) -> Sex:
    """The template's 0 (nam) / 1 (nữ), or the words (Nam, Nữ, M, F)."""
    key = fold(text)
    if key == "0":
        return Sex.MALE
    if key == "1":
        return Sex.FEMALE
    if key.isdigit():
        raise FieldError("sex", "list.sex")
    try:
        return parse_sex(text)
    except FieldError:
        raise FieldError("sex", "list.sex") from None


def parse_dob(value: Any, today: date) -> PartialDate:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return parse_date(value.strftime("%d/%m/%Y"), today=today, field="dob")
    return parse_date(cell_text(value), today=today, field="dob", allow_year_only=True)


def _dose_date(value: Any, today: date, name: str) -> str:
    if isinstance(value, datetime):
        value = value.date()
    text = value.strftime("%d/%m/%Y") if isinstance(value, date) else cell_text(value)
    if not text:
        return ""
    return parse_date(text, today=today, field=name).to_date().isoformat()


def _free_text(name: str, text: str) -> str:
    if not text:
        return ""
    if text.isprintable() and "  " not in text and unicodedata.is_normalized("NFC", text):
        value = text.strip()  # clean already: what clean_text would give, faster
    else:
        value = clean_text(text)
    if len(value) > _TEXT_LIMIT:
        raise FieldError(name, "wire.too_long", limit=_TEXT_LIMIT)
    return value


def parse_row(cells: Mapping[str, Any], *, today: date) -> ListEntry:
    """Validate a row (field -> cell value) into a ListEntry, or raise ValidationError with
    every field at fault, in the template's order."""
    errors: dict[str, FieldError] = {}

    def take(name: str, parse: Callable[[str, Any], T]) -> T | None:
        """`parse(name, cell)`; its error is kept at its own field if that is a column's
        (a CCCD's year at the birth date), else at this column (a dose's lot)."""
        try:
            return parse(name, cells.get(name))
        except FieldError as error:
            at = error.field if error.field in FIELDS else name
            errors.setdefault(at, error.at(at))
            return None

    def text(name: str) -> str:
        return cell_text(cells.get(name), name)

    id_number = normalize_id(text("id_number"))
    id_type = classify_id(id_number)
    take("id_number", lambda _n, _v: check_id_number(id_type, id_number))
    if id_type is IdType.CCCD and "id_number" not in errors:
        take("id_number", lambda _n, _v: check_cccd_birth_year(id_number, today))
    full_name = take("full_name", lambda _n, v: normalize_name(cell_text(v)))
    dob = take("dob", lambda _n, v: parse_dob(v, today))
    sex_text = text("sex")
    sex: Sex | None
    if not sex_text and id_type is IdType.CCCD and "id_number" not in errors:
        sex = cccd_century_and_sex(id_number)[1]
    else:
        sex = take("sex", lambda _n, _v: parse_sex_cell(sex_text))
    if id_type is IdType.CCCD and dob and sex and "id_number" not in errors:
        take("dob", lambda _n, _v: check_cccd(id_number, dob, sex))
    phone = take("phone", lambda _n, _v: normalize_phone(text("phone")))
    group = take("priority_group", lambda n, _v: parse_priority_group(text(n)))
    plain = {name: take(name, lambda n, _v: _free_text(n, text(n)))
             for name in ("workplace", "insurance_number", "province", "province_code",
                          "district", "district_code", "ward", "ward_code", "address",
                          "vaccine", "note")}  # fmt: skip
    doses = []
    for number in (1, 2):
        given = take(f"dose{number}_date", lambda n, v: _dose_date(v, today, n))
        lot = take(f"dose{number}_lot", lambda n, _v: parse_lot(text(n)) if text(n) else "")
        place = take(f"dose{number}_place", lambda n, _v: _free_text(n, text(n)))
        if given or lot or place:
            doses.append(PriorDose(number, given or "", lot or "", place or ""))
    if dob and doses:
        for dose in doses:
            if dose.given_on and dob.year > int(dose.given_on[:4]):
                errors.setdefault(f"dose{dose.number}_date",
                                  FieldError(f"dose{dose.number}_date", "given_on.before_birth"))
    if errors:
        order = {name: i for i, name in enumerate(FIELDS)}
        ordered = sorted(errors, key=lambda k: order.get(k, 99))
        raise ValidationError({k: errors[k] for k in ordered})
    assert full_name is not None and dob is not None and sex is not None
    person = Identity(id_type=id_type, id_number=id_number, full_name=full_name, dob=dob,
                      sex=sex, phone=phone or "", address=plain["address"] or "")
    return ListEntry(
        person=person,
        priority_group=group or "",
        doses=tuple(doses),
        **{k: v or "" for k, v in plain.items() if k not in ("address",)},
    )
