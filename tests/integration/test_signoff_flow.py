"""Approvals → sign-off, and Draft → In Review → Published: whole events against the stateful fake GitHub.

The events are GitHub's published example payloads (``tests/fixtures/webhooks``, the same files as
``../shared/real/webhooks``) rewritten in memory to describe the fake's pull request: number, state, draft and
merged flags, head ref and sha, user; the review's id, lower-case state and author.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import shared_path
from fake_github import FakeGitHub, ReviewRecord
from harness import (
    assert_rerun_writes_nothing,
    dispatch_payload,
    issue_body,
    issue_payload,
    merge_pull,
    pull_payload,
    review_payload,
    run,
    webhook,
)

from postmortem.github.models import git_blob_sha
from postmortem.incident.render import split_frontmatter
from postmortem.markdown.markers import read_marker
from postmortem.signoff.compute import STATUS_CONTEXT, is_signoff_comment
from postmortem.signoff.handler import publish_branch

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"
INCIDENT = 1
PR = 2

CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
    - {id: lead-engineer, title: Lead Engineer, teams: [acme/leads]}
    - {id: devops-lead, title: DevOps Lead, users: [dave]}
  required: [incident-commander, cto, lead-engineer, devops-lead]
"""
MISSING_ALL = "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead"

# Reads per event, config file included (README "API requests"): a review event with r reviewers deciding and
# t teams costs 6 + r + t requests; see the report for the breakdown.
REVIEW_EVENT_BASE = 6


def _setup(fake: FakeGitHub, config: str = CONFIG, *, readable_team: bool = True) -> None:
    for login, permission in {
        "mona": "write",
        "alice": "write",
        "bob": "admin",
        "dave": "write",
        "erin": "write",
        "frank": "maintain",
        "zed": "write",
        "mallory": "read",
    }.items():
        fake.set_permission(login, permission)
    fake.add_team("acme/leads", ["erin", "frank"], readable=readable_team)
    fake.add_file("main", ".github/postmortem.yml", config)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    assert item.number == INCIDENT
    run(fake, "issues", issue_payload(fake, INCIDENT))
    (pull,) = fake.pulls()
    assert pull.number == PR
    assert pull.draft
    assert pull.head == BRANCH


@pytest.fixture
def draft(fake: FakeGitHub) -> FakeGitHub:
    """A draft post-mortem pull request (#2) opened by the incident handler for incident #1."""
    _setup(fake)
    return fake


def _ready(fake: FakeGitHub) -> Any:
    fake.items[PR].draft = False
    return run(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review", sender="mona"))


@pytest.fixture
def ready(draft: FakeGitHub) -> FakeGitHub:
    """The same pull request, marked ready for review (status In Review committed, sticky comment posted)."""
    _ready(draft)
    draft.reset_counts()
    return draft


def _review(
    fake: FakeGitHub, user: str, state: str = "APPROVED", *, at: str | None = None
) -> tuple[ReviewRecord, Any]:
    review = fake.add_review(PR, user, state, submitted_at=at)
    report = run(fake, "pull_request_review", review_payload(fake, review))
    return review, report


def _status(fake: FakeGitHub) -> tuple[str, str]:
    latest = next(s for s in fake.statuses_for(fake.head_sha(PR)) if s.context == STATUS_CONTEXT)
    return latest.state, latest.description or ""


def _sticky(fake: FakeGitHub) -> str:
    (comment,) = [c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]
    return comment.body


# --------------------------------------------------------------------------------------------------------------
# Leaving draft
# --------------------------------------------------------------------------------------------------------------


def test_ready_for_review_commits_in_review_sets_the_status_and_requests_reviewers(draft: FakeGitHub) -> None:
    fake = draft
    item = fake.items[PR]
    item.requested_reviewers, item.requested_teams = ["bob"], []  # someone removed the others meanwhile
    old_head = fake.head_sha(PR)
    fake.reset_counts()

    report = _ready(fake)

    document = fake.file_text(BRANCH, PATH) or ""
    assert split_frontmatter(document)[0]["status"] == "In Review"
    assert fake.commit_log(BRANCH)[0].message == "Post-mortem of incident #1: status In Review"
    assert read_marker(item.body, "document") == {
        "incident": INCIDENT,
        "path": PATH,
        "sha": git_blob_sha(document),
    }
    assert fake.head_sha(PR) != old_head
    assert fake.statuses_for(old_head) == [], "the status goes on the new head commit, not the replaced one"
    assert _status(fake) == ("pending", MISSING_ALL)
    assert "@alice" in _sticky(fake)
    assert "@acme/leads" in _sticky(fake)
    assert item.requested_reviewers == ["bob", "alice", "dave"]
    assert item.requested_teams == ["leads"]
    # the comment and the review requests need no commit; the commit is made once, at the end of the run, and
    # the marker's sha and the status follow it
    assert [(w.method, w.path.rsplit("/", 2)[-2:][-1]) for w in fake.writes] == [
        ("POST", "comments"),
        ("POST", "requested_reviewers"),
        ("PUT", PATH.rsplit("/", 1)[-1]),
        ("PATCH", str(PR)),
        ("POST", fake.head_sha(PR)),
    ]
    assert any("In Review" in m.text for m in report.messages)

    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review"))


def test_the_incident_handler_still_sees_the_document_untouched(draft: FakeGitHub) -> None:
    fake = draft
    _ready(fake)
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, INCIDENT))
    assert fake.writes == [], "the marker's sha follows the status commit: nothing to regenerate"

    old_body = fake.items[INCIDENT].body or ""
    fake.items[INCIDENT].body = old_body.replace("~15,000 active users", "~16,500 active users")
    edited = issue_payload(fake, INCIDENT, action="edited", changes={"body": {"from": old_body}})
    run(fake, "issues", edited)

    document = fake.file_text(BRANCH, PATH) or ""
    assert "~16,500 active users" in document, "still untouched by humans: regenerated from the issue"
    assert split_frontmatter(document)[0]["status"] == "In Review", "regenerating keeps the lifecycle status"


def test_converted_to_draft_commits_status_draft(ready: FakeGitHub) -> None:
    fake = ready
    fake.items[PR].draft = True
    payload = pull_payload(fake, PR, action="converted_to_draft")
    run(fake, "pull_request", payload)

    assert split_frontmatter(fake.file_text(BRANCH, PATH) or "")[0]["status"] == "Draft"
    assert _status(fake) == ("pending", MISSING_ALL)
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_no_bot_commit_after_approvals(draft: FakeGitHub) -> None:
    fake = draft
    fake.add_review(PR, "alice", "APPROVED")  # approved while still a draft
    fake.items[PR].draft = False
    before = fake.head_sha(PR)

    report = run(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review"))

    assert fake.head_sha(PR) == before, "a commit now would be dismissed with the approval"
    assert split_frontmatter(fake.file_text(BRANCH, PATH) or "")[0]["status"] == "Draft"
    assert any("dismiss stale approvals" in m.text for m in report.messages)
    assert _status(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")


def test_a_draft_gets_the_status_but_no_comment_yet(draft: FakeGitHub) -> None:
    fake = draft
    _review(fake, "alice", "COMMENTED")
    assert _status(fake) == ("pending", MISSING_ALL)
    assert [c for c in fake.comments_on(PR) if is_signoff_comment(c.body)] == []


# --------------------------------------------------------------------------------------------------------------
# Who signed
# --------------------------------------------------------------------------------------------------------------


def test_each_role_holder_in_turn_moves_pending_to_success(ready: FakeGitHub) -> None:
    fake = ready
    steps = [
        ("alice", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead"),
        ("bob", "2/4 signed: missing Lead Engineer, DevOps Lead"),
        ("erin", "3/4 signed: missing DevOps Lead"),  # a member of acme/leads signs Lead Engineer
        ("dave", "4/4 signed"),
    ]
    head = fake.head_sha(PR)
    for deciding, (login, description) in enumerate(steps, start=1):
        fake.reset_counts()
        review, _report = _review(fake, login)
        assert _status(fake) == ("success" if login == "dave" else "pending", description)
        # one status, one comment edit; reads: config, PR, reviews, permissions, team, statuses, comments, file
        assert [w.method for w in fake.writes] == ["POST", "PATCH"]
        assert fake.count("GET") == REVIEW_EVENT_BASE + deciding + 1  # r = reviewers so far, t = 1 team
        assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))

    assert fake.head_sha(PR) == head, "no bot commit on the pull-request branch after approvals"
    assert [s.state for s in fake.statuses_for(head) if s.context == STATUS_CONTEXT] == ["success"] + [
        "pending"
    ] * 4
    sticky = _sticky(fake)
    assert "Post-mortem sign-off complete" in sticky
    assert "| Lead Engineer | @erin |" in sticky
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1


def test_an_approval_by_someone_holding_no_role_is_named_not_counted(ready: FakeGitHub) -> None:
    fake = ready
    review, report = _review(fake, "zed")

    assert _status(fake) == ("pending", MISSING_ALL)
    assert "@zed: holds no sign-off role" in _sticky(fake)
    assert any("@zed" in m.text and "not counted" in m.text for m in report.messages)
    assert [w.method for w in fake.writes] == ["PATCH"], (
        "the status did not change: only the comment is edited"
    )
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_a_strangers_approval_signs_nothing(ready: FakeGitHub) -> None:
    fake = ready
    fake.add_review(PR, "mallory", "APPROVED")  # read access only
    review, _report = _review(fake, "eve")  # not a collaborator at all (404)

    assert _status(fake) == ("pending", MISSING_ALL)
    sticky = _sticky(fake)
    assert "@mallory: no write access to this repository" in sticky
    assert "@eve: no write access to this repository" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_changes_requested_after_an_approval_un_signs(ready: FakeGitHub) -> None:
    fake = ready
    _review(fake, "alice")
    assert _status(fake)[1].startswith("1/4")
    _review(fake, "alice", "COMMENTED")  # a comment changes nothing
    assert _status(fake)[1].startswith("1/4")

    review, _ = _review(fake, "alice", "CHANGES_REQUESTED")

    assert _status(fake) == ("pending", MISSING_ALL)
    assert "**Changes requested by:** @alice" in _sticky(fake)
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_a_dismissed_approval_un_signs(ready: FakeGitHub) -> None:
    fake = ready
    review, _ = _review(fake, "bob")
    assert _status(fake)[1].startswith("1/4")

    review.state = "DISMISSED"  # GitHub turns the review itself into a dismissed one
    payload = review_payload(fake, review, action="dismissed")
    assert payload["review"]["state"] == "dismissed"
    run(fake, "pull_request_review", payload)

    assert _status(fake) == ("pending", MISSING_ALL)
    assert "| CTO | — |" in _sticky(fake)
    assert_rerun_writes_nothing(fake, "pull_request_review", payload)


def test_a_user_holding_two_roles_signs_both(fake: FakeGitHub) -> None:
    config = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: devops-lead, title: DevOps Lead, users: [alice, dave]}
    - {id: cto, title: CTO, users: [bob]}
  required: [incident-commander, devops-lead]
"""
    _setup(fake, config)
    _ready(fake)
    _review(fake, "alice")

    assert _status(fake) == ("success", "2/2 signed")
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice |" in sticky
    assert "| DevOps Lead | @alice |" in sticky
    assert "CTO" in sticky
    assert "**Still to sign:**" in sticky


def test_an_unreadable_team_is_said_once_and_its_members_sign_nothing(fake: FakeGitHub) -> None:
    _setup(fake, readable_team=False)
    report = _ready(fake)
    warnings = [m for m in report.messages if m.level == "warning" and "acme/leads" in m.text]
    assert len(warnings) == 1, "once per run, although the handler decided twice (replan after the commit)"

    _, report = _review(fake, "erin")

    assert _status(fake) == ("pending", MISSING_ALL)
    sticky = _sticky(fake)
    assert "could not be read" in sticky
    assert "@erin: holds no sign-off role (some teams' members could not be read)" in sticky


def test_a_hand_ticked_box_is_reported_and_does_not_count(ready: FakeGitHub) -> None:
    fake = ready
    text = fake.file_text(BRANCH, PATH) or ""
    fake.add_file(
        BRANCH, PATH, text.replace("- [ ] **CTO**: [Name] - [Date]", "- [x] **CTO**: @bob - 2026-03-15")
    )
    payload = pull_payload(fake, PR, action="synchronize")

    report = run(fake, "pull_request", payload)

    assert _status(fake) == ("pending", MISSING_ALL), "the new head commit gets the status too"
    assert "Ticked by hand in the document: **CTO**" in _sticky(fake)
    assert any("ticked by hand" in m.text for m in report.messages)
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_without_holders_any_writer_approval_completes(fake: FakeGitHub) -> None:
    _setup(fake, config="directory: postmortems\n")
    _ready(fake)
    _review(fake, "zed")
    assert _status(fake) == ("success", "no role required; approved by @zed")


def test_other_pull_requests_are_a_quiet_no_op(fake: FakeGitHub) -> None:
    fake.set_permission("mona", "write")
    fake.add_file("feature", "README.md", "hello\n")
    other = fake.add_pull("feature", body="Just a feature.", user="mona")
    review = fake.add_review(other.number, "mona", "APPROVED")
    fake.reset_counts()

    report = run(fake, "pull_request_review", review_payload(fake, review))

    assert fake.writes == []
    assert fake.count() == 1, "only the configuration is read"
    assert any("not a post-mortem pull request" in m.text for m in report.messages)


def test_a_pull_request_closed_without_merging_is_a_no_op(ready: FakeGitHub) -> None:
    fake = ready
    item = fake.items[PR]
    item.state, item.closed_at = "closed", "2026-03-16T10:00:00Z"
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert fake.writes == []
    assert any("closed without merging" in m.text for m in report.messages)


# --------------------------------------------------------------------------------------------------------------
# Merge → Published
# --------------------------------------------------------------------------------------------------------------


def _sign_all(fake: FakeGitHub) -> None:
    for login, at in (
        ("alice", "2026-03-15T09:00:00Z"),
        ("bob", "2026-03-15T11:30:00Z"),
        ("frank", "2026-03-16T08:00:00Z"),
        ("dave", "2026-03-16T08:05:00Z"),
    ):
        _review(fake, login, at=at)
    assert _status(fake)[0] == "success"


def test_merge_publishes_the_document_on_the_default_branch(ready: FakeGitHub) -> None:
    fake = ready
    text = fake.file_text(BRANCH, PATH) or ""
    fake.add_file(
        BRANCH, PATH, text.replace("- [ ] **CTO**:", "- [x] **CTO**:")
    )  # a hand tick, before reviews
    _sign_all(fake)
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    fake.reset_counts()

    payload = pull_payload(fake, PR, action="closed")
    assert payload["pull_request"]["merged"] is True
    report = run(fake, "pull_request", payload)

    published = fake.file_text("main", PATH) or ""
    meta, body = split_frontmatter(published)
    assert meta["status"] == "Published"
    assert meta["published"] == "2026-03-16"
    assert meta["signoff"] == {
        "incident-commander": {"login": "alice", "date": "2026-03-15"},
        "cto": {"login": "bob", "date": "2026-03-15"},
        "lead-engineer": {"login": "frank", "date": "2026-03-16"},
        "devops-lead": {"login": "dave", "date": "2026-03-16"},
    }
    assert "- [x] **Incident Commander**: @alice - 2026-03-15" in body
    assert "- [x] **CTO**: @bob - 2026-03-15" in body
    assert "- [x] **Lead Engineer**: @frank - 2026-03-16" in body
    assert "- [x] **DevOps Lead**: @dave - 2026-03-16" in body
    assert "**Publication Date**: 2026-03-16" in body
    assert "**30-Day Follow-Up** (scheduled for 2026-04-15)" in body
    assert fake.commit_log("main")[0].message.startswith("Publish the post-mortem of incident #1")
    assert fake.file_text(BRANCH, PATH) != published, "nothing is committed on the merged branch"

    (comment,) = fake.comments_on(INCIDENT)[1:]  # after the incident handler's link comment
    assert read_marker(comment.body, "published") == {}
    assert f"https://github.com/{fake.repository}/blob/main/{PATH}" in comment.body
    assert "Incident Commander @alice (2026-03-15)" in comment.body
    assert "2026-04-15" in comment.body
    assert fake.items[INCIDENT].state == "open", "by default the incident issue stays open"
    assert [w.method for w in fake.writes] == ["PUT", "POST"]
    assert any("Published" in m.text for m in report.messages)

    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_merge_closes_the_incident_when_configured(fake: FakeGitHub) -> None:
    _setup(fake, CONFIG + "close_incident_on_publish: true\n")
    _ready(fake)
    _sign_all(fake)
    merge_pull(fake, PR)
    payload = pull_payload(fake, PR, action="closed")

    run(fake, "pull_request", payload)

    incident = fake.items[INCIDENT]
    assert incident.state == "closed"
    assert incident.state_reason == "completed"
    assert len(fake.comments_on(INCIDENT)) == 2
    assert_rerun_writes_nothing(fake, "pull_request", payload)
    incident.state = "open"  # a human reopens it: a rerun does not close it again
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_merge_on_a_protected_default_branch_goes_through_a_pull_request(ready: FakeGitHub) -> None:
    fake = ready
    _sign_all(fake)
    merge_pull(fake, PR)
    fake.protect("main")
    merged = fake.file_text("main", PATH)
    payload = pull_payload(fake, PR, action="closed")

    report = run(fake, "pull_request", payload)

    assert fake.file_text("main", PATH) == merged, "the protected branch is untouched"
    fallback = publish_branch(INCIDENT)
    (proposal,) = [p for p in fake.pulls() if p.head == fallback]
    assert proposal.base == "main"
    assert proposal.state == "open"
    assert not proposal.draft
    assert split_frontmatter(fake.file_text(fallback, PATH) or "")[0]["status"] == "Published"
    assert any(
        m.level == "warning" and "Branch protection" in m.text and f"#{proposal.number}" in m.text
        for m in report.messages
    )
    comment = fake.comments_on(INCIDENT)[-1]
    assert f"proposed in #{proposal.number}" in comment.body

    assert_rerun_writes_nothing(fake, "pull_request", payload)
    assert len([p for p in fake.pulls() if p.head == fallback]) == 1

    # The fallback pull request merged: its own close event is not a post-mortem pull request.
    merge_pull(fake, proposal.number)
    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, proposal.number, action="closed"))
    assert_rerun_writes_nothing(fake, "pull_request", payload)
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"


def test_merge_without_full_sign_off_publishes_and_says_so(ready: FakeGitHub) -> None:
    fake = ready
    _review(fake, "alice", at="2026-03-15T09:00:00Z")
    merge_pull(fake, PR)
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"))

    meta, body = split_frontmatter(fake.file_text("main", PATH) or "")
    assert meta["status"] == "Published"
    assert meta["signoff"] == {"incident-commander": {"login": "alice", "date": "2026-03-15"}}
    assert "- [ ] **CTO**: [Name] - [Date]" in body
    assert any(m.level == "warning" and "without the sign-off of: CTO" in m.text for m in report.messages)
    assert (
        "Merged without the sign-off of: CTO, Lead Engineer, DevOps Lead."
        in fake.comments_on(INCIDENT)[-1].body
    )


def test_a_review_event_after_the_merge_changes_nothing(ready: FakeGitHub) -> None:
    fake = ready
    review = fake.add_review(PR, "alice")
    merge_pull(fake, PR)
    fake.reset_counts()
    report = run(fake, "pull_request_review", review_payload(fake, review))
    assert fake.writes == []
    assert any("merged already" in m.text for m in report.messages)


# --------------------------------------------------------------------------------------------------------------
# Reconcile
# --------------------------------------------------------------------------------------------------------------


def test_workflow_dispatch_reconciles_every_open_post_mortem(ready: FakeGitHub) -> None:
    fake = ready
    # Events the workflow missed (e.g. reviews while the action was disabled)
    fake.add_review(PR, "alice")
    fake.add_review(PR, "erin")
    fake.add_file("feature", "README.md", "hello\n")
    fake.add_pull("feature", body="Not a post-mortem.", user="mona")
    fake.reset_counts()

    report = run(fake, "workflow_dispatch", dispatch_payload(fake))

    assert _status(fake) == ("pending", "2/4 signed: missing CTO, DevOps Lead")
    assert "| Incident Commander | @alice |" in _sticky(fake)
    assert [w.method for w in fake.writes] == ["POST", "PATCH"]
    # sign-off: config, one listing, reviews, 2 permissions, team, file, statuses, comments (9); the
    # action-items handler runs first (its commits must carry the status) and adds what the sign-off did not
    # read already (the run's snapshot shares the listing, the file and the comments): 3
    mine = fake.log[: fake.log.index(fake.writes[-1])]
    assert len([e for e in mine if e.method == "GET"]) == 9 + 3
    assert report.handler == "action-items, sign-off"

    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))


def test_reconcile_repairs_a_missed_lifecycle_transition(draft: FakeGitHub) -> None:
    fake = draft
    fake.items[PR].draft = False  # marked ready while the workflow was not running
    run(fake, "schedule", dispatch_payload(fake))
    assert split_frontmatter(fake.file_text(BRANCH, PATH) or "")[0]["status"] == "In Review"
    assert _status(fake) == ("pending", MISSING_ALL)
    assert_rerun_writes_nothing(fake, "schedule", dispatch_payload(fake))


@pytest.mark.parametrize(
    "name",
    [
        "pull_request_review.submitted",
        "pull_request_review.dismissed",
        "pull_request.ready_for_review",
        "pull_request.closed",
        "pull_request.synchronize",
        "pull_request.opened",
    ],
)
def test_the_payloads_are_the_real_ones(name: str) -> None:
    real = json.loads(shared_path("real", "webhooks", f"{name}.payload.json").read_text(encoding="utf-8"))
    assert webhook(name) == real
