"""A vaccine vial's GS1 code (issue 16): a DataMatrix (or GS1-128) on the vial or its carton
carries the product's GTIN (AI 01), the lot (AI 10) and the expiry (AI 17). Read with `biip`
(GS1's General Specifications: element strings, FNC1/GS separators, the symbology identifier
`]d2`, the HRI form `(01)…(17)…(10)…`, a day 00 as the month's last); the GTIN names the
vaccine through a small table (`domain/data/vial_gtins.toml`), or AI 240 carries its code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from domain.errors import FieldError
from domain.fields import parse_lot
from domain.tables import vaccine_table

GS = "\x1d"


@dataclass(frozen=True)
class VialScan:
    gtin: str
    vaccine: str  # "" when neither the table nor the code names it
    lot: str
    expires_on: date | None


@dataclass(frozen=True)
class VialTable:
    version: str
    vaccines: dict[str, str]  # GTIN (14 digits) -> vaccine code

    def vaccine(self, gtin: str) -> str:
        return self.vaccines.get(gtin.zfill(14), "")


def build_vial_table(data: dict[str, Any]) -> VialTable:
    """The table from its TOML data; a product whose vaccine is not in the vaccine table, or
    whose GTIN is not 14 digits, is a mistake of the file (ValueError naming it)."""
    vaccines: dict[str, str] = {}
    for product in data.get("product", []):
        gtin, code = str(product["gtin"]).zfill(14), str(product["vaccine"])
        if not (gtin.isdigit() and len(gtin) == 14) or vaccine_table().by_code(code) is None:
            raise ValueError(f"vial_gtins.toml: product {gtin} {code}")
        vaccines[gtin] = code
    return VialTable(str(data.get("version", "")), vaccines)


@cache
def vial_table() -> VialTable:
    text = files("domain").joinpath("data", "vial_gtins.toml").read_text("utf-8")
    return build_vial_table(tomllib.loads(text))


def _elements(text: str) -> dict[str, Any] | None:
    """AI -> element string of a GS1 code's text, or None when it is not one."""
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    raw = text.strip().replace("<GS>", GS)
    try:
        if raw.startswith("("):
            message = GS1Message.parse_hri(raw)
        else:
            for prefix in ("]d2", "]C1", "]Q3", "]e0"):
                raw = raw.removeprefix(prefix)
            message = GS1Message.parse(raw.lstrip(GS))
    except (ParseError, ValueError):
        return None
    return {element.ai.ai: element for element in message.element_strings}


def looks_like_vial(text: str) -> bool:
    """A GS1 code with a GTIN: what a wedge scanner typed into the session screen."""
    elements = _elements(text) if text.strip()[:1] in "(]0" else None
    return elements is not None and "01" in elements


def parse_vial(text: str, table: VialTable | None = None) -> VialScan | None:
    """The vial a code names; None when the code is not a product's GS1 code (no GTIN);
    FieldError at `lot` when it is one but carries no usable lot."""
    elements = _elements(text)
    if elements is None or "01" not in elements:
        return None
    gtin = str(elements["01"].value)
    vaccine = (table or vial_table()).vaccine(gtin)
    if not vaccine and "240" in elements:
        known = vaccine_table().resolve(str(elements["240"].value))
        vaccine = known.code if known is not None else ""
    if "10" not in elements:
        raise FieldError("lot", "vial.no_lot", text=gtin)
    lot = parse_lot(str(elements["10"].value))
    expiry = elements.get("17")
    return VialScan(gtin, vaccine, lot, expiry.date if expiry is not None else None)
