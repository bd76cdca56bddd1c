"""GitHub API requests per event, measured against the stateful fake GitHub (no network).

Usage (from the repository root):  .venv/bin/python -m bench.requests

(Run as a module: ``bench`` and ``tests`` are packages of the repository, imported from its root.)

Scenarios: the incident-opened flow (issue → draft post-mortem PR), and the action-items sync of a post-mortem
pull request with 3, 30 and 300 rows: the first sync (``ready_for_review``; 300 rows need several runs because
of the per-run creation cap, all are counted) and a rerun with nothing to change. The sign-off handler, which
runs on the same ``pull_request`` events, is left out of the action-items rows so that they are this sync's
own cost; likewise the action-items sync is left out of the sign-off rows (ready for review, a review event
when it makes the k-th of four required approvals, the merge that publishes). The last row is the whole life of
one incident with every handler, 14 events through ``postmortem run``
(``tests/runner/test_whole_incident.py``), and a rerun of each of them. Prints a Markdown table.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import responses

from postmortem.action_items import handler as action_items
from postmortem.markdown.markers import marker
from postmortem.plan import Plan
from postmortem.signoff import handler as signoff
from tests.fake_github import FakeGitHub
from tests.follow_through import fleet
from tests.follow_through.timeline_builders import comment, comment_payload
from tests.harness import (
    issue_body,
    issue_payload,
    merge_pull,
    pull_payload,
    pull_request_payload,
    review_payload,
    run,
)
from tests.runner.budgets import life as budget_life
from tests.runner.budgets import table_rows
from tests.runner.life import live

PATH = "postmortems/2025-11-17-bench.md"
BRANCH = "postmortem/incident-1"


def _document(rows: int) -> str:
    lines = [
        f"| {i} | Action item number {i} | @owner{i % 5} | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, rows + 1)
    ]
    return (
        "---\nincident: 1\ntitle: Bench outage\nseverity: P1\n---\n# Post-Mortem: Bench outage\n\n"
        "## Executive Summary\n\nThe bench API was down.\n\n## Action Items\n\n"
        "| # | Action Item | Owner | Deadline | Priority | Status | Issue |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n"
    )


@contextmanager
def _without(module: object, *names: str) -> Iterator[None]:
    """Stub handlers (``Context -> empty Plan``) for the duration of a scenario."""
    saved = {name: getattr(module, name) for name in names}
    try:
        for name in names:
            setattr(module, name, lambda ctx: Plan())
        yield
    finally:
        for name, handler in saved.items():
            setattr(module, name, handler)


def _with_fake(body: Callable[[FakeGitHub], dict[str, int]]) -> dict[str, int]:
    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        return body(fake)


def incident_opened(fake: FakeGitHub) -> dict[str, int]:
    fake.set_permission("mona", "write")
    item = fake.add_issue("[Incident]: Bench outage", issue_body("full.md"), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, item.number))
    first = {"requests": fake.count(), "writes": len(fake.writes), "runs": 1}
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, item.number))
    return first | {"rerun_requests": fake.count(), "rerun_writes": len(fake.writes)}


def incident_opened_with_comments(fake: FakeGitHub) -> dict[str, int]:
    """The draft of an issue people already commented on: 4 comments by 3 people, 2 of them with timed lines
    (one with write access, one without)."""
    for login in ("mona", "alice"):
        fake.set_permission(login, "write")
    item = fake.add_issue("[Incident]: Bench outage", issue_body("full.md"), labels=["incident"], user="mona")
    comment(fake, item.number, "10:40 Cache flushed -> restarted", user="alice", at="2025-11-17T10:45:00Z")
    comment(fake, item.number, "10:50 Alert cleared", user="alice", at="2025-11-17T10:55:00Z")
    comment(fake, item.number, "10:41 I think it is DNS", user="eve", at="2025-11-17T10:46:00Z")
    comment(fake, item.number, "Thanks all", user="dave", at="2025-11-17T11:30:00Z")
    return _measure(fake, "issues", issue_payload(fake, item.number))


def timed_comment(*, edited: bool) -> Callable[[FakeGitHub], dict[str, int]]:
    """A timed comment by someone with write access on an incident with a draft: the draft regenerated, or
    (``edited``: people changed the document) the sticky comment with rows to paste."""

    def body(fake: FakeGitHub) -> dict[str, int]:
        for login in ("mona", "alice"):
            fake.set_permission(login, "write")
        item = fake.add_issue(
            "[Incident]: Bench outage", issue_body("full.md"), labels=["incident"], user="mona"
        )
        run(fake, "issues", issue_payload(fake, item.number))
        if edited:
            (pull,) = fake.pulls()
            path = next(p for p in fake.files(pull.head) if p.startswith("postmortems/"))
            fake.add_file(pull.head, path, (fake.file_text(pull.head, path) or "") + "\nEdited.\n")
        cid = comment(fake, item.number, "10:40 Cache flushed", user="alice", at="2025-11-17T10:45:00Z")
        return _measure(fake, "issue_comment", comment_payload(fake, item.number, cid, sender="alice"))

    return body


def sync(rows: int) -> Callable[[FakeGitHub], dict[str, int]]:
    def body(fake: FakeGitHub) -> dict[str, int]:
        with _without(signoff, "handle_pull_request"):
            return _sync(fake)

    def _sync(fake: FakeGitHub) -> dict[str, int]:
        for i in range(5):
            fake.set_permission(f"owner{i}", "write")
        fake.add_issue("[Incident]: Bench outage", "", labels=["incident"])
        sha = fake.add_file(BRANCH, PATH, _document(rows))
        pull = fake.add_pull(BRANCH, body=marker("document", incident=1, path=PATH, sha=sha))
        fake.reset_counts()
        runs = 0
        action = "ready_for_review"
        while True:
            runs += 1
            run(fake, "pull_request", pull_request_payload(fake, pull.number, action=action))
            action = "synchronize"
            created = fake.count("POST", r"/issues$")
            if created >= rows or runs > 20:
                break
        first = {"requests": fake.count(), "writes": len(fake.writes), "runs": runs}
        fake.reset_counts()
        run(fake, "pull_request", pull_request_payload(fake, pull.number, action="synchronize"))
        return first | {"rerun_requests": fake.count(), "rerun_writes": len(fake.writes)}

    return body


SIGNOFF_CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
    - {id: lead-engineer, title: Lead Engineer, users: [erin]}
    - {id: devops-lead, title: DevOps Lead, users: [dave]}
  required: [incident-commander, cto, lead-engineer, devops-lead]
"""
HOLDERS = ("alice", "bob", "erin", "dave")


def _draft(fake: FakeGitHub) -> int:
    """The incident handler's draft post-mortem pull request, with four required roles held by four users."""
    for login in ("mona", *HOLDERS):
        fake.set_permission(login, "write")
    fake.add_file("main", ".github/postmortem.yml", SIGNOFF_CONFIG)
    item = fake.add_issue("[Incident]: Bench outage", issue_body("full.md"), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, item.number))
    (pull,) = fake.pulls()
    return pull.number


def _measure(fake: FakeGitHub, name: str, payload: dict[str, object]) -> dict[str, int]:
    fake.reset_counts()
    run(fake, name, payload)
    first = {"requests": fake.count(), "writes": len(fake.writes), "runs": 1}
    fake.reset_counts()
    run(fake, name, payload)
    return first | {"rerun_requests": fake.count(), "rerun_writes": len(fake.writes)}


def ready_for_review(fake: FakeGitHub) -> dict[str, int]:
    with _without(action_items, "handle_pull_request"):
        number = _draft(fake)
        fake.items[number].draft = False
        return _measure(fake, "pull_request", pull_payload(fake, number, action="ready_for_review"))


def review(k: int) -> Callable[[FakeGitHub], dict[str, int]]:
    """The review event that brings the k-th approval (k - 1 approvals already stand)."""

    def body(fake: FakeGitHub) -> dict[str, int]:
        with _without(action_items, "handle_pull_request"):
            number = _draft(fake)
            fake.items[number].draft = False
            run(fake, "pull_request", pull_payload(fake, number, action="ready_for_review"))
            for login in HOLDERS[: k - 1]:
                run(fake, "pull_request_review", review_payload(fake, fake.add_review(number, login)))
            return _measure(
                fake, "pull_request_review", review_payload(fake, fake.add_review(number, HOLDERS[k - 1]))
            )

    return body


def merged(fake: FakeGitHub) -> dict[str, int]:
    with _without(action_items, "handle_pull_request"):
        number = _draft(fake)
        fake.items[number].draft = False
        run(fake, "pull_request", pull_payload(fake, number, action="ready_for_review"))
        for login in HOLDERS:
            run(fake, "pull_request_review", review_payload(fake, fake.add_review(number, login)))
        merge_pull(fake, number)
        return _measure(fake, "pull_request", pull_payload(fake, number, action="closed"))


def whole_incident(fake: FakeGitHub) -> dict[str, int]:
    """The 14 events of tests/runner/test_whole_incident.py through ``postmortem run``, then their reruns."""
    with tempfile.TemporaryDirectory() as folder:
        life = live(fake, Path(folder))  # main(pace=False) reaches the gateway: no sleeping
    return {
        "runs": len(life.deliveries),
        "requests": sum(d.requests for d in life.deliveries),
        "writes": sum(len(d.writes) for d in life.deliveries),
        "rerun_requests": sum(d.rerun_requests for d in life.deliveries),
        "rerun_writes": sum(len(d.rerun_writes) for d in life.deliveries),
    }


def follow_through(fake: FakeGitHub) -> dict[str, int]:
    """``schedule`` over 20 published post-mortems with 200 open items (tests/follow_through/fleet.py) on a day
    when 7 items are due soon or overdue and the 20 follow-up reviews fall due; reconcile included."""
    saved = os.environ.get("POSTMORTEM_TODAY")
    try:
        fleet.build(fake)
        day = fleet.FIRST_DEADLINE + timedelta(days=4)
        first = fleet.measure(fake, day)
        rerun = fleet.measure(fake, day)
    finally:
        if saved is None:
            os.environ.pop("POSTMORTEM_TODAY", None)
        else:
            os.environ["POSTMORTEM_TODAY"] = saved
    return {
        "runs": 1,
        "requests": first.requests,
        "writes": first.writes,
        "rerun_requests": rerun.requests,
        "rerun_writes": rerun.writes,
    }


def main() -> int:
    scenarios = (
        [("incident opened → draft PR", incident_opened)]
        + [("incident opened, 4 comments by 3 people (2 with timed lines)", incident_opened_with_comments)]
        + [("timeline: a timed comment → draft regenerated", timed_comment(edited=False))]
        + [("timeline: a timed comment, document edited → rows to paste", timed_comment(edited=True))]
        + [(f"action items: first sync, {n} rows", sync(n)) for n in (3, 30, 300)]
        + [("sign-off: ready for review (draft → In Review)", ready_for_review)]
        + [(f"sign-off: review event, approval {k} of 4", review(k)) for k in (1, 2, 4)]
        + [("sign-off: merge → Published, incident commented", merged)]
        + [("whole incident: 14 events, all handlers (reruns: all 14)", whole_incident)]
        + [("schedule: 200 open items / 20 post-mortems, 7 reminders, 20 follow-ups due", follow_through)]
    )
    print(f"Creation cap per run: {action_items.MAX_CREATIONS_PER_RUN} issues.\n")
    print("| scenario | runs | requests | writes | no-change rerun: requests | writes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, scenario in scenarios:
        result = _with_fake(scenario)
        print(
            f"| {name} | {result['runs']} | {result['requests']} | {result['writes']} | "
            f"{result['rerun_requests']} | {result['rerun_writes']} |"
        )
    # issue #7's budgets (asserted by tests/runner/test_budgets.py): one life, two roles, every handler
    for line in table_rows(budget_life()):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
