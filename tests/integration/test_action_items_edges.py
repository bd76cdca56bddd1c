"""Action items ↔ tracking issues: what a team relying on the issues runs into, as whole events against the fake.

Every test runs whole events, checks the fake's final state (issues, bodies, labels, assignees, state, the
table on the right branch, comments: one per purpose) and that a rerun makes zero writes. Tests marked
``xfail(strict=True)`` show a real bug; their reason says what goes wrong.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fake_github import FakeGitHub
from harness import (
    close_issue,
    dispatch_payload,
    pull_request_payload,
    push_payload,
    reopen_issue,
    run,
    tracking_issue_payload,
)

from postmortem.action_items.table import read_action_items
from postmortem.action_items.tracking import read_link
from postmortem.errors import RateLimited
from postmortem.github import client as gateway_module
from postmortem.markdown.markers import marker
from postmortem.plan import Plan
from postmortem.signoff import handler as signoff

PATH = "postmortems/2025-11-17-checkout-api-outage.md"
OTHER = "postmortems/2025-10-01-dns-outage.md"
BRANCH = "postmortem/incident-1"
HEADER = "| # | Action Item | Owner | Deadline | Priority | Status | Issue |"
DELIMITER = "|---|-------------|-------|----------|----------|--------|-------|"
ROWS = [
    "| 1 | Require backward-compatible migrations | @alice | 2025-11-20 | P0 | 🔴 Not Started | |",
    "| 2 | Add a pre-deployment migration check | @bob | 2025-11-24 | P1 | 🟡 In Progress | |",
    "| 3 | Sync migrations with worker deploys | DevOps Team | 2025-12-01 | P0 | 🔴 Not Started | |",
    "| 4 | Consider a canary stage for migrations | @alice | | P2 | 💡 Proposed | |",
]


@pytest.fixture(autouse=True)
def only_action_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-off is stubbed so that every write seen here is the action-items sync's own."""
    for name in ("handle_pull_request", "handle_reconcile"):
        monkeypatch.setattr(signoff, name, lambda ctx: Plan())


# ---------------------------------------------------------------------------------------------- helpers


def document(
    rows: list[str], *, incident: int = 1, title: str = "Checkout API outage", body: str = ""
) -> str:
    table = "\n".join(rows)
    tables = body or f"{HEADER}\n{DELIMITER}\n{table}"
    return f"""---
incident: {incident}
title: {title}
severity: P0
---
# Post-Mortem: {title}

**Severity**: P0

## Executive Summary

The checkout API returned errors for 47 minutes after a database migration removed a column still in use.

## Action Items

*Concrete steps to prevent recurrence.*

{tables}

## Lessons Learned

- Migrations must be backward compatible.
"""


def collaborators(fake: FakeGitHub) -> None:
    for login in ("alice", "bob", "carol", "mona"):
        fake.set_permission(login, "write")


def setup(fake: FakeGitHub, rows: list[str] | None = None, *, text: str | None = None) -> int:
    """Incident #1, its post-mortem on the PR branch, and the ready post-mortem pull request (#2)."""
    collaborators(fake)
    fake.add_issue("[Incident]: Checkout API outage", "", labels=["incident"], user="mona")
    content = text if text is not None else document(ROWS if rows is None else rows)
    sha = fake.add_file(BRANCH, PATH, content, message="Draft post-mortem")
    body = marker("document", incident=1, path=PATH, sha=sha) + "\nPost-mortem of incident #1."
    pull = fake.add_pull(BRANCH, title="Post-mortem: Checkout API outage", body=body, labels=["postmortem"])
    return pull.number


def tracking_issues(fake: FakeGitHub, doc: str | None = PATH) -> list[Any]:
    """Every issue carrying an action-item marker (of ``doc``; all documents when None)."""
    out = []
    for item in fake.issues_only():
        link = read_link(item.body)
        if link is not None and (doc is None or link.doc == doc):
            out.append(item)
    return out


def open_tracking(fake: FakeGitHub, doc: str | None = PATH) -> list[Any]:
    return [item for item in tracking_issues(fake, doc) if item.state == "open"]


def rows(fake: FakeGitHub, branch: str = BRANCH, path: str = PATH) -> list[Any]:
    return read_action_items(fake.file_text(branch, path) or "").items


def by_text(fake: FakeGitHub, branch: str = BRANCH, path: str = PATH) -> dict[str, Any]:
    return {item.text: item for item in rows(fake, branch, path)}


def issue_of(fake: FakeGitHub, text: str, branch: str = BRANCH, path: str = PATH) -> Any:
    number = by_text(fake, branch, path)[text].issue
    assert number is not None, f"row {text!r} has no issue"
    return fake.items[number]


def edit(fake: FakeGitHub, old: str, new: str, branch: str = BRANCH, path: str = PATH) -> None:
    text = fake.file_text(branch, path) or ""
    assert old in text, old
    fake.add_file(branch, path, text.replace(old, new, 1), message="Human edit")


def row_line(fake: FakeGitHub, start: str, branch: str = BRANCH, path: str = PATH) -> str:
    text = fake.file_text(branch, path) or ""
    return next(line for line in text.splitlines() if line.startswith(start))


def ready(fake: FakeGitHub, number: int, action: str = "ready_for_review", sender: str = "mona") -> Any:
    return run(fake, "pull_request", pull_request_payload(fake, number, action=action, sender=sender))


def merge(fake: FakeGitHub, number: int) -> None:
    fake.add_file("main", PATH, fake.file_text(BRANCH, PATH) or "", message="Merge post-mortem")
    item = fake.items[number]
    item.state, item.merged, item.merged_at, item.closed_at = "closed", True, item.updated_at, item.updated_at


def assert_rerun_is_quiet(fake: FakeGitHub, number: int | None = None) -> None:
    """A synchronize (when there is an open PR) and a reconcile make zero writes."""
    fake.reset_counts()
    if number is not None and fake.items[number].state == "open":
        ready(fake, number, action="synchronize")
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert [f"{w.method} {w.path}" for w in fake.writes] == []


def one_issue_per_row(fake: FakeGitHub, branch: str = BRANCH, path: str = PATH) -> None:
    """Every non-Proposed row is linked to its own open issue of this document, and there are no others."""
    linked = [item.issue for item in rows(fake, branch, path) if item.status_text != "💡 Proposed"]
    assert None not in linked, linked
    assert len(set(linked)) == len(linked), f"rows share issues: {linked}"
    assert sorted(linked) == sorted(item.number for item in open_tracking(fake, path))


def linked_setup(fake: FakeGitHub, row_list: list[str] | None = None) -> int:
    number = setup(fake, row_list)
    ready(fake, number)
    one_issue_per_row(fake)
    return number


# ================================================================ humans editing the table between runs


def test_reordering_rows_keeps_every_link(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    before = {item.text: item.issue for item in rows(fake)}
    text = fake.file_text(BRANCH, PATH) or ""
    lines = [row_line(fake, f"| {n} |") for n in (1, 2, 3, 4)]
    reordered = text.replace("\n".join(lines), "\n".join([lines[3], lines[2], lines[0], lines[1]]))
    fake.add_file(BRANCH, PATH, reordered, message="Reorder")
    fake.reset_counts()

    ready(fake, number, action="synchronize")

    # only the problems comment follows DevOps Team's new line number
    assert [w.method + " " + w.path.rsplit("/", 2)[-2] for w in fake.writes] == ["PATCH comments"]
    assert {item.text: item.issue for item in rows(fake)} == before
    one_issue_per_row(fake)
    assert_rerun_is_quiet(fake, number)


def test_renumbering_the_number_column_moves_markers_once(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    before = {item.text: item.issue for item in rows(fake)}
    for n in (1, 2, 3, 4):
        edit(fake, f"| {n} | ", f"| {n * 10} | ")

    ready(fake, number, action="synchronize")

    assert {item.text: item.issue for item in rows(fake)} == before
    one_issue_per_row(fake)
    first = issue_of(fake, "Require backward-compatible migrations")
    assert read_link(first.body).key == "n10"  # type: ignore[union-attr]
    assert "**Action item 10**" in (first.body or "")
    assert all(i.state == "open" for i in tracking_issues(fake))
    assert_rerun_is_quiet(fake, number)


def test_inserting_a_row_in_the_middle_and_renumbering(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    before = {item.text: item.issue for item in rows(fake)}
    # a new row 2, the old rows 2..4 renumbered 3..5, in one commit
    for n in (4, 3, 2):
        edit(fake, f"| {n} | ", f"| {n + 1} | ")
    old_second = row_line(fake, "| 3 |")
    edit(
        fake,
        old_second,
        "| 2 | Alert on long-running migrations | @carol | 2025-12-05 | P1 | | |\n" + old_second,
    )

    ready(fake, number, action="synchronize")

    after = by_text(fake)
    assert {text: after[text].issue for text in before} == before, "old rows keep their issues"
    new = issue_of(fake, "Alert on long-running migrations")
    assert new.number not in before.values() and new.assignees == ["carol"]
    assert after["Alert on long-running migrations"].status_text == "🔴 Not Started"
    one_issue_per_row(fake)
    assert not any(
        c.body.startswith("The row of this action item was removed") for c in fake.comments.values()
    )
    assert_rerun_is_quiet(fake, number)


def test_duplicating_a_row_is_reported_and_converges(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    first = row_line(fake, "| 1 |")
    edit(fake, first, first + "\n" + first)  # copy-paste of a whole row, its Issue cell included

    ready(fake, number, action="synchronize")
    ready(fake, number, action="synchronize")

    assert len(tracking_issues(fake)) == 3, "no issue created or closed for the copy"
    (comment,) = fake.comments_on(number)
    shared = by_text(fake)["Require backward-compatible migrations"].issue
    assert f"#{shared}" in comment.body, "the duplicate row is named in the problems comment"
    assert_rerun_is_quiet(fake, number)


def test_two_rows_pointing_at_the_same_issue(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    first = issue_of(fake, "Require backward-compatible migrations")
    second = issue_of(fake, "Add a pre-deployment migration check")
    edit(fake, f"| #{second.number} |", f"| #{first.number} |")  # a copy-paste slip in the Issue column

    ready(fake, number, action="synchronize")
    titles = [first.title]
    ready(fake, number, action="synchronize")
    titles.append(first.title)

    assert second.state == "open", "an issue whose row is still in the table is not closed"
    assert titles[0] == titles[1] == "Require backward-compatible migrations"
    (comment,) = fake.comments_on(number)
    assert f"#{first.number}" in comment.body
    assert_rerun_is_quiet(fake, number)


def test_splitting_the_table_in_two_keeps_links_and_adds_the_missing_issue_column(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    before = {item.text: item.issue for item in rows(fake)}
    text = fake.file_text(BRANCH, PATH) or ""
    lines = [row_line(fake, f"| {n} |") for n in (1, 2, 3, 4)]
    # the second table is written by hand without the Issue column, and without its Issue cells
    second = [re.sub(r"\|[^|]*\|$", "|", line) for line in lines[2:]]
    split = text.replace(
        f"{HEADER}\n{DELIMITER}\n" + "\n".join(lines),
        "### Prevention\n\n" + f"{HEADER}\n{DELIMITER}\n" + "\n".join(lines[:2]) + "\n\n### Detection\n\n"
        "| # | Action Item | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n"
        + "\n".join(second),
    )
    fake.add_file(BRANCH, PATH, split, message="Split the table")

    ready(fake, number, action="synchronize")

    report = read_action_items(fake.file_text(BRANCH, PATH) or "")
    assert len(report.tables) == 2 and report.has_issue_column
    assert {item.text: item.issue for item in report.items} == before, "re-linked, not duplicated"
    assert len(tracking_issues(fake)) == 3
    one_issue_per_row(fake)
    assert "### Prevention" in (fake.file_text(BRANCH, PATH) or "")
    assert_rerun_is_quiet(fake, number)


def test_text_changed_and_issue_cell_deleted_in_one_commit_relinks_and_renames(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    issue = issue_of(fake, "Add a pre-deployment migration check")
    edit(
        fake,
        f"| Add a pre-deployment migration check | @bob | 2025-11-24 | P1 | 🟡 In Progress | #{issue.number} |",
        "| Add a migration check to CI | @bob | 2025-11-24 | P1 | 🟡 In Progress | |",
    )

    ready(fake, number, action="synchronize")

    assert by_text(fake)["Add a migration check to CI"].issue == issue.number
    assert issue.title == "Add a migration check to CI" and issue.state == "open"
    assert len(tracking_issues(fake)) == 3
    assert_rerun_is_quiet(fake, number)


def test_an_issue_cell_pointing_to_an_existing_issue_follows_its_state(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    existing = fake.add_issue("Orders table has no index on customer_id", "Found last month.", user="carol")
    last = row_line(fake, "| 4 |")
    edit(
        fake,
        last,
        last
        + f"\n| 5 | Index orders.customer_id | @carol | 2025-12-10 | P1 | 🔴 Not Started | #{existing.number} |",
    )
    ready(fake, number, action="synchronize")
    assert len(tracking_issues(fake)) == 3, "no new issue for a row that names one"
    assert existing.title == "Orders table has no index on customer_id", "a person's issue is not rewritten"

    close_issue(fake, existing.number)
    run(fake, "workflow_dispatch", dispatch_payload(fake))

    assert by_text(fake)["Index orders.customer_id"].status_text == "🟢 Done"
    assert_rerun_is_quiet(fake, number)


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("https://github.com/other-org/other-repo/issues/12", "other-org/other-repo"),
        ("https://github.com/Codertocat/Hello-World/pull/2", "pull request"),
    ],
    ids=["other-repository", "pull-request"],
)
def test_an_issue_cell_that_is_not_an_issue_here_is_reported_and_kept(
    fake: FakeGitHub, cell: str, why: str
) -> None:
    number = linked_setup(fake)
    own = issue_of(fake, "Sync migrations with worker deploys")
    edit(fake, f"| #{own.number} |", f"| {cell} |")

    ready(fake, number, action="synchronize")
    ready(fake, number, action="synchronize")

    assert cell in (fake.file_text(BRANCH, PATH) or ""), "the cell is never overwritten"
    assert own.state == "open", "its issue is not closed as removed"
    assert len(tracking_issues(fake)) == 3, "no issue created for it"
    (comment,) = fake.comments_on(number)
    assert cell in comment.body and why in comment.body
    assert_rerun_is_quiet(fake, number)


# ================================================================================================ status


def test_a_row_set_to_done_by_hand_while_its_issue_is_open_goes_back(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    issue = issue_of(fake, "Require backward-compatible migrations")
    edit(fake, "| P0 | 🔴 Not Started | #", "| P0 | 🟢 Done | #")

    report = ready(fake, number, action="synchronize")

    assert issue.state == "open", "the Status column never closes an issue"
    assert by_text(fake)["Require backward-compatible migrations"].status_text == "🔴 Not Started"
    assert any(f"#{issue.number} is open" in m.text for m in report.messages)
    assert_rerun_is_quiet(fake, number)


def test_a_proposed_row_that_becomes_not_started_gets_an_issue(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    assert by_text(fake)["Consider a canary stage for migrations"].issue is None
    edit(fake, "| P2 | 💡 Proposed |", "| P2 | 🔴 Not Started |")

    ready(fake, number, action="synchronize")

    canary = issue_of(fake, "Consider a canary stage for migrations")
    assert canary.assignees == ["alice"] and sorted(canary.labels) == ["P2", "action-item"]
    assert len(tracking_issues(fake)) == 4
    one_issue_per_row(fake)
    assert_rerun_is_quiet(fake, number)


def test_an_issue_closed_as_duplicate_marks_the_row_wont_do(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    issue = issue_of(fake, "Sync migrations with worker deploys")
    close_issue(fake, issue.number, "duplicate")

    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))

    assert by_text(fake)["Sync migrations with worker deploys"].status_text == "⚪ Won't Do"
    assert issue.state == "closed" and issue.state_reason == "duplicate"
    assert_rerun_is_quiet(fake, number)


def test_reopened_assigned_in_progress_then_label_removed(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    issue = issue_of(fake, "Sync migrations with worker deploys")
    close_issue(fake, issue.number)
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))
    assert by_text(fake)["Sync migrations with worker deploys"].status_text == "🟢 Done"

    reopen_issue(fake, issue.number)
    issue.assignees = ["carol"]
    fake.add_label("in-progress")
    issue.labels.append("in-progress")
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="reopened"))

    assert by_text(fake)["Sync migrations with worker deploys"].status_text == "🟡 In Progress"
    assert issue.assignees == ["carol"], "the owner cell names a team: the person's assignment is kept"
    assert "in-progress" in issue.labels, "a priority sync keeps other labels"
    assert_rerun_is_quiet(fake, number)

    # the label removed: the row's In Progress is the table's own value for an open issue and is kept
    issue.labels.remove("in-progress")
    assert_rerun_is_quiet(fake, number)
    assert by_text(fake)["Sync migrations with worker deploys"].status_text == "🟡 In Progress"


# ================================================================================================ owners


class _Logins(dict[str, str]):
    """GitHub logins are case-insensitive: the collaborator permission endpoint answers for any casing."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(k.casefold() == key.casefold() for k in self.keys())

    def __getitem__(self, key: str) -> str:
        for k, v in self.items():
            if k.casefold() == key.casefold():
                return v
        raise KeyError(key)


def test_owner_login_case_differences(fake: FakeGitHub) -> None:
    fake.permissions = _Logins()
    number = linked_setup(fake, [ROWS[0].replace("@alice", "@Alice"), ROWS[1]])
    issue = issue_of(fake, "Require backward-compatible migrations")
    assert [a.casefold() for a in issue.assignees] == ["alice"]
    assert fake.comments_on(number) == [], "a login in another case is still a login"
    assert_rerun_is_quiet(fake, number)

    edit(fake, "| @Alice |", "| @ALICE |")
    ready(fake, number, action="synchronize")
    assert [a.casefold() for a in issue.assignees] == ["alice"]
    assert_rerun_is_quiet(fake, number)


def test_owner_mapped_in_config_to_a_login_that_is_not_a_collaborator(fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "action_items:\n  owners:\n    Dana Smith: dana\n")
    number = linked_setup(fake, [ROWS[0].replace("@alice", "Dana Smith")])

    (issue,) = tracking_issues(fake)
    assert issue.assignees == []
    assert "@dana" in (issue.body or "") and "cannot be assigned" in (issue.body or "")
    (comment,) = fake.comments_on(number)
    assert "@dana" in comment.body
    assert_rerun_is_quiet(fake, number)


def test_owner_cell_with_two_logins_and_a_team(fake: FakeGitHub) -> None:
    number = linked_setup(
        fake,
        [
            ROWS[0].replace("@alice", "@alice, @bob"),
            ROWS[1].replace("@bob", "@acme/platform-team"),
        ],
    )
    two = issue_of(fake, "Require backward-compatible migrations")
    team = issue_of(fake, "Add a pre-deployment migration check")
    assert two.assignees == [] and team.assignees == []
    assert "@acme/platform-team" in (team.body or "")
    (comment,) = fake.comments_on(number)
    assert "@alice, @bob" in comment.body and "several people" in comment.body
    assert "@acme/platform-team" in comment.body
    assert "@alice, @bob" in (fake.file_text(BRANCH, PATH) or ""), "the cell is kept as written"
    assert_rerun_is_quiet(fake, number)


# ==================================================================================== deadlines, priorities


def test_priorities_and_deadlines_people_write(fake: FakeGitHub) -> None:
    number = linked_setup(
        fake,
        [
            "| 1 | Alpha | @alice | 2025-11-20 | P3 | 🔴 Not Started | |",
            "| 2 | Bravo | @bob | 2025-11-24 | p1 | 🔴 Not Started | |",
            "| 3 | Charlie | @carol | 2025-11-24 | High | 🔴 Not Started | |",
            "| 4 | Delta | @alice | 2020-01-01 | P2 | 🔴 Not Started | |",
            "| 5 | Echo | @bob | 2025-02-30 | P0 | 🔴 Not Started | |",
        ],
    )
    issues = {issue.title: issue for issue in tracking_issues(fake)}
    assert sorted(issues) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"], "no row is lost"
    assert sorted(issues["Alpha"].labels) == ["action-item"]
    assert sorted(issues["Bravo"].labels) == ["P1", "action-item"]
    assert sorted(issues["Charlie"].labels) == ["action-item"]
    assert "2020-01-01" in (issues["Delta"].body or ""), "a past deadline is still the deadline"
    assert "2025-02-30" in (issues["Echo"].body or "")
    (comment,) = fake.comments_on(number)
    for expected in ("P3", "High", "2025-02-30"):
        assert expected in comment.body, expected
    assert "2020-01-01" not in comment.body and "p1" not in comment.body
    text = fake.file_text(BRANCH, PATH) or ""
    assert "| P3 |" in text and "| High |" in text and "| 2025-02-30 |" in text
    assert_rerun_is_quiet(fake, number)


def test_an_unreadable_priority_does_not_contradict_the_kept_label(fake: FakeGitHub) -> None:
    number = linked_setup(fake, [ROWS[1]])
    (issue,) = tracking_issues(fake)
    edit(fake, "| P1 |", "| High |")

    ready(fake, number, action="synchronize")

    assert "P1" in issue.labels, "an unreadable cell never changes the issue's priority"
    assert "| **Priority** | not set |" not in (issue.body or "")


# ======================================================================================== scale, limits


def test_120_rows_take_three_runs_without_duplicates(fake: FakeGitHub) -> None:
    many = [
        f"| {i} | Action item number {i} | @alice | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, 121)
    ]
    number = setup(fake, many)
    remaining = []
    for expected in (50, 100, 120):
        report = ready(fake, number, action="synchronize")
        assert len(tracking_issues(fake)) == expected
        assert len({read_link(i.body).key for i in tracking_issues(fake)}) == expected  # type: ignore[union-attr]
        linked = [item for item in rows(fake) if item.issue]
        assert len(linked) == expected, "the table links what exists after every run"
        remaining += [m.text for m in report.messages if "still need a tracking issue" in m.text]
    assert [re.search(r"(\d+) action item", m)[1] for m in remaining] == ["70", "20"]  # type: ignore[index]
    one_issue_per_row(fake)
    assert len([c for c in fake.commit_log(BRANCH) if c.message.startswith("Action items:")]) == 3
    assert_rerun_is_quiet(fake, number)


def test_a_secondary_rate_limit_with_retry_after_is_waited_out(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(gateway_module, "_no_sleep", waits.append)
    number = setup(fake)
    original = fake._take_failure
    creations: list[str] = []

    def take(method: str, path: str) -> Any:
        if method == "POST" and path.endswith("/issues"):
            creations.append(path)
            if len(creations) == 2:
                fake.rate_limit_next("POST", r"/issues$", kind="secondary", retry_after=30)
        return original(method, path)

    monkeypatch.setattr(fake, "_take_failure", take)
    ready(fake, number)

    assert 30.0 in waits
    assert [e.status for e in fake.log if e.method == "POST" and e.path.endswith("/issues")] == [
        201,
        403,
        201,
        201,
    ]
    one_issue_per_row(fake)
    assert len(tracking_issues(fake)) == 3
    assert_rerun_is_quiet(fake, number)


def test_a_long_secondary_rate_limit_stops_consistently_and_the_next_run_completes(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = setup(fake)
    original = fake._take_failure
    creations: list[str] = []

    def take(method: str, path: str) -> Any:
        if method == "POST" and path.endswith("/issues"):
            creations.append(path)
            if len(creations) == 2:
                fake.rate_limit_next("POST", r"/issues$", kind="secondary", retry_after=600)
        return original(method, path)

    monkeypatch.setattr(fake, "_take_failure", take)
    with pytest.raises(RateLimited) as stopped:
        ready(fake, number)
    assert "secondary" in str(stopped.value) and "2 × new issue" in str(stopped.value)
    assert "600" in str(stopped.value)
    assert len(tracking_issues(fake)) == 1
    assert all(item.issue is None for item in rows(fake))

    ready(fake, number, action="synchronize")

    assert len(tracking_issues(fake)) == 3
    one_issue_per_row(fake)
    assert_rerun_is_quiet(fake, number)


def test_listing_over_a_hundred_tracking_issues_of_several_documents(fake: FakeGitHub) -> None:
    collaborators(fake)

    def table_of(n: int, prefix: str) -> list[str]:
        return [
            f"| {i} | {prefix} item {i} | @bob | 2025-12-01 | P1 | 🔴 Not Started | |"
            for i in range(1, n + 1)
        ]

    fake.add_file("main", PATH, document(table_of(45, "Checkout")))
    fake.add_file("main", OTHER, document(table_of(45, "DNS"), incident=9, title="DNS outage"))
    run(fake, "push", push_payload(fake, added=[PATH, OTHER]))
    run(fake, "push", push_payload(fake, modified=[PATH, OTHER]))  # the rest, after the cap of 50
    fake.add_file(
        "main", "postmortems/2025-09-01-queue.md", document(table_of(30, "Queue"), incident=7, title="Queue")
    )
    run(fake, "push", push_payload(fake, added=["postmortems/2025-09-01-queue.md"]))

    assert len(tracking_issues(fake, None)) == 120
    for path in (PATH, OTHER, "postmortems/2025-09-01-queue.md"):
        one_issue_per_row(fake, "main", path)
    # the oldest issue (on the listing's second page) is re-linked when its cell is deleted by hand
    oldest = min(i.number for i in tracking_issues(fake, PATH))
    edit(fake, f"| #{oldest} |", "| |", branch="main")
    fake.reset_counts()
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert fake.count("GET", r"/issues$") == 2, "one listing, two pages"
    assert [w.method for w in fake.writes] == ["PUT"]
    assert by_text(fake, "main")["Checkout item 1"].issue == oldest
    assert len(tracking_issues(fake, None)) == 120
    assert_rerun_is_quiet(fake)


# ========================================================================================= sync targets


def test_a_push_touching_two_post_mortems_syncs_both(fake: FakeGitHub) -> None:
    collaborators(fake)
    fake.add_file("main", PATH, document(ROWS[:2]))
    fake.add_file("main", OTHER, document(ROWS[:3], incident=9, title="DNS outage"))

    run(fake, "push", push_payload(fake, added=[PATH, OTHER]))

    assert len(tracking_issues(fake, PATH)) == 2 and len(tracking_issues(fake, OTHER)) == 3
    one_issue_per_row(fake, "main", PATH)
    one_issue_per_row(fake, "main", OTHER)
    assert "DNS outage" in (tracking_issues(fake, OTHER)[0].body or "")
    assert_rerun_is_quiet(fake)


def test_a_push_deleting_a_post_mortem_does_not_orphan_its_issues_silently(fake: FakeGitHub) -> None:
    collaborators(fake)
    fake.add_file("main", PATH, document(ROWS[:2]))
    run(fake, "push", push_payload(fake, added=[PATH]))
    issues = tracking_issues(fake)
    numbers = [f"#{i.number}" for i in issues]
    head = fake.commits[fake.branches["main"]]
    tree = {p: d for p, d in head.tree.items() if p != PATH}
    fake.branches["main"] = fake._commit(head.sha, tree, "Remove post-mortem", "mona")
    payload = push_payload(fake)
    payload["commits"][0]["removed"] = [PATH]

    report = run(fake, "push", payload)

    closed = all(i.state == "closed" and i.state_reason == "not_planned" for i in issues)
    said = all(any(n in m.text for m in report.messages) for n in numbers)
    assert closed or said


def test_a_post_mortem_renamed_on_main_keeps_pushing_table_edits(fake: FakeGitHub) -> None:
    collaborators(fake)
    fake.add_file("main", PATH, document(ROWS[:2]))
    run(fake, "push", push_payload(fake, added=[PATH]))
    issue = issue_of(fake, "Require backward-compatible migrations", "main")
    renamed = "postmortems/2025-11-17-checkout-outage.md"
    head = fake.commits[fake.branches["main"]]
    tree = {(renamed if p == PATH else p): d for p, d in head.tree.items()}
    fake.branches["main"] = fake._commit(head.sha, tree, "Rename", "mona")
    payload = push_payload(fake, added=[renamed])
    payload["commits"][0]["removed"] = [PATH]
    run(fake, "push", payload)
    edit(fake, "| Require backward-compatible migrations |", "| Require expand/contract migrations |",
         branch="main", path=renamed)  # fmt: skip

    run(fake, "push", push_payload(fake, modified=[renamed]))

    assert issue.title == "Require expand/contract migrations"


def test_a_post_mortem_on_main_and_its_open_pull_request_is_synced_once(fake: FakeGitHub) -> None:
    number = setup(fake)
    fake.add_file("main", PATH, document(ROWS[:1]), message="An early copy committed straight to main")
    ready(fake, number)
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert fake.file_text("main", PATH) == document(ROWS[:1]), "reconcile defers to the pull request"
    one_issue_per_row(fake)
    main_commits = len(fake.commit_log("main"))

    edit(fake, "- Migrations", "- All migrations", branch="main")
    run(fake, "push", push_payload(fake, modified=[PATH]))

    assert all(i.state == "open" for i in tracking_issues(fake)), (
        "rows only on the PR branch are not 'removed'"
    )
    assert len(fake.commit_log("main")) == main_commits + 1, "only the human's commit on main"
    one_issue_per_row(fake)
    assert_rerun_is_quiet(fake, number)


def test_merge_while_the_branch_has_rows_without_issues(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    last = row_line(fake, "| 4 |")
    # a row added in the last push, whose sync never ran (cancelled), then the pull request is merged
    edit(fake, last, last + "\n| 5 | Page the DB on-call for schema changes | @bob | 2025-12-10 | P1 | | |")
    merge(fake, number)
    branch_before = fake.file_text(BRANCH, PATH)

    ready(fake, number, action="closed")

    new = issue_of(fake, "Page the DB on-call for schema changes", "main")
    assert new.assignees == ["bob"] and f"reviewed in #{number}" in (new.body or "")
    one_issue_per_row(fake, "main")
    assert fake.file_text(BRANCH, PATH) == branch_before, "the merged branch is left alone"
    assert fake.commit_log("main")[0].message.startswith("Action items: link 1")
    assert len(tracking_issues(fake)) == 4
    assert_rerun_is_quiet(fake, number)
