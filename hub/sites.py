"""The site registry's rules: what a vaccination site is (its code, the facility code the
national platform knows it by, name, address with province and ward codes, number of tables,
the person in charge and their phone), checked here before anything is stored.

Places are the 2025 units (`domain.places`), typed as a name (without diacritics, too) or a
code, and kept as the codes records carry, so a roll-up by ward or province joins on them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from domain.errors import FieldError, ValidationError
from domain.fields import parse_code, parse_person_name
from domain.identity import normalize_phone
from domain.places import province_name, resolve_province, resolve_ward, ward_name
from domain.text import clean_text

_FACILITY = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,19}")
MAX_TABLES = 99
T = TypeVar("T")

# The fields of a site, in the order a form or a listing shows them (the code first).
SITE_FIELDS = ("site_id", "facility_code", "name", "province", "ward", "address", "tables",
               "in_charge", "phone")  # fmt: skip


@dataclass(frozen=True)
class Site:
    site_id: str  # the code desks use (TV-CN-01), upper case
    facility_code: str  # the facility's code on the national platform
    name: str
    province_code: str  # 2025 units, as records carry them ("86")
    ward_code: str  # "29416"
    address: str  # street, hamlet: may be empty
    tables: int  # vaccination tables (bàn tiêm)
    in_charge: str  # the person in charge (người phụ trách)
    phone: str

    @property
    def province_name(self) -> str:
        return province_name(self.province_code)

    @property
    def ward_name(self) -> str:
        return ward_name(self.province_code, self.ward_code)

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def site_code(text: str) -> str:
    """A site's code as desks and the hub know it: a desk's code rule, upper case."""
    return parse_code("site", text).upper()


def parse_facility_code(text: str) -> str:
    code = clean_text(text).upper().replace(" ", "")
    if not code:
        raise FieldError("facility_code", "required")
    if not _FACILITY.fullmatch(code):
        raise FieldError("facility_code", "site.facility_code")
    return code


def parse_site_name(text: str) -> str:
    name = clean_text(text)
    if not name:
        raise FieldError("name", "required")
    if not 3 <= len(name) <= 120:
        raise FieldError("name", "site.name_length")
    return name


def parse_tables(text: str) -> int:
    text = clean_text(text)
    if not text:
        raise FieldError("tables", "required")
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_TABLES:
        raise FieldError("tables", "site.tables")
    return int(text)


def parse_address(text: str) -> str:
    address = clean_text(text)
    if len(address) > 200:
        raise FieldError("address", "site.address_length")
    return address


def parse_phone(text: str) -> str:
    if not clean_text(text):
        raise FieldError("phone", "required")
    return normalize_phone(text)


def parse_province(text: str) -> str:
    if not clean_text(text):
        raise FieldError("province", "required")
    return resolve_province(text)


def parse_ward(province_code: str, text: str) -> str:
    if not clean_text(text):
        raise FieldError("ward", "required")
    return resolve_ward(province_code, text)


def build_site(form: Mapping[str, str]) -> Site:
    """A site from what was typed (every field of SITE_FIELDS, as text); ValidationError
    naming every field to fix."""
    errors: dict[str, FieldError] = {}

    def take(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(form.get(name, ""))
        except FieldError as error:
            errors[name] = error.at(name)
            return None

    site_id = take("site_id", site_code)
    facility = take("facility_code", parse_facility_code)
    name = take("name", parse_site_name)
    province = take("province", parse_province)
    ward = take("ward", lambda text: parse_ward(province, text)) if province else None
    address = take("address", parse_address)
    tables = take("tables", parse_tables)
    in_charge = take("in_charge", lambda t: parse_person_name("in_charge", t))
    phone = take("phone", parse_phone)
    if errors:
        raise ValidationError(errors)
    assert site_id and facility and name and province and ward and tables and in_charge and phone
    return Site(site_id, facility, name, province, ward, address or "", tables, in_charge, phone)


def site_form(site: Site) -> dict[str, str]:
    """A site as the text its fields would be typed as (codes for the places)."""
    return {"site_id": site.site_id, "facility_code": site.facility_code, "name": site.name,
            "province": site.province_code, "ward": site.ward_code, "address": site.address,
            "tables": str(site.tables), "in_charge": site.in_charge,
            "phone": site.phone}  # fmt: skip


def edited_site(site: Site, changes: Mapping[str, str]) -> Site:
    """The site with these fields typed anew (the others kept); the code never changes. A new
    province needs its ward again: the old ward is of the old province."""
    form = {**site_form(site), **changes, "site_id": site.site_id}
    if "province" in changes and "ward" not in changes:
        form["ward"] = ""
    return build_site(form)
