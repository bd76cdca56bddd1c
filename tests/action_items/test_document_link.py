"""Issue #10 item 8: a tracking issue links to the document where it can be read, from the first minute.

Before the merge the document is only on the pull request's branch, so the link is the pull request's files (never
``blob/main``, a 404 then). That page outlives the branch, so the merge edits no issue for the link; an issue
opened for a document already on the default branch links there.
"""

from __future__ import annotations

from tests.fake_github import FakeGitHub
from tests.harness import assert_rerun_writes_nothing, merge_pull, pull_payload, run
from tests.scenario import PATH, PR, open_incident, people, ready, tracking, with_rows

REPO = "https://github.com/Codertocat/Hello-World"


def test_the_link_reads_the_document_in_review_and_survives_the_merge(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake, PR)
    issues = tracking(fake)
    assert len(issues) == 2
    for issue in issues:
        assert f"({REPO}/pull/{PR}/files)" in issue.body, issue.body
        assert f"/blob/main/{PATH}" not in issue.body, "the default branch has no such file before the merge"

    bodies = {issue.number: issue.body for issue in tracking(fake)}
    merge_pull(fake, PR)
    closed = pull_payload(fake, PR, action="closed")
    run(fake, "pull_request", closed)
    assert {issue.number: issue.body for issue in tracking(fake)} == bodies, "no issue is edited for its link"
    assert_rerun_writes_nothing(fake, "pull_request", closed)
