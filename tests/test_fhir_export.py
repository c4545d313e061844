"""The FHIR R4B export at the hub: the written files read back and every resource validated
again with `fhir.resources`, the fields mapped as docs/fhir.md says, both outputs, the CLI."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from hub.aefi_db import ingest_aefi
from hub.db import Desk, HubDB
from hub.fhir_export import export_site_fhir
from hub.fhir_map import ICD11, ID_SYSTEMS, immunization, patient_id, reaction_id, validated
from vaxdesk.cli import main

SITE = "TYT-PHUC-XA"
NOW = datetime(2021, 8, 20, 9, 0, tzinfo=UTC)
AUGUST = (date(2021, 8, 1), date(2021, 8, 31))


def rid(n: int) -> str:
    return f"0190a1b2-0000-7000-8000-{n:012d}"


R_AN1, R_AN2, R_BINH, R_VOI, R_JOHN, R_LATE, R_OTHER, R_BAD = (rid(n) for n in range(1, 9))
EVENT = "0190a1b2-0000-7000-9000-000000000001"


def body(record_id: str, version: int = 1, **given: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": record_id, "version": version, "status": "active", "void_reason": "",
        "desk_id": "desk-1", "site_id": SITE, "session_id": "s1", "id_type": "cccd",
        "id_number": "001090001234", "person_key": "cccd:001090001234",
        "full_name": "Nguyễn Văn An", "dob": "1990-05-03", "sex": "Nam",
        "phone": "0912345678", "province_code": "1", "ward_code": "70",
        "address": "12 Hàng Bạc", "screening": "D", "vaccine": "AZ", "lot": "A0001",
        "dose_number": 1, "given_on": "2021-08-02", "given_time": "09:05",
        "vaccinator": "Trần Thị Hoa", "aefi": "", "aefi_note": "", "observed_until": "",
        "source": "typed", "entered_by": "lan", "recorded_at": "2021-08-02T09:06:00+07:00",
    }  # fmt: skip
    fields.update(given)
    return fields


BINH = {"id_type": "none", "id_number": "", "person_key": "none:binh",
        "full_name": "Trần Thị Bình", "dob": "1985", "sex": "Nữ",
        "phone": "0387654321"}  # fmt: skip
VOI = {"id_type": "cmnd", "id_number": "079185042", "person_key": "cmnd:079185042",
       "full_name": "Lê Văn Voi", "dob": "1950-08"}  # fmt: skip
JOHN = {"id_type": "passport", "id_number": "C1234567", "person_key": "passport:C1234567",
        "full_name": "John Smith", "dob": "1979-11-30", "province_code": "", "ward_code": "",
        "address": ""}  # fmt: skip


def event(**given: Any) -> dict[str, Any]:
    fields = {
        "event_id": EVENT, "version": 1, "record_id": R_AN2, "person_key": "cccd:001090001234",
        "desk_id": "desk-1", "site_id": SITE, "given_on": "2021-08-16", "onset_on": "2021-08-17",
        "onset_time": "20:30", "symptoms": "fever,headache", "symptoms_other": "mệt",
        "symptom_list": "2026-12", "severity": "mild", "treatment": "hạ sốt", "referral": "",
        "outcome": "recovered", "vaccinator": "Trần Thị Hoa", "entered_by": "lan",
        "recorded_at": "2021-08-18T08:00:00+07:00",
    }  # fmt: skip
    fields.update(given)
    return fields


def hub_with_records(db: HubDB) -> None:
    desk = Desk("desk-1", SITE)
    db.ingest(desk, [
        body(R_AN1),
        body(R_AN2, vaccine="PF", dose_number=2, given_on="2021-08-16", lot="FK0001"),
        body(R_BINH, **BINH, lot="WRONG"),  # corrected below
        body(R_VOI, **VOI, status="voided", void_reason="duplicate"),
        body(R_JOHN, **JOHN, dose_number=3, aefi="mild", aefi_note="choáng nhẹ"),  # a booster
        body(R_LATE, person_key="cccd:x", given_on="2021-09-30"),  # outside the period
    ], NOW)  # fmt: skip
    db.ingest(Desk("desk-2", "OTHER"), [body(R_OTHER, site_id="OTHER", person_key="o:y")], NOW)
    db.ingest(desk, [body(R_BINH, 2, **BINH, lot="B0007")], NOW)
    ingest_aefi(db, desk, [event(), event(version=2, outcome="recovered", severity="severe")],
                NOW)  # fmt: skip


def read_ndjson(path: Path) -> list[dict[str, Any]]:
    """Each line, validated again by its R4B model."""
    resources = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resources


def by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in resources}


def test_ndjson_maps_the_records(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    out = tmp_path / "site.ndjson"
    done = export_site_fhir(hub_db, SITE, *AUGUST, out, bundle=False)
    assert (done.patients, done.immunizations, done.observations) == (4, 5, 2)
    assert (done.voided, done.refused) == (1, 0)

    resources = read_ndjson(out)
    kinds = [r["resourceType"] for r in resources]
    assert kinds == ["Patient"] * 4 + ["Immunization"] * 5 + ["Observation"] * 2
    found = by_id(resources)
    assert R_LATE not in found and R_OTHER not in found  # another period, another site

    an = found[patient_id("cccd:001090001234")]
    [cccd] = an["identifier"]
    assert cccd["system"] == ID_SYSTEMS["cccd"] == "http://fhir.hl7.org.vn/core/sid/cccd"
    assert cccd["value"] == "001090001234" and cccd["type"]["coding"][0]["code"] == "NI"
    assert an["name"] == [{"use": "official", "text": "Nguyễn Văn An", "family": "Nguyễn",
                           "given": ["Văn", "An"]}]  # fmt: skip
    assert (an["gender"], an["birthDate"]) == ("male", "1990-05-03")
    assert an["telecom"] == [{"system": "phone", "value": "0912345678", "use": "mobile"}]
    [home] = an["address"]
    assert [e["valueCoding"] for e in home["extension"]] == [
        {"code": "01", "display": "Thành phố Hà Nội"},
        {"code": "00070", "display": "Phường Hoàn Kiếm"},
    ]
    assert (home["district"], home["state"]) == ("Phường Hoàn Kiếm", "Thành phố Hà Nội")
    assert home["line"] == ["12 Hàng Bạc"] and home["country"] == "VN"

    binh = found[patient_id("none:binh")]
    assert "identifier" not in binh and binh["birthDate"] == "1985"  # partial dates
    voi = found[patient_id("cmnd:079185042")]
    assert voi["birthDate"] == "1950-08" and voi["identifier"][0]["system"] == ID_SYSTEMS["cmnd"]
    john = found[patient_id("passport:C1234567")]
    assert john["identifier"][0]["system"] == ID_SYSTEMS["passport"] and "address" not in john

    dose1 = found[R_AN1]
    assert dose1["status"] == "completed"
    assert dose1["meta"]["profile"] == [
        "http://smart.who.int/ddcc/StructureDefinition/DDCCImmunization"
    ]
    assert dose1["vaccineCode"]["coding"] == [{"system": ICD11, "code": "XM9QW8"}]
    brand, country = dose1["extension"]
    assert brand["valueCoding"]["code"] == "XM4YL8" and country["valueCode"] == "VNM"
    assert dose1["occurrenceDateTime"] == "2021-08-02T09:05:00+07:00"  # the site's clock
    assert dose1["lotNumber"] == "A0001"
    assert dose1["performer"][0]["actor"] == {"display": "Trần Thị Hoa"}
    assert dose1["location"]["identifier"]["value"] == SITE
    assert dose1["patient"] == {"reference": f"Patient/{an['id']}"}
    assert dose1["protocolApplied"] == [{
        "doseNumberPositiveInt": 1, "seriesDosesPositiveInt": 2,
        "targetDisease": [{"coding": [{"system": ICD11, "code": "RA01", "display": "COVID-19"}]}],
    }]  # fmt: skip
    assert "reaction" not in dose1

    assert found[R_BINH]["lotNumber"] == "B0007"  # the correction, as its latest version
    assert found[R_VOI]["status"] == "entered-in-error"
    booster = found[R_JOHN]["protocolApplied"][0]
    assert booster["doseNumberPositiveInt"] == 3 and "seriesDosesPositiveInt" not in booster

    dose2 = found[R_AN2]
    assert dose2["vaccineCode"]["coding"][0]["code"] == "XM0GQ8"
    assert dose2["reaction"] == [{"date": "2021-08-17T20:30:00+07:00",
                                  "detail": {"reference": f"Observation/{EVENT}"},
                                  "reported": True}]  # fmt: skip
    fever = found[EVENT]
    assert fever["partOf"] == [{"reference": f"Immunization/{R_AN2}"}]
    assert fever["subject"] == {"reference": f"Patient/{an['id']}"}
    assert [c["code"] for c in fever["valueCodeableConcept"]["coding"]] == ["fever", "headache"]
    assert fever["valueCodeableConcept"]["text"].endswith("mệt")
    severity = fever["component"][0]["valueCodeableConcept"]["coding"][0]["code"]
    assert severity == "severe"  # the event's current version
    seen = found[reaction_id(R_JOHN)]
    assert seen["valueString"] == "choáng nhẹ" and seen["status"] == "final"
    assert found[R_JOHN]["reaction"][0]["reported"] is False


def test_the_bundle_is_one_transaction(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    out = tmp_path / "site.json"
    done = export_site_fhir(hub_db, SITE, *AUGUST, out, bundle=True)
    bundle = json.loads(out.read_text("utf-8"))
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction" and len(bundle["entry"]) == 11
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        url = f"{resource['resourceType']}/{resource['id']}"
        assert entry["request"] == {"method": "PUT", "url": url}
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    ndjson = tmp_path / "site.ndjson"
    export_site_fhir(hub_db, SITE, *AUGUST, ndjson, bundle=False)
    assert [e["resource"] for e in bundle["entry"]] == read_ndjson(ndjson)  # the same resources
    assert done.immunizations == 5


def test_ids_are_stable_and_the_file_complete_before_it_counts(
    hub_db: HubDB, tmp_path: Path
) -> None:
    hub_with_records(hub_db)
    folder = tmp_path / "exports"
    folder.mkdir()
    first, again = folder / "a.ndjson", folder / "b.ndjson"
    sent: list[tuple[str, int]] = []

    def ledger(keys: Any) -> None:
        assert first.exists()  # told only once the file is in place
        sent.extend(keys)

    export_site_fhir(hub_db, SITE, *AUGUST, first, bundle=False, sent=ledger)
    assert sorted(sent) == sorted([(R_AN1, 1), (R_AN2, 1), (R_BINH, 2), (R_VOI, 1), (R_JOHN, 1)])
    assert stat.S_IMODE(first.stat().st_mode) == 0o600  # full ID numbers inside
    export_site_fhir(hub_db, SITE, *AUGUST, again, bundle=False,
                     keep=lambda record_id, version: record_id != R_AN2)  # fmt: skip
    kept = by_id(read_ndjson(again))
    assert set(kept) == set(by_id(read_ndjson(first))) - {R_AN2, EVENT}
    assert [p for p in read_ndjson(first) if p["resourceType"] == "Patient"] == [
        p for p in kept.values() if p["resourceType"] == "Patient"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["a.ndjson", "b.ndjson"]  # no parts left

    with pytest.raises(OSError):
        export_site_fhir(hub_db, SITE, *AUGUST, folder / "no" / "x.ndjson", bundle=False,
                         sent=lambda keys: pytest.fail("counted as sent"))  # fmt: skip


def test_a_record_the_model_refuses_is_left_out_and_named(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    hub_db.ingest(Desk("desk-1", SITE), [body(R_BAD, person_key="cccd:bad", dob="1950-13")], NOW)
    out = tmp_path / "site.json"
    done = export_site_fhir(hub_db, SITE, *AUGUST, out, bundle=True)
    assert (done.refused, done.refused_ids, done.immunizations) == (1, (R_BAD,), 5)
    Bundle.model_validate_json(out.read_text("utf-8"))


def test_an_empty_period_is_a_valid_empty_bundle(hub_db: HubDB, tmp_path: Path) -> None:
    out = tmp_path / "none.json"
    done = export_site_fhir(hub_db, SITE, *AUGUST, out, bundle=True)
    assert done.immunizations == 0
    assert json.loads(out.read_text("utf-8")) == {"resourceType": "Bundle", "type": "transaction"}
    Bundle.model_validate_json(out.read_text("utf-8"))


def test_progress_is_told_every_thousand_records(tmp_path: Path) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    people = [body(rid(100 + n), person_key=f"cccd:{n:012d}", id_number=f"{n:012d}")
              for n in range(2500)]  # fmt: skip
    db.ingest(Desk("desk-1", SITE), people, NOW)
    told: list[int] = []
    done = export_site_fhir(db, SITE, *AUGUST, tmp_path / "big.ndjson", bundle=False,
                            progress=told.append)  # fmt: skip
    db.close()
    assert told == [1000, 2000] and done.immunizations == 2500


def test_a_dose_kept_back_by_screening_is_not_done() -> None:
    postponed = immunization(body(R_AN1, screening="H", given_time=""), [], ZoneInfo("UTC"))
    assert postponed["status"] == "not-done"
    assert postponed["statusReason"]["text"] == "tạm hoãn tiêm"
    assert postponed["occurrenceDateTime"] == "2021-08-02"  # no time known: the day
    validated(postponed)
    given = immunization(body(R_AN1, vaccine="VAT", dose_number=4), [], ZoneInfo("UTC"))
    assert given["occurrenceDateTime"] == "2021-08-02T09:05:00+00:00"  # the zone given
    assert given["protocolApplied"][0]["seriesDosesPositiveInt"] == 5  # tetanus: 5 doses
    assert given["protocolApplied"][0]["targetDisease"][0]["coding"][0]["code"] == "1C13"
    assert given["vaccineCode"]["coding"][0]["code"] == "XM29H5"
    assert len(given["extension"]) == 1  # no product code: the country only


def export_command(db: HubDB, out: Path) -> Any:
    return CliRunner().invoke(main, ["hub", "--db", db.url, "export", "--site", SITE.lower(),
                                     "--from", "01/08/2021", "--to", "31/08/2021",
                                     "--format", "fhir", str(out)])  # fmt: skip


def test_the_command_writes_both_forms(hub_db: HubDB, tmp_path: Path) -> None:
    hub_with_records(hub_db)
    result = export_command(hub_db, tmp_path / "out.ndjson")
    assert result.exit_code == 0, result.output
    assert "as NDJSON: Patient 4, Immunization 5, Observation 2" in result.output
    assert len(read_ndjson(tmp_path / "out.ndjson")) == 11

    result = export_command(hub_db, tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert "as a transaction Bundle: Patient 4" in result.output
    Bundle.model_validate_json((tmp_path / "out.json").read_text("utf-8"))


def test_the_command_wants_a_known_suffix(tmp_path: Path) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'h.db'}")
    result = export_command(db, tmp_path / "out.xml")
    db.close()
    assert result.exit_code == 1 and ".ndjson" in result.output and ".json" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out.xml").exists()
