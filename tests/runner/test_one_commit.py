"""At most one commit per document per run, whichever handlers edit it and however many rounds they take."""

from __future__ import annotations

from postmortem.markdown.frontmatter import split_frontmatter
from tests.fake_github import FakeGitHub
from tests.harness import merge_pull, pull_payload, run
from tests.scenario import PATH, PR, approve, open_incident, people, tracking, with_rows


def test_a_merge_that_creates_issues_publishes_and_links_them_in_one_commit(fake: FakeGitHub) -> None:
    """The rows never got issues before the merge: the publication, then new issues, then their numbers in
    the Issue cells (a second round) still land on main as one commit."""
    people(fake)
    open_incident(fake)
    with_rows(fake)
    fake.items[PR].draft = False
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    before = len(fake.commit_log("main"))

    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))

    assert len(tracking(fake)) == 2
    assert len(fake.commit_log("main")) == before + 1
    published = fake.file_text("main", PATH) or ""
    assert split_frontmatter(published)[0]["status"] == "Published"
    assert all(f"#{issue.number}" in published for issue in tracking(fake))


def test_a_dry_run_of_the_merge_prints_the_publication_and_its_protected_branch_fallback(
    fake: FakeGitHub,
) -> None:
    people(fake)
    open_incident(fake)
    fake.items[PR].draft = False
    approve(fake, "alice", "bob")
    merge_pull(fake, PR)
    fake.reset_counts()

    report = run(fake, "pull_request", pull_payload(fake, PR, action="closed"), dry_run=True)

    lines = [write.describe() for write in report.writes]
    publish = next(line for line in lines if line.startswith(f"update {PATH} on main"))
    assert "if branch protection refuses: commit it to postmortem/publish-incident-1" in publish
    assert any("(after the commit to main)" in line for line in lines), "the incident comment waits for it"
    assert fake.writes == []
