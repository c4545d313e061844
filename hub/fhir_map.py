"""A record's body (the desk's wire format) as FHIR R4B resources, following WHO's DDCC:VS
Immunization profile: a Patient per person, an Immunization per record, an Observation per
adverse event. Pure functions from dictionaries to dictionaries; `validated` checks each with
the `fhir.resources` model before it is written. The choices (systems, ids) are in
docs/fhir.md.

The words inside the resources are data read by other software, in the language of the record
(Vietnamese), whatever the language in use: as the national template's are.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

ICD11 = "http://id.who.int/icd11/mms"
DDCC_IMMUNIZATION = "http://smart.who.int/ddcc/StructureDefinition/DDCCImmunization"
DDCC_BRAND = "http://smart.who.int/ddcc/StructureDefinition/DDCCEventBrand"
DDCC_COUNTRY = "http://smart.who.int/ddcc/StructureDefinition/DDCCCountryOfEvent"
COUNTRY = "VNM"  # ISO 3166-1 alpha-3, as DDCCCountryOfEvent wants it
# The person's document: HL7 Viet Nam's VN Core draft NamingSystems (docs/fhir.md: no
# official one from the Ministry is known; change them here when one is issued).
ID_SYSTEMS = {
    "cccd": "http://fhir.hl7.org.vn/core/sid/cccd",
    "cmnd": "http://fhir.hl7.org.vn/core/sid/cmnd",
    "passport": "http://fhir.hl7.org.vn/core/sid/passport",
}
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ID_TYPES = {"cccd": ("NI", "National unique individual identifier"),
            "cmnd": ("NI", "National unique individual identifier"),
            "passport": ("PPN", "Passport number")}  # fmt: skip
VN_PROVINCE = "http://fhir.hl7.org.vn/core/StructureDefinition/vn-ext-province"
VN_WARD = "http://fhir.hl7.org.vn/core/StructureDefinition/vn-ext-ward"
# vaxdesk's own codes (no national system for them): a site, the symptom list, outcomes.
OWN = "urn:vaxdesk"
SITE_SYSTEM = f"{OWN}:site"
OBSERVATION_SYSTEM = f"{OWN}:observation"
SYMPTOM_SYSTEM = f"{OWN}:aefi-symptom"
OUTCOME_SYSTEM = f"{OWN}:aefi-outcome"
SEVERITY_SYSTEM = "http://hl7.org/fhir/reaction-event-severity"
PERFORMER_FUNCTION = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0443",
                                  "code": "AP", "display": "Administering Provider"}]}  # fmt: skip
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
# Ids stable across exports: a person's Patient id is a UUIDv5 of their person key in this
# namespace (itself the UUIDv5 of a name of ours), a record's own reaction one of its id.
PATIENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{OWN}:fhir:Patient")
REACTION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{OWN}:fhir:Observation")
# ICD-11 MMS codes of the diseases a programme's vaccines target.
TARGET_DISEASES = {"covid19": ("RA01", "COVID-19"), "tetanus": ("1C13", "Tetanus")}
# Screening outcomes that mean no dose was given: the record is an Immunization `not-done`.
NOT_DONE = {"H": "tạm hoãn tiêm", "C": "chống chỉ định", "B": "tiêm tại bệnh viện"}  # TERMS.md
GENDERS = {"Nam": "male", "Nữ": "female"}
AEFI_TEXT = "Phản ứng sau tiêm chủng (AEFI)"
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def patient_id(person_key: str) -> str:
    return str(uuid.uuid5(PATIENT_NAMESPACE, person_key))


def reaction_id(record_id: str) -> str:
    """The id of the Observation of the reaction seen at the desk during the record's
    observation time (the record's own `aefi` field)."""
    return str(uuid.uuid5(REACTION_NAMESPACE, record_id))


def local_moment(day: str, hhmm: str, zone: ZoneInfo) -> str:
    """`2021-08-02` and `09:05` on the site's clock → `2021-08-02T09:05:00+07:00`; the day
    alone (a FHIR dateTime may be a date) when the time is not known."""
    match = _HHMM.fullmatch(str(hhmm or "").strip())
    if match is None:
        return date.fromisoformat(day).isoformat()
    moment = datetime.combine(date.fromisoformat(day), time(int(match[1]), int(match[2])), zone)
    return moment.isoformat()


def _instant(text: str) -> str | None:
    """A desk's ISO stamp with its offset, if it is one."""
    try:
        moment = datetime.fromisoformat(str(text or ""))
    except ValueError:
        return None
    return moment.isoformat() if moment.tzinfo is not None else None


def _padded(code: str, width: int) -> str:
    code = str(code or "").strip()
    return code.zfill(width) if code.isdigit() else code


@cache
def _vaccine(code: str) -> Any:
    from domain.tables import vaccine_table

    return vaccine_table().by_code(code)


@cache
def _place_names(province: str, ward: str) -> tuple[str, str]:
    """The names of the places of these codes (as stored); "" for a code not in the list."""
    from domain.places import province_name, ward_name

    province_named = province_name(province) if province else ""
    ward_named = ward_name(province, ward) if province and ward else ""
    return ("" if province_named == province else province_named,
            "" if ward_named == ward else ward_named)  # fmt: skip


@cache
def _symptom_name(code: str) -> str:
    from domain.aefi_symptoms import symptom_list

    symptom = symptom_list().by_code(code)
    return symptom.vi if symptom is not None else code


def _text(body: Mapping[str, Any], name: str) -> str:
    return str(body.get(name) or "").strip()


def _name(full_name: str) -> dict[str, Any]:
    """A Vietnamese name: the family name first, then the middle and given names."""
    words = full_name.split()
    name: dict[str, Any] = {"use": "official", "text": full_name}
    if words:
        name["family"] = words[0]
    if len(words) > 1:
        name["given"] = words[1:]
    return name


def _address(body: Mapping[str, Any]) -> dict[str, Any] | None:
    province_code, ward_code = _text(body, "province_code"), _text(body, "ward_code")
    line = _text(body, "address")
    if not (province_code or ward_code or line):
        return None
    province, ward = _padded(province_code, 2), _padded(ward_code, 5)
    province_name, ward_name = _place_names(province_code, ward_code)
    address: dict[str, Any] = {"use": "home", "country": "VN"}
    extensions = [{"url": url, "valueCoding": {"code": code, **({"display": name} if name else {})}}
                  for url, code, name in ((VN_PROVINCE, province, province_name),
                                          (VN_WARD, ward, ward_name)) if code]  # fmt: skip
    if extensions:
        address["extension"] = extensions
    if line:
        address["line"] = [line]
    if ward_name:
        address["district"] = ward_name
    if province_name:
        address["state"] = province_name
    address["text"] = ", ".join(part for part in (line, ward_name, province_name) if part)
    return address


def patient(body: Mapping[str, Any]) -> dict[str, Any]:
    """The person of a record (the latest record of theirs carries their details)."""
    resource: dict[str, Any] = {"resourceType": "Patient", "id": patient_id(body["person_key"])}
    id_type, number = _text(body, "id_type"), _text(body, "id_number")
    if number and id_type in ID_SYSTEMS:
        code, display = ID_TYPES[id_type]
        resource["identifier"] = [{
            "use": "official",
            "type": {"coding": [{"system": V2_0203, "code": code, "display": display}],
                     "text": id_type.upper()},
            "system": ID_SYSTEMS[id_type], "value": number,
        }]  # fmt: skip
    if full_name := _text(body, "full_name"):
        resource["name"] = [_name(full_name)]
    if phone := _text(body, "phone"):
        resource["telecom"] = [{"system": "phone", "value": phone, "use": "mobile"}]
    resource["gender"] = GENDERS.get(_text(body, "sex"), "unknown")
    if dob := _text(body, "dob"):  # `1950`, `1950-08` or a whole date: all FHIR dates
        resource["birthDate"] = dob
    if address := _address(body):
        resource["address"] = [address]
    return resource


def _vaccine_code(code: str, vaccine: Any) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": vaccine.name if vaccine is not None else code}
    if vaccine is not None and vaccine.icd11:
        concept["coding"] = [{"system": ICD11, "code": vaccine.icd11}]
    return concept


def _protocol(body: Mapping[str, Any], vaccine: Any) -> list[dict[str, Any]]:
    """The dose number (and the series' length where the table knows it: not for a booster
    or a vaccine given elsewhere), and the disease targeted."""
    number = body.get("dose_number")
    if not isinstance(number, int) or number < 1:
        return []  # FHIR wants a dose number in each protocol applied
    applied: dict[str, Any] = {"doseNumberPositiveInt": number}
    if vaccine is not None and not vaccine.given_elsewhere_only:
        intervals = vaccine.intervals_days
        series = len(intervals) + 1 if intervals else vaccine.primary_doses
        if number <= series:
            applied["seriesDosesPositiveInt"] = series
        disease = TARGET_DISEASES.get(vaccine.programme)
        if disease is not None:
            applied["targetDisease"] = [{"coding": [{"system": ICD11, "code": disease[0],
                                                     "display": disease[1]}]}]  # fmt: skip
    return [applied]


def immunization(
    body: Mapping[str, Any], reactions: Iterable[Mapping[str, Any]], zone: ZoneInfo
) -> dict[str, Any]:
    """A record's latest version: `entered-in-error` when voided, `not-done` when screening
    kept the dose back; its reactions point to their Observations."""
    code = _text(body, "vaccine")
    vaccine = _vaccine(code)
    extensions: list[dict[str, Any]] = []
    if vaccine is not None and vaccine.icd11_brand:
        extensions.append({"url": DDCC_BRAND, "valueCoding": {
            "system": ICD11, "code": vaccine.icd11_brand, "display": vaccine.name}})  # fmt: skip
    extensions.append({"url": DDCC_COUNTRY, "valueCode": COUNTRY})
    resource: dict[str, Any] = {
        "resourceType": "Immunization", "id": body["record_id"],
        "meta": {"profile": [DDCC_IMMUNIZATION]}, "extension": extensions,
        "status": _status(body), "vaccineCode": _vaccine_code(code, vaccine),
        "patient": {"reference": f"Patient/{patient_id(body['person_key'])}"},
        "occurrenceDateTime": local_moment(body["given_on"], _text(body, "given_time"), zone),
    }  # fmt: skip
    screening = _text(body, "screening")
    if resource["status"] == "not-done":
        resource["statusReason"] = {"coding": [{"system": ACT_REASON, "code": "MEDPREC"}],
                                    "text": NOT_DONE[screening]}  # fmt: skip
    if recorded := _instant(_text(body, "recorded_at")):
        resource["recorded"] = recorded
    resource["primarySource"] = _text(body, "source") != "certificate"
    site = _text(body, "site_id")
    resource["location"] = {"identifier": {"system": SITE_SYSTEM, "value": site}, "display": site}
    if lot := _text(body, "lot"):
        resource["lotNumber"] = lot
    if vaccinator := _text(body, "vaccinator"):
        resource["performer"] = [{"function": PERFORMER_FUNCTION, "actor": {"display": vaccinator}}]
    if protocol := _protocol(body, vaccine):
        resource["protocolApplied"] = protocol
    if reacted := [{"date": r["date"], "detail": {"reference": f"Observation/{r['id']}"},
                    "reported": r["reported"]} for r in reactions]:  # fmt: skip
        resource["reaction"] = reacted
    return resource


def _status(body: Mapping[str, Any]) -> str:
    if _text(body, "status") == "voided":
        return "entered-in-error"
    return "not-done" if _text(body, "screening") in NOT_DONE else "completed"


def _component(system: str, code: str, what: str) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    return {"code": {"text": what}, "valueCodeableConcept": {"coding": [coding]}}


def _observation(body: Mapping[str, Any], observation_id: str, effective: str,
                 status: str) -> dict[str, Any]:  # fmt: skip
    return {
        "resourceType": "Observation", "id": observation_id, "status": status,
        "code": {"coding": [{"system": OBSERVATION_SYSTEM, "code": "aefi"}], "text": AEFI_TEXT},
        "subject": {"reference": f"Patient/{patient_id(body['person_key'])}"},
        "partOf": [{"reference": f"Immunization/{body['record_id']}"}],
        "effectiveDateTime": effective,
    }  # fmt: skip


def desk_reaction(body: Mapping[str, Any], zone: ZoneInfo) -> dict[str, Any] | None:
    """The reaction the desk saw during the observation time (the record's `aefi` field)."""
    severity = _text(body, "aefi")
    if severity not in ("mild", "severe"):
        return None
    status = "entered-in-error" if _text(body, "status") == "voided" else "final"
    when = local_moment(body["given_on"], _text(body, "given_time"), zone)
    resource = _observation(body, reaction_id(body["record_id"]), when, status)
    if note := _text(body, "aefi_note"):
        resource["valueString"] = note
    resource["component"] = [_component(SEVERITY_SYSTEM, severity, "severity")]
    return resource


def event_observation(
    event: Mapping[str, Any], record: Mapping[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    """An adverse event linked to the record (its current version), as an Observation."""
    status = "entered-in-error" if _text(record, "status") == "voided" else "final"
    when = local_moment(event["onset_on"], _text(event, "onset_time"), zone)
    resource = _observation(record, str(event["event_id"]), when, status)
    if issued := _instant(_text(event, "recorded_at")):
        resource["issued"] = issued
    codes = [c for c in _text(event, "symptoms").split(",") if c]
    names = [_symptom_name(c) for c in codes]
    if other := _text(event, "symptoms_other"):
        names.append(other)
    value: dict[str, Any] = {}
    listed = {"version": version} if (version := _text(event, "symptom_list")) else {}
    if codes:
        value["coding"] = [{"system": SYMPTOM_SYSTEM, **listed, "code": c,
                            "display": _symptom_name(c)} for c in codes]  # fmt: skip
    if names:
        value["text"] = ", ".join(names)
    if value:
        resource["valueCodeableConcept"] = value
    resource["component"] = [
        _component(SEVERITY_SYSTEM, _text(event, "severity"), "severity"),
        _component(OUTCOME_SYSTEM, _text(event, "outcome"), "outcome"),
    ]
    notes = [f"{label}: {text}" for label, name in (("Xử trí", "treatment"),
                                                   ("Chuyển viện", "referral"))
             if (text := _text(event, name))]  # fmt: skip
    if notes:
        resource["note"] = [{"text": note} for note in notes]
    return resource


def reaction_of(observation: Mapping[str, Any], reported: bool) -> dict[str, Any]:
    """What the Immunization says of one of its Observations."""
    return {"id": observation["id"], "date": observation["effectiveDateTime"],
            "reported": reported}  # fmt: skip


@cache
def _model(resource_type: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, once its R4B model accepts it (pydantic's ValidationError otherwise)."""
    _model(resource["resourceType"]).model_validate(resource)
    return resource
