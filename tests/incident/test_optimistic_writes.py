"""The incident flow writes optimistically where GitHub answers a conflict, instead of reading first."""

from __future__ import annotations

from postmortem.markdown.markers import read_marker
from tests.fake_github import FakeGitHub
from tests.harness import assert_rerun_writes_nothing, issue_body, issue_payload, run
from tests.scenario import BRANCH, INCIDENT, PATH, PR, TITLE, open_incident, people


def test_a_file_name_taken_on_the_default_branch_gets_the_incident_number(fake: FakeGitHub) -> None:
    people(fake)
    fake.add_file("main", PATH, "another incident's post-mortem\n")
    open_incident(fake)

    alternative = PATH.removesuffix(".md") + f"-{INCIDENT}.md"
    assert "Umbrella" in (fake.file_text(BRANCH, alternative) or "")
    assert fake.file_text(BRANCH, PATH) == "another incident's post-mortem\n", "nothing was overwritten"
    assert read_marker(fake.items[PR].body, "document")["path"] == alternative  # type: ignore[index]
    (link,) = fake.comments_on(INCIDENT)
    assert alternative in link.body and f"`{PATH}`" not in link.body
    # one refused PUT (422), then the document at the other name: no read of the default branch first
    assert [(e.method, e.status) for e in fake.log if e.method == "PUT"] == [("PUT", 422), ("PUT", 201)]
    assert_rerun_writes_nothing(fake, "issues", issue_payload(fake, INCIDENT))


def test_a_branch_left_by_a_cut_off_run_is_reused(fake: FakeGitHub) -> None:
    """An earlier run created the branch and committed the draft, then stopped: the next run's 422s mean found."""
    people(fake)
    fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    fake.fail_next("POST", r"/pulls$", 422, {"message": "Validation Failed", "errors": [{"message": "odd"}]})
    report = run(fake, "issues", issue_payload(fake, INCIDENT), raise_errors=False)
    assert report.errors and fake.pulls() == []
    document = fake.file_text(BRANCH, PATH)

    report = run(fake, "issues", issue_payload(fake, INCIDENT))

    assert fake.file_text(BRANCH, PATH) == document
    assert [p.head for p in fake.pulls()] == [BRANCH]
    notes = {r.write.kind: r.note for r in report.applied}
    assert notes["create_branch"] == notes["put_file"] == "already existed"
