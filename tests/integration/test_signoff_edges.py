"""Sign-off edge cases an incident commander or a reviewer hits, run as whole events against the stateful fake.

Each test drives real events (GitHub's example payloads rewritten for the fake), then checks the fake's final
state: the status history on the head commit, the one sticky comment, the document on the default branch, the
incident issue (state, one comment per purpose), and that a rerun makes no write. The bugs this review found are fixed and pinned here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
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
)

from postmortem.incident.render import split_frontmatter
from postmortem.markdown.markers import has_marker
from postmortem.signoff.compute import STATUS_CONTEXT, STATUS_DESCRIPTION_LIMIT, is_signoff_comment
from postmortem.signoff.handler import PUBLISHED_MARKER, publish_branch

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


def _setup(fake: FakeGitHub, config: str | None = CONFIG, *, opener: str = "mona") -> None:
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


def _ready(fake: FakeGitHub) -> Any:
    fake.items[PR].draft = False
    return run(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review", sender="mona"))


def _draft(fake: FakeGitHub) -> Any:
    fake.items[PR].draft = True
    return run(fake, "pull_request", pull_payload(fake, PR, action="converted_to_draft", sender="mona"))


def _review(
    fake: FakeGitHub, user: str, state: str = "APPROVED", *, at: str | None = None
) -> tuple[ReviewRecord, Any]:
    review = fake.add_review(PR, user, state, submitted_at=at)
    report = run(fake, "pull_request_review", review_payload(fake, review))
    return review, report


def _dismiss(fake: FakeGitHub, review: ReviewRecord) -> dict[str, Any]:
    review.state = "DISMISSED"  # GitHub turns the review itself into a dismissed one
    payload = review_payload(fake, review, action="dismissed")
    run(fake, "pull_request_review", payload)
    return payload


def _history(fake: FakeGitHub, sha: str | None = None) -> list[tuple[str, str]]:
    """The sign-off statuses on ``sha`` (default: the head), newest first."""
    sha = sha or fake.head_sha(PR)
    return [(s.state, s.description or "") for s in fake.statuses_for(sha) if s.context == STATUS_CONTEXT]


def _status(fake: FakeGitHub) -> tuple[str, str]:
    return _history(fake)[0]


def _sticky(fake: FakeGitHub) -> str:
    (comment,) = [c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]
    return comment.body


def _published_comments(fake: FakeGitHub) -> list[str]:
    return [c.body for c in fake.comments_on(INCIDENT) if has_marker(c.body, PUBLISHED_MARKER)]


def _doc(fake: FakeGitHub, branch: str = "main") -> tuple[dict[str, Any], str]:
    return split_frontmatter(fake.file_text(branch, PATH) or "")


def _sign_all(fake: FakeGitHub) -> None:
    for login, at in (
        ("alice", "2026-03-15T09:00:00Z"),
        ("bob", "2026-03-15T11:30:00Z"),
        ("frank", "2026-03-16T08:00:00Z"),
        ("dave", "2026-03-16T08:05:00Z"),
    ):
        _review(fake, login, at=at)
    assert _status(fake) == ("success", "4/4 signed")


def _merge(fake: FakeGitHub) -> dict[str, Any]:
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    payload = pull_payload(fake, PR, action="closed")
    run(fake, "pull_request", payload)
    return payload


@pytest.fixture
def ready(fake: FakeGitHub) -> FakeGitHub:
    _setup(fake)
    _ready(fake)
    fake.reset_counts()
    return fake


# ================================================================================================ reviews


def test_approve_comment_approve_again_stays_signed_once(ready: FakeGitHub) -> None:
    fake = ready
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


def test_approve_dismissed_by_an_admin_then_approved_again(ready: FakeGitHub) -> None:
    fake = ready
    first, _ = _review(fake, "bob", at="2026-03-15T09:00:00Z")
    submitted = review_payload(fake, first)
    dismissed = _dismiss(fake, first)
    assert _status(fake) == ("pending", MISSING_ALL)
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
    _setup(fake, config)
    _ready(fake)
    review, _ = _review(fake, "alice", at="2026-03-15T09:00:00Z")
    assert _status(fake) == ("pending", "2/4 signed: missing CTO, Lead Engineer")
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice |" in sticky and "| DevOps Lead | @alice |" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))

    _review(fake, "bob", at="2026-03-15T10:00:00Z")
    _review(fake, "erin", at="2026-03-15T11:00:00Z")
    assert _status(fake) == ("success", "4/4 signed")
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
    _setup(fake, CONFIG.replace("teams: [acme/leads]", "users: [erin], teams: [acme/leads]"))
    _ready(fake)
    review, _ = _review(fake, "erin")
    assert _status(fake) == ("pending", "1/4 signed: missing Incident Commander, CTO, DevOps Lead")
    sticky = _sticky(fake)
    assert sticky.count("| Lead Engineer | @erin |") == 1
    assert "Lead Engineer" not in sticky.split("**Still to sign:**", 1)[1]
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_logins_in_the_config_compare_case_insensitively(fake: FakeGitHub) -> None:
    config = CONFIG.replace("users: [alice]", "users: [ALICE]").replace("users: [bob]", "users: ['@Bob']")
    # GitHub's logins are case-insensitive; the fake's collaborator check is not: teach it these spellings.
    fake.set_permission("ALICE", "write")
    fake.set_permission("Bob", "admin")
    _setup(fake, config)
    _ready(fake)
    assert [u.casefold() for u in fake.items[PR].requested_reviewers] == ["alice", "bob", "dave"]
    _review(fake, "alice")
    review, _ = _review(fake, "bob")
    assert _status(fake) == ("pending", "2/4 signed: missing Lead Engineer, DevOps Lead")
    sticky = _sticky(fake)
    assert "| Incident Commander | @alice |" in sticky and "| CTO | @bob |" in sticky
    assert "not counted" not in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_over_a_hundred_reviews_are_all_read(ready: FakeGitHub) -> None:
    fake = ready
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
    assert _status(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert "**Changes requested by:** @bob" in _sticky(fake)
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_a_pending_review_changes_nothing(ready: FakeGitHub) -> None:
    fake = ready
    fake.add_review(PR, "dave", "PENDING")
    _review(fake, "alice")
    assert _status(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    sticky = _sticky(fake)
    assert "| DevOps Lead | — |" in sticky
    assert "Changes requested" not in sticky and "not counted" not in sticky
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))


def test_a_review_by_a_deleted_account_is_ghost_and_signs_nothing(ready: FakeGitHub) -> None:
    fake = ready
    user = fake._user
    fake._user = lambda login: None if login == "deleted-account" else user(login)  # type: ignore[method-assign]
    fake.add_review(PR, "deleted-account", "APPROVED")
    review, _ = _review(fake, "alice")

    assert _status(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert "@ghost: no write access to this repository" in _sticky(fake)
    assert fake.count("GET", r"/collaborators/ghost/") == 0, "no permission lookup for ghost"
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


# ================================================================================================ roles


def test_a_required_role_without_holders_is_said_and_never_completes(fake: FakeGitHub) -> None:
    _setup(fake, CONFIG.replace("{id: cto, title: CTO, users: [bob]}", "{id: cto, title: CTO}"))
    report = _ready(fake)
    assert any("CTO is required but no user or team holds it" in m.text for m in report.messages)
    for login in ("alice", "erin", "dave", "bob"):
        review, _ = _review(fake, login)
    assert _status(fake) == ("pending", "3/4 signed: missing CTO")
    sticky = _sticky(fake)
    assert "**Required but held by nobody:** CTO" in sticky
    assert "@bob: holds no sign-off role" in sticky
    assert sticky.count("CTO is required but no user or team holds it") == 1
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_the_roles_changed_in_the_config_while_the_pull_request_is_open(ready: FakeGitHub) -> None:
    fake = ready
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
    assert _status(fake) == ("pending", "3/4 signed: missing Security")
    sticky = _sticky(fake)
    assert "| Security | — | — | yes |" in sticky and "DevOps Lead" not in sticky
    assert "- Security (required): @zed" in sticky

    # The config changes again (Security no longer required): the next reconcile follows it.
    fake.add_file("main", ".github/postmortem.yml", CONFIG.replace("devops-lead]", "]").replace(
        "    - {id: devops-lead, title: DevOps Lead, users: [dave]}\n", ""))  # fmt: skip
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert _status(fake) == ("success", "3/3 signed")
    assert "Post-mortem sign-off complete" in _sticky(fake)
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))


def test_without_a_config_the_seed_roles_are_listed_and_any_writer_approval_completes(
    fake: FakeGitHub,
) -> None:
    _setup(fake, config=None)
    _ready(fake)
    assert _status(fake) == ("pending", "no role required; waiting for an approval")
    sticky = _sticky(fake)
    assert "waiting for an approval" in sticky
    assert "No sign-off role has holders configured" in sticky
    for title in ("Incident Commander", "CTO", "Lead Engineer", "DevOps Lead"):
        assert f"| {title} | — | — | no |" in sticky
    assert fake.items[PR].requested_reviewers == [] and fake.items[PR].requested_teams == []

    _review(fake, "mallory")  # read access only
    assert _status(fake) == ("pending", "no role required; waiting for an approval")
    review, _ = _review(fake, "zed", at="2026-03-15T09:00:00Z")
    assert _status(fake) == ("success", "no role required; approved by @zed")
    sticky = _sticky(fake)
    assert "**Approvals:**\n- @zed (2026-03-15)" in sticky
    assert "@mallory: no write access" in sticky
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))


def test_without_a_config_the_publication_records_who_approved(fake: FakeGitHub) -> None:
    _setup(fake, config=None)
    _ready(fake)
    _review(fake, "zed", at="2026-03-15T09:00:00Z")
    assert _status(fake) == ("success", "no role required; approved by @zed")
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
    _setup(fake, "bot_login: mona\n" + CONFIG.replace("users: [alice]", "users: [mona]"), opener="zed")
    assert fake.items[PR].user == "mona"
    _ready(fake)
    assert "mona" not in fake.items[PR].requested_reviewers
    assert _status(fake) == ("pending", MISSING_ALL)
    assert len([c for c in fake.comments_on(PR) if is_signoff_comment(c.body)]) == 1, (
        "her own sticky is trusted"
    )
    assert_rerun_writes_nothing(
        fake, "pull_request", pull_payload(fake, PR, action="ready_for_review", sender="mona")
    )


def test_a_role_held_only_by_the_pull_request_author_is_flagged(pat_fake: FakeGitHub) -> None:
    fake = pat_fake
    _setup(fake, "bot_login: mona\n" + CONFIG.replace("users: [alice]", "users: [mona]"), opener="zed")
    _ready(fake)
    sticky = _sticky(fake)
    still = sticky.split("**Still to sign:**", 1)[1].split("\n\n", 1)[0]
    assert "@mona" not in still or "author" in still.lower()
    assert "author" in sticky.lower(), "say that the author cannot sign Incident Commander"


# ================================================================================================ lifecycle


def test_converted_to_draft_and_ready_again(ready: FakeGitHub) -> None:
    fake = ready
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


def test_converted_to_draft_while_approved_does_not_commit(ready: FakeGitHub) -> None:
    fake = ready
    review, _ = _review(fake, "alice")
    head = fake.head_sha(PR)
    report = _draft(fake)
    assert fake.head_sha(PR) == head, "a commit would dismiss alice's approval"
    assert review.state == "APPROVED"
    assert _doc(fake, BRANCH)[0]["status"] == "In Review"
    assert any("dismiss stale approvals" in m.text for m in report.messages)
    assert _status(fake) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")
    assert_rerun_writes_nothing(fake, "pull_request", pull_payload(fake, PR, action="converted_to_draft"))

    fake.reset_counts()
    _ready(fake)
    assert fake.head_sha(PR) == head
    assert fake.writes == [], "document already In Review, status and sticky unchanged, all asked already"


def test_merge_after_the_frontmatter_was_deleted_by_a_human(ready: FakeGitHub) -> None:
    fake = ready
    meta, body = _doc(fake, BRANCH)
    assert meta
    fake.add_file(BRANCH, PATH, body.lstrip("\n"), message="Drop the YAML header")
    run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    _sign_all(fake)
    payload = _merge(fake)

    meta, body = _doc(fake)
    assert meta["status"] == "Published" and meta["published"] == "2026-03-16"
    assert set(meta["signoff"]) == {"incident-commander", "cto", "lead-engineer", "devops-lead"}
    assert "- [x] **CTO**: @bob - 2026-03-15" in body
    assert len(_published_comments(fake)) == 1
    assert_rerun_writes_nothing(fake, "pull_request", payload)


def test_merge_after_the_sign_off_section_was_removed_says_so(ready: FakeGitHub) -> None:
    fake = ready
    text = fake.file_text(BRANCH, PATH) or ""
    text = text[: text.index("## Sign-Off")] + text[text.index("## Follow-Up Review") :]
    fake.add_file(BRANCH, PATH, text, message="Drop the Sign-Off section")
    sync = run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    _sign_all(fake)
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
    _setup(fake, CONFIG + "close_incident_on_publish: true\n")
    _ready(fake)
    _sign_all(fake)
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
    _setup(fake, CONFIG + "close_incident_on_publish: true\n")
    _ready(fake)
    _sign_all(fake)
    payload = _merge(fake)
    incident = fake.items[INCIDENT]
    assert incident.state == "closed"
    incident.state, incident.state_reason = "open", "reopened"  # a human reopens it

    assert_rerun_writes_nothing(fake, "pull_request", payload)
    assert_rerun_writes_nothing(fake, "workflow_dispatch", dispatch_payload(fake))
    assert_rerun_writes_nothing(fake, "issues", issue_payload(fake, INCIDENT, action="edited", changes={}))
    assert incident.state == "open"
    assert len(_published_comments(fake)) == 1


def test_protected_default_branch_with_the_publish_pull_request_still_open(ready: FakeGitHub) -> None:
    fake = ready
    _sign_all(fake)
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


def test_an_old_review_event_rerun_after_the_merge_writes_nothing(ready: FakeGitHub) -> None:
    fake = ready
    first, _ = _review(fake, "alice", at="2026-03-15T09:00:00Z")
    old_payload = review_payload(fake, first)  # as it was delivered then: the PR open, alice approving
    _dismiss(fake, first)
    _sign_all(fake)
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
    _setup(fake, config)
    _ready(fake)
    state, description = _status(fake)
    assert state == "pending"
    assert len(description) <= STATUS_DESCRIPTION_LIMIT
    assert description.startswith("0/6 signed: missing Vice President")
    assert description.endswith("…")
    review, _ = _review(fake, "alice")
    state, description = _status(fake)
    assert len(description) <= STATUS_DESCRIPTION_LIMIT and description.startswith("1/6 signed: missing")
    assert_rerun_writes_nothing(fake, "pull_request_review", review_payload(fake, review))
    _review(fake, "bob")
    assert _status(fake) == ("success", "6/6 signed")


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
    _setup(fake, MARKDOWN_CONFIG)
    _ready(fake)
    review, _ = _review(fake, "bob", at="2026-03-15T09:00:00Z")
    assert _status(fake) == (
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
    _setup(fake, CONFIG.replace("title: Lead Engineer,", 'title: "Lead Engineer *(on call)*",'))
    _ready(fake)
    _sign_all(fake)
    before = len(fake.commit_log("main"))
    payload = _merge(fake)
    _, body = _doc(fake)
    section = body.split("## Sign-Off", 1)[1]
    assert section.count("- [") == 4, section
    assert "- [x] **Lead Engineer *(on call)***: @frank - 2026-03-16" in section
    assert len(fake.commit_log("main")) == before + 2, "the merge commit and one publication commit"
    assert len(_published_comments(fake)) == 1
    assert_rerun_writes_nothing(fake, "pull_request", payload)
