"""Only people with write access trigger writes: closing a follow-up review issue commits to the default branch.

GitHub lets people with triage access close any issue; that must not record a review in the post-mortem.
"""

from __future__ import annotations

from typing import Any

from tests.fake_github import FakeGitHub
from tests.follow_through import test_handler as handler_tests
from tests.follow_through.test_handler import PATH, follow_ups, schedule
from tests.harness import close_issue, issue_payload, run

# the published post-mortem with its tracking issues, as the follow-through's own tests build it
http, today, fake = handler_tests.http, handler_tests.today, handler_tests.fake


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
