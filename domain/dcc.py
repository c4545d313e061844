"""EU Digital COVID Certificate (HCERT): `HC1:` + base45 + zlib + COSE_Sign1 + CBOR claims.

Viet Nam has issued these since December 2021. The signature is not verified here: that needs
the issuers' public keys (the trust list), which a desk without internet does not have. What
is read is offered for import as doses given elsewhere, for the volunteer to confirm.
"""

from __future__ import annotations

import zlib
from datetime import date

from domain.dates import PartialDate
from domain.errors import DeskError
from domain.scans import CertificateDose, CertificateScan
from domain.text import clean_text

HCERT_CLAIM = -260
COSE_SIGN1_TAG = 18

# Medicinal products (EU value set `vaccines-covid-19-names`) to our vaccine codes.
PRODUCTS = {
    "EU/1/21/1529": "AZ",  # Vaxzevria
    "Covishield": "AZ",
    "R-COVI": "AZ",
    "EU/1/20/1528": "PF",  # Comirnaty
    "EU/1/20/1507": "MD",  # Spikevax
    "EU/1/20/1525": "JJ",  # Janssen
    "BBIBP-CorV": "VC",
    "Sputnik-V": "SP",
    "Sputnik-Light": "SPL",
    "Covaxin": "CVX",
    "Hayat-Vax": "HV",
    "Abdala": "AB",
}


def _cose_payload(raw: bytes) -> bytes:
    import cbor2

    message = cbor2.loads(raw)
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise DeskError("dcc.cbor_tag", tag=message.tag)
        message = message.value
    if not (
        isinstance(message, list | tuple) and len(message) == 4 and isinstance(message[2], bytes)
    ):
        raise DeskError("dcc.not_cose")
    return message[2]


def _date(text: object, what: str) -> date:
    if not isinstance(text, str):
        raise DeskError("dcc.date_missing", what=what)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise DeskError("dcc.not_a_date", what=what, text=text) from None


def _dob(text: object) -> PartialDate:
    """DCC birth dates may be YYYY-MM-DD, YYYY-MM or YYYY."""
    if not isinstance(text, str) or not text:
        raise DeskError("dcc.date_missing", what="date of birth")
    parts = text[:10].split("-")
    try:
        if len(parts) == 3:
            return PartialDate.of(date.fromisoformat(text[:10]))
        return PartialDate(int(parts[0]))
    except ValueError:
        raise DeskError("dcc.not_a_date", what="date of birth", text=text) from None


def parse_dcc(text: str, *, today: date) -> CertificateScan:
    import base45
    import cbor2

    try:
        compressed = base45.b45decode(text.removeprefix("HC1:"))
    except ValueError as error:
        raise DeskError("dcc.base45", detail=str(error)) from None
    try:
        raw = zlib.decompress(compressed) if compressed[:1] == b"\x78" else compressed
    except zlib.error as error:
        raise DeskError("dcc.compression", detail=str(error)) from None
    try:
        claims = cbor2.loads(_cose_payload(raw))
        hcert = claims[HCERT_CLAIM][1]
    except (cbor2.CBORDecodeError, KeyError, TypeError, IndexError) as error:
        raise DeskError("dcc.no_certificate", detail=type(error).__name__) from None
    names = hcert.get("nam") or {}
    family = clean_text(str(names.get("fn") or names.get("fnt") or ""))
    given = clean_text(str(names.get("gn") or names.get("gnt") or ""))
    if not (family or given):
        raise DeskError("dcc.no_name")
    doses = []
    for entry in hcert.get("v") or []:
        given_on = _date(entry.get("dt"), "vaccination date")
        if given_on > today:
            raise DeskError("dcc.future", date=f"{given_on:%d/%m/%Y}")
        product = str(entry.get("mp", ""))
        doses.append(
            CertificateDose(
                vaccine=PRODUCTS.get(product, ""),
                product=product,
                dose_number=int(entry.get("dn", 0)),
                series_doses=int(entry.get("sd", 0)),
                given_on=given_on,
                country=str(entry.get("co", "")),
                issuer=clean_text(str(entry.get("is", ""))),
            )
        )
    if not doses:
        raise DeskError("dcc.no_vaccination")
    return CertificateScan(
        family_name=family,
        given_name=given,
        dob=_dob(hcert.get("dob")),
        doses=tuple(doses),
        issuer_country=doses[0].country,
    )
