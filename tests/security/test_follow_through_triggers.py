"""Only people with write access trigger writes: closing a follow-up review issue commits to the default branch.

GitHub lets people with triage access close any issue; that must not record a review in the post-mortem.
"""

from __future__ import annotations

from typing import Any

from tests.fake_github import FakeGitHub
from tests.follow_through.test_handler import (  # noqa: F401 (fixtures)
    PATH,
    fake,
    follow_ups,
    http,
    schedule,
    today,
)
from tests.harness import close_issue, issue_payload, run


def test_a_triager_closing_the_follow_up_records_nothing(fake: FakeGitHub, today: Any) -> None:
    today("2026-04-19")
    schedule(fake)
    (issue,) = follow_ups(fake)
    fake.set_permission("trevor", "triage")
    before = fake.file_text("main", PATH)
    fake.reset_counts()
    close_issue(fake, issue.number, "completed")
    run(fake, "issues", issue_payload(fake, issue.number, action="closed", sender="trevor"))
    assert fake.file_text("main", PATH) == before
    assert fake.writes == []
    # a maintainer closing it again later still records the review
    run(fake, "issues", issue_payload(fake, issue.number, action="closed", sender="alice"))
    assert "follow_up_done" in (fake.file_text("main", PATH) or "")
