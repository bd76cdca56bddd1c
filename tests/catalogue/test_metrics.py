"""Metrics on hand-computed examples: medians, nearest-rank p90, windows ending at the newest publication."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from postmortem.catalogue import CatalogueEntry, ItemRecord, compute_metrics
from postmortem.catalogue.metrics import month_keys, percentile, spread


def entry(
    path: str,
    day: str,
    severity: str | None = "P1",
    detect: int | None = None,
    resolve: int | None = None,
    published: str | None = None,
    **extra: object,
) -> CatalogueEntry:
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return CatalogueEntry.model_validate(
        {
            "path": path,
            "date": date.fromisoformat(day),
            "severity": severity,
            "started": start,
            "detected": start + timedelta(minutes=detect) if detect is not None else None,
            "resolved": start + timedelta(minutes=resolve) if resolve is not None else None,
            "published": date.fromisoformat(published) if published else None,
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([5], 5, 5),
        ([1, 2], 1.5, 2),
        ([3, 1, 2], 2, 3),
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 55, 90),  # ceil(0.9*10)=9th value
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 60, 100),  # ceil(9.9)=10th value
    ],
)
def test_median_and_nearest_rank_p90(values: list[float], median: float, p90: float) -> None:
    result = spread(values)
    assert (result.count, result.median, result.p90) == (len(values), median, p90)


def test_empty_spread() -> None:
    assert spread([]).median is None and percentile([], 0.9) is None


def test_month_keys_cross_the_year() -> None:
    assert month_keys(date(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_windows_end_at_the_newest_publication_not_today() -> None:
    entries = [
        entry("a.md", "2026-03-01", "P0", detect=4, resolve=60, published="2026-03-10"),
        entry("b.md", "2026-02-10", "P1", detect=10, resolve=120, published="2026-02-20"),
        entry("c.md", "2026-01-05", "P1", detect=30, resolve=300, published="2026-01-09"),
        entry("d.md", "2025-10-01", "P2", detect=60, resolve=600, published="2025-10-03"),  # > 90 days before
        entry("e.md", "2024-12-31", "SEV2", resolve=30),  # > 12 months before: all time only
    ]
    metrics = compute_metrics(entries)
    assert metrics.reference == date(2026, 3, 10)
    assert metrics.months[0] == "2025-04" and metrics.months[-1] == "2026-03"
    assert metrics.per_month["P0"][-1] == 1 and metrics.per_month["P1"][-2:] == [1, 0]
    assert sum(metrics.per_month["other"]) == 0  # e.md falls out of the 12 months
    recent = {row.severity: row for row in metrics.recent}
    assert set(recent) == {"P0", "P1", "all"}
    assert (recent["P1"].detect.median, recent["P1"].resolve.median, recent["P1"].resolve.p90) == (
        20,
        210,
        300,
    )
    assert (recent["all"].incidents, recent["all"].resolve.median) == (3, 120)
    every = {row.severity: row for row in metrics.all_time}
    assert (every["all"].incidents, every["all"].resolve.count, every["all"].detect.count) == (5, 5, 4)
    assert every["all"].resolve.median == 120 and every["all"].resolve.p90 == 600
    assert every["other"].resolve.median == 30
    assert metrics.resolve_trend == [("2025-10", 10.0), ("2026-01", 5.0), ("2026-02", 2.0), ("2026-03", 1.0)]


def test_no_published_document_uses_the_newest_date() -> None:
    assert compute_metrics([entry("a.md", "2026-05-01"), entry("b.md", "2026-04-01")]).reference == date(
        2026, 5, 1
    )


def test_negative_spans_are_left_out() -> None:
    metrics = compute_metrics([entry("a.md", "2026-05-01", detect=-5, resolve=-10)])
    assert metrics.all_time[-1].detect.count == 0 and metrics.all_time[-1].resolve.count == 0


def test_action_items_completion_days_to_close_and_open_by_priority() -> None:
    items = [
        ItemRecord(state="done", priority="P1", closed=date(2026, 3, 20)),  # 10 days after publication
        ItemRecord(state="done", priority="P0", closed=date(2026, 3, 14)),  # 4 days
        ItemRecord(state="done", priority="P2"),  # no closing date
        ItemRecord(state="open", priority="P0"),
        ItemRecord(state="open", priority="P0"),
        ItemRecord(state="open"),
        ItemRecord(state="proposed", priority="P1"),
        ItemRecord(state="wont_do", priority="P1"),
    ]
    metrics = compute_metrics([entry("a.md", "2026-03-08", published="2026-03-10", items=items)])
    assert (metrics.items_total, metrics.items_done, metrics.items_committed) == (8, 3, 6)
    assert metrics.completion_rate == 0.5
    assert (metrics.days_to_close.median, metrics.days_to_close.p90) == (7, 10)
    assert metrics.open_by_priority == {"P0": 2, "none": 1}


def test_services_most_often_impacted_merge_case_and_rank() -> None:
    entries = [
        entry("a.md", "2026-03-01", services=["Checkout", "API"]),
        entry("b.md", "2026-02-01", services=["checkout", "Search"]),
        entry("c.md", "2026-01-01", services=["api", "checkout"]),
    ]
    assert compute_metrics(entries).services == [("Checkout", 3), ("API", 2), ("Search", 1)]
