"""The gateway against the fake GitHub: every read, every write, every error mapping, request counts."""

from __future__ import annotations

import pytest

from postmortem.errors import (
    Conflict,
    GitHubError,
    NotFound,
    PermissionDenied,
    ProtectedBranch,
    RateLimited,
)
from postmortem.github.apply import Applier
from postmortem.github.client import Gateway, WriteResult
from postmortem.github.snapshot import Snapshot
from postmortem.plan import (
    NEW_PULL_REQUEST,
    PULL_REQUEST_LINK,
    AddLabels,
    CreateBranch,
    CreateComment,
    CreateIssue,
    CreateLabel,
    CreatePullRequest,
    Plan,
    PutFile,
    RequestReviewers,
    SetCommitStatus,
    UpdateComment,
    UpdateIssue,
    UpdatePullRequest,
    Write,
)
from tests.fake_github import FakeGitHub, blob_sha

REPO = "/repos/Codertocat/Hello-World"


def apply(gateway: Gateway, *writes: Write) -> list[WriteResult]:
    """The writes through the one apply path (document commits are made at the end, as in a run)."""
    results: list[WriteResult] = []
    applier = Applier(Snapshot(gateway), results.append)
    applier.apply(Plan(writes=list(writes)))
    applier.finish()
    return results


# ====================================================================== reads


def test_default_branch_is_read_once(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.default_branch = "trunk"
    assert gateway.get_default_branch() == "trunk"
    assert gateway.get_default_branch() == "trunk"
    assert fake.count() == 1
    assert gateway.request_count == 1


def test_get_file_returns_text_and_blob_sha(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_file("main", "postmortems/2024-01-01-db.md", "# Outage ✓\n")
    file = gateway.get_file("postmortems/2024-01-01-db.md", "main")
    assert file is not None
    assert file.text == "# Outage ✓\n"
    assert file.sha == blob_sha("# Outage ✓\n".encode())
    assert gateway.get_file("missing.md", "main") is None
    assert gateway.get_file("postmortems", "main") is None  # a directory is not a file
    assert fake.count("GET") == 3


def test_files_differ_per_branch(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_file("main", "a.md", "main text")
    fake.add_file("feature", "a.md", "feature text")
    assert gateway.get_file("a.md", "main").text == "main text"  # type: ignore[union-attr]
    assert gateway.get_file("a.md", "feature").text == "feature text"  # type: ignore[union-attr]


def test_list_directory(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_file("main", "postmortems/a.md", "a")
    fake.add_file("main", "postmortems/old/b.md", "b")
    entries = gateway.list_directory("postmortems", "main")
    assert [(e.name, e.path, e.type) for e in entries] == [
        ("a.md", "postmortems/a.md", "file"),
        ("old", "postmortems/old", "dir"),
    ]
    assert entries[0].sha == blob_sha(b"a")
    assert gateway.list_directory("nowhere", "main") == []


def test_branch_sha(fake: FakeGitHub, gateway: Gateway) -> None:
    assert gateway.get_branch_sha("main") == fake.branches["main"]
    assert gateway.get_branch_sha("postmortem/none") is None


def test_find_pull_request_returns_the_newest_from_that_head(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_pull("postmortem/db", state="closed")
    newest = fake.add_pull("postmortem/db", title="Second try")
    fake.add_pull("other")
    found = gateway.find_pull_request("postmortem/db")
    assert found is not None
    assert (found.number, found.title, found.head_ref, found.state) == (
        newest.number,
        "Second try",
        "postmortem/db",
        "open",
    )
    assert gateway.find_pull_request("postmortem/unknown") is None
    assert fake.count("GET", r"/pulls$") == 2


def test_get_pull_request_maps_every_field(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.set_permission("alice", "write")
    pr = fake.add_pull("postmortem/x", title="PM", body=None, draft=True, labels=["postmortem"])
    pr.requested_reviewers.append("alice")
    merged = fake.add_pull("postmortem/y", merged=True)
    got = gateway.get_pull_request(pr.number)
    assert got.body == ""  # null body
    assert got.draft
    assert not got.merged
    assert got.state == "open"
    assert got.labels == ("postmortem",)
    assert got.requested_reviewers == ("alice",)
    assert got.head_sha == fake.branches["postmortem/x"]
    assert got.base_ref == "main"
    assert got.author == "github-actions[bot]"
    assert got.html_url == f"https://github.com/Codertocat/Hello-World/pull/{pr.number}"
    done = gateway.get_pull_request(merged.number)
    assert done.merged
    assert done.merged_at is not None
    assert done.state == "closed"
    with pytest.raises(NotFound, match="404"):
        gateway.get_pull_request(999)


def test_list_pull_requests_filters_state_and_base(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.create_branch("release")
    fake.add_pull("a")
    fake.add_pull("b", base="release")
    fake.add_pull("c", state="closed")
    assert {p.head_ref for p in gateway.list_pull_requests()} == {"a", "b"}
    assert {p.head_ref for p in gateway.list_pull_requests(base="release")} == {"b"}
    assert {p.head_ref for p in gateway.list_pull_requests(state="all")} == {"a", "b", "c"}
    merged_in_list = fake.add_pull("d", merged=True)
    listed = {p.number: p for p in gateway.list_pull_requests(state="closed")}
    assert listed[merged_in_list.number].merged  # list items carry merged_at only


def test_get_issue(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue(
        "DB outage",
        None,
        labels=["incident"],
        assignees=["octocat"],
        state="closed",
        state_reason="completed",
    )
    pr = fake.add_pull("x")
    got = gateway.get_issue(issue.number)
    assert (got.title, got.body, got.state, got.state_reason) == ("DB outage", "", "closed", "completed")
    assert got.labels == ("incident",)
    assert got.assignees == ("octocat",)
    assert got.author == "Codertocat"
    assert got.created_at is not None
    assert got.closed_at is not None
    assert not got.is_pull_request
    assert gateway.get_issue(pr.number).is_pull_request


def test_list_issues_excludes_pull_requests_and_filters_labels(fake: FakeGitHub, gateway: Gateway) -> None:
    a = fake.add_issue("a", labels=["action-item", "postmortem:1"])
    fake.add_issue("b", labels=["action-item"], state="closed")
    fake.add_issue("c")
    fake.add_pull("x", labels=["action-item"])
    assert [i.title for i in gateway.list_issues(labels=["action-item"])] == ["b", "a"]
    assert [i.number for i in gateway.list_issues(labels=["action-item", "postmortem:1"])] == [a.number]
    assert [i.title for i in gateway.list_issues(labels=["action-item"], state="open")] == ["a"]
    assert {i.title for i in gateway.list_issues()} == {"a", "b", "c"}


def test_list_issues_follows_pagination(fake: FakeGitHub, gateway: Gateway) -> None:
    for n in range(250):
        fake.add_issue(f"item {n}", labels=["action-item"])
    issues = gateway.list_issues(labels=["action-item"])
    assert len(issues) == 250
    assert len({i.number for i in issues}) == 250
    assert fake.count("GET", r"/issues$") == 3  # per_page=100
    assert all("per_page=100" in e.query or "page=" in e.query for e in fake.log)


def test_list_comments(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    first = fake.add_comment(issue.number, "first")
    fake.add_comment(issue.number, "second", user="github-actions[bot]")
    comments = gateway.list_comments(issue.number)
    assert next((c.id, c.body) for c in comments) == (first.id, "first")
    assert comments[1].author == "github-actions[bot]"
    assert comments[1].html_url.endswith(f"#issuecomment-{comments[1].id}")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", "admin"),
        ("maintain", "maintain"),
        ("write", "write"),
        ("triage", "triage"),
        ("read", "read"),
    ],
)
def test_permission_uses_the_role_name(fake: FakeGitHub, gateway: Gateway, role: str, expected: str) -> None:
    fake.set_permission("alice", role)
    assert gateway.get_permission("alice") == expected


def test_permission_of_a_non_collaborator_is_none(gateway: Gateway) -> None:
    assert gateway.get_permission("stranger") == "none"


def test_list_reviews(fake: FakeGitHub, gateway: Gateway) -> None:
    pr = fake.add_pull("x")
    fake.add_review(pr.number, "alice", "approved", submitted_at="2024-02-01T10:00:00Z", commit_id="abc")
    fake.add_review(pr.number, "bob", "CHANGES_REQUESTED")
    fake.add_review(pr.number, "carol", "PENDING")
    reviews = gateway.list_reviews(pr.number)
    assert [(r.user, r.state) for r in reviews] == [
        ("alice", "APPROVED"),
        ("bob", "CHANGES_REQUESTED"),
        ("carol", "PENDING"),
    ]
    assert reviews[0].commit_id == "abc"
    assert reviews[0].submitted_at is not None
    assert reviews[2].submitted_at is None


def test_team_members(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_team("acme/sre", ["alice", "bob"])
    fake.add_team("acme/secret", ["eve"], readable=False)
    assert gateway.list_team_members("acme/sre").members == ("alice", "bob")
    hidden = gateway.list_team_members("acme/secret")
    assert not hidden.readable
    assert hidden.members == ()
    assert not gateway.list_team_members("acme/nope").readable


def test_team_members_forbidden_is_not_an_error(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_team("acme/sre", ["alice"])
    fake.fail_next("GET", r"/teams/", 403, {"message": "Resource not accessible by integration"})
    assert not gateway.list_team_members("acme/sre").readable


def test_statuses_newest_first_and_labels(fake: FakeGitHub, gateway: Gateway) -> None:
    sha = fake.branches["main"]
    apply(
        gateway,
        SetCommitStatus(sha=sha, context="postmortem/sign-off", state="pending", description="0 of 2"),
        SetCommitStatus(
            sha=sha,
            context="postmortem/sign-off",
            state="success",
            description="2 of 2",
            target_url="https://x",
        ),
    )
    statuses = gateway.list_statuses(sha)
    assert [(s.state, s.description) for s in statuses] == [("success", "2 of 2"), ("pending", "0 of 2")]
    assert statuses[0].target_url == "https://x"
    fake.add_label("incident", "d73a4a", "An incident")
    assert [(la.name, la.color, la.description) for la in gateway.list_labels()] == [
        ("incident", "d73a4a", "An incident")
    ]


# ====================================================================== writes


def test_the_post_mortem_flow_in_one_plan(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.set_permission("alice", "write")
    incident = fake.add_issue("DB outage")
    base = fake.branches["main"]
    plan = Plan(
        writes=[
            CreateBranch(branch="postmortem/db", from_sha=base),
            PutFile(
                path="postmortems/db.md", branch="postmortem/db", content="# DB\n", message="Add post-mortem"
            ),
            CreatePullRequest(
                head="postmortem/db", base="main", title="Post-mortem: DB", body="Closes nothing"
            ),
            AddLabels(number=NEW_PULL_REQUEST, labels=("postmortem",)),
            RequestReviewers(number=NEW_PULL_REQUEST, users=("alice",), teams=("sre",)),
            CreateComment(
                number=incident.number, body=f"Draft: {PULL_REQUEST_LINK}", link_new_pull_request=True
            ),
        ]
    )
    results = apply(gateway, *plan.writes)

    assert len(results) == 6
    assert fake.count() == 6
    assert gateway.request_count == 6
    assert [e.method for e in fake.writes] == ["POST", "PUT", "POST", "POST", "POST", "POST"]
    assert results[0].sha == base
    assert fake.file_text("postmortem/db", "postmortems/db.md") == "# DB\n"
    assert fake.file_text("main", "postmortems/db.md") is None
    assert results[1].sha == blob_sha(b"# DB\n")
    assert [c.message for c in fake.commit_log("postmortem/db")][:1] == ["Add post-mortem"]
    assert fake.commit_log("postmortem/db")[0].author == "github-actions[bot]"
    (pr,) = fake.pulls()
    assert results[2].number == pr.number
    assert results[2].url == f"https://github.com/Codertocat/Hello-World/pull/{pr.number}"
    assert pr.draft
    assert pr.labels == ["postmortem"]
    assert pr.requested_reviewers == ["alice"]
    assert pr.requested_teams == ["sre"]
    assert results[3].write == AddLabels(number=pr.number, labels=("postmortem",))
    (comment,) = fake.comments_on(incident.number)
    assert comment.body == f"Draft: #{pr.number}"
    assert results[5].number == comment.id
    assert fake.labels["postmortem"].color == "ededed"  # created by adding it, as GitHub does


def test_empty_plan_makes_no_request(fake: FakeGitHub, gateway: Gateway) -> None:
    assert apply(gateway) == []
    assert fake.count() == 0
    assert gateway.request_count == 0


def test_update_a_file_with_its_sha(fake: FakeGitHub, gateway: Gateway) -> None:
    sha = fake.add_file("main", "doc.md", "v1")
    (result,) = apply(
        gateway, PutFile(path="doc.md", branch="main", content="v2", message="Edit", expected_sha=sha)
    )
    assert fake.file_text("main", "doc.md") == "v2"
    assert result.sha == blob_sha(b"v2")
    assert len(fake.commit_log("main")) == 3


def test_stale_sha_is_a_conflict_and_overwrites_nothing(fake: FakeGitHub, gateway: Gateway) -> None:
    old = fake.add_file("main", "doc.md", "v1")
    fake.add_file("main", "doc.md", "edited by a human")
    with pytest.raises(
        Conflict, match=r"changed since it was read.*nothing was overwritten.*[Rr]erun"
    ) as caught:
        apply(gateway, PutFile(path="doc.md", branch="main", content="v2", message="Edit", expected_sha=old))
    assert caught.value.status == 409
    assert fake.file_text("main", "doc.md") == "edited by a human"
    assert fake.count("PUT") == 1  # a 409 is not retried


def test_creating_a_file_that_appeared_meanwhile_is_a_conflict(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_file("main", "doc.md", "someone else's")
    with pytest.raises(Conflict, match=r"another file has that name.*nothing was overwritten"):
        apply(gateway, PutFile(path="doc.md", branch="main", content="mine", message="Add"))
    assert fake.file_text("main", "doc.md") == "someone else's"


def test_issue_pull_request_comment_label_edits(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue("Fix the alert", labels=["action-item"])
    pr = fake.add_pull("postmortem/x", title="Old")
    note = fake.add_comment(issue.number, "status: 0 of 2", user="github-actions[bot]")
    results = apply(
        gateway,
        UpdateIssue(number=issue.number, state="closed", state_reason="not_planned", assignees=("bob",)),
        UpdatePullRequest(number=pr.number, title="New", body="Body"),
        UpdateComment(comment_id=note.id, number=issue.number, body="status: 2 of 2"),
        CreateLabel(name="postmortem", color="#5319e7", description="Post-mortems"),
        CreateIssue(title="Add an alert", body="From #1", assignees=("alice",), labels=("action-item",)),
    )
    assert (issue.state, issue.state_reason, issue.assignees) == ("closed", "not_planned", ["bob"])
    assert (pr.title, pr.body) == ("New", "Body")
    assert fake.comments[note.id].body == "status: 2 of 2"
    assert fake.labels["postmortem"].color == "5319e7"
    created = fake.items[results[4].number]  # type: ignore[index]
    assert (created.title, created.assignees, created.labels, created.user) == (
        "Add an alert",
        ["alice"],
        ["action-item"],
        "github-actions[bot]",
    )
    assert results[4].url == f"https://github.com/Codertocat/Hello-World/issues/{created.number}"
    assert [e.method for e in fake.writes] == ["PATCH", "PATCH", "PATCH", "POST", "POST"]


def test_reopen_issue(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue(state="closed", state_reason="completed")
    apply(gateway, UpdateIssue(number=issue.number, state="open", state_reason="reopened"))
    assert (issue.state, issue.state_reason) == ("open", "reopened")


def test_existing_label_is_not_an_error(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_label("postmortem")
    (result,) = apply(gateway, CreateLabel(name="postmortem", color="ffffff"))
    assert result.note == "already existed"


# ====================================================================== refusals that mean "already done"


def test_branch_created_by_a_concurrent_run_is_fine(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.create_branch("postmortem/db")
    (result,) = apply(gateway, CreateBranch(branch="postmortem/db", from_sha=fake.branches["main"]))
    assert result.note == "already existed"
    assert result.sha == fake.branches["postmortem/db"]


def test_pull_request_that_already_exists_is_found(fake: FakeGitHub, gateway: Gateway) -> None:
    existing = fake.add_pull("postmortem/db")
    fake.add_file("postmortem/db", "x.md", "x")
    (result,) = apply(gateway, CreatePullRequest(head="postmortem/db", base="main", title="T", body="B"))
    assert (result.number, result.note) == (existing.number, "already existed")
    assert len(fake.pulls()) == 1


def test_draft_falls_back_to_a_regular_pull_request(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.drafts_supported = False
    fake.add_file("postmortem/db", "x.md", "x")
    (result,) = apply(
        gateway, CreatePullRequest(head="postmortem/db", base="main", title="T", body="B", draft=True)
    )
    (pr,) = fake.pulls()
    assert not pr.draft
    assert result.number == pr.number
    assert "does not support drafts" in result.note


# ====================================================================== error mapping


@pytest.mark.parametrize(
    ("scope", "write", "expected"),
    [
        ("contents", CreateBranch(branch="b", from_sha="x"), "contents: write"),
        ("contents", PutFile(path="a.md", branch="main", content="a", message="m"), "contents: write"),
        (
            "pull-requests",
            CreatePullRequest(head="h", base="main", title="t", body="b"),
            "pull-requests: write",
        ),
        ("issues", CreateComment(number=1, body="hi"), "issues: write"),
        ("issues", CreateIssue(title="t", body="b"), "issues: write"),
        (
            "statuses",
            SetCommitStatus(sha="0" * 40, context="c", state="success", description="d"),
            "statuses: write",
        ),
    ],
)
def test_missing_permission_names_the_scope(
    fake: FakeGitHub, gateway: Gateway, scope: str, write: Write, expected: str
) -> None:
    fake.add_issue()
    fake.revoke(scope)
    with pytest.raises(PermissionDenied, match=rf"Add `{expected}` under `permissions:`") as caught:
        apply(gateway, write)
    assert caught.value.status == 403
    assert fake.count() == 1  # not retried


def test_actions_may_not_create_pull_requests(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.actions_can_create_pull_requests = False
    fake.add_file("postmortem/db", "x.md", "x")
    with pytest.raises(PermissionDenied, match="Allow GitHub Actions to create and approve pull requests"):
        apply(gateway, CreatePullRequest(head="postmortem/db", base="main", title="T", body="B"))
    assert fake.pulls() == []


def test_protected_branch_refuses_a_direct_commit(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.protect("main")
    with pytest.raises(ProtectedBranch, match=r"main refused .*pull request") as caught:
        apply(gateway, PutFile(path="postmortems/a.md", branch="main", content="a", message="m"))
    assert caught.value.status == 409
    assert fake.file_text("main", "postmortems/a.md") is None


def test_write_to_a_missing_issue_is_not_found(fake: FakeGitHub, gateway: Gateway) -> None:
    with pytest.raises(NotFound, match=r"404.*comment on #42"):
        apply(gateway, CreateComment(number=42, body="hi"))


def test_failure_midway_reports_what_was_applied(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    plan = Plan(
        writes=[
            CreateComment(number=issue.number, body="one"),
            CreateComment(number=404, body="two"),
            CreateComment(number=issue.number, body="three"),
        ]
    )
    results: list[WriteResult] = []
    with pytest.raises(NotFound, match=r"404.*comment on #404"):
        Applier(Snapshot(gateway), results.append).apply(plan)
    assert [r.write for r in results] == [plan.writes[0]]
    assert [c.body for c in fake.comments_on(issue.number)] == ["one"], (
        "the write after the failure is not sent"
    )
    assert fake.count("POST") == 2


def test_invalid_token(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.fail_next("GET", r"/issues/1$", 401, {"message": "Bad credentials"})
    with pytest.raises(PermissionDenied, match="github-token"):
        gateway.get_issue(1)


# ====================================================================== rate limits, 5xx, duplicates


def test_primary_rate_limit_on_a_read_raises_without_waiting(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.rate_limit_next("GET", r"/issues$", kind="primary")
    with pytest.raises(RateLimited, match="rerun the workflow") as caught:
        gateway.list_issues()
    assert caught.value.retry_after is not None
    assert 3000 < caught.value.retry_after <= 3602
    assert fake.count() == 1


def test_short_secondary_rate_limit_on_a_read_is_retried(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_issue("a")
    fake.rate_limit_next("GET", r"/issues$", kind="secondary", retry_after=2)
    assert [i.title for i in gateway.list_issues()] == ["a"]
    assert fake.count() == 2
    assert gateway.request_count == 2


def test_rate_limited_write_waits_and_is_sent_again(fake: FakeGitHub) -> None:
    waits: list[float] = []
    gateway = Gateway(token="t", repository=fake.repository, pace=False, sleep=waits.append)
    issue = fake.add_issue()
    fake.rate_limit_next("POST", r"/comments$", kind="secondary", retry_after=5)
    (result,) = apply(gateway, CreateComment(number=issue.number, body="hi"))
    assert waits == [5.0]
    assert len(fake.comments_on(issue.number)) == 1
    assert result.number is not None
    assert fake.count("POST") == 2


def test_rate_limited_write_with_a_long_wait_raises(fake: FakeGitHub) -> None:
    waits: list[float] = []
    gateway = Gateway(
        token="t", repository=fake.repository, pace=False, sleep=waits.append, max_rate_limit_wait=30
    )
    issue = fake.add_issue()
    fake.rate_limit_next("POST", r"/comments$", kind="secondary", retry_after=600)
    with pytest.raises(RateLimited, match="secondary limit") as caught:
        apply(gateway, CreateComment(number=issue.number, body="hi"))
    assert caught.value.retry_after == 600
    assert waits == []
    assert fake.comments_on(issue.number) == []


def test_secondary_limit_without_retry_after_on_a_write(fake: FakeGitHub) -> None:
    gateway = Gateway(
        token="t", repository=fake.repository, pace=False, sleep=lambda _: None, max_rate_limit_wait=10
    )
    fake.rate_limit_next("POST", r"/labels$", kind="secondary", status=429)
    with pytest.raises(RateLimited) as caught:
        apply(gateway, CreateLabel(name="x", color="ffffff"))
    assert caught.value.retry_after == 60  # GitHub: wait at least a minute


def test_502_on_a_read_is_retried(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue("a")
    fake.fail_next("GET", rf"/issues/{issue.number}$", 502, times=2)
    assert gateway.get_issue(issue.number).title == "a"
    assert fake.count() == 3
    assert gateway.request_count == 3


def test_persistent_502_on_a_read_is_a_github_error(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.fail_next("GET", r"/issues/1$", 502, times=10)
    with pytest.raises(GitHubError, match=r"GitHub answered 502 .*[Rr]erun the workflow") as caught:
        gateway.get_issue(1)
    assert caught.value.status == 502
    assert fake.count() == 4  # the request and three retries


def test_pull_request_created_then_502_is_not_duplicated(fake: FakeGitHub, gateway: Gateway) -> None:
    """GitHub applied the POST but answered 502: the gateway looks the PR up by head instead of posting again."""
    fake.add_file("postmortem/db", "x.md", "x")
    fake.fail_next("POST", r"/pulls$", 502, after=True)
    (result,) = apply(gateway, CreatePullRequest(head="postmortem/db", base="main", title="T", body="B"))
    (pr,) = fake.pulls()
    assert result.number == pr.number
    assert "502" in result.note
    assert fake.count("POST") == 1
    assert fake.count("GET", r"/pulls$") == 1


def test_comment_created_then_502_is_not_duplicated(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    fake.fail_next("POST", r"/comments$", 502, after=True)
    (result,) = apply(gateway, CreateComment(number=issue.number, body="<!-- pm --> hello"))
    (comment,) = fake.comments_on(issue.number)
    assert result.number == comment.id
    assert fake.count("POST") == 1


def test_issue_and_branch_and_file_created_then_502_are_not_duplicated(
    fake: FakeGitHub, gateway: Gateway
) -> None:
    fake.fail_next("POST", r"/issues$", 502, after=True)
    fake.fail_next("POST", r"/git/refs$", 502, after=True)
    fake.fail_next("PUT", r"/contents/", 502, after=True)
    results = apply(
        gateway,
        CreateIssue(title="Add an alert", body="b", labels=("action-item",)),
        CreateBranch(branch="pm", from_sha=fake.branches["main"]),
        PutFile(path="a.md", branch="pm", content="a", message="m"),
    )
    assert len(fake.issues_only()) == 1
    assert results[0].number == fake.issues_only()[0].number
    assert results[1].sha == fake.branches["main"]  # where the branch was created
    assert len(fake.commit_log("pm")) == 2
    assert results[2].sha == blob_sha(b"a")
    assert len(fake.writes) == 3
    assert all("502" in r.note for r in results)


def test_502_before_processing_sends_the_write_again_once(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    fake.fail_next("POST", r"/comments$", 502)
    apply(gateway, CreateComment(number=issue.number, body="hello"))
    assert len(fake.comments_on(issue.number)) == 1
    assert fake.count("POST") == 2
    assert fake.count("GET") == 1


def test_idempotent_write_is_simply_sent_again_after_a_502(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    fake.fail_next("POST", r"/labels$", 503)
    apply(gateway, AddLabels(number=issue.number, labels=("incident",)))
    assert issue.labels == ["incident"]
    assert fake.count("POST") == 2
    assert fake.count("GET") == 0


def test_write_failing_twice_with_5xx_is_a_github_error(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue()
    fake.fail_next("PATCH", r"/issues/\d+$", 502, times=2)
    with pytest.raises(GitHubError, match=r"GitHub answered 502.*finds what it already created"):
        apply(gateway, UpdateIssue(number=issue.number, title="x"))
    assert fake.count("PATCH") == 2


def test_long_retry_after_on_a_read_raises_at_once(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.rate_limit_next("GET", r"/labels$", kind="secondary", retry_after=600)
    with pytest.raises(RateLimited, match="secondary limit") as caught:
        gateway.list_labels()
    assert caught.value.retry_after == 600
    assert fake.count() == 1


def test_repository_must_be_owner_slash_name() -> None:
    with pytest.raises(ValueError, match="owner/name"):
        Gateway(token="t", repository="just-a-name", pace=False)
