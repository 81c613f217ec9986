"""Which days a report covers: an ISO week, the last complete one, the latest week of the data, or a range."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from ..errors import GraphRiskError

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)


class ReportError(GraphRiskError):
    """A report cannot be made as asked (bad week, empty range, no store ...)."""


@dataclass(frozen=True)
class Period:
    """``since`` ≤ record date ≤ ``until`` (ISO dates); ``label`` names it (``2026-W46`` or ``since_until``)."""

    since: str
    until: str
    label: str
    kind: str  # "week" or "range"
    # how the period was chosen when not given: "latest_data" (the latest complete ISO week with data), with
    # the latest record date; not part of the report's data (the same week gives the same report.json)
    chosen: str = field(default="", compare=False)
    latest_record: str | None = field(default=None, compare=False)

    @property
    def days(self) -> int:
        return (date.fromisoformat(self.until) - date.fromisoformat(self.since)).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        s = date.fromisoformat(self.since)
        n = self.days
        ps, pu = s - timedelta(days=n), s - timedelta(days=1)
        if self.kind == "week":
            return week_period(iso_week_label(ps))
        return Period(ps.isoformat(), pu.isoformat(), f"{ps.isoformat()}_{pu.isoformat()}", "range")

    def to_dict(self) -> dict:
        return {"label": self.label, "kind": self.kind, "since": self.since, "until": self.until, "days": self.days}


def iso_week_label(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def week_period(label: str) -> Period:
    """``2026-W46`` (or ``2026W46``) → Monday..Sunday of that ISO week."""
    m = _WEEK_RE.match(label.strip())
    if not m:
        raise ReportError(f"'{label}' is not an ISO week like 2026-W46 (or 'latest-data')")
    y, w = int(m.group(1)), int(m.group(2))
    try:
        monday = date.fromisocalendar(y, w, 1)
    except ValueError:
        raise ReportError(f"'{label}': year {y} has no ISO week {w}") from None
    return Period(monday.isoformat(), (monday + timedelta(days=6)).isoformat(), f"{y}-W{w:02d}", "week")


def last_complete_week(today: date | None = None) -> Period:
    """The latest ISO week that ended before ``today`` (default: the system date)."""
    today = today or date.today()
    return week_period(iso_week_label(today - timedelta(days=today.isoweekday())))


def range_period(since: str, until: str) -> Period:
    if since > until:
        raise ReportError(f"--since {since} is after --until {until}")
    return Period(since, until, f"{since}_{until}", "range")


def latest_data_week(db) -> Period:
    """The last complete week of the data.

    The week holding the latest record date, when that date is its Sunday or
    the registers holding it were loaded after the week ended; otherwise the
    week before (the latest week may still be filling up).
    """
    from .. import store

    latest = max((r["max"] for r in store.date_range(db).values() if r["max"]), default=None)
    if latest is None:
        raise ReportError("the store holds no dated records: no week of data to report on")
    d = date.fromisoformat(latest[:10])
    wk = week_period(iso_week_label(d))
    if d.isoweekday() == 7:
        return wk
    row = next(db.query("select max(finished_at) f from batches where status != 'rejected'"), None)
    loaded = row and row["f"]
    if loaded and loaded[:10] > wk.until:
        return wk
    return week_period(iso_week_label(d - timedelta(days=7)))


def default_period(db, today: date | None = None) -> Period:
    """The latest complete ISO week with data: the last complete week of the data (:func:`latest_data_week`),
    or the last complete ISO week before ``today`` if the data runs past it; marked as chosen so."""
    from .. import store

    p = latest_data_week(db)
    done = last_complete_week(today)
    if p.since > done.since:
        p = done
    latest = max((r["max"] for r in store.date_range(db).values() if r["max"]), default=None)
    return replace(p, chosen="latest_data", latest_record=str(latest)[:10] if latest else None)


def resolve_period(db, week: str | None, since: str | None, until: str | None,
                   today: date | None = None) -> Period:
    """The period asked for on the command line (see ``graphrisk report --help``)."""
    if week and (since or until):
        raise ReportError("give --week or --since/--until, not both")
    if since or until:
        if not (since and until):
            raise ReportError("--since and --until go together")
        return range_period(since, until)
    if week is None:
        return default_period(db, today)
    if week.strip().lower() in ("latest-data", "latest"):
        return latest_data_week(db)
    return week_period(week)


def parse_iso_date(text: str, option: str) -> str:
    from ..ingest.values import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise ReportError(f"{option}: {exc}") from None


def week_ends(until: str, n: int) -> list[str]:
    """``n`` dates a week apart ending with ``until`` (oldest first)."""
    u = date.fromisoformat(until)
    return [(u - timedelta(days=7 * k)).isoformat() for k in range(n - 1, -1, -1)]


def utc_date(ts: str | None) -> str | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return ts[:10]
