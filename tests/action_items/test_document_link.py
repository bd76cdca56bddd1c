"""Issue #10 item 8: a tracking issue links to the document where it exists.

Before the merge the document is only on the pull request's branch; after the publication it is on the default
branch. The link in the issue body follows, within the sync the merge already makes.
"""

from __future__ import annotations

from tests.fake_github import FakeGitHub
from tests.harness import assert_rerun_writes_nothing, merge_pull, pull_payload, run
from tests.scenario import BRANCH, PATH, PR, open_incident, people, ready, texts, tracking, with_rows

REPO = "https://github.com/Codertocat/Hello-World"


def test_the_link_follows_the_document_from_the_branch_to_the_default_branch(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake, PR)
    issues = tracking(fake)
    assert len(issues) == 2
    for issue in issues:
        assert f"({REPO}/blob/{BRANCH}/{PATH})" in issue.body, issue.body
        assert f"/blob/main/{PATH}" not in issue.body

    merge_pull(fake, PR)
    closed = pull_payload(fake, PR, action="closed")
    report = run(fake, "pull_request", closed)
    for issue in tracking(fake):
        assert f"({REPO}/blob/main/{PATH})" in issue.body, texts(report)
        assert f"/blob/{BRANCH}/" not in issue.body
    assert_rerun_writes_nothing(fake, "pull_request", closed)
