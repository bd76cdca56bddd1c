"""Unusual but realistic event sequences, run whole against the stateful fake GitHub (a correctness review).

Each test pins a sequence: some were handled from the start, the others reproduced a bug (a lost edit, a
duplicate, a stale rerun, a traceback) and now pin its fix.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from fake_github import FakeGitHub
from harness import (
    close_issue,
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

from postmortem.action_items.tracking import read_link
from postmortem.cli import main
from postmortem.incident.render import split_frontmatter
from postmortem.markdown.markers import read_marker
from postmortem.signoff.compute import STATUS_CONTEXT

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"
INCIDENT, PR = 1, 2
CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
  required: [incident-commander, cto]
"""
ROWS = (
    "| 1 | Require backward-compatible migrations | @alice | 2025-12-01 | P0 | 🔴 Not Started | |",
    "| 2 | Add a pre-deployment migration check | @bob | 2025-12-08 | P1 | 🔴 Not Started | |",
)
PLACEHOLDER_ROW = "| 1 | | | | | 🔴 Not Started | |"


# ------------------------------------------------------------------------------------------------ helpers


def cli(fake: FakeGitHub, tmp_path: Path, name: str, payload: dict[str, Any]) -> tuple[int, str]:
    """``postmortem run`` exactly as the workflow runs it; returns the exit code and the log."""
    index = len(list(tmp_path.glob("event-*.json")))
    event = tmp_path / f"event-{index}.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_TOKEN": "test-token",
        "GITHUB_OUTPUT": str(tmp_path / f"output-{index}"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / f"summary-{index}"),
    }
    out = io.StringIO()
    code = main(["run"], env=env, out=out, pace=False)
    return code, out.getvalue()


def people(fake: FakeGitHub, config: str = CONFIG) -> None:
    for login in ("mona", "alice", "bob", "carol"):
        fake.set_permission(login, "write")
    fake.add_file("main", ".github/postmortem.yml", config, message="Configure")


def open_incident(fake: FakeGitHub, title: str = TITLE, body: str | None = None, user: str = "mona") -> int:
    item = fake.add_issue(
        title, issue_body("full.md") if body is None else body, labels=["incident"], user=user
    )
    run(fake, "issues", issue_payload(fake, item.number))
    return item.number


def pull_of(fake: FakeGitHub, incident: int) -> Any:
    (pull,) = [p for p in fake.pulls() if p.head == f"postmortem/incident-{incident}"]
    return pull


def edit_issue(fake: FakeGitHub, number: int, old: str, new: str) -> dict[str, Any]:
    before = fake.items[number].body or ""
    assert old in before
    fake.items[number].body = before.replace(old, new)
    return issue_payload(fake, number, action="edited", changes={"body": {"from": before}})


def edit_doc(fake: FakeGitHub, old: str, new: str, branch: str = BRANCH, path: str = PATH) -> str:
    text = fake.file_text(branch, path) or ""
    assert old in text, old
    fake.add_file(branch, path, text.replace(old, new, 1), message="Human edit")
    return text.replace(old, new, 1)


def with_rows(fake: FakeGitHub, rows: tuple[str, ...] = ROWS, branch: str = BRANCH) -> None:
    edit_doc(fake, PLACEHOLDER_ROW, "\n".join(rows), branch)


def ready(fake: FakeGitHub, pr: int = PR) -> Any:
    fake.items[pr].draft = False
    return run(fake, "pull_request", pull_payload(fake, pr, action="ready_for_review"), raise_errors=False)


def texts(report: Any) -> str:
    return (
        "\n".join(f"{m.level}: {m.text}" for m in report.messages)
        + "\n"
        + "\n".join(f"ERROR: {e}" for e in report.errors)
    )


def tracking(fake: FakeGitHub) -> list[Any]:
    return [i for i in fake.issues_only() if read_link(i.body) is not None]


def approve(fake: FakeGitHub, *logins: str, pr: int = PR) -> None:
    for login in logins:
        review = fake.add_review(pr, login, "APPROVED")
        run(fake, "pull_request_review", review_payload(fake, review))


def rows_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("| 1 ", "| 2 "))]


def replace_tree(fake: FakeGitHub, branch: str, change: dict[str, str | None]) -> None:
    """One commit on ``branch`` adding (text) or deleting (None) paths: a rename is a delete plus an add."""
    head = fake.commits[fake.branches[branch]]
    tree = dict(head.tree)
    for path, text in change.items():
        if text is None:
            tree.pop(path, None)
        else:
            tree[path] = text.encode()
    fake.branches[branch] = fake._commit(head.sha, tree, "Human change", "mona")


def writes_of(fake: FakeGitHub, before: int) -> list[str]:
    return [f"{e.method} {e.path}" for e in fake.log[before:] if e.method != "GET"]


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


def test_invalid_frontmatter_on_the_branch_warns_and_signoff_still_works(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    edit_doc(fake, "status: Draft", "status: [Draft")
    with_rows(fake)
    edited = edit_issue(fake, INCIDENT, "~15,000 active users", "~16,500 active users")
    run(fake, "issues", edited)
    assert "status: [Draft" in (fake.file_text(BRANCH, PATH) or ""), "the human's text is not overwritten"

    report = ready(fake)
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
    assert not ready(fake).errors
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 0 and "::error" not in log, log
    meta, body = split_frontmatter(fake.file_text("main", PATH) or "")
    assert meta["status"] == "Published" and set(meta["signoff"]) == {"incident-commander", "cto"}
    assert "## Sign-Off" not in body and "## Action Items" not in body, "no section is re-added"
    assert tracking(fake) == []


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


def test_tracking_issue_closed_as_duplicate_marks_the_row_wont_do(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake)
    approve(fake, "alice", "bob")
    first = min(i.number for i in tracking(fake))
    close_issue(fake, first, "duplicate")
    run(fake, "issues", tracking_issue_payload(fake, first, action="closed"))
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert "⚪ Won't Do" in rows_of(fake.file_text("main", PATH) or "")[0]


def test_tracking_issue_deleted_or_transferred_creates_no_duplicate(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    gone = min(i.number for i in tracking(fake))
    del fake.items[gone]  # deleted, or transferred away: gone from the listing, 404 on a direct read
    issues_before = len(fake.issues_only())
    for name, payload in (
        ("workflow_dispatch", dispatch_payload(fake)),
        ("push", push_payload(fake, modified=[PATH])),
    ):
        code, log = cli(fake, tmp_path, name, payload)
        assert code == 0 and "::error" not in log, log
    assert len(fake.issues_only()) == issues_before
    assert f"#{gone} |" in rows_of(fake.file_text("main", PATH) or "")[0]


def test_merge_while_items_have_no_issue_yet_creates_and_links_them_on_main(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.rate_limit_next("POST", r"/issues$", kind="secondary", times=3)
    report = ready(fake)
    assert any("secondary limit" in str(e) for e in report.errors)
    assert tracking(fake) == []
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    rows = rows_of(fake.file_text("main", PATH) or "")
    numbers = sorted(i.number for i in tracking(fake))
    assert len(numbers) == 2
    assert [f"#{n} |" in row for n, row in zip(numbers, rows, strict=True)] == [True, True]
    before = len(fake.log)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    assert writes_of(fake, before) == [], "a rerun of the merge writes nothing"


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
    assert len(tracking(fake)) == 2


def test_secondary_limit_on_the_tenth_issue_then_rerun_without_duplicates(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    people(fake)
    open_incident(fake)
    rows = tuple(f"| {i} | Item {i} | @alice | 2025-12-01 | P1 | 🔴 Not Started | |" for i in range(1, 13))
    with_rows(fake, rows)
    fake.items[PR].draft = False
    created = {"n": 0}
    original = fake._create_issue

    def limited(m: Any, q: Any, body: Any, path: str) -> Any:
        created["n"] += 1
        if created["n"] == 10:  # the 10th creation and the 2 waits-and-retries the gateway allows
            fake.rate_limit_next("POST", r"/issues$", kind="secondary", times=2)
            from fake_github import Reply

            raise Reply(
                403,
                "You have exceeded a secondary rate limit and have been temporarily blocked from "
                "content creation. Please retry your request again later.",
            )
        return original(m, q, body, path)

    fake._routes = [  # type: ignore[misc]
        (
            verb,
            pattern,
            (lambda self, m, q, b, p: limited(m, q, b, p))
            if handler is FakeGitHub._create_issue
            else handler,
        )
        for verb, pattern, handler in FakeGitHub._routes
    ]
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 1 and "secondary limit" in log and "Not sent yet: 3 × new issue" in log, log
    assert len(tracking(fake)) == 9
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="ready_for_review"))
    assert code == 0, log
    titles = sorted(i.title for i in tracking(fake))
    assert titles == sorted(f"Item {i}" for i in range(1, 13)), "12 issues, no duplicate"
    assert all(
        "#" in row.split("|")[7]
        for row in (fake.file_text(BRANCH, PATH) or "").splitlines()
        if row.startswith("| ") and "| Item " in row
    )


def test_409_on_the_publish_commit_then_rerun(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.fail_next("PUT", r"/contents/postmortems/", 409, {"message": f"{PATH} does not match 0000"})
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 1 and "changed since it was read" in log and "Traceback" not in log, log
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] != "Published"
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert code == 0, log
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"
    assert len([c for c in fake.comments_on(INCIDENT) if "is published" in c.body]) == 1


def test_approval_then_the_reviewer_loses_write_access(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    ready(fake)
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
    ready(fake)
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
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    renamed = CONFIG.replace("{id: cto, title: CTO,", "{id: chief, title: Chief Technology Officer,")
    fake.add_file("main", ".github/postmortem.yml", renamed.replace("cto]", "chief]"))
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    text = fake.file_text("main", PATH) or ""
    meta, _ = split_frontmatter(text)
    assert set(meta["signoff"]) == {"incident-commander", "chief"}
    assert "- [x] **Chief Technology Officer**: @bob" in text
    assert "- [ ] **CTO**:" in text, "the old role's line is left for a human, not deleted"


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


def test_one_non_collaborator_role_holder_does_not_block_the_other_review_requests(fake: FakeGitHub) -> None:
    people(fake, CONFIG.replace("users: [bob]", "users: [bob, former-employee]"))
    report_open = run(
        fake,
        "issues",
        issue_payload(
            fake, fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona").number
        ),
    )
    assert "former-employee" in texts(report_open)
    ready(fake)
    assert sorted(fake.items[PR].requested_reviewers) == ["alice", "bob"]


@pytest.fixture
def pat_fake() -> Any:
    import responses

    github = FakeGitHub(login="alice")  # the token is alice's personal access token
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        yield github


def test_bot_login_holding_a_role_does_not_block_the_draft_review_request(pat_fake: FakeGitHub) -> None:
    fake = pat_fake
    people(fake, "bot_login: alice\n" + CONFIG)
    open_incident(fake)
    assert fake.items[PR].requested_reviewers == ["bob"]


def test_pr_description_rewritten_by_a_human_still_syncs_action_items(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.items[PR].body = "Post-mortem of the umbrella outage. Please review by Friday."
    run(fake, "pull_request", pull_payload(fake, PR, action="edited"))
    report = ready(fake)
    assert "is not a post-mortem pull request" not in texts(report)
    assert len(tracking(fake)) == 2


def test_document_renamed_on_the_branch_is_still_synced_and_published(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    renamed = "postmortems/2025-11-17-umbrella-outage.md"
    replace_tree(fake, BRANCH, {PATH: None, renamed: fake.file_text(BRANCH, PATH)})
    run(fake, "pull_request", pull_payload(fake, PR, action="synchronize"))
    ready(fake)
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
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.add_file("main", ".github/postmortem.yml", "directory: docs/postmortems\n" + CONFIG)
    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"), raise_errors=False)
    assert "nothing was published" not in texts(report)
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"


def test_a_non_utf8_file_in_the_folder_does_not_crash_the_reconcile(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    fake.add_file("main", "postmortems/2019-05-01-caf-outage.md", "# Café outage\n".encode("latin-1"))
    _code, log = cli(fake, tmp_path, "workflow_dispatch", dispatch_payload(fake))
    assert "Unexpected error" not in log and "Traceback" not in log, log
    assert "2019-05-01-caf-outage.md" in log


def test_a_deleted_incident_issue_at_merge_is_a_warning(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.fail_next("GET", r"/issues/1$", 410, {"message": "This issue was deleted"}, times=20)
    code, log = cli(fake, tmp_path, "pull_request", pull_payload(fake, PR, action="closed"))
    assert split_frontmatter(fake.file_text("main", PATH) or "")[0]["status"] == "Published"
    assert code == 0, log


def test_unpublishable_document_at_merge_fails_the_run(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    ready(fake)
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
    ready(fake)
    assert "ask legal" in (fake.file_text(BRANCH, PATH) or "")
