"""What a supervisor sees of a site, from the hub's figures: the figures and what stands out,
as data (numbers, flags, seconds, moments on the site's clock); the screens put them in words.
And the client that reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import DEFAULT_TIMEZONE, site_zone
from sync.worker import HubClient

SILENT_AFTER_SECONDS = 120
CLOCK_OFF_SECONDS = 300
# A rate over 15 minutes says nothing before there were 15 minutes to watch, and little just
# after: one record is "4/h". A desk is called behind only once it (or, with no record yet, the
# site) has been recording for this long today.
JUDGED_AFTER = timedelta(minutes=30)
BARS = " ▁▂▃▄▅▆▇█"
AEFI_KINDS = ("severe", "mild")  # severe first


@dataclass(frozen=True)
class DeskRow:
    desk_id: str
    today: int = 0
    last_hour: int = 0
    rate_per_hour: int = 0  # over the last 15 minutes
    share_of_target: int = 0  # % of this desk's part of the site's daily target
    backlog: int | None = None  # None: the desk has not said
    last_seen: datetime | None = None  # on the site's clock; None: never heard from
    silence_seconds: float | None = None  # since last_seen, by the hub's clock
    silent: bool = True
    behind: bool = False
    camera: str = ""
    software_version: str = ""
    conflicts: int = 0
    audit_alert: bool = False  # the hub found the desk's audit trail rewritten
    last_error: str = ""  # as the desk reported it
    clock_skew_seconds: int = 0  # whole seconds: 0 under half a second
    clock_off: bool = False  # skewed by more than CLOCK_OFF_SECONDS
    trend: str = ""  # today's records per hour, as a sparkline
    waiting: int = 0  # the day's subjects arrived, not yet vaccinated or screened out
    in_observation: int = 0  # vaccinated, not yet observed or gone


@dataclass(frozen=True)
class SiteDay:
    site_id: str
    today: int  # records today, all desks
    target: int
    share: float  # of the target, 1.0 = reached
    doses: list[tuple[str, int, int]]  # (vaccine, dose number, count)
    site_name: str = ""  # as the hub's site registry names it ('' when not registered)

    @property
    def heading(self) -> str:
        """The site as a supervisor reads it: its name and code, else its code."""
        return f"{self.site_name} · {self.site_id}" if self.site_name else self.site_id


@dataclass(frozen=True)
class AdverseEvents:
    kind: str  # "severe" or "mild"
    count: int
    desks: list[tuple[str, int]]  # (desk, how many), by desk


def sparkline(values: list[int]) -> str:
    peak = max(values, default=0)
    if peak == 0:
        return BARS[0] * len(values)
    return "".join(BARS[round(v / peak * (len(BARS) - 1))] for v in values)


def judged(desk: dict[str, Any], site_first: datetime | None, now: datetime) -> bool:
    """Whether this desk has recorded long enough today for its pace to call it behind: since
    its first record of the day, or since the site's when it has none yet (a desk idle while
    the others work is behind; at opening nobody is)."""
    first = desk.get("first_today")
    since = datetime.fromisoformat(first) if first else site_first
    return since is not None and now - since >= JUDGED_AFTER


def desk_rows(stats: dict[str, Any], target_per_day: int = 0) -> list[DeskRow]:
    """One row per desk: the hub's figures, and what should stand out."""
    now = datetime.fromisoformat(stats["generated_at"])
    zone = zone_of(stats)
    firsts = [datetime.fromisoformat(d["first_today"]) for d in stats["desks"]
              if d.get("first_today")]  # fmt: skip
    site_first = min(firsts, default=None)
    hour = stats["hour"]  # the site's local hour, from the hub
    desks = stats["desks"]
    share = target_per_day / max(len(desks), 1)
    # Over a working day of ~8 hours, each desk's part of the target as an hourly pace.
    expected_rate = share / 8
    active_rates = sorted(
        d["last_15_min"] * 4 for d in desks if d.get("last_seen") and d["last_15_min"]
    )
    # Behind: well under its part of the target, or well under the other working desks.
    peer_rate = active_rates[len(active_rates) // 2] if len(active_rates) >= 2 else 0
    rows = []
    for desk in desks:
        seen = datetime.fromisoformat(desk["last_seen"]) if desk.get("last_seen") else None
        silence = (now - seen).total_seconds() if seen else None
        silent = silence is None or silence > SILENT_AFTER_SECONDS
        rate = desk["last_15_min"] * 4
        skew = desk.get("clock_skew_seconds") or 0
        rows.append(
            DeskRow(
                desk_id=desk["desk_id"],
                today=desk["today"],
                last_hour=desk["last_hour"],
                rate_per_hour=rate,
                share_of_target=round(100 * desk["today"] / share) if share else 0,
                backlog=desk.get("backlog"),
                last_seen=seen.astimezone(zone) if seen else None,
                silence_seconds=silence,
                silent=silent,
                behind=not silent
                and judged(desk, site_first, now)
                and (rate < expected_rate / 2 or rate < peer_rate / 2),
                camera=desk.get("camera") or "",
                software_version=desk.get("software_version") or "",
                conflicts=desk.get("conflicts", 0),
                audit_alert=bool(desk.get("audit_alert")),
                last_error=desk.get("last_error") or "",
                clock_skew_seconds=round(skew),
                clock_off=abs(skew) > CLOCK_OFF_SECONDS,
                trend=sparkline(desk.get("hourly", [0] * 24)[6 : max(hour + 1, 7)]),
                waiting=desk.get("waiting", 0),
                in_observation=desk.get("in_observation", 0),
            )
        )
    return rows


def desk_row(stats: dict[str, Any] | None, desk_id: str) -> DeskRow:
    """One desk's row; a desk the figures do not name was never heard from."""
    rows = desk_rows(stats) if stats else []
    return next((row for row in rows if row.desk_id == desk_id), DeskRow(desk_id))


def site_day(stats: dict[str, Any], target_per_day: int) -> SiteDay:
    """The site's day: its records against the target, and the doses given."""
    today = sum(d["today"] for d in stats["desks"])
    return SiteDay(
        site_id=stats["site_id"],
        today=today,
        target=target_per_day,
        share=today / target_per_day if target_per_day else 0,
        doses=[(d["vaccine"], d["dose_number"], d["count"]) for d in stats["totals"]["doses"]],
        site_name=str(stats.get("site_name") or ""),
    )


def adverse_events(stats: dict[str, Any]) -> list[AdverseEvents]:
    """Today's adverse events, severe first, each kind with the desks that reported it."""
    aefi = stats["totals"]["aefi"]
    by_desk: dict[str, dict[str, int]] = stats["totals"].get("aefi_by_desk", {})
    return [
        AdverseEvents(kind, aefi[kind], sorted(by_desk.get(kind, {}).items()))
        for kind in AEFI_KINDS
        if aefi.get(kind)
    ]


@dataclass(frozen=True)
class AefiRow:
    """One adverse event reported today, as the supervisor sees it: the person masked."""

    desk_id: str
    person: str  # masked
    severity: str  # "mild" or "severe"
    outcome: str  # domain.aefi.Outcome's value
    onset_on: date
    onset_time: str  # "HH:MM" on the site's clock
    reported_at: datetime | None  # on the site's clock
    symptoms: tuple[str, ...]  # codes of the symptom list
    symptoms_other: str
    referral: str

    @property
    def severe(self) -> bool:
        return self.severity == "severe"


def aefi_rows(stats: dict[str, Any] | None) -> list[AefiRow]:
    """Today's adverse events linked to doses, severe first, then the newest first (a hub
    before issue 13 sends none)."""
    rows = []
    for event in (stats or {}).get("totals", {}).get("aefi_events", []):
        reported = event.get("reported_at")
        rows.append(AefiRow(
            desk_id=str(event.get("desk_id", "")), person=str(event.get("person", "")),
            severity=str(event.get("severity", "")), outcome=str(event.get("outcome", "")),
            onset_on=date.fromisoformat(event["onset_on"]),
            onset_time=str(event.get("onset_time", "")),
            reported_at=on_site_clock(reported, stats) if reported else None,
            symptoms=tuple(c for c in str(event.get("symptoms", "")).split(",") if c),
            symptoms_other=str(event.get("symptoms_other", "")),
            referral=str(event.get("referral", "")),
        ))  # fmt: skip
    return sorted(rows, key=lambda r: not r.severe)  # stable: newest first within each


def severe_events(stats: dict[str, Any] | None) -> list[AefiRow]:
    """Today's severe events: each flagged on the supervisor's screen at once."""
    return [row for row in aefi_rows(stats) if row.severe]


def aefi_by_desk(stats: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    """Today's adverse events per desk by severity: {"desk-2": {"severe": 1, "mild": 2}}."""
    counts: dict[str, dict[str, int]] = {}
    for kind, desks in (stats or {}).get("totals", {}).get("aefi_by_desk", {}).items():
        for desk_id, count in desks.items():
            counts.setdefault(desk_id, {})[kind] = count
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class PlatformRefusal:
    """A record version the national platform refused, not yet corrected: the person masked."""

    desk_id: str
    given_on: date | None
    given_time: str  # "HH:MM" as the desk recorded it
    person: str  # the ID number, masked
    reason: str  # the platform's own words
    record_id: str = ""
    version: int = 0


@dataclass(frozen=True)
class PlatformFigures:
    not_sent: int  # records whose latest version has not gone to the national platform
    refused: int  # refused by it, not yet corrected (all of them)
    refusals: list[PlatformRefusal]  # the newest of them


def platform_figures(stats: dict[str, Any] | None) -> PlatformFigures | None:
    """The site and the national platform, from the hub's figures (None: a hub before
    issue 14 says nothing of it)."""
    platform = (stats or {}).get("platform")
    if not isinstance(platform, dict):
        return None
    refusals = []
    for row in platform.get("refusals", []):
        given = str(row.get("given_on") or "")
        refusals.append(PlatformRefusal(
            desk_id=str(row.get("desk_id", "")),
            given_on=date.fromisoformat(given) if given else None,
            given_time=str(row.get("given_time", "")), person=str(row.get("id_number", "")),
            reason=str(row.get("reason", "")), record_id=str(row.get("record_id", "")),
            version=int(row.get("version") or 0),
        ))  # fmt: skip
    return PlatformFigures(int(platform.get("not_sent") or 0), int(platform.get("refused") or 0),
                           refusals)  # fmt: skip


def zone_of(stats: dict[str, Any] | None) -> ZoneInfo:
    """The site's time zone, as the hub's figures name it."""
    try:
        return site_zone((stats or {}).get("site_timezone") or DEFAULT_TIMEZONE)
    except ValueError:
        return site_zone(DEFAULT_TIMEZONE)


def on_site_clock(moment: str, stats: dict[str, Any] | None) -> datetime:
    """An ISO moment as the site's clock reads it."""
    return datetime.fromisoformat(moment).astimezone(zone_of(stats))


def generated_at(stats: dict[str, Any]) -> datetime:
    """When the hub made these figures, on the site's clock."""
    return on_site_clock(stats["generated_at"], stats)


def site_today(stats: dict[str, Any] | None) -> date | None:
    """The site's day the figures are about."""
    return date.fromisoformat(stats["day"]) if stats else None


class SupervisorClient:
    """Reads a site's figures with a supervisor token (or a desk's)."""

    def __init__(self, url: str, token: str, site_id: str, *, ca_file: str | None = None) -> None:
        self.site_id = site_id
        self._hub = HubClient(url, token, ca_file=ca_file, timeout=5.0)

    async def stats(self) -> dict[str, Any]:
        return await self._hub.get(f"/sites/{self.site_id}/stats")

    async def recent(self, desk_id: str) -> dict[str, Any]:
        return await self._hub.get(f"/sites/{self.site_id}/desks/{desk_id}/recent")

    async def close(self) -> None:
        await self._hub.close()
