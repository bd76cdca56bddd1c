"""bench/catalogue.py counts a refresh's requests from a model (listing, README, changed documents, commit):
the commit's writes in that model are what a real refresh on the fake GitHub spends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from bench.catalogue import COMMIT_WRITES
from tests.catalogue.test_flow import draft, publish
from tests.fake_github import FakeGitHub
from tests.harness import push_payload, run
from tests.scenario import PATH, people


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        gh.register(mock)
        yield gh


def test_the_bench_counts_the_writes_a_refresh_makes(fake: FakeGitHub) -> None:
    people(fake)
    _, pr = draft(fake)
    run(fake, "pull_request", publish(fake, pr))
    text = fake.file_text("main", PATH) or ""
    fake.add_file("main", PATH, text.replace("severity: P0", "severity: P1"), message="Human edit")
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=[PATH]))
    assert fake.commit_log("main")[0].message == "Refresh the post-mortem catalogue"
    assert len(fake.writes) == COMMIT_WRITES, fake.log
