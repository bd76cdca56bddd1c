"""Reliability metrics over catalogue entries (pure). Windows end at the newest publication date, never today."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from statistics import median

from pydantic import BaseModel, ConfigDict, Field

from postmortem.catalogue.model import CatalogueEntry

SEVERITIES = ("P0", "P1", "P2")
OTHER = "other"
PRIORITIES = ("P0", "P1", "P2", "P3")
RECENT_DAYS = 90
MONTHS = 12


class Spread(BaseModel):
    """Median and p90 (nearest rank) of a list of minutes, with how many values there were."""

    model_config = ConfigDict(frozen=True)

    count: int = 0
    median: float | None = None
    p90: float | None = None


class SeverityTimes(BaseModel):
    """Time to detect and to resolve for one severity (or ``all``) in one window."""

    model_config = ConfigDict(frozen=True)

    severity: str
    incidents: int
    detect: Spread
    resolve: Spread


class Metrics(BaseModel):
    """Everything the catalogue shows under Metrics."""

    model_config = ConfigDict(frozen=True)

    reference: dt.date | None
    """The day windows end at: the newest publication date (else the newest incident date)."""
    months: list[str] = Field(default_factory=list)
    per_month: dict[str, list[int]] = Field(default_factory=dict)
    """Severity bucket (P0, P1, P2, other) → incidents in each of :attr:`months`."""
    recent: list[SeverityTimes] = Field(default_factory=list)
    all_time: list[SeverityTimes] = Field(default_factory=list)
    resolve_trend: list[tuple[str, float]] = Field(default_factory=list)
    """(month, median hours to resolve) for the months of the window that have one."""
    items_total: int = 0
    items_done: int = 0
    items_committed: int = 0
    """Done + open (proposed and won't-do items are not commitments)."""
    days_to_close: Spread = Spread()
    open_by_priority: dict[str, int] = Field(default_factory=dict)
    services: list[tuple[str, int]] = Field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        """Done over committed items, or None without committed items."""
        return self.items_done / self.items_committed if self.items_committed else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> Spread:
    """Median (mean of the two middle values for an even count) and nearest-rank p90."""
    if not values:
        return Spread()
    return Spread(count=len(values), median=float(median(values)), p90=percentile(values, 0.9))


def bucket(severity: str | None) -> str:
    """P0 / P1 / P2, or ``other`` for anything else (SEV2, Critical, none)."""
    return severity if severity in SEVERITIES else OTHER


def reference_date(entries: Sequence[CatalogueEntry]) -> dt.date | None:
    """The newest publication date, else the newest incident date, else None."""
    published = [entry.published for entry in entries if entry.published]
    if published:
        return max(published)
    dates = [entry.date for entry in entries if entry.date]
    return max(dates) if dates else None


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start) / dt.timedelta(minutes=1)


def detect_minutes(entry: CatalogueEntry) -> float | None:
    """detected − started in minutes, or None."""
    return _minutes(entry.started, entry.detected)


def resolve_minutes(entry: CatalogueEntry) -> float | None:
    """resolved − started in minutes (else the recorded duration), or None."""
    minutes = _minutes(entry.started, entry.resolved)
    if minutes is None and entry.duration_minutes is not None:
        return float(entry.duration_minutes)
    return minutes


def month_keys(reference: dt.date, count: int = MONTHS) -> list[str]:
    """``YYYY-MM`` of the ``count`` months ending with the reference's month, oldest first."""
    year, month = reference.year, reference.month
    keys: list[str] = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _times(entries: Sequence[CatalogueEntry]) -> list[SeverityTimes]:
    rows: list[SeverityTimes] = []
    for severity in (*SEVERITIES, OTHER, "all"):
        chosen = [e for e in entries if severity == "all" or bucket(e.severity) == severity]
        if not chosen and severity != "all":
            continue
        detect = [m for e in chosen if (m := detect_minutes(e)) is not None]
        resolve = [m for e in chosen if (m := resolve_minutes(e)) is not None]
        rows.append(
            SeverityTimes(
                severity=severity, incidents=len(chosen), detect=spread(detect), resolve=spread(resolve)
            )
        )
    return rows


def compute_metrics(entries: Sequence[CatalogueEntry]) -> Metrics:
    """The metrics of the catalogue; depends only on the entries."""
    reference = reference_date(entries)
    months: list[str] = []
    per_month: dict[str, list[int]] = {}
    trend: list[tuple[str, float]] = []
    recent: list[SeverityTimes] = []
    if reference is not None:
        months = month_keys(reference)
        index = {key: position for position, key in enumerate(months)}
        per_month = {name: [0] * len(months) for name in (*SEVERITIES, OTHER)}
        by_month: dict[str, list[float]] = {}
        for entry in entries:
            if entry.date is None or (key := f"{entry.date:%Y-%m}") not in index:
                continue
            per_month[bucket(entry.severity)][index[key]] += 1
            if (minutes := resolve_minutes(entry)) is not None:
                by_month.setdefault(key, []).append(minutes)
        trend = [(key, round(float(median(by_month[key])) / 60, 1)) for key in months if key in by_month]
        start = reference - dt.timedelta(days=RECENT_DAYS)
        recent = _times([e for e in entries if e.date is not None and start < e.date <= reference])

    items = [(entry, item) for entry in entries for item in entry.items]
    done = sum(1 for _, item in items if item.state == "done")
    committed = sum(1 for _, item in items if item.state in ("done", "open"))
    close_days = [
        float(max(0, (item.closed - since).days))
        for entry, item in items
        if item.closed is not None and (since := entry.published or entry.date) is not None
    ]
    open_by_priority = {name: 0 for name in (*PRIORITIES, "none")}
    for _, item in items:
        if item.state == "open":
            open_by_priority[item.priority if item.priority in PRIORITIES else "none"] += 1

    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for entry in sorted(entries, key=_newest_first):
        for service in entry.services:
            key = service.casefold()
            names.setdefault(key, service)
            counts[key] = counts.get(key, 0) + 1
    services = sorted(
        ((names[key], count) for key, count in counts.items()), key=lambda p: (-p[1], p[0].casefold())
    )

    return Metrics(
        reference=reference,
        months=months,
        per_month=per_month,
        recent=recent,
        all_time=_times(entries),
        resolve_trend=trend,
        items_total=len(items),
        items_done=done,
        items_committed=committed,
        days_to_close=spread(close_days),
        open_by_priority={key: value for key, value in open_by_priority.items() if value},
        services=services[:10],
    )


def _newest_first(entry: CatalogueEntry) -> tuple[int, str]:
    day = entry.sort_date
    return (-(day.toordinal() if day else 0), entry.path)


def newest_first(entries: Sequence[CatalogueEntry]) -> list[CatalogueEntry]:
    """Entries by date, newest first; undated ones last; ties by path."""
    return sorted(entries, key=_newest_first)
