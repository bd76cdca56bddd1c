"""Approvals → sign-off, and Draft → In Review → Published: whole events against the stateful fake GitHub.

The events are GitHub's published example payloads (``tests/fixtures/webhooks``, the same files as
``tests/fixtures/webhooks``) rewritten in memory to describe the fake's pull request: number, state, draft and
merged flags, head ref and sha, user; the review's id, lower-case state and author.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from postmortem.github.models import git_blob_sha
from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.markdown.markers import has_marker, read_marker
from postmortem.signoff.compute import STATUS_CONTEXT, STATUS_DESCRIPTION_LIMIT, is_signoff_comment
from postmortem.signoff.handler import PUBLISHED_MARKER, publish_branch
from tests.fake_github import FakeGitHub, ReviewRecord
from tests.harness import (
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
from tests.material import fixture, recorded_sha256, sha256
from tests.scenario import CONFIG as CONFIG_SEQ
from tests.scenario import (
    approve,
    cli,
    edit_doc,
    edit_issue,
    open_incident,
    people,
    replace_tree,
    texts,
    tracking,
    with_rows,
)
from tests.scenario import ready as ready_seq

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
# t teams costs 5 + r + t requests: config, PR, reviews, statuses, comments (the document is not read again
# while the head commit is the one the sticky comment recorded).
REVIEW_EVENT_BASE = 5


def _setup(fake: FakeGitHub, config: str = CONFIG, *, readable_team: bool = True) -> None:
    for login, permission in PEOPLE.items():
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
    opened_with = fake.statuses_for(old_head)  # the status set when the draft was opened (issue #10 item 9)
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
    assert fake.statuses_for(old_head) == opened_with, (
        "the status goes on the new head commit, not the old one"
    )
    assert _status(fake) == ("pending", MISSING_ALL)
    assert "@alice" in _sticky(fake)
    assert "@acme/leads" in _sticky(fake)
    assert item.requested_reviewers == ["bob", "alice", "dave"]
    assert item.requested_teams == ["leads"]
    # the review requests need no commit; the commit is made once, at the end of the run, and the marker's sha,
    # the status and the sticky comment (which records the new head) follow it
    assert [(w.method, w.path.rsplit("/", 2)[-2:][-1]) for w in fake.writes] == [
        ("POST", "requested_reviewers"),
        ("PUT", PATH.rsplit("/", 1)[-1]),
        ("PATCH", str(PR)),
        ("POST", fake.head_sha(PR)),  # the sign-off status
        ("POST", fake.head_sha(PR)),  # the completeness status
        ("POST", "comments"),
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
        # one status, one comment edit; reads: config, PR, reviews, permissions, team, statuses, comments
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
    # one commit carrying the document and the catalogue (GraphQL createCommitOnBranch), then the comment
    assert [(w.method, w.path.rsplit("/", 1)[-1]) for w in fake.writes] == [
        ("POST", "graphql"),
        ("POST", "comments"),
    ]
    assert set(fake.commit_log("main")[0].tree) >= {PATH, "postmortems/README.md"}
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
    # read already (the run's snapshot shares the listing, the file and the comments): 2
    mine = fake.log[: fake.log.index(fake.writes[-1])]
    assert len([e for e in mine if e.method == "GET"]) == 9 + 2
    assert report.handler == "action-items, completeness, sign-off"

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
    path = fixture("webhooks", f"{name}.payload.json")
    assert sha256(path) == recorded_sha256()[f"webhooks/{name}.payload.json"], "GitHub's example, unmodified"
    real = json.loads(path.read_text(encoding="utf-8"))
    assert webhook(name) == real


# ====================================================================================================
# Sign-off edge cases an incident commander or a reviewer hits (whole events)


PEOPLE = {
    "mona": "write",
    "alice": "write",
    "bob": "admin",
    "dave": "write",
    "erin": "write",
    "frank": "maintain",
    "zed": "write",
    "mallory": "read",
}


# ------------------------------------------------------------------------------------------------ helpers


def _setup_edges(fake: FakeGitHub, config: str | None = CONFIG, *, opener: str = "mona") -> None:
    for login, permission in PEOPLE.items():
        fake.set_permission(login, permission)
    fake.add_team("acme/leads", ["erin", "frank"])
    if config is not None:
        fake.add_file("main", ".github/postmortem.yml", config)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user=opener)
    assert item.number == INCIDENT
    run(fake, "issues", issue_payload(fake, INCIDENT))
    (pull,) = fake.pulls()
    assert (pull.number, pull.head, pull.draft) == (PR, BRANCH, True)


def _draft(fake: FakeGitHub) -> Any:
    fake.items[PR].draft = True
    return run(fake, "pull_request", pull_payload(fake, PR, action="converted_to_draft", sender="mona"))


def _dismiss(fake: FakeGitHub, review: ReviewRecord) -> dict[str, Any]:
    review.state = "DISMISSED"  # GitHub turns the review itself into a dismissed one
    payload = review_payload(fake, review, action="dismissed")
    run(fake, "pull_request_review", payload)
    return payload


def _history(fake: FakeGitHub, sha: str | None = None) -> list[tuple[str, str]]:
    """The sign-off statuses on ``sha`` (default: the head), newest first."""
    sha = sha or fake.head_sha(PR)
    return [(s.state, s.description or "") for s in fake.statuses_for(sha) if s.context == STATUS_CONTEXT]


def _status_edges(fake: FakeGitHub) -> tuple[str, str]:
    return _history(fake)[0]


def _published_comments(fake: FakeGitHub) -> list[str]:
    return [c.body for c in fake.comments_on(INCIDENT) if has_marker(c.body, PUBLISHED_MARKER)]


def _doc(fake: FakeGitHub, branch: str = "main") -> tuple[dict[str, Any], str]:
    return split_frontmatter(fake.file_text(branch, PATH) or "")


def _sign_all_edges(fake: FakeGitHub) -> None:
    for login, at in (
        ("alice", "2026-03-15T09:00:00Z"),
        ("bob", "2026-03-15T11:30:00Z"),
        ("frank", "2026-03-16T08:00:00Z"),
        ("dave", "2026-03-16T08:05:00Z"),
    ):
        _review(fake, login, at=at)
    assert _status_edges(fake) == ("success", "4/4 signed")


def _merge(fake: FakeGitHub) -> dict[str, Any]:
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    payload = pull_payload(fake, PR, action="closed")
    run(fake, "pull_request", payload)
    return payload


@pytest.fixture
def ready_edges(fake: FakeGitHub) -> FakeGitHub:
    _setup_edges(fake)
    _ready(fake)
    fake.reset_counts()
    return fake


# ================================================================================================ reviews


def test_approve_comment_approve_again_stays_signed_once(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    _review(fake, "alice", at="2026-03-15T09:00:00Z")
    _review(fake, "alice", "COMMENTED", at="2026-03-15T10:00:00Z")
    review, _ = _review(fake, "alice", at="2026-03-15T11:00:00Z")

    assert _history(fake)[:2] == [("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead"),
                                  ("pending", MISSING_ALL)]  # fmt: skip
    assert len(_history(fake)) == 2, "the comment and the second approval changed nothing: no new status"
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice | 2026-03-15 | yes |" in sticky
    assert sticky.count("@alice") == 1, "signed, so no longer listed under Still to sign"
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_approve_dismissed_by_an_admin_then_approved_again(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    first, _ = _review(fake, "bob", at="2026-03-15T09:00:00Z")
    submitted = review_payload(fake, first)
    dismissed = _dismiss(fake, first)
    assert _status_edges(fake) == ("pending", MISSING_ALL)
    assert "| CTO | — |" in _sticky(fake)
    assert_rerun_writes_nothing(
        fake, "pull_request_review", submitted
    )  # the approval's event replayed does not re-sign

    again, _ = _review(fake, "bob", at="2026-03-15T12:00:00Z")

    assert _history(fake) == [
        ("pending", "1/4 signed: missing Incident Commander, Lead Engineer, DevOps Lead"),
        ("pending", MISSING_ALL),
        ("pending", "1/4 signed: missing Incident Commander, Lead Engineer, DevOps Lead"),
        ("pending", MISSING_ALL),
    ]
    assert "| CTO | @bob | 2026-03-15 | yes |" in _sticky(fake)
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, again))
    assert_rerun_writes_nothing(
        fake, "pull_request_review", dismissed
    )  # the old dismissal replayed does not un-sign


def test_a_reviewer_holding_two_roles_approves_once_and_both_are_published(fake: FakeGitHub) -> None:
    config = CONFIG.replace("users: [dave]", "users: [dave, alice]")
    _setup_edges(fake, config)
    _ready(fake)
    review, _ = _review(fake, "alice", at="2026-03-15T09:00:00Z")
    assert _status_edges(fake) == ("pending", "2/4 signed: missing CTO, Lead Engineer")
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice |" in sticky and "| DevOps Lead | @alice |" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))

    _review(fake, "bob", at="2026-03-15T10:00:00Z")
    _review(fake, "erin", at="2026-03-15T11:00:00Z")
    assert _status_edges(fake) == ("success", "4/4 signed")
    payload = _merge(fake)
    meta, body = _doc(fake)
    assert (
        meta["signoff"]["incident-commander"]
        == meta["signoff"]["devops-lead"]
        == {
            "login": "alice",
            "date": "2026-03-15",
        }
    )
    assert "- [x] **DevOps Lead**: @alice - 2026-03-15" in body
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_a_team_member_also_named_as_a_user_signs_the_role_once(fake: FakeGitHub) -> None:
    _setup_edges(fake, CONFIG.replace("teams: [acme/leads]", "users: [erin], teams: [acme/leads]"))
    _ready(fake)
    review, _ = _review(fake, "erin")
    assert _status_edges(fake) == ("pending", "1/4 signed: missing Incident Commander, CTO, DevOps Lead")
    sticky = _sticky(fake)
    assert sticky.count("| Lead Engineer | @erin |") == 1
    assert "Lead Engineer" not in sticky.split("**Still to sign:**", 1)[1]
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_logins_in_the_config_compare_case_insensitively(fake: FakeGitHub) -> None:
    config = CONFIG.replace("users: [alice]", "users: [ALICE]").replace("users: [bob]", "users: ['@Bob']")
    # GitHub's logins are case-insensitive; the fake's collaborator check is not: teach it these spellings.
    fake.set_permission("ALICE", "write")
    fake.set_permission("Bob", "admin")
    _setup_edges(fake, config)
    _ready(fake)
    assert [u.casefold() for u in fake.items[PR].requested_reviewers] == ["alice", "bob", "dave"]
    _review(fake, "alice")
    review, _ = _review(fake, "bob")
    assert _status_edges(fake) == ("pending", "2/4 signed: missing Lead Engineer, DevOps Lead")
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice |" in sticky and "| CTO | @bob |" in sticky
    assert "not counted" not in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_over_a_hundred_reviews_are_all_read(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    fake.add_review(PR, "bob", "APPROVED", submitted_at="2026-03-14T00:00:00Z")  # page 1: approved …
    for minute in range(130):
        fake.add_review(
            PR, "zed", "COMMENTED", submitted_at=f"2026-03-15T{minute // 60:02d}:{minute % 60:02d}:00Z"
        )
    fake.add_review(
        PR, "bob", "CHANGES_REQUESTED", submitted_at="2026-03-16T00:00:00Z"
    )  # … page 2: not any more
    review, _ = _review(fake, "alice", at="2026-03-16T01:00:00Z")  # page 2

    assert len([r for r in fake.reviews if r.pr == PR]) > 100
    assert fake.count("GET", r"/reviews$") == 2, "two pages of 100"
    assert _status_edges(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert "**Changes requested by:** @bob" in _sticky(fake)
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_a_pending_review_changes_nothing(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    fake.add_review(PR, "dave", "PENDING")
    _review(fake, "alice")
    assert _status_edges(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    sticky = _sticky(fake)
    assert "| DevOps Lead | — |" in sticky
    assert "Changes requested" not in sticky and "not counted" not in sticky
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))


def test_a_review_by_a_deleted_account_is_ghost_and_signs_nothing(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    fake.delete_account("deleted-account")
    fake.add_review(PR, "deleted-account", "APPROVED")
    review, _ = _review(fake, "alice")

    assert _status_edges(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert "@ghost: no write access to this repository" in _sticky(fake)
    assert fake.count("GET", r"/collaborators/ghost/") == 0, "no permission lookup for ghost"
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


# ================================================================================================ roles


def test_a_required_role_without_holders_is_said_and_never_completes(fake: FakeGitHub) -> None:
    _setup_edges(fake, CONFIG.replace("{id: cto, title: CTO, users: [bob]}", "{id: cto, title: CTO}"))
    report = _ready(fake)
    assert any("CTO is required but no user or team holds it" in m.text for m in report.messages)
    for login in ("alice", "erin", "dave", "bob"):
        review, _ = _review(fake, login)
    assert _status_edges(fake) == ("pending", "3/4 signed: missing CTO")
    sticky = _sticky(fake)
    assert "**Required but held by nobody:** CTO" in sticky
    assert "@bob: holds no sign-off role" in sticky
    assert sticky.count("CTO is required but no user or team holds it") == 1
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_the_roles_changed_in_the_config_while_the_pull_request_is_open(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    _review(fake, "alice")
    _review(fake, "bob")
    # A security role is added and required; DevOps Lead is dropped.
    fake.add_file(
        "main",
        ".github/postmortem.yml",
        CONFIG.replace(
            "    - {id: devops-lead, title: DevOps Lead, users: [dave]}\n",
            "    - {id: security, title: Security, users: [zed]}\n",
        ).replace("devops-lead]", "security]"),
    )
    review, _ = _review(fake, "erin")
    assert _status_edges(fake) == ("pending", "3/4 signed: missing Security")
    sticky = _sticky(fake)
    assert "| Security | — | — | yes |" in sticky and "DevOps Lead" not in sticky
    assert "- Security (required): @zed" in sticky

    # The config changes again (Security no longer required): the next reconcile follows it.
    fake.add_file("main", ".github/postmortem.yml", CONFIG.replace("devops-lead]", "]").replace(
        "    - {id: devops-lead, title: DevOps Lead, users: [dave]}\n", ""))  # fmt: skip
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert _status_edges(fake) == ("success", "3/3 signed")
    assert "Post-mortem sign-off complete" in _sticky(fake)
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))


def test_without_a_config_the_seed_roles_are_listed_and_any_writer_approval_completes(
    fake: FakeGitHub,
) -> None:
    _setup_edges(fake, config=None)
    _ready(fake)
    assert _status_edges(fake) == ("pending", "no role required; waiting for an approval")
    sticky = _sticky(fake)
    assert "waiting for an approval" in sticky
    assert "No sign-off role has holders configured" in sticky
    for title in ("Incident Commander", "CTO", "Lead Engineer", "DevOps Lead"):
        assert f"| {title} | — | — | no |" in sticky
    assert fake.items[PR].requested_reviewers == [] and fake.items[PR].requested_teams == []

    _review(fake, "mallory")  # read access only
    assert _status_edges(fake) == ("pending", "no role required; waiting for an approval")
    review, _ = _review(fake, "zed", at="2026-03-15T09:00:00Z")
    assert _status_edges(fake) == ("success", "no role required; approved by @zed")
    sticky = _sticky(fake)
    assert "**Approvals:**\n- @zed (2026-03-15)" in sticky
    assert "@mallory: no write access" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_without_a_config_the_publication_records_who_approved(fake: FakeGitHub) -> None:
    _setup_edges(fake, config=None)
    _ready(fake)
    _review(fake, "zed", at="2026-03-15T09:00:00Z")
    assert _status_edges(fake) == ("success", "no role required; approved by @zed")
    _merge(fake)
    assert _doc(fake)[0]["status"] == "Published"
    (comment,) = _published_comments(fake)
    assert "No sign-off role was signed before the merge." not in comment
    assert "@zed" in comment
    assert "zed" in (fake.file_text("main", PATH) or "")


@pytest.fixture
def pat_fake() -> Iterator[FakeGitHub]:
    github = FakeGitHub(login="mona")  # the token is mona's personal access token: she authors the PR
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        yield github


def test_a_personal_token_author_holding_a_role_is_not_asked_to_review(pat_fake: FakeGitHub) -> None:
    fake = pat_fake
    _setup_edges(fake, "bot_login: mona\n" + CONFIG.replace("users: [alice]", "users: [mona]"), opener="zed")
    assert fake.items[PR].user == "mona"
    _ready(fake)
    assert "mona" not in fake.items[PR].requested_reviewers
    assert _status_edges(fake) == ("pending", MISSING_ALL)
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1, (
        "her own sticky is trusted"
    )
    assert_rerun_writes_nothing(
        fake, "pull_request", pull_payload(fake, PR, action="ready_for_review", sender="mona")
    )


def test_a_role_held_only_by_the_pull_request_author_is_flagged(pat_fake: FakeGitHub) -> None:
    fake = pat_fake
    _setup_edges(fake, "bot_login: mona\n" + CONFIG.replace("users: [alice]", "users: [mona]"), opener="zed")
    _ready(fake)
    sticky = _sticky(fake)
    still = sticky.split("**Still to sign:**", 1)[1].split("\n\n", 1)[0]
    assert "@mona" not in still or "author" in still.lower()
    assert "author" in sticky.lower(), "say that the author cannot sign Incident Commander"


# ================================================================================================ lifecycle


def test_converted_to_draft_and_ready_again(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    in_review_head = fake.head_sha(PR)
    draft = _draft(fake)
    assert _doc(fake, BRANCH)[0]["status"] == "Draft"
    draft_head = fake.head_sha(PR)
    assert draft_head != in_review_head
    assert _history(fake, draft_head) == [("pending", MISSING_ALL)], "the new head carries the status"
    assert any("status becomes Draft" in m.text for m in draft.messages)
    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, PR, action="converted_to_draft"))

    requested = list(fake.items[PR].requested_reviewers)
    _ready(fake)
    assert _doc(fake, BRANCH)[0]["status"] == "In Review"
    assert _history(fake) == [("pending", MISSING_ALL)]
    assert fake.items[PR].requested_reviewers == requested, "nobody asked twice"
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1
    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review"))


def test_converted_to_draft_while_approved_does_not_commit(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    review, _ = _review(fake, "alice")
    head = fake.head_sha(PR)
    report = _draft(fake)
    assert fake.head_sha(PR) == head, "a commit would dismiss alice's approval"
    assert review.state == "APPROVED"
    assert _doc(fake, BRANCH)[0]["status"] == "In Review"
    assert any("dismiss stale approvals" in m.text for m in report.messages)
    assert _status_edges(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, PR, action="converted_to_draft"))

    fake.reset_counts()
    _ready(fake)
    assert fake.head_sha(PR) == head
    assert fake.writes == [], "document already In Review, status and sticky unchanged, all asked already"


def test_merge_after_the_frontmatter_was_deleted_by_a_human(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    meta, body = _doc(fake, BRANCH)
    assert meta
    fake.add_file(BRANCH, PATH, body.lstrip("\n"), message="Drop the YAML header")
    run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    _sign_all_edges(fake)
    payload = _merge(fake)

    meta, body = _doc(fake)
    assert meta["status"] == "Published" and meta["published"] == "2026-03-16"
    assert set(meta["signoff"]) == {"incident-commander", "cto", "lead-engineer", "devops-lead"}
    assert "- [x] **CTO**: @bob - 2026-03-15" in body
    assert len(_published_comments(fake)) == 1
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_merge_after_the_sign_off_section_was_removed_says_so(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    text = fake.file_text(BRANCH, PATH) or ""
    text = text[: text.index("## Sign-Off")] + text[text.index("## Follow-Up Review") :]
    fake.add_file(BRANCH, PATH, text, message="Drop the Sign-Off section")
    sync = run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    _sign_all_edges(fake)
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    payload = pull_payload(fake, PR, action="closed")
    report = run(fake, "pull_request", payload)

    meta, body = _doc(fake)
    assert meta["status"] == "Published" and len(meta["signoff"]) == 4
    assert "## Sign-Off" not in body
    assert_rerun_writes_nothing(fake, "pull_request", payload)
    said = [m.text for m in sync.messages + report.messages] + [_sticky(fake)] + _published_comments(fake)
    assert any("Sign-Off" in text and ("no " in text.lower() or "missing" in text.lower()) for text in said)


def test_close_on_publish_with_the_incident_already_closed(fake: FakeGitHub) -> None:
    _setup_edges(fake, CONFIG + "close_incident_on_publish: true\n")
    _ready(fake)
    _sign_all_edges(fake)
    incident = fake.items[INCIDENT]
    incident.state, incident.state_reason, incident.closed_at = (
        "closed",
        "not_planned",
        "2026-03-14T00:00:00Z",
    )

    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    fake.reset_counts()
    payload = pull_payload(fake, PR, action="closed")
    run(fake, "pull_request", payload)

    assert [w.method for w in fake.writes if "/issues/1" in w.path] == ["POST"], "a comment, no PATCH"
    assert (incident.state, incident.state_reason) == ("closed", "not_planned"), "a human's reason is kept"
    assert len(_published_comments(fake)) == 1
    assert _doc(fake)[0]["status"] == "Published"
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_incident_reopened_after_publication_stays_open(fake: FakeGitHub) -> None:
    _setup_edges(fake, CONFIG + "close_incident_on_publish: true\n")
    _ready(fake)
    _sign_all_edges(fake)
    payload = _merge(fake)
    incident = fake.items[INCIDENT]
    assert incident.state == "closed"
    incident.state, incident.state_reason = "open", "reopened"  # a human reopens it

    assert_rerun_writes_nothing(fake, "pull_request", payload)
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))
    assert_rerun_writes_nothing(fake, "issues", issue_payload(fake, INCIDENT, action="edited", changes={}))
    assert incident.state == "open"
    assert len(_published_comments(fake)) == 1


def test_protected_default_branch_with_the_publish_pull_request_still_open(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    _sign_all_edges(fake)
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    fake.protect("main")
    payload = pull_payload(fake, PR, action="closed")
    run(fake, "pull_request", payload)
    (proposal,) = [p for p in fake.pulls() if p.head == publish_branch(INCIDENT)]
    assert len(_published_comments(fake)) == 1
    assert_rerun_writes_nothing(fake, "pull_request", payload)

    # While that pull request waits, an admin fixes a typo in the document on main (bypassing protection).
    text = fake.file_text("main", PATH) or ""
    fake.add_file("main", PATH, text.replace("## Lessons Learned", "## Lessons learned"), message="typo")
    report = run(fake, "pull_request", payload)

    assert [p.number for p in fake.pulls() if p.head == publish_branch(INCIDENT)] == [proposal.number]
    assert proposal.state == "open"
    fallback = fake.file_text(publish_branch(INCIDENT), PATH) or ""
    assert "## Lessons learned" in fallback, "the proposal follows main"
    assert split_frontmatter(fallback)[0]["status"] == "Published"
    assert any(f"#{proposal.number}" in m.text for m in report.messages)
    assert len(_published_comments(fake)) == 1, "no second incident comment"
    assert_rerun_writes_nothing(fake, "pull_request", payload)

    merge_pull(fake, proposal.number)
    assert_rerun_writes_nothing(fake, "pull_request", payload)
    assert _doc(fake)[0]["status"] == "Published"


def test_an_old_review_event_rerun_after_the_merge_writes_nothing(ready_edges: FakeGitHub) -> None:
    fake = ready_edges
    first, _ = _review(fake, "alice", at="2026-03-15T09:00:00Z")
    old_payload = review_payload(fake, first)  # as it was delivered then: the PR open, alice approving
    _dismiss(fake, first)
    _sign_all_edges(fake)
    merged_head = fake.head_sha(PR)
    statuses = _history(fake, merged_head)
    _merge(fake)
    published = fake.file_text("main", PATH)

    assert_rerun_writes_nothing(fake, "pull_request_review", old_payload)
    assert _history(fake, merged_head) == statuses
    assert fake.file_text("main", PATH) == published
    assert len(_published_comments(fake)) == 1


# ================================================================================================ presentation


def test_the_status_description_is_cut_at_140_characters(fake: FakeGitHub) -> None:
    roles = [f"Vice President of Engineering Excellence Region {n}" for n in range(1, 7)]
    config = "signoff:\n  roles:\n" + "".join(
        f"    - {{id: vp-{n}, title: {title}, users: [alice]}}\n" if n == 1 else
        f"    - {{id: vp-{n}, title: {title}, users: [bob]}}\n"
        for n, title in enumerate(roles, start=1)
    ) + f"  required: [{', '.join(f'vp-{n}' for n in range(1, 7))}]\n"  # fmt: skip
    _setup_edges(fake, config)
    _ready(fake)
    state, description = _status_edges(fake)
    assert state == "pending"
    assert len(description) <= STATUS_DESCRIPTION_LIMIT
    assert description.startswith("0/6 signed: missing Vice President")
    assert description.endswith("…")
    review, _ = _review(fake, "alice")
    state, description = _status_edges(fake)
    assert len(description) <= STATUS_DESCRIPTION_LIMIT and description.startswith("1/6 signed: missing")
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))
    _review(fake, "bob")
    assert _status_edges(fake) == ("success", "6/6 signed")


MARKDOWN_CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: "🚒 Incident Commander", users: [alice]}
    - {id: cto, title: "CTO | CISO", users: [bob]}
    - {id: lead-engineer, title: "`Lead` Engineer", teams: [acme/leads]}
    - {id: devops-lead, title: "DevOps Lead 🛠️", users: [dave]}
  required: [incident-commander, cto, lead-engineer, devops-lead]
"""


def test_role_titles_with_emoji_pipes_and_code_in_the_sticky_and_the_document(fake: FakeGitHub) -> None:
    _setup_edges(fake, MARKDOWN_CONFIG)
    _ready(fake)
    review, _ = _review(fake, "bob", at="2026-03-15T09:00:00Z")
    assert _status_edges(fake) == (
        "pending",
        "1/4 signed: missing 🚒 Incident Commander, `Lead` Engineer, DevOps Lead 🛠️",
    )
    sticky = _sticky(fake)
    table = [line for line in sticky.splitlines() if line.startswith("| ")]
    assert len(table) == 5 and all(line.count(" | ") == 3 for line in table[1:]), table
    assert "| CTO \\| CISO | @bob | 2026-03-15 | yes |" in sticky
    assert "| 🚒 Incident Commander | — | — | yes |" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))

    for login in ("alice", "erin", "dave"):
        _review(fake, login, at="2026-03-15T10:00:00Z")
    payload = _merge(fake)
    _, body = _doc(fake)
    section = body.split("## Sign-Off", 1)[1]
    assert "- [x] **🚒 Incident Commander**: @alice - 2026-03-15" in section
    assert "- [x] **CTO | CISO**: @bob - 2026-03-15" in section
    assert "- [x] **`Lead` Engineer**: @erin - 2026-03-15" in section
    assert "- [x] **DevOps Lead 🛠️**: @dave - 2026-03-15" in section
    assert section.count("- [") == 4, "no role appended twice"
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_a_role_title_ending_in_emphasis_is_published_once(fake: FakeGitHub) -> None:
    _setup_edges(fake, CONFIG.replace("title: Lead Engineer,", 'title: "Lead Engineer *(on call)*",'))
    _ready(fake)
    _sign_all_edges(fake)
    before = len(fake.commit_log("main"))
    payload = _merge(fake)
    _, body = _doc(fake)
    section = body.split("## Sign-Off", 1)[1]
    assert section.count("- [") == 4, section
    assert "- [x] **Lead Engineer *(on call)***: @frank - 2026-03-16" in section
    assert len(fake.commit_log("main")) == before + 2, "the merge commit and one publication commit"
    assert len(_published_comments(fake)) == 1
    assert_rerun_writes_nothing(fake, "pull_request", payload)


# ====================================================================================================
# Unusual but realistic event sequences, run whole (every handler)


def test_invalid_frontmatter_on_the_branch_warns_and_signoff_still_works(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    edit_doc(fake, "status: Draft", "status: [Draft")
    with_rows(fake)
    edited = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
    run(fake, "issues", edited)
    assert "status: [Draft" in (fake.file_text(BRANCH, PATH) or ""), "the human's text is not overwritten"

    report = ready_seq(fake)
    assert not report.errors
    assert "unreadable frontmatter" in texts(report)
    assert len(tracking(fake)) == 2
    approve(fake, "alice", "bob")
    status = next(s for s in fake.statuses_for(fake.head_sha(PR)) if s.context == STATUS_CONTEXT)
    assert (status.state, status.description) == ("success", "2/2 signed")


def test_deleted_signoff_and_action_items_sections_publish_without_crash(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    people(fake)
    open_incident(fake)
    text = fake.file_text(BRANCH, PATH) or ""
    text = text[: text.index("## Sign-Off")] + text[text.index("## Follow-Up Review") :]
    text = text[: text.index("## Action Items")] + text[text.index("## Lessons Learned") :]
    fake.add_file(BRANCH, PATH, text, message="Drop two sections")
    assert not ready_seq(fake).errors
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 0 and "::error" not in log, log
    meta, body = split_frontmatter(fake.file_text("main", PATH) or "")
    assert meta["status"] == "Published" and set(meta["signoff"]) == {"incident-commander", "cto"}
    assert "## Sign-Off" not in body and "## Action Items" not in body, "no section is re-added"
    assert tracking(fake) == []


def test_409_on_the_publish_commit_then_rerun(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    # the one commit (document + catalogue) refused as stale both ways: on the head read with the listing
    # (GraphQL), then on the head read again (Git Data API)
    fake.fail_next("POST", r"/graphql$|/git/trees$", 409, {"message": f"{PATH} does not match 0000"}, times=2)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 1 and "nothing was overwritten" in log and "Traceback" not in log, log
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] != "Published"
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 0, log
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"
    assert len([c for c in fake.comments_on(INCIDENT) if "is published" in c.body]) == 1


def test_approval_then_the_reviewer_loses_write_access(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    fake.set_permission("bob", "read")
    merge_pull(fake, PR)
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert "merged without the sign-off of: CTO" in texts(report)
    meta, _ = split_frontmatter(fake.file_text("main", PATH) or "")
    assert set(meta["signoff"]) == {"incident-commander"}


def test_a_review_on_an_older_commit_still_signs(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    old_head = fake.head_sha(PR)
    edit_doc(fake, "*Detailed technical explanation of what went wrong.*", "A NOT NULL column.")
    run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    review = fake.add_review(PR, "alice", "APPROVED", commit_id=old_head)
    run(fake, "pull_request_review", review_payload(fake, review))
    status = next(s for s in fake.statuses_for(fake.head_sha(PR)) if s.context == STATUS_CONTEXT)
    assert status.description == "1/2 signed: missing CTO"


def test_roles_renamed_before_the_merge(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    renamed = CONFIG_SEQ.replace("{id: cto, title: CTO,", "{id: chief, title: Chief Technology Officer,")
    fake.add_file("main", ".github/postmortem.yml", renamed.replace("cto]", "chief]"))
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    text = fake.file_text("main", PATH) or ""
    meta, _ = split_frontmatter(text)
    assert set(meta["signoff"]) == {"incident-commander", "chief"}
    assert "- [x] **Chief Technology Officer**: @bob" in text
    assert "- [ ] **CTO**:" in text, "the old role's line is left for a human, not deleted"


def test_one_non_collaborator_role_holder_does_not_block_the_other_review_requests(fake: FakeGitHub) -> None:
    people(fake, CONFIG_SEQ.replace("users: [bob]", "users: [bob, former-employee]"))
    report_open = run(
        fake,
        "issues",
        issue_payload(
            fake, fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona").number
        ),
    )
    assert "former-employee" in texts(report_open)
    ready_seq(fake)
    assert sorted(fake.items[PR].requested_reviewers) == ["alice", "bob"]


@pytest.fixture
def pat_fake_seq() -> Any:
    import responses

    github = FakeGitHub(login="alice")  # the token is alice's personal access token
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        yield github


def test_bot_login_holding_a_role_does_not_block_the_draft_review_request(pat_fake_seq: FakeGitHub) -> None:
    fake = pat_fake_seq
    people(fake, "bot_login: alice\n" + CONFIG_SEQ)
    open_incident(fake)
    assert fake.items[PR].requested_reviewers == ["bob"]


def test_document_renamed_on_the_branch_is_still_synced_and_published(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    renamed = "postmortems/2025-11-17-umbrella-outage.md"
    replace_tree(fake, BRANCH, {PATH: None, renamed: fake.file_text(BRANCH, PATH)})
    run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"), raise_errors=False)
    assert "nothing was published" not in texts(report)
    assert split_frontmatter(fake.file_text("main", renamed) or "")[0].get("status") == "Published"
    assert len(tracking(fake)) == 2


def test_directory_changed_while_a_post_mortem_is_open(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.add_file("main", ".github/postmortem.yml", "directory: docs/postmortems\n" + CONFIG_SEQ)
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"), raise_errors=False)
    assert "nothing was published" not in texts(report)
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"


def test_a_deleted_incident_issue_at_merge_is_a_warning(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.fail_next("GET", r"/issues/1$", 410, {"message": "This issue was deleted"}, times=20)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"
    assert code == 0, log


def test_unpublishable_document_at_merge_fails_the_run(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready_seq(fake)
    approve(fake, "alice", "bob")
    edit_doc(fake, "status: In Review", "status: [In Review")
    merge_pull(fake, PR)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert "::error" in log and "cannot be published" in log
    assert code == 1, "an ::error:: must fail the step (README: exit 1 with an ::error::)"


def test_a_comment_in_the_frontmatter_survives_the_lifecycle_commits(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    edit_doc(fake, "severity: P0\n", "severity: P0  # downgraded to P1 after review? ask legal\n")
    ready_seq(fake)
    assert "ask legal" in (fake.file_text(BRANCH, PATH) or "")
