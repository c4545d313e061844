"""The site registry at the hub: sites added and edited (checked by `hub.sites` before they
come here), the desks enrolled at each, and sites grouped by ward and province, the query a
report past one site starts from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from dbkit import Cursor, iso
from domain.errors import DeskError
from hub.sites import Site
from hub.storage import Storage

_COLUMNS = ("site_id, facility_code, name, province_code, ward_code, address, table_count, "
            "in_charge, phone")  # fmt: skip


class SiteRefused(DeskError):
    """A site the registry will not take as it is: its code or facility code is taken, or it
    is not there to edit."""


class Area(StrEnum):
    PROVINCE = "province"
    WARD = "ward"


@dataclass(frozen=True)
class AreaSites:
    """The registered sites of one province (ward "" when grouped by province) or ward."""

    province_code: str
    ward_code: str
    site_ids: tuple[str, ...]


@dataclass(frozen=True)
class EnrolledDesk:
    desk_id: str
    enrolled_at: str
    revoked: bool


def _site(row: Sequence[Any]) -> Site:
    return Site(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
                int(row[6]), str(row[7]), str(row[8]))  # fmt: skip


class SiteRows(Storage):
    def add_site(self, site: Site, now: datetime) -> None:
        """Register a new site; SiteRefused when its code or facility code is taken."""
        with self._tx() as cur:
            if self._site(cur, site.site_id) is not None:
                raise SiteRefused("site.exists", site=site.site_id)
            self._facility_free(cur, site)
            cur.execute(
                f"INSERT INTO sites ({_COLUMNS}, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_values(site), iso(now), iso(now)),
            )

    def update_site(self, site: Site, now: datetime) -> None:
        """The registered site with this code, as given (SiteRefused: no such site)."""
        with self._tx() as cur:
            if self._site(cur, site.site_id) is None:
                raise SiteRefused("site.unknown", site=site.site_id)
            self._facility_free(cur, site)
            cur.execute(
                "UPDATE sites SET facility_code = ?, name = ?, province_code = ?, ward_code = ?, "
                "address = ?, table_count = ?, in_charge = ?, phone = ?, updated_at = ? "
                "WHERE site_id = ?",
                (*_values(site)[1:], iso(now), site.site_id),
            )

    def site(self, site_id: str) -> Site | None:
        with self._tx() as cur:
            return self._site(cur, site_id)

    def sites(self, province_code: str = "", ward_code: str = "") -> list[Site]:
        """The registered sites, of one province or ward when given, by place then code."""
        where, params = _area(province_code, ward_code)
        with self._tx() as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM sites{where} "
                        "ORDER BY province_code, ward_code, site_id", params)  # fmt: skip
            return [_site(row) for row in cur.fetchall()]

    def area_site_ids(self, province_code: str = "", ward_code: str = "") -> list[str]:
        """The codes of the sites of a province or a ward (all sites held when neither is
        given): what a roll-up sums over."""
        return [site.site_id for site in self.sites(province_code, ward_code)]

    def site_groups(self, by: Area) -> list[AreaSites]:
        """The registered sites grouped by province, or by ward (within its province)."""
        groups: dict[tuple[str, str], list[str]] = {}
        for site in self.sites():
            ward = site.ward_code if by is Area.WARD else ""
            groups.setdefault((site.province_code, ward), []).append(site.site_id)
        return [AreaSites(province, ward, tuple(ids)) for (province, ward), ids in groups.items()]

    def site_desks(self, site_id: str) -> list[EnrolledDesk]:
        """The desks enrolled at a site, revoked ones too (marked)."""
        with self._tx() as cur:
            cur.execute("SELECT desk_id, enrolled_at, revoked FROM desks WHERE site_id = ? "
                        "ORDER BY desk_id", (site_id,))  # fmt: skip
            return [EnrolledDesk(str(d), str(at), bool(r)) for d, at, r in cur.fetchall()]

    def site_name(self, site_id: str) -> str:
        """The registered name of a site ('' when it is not in the registry)."""
        site = self.site(site_id)
        return site.name if site is not None else ""

    @staticmethod
    def _site(cur: Cursor, site_id: str) -> Site | None:
        row = cur.execute(f"SELECT {_COLUMNS} FROM sites WHERE site_id = ?", (site_id,)).fetchone()
        return _site(row) if row else None

    @staticmethod
    def _facility_free(cur: Cursor, site: Site) -> None:
        row = cur.execute("SELECT site_id FROM sites WHERE facility_code = ? AND site_id != ?",
                          (site.facility_code, site.site_id)).fetchone()  # fmt: skip
        if row:
            raise SiteRefused("site.facility_taken", value=site.facility_code, site=row[0])


def _values(site: Site) -> tuple[Any, ...]:
    return (site.site_id, site.facility_code, site.name, site.province_code, site.ward_code,
            site.address, site.tables, site.in_charge, site.phone)  # fmt: skip


def _area(province_code: str, ward_code: str) -> tuple[str, tuple[str, ...]]:
    if ward_code:
        return " WHERE province_code = ? AND ward_code = ?", (province_code, ward_code)
    if province_code:
        return " WHERE province_code = ?", (province_code,)
    return "", ()
