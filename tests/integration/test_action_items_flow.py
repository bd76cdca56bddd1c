"""Action Items table ↔ tracking issues: whole events against the stateful fake GitHub."""

from __future__ import annotations

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

from postmortem.action_items import handler
from postmortem.action_items.table import read_action_items
from postmortem.action_items.tracking import read_link
from postmortem.errors import RateLimited
from postmortem.markdown.markers import marker
from postmortem.plan import Plan
from postmortem.signoff import handler as signoff

PATH = "postmortems/2025-11-17-checkout-api-outage.md"
BRANCH = "postmortem/incident-1"
ROWS = [
    "| 1 | Require backward-compatible migrations | @alice | 2025-11-20 | P0 | 🔴 Not Started | |",
    "| 2 | Add a pre-deployment migration check | @bob | 2025-11-24 | P1 | 🟡 In Progress | |",
    "| 3 | Sync migrations with worker deploys | DevOps Team | 2025-12-01 | P0 | 🔴 Not Started | |",
    "| 4 | Consider a canary stage for migrations | @alice | | P2 | 💡 Proposed | |",
]
# first sync of n rows: n issue creations + this constant: 10 reads (config, pull request, 2 × issue listing,
# document and comments, the repository's labels, an owner's permission), up to 4 label creations, the commit
CONSTANT = 16
NO_CHANGE = 5  # config, pull request, issue listing, document, comments


@pytest.fixture(autouse=True)
def only_action_items(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-off runs before this handler on pull_request / dispatch events; it is stubbed so that writes and
    request counts here are the action-items sync's own (test_with_sign_off runs both)."""
    if "with_sign_off" in request.node.name:
        return
    for name in ("handle_pull_request", "handle_reconcile"):
        monkeypatch.setattr(signoff, name, lambda ctx: Plan())


def document(rows: list[str]) -> str:
    table = "\n".join(rows)
    return f"""---
incident: 1
title: Checkout API outage
severity: P0
---
# Post-Mortem: Checkout API outage

**Severity**: P0

## Executive Summary

The checkout API returned errors for 47 minutes after a database migration removed a column still in use.

## Action Items

*Concrete steps to prevent recurrence.*

| # | Action Item | Owner | Deadline | Priority | Status | Issue |
|---|-------------|-------|----------|----------|--------|-------|
{table}

## Lessons Learned

- Migrations must be backward compatible.
"""


def setup(fake: FakeGitHub, rows: list[str] | None = None, *, draft: bool = False) -> int:
    """Incident #1, its post-mortem on the PR branch, and the (ready) post-mortem pull request."""
    for login in ("alice", "bob", "carol", "mona"):
        fake.set_permission(login, "write")
    fake.add_issue("[Incident]: Checkout API outage", "", labels=["incident"], user="mona")
    text = document(ROWS if rows is None else rows)
    sha = fake.add_file(BRANCH, PATH, text, message="Draft post-mortem")
    body = marker("document", incident=1, path=PATH, sha=sha) + "\nPost-mortem of incident #1."
    pull = fake.add_pull(
        BRANCH, title="Post-mortem: Checkout API outage", body=body, draft=draft, labels=["postmortem"]
    )
    return pull.number


def tracking(fake: FakeGitHub) -> dict[str, Any]:
    """Tracking issues by row key."""
    found: dict[str, Any] = {}
    for item in fake.issues_only():
        link = read_link(item.body)
        if link is not None:
            assert link.key not in found or found[link.key].state == "closed", (
                f"two open issues for {link.key}"
            )
            found.setdefault(link.key, item)
    return found


def table(fake: FakeGitHub, branch: str = BRANCH) -> dict[str, Any]:
    report = read_action_items(fake.file_text(branch, PATH) or "")
    return {item.key: item for item in report.items}


def edit(fake: FakeGitHub, old: str, new: str, branch: str = BRANCH) -> None:
    text = fake.file_text(branch, PATH) or ""
    assert old in text, old
    fake.add_file(branch, PATH, text.replace(old, new), message="Human edit")


def merge(fake: FakeGitHub, number: int) -> None:
    fake.add_file("main", PATH, fake.file_text(BRANCH, PATH) or "", message="Merge post-mortem")
    item = fake.items[number]
    item.state, item.merged, item.merged_at, item.closed_at = "closed", True, item.updated_at, item.updated_at


def ready(fake: FakeGitHub, number: int, action: str = "ready_for_review", sender: str = "mona") -> Any:
    return run(fake, "pull_request", pull_request_payload(fake, number, action=action, sender=sender))


# ---------------------------------------------------------------------------------------------- first sync


def test_first_sync_creates_one_issue_per_row_and_links_them_in_one_commit(fake: FakeGitHub) -> None:
    number = setup(fake)
    commits_before = len(fake.commit_log(BRANCH))

    ready(fake, number)

    issues = tracking(fake)
    assert sorted(issues) == ["n1", "n2", "n3"], "the 💡 Proposed row gets no issue"
    first = issues["n1"]
    assert first.title == "Require backward-compatible migrations"
    assert first.assignees == ["alice"]
    assert sorted(first.labels) == ["P0", "action-item"]
    body = first.body or ""
    for expected in (
        "Checkout API outage",
        "severity **P0**",
        "47 minutes",
        "2025-11-20",
        "#1",
        PATH,
        f"#{number}",
    ):
        assert expected in body, expected
    assert read_link(body) is not None and read_link(body).doc == PATH  # type: ignore[union-attr]
    team = issues["n3"]
    assert team.assignees == [] and "DevOps Team" in (team.body or "") and "unassigned" in (team.body or "")
    assert fake.labels["p0"].color == "b60205" and fake.labels["p1"].color == "d93f0b"

    rows = table(fake)
    assert rows["n1"].issue == first.number and rows["n2"].issue == issues["n2"].number
    assert rows["n4"].issue is None
    assert len(fake.commit_log(BRANCH)) == commits_before + 1, "all Issue cells in one commit"
    assert rows["n2"].status_text == "🟡 In Progress", "the table's In Progress is kept for an open issue"

    (comment,) = fake.comments_on(number)
    assert "DevOps Team" in comment.body and "action_items.owners" in comment.body
    assert fake.count() <= 3 + CONSTANT + 1  # + a second owner's permission


def test_rerun_and_the_bots_own_commit_make_zero_writes(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    fake.reset_counts()

    ready(fake, number)
    assert fake.writes == []
    assert fake.count() == NO_CHANGE
    fake.reset_counts()
    ready(fake, number, action="synchronize", sender="github-actions[bot]")
    assert fake.writes == []


def test_a_draft_or_foreign_pull_request_is_a_quiet_no_op(fake: FakeGitHub) -> None:
    number = setup(fake, draft=True)
    report = ready(fake, number, action="synchronize")
    assert fake.writes == [] and tracking(fake) == {}
    assert any("draft" in m.text for m in report.messages)

    other = fake.add_pull("feature/x", title="Feature", body="no marker")
    report = ready(fake, other.number, action="synchronize")
    assert fake.writes == [] and any("not a post-mortem" in m.text for m in report.messages)

    run(fake, "push", push_payload(fake, modified=["README.md"]))
    run(fake, "push", push_payload(fake, modified=[PATH], ref=BRANCH))  # not the default branch
    run(
        fake, "issues", tracking_issue_payload(fake, 1, action="closed")
    )  # the incident issue, not a tracking one
    assert fake.writes == []


# ---------------------------------------------------------------------------------------------- table → issues


def test_an_edited_row_updates_its_issue_and_keeps_human_notes(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    issue = tracking(fake)["n2"]
    issue.body = (issue.body or "") + "\n\nNotes from bob: start with the orders table."
    edit(fake, "| Add a pre-deployment migration check | @bob | 2025-11-24 | P1 |",
         "| Add a pre-deployment migration check to CI | @carol | 2025-11-30 | P0 |")  # fmt: skip
    fake.reset_counts()

    ready(fake, number, action="synchronize")

    issue = tracking(fake)["n2"]
    assert issue.title == "Add a pre-deployment migration check to CI"
    assert issue.assignees == ["carol"]
    assert sorted(issue.labels) == ["P0", "action-item"]
    assert "2025-11-30" in (issue.body or "") and "Notes from bob" in (issue.body or "")
    assert [w.method for w in fake.writes] == ["PATCH"]
    fake.reset_counts()
    ready(fake, number, action="synchronize")
    assert fake.writes == []


def test_a_removed_row_closes_its_issue_as_not_planned(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    removed = tracking(fake)["n3"]
    edit(fake, ROWS[2].replace("| |", f"| #{removed.number} |") + "\n", "")

    ready(fake, number, action="synchronize")

    assert removed.state == "closed" and removed.state_reason == "not_planned"
    (why,) = fake.comments_on(removed.number)
    assert "removed from the Action Items table" in why.body
    assert tracking(fake)["n1"].state == "open"
    fake.reset_counts()
    ready(fake, number, action="synchronize")
    assert fake.writes == []


def test_a_row_added_later_gets_one_new_issue(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    before = {key: item.number for key, item in tracking(fake).items()}
    text = fake.file_text(BRANCH, PATH) or ""
    last = next(line for line in text.splitlines() if line.startswith("| 4 |"))
    edit(fake, last, last + "\n| 5 | Page the DB on-call for schema changes | @bob | 2025-12-10 | P1 | | |")

    ready(fake, number, action="synchronize")

    after = tracking(fake)
    assert {key: after[key].number for key in before} == before
    assert sorted(after) == ["n1", "n2", "n3", "n5"]
    assert table(fake)["n5"].issue == after["n5"].number
    assert table(fake)["n5"].status_text == "🔴 Not Started"


def test_an_issue_cell_deleted_by_hand_is_relinked_not_duplicated(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    issue = tracking(fake)["n1"]
    edit(fake, f"| #{issue.number} |", "| |")
    assert table(fake)["n1"].issue is None

    ready(fake, number, action="synchronize")

    assert table(fake)["n1"].issue == issue.number
    assert len(fake.issues_only()) == 4  # the incident + three tracking issues


# ---------------------------------------------------------------------------------------------- issues → table


@pytest.mark.parametrize(
    ("reason", "status"), [("completed", "🟢 Done"), ("not_planned", "⚪ Won't Do")], ids=["done", "wont-do"]
)
def test_closing_an_issue_sets_the_row_status_on_the_pull_request_branch(
    fake: FakeGitHub, reason: str, status: str
) -> None:
    number = setup(fake)
    ready(fake, number)
    issue = tracking(fake)["n1"]
    close_issue(fake, issue.number, reason)

    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))

    assert table(fake)["n1"].status_text == status
    assert fake.file_text("main", PATH) is None
    reopen_issue(fake, issue.number)
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="reopened"))
    assert table(fake)["n1"].status_text == "🔴 Not Started"
    fake.reset_counts()
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="reopened"))
    assert fake.writes == []


def test_reopened_issue_with_in_progress_label_is_in_progress(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    issue = tracking(fake)["n1"]
    close_issue(fake, issue.number)
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))
    reopen_issue(fake, issue.number)
    issue.labels.append("in-progress")
    fake.add_label("in-progress")

    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="reopened"))

    assert table(fake)["n1"].status_text == "🟡 In Progress"


def test_after_merge_the_status_follows_on_the_default_branch(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    merge(fake, number)
    fake.reset_counts()
    ready(fake, number, action="closed")
    assert fake.writes == [], "merging changes nothing: the issues are already linked"

    issue = tracking(fake)["n2"]
    close_issue(fake, issue.number)
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))

    assert table(fake, "main")["n2"].status_text == "🟢 Done"
    assert fake.commit_log("main")[0].message.startswith("Action items: update the status")


def test_conflicting_changes_on_both_sides_table_owns_fields_issue_owns_state(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    issue = tracking(fake)["n1"]
    # between two runs: someone renames the issue and closes it; someone else edits the row and marks it in progress
    issue.title = "Renamed on GitHub"
    close_issue(fake, issue.number)
    edit(fake, "| Require backward-compatible migrations | @alice | 2025-11-20 | P0 | 🔴 Not Started |",
         "| Require backward-compatible migrations everywhere | @alice | 2025-11-20 | P0 | 🟡 In Progress |")  # fmt: skip

    ready(fake, number, action="synchronize")

    assert issue.title == "Require backward-compatible migrations everywhere", "the table owns the text"
    assert issue.state == "closed", "the action never reopens or closes an issue because of the Status column"
    assert table(fake)["n1"].status_text == "🟢 Done", "the issue owns the state"


# ---------------------------------------------------------------------------------------------- safety


def test_protected_default_branch_falls_back_to_a_pull_request(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    merge(fake, number)
    fake.protect("main")
    issue = tracking(fake)["n1"]
    close_issue(fake, issue.number)

    report = run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))

    assert table(fake, "main")["n1"].status_text == "🔴 Not Started", "main is untouched"
    fallback = handler.fallback_branch(PATH)
    assert table(fake, fallback)["n1"].status_text == "🟢 Done"
    (proposal,) = [p for p in fake.pulls() if p.head == fallback]
    assert proposal.base == "main" and proposal.state == "open"
    assert any("proposed in pull request" in m.text for m in report.messages)
    fake.reset_counts()
    run(fake, "issues", tracking_issue_payload(fake, issue.number, action="closed"))
    assert fake.writes == [], "a rerun waits for the proposal instead of knocking again"


def test_overlapping_runs_end_with_one_issue_per_row(fake: FakeGitHub) -> None:
    number = setup(fake)
    # ready_for_review and a push a second later; the concurrency group runs them one after the other
    first = pull_request_payload(fake, number, action="ready_for_review")
    second = pull_request_payload(fake, number, action="synchronize")
    run(fake, "pull_request", first)
    run(fake, "pull_request", second)
    # and a run cancelled after creating the issues but before committing the table: the next one re-links
    for item in table(fake).values():
        if item.issue:
            edit(fake, f"| #{item.issue} |", "| |")
    run(fake, "pull_request", second)

    assert len([i for i in fake.issues_only() if read_link(i.body)]) == 3
    assert all(item.issue for key, item in table(fake).items() if key != "n4")


def test_a_stale_sha_is_retried_on_fresh_content_keeping_the_human_edit(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = setup(fake)
    original_route = fake._route
    raced = []

    def route(method: str, path: str, q: Any, body: Any) -> Any:
        if method == "PUT" and "/contents/" in path and not raced:
            raced.append(True)  # a human commits between the action's read and its write
            edit(
                fake, "- Migrations must be backward compatible.", "- Migrations must be backward compatible!"
            )
        return original_route(method, path, q, body)

    monkeypatch.setattr(fake, "_route", route)
    report = ready(fake, number)

    text = fake.file_text(BRANCH, PATH) or ""
    assert "backward compatible!" in text, "the human's edit is kept"
    assert all(item.issue for key, item in table(fake).items() if key != "n4")
    assert [e.status for e in fake.log if e.method == "PUT"] == [409, 200]
    assert any("Retrying" in m.text for m in report.messages)
    assert len(tracking(fake)) == 3


def test_rate_limit_mid_sync_leaves_a_state_the_next_run_completes(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = setup(fake)
    original = fake._take_failure
    creations = []

    def take(method: str, path: str) -> Any:
        if method == "POST" and path.endswith("/issues"):
            creations.append(path)
            if len(creations) == 3:
                fake.rate_limit_next("POST", r"/issues$", kind="primary")
        return original(method, path)

    monkeypatch.setattr(fake, "_take_failure", take)
    with pytest.raises(RateLimited) as stopped:
        ready(fake, number)
    assert "1 × new issue" in str(stopped.value)
    assert len(tracking(fake)) == 2
    assert all(item.issue is None for item in table(fake).values()), (
        "the table is untouched, still consistent"
    )

    ready(fake, number)

    issues = tracking(fake)
    assert sorted(issues) == ["n1", "n2", "n3"]
    assert {key: item.issue for key, item in table(fake).items() if key != "n4"} == {
        key: issue.number for key, issue in issues.items()
    }


def test_the_creation_cap_stops_early_and_says_how_many_remain(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler, "MAX_CREATIONS_PER_RUN", 2)
    number = setup(fake)

    report = ready(fake, number)

    assert len(tracking(fake)) == 2
    assert any("1 action item(s) still need a tracking issue" in m.text for m in report.messages)
    assert len([item for item in table(fake).values() if item.issue]) == 2
    ready(fake, number, action="synchronize")
    assert len(tracking(fake)) == 3


def test_bad_rows_get_one_clear_comment_and_nothing_is_lost(fake: FakeGitHub) -> None:
    rows = [
        "| 1 | Require backward-compatible migrations | @alice | soonish | P0 | 🔴 Not Started | |",
        "| 2 | Add a pre-deployment migration check | @bob | 2025-11-24 | P7 | 🔴 Not Started | see #2 and #3 |",
        "| 3 | Sync migrations with worker deploys | DevOps Team | 2025-12-01 | P0 | 🔴 Not Started | |",
        "| 4 | | @bob | 2025-12-01 | P0 | 🔴 Not Started | |",
    ]
    number = setup(fake, rows)
    before = fake.file_text(BRANCH, PATH) or ""

    ready(fake, number)
    ready(fake, number, action="synchronize")

    (comment,) = fake.comments_on(number)
    for expected in ("soonish", "P7", "see #2 and #3", "no text", "DevOps Team"):
        assert expected in comment.body, expected
    after = fake.file_text(BRANCH, PATH) or ""
    assert "see #2 and #3" in after and "soonish" in after and "| 4 | | @bob |" in after
    assert len(after.splitlines()) == len(before.splitlines())
    # rows 1 and 3 are tracked (the raw deadline is shown); row 2's unreadable Issue cell is never overwritten
    assert sorted(tracking(fake)) == ["n1", "n3"]
    assert "soonish" in (tracking(fake)["n1"].body or "")

    edit(fake, "| soonish |", "| 2025-11-21 |")
    edit(fake, "| P7 | 🔴 Not Started | see #2 and #3 |", "| P1 | 🔴 Not Started | |")
    edit(
        fake,
        "| 3 | Sync migrations with worker deploys | DevOps Team |",
        "| 3 | Sync migrations with worker deploys | @carol |",
    )
    edit(fake, "| 4 | | @bob | 2025-12-01 | P0 | 🔴 Not Started | |\n", "")
    ready(fake, number, action="synchronize")
    (comment,) = fake.comments_on(number)
    assert comment.body.count("✅") == 1


def test_an_owner_who_cannot_be_assigned_is_named_not_assigned(fake: FakeGitHub) -> None:
    number = setup(fake, [ROWS[0].replace("@alice", "@stranger")])
    ready(fake, number)
    (issue,) = tracking(fake).values()
    assert issue.assignees == [] and "@stranger" in (issue.body or "")
    (comment,) = fake.comments_on(number)
    assert "@stranger" in comment.body
    fake.reset_counts()
    ready(fake, number, action="synchronize")
    assert fake.writes == []


# ---------------------------------------------------------------------------------------------- push, reconcile


def test_push_to_the_default_branch_syncs_the_touched_post_mortems(fake: FakeGitHub) -> None:
    for login in ("alice", "bob"):
        fake.set_permission(login, "write")
    fake.add_file("main", PATH, document(ROWS[:2]))

    run(fake, "push", push_payload(fake, added=[PATH]))

    assert sorted(tracking(fake)) == ["n1", "n2"]
    assert all(item.issue for item in table(fake, "main").values())
    assert not any("reviewed in" in (i.body or "") for i in tracking(fake).values())
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=[PATH], sender="github-actions[bot]"))
    assert fake.writes == []


def test_reconcile_syncs_every_post_mortem_and_open_pull_request_in_one_pass(fake: FakeGitHub) -> None:
    number = setup(fake)
    other = "postmortems/2025-10-01-dns-outage.md"
    fake.add_file("main", other, document(ROWS[:1]).replace("incident: 1", "incident: 9"))
    fake.add_file("main", "postmortems/README.md", "# Post-mortems\n")

    run(fake, "workflow_dispatch", dispatch_payload(fake))

    docs = {(read_link(i.body).doc, read_link(i.body).key) for i in fake.issues_only() if read_link(i.body)}  # type: ignore[union-attr]
    assert docs == {(PATH, "n1"), (PATH, "n2"), (PATH, "n3"), (other, "n1")}
    assert fake.count("GET", r"/issues$") == 1, "one listing per run, shared by every document and round"
    fake.reset_counts()
    run(fake, "schedule", dispatch_payload(fake))
    assert fake.writes == []
    assert number


@pytest.mark.parametrize("rows", [3, 30])
def test_request_budget(fake: FakeGitHub, rows: int) -> None:
    lines = [
        f"| {i} | Action item number {i} | @alice | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, rows + 1)
    ]
    number = setup(fake, lines)
    fake.reset_counts()
    ready(fake, number)
    assert fake.count("POST", r"/issues$") == rows
    assert fake.count() <= rows + CONSTANT
    fake.reset_counts()
    ready(fake, number, action="synchronize")
    assert fake.writes == [] and fake.count() == NO_CHANGE


def test_with_sign_off_both_handlers_run_on_the_same_events(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    ready(fake, number, action="synchronize", sender="github-actions[bot]")
    assert sorted(tracking(fake)) == ["n1", "n2", "n3"]
    assert all(item.issue for key, item in table(fake).items() if key != "n4")
    assert len([c for c in fake.commit_log(BRANCH) if c.message.startswith("Action items:")]) == 1


def test_with_sign_off_a_failing_handler_does_not_stop_the_other(fake: FakeGitHub) -> None:
    """Without `statuses: write` the sign-off status fails, yet the action items still sync; the error is
    reported (the CLI then exits 1) instead of hiding the other handler's work."""
    number = setup(fake)
    fake.revoke("statuses")

    report = run(fake, "pull_request", pull_request_payload(fake, number), raise_errors=False)

    assert sorted(tracking(fake)) == ["n1", "n2", "n3"]
    (error,) = report.errors
    assert "statuses: write" in str(error)
