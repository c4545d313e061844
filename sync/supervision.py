"""What a supervisor sees of a site, from the hub's figures: pure functions and a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.worker import HubClient

SILENT_AFTER_SECONDS = 120
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


def desk_rows(stats: dict[str, Any], target_per_day: int) -> list[DeskRow]:
    """One row per desk: the hub's figures, and what should stand out."""
    now = datetime.fromisoformat(stats["generated_at"])
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
                behind=not silent and (rate < expected_rate / 2 or rate < peer_rate / 2),
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
    aefi = stats["totals"]["aefi"]
    if not aefi:
        return ""
    total = sum(aefi.values())
    severe = aefi.get("severe", 0)
    return f"⚠ {total} adverse event(s) reported today" + (f", {severe} SEVERE" if severe else "")


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
