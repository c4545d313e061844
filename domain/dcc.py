"""EU Digital COVID Certificate (HCERT): `HC1:` + base45 + zlib + COSE_Sign1 + CBOR claims.

Viet Nam has issued these since December 2021. The signature is not verified here: that needs
the issuers' public keys (the trust list), which a desk without internet does not have. What
is read is offered for import as doses given elsewhere, for the volunteer to confirm.

The claims come from whoever printed the code: every field is checked for its type before it
is used, and anything unexpected is a refusal (DeskError), never an exception of another kind.
"""

from __future__ import annotations

import logging
import zlib
from datetime import date

from domain.dates import EARLIEST_YEAR, PartialDate
from domain.errors import DeskError
from domain.scans import CertificateDose, CertificateScan
from domain.text import clean_text
from i18n import N_

HCERT_CLAIM = -260
COSE_SIGN1_TAG = 18
# A QR code holds at most ~3 KB; real certificates inflate to well under 2 KB.
MAX_INFLATED = 64 * 1024
MAX_DOSE_NUMBER = 99
SHOWN = 40  # characters of a bad value quoted in a refusal

log = logging.getLogger("vaxdesk.scan")

# Medicinal products (EU value set `vaccines-covid-19-names`) to our vaccine codes, wherever
# our table has the vaccine; any other product is imported as OTHER with its text kept.
PRODUCTS = {
    "EU/1/21/1529": "AZ",  # Vaxzevria
    "Covishield": "AZ",  # Serum Institute of India, AstraZeneca's licence
    "R-COVI": "AZ",  # R-Pharm, AstraZeneca's licence
    "Covid-19-recombinant": "AZ",  # Fiocruz, AstraZeneca's licence
    "EU/1/20/1528": "PF",  # Comirnaty
    "EU/1/20/1507": "MD",  # Spikevax
    "EU/1/20/1525": "JJ",  # Janssen
    "BBIBP-CorV": "VC",  # Sinopharm (Beijing)
    "Inactivated-SARS-CoV-2-Vero-Cell": "VC",  # Sinopharm's Vero Cell, as named in Viet Nam
    "Hayat-Vax": "HV",
    "Sputnik-V": "SP",
    "Sputnik-Light": "SPL",
    "Covaxin": "CVX",
    "Abdala": "AB",
}
OTHER_VACCINE = "OTHER"


def _shown(value: object) -> str:
    return clean_text(str(value))[:SHOWN] if isinstance(value, str) else _kind(value)


def _kind(value: object) -> str:
    """What a value is, in the words of a refusal (never a Python type name)."""
    kinds = ((bool, N_("true/false")), (int, N_("a number")), (float, N_("a decimal")),
             (str, N_("text")), (bytes, N_("binary data")), (list, N_("a list")),
             (dict, N_("a map")))  # fmt: skip
    if value is None:
        return N_("nothing")
    return next((words for kind, words in kinds if isinstance(value, kind)), N_("something else"))


def _inflate(compressed: bytes) -> bytes:
    if compressed[:1] != b"\x78":
        return compressed
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_INFLATED)
    except zlib.error:
        raise DeskError("dcc.compression") from None
    if inflater.unconsumed_tail:
        raise DeskError("dcc.too_large", limit=MAX_INFLATED)
    return raw


def _cbor(raw: bytes) -> object:
    import cbor2

    try:
        return cbor2.loads(raw)
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError,
            MemoryError, LookupError) as error:  # fmt: skip
        log.info("certificate CBOR refused: %s", type(error).__name__)
        raise DeskError("dcc.not_cbor") from None


def _cose_payload(raw: bytes) -> bytes:
    import cbor2

    message = _cbor(raw)
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise DeskError("dcc.cbor_tag", tag=message.tag)
        message = message.value
    if not (
        isinstance(message, list | tuple) and len(message) == 4 and isinstance(message[2], bytes)
    ):
        raise DeskError("dcc.not_cose")
    return message[2]


def _map(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise DeskError("dcc.field_type", what=what, expected=N_("a map"), got=_kind(value))
    return value


def _text(entry: dict, key: str, what: str) -> str:
    value = entry.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DeskError("dcc.field_type", what=what, expected=N_("text"), got=_kind(value))
    return clean_text(value)


def _count(entry: dict, key: str, what: str, *, minimum: int) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DeskError("dcc.field_type", what=what, expected=N_("a number"), got=_kind(value))
    if not minimum <= value <= MAX_DOSE_NUMBER:
        raise DeskError("dcc.count_range", what=what, value=_shown(str(value)),
                        minimum=minimum, maximum=MAX_DOSE_NUMBER)  # fmt: skip
    return value


def _date(value: object, what: str) -> date:
    if not isinstance(value, str) or not value:
        raise DeskError("dcc.date_missing", what=what)
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise DeskError("dcc.not_a_date", what=what, text=_shown(value)) from None


def _dob(value: object, today: date) -> PartialDate | None:
    """YYYY-MM-DD, YYYY-MM or YYYY; empty (or absent) when the date of birth is unknown."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DeskError("dcc.field_type", what=N_("date of birth"), expected=N_("text"),
                        got=_kind(value))  # fmt: skip
    parts = value[:10].split("-")
    try:
        if not (1 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() for p in parts)):
            raise ValueError(value)
        if len(parts[0]) != 4 or not EARLIEST_YEAR <= int(parts[0]) <= today.year:
            raise ValueError(value)
        year, *rest = (int(p) for p in parts)
        month, day = [*rest, 0, 0][:2]
        if month and day:
            born = date(year, month, day)
            if born > today:
                raise ValueError(value)
            return PartialDate.of(born)
        date(year, month or 1, 1)  # the year and month, if given, exist
        return PartialDate(year, month or None)
    except ValueError:
        raise DeskError("dcc.not_a_date", what=N_("date of birth"), text=_shown(value)) from None


def _dose(entry: object, today: date) -> CertificateDose:
    entry = _map(entry, N_("vaccination"))
    given_on = _date(entry.get("dt"), N_("vaccination date"))
    if given_on > today:
        raise DeskError("dcc.future", date=given_on)
    dose_number = entry.get("dn")
    if dose_number == 0 and not isinstance(dose_number, bool):
        raise DeskError("dcc.dose_zero")
    product = _text(entry, "mp", N_("product"))
    return CertificateDose(
        vaccine=PRODUCTS.get(product, OTHER_VACCINE if product else ""),
        product=product,
        dose_number=_count(entry, "dn", N_("dose number"), minimum=1),
        series_doses=_count(entry, "sd", N_("doses in the series"), minimum=1),
        given_on=given_on,
        country=_text(entry, "co", N_("country"))[:2],
        issuer=_text(entry, "is", N_("issuer"))[:80],
    )


def parse_dcc(text: str, *, today: date) -> CertificateScan:
    import base45

    try:
        compressed = base45.b45decode(text.removeprefix("HC1:"))
    except (ValueError, KeyError, IndexError):
        raise DeskError("dcc.base45") from None
    claims = _cbor(_cose_payload(_inflate(compressed)))
    try:
        hcert = claims[HCERT_CLAIM][1]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        raise DeskError("dcc.no_certificate") from None
    hcert = _map(hcert, N_("health certificate"))
    names = _map(hcert.get("nam") or {}, N_("name"))
    family = _text(names, "fn", N_("family name")) or _text(names, "fnt", N_("family name"))
    given = _text(names, "gn", N_("given name")) or _text(names, "gnt", N_("given name"))
    if not (family or given):
        raise DeskError("dcc.no_name")
    vaccinations = hcert.get("v") or []
    if not isinstance(vaccinations, list):
        raise DeskError("dcc.field_type", what=N_("vaccinations"), expected=N_("a list"),
                        got=_kind(vaccinations))  # fmt: skip
    doses = tuple(_dose(entry, today) for entry in vaccinations)
    if not doses:
        raise DeskError("dcc.no_vaccination")
    return CertificateScan(
        family_name=family[:80],
        given_name=given[:80],
        dob=_dob(hcert.get("dob"), today),
        doses=doses,
        issuer_country=doses[0].country,
    )
