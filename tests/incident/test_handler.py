"""Incident issue → draft post-mortem pull request, whole events against the stateful fake GitHub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postmortem.errors import Conflict, GitHubError, PermissionDenied
from postmortem.github.models import git_blob_sha
from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.markdown.markers import read_marker
from tests.adopter import DOC, cli_env, one_clear_error, run_cli
from tests.adopter import open_incident as open_incident_adoption
from tests.fake_github import FakeGitHub
from tests.harness import (
    close_issue,
    issue_body,
    issue_payload,
    pull_payload,
    run,
    tracking_issue_payload,
)
from tests.scenario import (
    INCIDENT,
    PLACEHOLDER_ROW,
    PR,
    ROWS,
    cli,
    edit_doc,
    edit_issue,
    open_incident,
    people,
    pull_of,
    ready,
    texts,
    tracking,
    writes_of,
)

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"

# The whole flow, issue opened → draft PR, must stay this cheap (README "API requests" table).
OPENED_REQUEST_BUDGET = 15


@pytest.fixture
def writer(fake: FakeGitHub) -> str:
    fake.set_permission("mona", "write")
    return "mona"


def _open_incident(fake: FakeGitHub, body: str | None = None, user: str = "mona") -> int:
    item = fake.add_issue(
        TITLE, issue_body("full.md") if body is None else body, labels=["incident"], user=user
    )
    return item.number


def test_opened_incident_becomes_a_draft_pull_request(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    report = run(fake, "issues", issue_payload(fake, number))

    assert BRANCH in fake.branches
    document = fake.file_text(BRANCH, PATH)
    assert document is not None
    meta, body = split_frontmatter(document)
    assert meta["incident"] == number
    assert meta["severity"] == "P0"
    assert meta["status"] == "Draft"
    assert meta["duration_minutes"] == 47
    assert "The Umbrella API was completely down for 47 minutes." in body
    assert fake.file_text("main", PATH) is None, "nothing is committed to the default branch"

    (pull,) = fake.pulls()
    assert pull.draft and pull.head == BRANCH and pull.base == "main"
    assert pull.title == "Post-mortem: Umbrella API outage after migration"
    assert f"#{number}" in (pull.body or "")
    assert not any(word in (pull.body or "").lower() for word in ("closes #", "fixes #", "resolves #"))
    assert pull.labels == ["postmortem"]
    recorded = read_marker(pull.body, "document")
    assert recorded == {"incident": number, "path": PATH, "sha": git_blob_sha(document)}

    (link,) = fake.comments_on(number)
    assert f"#{pull.number}" in link.body and PATH in link.body
    assert report.outputs == {
        "document-path": PATH,
        "pull-request-number": str(pull.number),
        "pull-request-url": f"https://github.com/{fake.repository}/pull/{pull.number}",
        "answers": report.outputs["answers"],  # tests/completeness/test_flow.py reads it
    }
    assert fake.count() <= OPENED_REQUEST_BUDGET
    assert len(fake.writes) == 6  # branch, file, pull request, label, comment, sign-off status


def test_rerunning_the_same_event_makes_zero_writes(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    payload = issue_payload(fake, number)
    run(fake, "issues", payload)
    fake.reset_counts()

    report = run(fake, "issues", payload)

    assert fake.writes == []
    assert report.writes == []
    assert len(fake.pulls()) == 1


def test_roles_from_the_config_are_asked_for_review(fake: FakeGitHub, writer: str) -> None:
    fake.set_permission("alice", "write")
    fake.set_permission("bob", "admin")
    fake.add_team("acme/sre", ["carol"])
    fake.add_file(
        "main",
        ".github/postmortem.yml",
        "signoff:\n  roles:\n    - {id: ic, title: Incident Commander, users: [alice], teams: [acme/sre]}\n"
        "    - {id: cto, title: CTO, users: [bob]}\n  required: [ic, cto]\n",
    )
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))

    (pull,) = fake.pulls()
    assert pull.requested_reviewers == ["alice", "bob"]
    assert pull.requested_teams == ["sre"]
    document = fake.file_text(BRANCH, PATH) or ""
    assert "- [ ] **Incident Commander**:" in document and "- [ ] **CTO**:" in document
    assert "Lead Engineer" not in document


def test_a_refused_review_request_is_a_warning_not_a_failure(fake: FakeGitHub, writer: str) -> None:
    fake.add_file(
        "main", ".github/postmortem.yml", "signoff:\n  roles:\n    - {id: ic, title: IC, users: [nobody]}\n"
    )
    number = _open_incident(fake)
    report = run(fake, "issues", issue_payload(fake, number))

    (pull,) = fake.pulls()
    assert pull.requested_reviewers == []
    assert len(fake.comments_on(number)) == 1
    assert any(m.level == "warning" and "@nobody" in m.text for m in report.messages)


def test_editing_the_issue_regenerates_an_untouched_document(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    old_body = fake.items[number].body or ""
    fake.items[number].body = old_body.replace("~15,000 active users", "~16,500 active users")
    payload = issue_payload(fake, number, action="edited", changes={"body": {"from": old_body}})
    fake.reset_counts()

    run(fake, "issues", payload)

    document = fake.file_text(BRANCH, PATH) or ""
    assert "~16,500 active users" in document
    (pull,) = fake.pulls()
    assert read_marker(pull.body, "document") == {
        "incident": number,
        "path": PATH,
        "sha": git_blob_sha(document),
    }
    assert [w.method for w in fake.writes] == ["PUT", "PATCH", "POST", "POST"]
    statuses = fake.statuses_for(fake.head_sha(pull.number))
    assert {s.context for s in statuses} == {"postmortem/sign-off", "postmortem/completeness"}, (
        "the regenerated head carries the sign-off and completeness statuses"
    )

    fake.reset_counts()
    run(fake, "issues", payload)
    assert fake.writes == []


def test_a_human_edit_is_never_overwritten(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    original = fake.file_text(BRANCH, PATH) or ""
    human = original.replace(
        "*Positive aspects of the incident response.*", "Alerting fired within 2 minutes."
    )
    assert human != original
    fake.add_file(BRANCH, PATH, human, message="Write the resolution")
    old_body = fake.items[number].body or ""
    fake.items[number].body = old_body.replace("~15,000 active users", "~16,500 active users")
    payload = issue_payload(fake, number, action="edited", changes={"body": {"from": old_body}})

    run(fake, "issues", payload)

    assert fake.file_text(BRANCH, PATH) == human
    (pull,) = fake.pulls()
    (notice,) = fake.comments_on(pull.number)
    assert "not** regenerated" in notice.body and "~16,500 active users" in notice.body
    fake.reset_counts()
    run(fake, "issues", payload)
    assert fake.writes == [], "the notice is posted once, not on every rerun"
    assert len(fake.comments_on(pull.number)) == 1


def test_a_stranger_waits_for_a_maintainer(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake, user="stranger")

    run(fake, "issues", issue_payload(fake, number))
    run(fake, "issues", issue_payload(fake, number))

    assert fake.pulls() == []
    assert BRANCH not in fake.branches
    (waiting,) = fake.comments_on(number)
    assert "write access" in waiting.body and "`incident`" in waiting.body

    run(fake, "issues", issue_payload(fake, number, action="labeled", sender=writer, label="incident"))
    assert len(fake.pulls()) == 1


@pytest.mark.parametrize(
    ("labels", "action", "sender", "label"),
    [
        ([], "opened", "mona", None),
        (["bug"], "opened", "mona", None),
        (["incident", "sev"], "labeled", "mona", "sev"),
        (["incident"], "opened", "github-actions[bot]", None),
        (["incident"], "closed", "mona", None),
    ],
    ids=["no-label", "other-label", "labeled-with-another-label", "bot-edit", "closed"],
)
def test_events_that_are_not_ours_are_a_quiet_no_op(
    fake: FakeGitHub, writer: str, labels: list[str], action: str, sender: str, label: str | None
) -> None:
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=labels, user="mona")
    report = run(fake, "issues", issue_payload(fake, item.number, action=action, sender=sender, label=label))
    assert fake.writes == []
    assert report.messages, "a no-op still says why in the log"


def test_invalid_answers_still_open_the_pull_request_with_one_comment(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake, body=issue_body("invalid-values.md"))
    run(fake, "issues", issue_payload(fake, number))

    assert len(fake.pulls()) == 1
    problems = [c for c in fake.comments_on(number) if read_marker(c.body, "form-problems") is not None]
    assert len(problems) == 1
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, number))
    assert fake.writes == []


def test_fixing_the_answers_updates_the_problem_comment_in_place(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake, body=issue_body("invalid-values.md"))
    run(fake, "issues", issue_payload(fake, number))
    old_body = fake.items[number].body
    fake.items[number].body = issue_body("full.md")
    run(fake, "issues", issue_payload(fake, number, action="edited", changes={"body": {"from": old_body}}))

    problems = [c for c in fake.comments_on(number) if read_marker(c.body, "form-problems") is not None]
    assert len(problems) == 1
    assert "✅" in problems[0].body


def test_the_real_empty_body_payload_still_opens_a_draft(fake: FakeGitHub, writer: str) -> None:
    from tests.harness import webhook

    item = fake.add_issue(TITLE, None, labels=["incident"], user="mona")
    payload = webhook("issues.opened.with-empty-body")
    payload["issue"].update(number=item.number, labels=[{"name": "incident"}], title=TITLE)
    payload["sender"]["login"] = "mona"
    payload["repository"]["default_branch"] = fake.default_branch  # the example's repository uses "master"
    assert payload["issue"]["body"] is None

    run(fake, "issues", payload)

    (pull,) = fake.pulls()
    assert pull.draft
    assert any(read_marker(c.body, "form-problems") is not None for c in fake.comments_on(item.number))


def test_dry_run_lists_every_write_and_makes_none(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    report = run(fake, "issues", issue_payload(fake, number), dry_run=True)

    assert fake.writes == []
    kinds = [w.kind for w in report.writes]
    assert kinds == ["create_branch", "put_file", "create_pull_request", "create_comment", "add_labels"]


def test_a_run_cut_short_is_completed_by_the_next_without_duplicates(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    fake.fail_next("POST", rf"/issues/{number}/comments$", 502, times=20)
    with pytest.raises(GitHubError, match=r"502|comment"):
        run(fake, "issues", issue_payload(fake, number))
    assert len(fake.pulls()) == 1 and fake.comments_on(number) == []
    fake.heal()

    run(fake, "issues", issue_payload(fake, number))

    assert len(fake.pulls()) == 1
    assert len(fake.comments_on(number)) == 1


def test_a_concurrent_human_commit_is_not_overwritten(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    old_body = fake.items[number].body or ""
    fake.items[number].body = old_body.replace("~15,000", "~16,500")
    payload = issue_payload(fake, number, action="edited", changes={"body": {"from": old_body}})
    fake.fail_next("PUT", r"/contents/", 409, {"message": f"{PATH} does not match abc"})

    with pytest.raises(Conflict):
        run(fake, "issues", payload)
    assert "~16,500" not in (fake.file_text(BRANCH, PATH) or "")


def test_missing_permission_to_create_pull_requests_names_the_setting(fake: FakeGitHub, writer: str) -> None:
    fake.actions_can_create_pull_requests = False
    number = _open_incident(fake)
    with pytest.raises(PermissionDenied, match="Allow GitHub Actions to create and approve pull requests"):
        run(fake, "issues", issue_payload(fake, number))


def test_custom_template_from_the_repository(fake: FakeGitHub, writer: str) -> None:
    fake.add_file(
        "main", ".github/postmortem.yml", "template: .github/postmortem.md.j2\ndirectory: docs/pm\n"
    )
    fake.add_file(
        "main",
        ".github/postmortem.md.j2",
        "# {{ title | inline }}\n\nSeverity {{ severity }}, {{ duration }}.\n\n## Action Items\n\n"
        "| # | Action Item | Owner | Deadline | Priority | Status | Issue |\n|---|---|---|---|---|---|---|\n",
    )
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    path = PATH.replace("postmortems/", "docs/pm/")
    document = fake.file_text(BRANCH, path) or ""
    assert "# Umbrella API outage after migration" in document
    assert "Severity P0, 47 minutes." in document


def test_a_customised_form_in_the_repository_still_parses(fake: FakeGitHub, writer: str) -> None:
    fake.add_file("main", ".github/ISSUE_TEMPLATE/incident.yml", issue_body("custom-form.yml"))
    fake.add_file("main", ".github/postmortem.yml", "template: .github/pm.md.j2\n")
    fake.add_file(
        "main",
        ".github/pm.md.j2",
        "# {{ title | inline }}\n\n{{ severity }} in {{ answers.regions | inline }}\n\n{{ incident.summary | block }}\n",
    )
    item = fake.add_issue(
        "[INC] Payments timing out", issue_body("custom-form.md"), labels=["incident"], user="mona"
    )
    run(fake, "issues", issue_payload(fake, item.number))

    files = fake.files(f"postmortem/incident-{item.number}")
    (document,) = [text for path, text in files.items() if path.startswith("postmortems/")]
    assert "# Payments timing out" in document
    assert "P1 in eu-west-1, us-east-1" in document
    assert "Payments in two regions timed out." in document


def test_a_broken_form_in_the_repository_falls_back_to_the_built_in_one(
    fake: FakeGitHub, writer: str
) -> None:
    fake.add_file("main", ".github/ISSUE_TEMPLATE/incident.yml", "name: x\nbody: [\n")
    number = _open_incident(fake)
    report = run(fake, "issues", issue_payload(fake, number))

    assert len(fake.pulls()) == 1
    assert "47 minutes" in (fake.file_text(BRANCH, PATH) or "")
    assert any(m.level == "warning" and "built-in incident form" in m.text for m in report.messages)


def test_an_approved_document_is_not_regenerated(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    (pull,) = fake.pulls()
    before = fake.file_text(BRANCH, PATH)
    fake.add_review(pull.number, "alice", "APPROVED")
    old_body = fake.items[number].body or ""
    fake.items[number].body = old_body.replace("~15,000 active users", "~16,500 active users")

    run(fake, "issues", issue_payload(fake, number, action="edited", changes={"body": {"from": old_body}}))

    assert fake.file_text(BRANCH, PATH) == before
    (notice,) = fake.comments_on(pull.number)
    assert "@alice" in notice.body and "~16,500 active users" in notice.body


def test_regeneration_keeps_what_people_wrote_in_the_pull_request(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    (pull,) = fake.pulls()
    pull.body = (pull.body or "") + "\n\nReviewers: please check the timeline against PagerDuty."
    pull.title = "Post-mortem: Umbrella outage (draft for Thursday's review)"
    old_body = fake.items[number].body or ""
    fake.items[number].body = old_body.replace("~15,000 active users", "~16,500 active users")
    fake.items[number].title = "[Incident]: Umbrella API outage"

    run(
        fake,
        "issues",
        issue_payload(
            fake, number, action="edited", changes={"body": {"from": old_body}, "title": {"from": TITLE}}
        ),
    )

    document = fake.file_text(BRANCH, PATH) or ""
    assert "~16,500 active users" in document
    assert pull.body.endswith("Reviewers: please check the timeline against PagerDuty.")
    assert read_marker(pull.body, "document") == {
        "incident": number,
        "path": PATH,
        "sha": git_blob_sha(document),
    }
    assert pull.title == "Post-mortem: Umbrella outage (draft for Thursday's review)", "a human title stays"


def test_a_title_the_action_set_follows_the_issue(fake: FakeGitHub, writer: str) -> None:
    number = _open_incident(fake)
    run(fake, "issues", issue_payload(fake, number))
    fake.items[number].title = "[Incident]: Umbrella API outage"

    run(fake, "issues", issue_payload(fake, number, action="edited", changes={"title": {"from": TITLE}}))

    (pull,) = fake.pulls()
    assert pull.title == "Post-mortem: Umbrella API outage"


# ====================================================================================================
# Unusual but realistic event sequences, run whole (every handler)


# ====================================================================================== sequences that work


def test_closed_unmerged_pr_then_reopened_then_branch_deleted(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    pull = fake.items[PR]

    # closed without merging: no publication, no action-item sync, issue edits leave it alone
    pull.state, pull.closed_at = "closed", "2025-11-18T10:00:00Z"
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert report.writes == []
    assert "closed without merging" in texts(report)
    edited = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
    before = len(fake.log)
    report = run(fake, "issues", edited)
    assert writes_of(fake, before) == []
    assert "was closed; the issue's edits no longer change it" in texts(report)

    # reopened: the sign-off status comes back, and the next edit regenerates the untouched draft
    pull.state, pull.closed_at = "open", None
    run(fake, "pull_request", pull_payload(fake, PR, action="reopened"))
    run(fake, "issues", edit_issue(fake, INCIDENT, "~16,500 active users", "~17,000 active users"))
    assert "~17,000 active users" in (fake.file_text(BRANCH, PATH) or "")

    # closed again, and a human deletes the branch: edits and re-labelling are quiet no-ops, no new PR
    pull.state = "closed"
    del fake.branches[BRANCH]
    for payload in (
        edit_issue(fake, INCIDENT, "~17,000 active users", "~18,000 active users"),
        issue_payload(fake, INCIDENT, action="labeled", label="incident"),
    ):
        before = len(fake.log)
        code, log = cli(fake, tmp_path, "issues", payload)
        assert code == 0 and "::error" not in log, log
        assert writes_of(fake, before) == []
    assert len(fake.pulls()) == 1 and BRANCH not in fake.branches


def test_label_removed_then_readded_picks_up_the_edits_made_meanwhile(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    fake.items[INCIDENT].labels = []
    report = run(fake, "issues", issue_payload(fake, INCIDENT, action="unlabeled", label="incident"))
    assert report.writes == []
    edited = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
    assert run(fake, "issues", edited).writes == [], "without the label an edit is ignored"

    fake.items[INCIDENT].labels = ["incident"]
    run(fake, "issues", issue_payload(fake, INCIDENT, action="labeled", label="incident"))
    assert "~16,500 active users" in (fake.file_text(BRANCH, PATH) or "")
    assert len(fake.pulls()) == 1
    assert len(fake.comments_on(INCIDENT)) == 1, "one link comment, not a second one"


def test_incident_closed_and_reopened_makes_no_duplicates(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    close_issue(fake, INCIDENT)
    assert run(fake, "issues", tracking_issue_payload(fake, INCIDENT, action="closed")).writes == []
    fake.items[INCIDENT].state, fake.items[INCIDENT].closed_at = "open", None
    fake.items[INCIDENT].state_reason = "reopened"
    before = len(fake.log)
    run(fake, "issues", issue_payload(fake, INCIDENT, action="reopened"))
    assert writes_of(fake, before) == []
    assert len(fake.pulls()) == 1 and len(fake.comments_on(INCIDENT)) == 1


@pytest.mark.parametrize(
    ("title", "body", "slug"),
    [
        ("[Incident]: ", None, "incident"),
        (
            "[Incident]: " + "Database failover " * 15,
            None,
            "database-failover-database-failover-database-failover",
        ),
        ("🔥🔥🔥", None, "incident"),
        ("Payments down", "", "payments-down"),
        ("Payments down", None, "payments-down"),
    ],
)
def test_unusual_titles_and_an_empty_body_still_get_a_draft(
    fake: FakeGitHub, tmp_path: Path, title: str, body: str | None, slug: str
) -> None:
    people(fake)
    item = fake.add_issue(
        title, body if body is not None else issue_body("full.md"), labels=["incident"], user="mona"
    )
    code, log = cli(fake, tmp_path, "issues", issue_payload(fake, item.number))
    assert code == 0 and "Traceback" not in log, log
    (pull,) = fake.pulls()
    assert pull.draft and len(pull.title) <= 256
    path = read_marker(pull.body, "document")["path"]
    assert path.startswith("postmortems/") and path.endswith(f"-{slug}.md")
    if body == "" or title.strip() == "[Incident]:":
        assert "::warning::" in log, "the reporter is told what to fix"


# =========================================================================================== real bugs


def test_two_incidents_with_the_same_title_on_the_same_day(fake: FakeGitHub) -> None:
    people(fake)
    first = open_incident(fake)
    second = open_incident(fake)
    pr_a, pr_b = pull_of(fake, first).number, pull_of(fake, second).number
    edit_doc(fake, PLACEHOLDER_ROW, "\n".join(ROWS), branch=f"postmortem/incident-{first}")
    other = "| 1 | Page the database team | @carol | 2025-12-01 | P0 | 🔴 Not Started | |"
    second_path = PATH.removesuffix(".md") + f"-{second}.md"
    assert fake.file_text(f"postmortem/incident-{second}", second_path), "the second gets its own file name"
    edit_doc(fake, PLACEHOLDER_ROW, other, branch=f"postmortem/incident-{second}", path=second_path)
    ready(fake, pr_a)
    a_issues = {i.number: (i.title, list(i.assignees), i.state) for i in tracking(fake)}
    assert len(a_issues) == 2

    ready(fake, pr_b)

    after = {i.number: (i.title, list(i.assignees), i.state) for i in tracking(fake) if i.number in a_issues}
    assert after == a_issues, "incident B's sync must not touch incident A's tracking issues"
    assert len(tracking(fake)) == 3
    paths = {read_marker(fake.items[n].body, "document")["path"] for n in (pr_a, pr_b)}
    assert len(paths) == 2, "two incidents, two documents (else the second merge overwrites the first)"


def test_rerun_of_an_older_issue_edit_does_not_revert_the_document(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    older = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
    run(fake, "issues", older)
    run(fake, "issues", edit_issue(fake, INCIDENT, "~16,500 active users", "~17,000 active users"))
    before = len(fake.log)

    run(fake, "issues", older)  # "Re-run jobs" on the first edit's workflow run

    assert "~17,000 active users" in (fake.file_text(BRANCH, PATH) or "")
    assert writes_of(fake, before) == []


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


def test_no_form_file_in_the_repository_falls_back_to_the_built_in_form(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    code, log = open_incident_adoption(fake, tmp_path)
    assert code == 0, log
    text = fake.file_text("postmortem/incident-1", DOC) or ""
    assert "## Executive Summary" in text and "*2-3 sentence summary" not in text


def test_a_broken_form_file_warns_and_falls_back(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/ISSUE_TEMPLATE/incident.yml", "name: Incident\nbody: [\n")
    code, log = open_incident_adoption(fake, tmp_path)
    assert code == 0, log
    assert any(line.startswith("::warning") and "incident.yml" in line for line in log.splitlines())


@pytest.mark.parametrize(
    ("template", "must_say"),
    [
        (None, "no such file on main"),
        ("# {{ title | inline }\n", "syntax error"),
        ("# {{ titel }}\n", "undefined variable"),
        ("{{ answers.nope }}\n", "undefined variable"),
        ("{{ title | shout }}\n", "shout"),
    ],
)
def test_a_broken_custom_template_is_one_error_naming_the_file(
    tmp_path: Path, fake: FakeGitHub, template: str | None, must_say: str
) -> None:
    fake.add_file("main", ".github/postmortem.yml", "template: .github/postmortem.md.j2\n")
    if template is not None:
        fake.add_file("main", ".github/postmortem.md.j2", template)
    code, log = open_incident_adoption(fake, tmp_path)
    error = one_clear_error(code, log)
    assert ".github/postmortem.md.j2" in error and must_say in error
    assert fake.writes == []


def test_a_default_branch_that_is_not_main(tmp_path: Path) -> None:
    import responses

    fake = FakeGitHub(default_branch="trunk")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        code, log = open_incident_adoption(fake, tmp_path)
        assert code == 0, log
        (pull,) = fake.pulls()
        assert pull.base == "trunk"


def test_a_default_branch_that_is_not_main_without_it_in_the_payload(tmp_path: Path) -> None:
    import responses

    fake = FakeGitHub(default_branch="trunk")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        fake.set_permission("mona", "write")
        item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
        payload = issue_payload(fake, item.number)
        del payload["repository"]["default_branch"]
        code, log = run_cli(["run"], cli_env(tmp_path, fake, "issues", payload))
        assert code == 0, log
        assert fake.pulls()[0].base == "trunk"


def test_an_empty_repository_is_one_error_naming_the_fix(tmp_path: Path, fake: FakeGitHub) -> None:
    del fake.branches["main"]
    code, log = open_incident_adoption(fake, tmp_path)
    error = one_clear_error(code, log)
    assert "commit" in error and re.search(r"push|add|create", error.split("branch from")[-1], re.IGNORECASE)


def test_an_incident_label_with_other_case_drafts_the_post_mortem(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_label("Incident")
    code, log = open_incident_adoption(fake, tmp_path, labels=("Incident",))
    assert code == 0, log
    assert len(fake.pulls()) == 1, log


def test_a_configured_form_path_that_does_not_exist_is_warned_about(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "form: .github/ISSUE_TEMPLATE/incidnet.yml\n")
    code, log = open_incident_adoption(fake, tmp_path)
    assert code == 0, log
    assert any(line.startswith("::warning") and "incidnet.yml" in line for line in log.splitlines())


def test_an_incident_filed_by_another_app_is_not_dropped_as_the_bots_own(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="alerts[bot]")
    payload = issue_payload(fake, item.number, sender="alerts[bot]")
    code, log = run_cli(["run"], cli_env(tmp_path, fake, "issues", payload))
    assert code == 0, log
    assert "the bot's own change" not in log
