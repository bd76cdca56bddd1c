"""The follow-through end to end on the fake GitHub: reminders, the overdue label, the digest, the follow-up review.

A published post-mortem on ``main`` gets its tracking issues from a real reconcile run; then time moves
(``POSTMORTEM_TODAY``, the one clock) and ``schedule`` runs as the workflow's cron would run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from postmortem.follow_through.digest import DIGEST_LABEL
from postmortem.follow_through.follow_up import FOLLOW_UP_LABEL
from postmortem.follow_through.items import tracked_item
from postmortem.github.client import Gateway
from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.runner import RunReport
from tests.fake_github import FakeGitHub
from tests.harness import close_issue, dispatch_payload, issue_payload, reopen_issue, run

PATH = "postmortems/2026-03-14-checkout-api-errors.md"
CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [%s], teams: [%s]}
    - {id: cto, title: CTO, users: [bob]}
"""
ROWS = (
    "| 1 | Add a canary stage | @alice | 2026-04-01 | P0 | 🔴 Not Started | |",
    "| 2 | Alert on migration locks | @bob | 2026-04-10 | P1 | 🔴 Not Started | |",
    "| 3 | Write the rollback runbook | DevOps Team | 2026-04-05 | P1 | 🔴 Not Started | |",
    "| 4 | Review the deploy freeze | @carol | next sprint | P2 | 🔴 Not Started | |",
)


def document(
    rows: tuple[str, ...] = ROWS, published: str = "2026-03-20", follow_up: str = "2026-04-19"
) -> str:
    table = "\n".join(rows)
    return f"""---
incident: 1
title: Checkout API errors
severity: P1
status: Published
published: '{published}'
follow_up: '{follow_up}'
---
# Post-Mortem: Checkout API errors

**Services Impacted**: checkout-api

## Action Items

| # | Action Item | Owner | Deadline | Priority | Status | Issue |
|---|-------------|-------|----------|----------|--------|-------|
{table}

## Follow-Up Review

**30-Day Follow-Up** (scheduled for {follow_up}):
- Review action item completion
- Verify preventive measures are effective
- Assess if similar incidents have occurred
- Update procedures based on learnings

---

**Template Version**: 1.0.0
"""


def schedule_payload(fake: FakeGitHub) -> dict[str, Any]:
    payload = dispatch_payload(fake)
    payload.pop("inputs")
    payload.pop("sender")
    payload["schedule"] = "17 6 * * *"
    return payload


def remind_payload(fake: FakeGitHub) -> dict[str, Any]:
    payload = dispatch_payload(fake)
    payload["inputs"] = {"task": "remind"}
    return payload


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    def move(day: str) -> None:
        monkeypatch.setenv("POSTMORTEM_TODAY", day)

    move("2026-03-20")
    return move


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def repository(
    http: responses.RequestsMock, commanders: str = "", teams: str = "", rows: tuple[str, ...] = ROWS
) -> FakeGitHub:
    fake = FakeGitHub()
    fake.register(http)
    for login in ("mona", "alice", "bob", "carol"):
        fake.set_permission(login, "write")
    fake.add_file("main", ".github/postmortem.yml", CONFIG % (commanders, teams), message="Configure")
    fake.add_issue("[Incident]: Checkout API errors", "", labels=["incident"], user="mona")
    fake.add_file("main", PATH, document(rows), message="Publish")
    return fake


@pytest.fixture
def fake(today: Any, http: responses.RequestsMock) -> FakeGitHub:
    """The published post-mortem with its four tracking issues (made by a reconcile on publication day)."""
    fake = repository(http, commanders="alice")
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert len(items(fake)) == 4
    fake.reset_counts()
    return fake


def items(fake: FakeGitHub) -> dict[int, Any]:
    """Tracking issues by row number (the row's first cell)."""
    found = {}
    for issue in fake.issues_only():
        if "action-item" in issue.labels:
            row = next(r for r in ROWS if r.split("|")[2].strip() == issue.title)
            found[int(row.split("|")[1])] = issue
    return found


def reminders(fake: FakeGitHub, number: int) -> list[str]:
    return [c.body for c in fake.comments_on(number) if "postmortem:action-item-reminder " in c.body]


def schedule(fake: FakeGitHub) -> RunReport:
    return run(fake, "schedule", schedule_payload(fake))


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{e.method} {e.path.split('/Hello-World', 1)[-1]}" for e in fake.writes]


def texts(report: RunReport) -> str:
    return "\n".join(m.text for m in report.messages)


def digest(fake: FakeGitHub) -> list[Any]:
    return [i for i in fake.issues_only() if DIGEST_LABEL in i.labels]


def follow_ups(fake: FakeGitHub) -> list[Any]:
    return [i for i in fake.issues_only() if FOLLOW_UP_LABEL in i.labels]


# ---------------------------------------------------------------------------------------------------- reminders


def test_due_soon_gets_one_comment_and_a_second_run_the_same_day_writes_nothing(
    fake: FakeGitHub, today: Any
) -> None:
    today("2026-03-31")
    report = schedule(fake)
    one = items(fake)[1]
    (comment,) = reminders(fake, one.number)
    assert "@alice this action item is due **tomorrow** (2026-04-01)" in comment
    record = tracked_item(Gateway(token="t", repository=fake.repository, pace=False).get_issue(one.number))
    assert record is not None and [(r.kind, r.on.isoformat()) for r in record.reminders] == [
        ("due_soon", "2026-03-31")
    ]
    assert record.reminders[0].comment == fake.comments_on(one.number)[-1].id, "the comment id is recorded"
    assert not reminders(fake, items(fake)[2].number), "due in 10 days: not yet"
    assert "overdue" not in one.labels
    assert "next sprint" in texts(report) and "not a date" in texts(report), "unreadable deadline reported"
    assert not reminders(fake, items(fake)[4].number), "never guessed"
    assert len(digest(fake)) == 1

    fake.reset_counts()
    schedule(fake)
    assert fake.writes == []
    # the second run reads, and writes nothing: one listing per label, the folder, the document, the config
    assert fake.count("GET", r"/issues$") == 3

    today("2026-04-01")  # still due (today): one due-soon reminder per deadline, none again
    fake.reset_counts()
    schedule(fake)
    assert len(reminders(fake, one.number)) == 1


def test_overdue_comment_label_repeat_after_every_days_and_one_comment_kept(
    fake: FakeGitHub, today: Any
) -> None:
    today("2026-03-31")
    schedule(fake)
    one = items(fake)[1]
    due_soon_id = fake.comments_on(one.number)[-1].id
    assert "overdue" not in fake.labels

    today("2026-04-03")
    fake.reset_counts()
    schedule(fake)
    (comment,) = reminders(fake, one.number)
    assert "was due on **2026-04-01** and is **2 days overdue**" in comment and "@alice" in comment
    assert due_soon_id not in {c.id for c in fake.comments_on(one.number)}, "the previous reminder deleted"
    assert "overdue" in one.labels and fake.labels["overdue"].color == "b60205"
    assert fake.count("POST", r"/Hello-World/labels$") == 1
    assert f"DELETE /issues/comments/{due_soon_id}" in writes(fake)

    for day in ("2026-04-04", "2026-04-09"):  # 6 days later: not yet again
        today(day)
        fake.reset_counts()
        schedule(fake)
        assert not any(w.path.endswith(f"/issues/{one.number}/comments") for w in fake.writes)
    today("2026-04-10")
    schedule(fake)
    (comment,) = reminders(fake, one.number)
    assert "**9 days overdue**" in comment
    assert fake.count("POST", r"/Hello-World/labels$") == 0, "the label is created once"


def test_no_assignee_mentions_the_incident_commanders(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-04")
    schedule(fake)
    three = items(fake)[3]
    assert not three.assignees
    (comment,) = reminders(fake, three.number)
    assert comment.split("\n")[1].startswith("@alice this action item is due **tomorrow**")
    assert "Nobody is assigned to this issue" in comment


def test_an_unreadable_commander_team_is_written_as_its_name(
    today: Any, http: responses.RequestsMock
) -> None:
    fake = repository(http, teams="acme/sre")
    fake.add_team("acme/sre", ["dave"], readable=False)
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    today("2026-04-04")
    schedule(fake)
    (comment,) = reminders(fake, items(fake)[3].number)
    assert "`acme/sre`" in comment and "@acme/sre" not in comment and "@dave" not in comment


def test_no_commander_mentions_the_incident_author(today: Any, http: responses.RequestsMock) -> None:
    fake = repository(http)
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    today("2026-04-04")
    schedule(fake)
    (comment,) = reminders(fake, items(fake)[3].number)
    assert comment.split("\n")[1].startswith("@mona this action item"), "the incident's author"


def test_rerun_after_a_fault_on_the_comment_makes_no_duplicate(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-03")
    one = items(fake)[1]
    # GitHub made the comment, then answered 502: the gateway finds it instead of posting it again
    fake.fail_next("POST", rf"/issues/{one.number}/comments$", 502, after=True)
    schedule(fake)
    assert len(reminders(fake, one.number)) == 1

    # a run cut off after the comment (the record not completed): the rerun the same day writes nothing new
    today("2026-04-10")

    def cut_off(n: int) -> None:
        if n == 2:  # the record's completion with the new comment's id
            fake.fail_next("PATCH", rf"/issues/{one.number}$", 500, times=2)

    fake.on_request("PATCH", rf"/issues/{one.number}$", cut_off)
    report = run(fake, "schedule", schedule_payload(fake), raise_errors=False)
    assert report.errors
    fake.heal()
    comments_before = len(fake.comments_on(one.number))
    fake.reset_counts()
    schedule(fake)
    assert len(fake.comments_on(one.number)) == comments_before
    assert fake.items[one.number].labels.count("overdue") == 1
    assert len(digest(fake)) == 1
    assert all(i.labels.count("overdue") <= 1 for i in fake.issues_only())
    # the reminder of the day was recorded before its comment was posted: nothing more for this item today (the
    # items the cut-off run did not reach are reminded now)
    assert not [w for w in writes(fake) if f"/issues/{one.number}" in w]
    assert writes(fake)


def test_a_deadline_moved_in_the_table_after_a_reminder_removes_the_label(
    fake: FakeGitHub, today: Any
) -> None:
    today("2026-04-03")
    schedule(fake)
    one = items(fake)[1]
    assert "overdue" in one.labels
    text = fake.file_text("main", PATH) or ""
    fake.add_file("main", PATH, text.replace("2026-04-01", "2026-05-01", 1), message="Move the deadline")
    fake.reset_counts()
    schedule(fake)
    assert "overdue" not in one.labels
    assert f"DELETE /issues/{one.number}/labels/overdue" in writes(fake)
    assert "| **Deadline** | 2026-05-01 |" in (one.body or "")
    fake.reset_counts()
    schedule(fake)
    assert fake.writes == []


def test_closing_the_tracking_issue_removes_the_label(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-03")
    schedule(fake)
    one = items(fake)[1]
    close_issue(fake, one.number)
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, one.number, action="closed", sender="alice"))
    assert "overdue" not in one.labels
    assert writes(fake).count(f"DELETE /issues/{one.number}/labels/overdue") == 1
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, one.number, action="closed", sender="alice"))
    assert fake.writes == [], "rerun: the label is already off"

    reopen_issue(fake, one.number)
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, one.number, action="reopened", sender="alice"))
    assert "overdue" in one.labels, "reopened while overdue: the label follows the deadline again"
    assert not any("/comments" in w for w in writes(fake)), "an event sends no reminder"


def test_digest_created_once_and_updated_only_on_change(fake: FakeGitHub, today: Any) -> None:
    today("2026-03-31")
    schedule(fake)
    (issue,) = digest(fake)
    assert "**4 open** · **0 overdue**" in (issue.body or "")
    assert "@alice" not in (issue.body or ""), "owners are links, never mentions"
    today("2026-04-03")
    fake.reset_counts()
    schedule(fake)
    assert "**1 overdue**" in (fake.items[issue.number].body or "")
    assert fake.count("PATCH", rf"/issues/{issue.number}$") == 1
    fake.reset_counts()
    schedule(fake)
    assert fake.count("PATCH", rf"/issues/{issue.number}$") == 0
    assert len(digest(fake)) == 1


def test_remind_task_runs_the_follow_through_alone(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-03")
    report = run(fake, "workflow_dispatch", remind_payload(fake))
    assert report.handler == "follow-through"
    assert len(reminders(fake, items(fake)[1].number)) == 1
    report = run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert "follow-through" not in (report.handler or "")


# ---------------------------------------------------------------------------------------------------- follow-up


def test_follow_up_due_opens_exactly_one_issue_across_reruns(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-18")
    schedule(fake)
    assert follow_ups(fake) == []
    today("2026-04-19")
    # GitHub opened it, then answered 502: found, not opened twice
    fake.fail_next("POST", r"/issues$", 502, after=True)
    schedule(fake)
    (issue,) = follow_ups(fake)
    assert issue.title == "30-day follow-up: Checkout API errors"
    assert issue.assignees == ["alice"]
    assert "- [ ] Review action item completion" in (issue.body or "")
    assert "**0/4 done**" in (issue.body or "")
    fake.reset_counts()
    schedule(fake)
    assert fake.writes == []

    close_issue(fake, items(fake)[2].number)  # an item done: the live table follows
    today("2026-04-20")
    schedule(fake)
    assert "**1/4 done**" in (fake.items[issue.number].body or "")
    assert len(follow_ups(fake)) == 1


def _close_follow_up(fake: FakeGitHub, reason: str, tick: bool = True) -> Any:
    (issue,) = follow_ups(fake)
    if tick:
        issue.body = (issue.body or "").replace(
            "- [ ] Review action item completion", "- [x] Review action item completion"
        )
    close_issue(fake, issue.number, reason)
    return run(fake, "issues", issue_payload(fake, issue.number, action="closed", sender="alice"))


def test_closing_the_follow_up_as_completed_records_the_review(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-19")
    schedule(fake)
    today("2026-04-25")
    head = fake.branches["main"]
    fake.reset_counts()
    _close_follow_up(fake, "completed")
    text = fake.file_text("main", PATH) or ""
    meta, _ = split_frontmatter(text)
    assert meta["follow_up_done"] == "2026-04-25"
    assert "- [x] Review action item completion" in text and "- [ ] Verify preventive measures" in text
    assert re.search(r"\*\*Reviewed\*\* on 2026-04-25 by @alice in \[#\d+\]", text)
    assert fake.commit_log("main")[1].sha == head, "one commit"
    commits = [w for w in fake.writes if w.method == "PUT" or w.path.endswith("/graphql")]
    assert len(commits) == 1, "the review and the refreshed catalogue are one commit"
    fake.reset_counts()
    (issue,) = follow_ups(fake)
    run(fake, "issues", issue_payload(fake, issue.number, action="closed", sender="alice"))
    assert fake.writes == []
    today("2026-05-30")
    schedule(fake)
    assert len(follow_ups(fake)) == 1, "never a second follow-up issue"


@pytest.mark.parametrize("reason", ["not_planned", "duplicate"])
def test_closing_the_follow_up_as_not_planned_records_that(fake: FakeGitHub, today: Any, reason: str) -> None:
    today("2026-04-19")
    schedule(fake)
    _close_follow_up(fake, reason, tick=False)
    text = fake.file_text("main", PATH) or ""
    assert split_frontmatter(text)[0]["follow_up_not_planned"] == "2026-04-19"
    assert "**Review not done**: closed as not planned on 2026-04-19 by @alice" in text


def test_follow_up_while_the_default_branch_is_protected_goes_through_a_pull_request(
    fake: FakeGitHub, today: Any
) -> None:
    fake.protect("main")
    today("2026-04-19")
    schedule(fake)
    (issue,) = follow_ups(fake)
    before = fake.file_text("main", PATH)
    report = _close_follow_up(fake, "completed")
    assert fake.file_text("main", PATH) == before
    (pull,) = [p for p in fake.pulls() if p.head == f"postmortem/follow-up-{issue.number}"]
    proposed = fake.file_text(pull.head or "", PATH) or ""
    assert split_frontmatter(proposed)[0]["follow_up_done"] == "2026-04-19"
    assert "**Reviewed** on 2026-04-19 by @alice" in proposed
    assert pull.base == "main" and pull.state == "open"
    assert "proposed in pull request" in texts(report)
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, issue.number, action="closed", sender="alice"))
    assert fake.writes == [], "the record waits in its pull request"
    assert len(fake.pulls()) == 1


def test_a_follow_up_issue_from_someone_else_is_not_the_actions(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-19")
    schedule(fake)
    forged = fake.add_issue(
        "30-day follow-up: x",
        f'<!-- postmortem:follow-up {{"doc": "{PATH}"}} -->',
        labels=[FOLLOW_UP_LABEL],
        user="mallory",
    )
    close_issue(fake, forged.number)
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, forged.number, action="closed", sender="mallory"))
    assert fake.count("PUT") == 0 and "follow_up_done" not in (fake.file_text("main", PATH) or "")


def test_similar_incidents_since_come_from_shared_services_or_labels(fake: FakeGitHub, today: Any) -> None:
    fake.apply_labels(fake.items[1], ["database"])
    other = fake.add_issue("[Incident]: Replica lag", "", labels=["incident", "database"], user="mona")
    later = (
        document((), published="2026-04-01", follow_up="2026-05-01")
        .replace("incident: 1", f"incident: {other.number}")
        .replace("title: Checkout API errors", "title: Replica lag")
        .replace("**Services Impacted**: checkout-api", "**Services Impacted**: reporting")
    )
    fake.add_file("main", "postmortems/2026-03-30-replica-lag.md", later, message="Publish")
    today("2026-04-19")
    schedule(fake)
    (issue,) = follow_ups(fake)
    similar = (issue.body or "").split("### Similar incidents since", 1)[1].split("###", 1)[0]
    assert (
        "[Replica lag](https://github.com/Codertocat/Hello-World/blob/main/postmortems/2026-03-30-replica-lag.md)"
        in similar
    )
    assert fake.count("GET", r"/issues$") == 4, "action items, follow-ups, digest, and the incidents' labels"
