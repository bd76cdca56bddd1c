"""Writes of the follow-through's scheduled run: 200 open action items across 20 post-mortems, 60 days.

Usage (from the repository root):  .venv/bin/python -m bench.follow_through

Measures the pure decision (``follow_through.scheduled.decide_scheduled``) applied to an in-memory repository
(the scenario of ``tests/follow_through/test_scheduled.py``): listing pages a run reads (⌈items/100⌉ for the
tracking issues, one page each for the digest and follow-up labels), and the writes per day by kind, including
a second run the same day (always zero). Request counts through the fake GitHub come once the handler is wired.
Prints a Markdown table.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

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


if __name__ == "__main__":
    main()
