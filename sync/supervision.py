"""What a supervisor sees of a site, from the hub's figures: pure functions and a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import DEFAULT_TIMEZONE, site_zone
from sync.worker import HubClient

SILENT_AFTER_SECONDS = 120
# A rate over 15 minutes says nothing before there were 15 minutes to watch, and little just
# after: one record is "4/h". A desk is called behind only once it (or, with no record yet, the
# site) has been recording for this long today.
JUDGED_AFTER = timedelta(minutes=30)
BARS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class DeskRow:
    desk_id: str
    today: int
    last_hour: int
    rate_per_hour: int  # over the last 15 minutes
    share_of_target: int  # % of this desk's part of the site's daily target
    backlog: str
    last_seen: str  # "12s", "4m", "never"
    silent: bool
    behind: bool
    camera: str
    conflicts: int
    problem: str  # last error, clock skew
    trend: str  # today's records per hour, as a sparkline


def sparkline(values: list[int]) -> str:
    peak = max(values, default=0)
    if peak == 0:
        return BARS[0] * len(values)
    return "".join(BARS[round(v / peak * (len(BARS) - 1))] for v in values)


def ago(seconds: float) -> str:
    if seconds < 60:
        return f"{max(seconds, 0):.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.0f}h"


def judged(desk: dict[str, Any], site_first: datetime | None, now: datetime) -> bool:
    """Whether this desk has recorded long enough today for its pace to call it behind: since
    its first record of the day, or since the site's when it has none yet (a desk idle while
    the others work is behind; at opening nobody is)."""
    first = desk.get("first_today")
    since = datetime.fromisoformat(first) if first else site_first
    return since is not None and now - since >= JUDGED_AFTER


def desk_rows(stats: dict[str, Any], target_per_day: int) -> list[DeskRow]:
    """One row per desk: the hub's figures, and what should stand out."""
    now = datetime.fromisoformat(stats["generated_at"])
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
        seen = desk.get("last_seen")
        silence = (now - datetime.fromisoformat(seen)).total_seconds() if seen else None
        silent = silence is None or silence > SILENT_AFTER_SECONDS
        rate = desk["last_15_min"] * 4
        problems = []
        if desk.get("audit_alert"):
            problems.append(desk["audit_alert"])
        if desk.get("last_error"):
            problems.append(desk["last_error"])
        if abs(desk.get("clock_skew_seconds") or 0) > 300:
            problems.append(f"clock off {desk['clock_skew_seconds'] / 60:+.0f} min")
        rows.append(
            DeskRow(
                desk_id=desk["desk_id"],
                today=desk["today"],
                last_hour=desk["last_hour"],
                rate_per_hour=rate,
                share_of_target=round(100 * desk["today"] / share) if share else 0,
                backlog="?" if desk.get("backlog") is None else str(desk["backlog"]),
                last_seen="never" if silence is None else ago(silence),
                silent=silent,
                behind=not silent
                and judged(desk, site_first, now)
                and (rate < expected_rate / 2 or rate < peer_rate / 2),
                camera=desk.get("camera") or "",
                conflicts=desk.get("conflicts", 0),
                problem="; ".join(problems),
                trend=sparkline(desk.get("hourly", [0] * 24)[6 : max(hour + 1, 7)]),
            )
        )
    return rows


def site_summary(stats: dict[str, Any], target_per_day: int) -> str:
    today = sum(d["today"] for d in stats["desks"])
    share = round(100 * today / target_per_day) if target_per_day else 0
    doses = ", ".join(
        f"{d['vaccine']} dose {d['dose_number']}: {d['count']}" for d in stats["totals"]["doses"]
    )
    return (
        f"Site {stats['site_id']} · {today} today of {target_per_day} ({share}%) · "
        f"{doses or 'no doses yet'}"
    )


def adverse_events(stats: dict[str, Any]) -> str:
    """Today's adverse events, severe first, each kind with the desks that reported it:
    "⚠ 3 adverse event(s) reported today: 1 SEVERE at desk-2; 2 mild at desk-1 ×2"."""
    aefi = stats["totals"]["aefi"]
    if not aefi:
        return ""
    by_desk: dict[str, dict[str, int]] = stats["totals"].get("aefi_by_desk", {})
    kinds = []
    for kind, label in (("severe", "SEVERE"), ("mild", "mild")):
        if not aefi.get(kind):
            continue
        desks = ", ".join(
            desk if count == 1 else f"{desk} ×{count}"
            for desk, count in sorted(by_desk.get(kind, {}).items())
        )
        kinds.append(f"{aefi[kind]} {label}" + (f" at {desks}" if desks else ""))
    return f"⚠ {sum(aefi.values())} adverse event(s) reported today: " + "; ".join(kinds)


def zone_of(stats: dict[str, Any] | None) -> ZoneInfo:
    """The site's time zone, as the hub's figures name it."""
    try:
        return site_zone((stats or {}).get("site_timezone") or DEFAULT_TIMEZONE)
    except ValueError:
        return site_zone(DEFAULT_TIMEZONE)


def clock_time(moment: str, zone: ZoneInfo) -> str:
    """An ISO moment as the site's clock shows it: "HH:MM"."""
    return f"{datetime.fromisoformat(moment).astimezone(zone):%H:%M}"


def skew_text(seconds: float | None) -> str:
    """A desk's clock skew, in whole seconds; nothing under a second (no "-0 s")."""
    whole = round(seconds or 0)
    return f"clock skew {whole:+d} s" if whole else ""


def desk_state(stats: dict[str, Any] | None, desk_id: str) -> str:
    """The line above a desk's records: its sync state, times on the site's clock."""
    desks: list[dict[str, Any]] = (stats or {}).get("desks", [])
    desk = next((d for d in desks if d["desk_id"] == desk_id), {})
    seen = desk.get("last_seen")
    if seen and stats:
        silence = datetime.fromisoformat(stats["generated_at"]) - datetime.fromisoformat(seen)
        seen = f"{clock_time(seen, zone_of(stats))} ({ago(silence.total_seconds())} ago)"
    backlog = desk.get("backlog")
    parts = [
        f"Desk {desk_id}",
        f"backlog {'?' if backlog is None else backlog}",
        f"last seen {seen or 'never'}",
        f"camera {desk.get('camera') or '-'}",
        f"software {desk.get('software_version') or '-'}",
        f"conflicts {desk.get('conflicts', 0)}",
        skew_text(desk.get("clock_skew_seconds")),
        f"last error: {desk['last_error']}" if desk.get("last_error") else "",
    ]
    return " · ".join(part for part in parts if part)


def recent_rows(
    records: list[dict[str, Any]], stats: dict[str, Any] | None
) -> list[tuple[str, ...]]:
    """A desk's latest records as the detail shows them: received and given on the site's
    clock ("HH:MM", with the day when it is not today, the year when not this year), ID numbers
    as the hub masked them."""
    zone = zone_of(stats)
    today = date.fromisoformat(stats["day"]) if stats else None

    def on_day(day: date, time: str) -> str:
        if day == today and time:
            return time
        shown = f"{day:%d/%m}" if today and day.year == today.year else f"{day:%d/%m/%Y}"
        return f"{shown} {time}".strip()

    rows: list[tuple[str, ...]] = []
    for r in records:
        received = datetime.fromisoformat(r["received_at"]).astimezone(zone)
        rows.append((
            on_day(received.date(), f"{received:%H:%M}"),
            r["id_number"],
            on_day(date.fromisoformat(r["given_on"]), r["given_time"]) if r["given_on"] else "",
            r["vaccine"] or "—",
            str(r["dose_number"] or "—"),
            r["screening"],
            r["aefi"] or "",
            r["source"],
            f"{r['status']} v{r['version']}",
        ))  # fmt: skip
    return rows


def updated_at(stats: dict[str, Any]) -> str:
    """When the hub made these figures, on the site's clock: "HH:MM:SS"."""
    return f"{datetime.fromisoformat(stats['generated_at']).astimezone(zone_of(stats)):%H:%M:%S}"


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
