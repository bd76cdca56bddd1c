"""The request budgets of issue #7, measured on one incident's life with two sign-off roles and every handler.

Shared by ``tests/runner/test_budgets.py`` (which asserts them) and ``bench/requests.py`` (which prints them for
the README's request table), so the table and the assertions measure the same runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import responses

from tests.fake_github import FakeGitHub
from tests.harness import (
    dispatch_payload,
    issue_body,
    issue_payload,
    merge_pull,
    pull_payload,
    push_payload,
    review_payload,
    run,
    tracking_issue_payload,
)
from tests.scenario import BRANCH, INCIDENT, PATH, PLACEHOLDER_ROW, PR, TITLE, edit_doc, edit_issue, people

ROWS = 30
OWNERS = ("alice", "bob", "carol")


@dataclass(frozen=True)
class Measured:
    """One event's cost, and the cost of running it again at once (which must change nothing)."""

    step: str
    requests: int
    writes: int
    issues_created: int
    commits: int
    """New commits on the branch the event is about (the post-mortem branch, or main once merged)."""
    issues_updated: int
    """Issue edits (PATCH): at the merge, each tracking issue's document link moves to the default branch."""
    rerun_requests: int
    rerun_writes: int


def rows(count: int = ROWS) -> str:
    """``count`` new action-item rows, owners taking turns."""
    return "\n".join(
        f"| {i} | Action item number {i} | @{OWNERS[i % len(OWNERS)]} | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, count + 1)
    )


def _measure(fake: FakeGitHub, step: str, name: str, payload: dict[str, Any], branch: str) -> Measured:
    # a branch the event creates starts where the default branch is
    before = len(fake.commit_log(branch if branch in fake.branches else fake.default_branch))
    fake.reset_counts()
    run(fake, name, payload)
    requests, writes = fake.count(), len(fake.writes)
    created = fake.count("POST", r"/issues$")
    commits = len(fake.commit_log(branch)) - before
    updated = fake.count("PATCH", r"/issues/\d+$")
    fake.reset_counts()
    run(fake, name, payload)
    return Measured(step, requests, writes, created, commits, updated, fake.count(), len(fake.writes))


def life() -> list[Measured]:
    """The events of one incident, from the issue to the published document, each measured with its rerun."""
    fake = FakeGitHub()
    measured: list[Measured] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        people(fake)
        fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
        opened = issue_payload(fake, INCIDENT)
        measured.append(_measure(fake, "incident issue opened → draft PR", "issues", opened, BRANCH))
        edited = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
        measured.append(_measure(fake, "incident issue edited (draft regenerated)", "issues", edited, BRANCH))
        edit_doc(fake, PLACEHOLDER_ROW, rows())
        synchronize = pull_payload(fake, PR, action="synchronize")
        measured.append(_measure(fake, "push to the draft (30 rows)", "pull_request", synchronize, BRANCH))
        fake.items[PR].draft = False
        ready = pull_payload(fake, PR, action="ready_for_review")
        measured.append(_measure(fake, "ready_for_review with 30 new rows", "pull_request", ready, BRANCH))
        for k, login in enumerate(("alice", "bob"), start=1):
            review = review_payload(fake, fake.add_review(PR, login, "APPROVED"))
            measured.append(_measure(fake, f"review event, k = {k}", "pull_request_review", review, BRANCH))
        tracked = min(n for n, i in fake.items.items() if "action-item" in i.labels)
        fake.items[tracked].state, fake.items[tracked].state_reason = "closed", "completed"
        closed = tracking_issue_payload(fake, tracked, action="closed")
        measured.append(_measure(fake, "tracking issue closed (PR approved)", "issues", closed, BRANCH))
        merge_pull(fake, PR)
        merged = pull_payload(fake, PR, action="closed")
        measured.append(_measure(fake, "merge → Published", "pull_request", merged, "main"))
        push = push_payload(fake, modified=[PATH])
        measured.append(_measure(fake, "push to main (the merge)", "push", push, "main"))
        edit_doc(fake, "~16,500 active users", "~17,000 active users", branch="main")
        edited = push_payload(fake, modified=[PATH])
        measured.append(
            _measure(
                fake,
                "person's push to main, one document changed (catalogue refresh)",
                "push",
                edited,
                "main",
            )
        )
        measured.append(
            _measure(fake, "workflow_dispatch", "workflow_dispatch", dispatch_payload(fake), "main")
        )
    return measured


def table_rows(measured: list[Measured]) -> list[str]:
    """README rows: ``| scenario | runs | requests | writes | rerun requests | rerun writes |``."""
    return [
        f"| budget (2 roles, every handler): {m.step} | 1 | {m.requests} | {m.writes} | {m.rerun_requests} | "
        f"{m.rerun_writes} |"
        for m in measured
    ]
