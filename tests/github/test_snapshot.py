"""The per-run snapshot: each resource read at most once, the run's writes folded in, document edits staged."""

from __future__ import annotations

from postmortem.github.apply import Applier
from postmortem.github.client import Gateway
from postmortem.github.snapshot import Snapshot
from postmortem.plan import CreateComment, CreateIssue, Plan, PutFile
from tests.fake_github import FakeGitHub


def test_every_resource_is_read_once(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.add_file("main", "a.md", "a\n")
    issue = fake.add_issue("Outage", labels=["action-item"])
    fake.set_permission("alice", "write")
    snapshot = Snapshot(gateway)
    for _ in range(3):
        assert snapshot.file("a.md", "main") is not None
        assert snapshot.issue(issue.number).title == "Outage"
        assert [i.number for i in snapshot.issues_labelled("action-item")] == [issue.number]
        assert snapshot.permission("alice") == "write"
        assert snapshot.permission("ALICE") == "write"  # logins are case-insensitive
        assert snapshot.file("missing.md", "main") is None
    assert fake.count() == 5
    assert snapshot.permission("ghost") == "none" and fake.count() == 5, "the deleted-user placeholder"


def test_an_issue_without_comments_has_none_read(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue("Quiet")
    snapshot = Snapshot(gateway)
    snapshot.issue(issue.number)
    assert snapshot.comments(issue.number) == []
    assert fake.count("GET", r"/comments$") == 0


def test_writes_fold_into_what_later_handlers_read(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue("Outage")
    snapshot = Snapshot(gateway)
    assert snapshot.issues_labelled("action-item") == []
    assert snapshot.comments(issue.number) == []
    applier = Applier(snapshot)
    applier.apply(
        Plan(
            writes=[
                CreateIssue(title="Fix it", body="b", labels=("action-item",)),
                CreateComment(number=issue.number, body="hello"),
            ]
        )
    )
    reads = fake.count("GET")
    assert [i.title for i in snapshot.issues_labelled("action-item")] == ["Fix it"]
    assert [c.body for c in snapshot.comments(issue.number)] == ["hello"]
    assert fake.count("GET") == reads, "answered from the snapshot"


def test_edits_of_one_document_are_staged_and_committed_once(fake: FakeGitHub, gateway: Gateway) -> None:
    sha = fake.add_file("feature", "doc.md", "v1\n")
    before = len(fake.commit_log("feature"))
    snapshot = Snapshot(gateway)
    applier = Applier(snapshot)
    first = snapshot.file("doc.md", "feature")
    assert first is not None and first.sha == sha
    applier.apply(Plan(writes=[PutFile(path="doc.md", branch="feature", content="v2\n", message="Cells",
                                       expected_sha=sha)]))  # fmt: skip
    staged = snapshot.file("doc.md", "feature")
    assert staged is not None and staged.text == "v2\n", "a later handler reads the staged edit"
    applier.apply(Plan(writes=[PutFile(path="doc.md", branch="feature", content="v3\n", message="Status",
                                       expected_sha=staged.sha)]))  # fmt: skip
    assert fake.writes == [], "nothing is sent before the end of the run"
    applier.finish()
    assert fake.file_text("feature", "doc.md") == "v3\n"
    assert len(fake.commit_log("feature")) == before + 1
    assert fake.commit_log("feature")[0].message == "Cells\n\nStatus"


def test_a_dry_run_lists_the_protected_branch_fallback() -> None:
    write = PutFile(
        path="p.md", branch="main", content="x", message="Publish", fallback_branch="postmortem/pub"
    )
    assert "if branch protection refuses: commit it to postmortem/pub and open a pull request into main" in (
        write.describe()
    )


def test_primed_answers_are_not_read_again(fake: FakeGitHub, gateway: Gateway) -> None:
    issue = fake.add_issue("Outage")
    pull = fake.add_pull("postmortem/incident-1")
    snapshot = Snapshot(gateway)
    shown_issue, shown_pull = gateway.get_issue(issue.number), gateway.get_pull_request(pull.number)
    fake.reset_counts()
    snapshot.prime(shown_issue.model_copy(update={"labels": ("incident",)}), shown_pull)
    assert snapshot.issue(issue.number).labels == ("incident",)
    assert snapshot.pull_request(pull.number) == shown_pull
    assert snapshot.pull_request_from("postmortem/incident-1") == shown_pull
    assert fake.count() == 0
