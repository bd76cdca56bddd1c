"""The follow-through's request budget: a scheduled run over 200 open items across 20 post-mortems.

Issue #8: it grows with what changed, not with what exists: ≤ ⌈open items / 100⌉ listing requests plus the writes.
On ``schedule`` the reconcile has already listed the action-item label and read the documents, so the
follow-through adds two listings (the digest's and the follow-ups' labels) and its writes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from datetime import date

import github.Requester
import pytest
import responses

from postmortem.github.client import Gateway
from postmortem.plan import DeleteComment, RemoveLabel
from tests.fake_github import FakeGitHub
from tests.follow_through import fleet
from tests.harness import dispatch_payload, run

GITHUB_CONTENT_LIMIT_PER_HOUR = 500


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    monkeypatch.setenv("POSTMORTEM_TODAY", fleet.PUBLISHED.isoformat())  # restored after the test
    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        fleet.build(fake)
        yield fake


def _reconcile_alone(fake: FakeGitHub, day: date) -> int:
    os.environ["POSTMORTEM_TODAY"] = day.isoformat()
    fake.reset_counts()
    run(fake, "workflow_dispatch", dispatch_payload(fake))
    assert fake.writes == []
    return fake.count()


def test_a_quiet_day_costs_two_listings_more_than_the_reconcile(repo: FakeGitHub) -> None:
    day = date(2026, 1, 20)  # nothing due within two days, follow-ups not yet due
    first = fleet.measure(repo, day)
    assert first.by_kind == {"label created": 1, "issue opened": 1}, "the digest, once"
    quiet = fleet.measure(repo, day)
    assert quiet.writes == 0
    assert quiet.listing_pages == math.ceil(quiet.open_items / 100) == 2
    assert quiet.requests == _reconcile_alone(repo, day) + 2

    remind = fleet.measure(repo, day, "remind")
    # config, ⌈200/100⌉ listing pages, the digest and follow-up listings, the folder and its 20 documents
    assert remind.writes == 0
    assert remind.requests == 1 + 2 + 2 + 1 + fleet.DOCS


def test_a_backlog_day_stays_within_the_hourly_limit_and_listing_stays_flat(repo: FakeGitHub) -> None:
    day = date(2026, 9, 1)  # every item overdue, never reminded; every follow-up due
    backlog = fleet.measure(repo, day)
    assert backlog.listing_pages == 2
    assert backlog.writes <= GITHUB_CONTENT_LIMIT_PER_HOUR
    assert (
        backlog.by_kind["comment"] == 100 and backlog.by_kind["issue opened"] == fleet.DOCS + 1
    )  # + the digest
    reads = backlog.requests - backlog.writes
    # + the repository's labels (labels to create) and the incidents' labels (follow-ups' similar incidents)
    assert reads <= _reconcile_alone(repo, day) + 2 + 1 + 1

    rest = fleet.measure(repo, day)  # the items left for the next run
    assert rest.by_kind["comment"] == 100 and "issue opened" not in rest.by_kind
    assert fleet.measure(repo, day).writes == 0, "then a rerun the same day writes nothing"
    next_day = fleet.measure(repo, date(2026, 9, 2))
    assert next_day.by_kind == {"issue edited": 1}, "only the digest's days late change"


def test_writes_are_paced_one_second_apart_in_production(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyGithub's throttle (``pace=True``, as the CLI runs) waits before every non-GET request until a second has
    passed since the previous write: deleting a comment and taking a label off included."""
    waits: list[float] = []
    monkeypatch.setattr(github.Requester.time, "sleep", waits.append)
    issue = fake.add_issue("Tracking", "", labels=["overdue"], user="github-actions[bot]")
    comments = [fake.add_comment(issue.number, "old reminder") for _ in range(2)]
    gateway = Gateway(token="t", repository=fake.repository, pace=True)
    gateway.send(DeleteComment(comment_id=comments[0].id, number=issue.number))
    gateway.send(DeleteComment(comment_id=comments[1].id, number=issue.number))
    gateway.send(RemoveLabel(number=issue.number, label="overdue"))
    gateway.send(RemoveLabel(number=issue.number, label="overdue"))  # 404: already off, done
    assert fake.comments_on(issue.number) == [] and fake.items[issue.number].labels == []
    assert len(waits) == 3 and all(0.9 < wait <= 1.0 for wait in waits), waits
