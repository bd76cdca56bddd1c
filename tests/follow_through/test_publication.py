"""Publication records the follow-up review's date as the config says (``follow_up.days``, ``follow_up.enabled``)."""

from __future__ import annotations

import pytest

from postmortem.markdown.frontmatter import split_frontmatter
from tests.fake_github import FakeGitHub
from tests.harness import merge_pull, pull_payload, run
from tests.scenario import CONFIG, INCIDENT, PATH, PR, approve, open_incident, people, ready


def publish(fake: FakeGitHub, config: str) -> str:
    people(fake, config)
    open_incident(fake)
    ready(fake)
    approve(fake, "alice", "bob")
    merge_pull(fake, PR, merged_at="2026-03-16T10:00:00Z")
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    return fake.file_text("main", PATH) or ""


@pytest.mark.parametrize(
    ("extra", "due", "line"),
    [
        ("", "2026-04-15", "30-day follow-up review: 2026-04-15."),
        ("follow_up: {days: 14}\n", "2026-03-30", "14-day follow-up review: 2026-03-30."),
    ],
)
def test_publication_records_the_follow_up_date(fake: FakeGitHub, extra: str, due: str, line: str) -> None:
    published = publish(fake, CONFIG + extra)
    meta, body = split_frontmatter(published)
    assert meta["published"] == "2026-03-16"
    assert meta["follow_up"] == due
    assert f"(scheduled for {due})" in body
    comment = fake.comments_on(INCIDENT)[-1].body
    assert line in comment


def test_follow_up_turned_off_records_no_date(fake: FakeGitHub) -> None:
    published = publish(fake, CONFIG + "follow_up: {enabled: false}\n")
    meta, body = split_frontmatter(published)
    assert meta["status"] == "Published"
    assert "follow_up" not in meta
    assert "(scheduled for [Date])" in body, "the template's placeholder is left as written"
    assert "follow-up review" not in fake.comments_on(INCIDENT)[-1].body
