"""The hub's site registry (issue 16): a site's rules, its rows on both back ends, desks enrolled
at a registered site only, the sites grouped by province and ward, `vaxdesk hub site`, and the
supervisor's screen headed by the site's name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.widgets import Static

from domain.errors import ValidationError
from hub.db import HubDB
from hub.sites import build_site, edited_site
from hub.sites_db import Area, SiteRefused
from hub.tokens import issue_supervisor_token
from tests.conftest import until
from tui.supervise import make_supervisor_app
from vaxdesk.cli import main
from vaxdesk.testing.hub import HubServer, enrol

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CAU_NGANG = {"site_id": "tv-cn-01", "facility_code": "86123", "name": "Trạm Y tế xã Cầu Ngang",
             "province": "vinh long", "ward": "cau ngang", "address": "Ấp Mỹ Cẩm A",
             "tables": "4", "in_charge": "nguyễn văn bình", "phone": "+84 912 345 678"}  # fmt: skip
# A second site of the same ward, one of another ward of the province, one elsewhere.
SAME_WARD = {**CAU_NGANG, "site_id": "TV-CN-02", "facility_code": "86124",
             "name": "Trường THCS Cầu Ngang"}  # fmt: skip
OTHER_WARD = {**CAU_NGANG, "site_id": "VL-01", "facility_code": "86200", "ward": "cai nhum",
              "name": "Trạm Y tế xã Cái Nhum"}  # fmt: skip
HANOI = {**CAU_NGANG, "site_id": "HN-01", "facility_code": "01001", "province": "ha noi",
         "ward": "hoan kiem", "name": "Trạm Y tế phường Hoàn Kiếm"}  # fmt: skip


def test_a_site_is_read_as_typed() -> None:
    site = build_site(CAU_NGANG)
    assert site.site_id == "TV-CN-01" and site.facility_code == "86123"
    assert (site.province_code, site.ward_code) == ("86", "29416")
    assert (site.province_name, site.ward_name) == ("Vĩnh Long", "Xã Cầu Ngang")
    assert site.in_charge == "Nguyễn Văn Bình" and site.phone == "0912345678"
    assert site.tables == 4


def test_every_bad_field_is_named_at_once() -> None:
    bad = {**CAU_NGANG, "facility_code": "86 12/3", "name": "TY", "province": "atlantis",
           "tables": "0", "in_charge": "B0b", "phone": "12345"}  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        build_site(bad)
    errors = raised.value.errors
    assert set(errors) == {"facility_code", "name", "province", "tables", "in_charge", "phone"}
    assert errors["province"].code == "place.unknown"
    assert errors["tables"].code == "site.tables" and errors["in_charge"].code == "name.digits"
    with pytest.raises(ValidationError) as missing:
        build_site({"site_id": "S-1"})
    assert {e.code for e in missing.value.errors.values()} == {"required"}
    assert "ward" not in missing.value.errors  # said once the province is right


def test_an_edit_keeps_the_code_and_asks_a_new_provinces_ward() -> None:
    site = build_site(CAU_NGANG)
    renamed = edited_site(site, {"name": "Trạm Y tế Cầu Ngang", "site_id": "OTHER"})
    assert renamed.site_id == "TV-CN-01" and renamed.ward_code == site.ward_code
    with pytest.raises(ValidationError) as raised:
        edited_site(site, {"province": "ha noi"})
    assert set(raised.value.errors) == {"ward"}


def test_the_registry_on_both_back_ends(hub_db: HubDB) -> None:
    for form in (CAU_NGANG, SAME_WARD, OTHER_WARD, HANOI):
        hub_db.add_site(build_site(form), NOW)
    with pytest.raises(SiteRefused) as taken:
        hub_db.add_site(build_site(CAU_NGANG), NOW)
    assert taken.value.code == "site.exists"
    with pytest.raises(SiteRefused) as facility:
        hub_db.add_site(build_site({**CAU_NGANG, "site_id": "NEW-1"}), NOW)
    assert facility.value.params == {"value": "86123", "site": "TV-CN-01"}
    assert hub_db.site("NEW-1") is None  # nothing half-stored
    changed = edited_site(hub_db.site("TV-CN-01"), {"tables": "6"})  # type: ignore[arg-type]
    hub_db.update_site(changed, NOW)
    assert hub_db.site("TV-CN-01").tables == 6  # type: ignore[union-attr]
    with pytest.raises(SiteRefused):
        hub_db.update_site(build_site({**CAU_NGANG, "site_id": "NOBODY"}), NOW)
    # The roll-ups' query: the sites of a ward, of a province, or all of them.
    assert hub_db.area_site_ids("86", "29416") == ["TV-CN-01", "TV-CN-02"]
    assert hub_db.area_site_ids("86") == ["TV-CN-01", "TV-CN-02", "VL-01"]
    assert sorted(hub_db.area_site_ids()) == ["HN-01", "TV-CN-01", "TV-CN-02", "VL-01"]
    by_province = {g.province_code: g.site_ids for g in hub_db.site_groups(Area.PROVINCE)}
    assert by_province == {"1": ("HN-01",), "86": ("TV-CN-01", "TV-CN-02", "VL-01")}
    by_ward = {(g.province_code, g.ward_code): g.site_ids for g in hub_db.site_groups(Area.WARD)}
    assert by_ward[("86", "29416")] == ("TV-CN-01", "TV-CN-02") and len(by_ward) == 3
    # A roll-up over the groups holds every site once: the sum of its parts.
    assert sorted(sum((g.site_ids for g in hub_db.site_groups(Area.WARD)), ())) == sorted(
        hub_db.area_site_ids()
    )
    enrol(hub_db, "desk-1", "TV-CN-01")
    enrol(hub_db, "desk-2", "TV-CN-01")
    hub_db.revoke("desk-2")
    assert [(d.desk_id, d.revoked) for d in hub_db.site_desks("TV-CN-01")] == [
        ("desk-1", False), ("desk-2", True)]  # fmt: skip
    assert hub_db.site_name("TV-CN-01") == "Trạm Y tế xã Cầu Ngang" and not hub_db.site_name("X")


def hub_cli(db: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["hub", "--db", db, *args], env={"VAXDESK_DEBUG": ""})


def site_args(form: dict[str, str]) -> list[str]:
    flags = {"site_id": "--site", "facility_code": "--facility", "name": "--name",
             "province": "--province", "ward": "--ward", "address": "--address",
             "tables": "--tables", "in_charge": "--in-charge", "phone": "--phone"}  # fmt: skip
    return [part for name, flag in flags.items() for part in (flag, form[name])]


def test_the_site_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    # A desk is enrolled at a registered site only: no token for an unknown one.
    unknown = hub_cli(db, "enrol", "--desk", "desk-1", "--site", "TV-CN-01")
    assert unknown.exit_code == 1 and "no site TV-CN-01 in the hub's registry" in unknown.output
    assert "vxd_" not in unknown.output
    added = hub_cli(db, "site", "add", *site_args(CAU_NGANG))
    assert added.exit_code == 0, added.output
    assert "site TV-CN-01 registered: Trạm Y tế xã Cầu Ngang, Xã Cầu Ngang, Vĩnh Long" in (
        added.output)  # fmt: skip
    assert hub_cli(db, "site", "add", *site_args(HANOI)).exit_code == 0
    again = hub_cli(db, "site", "add", *site_args(CAU_NGANG))
    assert again.exit_code == 1 and "in the registry already" in again.output
    bad = hub_cli(db, "site", "add", *site_args({**SAME_WARD, "tables": "many", "phone": "1"}))
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1
    assert "--tables: the number of tables" in bad.output and "--phone: " in bad.output
    enrolled = hub_cli(db, "enrol", "--desk", "desk-1", "--site", "tv-cn-01")
    assert enrolled.exit_code == 0 and enrolled.stdout.strip().startswith("vxd_")
    edited = hub_cli(db, "site", "edit", "--site", "TV-CN-01", "--tables", "6")
    assert edited.exit_code == 0 and "site TV-CN-01 changed" in edited.output
    nothing = hub_cli(db, "site", "edit", "--site", "TV-CN-01")
    assert nothing.exit_code == 2 and "nothing to change" in nothing.output
    missing = hub_cli(db, "site", "edit", "--site", "NOPE", "--tables", "2")
    assert missing.exit_code == 1 and "no site NOPE" in missing.output
    listed = hub_cli(db, "site", "list").output.splitlines()
    assert listed[0] == "Thành phố Hà Nội (1)" and listed[1].startswith("  Phường Hoàn Kiếm")
    row = next(line for line in listed if "TV-CN-01" in line).strip().split("\t")
    assert row[:4] == ["TV-CN-01", "86123", "Trạm Y tế xã Cầu Ngang", "6 tables"]
    assert row[5] == "desks: desk-1"
    only = hub_cli(db, "site", "list", "--province", "vinh long").output
    assert "TV-CN-01" in only and "HN-01" not in only
    wrong = hub_cli(db, "site", "list", "--province", "atlantis")
    assert wrong.exit_code == 1 and "no province called 'atlantis'" in wrong.output


async def test_the_supervisor_screen_is_headed_by_the_sites_name(tmp_path: Path) -> None:
    db = HubDB(f"sqlite:///{tmp_path / 'hub.db'}")
    db.add_site(build_site(CAU_NGANG), NOW)
    supervisor = issue_supervisor_token(db, "TV-CN-01", NOW)
    server = HubServer(db).start()
    app = make_supervisor_app(server.url, supervisor, "TV-CN-01", refresh_seconds=0.2)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            summary = app.screen.query_one("#site-summary", Static)
            await until(pilot, lambda: "Cầu Ngang" in str(summary.render()), "the site's name")
            assert "Site Trạm Y tế xã Cầu Ngang · TV-CN-01 · 0 today" in str(summary.render())
            assert app.sub_title == "site Trạm Y tế xã Cầu Ngang · TV-CN-01"
    finally:
        server.stop()
        db.close()
