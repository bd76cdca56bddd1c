"""Writes of the follow-through's scheduled run: 200 open action items across 20 post-mortems, 60 days.

Usage (from the repository root):  .venv/bin/python -m bench.follow_through

Measures the pure decision (``follow_through.scheduled.decide_scheduled``) applied to an in-memory repository
(the scenario of ``tests/follow_through/test_scheduled.py``): listing pages a run reads (⌈items/100⌉ for the
tracking issues, one page each for the digest and follow-up labels), and the writes per day by kind, including
a second run the same day (always zero). Then the same scale through the wired handler on the fake GitHub
(``tests/follow_through/fleet.py``: 20 published post-mortems whose 200 tracking issues a reconcile opened):
requests and writes of real ``schedule`` / ``task: remind`` runs. Prints Markdown tables.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from datetime import date, timedelta

import responses

from tests.fake_github import FakeGitHub
from tests.follow_through import fleet
from tests.follow_through.test_scheduled import START, build, run


def main() -> None:
    repo, publications = build()
    print("| day | listing pages | writes | comments | deletions | body updates | labels | issues | rerun |")
    print("|---|---|---|---|---|---|---|---|---|")
    total = 0
    for offset in range(60):
        today = START + timedelta(days=offset)
        open_items = sum(1 for i in repo.labelled("action-item") if i.state == "open")
        writes = run(repo, publications, today)
        rerun = run(repo, publications, today)
        kinds = Counter(w.kind for w in writes)
        total += len(writes)
        if offset in (0, 1, 2, 7, 14, 18, 19, 30, 45, 59):
            print(
                f"| {today} | {math.ceil(open_items / 100) + 2} | {len(writes)} | {kinds['create_comment']} | "
                f"{kinds['delete_comment']} | {kinds['update_issue']} | "
                f"{kinds['add_labels'] + kinds['remove_label'] + kinds['create_label']} | {kinds['create_issue']} | "
                f"{len(rerun)} |"
            )
    print(
        f"\n{total} writes over 60 days ({total / 60:.0f} a day) for 200 items, every one overdue within 25 days."
    )


def on_the_fake() -> None:
    """Real runs of the handler over the fleet, counted on the fake GitHub."""
    saved = os.environ.get("POSTMORTEM_TODAY")
    fake = FakeGitHub()
    steps = [
        ("first schedule (opens the digest)", date(2026, 1, 20), "schedule"),
        ("quiet day, schedule", date(2026, 1, 20), "schedule"),
        ("quiet day, task: remind", date(2026, 1, 20), "remind"),
        ("backlog: 200 overdue, 20 follow-ups due", date(2026, 9, 1), "schedule"),
        ("same day again (the other 100)", date(2026, 9, 1), "schedule"),
        ("same day, third run", date(2026, 9, 1), "schedule"),
        ("next day", date(2026, 9, 2), "schedule"),
        ("7 days later, task: remind (repeats)", date(2026, 9, 8), "remind"),
    ]
    print(
        "\n| run (200 open items, 20 post-mortems) | day | requests | writes | action-item listing pages | writes by kind |"
    )
    print("|---|---|---:|---:|---:|---|")
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake.register(mock)
            fleet.build(fake)
            for name, day, event in steps:
                cost = fleet.measure(fake, day, event)
                kinds = ", ".join(f"{k} {v}" for k, v in sorted(cost.by_kind.items())) or "—"
                print(
                    f"| {name} | {day} | {cost.requests} | {cost.writes} | {cost.listing_pages} | {kinds} |"
                )
    finally:
        if saved is None:
            os.environ.pop("POSTMORTEM_TODAY", None)
        else:
            os.environ["POSTMORTEM_TODAY"] = saved


if __name__ == "__main__":
    main()
    on_the_fake()
