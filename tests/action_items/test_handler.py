"""Action Items table ↔ tracking issues: whole events against the stateful fake GitHub."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from postmortem.action_items import handler
from postmortem.action_items.table import read_action_items
from postmortem.action_items.tracking import read_link
from postmortem.errors import RateLimited
from postmortem.github import client as gateway_module
from postmortem.markdown.markers import marker
from postmortem.plan import Plan
from postmortem.signoff import handler as signoff
from tests.fake_github import FakeGitHub
from tests.harness import (
    close_issue,
    dispatch_payload,
    merge_pull,
    pull_payload,
    pull_request_payload,
    push_payload,
    reopen_issue,
    run,
    tracking_issue_payload,
)
from tests.scenario import PATH as PATH_SEQ
from tests.scenario import PR, approve, cli, open_incident, people, rows_of, texts, with_rows, writes_of
from tests.scenario import ready as ready_seq
from tests.scenario import tracking as tracking_seq

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
LOCK = 5  # a run that creates issues: the lock (tree read, commit, ref, delete) and the listing read again
NO_CHANGE = 5  # config, pull request, issue listing, document, comments


@pytest.fixture(autouse=True)
def only_action_items(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-off runs before this handler on pull_request / dispatch events; it is stubbed so that writes and
    request counts here are the action-items sync's own (test_with_sign_off and tests marked
    ``with_sign_off`` run both)."""
    if "with_sign_off" in request.node.name or request.node.get_closest_marker("with_sign_off"):
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
    assert fake.count() <= 3 + CONSTANT + LOCK + 1  # + a second owner's permission


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
    # the issues are already linked, and their link (the pull request's files) outlives the merge (#10 item 8)
    assert not [w for w in fake.writes if "/issues/" in w.path], fake.writes

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

    def race(n: int) -> None:
        if n == 1:  # a human commits between the action's read and its write
            edit(
                fake, "- Migrations must be backward compatible.", "- Migrations must be backward compatible!"
            )

    fake.on_request("PUT", "/contents/", race)
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
    # the 3th issue creation meets the limit
    fake.on_request(
        "POST", r"/issues$", lambda n: n == 3 and fake.rate_limit_next("POST", r"/issues$", kind="primary")
    )
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
    assert issue.assignees == [] and "@\u200bstranger" in (issue.body or "")
    (comment,) = fake.comments_on(number)
    assert "@\u200bstranger" in comment.body
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
    # one listing per run, shared by every document and round, and read again once the creation lock is taken
    assert fake.count("GET", r"/issues$") == 2
    fake.reset_counts()
    # the reconcile alone (schedule adds the reminders, tests/follow_through/test_handler.py)
    run(fake, "workflow_dispatch", dispatch_payload(fake))
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
    assert fake.count() <= rows + CONSTANT + LOCK
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


# ====================================================================================================
# Humans editing the table, status, owners, deadlines, scale and sync targets (whole events)


OTHER = "postmortems/2025-10-01-dns-outage.md"


HEADER = "| # | Action Item | Owner | Deadline | Priority | Status | Issue |"


DELIMITER = "|---|-------------|-------|----------|----------|--------|-------|"


# ---------------------------------------------------------------------------------------------- helpers


def document_edges(
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


def setup_edges(fake: FakeGitHub, rows: list[str] | None = None, *, text: str | None = None) -> int:
    """Incident #1, its post-mortem on the PR branch, and the ready post-mortem pull request (#2)."""
    collaborators(fake)
    fake.add_issue("[Incident]: Checkout API outage", "", labels=["incident"], user="mona")
    content = text if text is not None else document_edges(ROWS if rows is None else rows)
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


def edit_edges(fake: FakeGitHub, old: str, new: str, branch: str = BRANCH, path: str = PATH) -> None:
    text = fake.file_text(branch, path) or ""
    assert old in text, old
    fake.add_file(branch, path, text.replace(old, new, 1), message="Human edit")


def row_line(fake: FakeGitHub, start: str, branch: str = BRANCH, path: str = PATH) -> str:
    text = fake.file_text(branch, path) or ""
    return next(line for line in text.splitlines() if line.startswith(start))


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
    number = setup_edges(fake, row_list)
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
        edit_edges(fake, f"| {n} | ", f"| {n * 10} | ")

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
        edit_edges(fake, f"| {n} | ", f"| {n + 1} | ")
    old_second = row_line(fake, "| 3 |")
    edit_edges(
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
    edit_edges(fake, first, first + "\n" + first)  # copy-paste of a whole row, its Issue cell included

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
    edit_edges(fake, f"| #{second.number} |", f"| #{first.number} |")  # a copy-paste slip in the Issue column

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
    edit_edges(
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
    edit_edges(
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
    edit_edges(fake, f"| #{own.number} |", f"| {cell} |")

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
    edit_edges(fake, "| P0 | 🔴 Not Started | #", "| P0 | 🟢 Done | #")

    report = ready(fake, number, action="synchronize")

    assert issue.state == "open", "the Status column never closes an issue"
    assert by_text(fake)["Require backward-compatible migrations"].status_text == "🔴 Not Started"
    assert any(f"#{issue.number} is open" in m.text for m in report.messages)
    assert_rerun_is_quiet(fake, number)


def test_a_proposed_row_that_becomes_not_started_gets_an_issue(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    assert by_text(fake)["Consider a canary stage for migrations"].issue is None
    edit_edges(fake, "| P2 | 💡 Proposed |", "| P2 | 🔴 Not Started |")

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

    edit_edges(fake, "| @Alice |", "| @ALICE |")
    ready(fake, number, action="synchronize")
    assert [a.casefold() for a in issue.assignees] == ["alice"]
    assert_rerun_is_quiet(fake, number)


def test_owner_mapped_in_config_to_a_login_that_is_not_a_collaborator(fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "action_items:\n  owners:\n    Dana Smith: dana\n")
    number = linked_setup(fake, [ROWS[0].replace("@alice", "Dana Smith")])

    (issue,) = tracking_issues(fake)
    assert issue.assignees == []
    assert "@\u200bdana" in (issue.body or "") and "cannot be assigned" in (issue.body or "")
    (comment,) = fake.comments_on(number)
    assert "@\u200bdana" in comment.body
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
    assert "@\u200bacme/platform-team" in (team.body or "")
    (comment,) = fake.comments_on(number)
    assert "@\u200balice, @\u200bbob" in comment.body and "several people" in comment.body
    assert "@\u200bacme/platform-team" in comment.body
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
    edit_edges(fake, "| P1 |", "| High |")

    ready(fake, number, action="synchronize")

    assert "P1" in issue.labels, "an unreadable cell never changes the issue's priority"
    assert "| **Priority** | not set |" not in (issue.body or "")


# ======================================================================================== scale, limits


def test_120_rows_take_three_runs_without_duplicates(fake: FakeGitHub) -> None:
    many = [
        f"| {i} | Action item number {i} | @alice | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, 121)
    ]
    number = setup_edges(fake, many)
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
    number = setup_edges(fake)
    # the 2th issue creation meets the limit
    fake.on_request(
        "POST",
        r"/issues$",
        lambda n: n == 2 and fake.rate_limit_next("POST", r"/issues$", kind="secondary", retry_after=30),
    )
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
    number = setup_edges(fake)
    # the 2th issue creation meets the limit
    fake.on_request(
        "POST",
        r"/issues$",
        lambda n: n == 2 and fake.rate_limit_next("POST", r"/issues$", kind="secondary", retry_after=600),
    )
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

    fake.add_file("main", PATH, document_edges(table_of(45, "Checkout")))
    fake.add_file("main", OTHER, document_edges(table_of(45, "DNS"), incident=9, title="DNS outage"))
    run(fake, "push", push_payload(fake, added=[PATH, OTHER]))
    run(fake, "push", push_payload(fake, modified=[PATH, OTHER]))  # the rest, after the cap of 50
    fake.add_file(
        "main",
        "postmortems/2025-09-01-queue.md",
        document_edges(table_of(30, "Queue"), incident=7, title="Queue"),
    )
    run(fake, "push", push_payload(fake, added=["postmortems/2025-09-01-queue.md"]))

    assert len(tracking_issues(fake, None)) == 120
    for path in (PATH, OTHER, "postmortems/2025-09-01-queue.md"):
        one_issue_per_row(fake, "main", path)
    # the oldest issue (on the listing's second page) is re-linked when its cell is deleted by hand
    oldest = min(i.number for i in tracking_issues(fake, PATH))
    edit_edges(fake, f"| #{oldest} |", "| |", branch="main")
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
    fake.add_file("main", PATH, document_edges(ROWS[:2]))
    fake.add_file("main", OTHER, document_edges(ROWS[:3], incident=9, title="DNS outage"))

    run(fake, "push", push_payload(fake, added=[PATH, OTHER]))

    assert len(tracking_issues(fake, PATH)) == 2 and len(tracking_issues(fake, OTHER)) == 3
    one_issue_per_row(fake, "main", PATH)
    one_issue_per_row(fake, "main", OTHER)
    assert "DNS outage" in (tracking_issues(fake, OTHER)[0].body or "")
    assert_rerun_is_quiet(fake)


def test_a_push_deleting_a_post_mortem_does_not_orphan_its_issues_silently(fake: FakeGitHub) -> None:
    collaborators(fake)
    fake.add_file("main", PATH, document_edges(ROWS[:2]))
    run(fake, "push", push_payload(fake, added=[PATH]))
    issues = tracking_issues(fake)
    numbers = [f"#{i.number}" for i in issues]
    fake.commit_files("main", {PATH: None}, message="Remove post-mortem", author="mona")
    payload = push_payload(fake)
    payload["commits"][0]["removed"] = [PATH]

    report = run(fake, "push", payload)

    closed = all(i.state == "closed" and i.state_reason == "not_planned" for i in issues)
    said = all(any(n in m.text for m in report.messages) for n in numbers)
    assert closed or said


def test_a_post_mortem_renamed_on_main_keeps_pushing_table_edits(fake: FakeGitHub) -> None:
    collaborators(fake)
    fake.add_file("main", PATH, document_edges(ROWS[:2]))
    run(fake, "push", push_payload(fake, added=[PATH]))
    issue = issue_of(fake, "Require backward-compatible migrations", "main")
    renamed = "postmortems/2025-11-17-checkout-outage.md"
    fake.commit_files(
        "main", {PATH: None, renamed: fake.file_text("main", PATH)}, message="Rename", author="mona"
    )
    payload = push_payload(fake, added=[renamed])
    payload["commits"][0]["removed"] = [PATH]
    run(fake, "push", payload)
    edit_edges(fake, "| Require backward-compatible migrations |", "| Require expand/contract migrations |",
         branch="main", path=renamed)  # fmt: skip

    run(fake, "push", push_payload(fake, modified=[renamed]))

    assert issue.title == "Require expand/contract migrations"


def test_a_post_mortem_on_main_and_its_open_pull_request_is_synced_once(fake: FakeGitHub) -> None:
    number = setup_edges(fake)
    fake.add_file("main", PATH, document_edges(ROWS[:1]), message="An early copy committed straight to main")
    ready(fake, number)
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert fake.file_text("main", PATH) == document_edges(ROWS[:1]), "reconcile defers to the pull request"
    one_issue_per_row(fake)
    main_commits = len(fake.commit_log("main"))

    edit_edges(fake, "- Migrations", "- All migrations", branch="main")
    run(fake, "push", push_payload(fake, modified=[PATH]))

    assert all(i.state == "open" for i in tracking_issues(fake)), (
        "rows only on the PR branch are not 'removed'"
    )
    # the human's commit on main, then the catalogue the push refreshes (no edit of the document)
    log = fake.commit_log("main")
    assert len(log) == main_commits + 2
    assert [c.message for c in log[:2]] == ["Refresh the post-mortem catalogue", "Human edit"]
    assert log[0].tree.get(PATH) == log[1].tree.get(PATH), "the document is the human's"
    one_issue_per_row(fake)
    assert_rerun_is_quiet(fake, number)


def test_merge_while_the_branch_has_rows_without_issues(fake: FakeGitHub) -> None:
    number = linked_setup(fake)
    last = row_line(fake, "| 4 |")
    # a row added in the last push, whose sync never ran (cancelled), then the pull request is merged
    edit_edges(
        fake, last, last + "\n| 5 | Page the DB on-call for schema changes | @bob | 2025-12-10 | P1 | | |"
    )
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


# ====================================================================================================
# Unusual but realistic event sequences, run whole (every handler)


@pytest.mark.with_sign_off
def test_tracking_issue_closed_as_duplicate_marks_the_row_wont_do(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    first = min(i.number for i in tracking_seq(fake))
    close_issue(fake, first, "duplicate")
    run(fake, "issues", tracking_issue_payload(fake, first, action="closed"))
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert "⚪ Won't Do" in rows_of(fake.file_text("main", PATH_SEQ) or "")[0]


@pytest.mark.with_sign_off
def test_tracking_issue_deleted_or_transferred_creates_no_duplicate(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    gone = min(i.number for i in tracking_seq(fake))
    del fake.items[gone]  # deleted, or transferred away: gone from the listing, 404 on a direct read
    issues_before = len(fake.issues_only())
    for name, payload in (
        ("workflow_dispatch", dispatch_payload(fake)),
        ("push", push_payload(fake, modified=[PATH_SEQ])),
    ):
        code, log = cli(fake, tmp_path, name, payload)
        assert code == 0 and "::error" not in log, log
    assert len(fake.issues_only()) == issues_before
    assert f"#{gone} |" in rows_of(fake.file_text("main", PATH_SEQ) or "")[0]


@pytest.mark.with_sign_off
def test_merge_while_items_have_no_issue_yet_creates_and_links_them_on_main(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.rate_limit_next("POST", r"/issues$", kind="secondary", times=3)
    report = ready_seq(fake)
    assert any("secondary limit" in str(e) for e in report.errors)
    assert tracking_seq(fake) == []
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    rows = rows_of(fake.file_text("main", PATH_SEQ) or "")
    numbers = sorted(i.number for i in tracking_seq(fake))
    assert len(numbers) == 2
    assert [f"#{n} |" in row for n, row in zip(numbers, rows, strict=True)] == [True, True]
    before = len(fake.log)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert writes_of(fake, before) == [], "a rerun of the merge writes nothing"


@pytest.mark.with_sign_off
def test_502_on_the_issue_listing_then_rerun(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.items[PR].draft = False
    fake.fail_next("GET", r"/issues$", 502, times=4)  # the read and its 3 retries
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 1 and "GitHub answered 502 to list issues" in log and "Traceback" not in log
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 0, log
    assert len(tracking_seq(fake)) == 2


@pytest.mark.with_sign_off
def test_secondary_limit_on_the_tenth_issue_then_rerun_without_duplicates(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    people(fake)
    open_incident(fake)
    rows = tuple(f"| {i} | Item {i} | @alice | 2025-12-01 | P1 | 🔴 Not Started | |" for i in range(1, 13))
    with_rows(fake, rows)
    fake.items[PR].draft = False

    def limited(n: int) -> None:
        if (
            n == 10
        ):  # the 10th creation (a 403 without rate-limit headers) and the 2 waits-and-retries the gateway allows
            body = {
                "message": "You have exceeded a secondary rate limit and have been temporarily blocked from "
                "content creation. Please retry your request again later.",
                "documentation_url": "https://docs.github.com/rest",
                "status": "403",
            }
            fake.fail_next("POST", r"/issues$", 403, body)
            fake.rate_limit_next("POST", r"/issues$", kind="secondary", times=2)

    fake.on_request("POST", r"/issues$", limited)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 1 and "secondary limit" in log and "Not sent yet: 3 × new issue" in log, log
    assert len(tracking_seq(fake)) == 9
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 0, log
    titles = sorted(i.title for i in tracking_seq(fake))
    assert titles == sorted(f"Item {i}" for i in range(1, 13)), "12 issues, no duplicate"
    assert all(
        "#" in row.split("|")[7]
        for row in (fake.file_text(BRANCH, PATH_SEQ) or "").splitlines()
        if row.startswith("| ") and "| Item " in row
    )


@pytest.mark.with_sign_off
def test_pr_description_rewritten_by_a_human_still_syncs_action_items(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.items[PR].body = "Post-mortem of the umbrella outage. Please review by Friday."
    run(fake, "pull_request", pull_payload(fake, PR, action="edited"))
    report = ready_seq(fake)
    assert "is not a post-mortem pull request" not in texts(report)
    assert len(tracking_seq(fake)) == 2


@pytest.mark.with_sign_off
def test_a_non_utf8_file_in_the_folder_does_not_crash_the_reconcile(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    fake.add_file("main", "postmortems/2019-05-01-caf-outage.md", "# Café outage\n".encode("latin-1"))
    _code, log = cli(fake, tmp_path, "workflow_dispatch", dispatch_payload(fake))
    assert "Unexpected error" not in log and "Traceback" not in log, log
    assert "2019-05-01-caf-outage.md" in log
