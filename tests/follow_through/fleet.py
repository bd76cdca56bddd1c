"""A repository with 20 published post-mortems and 200 open action items, for the follow-through's budget.

Built the way a real one is: the documents are committed on ``main`` and reconcile runs
(``workflow_dispatch``) open the tracking issues (50 per run, the creation cap). Deadlines are spread over 200
days from :data:`FIRST_DEADLINE`; the post-mortems were published on :data:`PUBLISHED` (follow-ups due 30 days
later). :func:`measure` runs one event and counts what it cost on the fake. Used by
``tests/follow_through/test_budget.py`` and ``bench/follow_through.py``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.fake_github import FakeGitHub
from tests.harness import dispatch_payload, run

DOCS, ROWS = 20, 10
PUBLISHED = date(2026, 1, 5)
FIRST_DEADLINE = date(2026, 2, 1)
OWNERS = tuple(f"owner{i}" for i in range(8))


def document(index: int) -> str:
    rows = []
    for row in range(1, ROWS + 1):
        deadline = FIRST_DEADLINE + timedelta(days=index * ROWS + row - 1)
        owner = OWNERS[(index + row) % len(OWNERS)]
        rows.append(
            f"| {row} | Item {row} of incident {index + 1} | @{owner} | {deadline} | P1 | 🔴 Not Started | |"
        )
    table = "\n".join(rows)
    return f"""---
incident: {index + 1}
title: Incident number {index + 1}
severity: P1
status: Published
published: '{PUBLISHED}'
---
# Post-Mortem: Incident number {index + 1}

**Services Impacted**: service-{index % 4}

## Action Items

| # | Action Item | Owner | Deadline | Priority | Status | Issue |
|---|-------------|-------|----------|----------|--------|-------|
{table}

## Follow-Up Review

**30-Day Follow-Up** (scheduled for [Date]):
- Review action item completion
- Verify preventive measures are effective
- Assess if similar incidents have occurred
- Update procedures based on learnings
"""


def path(index: int) -> str:
    return f"postmortems/2026-01-{index + 1:02d}-incident-{index + 1}.md"


def build(fake: FakeGitHub) -> None:
    """Seed the fake: the post-mortems, their incident issues, and (through reconcile runs) 200 tracking issues."""
    for login in ("mona", "alice", *OWNERS):
        fake.set_permission(login, "write")
    fake.add_file(
        "main",
        ".github/postmortem.yml",
        "signoff:\n  roles:\n    - {id: incident-commander, title: Incident Commander, users: [alice]}\n",
    )
    for index in range(DOCS):
        fake.add_issue(f"[Incident]: Incident number {index + 1}", "", labels=["incident"], user="mona")
    fake.commit_files("main", {path(i): document(i) for i in range(DOCS)}, message="Publish")
    os.environ["POSTMORTEM_TODAY"] = PUBLISHED.isoformat()
    for _ in range(math.ceil(DOCS * ROWS / 50) + 1):
        run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert sum(1 for i in fake.issues_only() if "action-item" in i.labels) == DOCS * ROWS


@dataclass
class Cost:
    """What one run cost on the fake."""

    event: str
    day: date
    requests: int
    writes: int
    listing_pages: int
    """GET /issues requests listing the action-item label."""
    by_kind: dict[str, int]
    open_items: int


def _kind(method: str, path: str) -> str:
    tail = path.split("/Hello-World", 1)[1]
    if method == "GET":
        return "read"
    if tail.endswith("/comments"):
        return "comment"
    if "/issues/comments/" in tail:
        return "comment deleted"
    if "/labels/" in tail and method == "DELETE":
        return "label removed"
    if tail.endswith("/labels") and "/issues/" in tail:
        return "label added"
    if tail == "/labels":
        return "label created"
    if tail == "/issues":
        return "issue opened"
    if method == "PATCH" and "/issues/" in tail:
        return "issue edited"
    return f"{method} {tail}"


def measure(fake: FakeGitHub, day: date, event: str = "schedule") -> Cost:
    """Run ``event`` (``schedule`` or ``remind``: workflow_dispatch with task remind) on ``day`` and count."""
    os.environ["POSTMORTEM_TODAY"] = day.isoformat()
    payload: dict[str, Any] = dispatch_payload(fake)
    name = "workflow_dispatch"
    if event == "schedule":
        payload.pop("inputs")
        payload.pop("sender")
        payload["schedule"] = "17 6 * * *"
        name = "schedule"
    else:
        payload["inputs"] = {"task": "remind"}
    open_items = sum(1 for i in fake.issues_only() if "action-item" in i.labels and i.state == "open")
    fake.reset_counts()
    run(fake, name, payload)
    kinds: dict[str, int] = {}
    for entry in fake.log:
        if entry.method != "GET":
            kind = _kind(entry.method, entry.path)
            kinds[kind] = kinds.get(kind, 0) + 1
    pages = sum(
        1 for e in fake.log if e.method == "GET" and e.path.endswith("/issues") and "action-item" in e.query
    )
    return Cost(event, day, fake.count(), len(fake.writes), pages, kinds, open_items)
