"""The issue timeline read (``GET /repos/{o}/{r}/issues/{n}/timeline``) mapped into typed activities, on
GitHub's own example answer (from the REST description) and on the fake's."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import responses

from postmortem.github.client import Gateway
from tests.fake_github import FakeGitHub
from tests.material import fixture

EXAMPLES = fixture("rest", "github-rest-more.examples.json")
URL = re.compile(r"https://api\.github\.com(:443)?/repos/Codertocat/Hello-World/issues/1/timeline(\?.*)?")


def test_githubs_example_timeline_keeps_comments_and_labels() -> None:
    value = json.loads(EXAMPLES.read_text(encoding="utf-8"))["examples"]["timeline-issue-events"]["value"]
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, URL, json=value)
        activities = Gateway(token="t", repository="Codertocat/Hello-World", pace=False).list_issue_timeline(
            1
        )
        assert "per_page=100" in (mock.calls[0].request.url or "")
    # locked and renamed are dropped; labeled keeps its label, commented its author and body
    assert [a.kind for a in activities] == ["labeled", "commented"]
    labeled, commented = activities
    assert labeled.actor == "github-product-roadmap" and labeled.label == "beta"
    assert labeled.created_at == datetime(2022, 4, 13, 20, 49, 34, tzinfo=UTC)
    assert commented.actor == "octocat" and commented.body.startswith("🚢")


def test_the_fakes_timeline_lists_comments_labels_and_closings_in_order(fake: FakeGitHub) -> None:
    issue = fake.add_issue("Incident", "", labels=["incident"], user="mona")
    fake.label_as(issue.number, "P1", user="bob")
    fake.add_comment(issue.number, "10:40 flushed", user="alice")
    fake.close_as(issue.number, user="alice")
    gateway = Gateway(token="t", repository=fake.repository, pace=False)
    activities = gateway.list_issue_timeline(issue.number)
    assert [(a.kind, a.actor, a.label) for a in activities] == [
        ("labeled", "mona", "incident"),
        ("labeled", "bob", "P1"),
        ("commented", "alice", ""),
        ("closed", "alice", ""),
    ]
    assert gateway.get_issue(issue.number).closed_by == "alice"
